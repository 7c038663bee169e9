"""The built-in policies: YAML files in the top-level ``policy/`` folder.

A wheel carries them as ``branchflow/presets``; a source checkout (editable
install) reads them from ``policy/`` at the repository root.
"""

from __future__ import annotations

import os

from branchflow.resources import resource_dir

DEFAULT_PRESET = "gitflow"


def preset_dir() -> str:
    return resource_dir("presets", "policy")


def preset_names() -> list[str]:
    return sorted(f[: -len(".yaml")] for f in os.listdir(preset_dir()) if f.endswith(".yaml"))


def preset_path(name: str) -> str | None:
    path = os.path.join(preset_dir(), f"{name}.yaml")
    return path if name and "/" not in name and os.path.isfile(path) else None
