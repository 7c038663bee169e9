"""What the server's quick path (``hooks.quick_receive``) asks git, with git's own commands
and no pygit2 (whose import alone costs a push more than the rest of the judging): the
branches, the first-parent commits a pushed branch adds, the commits an update adds, the
branches that hold a commit, the commits themselves, and where a merge's tree differs from
its parents' and their merge base's. Each answer is None when git cannot give it (an object
that is not a commit, a malformed one): the caller then judges the push in full.

Replace refs are not honoured (``--no-replace-objects``): the full judgment reads the
objects themselves, and so do these questions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from branchflow.repo.gitcmd import GitJob
from branchflow.repo.state import decode, is_object_id


def _raw(args: list[str], cwd: str, stdin: bytes | None = None) -> bytes | None:
    try:
        return GitJob(["--no-replace-objects", *args], cwd, stdin).result()
    except OSError:
        return None


def _lines(args: list[str], cwd: str, stdin: bytes | None = None) -> list[str] | None:
    out = _raw(args, cwd, stdin)
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


def first_parents_since(cwd: str, tip: str, since: int, limit: int) -> list[str] | None:
    """The first-parent commits from ``tip`` down to the first one dated before ``since``
    (committer time; that one left out), at most ``limit`` + 1 of them: the commits the
    full judgment looks at when it asks whether a commit of that date is on ``tip``'s
    first-parent line."""
    args = ["rev-list", "--first-parent", f"--max-age={since}", f"--max-count={limit + 1}", tip]
    return _lines(args, cwd)


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


class RawCommit(NamedTuple):
    """A commit as its object holds it: what the full judgment reads through pygit2."""

    parents: tuple[str, ...]
    committer_email: str
    message: str  # the raw message, as UTF-8 (what an ``encoding`` header says is not looked up)


def read_commits(cwd: str, ids: Iterable[str]) -> dict[str, RawCommit] | None:
    """The commits ``ids`` (``git cat-file --batch``); None when one is not a commit."""
    wanted = list(dict.fromkeys(ids))
    out = _raw(["cat-file", "--batch"], cwd, "".join(f"{i}\n" for i in wanted).encode())
    if out is None:
        return None
    found: dict[str, RawCommit] = {}
    at = 0
    for commit_id in wanted:
        end = out.find(b"\n", at)
        header = out[at:end].split() if end >= 0 else []
        if len(header) != 3 or header[1] != b"commit" or not header[2].isdigit():
            return None
        start = end + 1
        at = start + int(header[2]) + 1
        body = out[start : at - 1]
        head, blank, message = body.partition(b"\n\n")
        if not blank and not body.endswith(b"\n"):
            return None  # the last header line (the committer's) unfinished: libgit2 refuses
        lines = head.split(b"\n")
        parents = [decode(line[len(b"parent ") :]) for line in lines if line.startswith(b"parent ")]
        # as the full judgment (libgit2) reads it, or not at all: a tree, the parents, then
        # an author and a committer it can parse, in that order
        signed = lines[1 + len(parents) : 3 + len(parents)]
        if (
            _TREE.fullmatch(lines[0]) is None
            or any(_PARENT.fullmatch(line) is None for line in lines[1 : 1 + len(parents)])
            or len(signed) != 2
            or _SIGNATURE.fullmatch(signed[0]) is None
            or not signed[0].startswith(b"author ")
            or _SIGNATURE.fullmatch(signed[1]) is None
            or not signed[1].startswith(b"committer ")
        ):
            return None
        email = decode(signed[1].partition(b"<")[2].rpartition(b">")[0])
        found[commit_id] = RawCommit(tuple(parents), email, message.decode("utf-8", "replace"))
    return found


_TREE = re.compile(rb"tree [0-9a-f]{40}")  # SHA-1 ids: a repository of SHA-256 is judged in full
_PARENT = re.compile(rb"parent [0-9a-f]{40}")
# ``author|committer Name <email> seconds +zone``: a name and e-mail without angle brackets
# or line ends, and a time short of what overflows
_SIGNATURE = re.compile(rb"(?:author|committer) [^<>\n]*<[^<>\n]*> [0-9]{1,15} [+-][0-9]{4}")


def unchanged(cwd: str, old: str, new: str, paths: list[str]) -> bool:
    """Whether each of ``paths`` (a file, or absent) is the same in ``new`` as in ``old``."""
    args = ["--literal-pathspecs", "diff-tree", "-r", "--no-renames", "--name-only", "-z"]
    out = _raw([*args, old, new, "--", *paths], cwd)
    return out == b""


def without_links(cwd: str, commit: str, paths: list[str]) -> bool:
    """Whether none of ``paths``, nor a directory on the way to one, is a symbolic link (or a
    submodule) in ``commit``: a policy read through a link depends on what it points at."""
    prefixes = {p[:i] for p in paths for i, c in enumerate(p + "/") if c == "/" and i}
    args = ["--literal-pathspecs", "ls-tree", "-z", commit, "--", *sorted(prefixes)]
    out = _raw(args, cwd)
    if out is None:
        return False
    modes = [entry.split(b" ", 1)[0] for entry in out.split(b"\0") if entry]
    return all(mode not in (b"120000", b"160000") for mode in modes)


def merge_bases(cwd: str, one: str, other: str) -> list[str] | None:
    """Every best common ancestor of two commits (``git merge-base --all``)."""
    return _lines(["merge-base", "--all", one, other], cwd)


Changes = dict[str, bytes]  # path -> the raw record of ``git diff-tree -r -z`` for it


def tree_changes(cwd: str, pairs: list[tuple[str, str]]) -> list[Changes] | None:
    """For each (from, to) pair of commits, the paths whose content or mode differs, files
    one by one and no renames: ``git diff-tree --stdin`` reads "to from" as a commit with that
    parent, and ``--always`` heads each answer, empty or not, with the commit."""
    stdin = "".join(f"{to} {before}\n" for before, to in pairs).encode()
    args = ["diff-tree", "-r", "--no-renames", "--no-ext-diff", "-z", "--always", "--stdin"]
    out = _raw(args, cwd, stdin)
    if out is None:
        return None
    answers: list[Changes] = []
    tokens = out.split(b"\0")
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.startswith(b":") and answers and at + 1 < len(tokens):
            answers[-1][decode(tokens[at + 1])] = token
            at += 2
            continue
        if is_object_id(decode(token.strip())):
            answers.append({})
        elif token.strip():
            return None
        at += 1
    return answers if len(answers) == len(pairs) else None
