"""What the server's quick path (``hooks.quick_receive``) asks git, with git's own commands
and no pygit2 (whose import alone costs a push more than the rest of the judging): the
branches, the first-parent commits a pushed branch adds, the commits an update adds, the
branches that hold a commit. Each answer is None when git cannot give it (an object that
is not a commit, a malformed one): the caller then judges the push in full."""

from __future__ import annotations

from collections.abc import Iterable

from branchflow.repo.gitcmd import GitJob
from branchflow.repo.state import decode


def _lines(args: list[str], cwd: str, stdin: bytes | None = None) -> list[str] | None:
    try:
        out = GitJob(args, cwd, stdin).result()
    except OSError:
        return None
    return None if out is None else decode(out).splitlines()


def branch_tips(cwd: str) -> dict[str, str] | None:
    """Each branch (``refs/heads/`` removed) and the object it points at."""
    listed = _lines(["for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/"], cwd)
    if listed is None:
        return None
    tips = {}
    for line in listed:
        target, _, ref = line.partition(" ")
        tips[ref.removeprefix("refs/heads/")] = target
    return tips


def new_line(cwd: str, tip: str, known: Iterable[str], limit: int) -> list[list[str]] | None:
    """The first-parent commits from ``tip`` down that none of ``known`` holds, newest first,
    each as [commit, parents...]; at most ``limit`` + 1 of them."""
    revisions = "".join(f"^{k}\n" for k in known) + f"{tip}\n"
    args = ["rev-list", "--first-parent", "--parents", f"--max-count={limit + 1}", "--stdin"]
    listed = _lines(args, cwd, revisions.encode())
    return None if listed is None else [line.split() for line in listed]


def added(cwd: str, old: str, new: str, limit: int) -> list[list[str]] | None:
    """Every commit ``new`` holds that ``old`` does not, as [commit, parents...]; at most
    ``limit`` + 1 of them."""
    listed = _lines(["rev-list", "--parents", f"--max-count={limit + 1}", new, f"^{old}"], cwd)
    return None if listed is None else [line.split() for line in listed]


def all_commits(cwd: str, ids: Iterable[str]) -> bool:
    """Whether each of ``ids`` is a commit the repository has (not a tag object, a tree)."""
    wanted = list(dict.fromkeys(ids))
    listed = _lines(
        ["cat-file", "--batch-check=%(objecttype)"], cwd, "".join(f"{i}\n" for i in wanted).encode()
    )
    return listed is not None and len(listed) == len(wanted) and all(t == "commit" for t in listed)


def commit_times(cwd: str, ids: Iterable[str]) -> dict[str, int] | None:
    """Each commit's committer time (seconds since the epoch)."""
    wanted = "".join(f"{i}\n" for i in dict.fromkeys(ids)).encode()
    listed = _lines(["log", "--no-walk=unsorted", "--format=%H %ct", "--stdin"], cwd, wanted)
    if listed is None:
        return None
    return {commit: int(time) for commit, _, time in (line.partition(" ") for line in listed)}


def holds(cwd: str, commit: str, tip: str) -> bool:
    """Whether ``tip`` is ``commit`` or holds it (git merge-base --is-ancestor)."""
    return _lines(["merge-base", "--is-ancestor", commit, tip], cwd) is not None


def holders(cwd: str, commit: str, among: Iterable[str]) -> list[str] | None:
    """Those of the branches ``among`` that hold ``commit`` (``refs/heads/`` removed)."""
    refs = [f"refs/heads/{name}" for name in among]
    if not refs:
        return []
    listed = _lines(["for-each-ref", "--contains", commit, "--format=%(refname)", *refs], cwd)
    return None if listed is None else [ref.removeprefix("refs/heads/") for ref in listed]
