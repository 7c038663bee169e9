"""Where HEAD points and what git is in the middle of, read from files in the git dir.

This is the hook fast path: reading ``HEAD`` and probing a few state files costs
microseconds, where starting ``git`` or importing pygit2 costs tens to hundreds
of milliseconds. Anything unusual (a reftable repository, an unreadable HEAD)
returns None and callers fall back to ``repo.lookup``. Records here are plain
classes: importing ``typing`` for NamedTuple would cost more than the whole read.
"""

from __future__ import annotations

import os

# What git may be in the middle of, by the file or directory that marks it.
_OPERATIONS = (
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
    ("BISECT_LOG", "bisect"),
)


class RepoLocation:
    """Where a repository's files are."""

    __slots__ = ("common_dir", "git_dir", "work_tree")

    def __init__(self, git_dir: str, common_dir: str, work_tree: str | None) -> None:
        self.git_dir = git_dir  # this worktree's git dir (HEAD, MERGE_HEAD, rebase state)
        self.common_dir = common_dir  # shared by all worktrees (refs, objects, config)
        self.work_tree = work_tree  # None for a bare repository

    def __repr__(self) -> str:
        return f"RepoLocation({self.git_dir!r}, {self.common_dir!r}, {self.work_tree!r})"


class HeadState:
    """What HEAD points at, and what git is in the middle of."""

    __slots__ = ("branch", "detached_at", "location", "operation", "rebasing_branch")

    def __init__(
        self,
        location: RepoLocation,
        branch: str | None,
        detached_at: str | None,
        operation: str | None,
        rebasing_branch: str | None,
    ) -> None:
        self.location = location
        self.branch = branch  # None when HEAD is detached
        self.detached_at = detached_at  # the commit id when detached
        self.operation = operation  # rebase, merge, cherry-pick, revert, bisect, am, or None
        self.rebasing_branch = rebasing_branch  # the branch a rebase will update, when known

    def __repr__(self) -> str:
        return (
            f"HeadState(branch={self.branch!r}, detached_at={self.detached_at!r}, "
            f"operation={self.operation!r}, rebasing_branch={self.rebasing_branch!r})"
        )


def decode(raw: bytes) -> str:
    """Ref names are bytes to git; keep undecodable bytes instead of failing."""
    return raw.decode("utf-8", "surrogateescape")


def read_text(path: str) -> str | None:
    """A file of git's own (HEAD, MERGE_MSG, packed-refs) as text; None when unreadable."""
    try:
        with open(path, "rb") as f:
            return decode(f.read())
    except OSError:
        return None


def locate(start: str | None = None) -> RepoLocation | None:
    """The repository containing ``start`` (default: the current directory), as git finds it."""
    env_dir = os.environ.get("GIT_DIR")
    if env_dir:
        git_dir = os.path.abspath(env_dir)
        work_tree = os.environ.get("GIT_WORK_TREE")
        if work_tree:
            return _with_common(git_dir, os.path.abspath(work_tree))
        return _with_common(git_dir, _work_tree_of(git_dir))
    current = os.path.abspath(start or os.getcwd())
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.isdir(dot_git):
            return _with_common(dot_git, current)
        if os.path.isfile(dot_git):  # a linked worktree or a submodule
            text = read_text(dot_git) or ""
            if not text.startswith("gitdir: "):
                return None
            target = os.path.join(current, text[len("gitdir: ") :].strip())
            return _with_common(os.path.normpath(target), current)
        if _is_git_dir(current):  # inside a bare repository
            return _with_common(current, None)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _work_tree_of(git_dir: str) -> str | None:
    """The work tree of a git dir named by GIT_DIR alone; None for a bare repository."""
    linked = read_text(os.path.join(git_dir, "gitdir"))  # a linked worktree's own git dir
    if linked:
        return os.path.dirname(os.path.normpath(linked.strip()))
    if os.path.basename(git_dir) == ".git":
        return os.path.dirname(git_dir)
    if _config_says_bare(git_dir):
        return None  # a server's hooks run here
    return os.getcwd()


