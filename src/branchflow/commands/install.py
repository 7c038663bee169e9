"""``branchflow install`` / ``uninstall``: native git hooks, for every ref and without pre-commit.

The hooks go where git looks for them (``core.hooksPath`` honoured, one place
for all worktrees). Nothing is overwritten or lost:

- a hook some version of branchflow wrote, byte for byte, is replaced;
- anyone else's hook is kept as ``<hook>.branchflow-chained`` and run first with the
  same arguments and input; pre-commit's own script likewise;
- an edited copy of branchflow's hook is kept aside as ``<hook>.branchflow-edited``;
- ``uninstall`` puts back whatever ``install`` moved.

Each change is a plan of steps that are each atomic (a hard link or copy under a new
name, a rename over a name, an unlink), ordered so that a process killed between any
two of them leaves every hook runnable and the next ``install`` or ``uninstall``
finishes the job: the hook being replaced is copied to its new name before anything
takes its place, and a copy equal to the original is recognised as such.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from typing import Literal

from branchflow.errors import ConfigError, RepoError
from branchflow.hooks.run import HOOK_EVENTS
from branchflow.repo.hookfiles import (
    CHAINED_SUFFIX,
    EDITED_SUFFIX,
    LEGACY_SUFFIX,
    TEMP_PREFIX,
    classify,
    hooks_dir,
    native_hook_installed,
    same_file,
)
from branchflow.repo.state import RepoLocation, locate
from branchflow.resources import resource_dir

CLIENT_HOOKS = HOOK_EVENTS  # every event `branchflow hook` judges has its script
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


def rendered(hook: str, executable: str) -> bytes:
    return (
        template(hook)
        .replace(
            "BRANCHFLOW=${BRANCHFLOW:-branchflow}",
            f"BRANCHFLOW=${{BRANCHFLOW:-{shlex.quote(executable)}}}",
        )
        .encode()
    )


@dataclass(frozen=True)
class Step:
    """One atomic change in the hooks directory."""

    op: Literal["write", "keep", "move", "remove"]
    path: str  # what is written, kept under, moved to, or removed
    source: str = ""  # keep, move: the name it comes from
    content: bytes = b""  # write


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    said: str
    quiet: bool = False  # nothing of branchflow's there: said only when the hook was named


def _usable(path: str) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise ConfigError(f"{path} is not a file; move it away and run install again")


def plan_install(directory: str, hook: str, content: bytes) -> Plan:
    path = os.path.join(directory, hook)
    chained = path + CHAINED_SUFFIX
    if classify(path, hook) == "framework":
        # pre-commit's own script runs <hook>.legacy before the framework's hooks: branchflow
        # goes there, and a hook pre-commit had moved there is chained behind it. A later
        # `pre-commit install` finds its script in place and moves nothing over either.
        target, where = path + LEGACY_SUFFIX, f" (pre-commit's {hook} hook runs it first)"
    else:
        target, where = path, ""
    kind = classify(target, hook)
    _usable(target)
    write = Step("write", target, content=content)
    if kind == "absent":
        return Plan((write,), f"installed {target}{where}")
    if kind == "released":
        if _holds(target, content):
            return Plan((), f"{target}: up to date{where}")
        return Plan((write,), f"updated {target}{where}")
    if kind == "edited":
        aside = target + EDITED_SUFFIX
        if os.path.lexists(aside) and not same_file(target, aside):
            raise ConfigError(
                f"{target} is an edited copy of branchflow's hook and {aside} exists too; "
                "move one of them away and run install again"
            )
        return Plan(
            (Step("keep", aside, source=target), write),
            f"installed {target}{where}; the edited copy that was there no longer runs: it is "
            f"kept as {aside}, and uninstall puts it back",
        )
    if os.path.lexists(chained) and not same_file(target, chained):
        raise ConfigError(
            f"{target} is not branchflow's and {chained} exists too; move one of them away "
            "and run install again"
        )
    return Plan(
        (Step("keep", chained, source=target), write),
        f"installed {target}{where}; the hook that was there runs first, as {chained}",
    )


def _holds(path: str, content: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(content) + 1) == content and os.access(path, os.X_OK)
    except OSError:
        return False


def plan_uninstall(directory: str, hook: str) -> Plan:
    path = os.path.join(directory, hook)
    chained = path + CHAINED_SUFFIX
    kind = classify(path, hook)
    if kind == "framework" and classify(path + LEGACY_SUFFIX, hook) in ("released", "edited"):
        target = path + LEGACY_SUFFIX
        kind = classify(target, hook)
    elif kind == "absent":
        if os.path.lexists(chained):  # left so by an install that an older branchflow began
            return Plan(
                (Step("move", path, source=chained),),
                f"restored {path} from {chained}",
            )
        return Plan((), f"{path}: not installed", quiet=True)
    elif kind in ("foreign", "framework"):
        if os.path.lexists(chained) and same_file(path, chained):
            # a copy an interrupted install made before putting branchflow's hook in place
            return Plan((Step("remove", chained),), f"{path}: not branchflow's; tidied {chained}")
        if os.path.lexists(chained):
            return Plan(
                (),
                f"{path}: not branchflow's; left alone ({chained}, which branchflow ran first, "
                "does not run now)",
            )
        return Plan((), f"{path}: not branchflow's; left alone", quiet=True)
    else:
        target = path
    aside = target + EDITED_SUFFIX
    if kind == "edited":
        if os.path.lexists(aside) and same_file(target, aside):
            return Plan((Step("remove", aside),), f"{target}: tidied {aside}")
        runs_first = (
            f"; it runs {chained} first, which goes back in its place when it goes"
            if os.path.lexists(chained)
            else ""
        )
        return Plan(
            (),
            f"{target}: an edited copy of branchflow's hook; left alone (remove it by hand if "
            f"it is not wanted{runs_first})",
        )
    if os.path.lexists(aside):
        return Plan(
            (Step("move", target, source=aside),),
            f"removed branchflow's {hook}; put back the edited copy it had kept as {aside}",
        )
    if os.path.lexists(chained):
        if target != path and classify(chained, hook) == "framework":
            # pre-commit was installed again over ours: it is in place already.
            return Plan(
                (Step("remove", chained), Step("remove", target)),
                f"removed branchflow's {hook}; pre-commit's hook stays",
            )
        return Plan(
            (Step("move", target, source=chained),),
            f"removed branchflow's {hook}; restored the hook it had chained",
        )
    return Plan((Step("remove", target),), f"removed {target}")


def _write(path: str, content: bytes) -> None:
    directory, name = os.path.split(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f"{TEMP_PREFIX}{name}-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fchmod(f.fileno(), 0o755)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _keep(source: str, path: str) -> None:
    """``path`` becomes a second name for what ``source`` holds; ``source`` stays."""
    if os.path.lexists(path):
        if same_file(source, path):
            return  # an interrupted install got this far
        raise ConfigError(f"{path} exists; move it away and run install again")
    try:
        os.link(source, path, follow_symlinks=False)
        return
    except FileExistsError as error:
        raise ConfigError(f"{path} appeared meanwhile; run install again") from error
    except OSError:
        pass  # a file system without hard links: a copy, put in place by one rename
    directory, name = os.path.split(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f"{TEMP_PREFIX}{name}-")
    os.close(fd)
    try:
        if os.path.islink(source):
            os.unlink(tmp)
            os.symlink(os.readlink(source), tmp)
        else:
            shutil.copy2(source, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def apply(step: Step) -> None:
    if step.op == "write":
        _write(step.path, step.content)
    elif step.op == "keep":
        _keep(step.source, step.path)
    elif step.op == "move":
        os.replace(step.source, step.path)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(step.path)


def _sweep(directory: str) -> None:
    """Half-written files a killed install left behind; git never runs them."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith(TEMP_PREFIX):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, name))


