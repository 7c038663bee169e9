"""Whether the `git push` that runs a pre-push hook was asked to force, from its command line.

git gives the hook no word of it: a ref whose remote commit this clone has never fetched
looks the same whether git is about to refuse it ("fetch first") or to force over it. The
hook's ancestors (git push, and the shells and pre-commit between) are read from /proc;
where that cannot be done, the answer is None and the caller assumes the worse.
"""

from __future__ import annotations

import os

FORCE_OPTIONS = ("--force", "--force-with-lease", "--force-if-includes", "--mirror")
MAX_ANCESTORS = 6


def push_forced(pid: int | None = None) -> bool | None:
    """True or False for the `git push` among this process's ancestors; None when there is
    none to read (not Linux, or the hook was run by hand)."""
    current = os.getppid() if pid is None else pid
    for _ in range(MAX_ANCESTORS):
        argv = _argv(current)
        if argv is None:
            return None
        if _is_push(argv):
            return _forces(argv[argv.index("push") + 1 :])
        current = _parent(current)
        if current <= 1:
            return None
    return None


def _argv(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    return [a.decode("utf-8", "surrogateescape") for a in raw.split(b"\0") if a]


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return 0
    fields = stat[stat.rfind(b")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]) if len(fields) > 1 else 0


def _is_push(argv: list[str]) -> bool:
    return bool(argv) and os.path.basename(argv[0]) in ("git", "git-push") and "push" in argv


def _forces(args: list[str]) -> bool:
    for arg in args:
        if arg == "--":
            continue
        if arg.startswith(FORCE_OPTIONS) or arg.startswith("+"):
            return True
        if arg.startswith("-") and not arg.startswith("--") and "f" in arg[1:]:
            return True  # -f, -fu
    return False
