"""Which policy applies: --config, BRANCHFLOW_CONFIG, a file at the root, pyproject, the default.

Order, first found wins: ``--config PATH`` (or ``--preset NAME``), then the
``BRANCHFLOW_CONFIG`` environment variable, then ``.branchflow.yaml``,
``.branchflow.yml``, ``.branchflow.toml`` at the repository root, then a
``[tool.branchflow]`` table in the root ``pyproject.toml`` (a pyproject.toml
without the table is skipped), else the built-in ``gitflow`` preset.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NamedTuple

from branchflow.errors import BranchflowError, ConfigError, UsageError
from branchflow.policy.presets import DEFAULT_PRESET

ROOT_FILES = (".branchflow.yaml", ".branchflow.yml", ".branchflow.toml")
PYPROJECT = "pyproject.toml"


class Discovery(NamedTuple):
    path: str | None  # the policy file, or None for a preset
    preset: str | None  # the preset used when there is no file
    pyproject: bool  # the file is pyproject.toml: the policy is its [tool.branchflow]
    candidates: tuple[str, ...]  # every path whose presence or content decided this
    warnings: tuple[str, ...]


def root_candidates(root: str | None) -> tuple[str, ...]:
    if root is None:
        return ()
    return tuple(os.path.join(root, name) for name in (*ROOT_FILES, PYPROJECT))


def discover(
    root: str | None,
    *,
    config: str | None = None,
    preset: str | None = None,
    env_config: str | None = None,
) -> Discovery:
    if config and preset:
        raise UsageError("give either --config or --preset, not both")
    if config:
        return _explicit(config, "--config")
    if preset:
        return Discovery(None, preset, False, (), ())
    if env_config:
        return _explicit(env_config, "BRANCHFLOW_CONFIG")
    candidates = root_candidates(root)
    if root is None:
        return Discovery(None, DEFAULT_PRESET, False, candidates, ())
    name, warnings = choose_root_file(
        lambda name: os.path.lexists(os.path.join(root, name)),
        lambda name: has_tool_table(_inside(root, name)),
    )
    if name is None:
        return Discovery(None, DEFAULT_PRESET, False, candidates, ())
    return Discovery(_inside(root, name), None, name == PYPROJECT, candidates, warnings)


def _inside(root: str, name: str) -> str:
    """The path of the root file ``name``; one that is a link to a place outside the
    repository is refused (a clone must not make branchflow read the machine's files)."""
    path = os.path.join(root, name)
    if os.path.islink(path):
        real, top = os.path.realpath(path), os.path.realpath(root)
        if os.path.commonpath([real, top]) != top:
            raise ConfigError(
                f"{name}: is a symbolic link to {real}, outside the repository; a policy "
                "file must be a file of the repository"
            )
    return path


def choose_root_file(
    present: Callable[[str], bool], has_table: Callable[[str], bool]
) -> tuple[str | None, tuple[str, ...]]:
    """Which of the root files holds the policy (a name of ROOT_FILES or PYPROJECT; None for
    the default preset), and a warning when several do. ``present`` and ``has_table`` answer
    for a name at the root, wherever the root is: a work tree, a commit."""
    found = [name for name in ROOT_FILES if present(name)]
    try:
        if present(PYPROJECT) and has_table(PYPROJECT):
            found.append(PYPROJECT)
    except BranchflowError:
        if not found:
            raise
        # Beside a policy file, a pyproject.toml that cannot be read (a link, not TOML) is
        # a project file like any other: it must not stop the policy from loading.
    if not found:
        return None, ()
    if len(found) == 1:
        return found[0], ()
    warning = (
        f"several policy files found; using {found[0]} and ignoring {', '.join(found[1:])} "
        "(remove the ones you do not mean)"
    )
    return found[0], (warning,)


def _explicit(path: str, given_by: str) -> Discovery:
    if not os.path.exists(path):
        raise ConfigError(f"the policy file {path!r} given by {given_by} does not exist")
    is_pyproject = os.path.basename(path) == PYPROJECT
    if is_pyproject and not has_tool_table(path):
        raise ConfigError(f"{path} has no [tool.branchflow] table")
    return Discovery(os.path.abspath(path), None, is_pyproject, (os.path.abspath(path),), ())


def has_tool_table(path: str) -> bool:
    from branchflow.policy.layers import read_file

    return holds_tool_table(read_file(path, path), path)


def holds_tool_table(raw: bytes, label: str) -> bool:
    """Whether a pyproject.toml has a [tool.branchflow] table. One that is not valid TOML
    is an error only when it mentions branchflow: otherwise it is some other tool's
    problem, and skipped like any pyproject.toml without the table."""
    from branchflow.policy.layers import parse_toml

    try:
        return is_tool_table(parse_toml(raw, label))
    except ConfigError:
        if b"branchflow" in raw:
            raise
        return False


def is_tool_table(pyproject: dict[str, object]) -> bool:
    tool = pyproject.get("tool")
    return isinstance(tool, dict) and "branchflow" in tool
