"""``branchflow install`` / ``uninstall``: native git hooks, for every ref and without pre-commit.

The hooks go where git looks for them (``core.hooksPath`` honoured, one place
for all worktrees). A hook already there that is not branchflow's is kept,
renamed ``<hook>.branchflow-chained``, and run first with the same arguments
and input; ``uninstall`` puts it back. Nothing is overwritten silently.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys

from branchflow.errors import ConfigError, RepoError
from branchflow.repo.hookfiles import (
    CHAINED_SUFFIX,
    LEGACY_SUFFIX,
    hooks_dir,
    is_branchflow_hook,
)
from branchflow.repo.state import RepoLocation, locate
from branchflow.resources import resource_dir

CLIENT_HOOKS = (
    "pre-commit",
    "pre-merge-commit",
    "post-checkout",
    "pre-push",
    "reference-transaction",
)
SERVER_HOOKS = ("pre-receive", "update")
NATIVE_HOOKS = CLIENT_HOOKS + SERVER_HOOKS
DEFAULT_HOOKS = ("pre-push", "reference-transaction")
DEFAULT_SERVER_HOOKS = ("pre-receive",)


def template(hook: str) -> str:
    path = os.path.join(resource_dir("native_hooks", "hooks"), hook)
    with open(path, encoding="utf-8") as f:
        return f.read()


def branchflow_executable() -> str:
    """The branchflow that is running now, so the hook uses the same installation."""
    here = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if os.path.basename(here) == "branchflow" and os.access(here, os.X_OK):
        return here
    return shutil.which("branchflow") or "branchflow"


def install_hook(directory: str, hook: str, executable: str) -> str:
    path = os.path.join(directory, hook)
    chained = path + CHAINED_SUFFIX
    content = template(hook).replace(
        "BRANCHFLOW=${BRANCHFLOW:-branchflow}",
        f"BRANCHFLOW=${{BRANCHFLOW:-{shlex.quote(executable)}}}",
    )
    said = f"installed {path}"
    legacy = path + LEGACY_SUFFIX
    if os.path.lexists(path) and not is_branchflow_hook(path) and is_branchflow_hook(legacy):
        # `pre-commit install` moved branchflow's hook aside and runs it first: keep it so.
        _write_hook(legacy, content)
        return f"updated {legacy} (pre-commit's {hook} hook runs it first)"
    if os.path.lexists(path):
        if is_branchflow_hook(path):
            said = f"updated {path}"
        elif os.path.lexists(chained):
            raise ConfigError(
                f"{path} is not branchflow's and {chained} exists too; move one of them away "
                "and run install again"
            )
        else:
            os.rename(path, chained)
            said = f"installed {path}; the hook that was there runs first, as {chained}"
    _write_hook(path, content)
    return said


def _write_hook(path: str, content: str) -> None:
    tmp = f"{path}.branchflow-tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


def uninstall_hook(directory: str, hook: str) -> str:
    path = os.path.join(directory, hook)
    chained = path + CHAINED_SUFFIX
    if not os.path.lexists(path):
        return f"{path}: not installed"
    if not is_branchflow_hook(path):
        return f"{path}: not branchflow's; left alone"
    os.unlink(path)
    if os.path.lexists(chained):
        os.rename(chained, path)
        return f"removed branchflow's {hook}; restored the hook it had chained"
    return f"removed {path}"


def _repository() -> RepoLocation:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    return location


def _chosen(args: argparse.Namespace, default: tuple[str, ...], bare: bool) -> list[str]:
    hooks = list(args.hook or default)
    if "all" in hooks:
        return list(SERVER_HOOKS if bare else CLIENT_HOOKS)
    unknown = [h for h in hooks if h not in NATIVE_HOOKS]
    if unknown:
        raise ConfigError(f"no native hook {unknown[0]!r}; choose from {', '.join(NATIVE_HOOKS)}")
    return hooks


def run_install(args: argparse.Namespace) -> int:
    """Client hooks in a repository with a work tree; pre-receive in a bare (server) one."""
    location = _repository()
    bare = location.work_tree is None
    directory = hooks_dir(location)
    os.makedirs(directory, exist_ok=True)
    executable = branchflow_executable()
    for hook in _chosen(args, DEFAULT_SERVER_HOOKS if bare else DEFAULT_HOOKS, bare):
        print(install_hook(directory, hook, executable))
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    location = _repository()
    directory = hooks_dir(location)
    for hook in _chosen(args, NATIVE_HOOKS, location.work_tree is None):
        if args.hook or os.path.lexists(os.path.join(directory, hook)):
            print(uninstall_hook(directory, hook))
    return 0