def carry_out(plan: Plan) -> str:
    for step in plan.steps:
        try:
            apply(step)
        except OSError as error:
            raise RepoError(
                f"cannot change {step.path}: {error.strerror or error}; nothing is lost: run "
                "the command again when that is fixed"
            ) from error
    return plan.said


def install_hook(directory: str, hook: str, executable: str) -> str:
    return carry_out(plan_install(directory, hook, rendered(hook, executable)))


def uninstall_hook(directory: str, hook: str) -> str:
    return carry_out(plan_uninstall(directory, hook))


def _repository() -> RepoLocation:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    return location


def _chosen(
    args: argparse.Namespace, default: tuple[str, ...], bare: bool, *, installing: bool = True
) -> list[str]:
    hooks = list(args.hook or default)
    if "all" in hooks and not installing:
        return list(NATIVE_HOOKS)
    if "all" in hooks:
        # On a server, update is the other way to judge (ref by ref), not a second judge.
        return list(DEFAULT_SERVER_HOOKS if bare else CLIENT_HOOKS)
    if installing and "pre-receive" in hooks and "update" in hooks:
        raise ConfigError(
            "pre-receive and update are two ways to judge a push (the whole push, or each ref "
            "on its own): install one of them"
        )
    unknown = [h for h in hooks if h not in NATIVE_HOOKS]
    if unknown:
        raise ConfigError(f"no native hook {unknown[0]!r}; choose from {', '.join(NATIVE_HOOKS)}")
    return hooks


class _Locked:
    """One install or uninstall at a time in a hooks directory: two at once would each plan
    from what the other is changing. The lock is on the directory itself: no file is left."""

    def __init__(self, directory: str) -> None:
        self.path = directory
        self.fd = -1

    def __enter__(self) -> None:
        import fcntl

        try:
            self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError as error:
            raise RepoError(f"cannot lock {self.path}: {error.strerror}") from error

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # releases the lock


def run_install(args: argparse.Namespace) -> int:
    """Client hooks in a repository with a work tree; pre-receive in a bare (server) one."""
    location = _repository()
    bare = location.work_tree is None
    directory = hooks_dir(location)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as error:
        raise RepoError(f"cannot make the hooks directory {directory}: {error.strerror}") from error
    if not os.path.isdir(directory):
        raise RepoError(f"git's hooks directory {directory} is not a directory")
    executable = branchflow_executable()
    with _Locked(directory):
        _sweep(directory)
        chosen = _chosen(args, DEFAULT_SERVER_HOOKS if bare else DEFAULT_HOOKS, bare)
        for hook, other in (("update", "pre-receive"), ("pre-receive", "update")):
            if hook in chosen and other not in chosen and native_hook_installed(location, other):
                raise ConfigError(
                    f"branchflow's {other} hook is installed here, and {hook} would judge "
                    f"every push a second time: run branchflow uninstall --hook {other} first"
                )
        for hook in chosen:
            print(install_hook(directory, hook, executable))
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    location = _repository()
    directory = hooks_dir(location)
    if not os.path.isdir(directory):
        return 0
    with _Locked(directory):
        _sweep(directory)
        for hook in _chosen(args, NATIVE_HOOKS, location.work_tree is None, installing=False):
            plan = plan_uninstall(directory, hook)
            if (args.hook and "all" not in args.hook) or not plan.quiet:
                print(carry_out(plan))
    return 0
