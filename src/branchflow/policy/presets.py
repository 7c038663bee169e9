"""The built-in policies: YAML files in the top-level ``policy/`` folder.

A wheel carries them as ``branchflow/presets``; a source checkout (editable
install) reads them from ``policy/`` at the repository root.
"""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PRESET = "gitflow"


def preset_dir() -> str:
    packaged = os.path.join(os.path.dirname(_HERE), "presets")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(_HERE))), "policy")


def preset_names() -> list[str]:
    return sorted(f[: -len(".yaml")] for f in os.listdir(preset_dir()) if f.endswith(".yaml"))


def preset_path(name: str) -> str | None:
    path = os.path.join(preset_dir(), f"{name}.yaml")
    return path if name and "/" not in name and os.path.isfile(path) else None
