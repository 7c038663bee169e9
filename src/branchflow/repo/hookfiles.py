"""Where git looks for hooks (core.hooksPath, worktrees) and which of them are branchflow's."""

from __future__ import annotations

import os

from branchflow.errors import RepoError
from branchflow.repo.gitcmd import run_git
from branchflow.repo.state import RepoLocation

MARKER = "# branchflow-native-hook:"
CHAINED_SUFFIX = ".branchflow-chained"


def hooks_dir(location: RepoLocation) -> str:
    """git's own answer, so core.hooksPath and linked worktrees are honoured."""
    cwd = location.work_tree or location.git_dir
    found = run_git(["rev-parse", "--git-path", "hooks"], cwd)
    if found is None:
        raise RepoError(f"cannot ask git where the hooks of {cwd} are")
    return found if os.path.isabs(found) else os.path.join(cwd, found)


def is_branchflow_hook(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        return False
    return MARKER.encode() in head


LEGACY_SUFFIX = ".legacy"  # where `pre-commit install` moves a hook it finds in its place


def native_hook_installed(location: RepoLocation, hook: str) -> bool:
    """Whether branchflow's own hook runs for ``hook``: in its place, or moved aside by a
    later `pre-commit install`, which runs it before the framework's hooks."""
    path = os.path.join(hooks_dir(location), hook)
    return is_branchflow_hook(path) or is_branchflow_hook(path + LEGACY_SUFFIX)
