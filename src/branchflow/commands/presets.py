"""``branchflow presets``: the built-in policies, with their first comment line."""

from __future__ import annotations

import argparse

from branchflow.policy.presets import preset_names, preset_path


def run(_: argparse.Namespace) -> int:
    names = preset_names()
    width = max(len(n) for n in names)
    for name in names:
        path = preset_path(name)
        summary = ""
        if path:
            with open(path, encoding="utf-8") as f:
                first = f.readline()
            summary = first.lstrip("# ").rstrip()
        print(f"{name:<{width}}  {summary}")
    return 0