def _config_says_bare(git_dir: str) -> bool:
    section = ""
    for raw in (read_text(os.path.join(git_dir, "config")) or "").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]").strip().lower()
        elif section == "core" and line.replace(" ", "").lower() == "bare=true":
            return True
    return False


def _is_git_dir(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "HEAD")) and os.path.isdir(
        os.path.join(path, "objects")
    )


def _with_common(git_dir: str, work_tree: str | None) -> RepoLocation:
    common = read_text(os.path.join(git_dir, "commondir"))
    common_dir = os.path.normpath(os.path.join(git_dir, common.strip())) if common else git_dir
    return RepoLocation(git_dir, common_dir, work_tree)


_HEX = frozenset("0123456789abcdef")


# How far committer clocks may run ahead: the graph takes a commit dated more than this
# after every long-lived tip for one no long-lived branch holds (repo.fork_point), and the
# server's quick path leaves such a fork to the full judgment.
CLOCK_SKEW = 86_400


def is_zero(object_id: str) -> bool:
    """Whether ``object_id`` is git's all-zero id (a ref created or deleted), of any length."""
    return not object_id.strip("0")


def is_object_id(text: str, *, shortest: int = 40) -> bool:
    """Whether ``text`` is an object id as git writes it: lowercase hex, 40 characters
    (SHA-1) or 64 (SHA-256); with ``shortest``, an abbreviation of at least that many."""
    full = len(text) in (40, 64) if shortest >= 40 else shortest <= len(text) <= 64
    return full and set(text) <= _HEX


def read_head(location: RepoLocation) -> HeadState | None:
    head = read_text(os.path.join(location.git_dir, "HEAD"))
    if head is None:
        return None
    head = head.rstrip("\n")
    branch = detached = None
    if head.startswith("ref: refs/heads/"):
        branch = head[len("ref: refs/heads/") :]
        if branch == ".invalid":  # a reftable repository keeps HEAD elsewhere
            return None
    elif is_object_id(head):
        detached = head
    else:
        return None
    operation, rebasing = operation_in_progress(location.git_dir)
    return HeadState(location, branch, detached, operation, rebasing)


def operation_in_progress(git_dir: str) -> tuple[str | None, str | None]:
    for marker, operation in _OPERATIONS:
        path = os.path.join(git_dir, marker)
        if not os.path.exists(path):
            continue
        if operation != "rebase":
            return operation, None
        if marker == "rebase-apply" and os.path.exists(os.path.join(path, "applying")):
            return "am", None
        head_name = (read_text(os.path.join(path, "head-name")) or "").strip()
        prefix = "refs/heads/"
        return "rebase", head_name[len(prefix) :] if head_name.startswith(prefix) else None
    return None, None


def branch_exists(location: RepoLocation, branch: str) -> bool:
    """Whether refs/heads/<branch> exists, loose or packed (False: HEAD is unborn)."""
    ref = f"refs/heads/{branch}"
    if os.path.isfile(os.path.join(location.common_dir, ref)):
        return True
    packed = read_text(os.path.join(location.common_dir, "packed-refs")) or ""
    return any(line.endswith(f" {ref}") for line in packed.splitlines())


def current_head(location: RepoLocation) -> HeadState | None:
    """HEAD from the files when they are plain, else as git itself reports it."""
    state = read_head(location)
    if state is None:
        from branchflow.repo.lookup import head_state_from_git

        state = head_state_from_git(location)
    return state


def creation_id(location: RepoLocation, branch: str) -> str:
    """The commit a branch was created at, from the first line of its reflog ("" if none).

    Part of a remembered verdict: a branch deleted and created again elsewhere is new.
    """
    path = os.path.join(location.common_dir, "logs", "refs", "heads", branch)
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return ""
    fields = first.split(b" ", 2)
    return decode(fields[1]) if len(fields) > 2 else ""
