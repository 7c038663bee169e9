"""The answers base inference gives, and the reflog's, without touching the object store.

Shared by the hooks (``repo.fork_point``, through pygit2) and the audit (``repo.history_index``,
through ``git rev-list``), so both word their evidence the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from branchflow.facts import BaseEvidence
from branchflow.repo.merge_message import strip_remote
from branchflow.repo.reflog import created_from
from branchflow.repo.state import RepoLocation, is_object_id

WALK_LIMIT = 20_000  # first-parent commits looked at before giving up


def reflog_evidence(
    location: RepoLocation,
    branch: str,
    tip: str,
    remotes: tuple[str, ...],
    is_ancestor: Callable[[str, str], bool],
) -> BaseEvidence | None:
    """``branch: Created from X`` in the branch's reflog, while it still holds.

    A branch created from its own remote-tracking branch (``git switch feature/x`` in a
    teammate's clone, ``git checkout -t``, ``git worktree add``) is a copy of a shared
    branch: the line says where the copy came from, not where the branch was cut, so the
    graph decides.

    ``is_ancestor(tip, commit)`` tells whether the branch still contains the commit it
    was created at; after a rebase onto another base it does not, and the reflog is stale.
    """
    created = created_from(location, branch)
    if created is None:
        return None
    source, entry = created
    if entry.new != tip and not is_ancestor(tip, entry.new):
        return None
    if source.startswith("refs/remotes/"):
        source = strip_remote(source[len("refs/remotes/") :], remotes)
    elif source.startswith("refs/heads/"):
        source = source[len("refs/heads/") :]
    elif remotes and source.split("/", 1)[0] in remotes:
        source = strip_remote(source, remotes)
    if any(c in source for c in "~^@:") or _is_commit_id(source):
        return None  # created from a revision, not a branch: let the graph decide
    if source == branch:
        return None  # a copy of the shared branch (git switch x, from origin/x): not a new one
    return BaseEvidence((source,), "reflog", f"reflog of {branch}: '{entry.message}'")


def _is_commit_id(text: str) -> bool:
    return is_object_id(text, shortest=7)


def fork_evidence(branch: str, names: list[str], fork: str, depth: int) -> BaseEvidence:
    """The graph's answer: ``branch`` forks from ``names`` at ``fork``, ``depth`` down."""
    where = "its tip" if depth == 0 else commits_down(depth)
    detail = f"graph: {branch} forks from {' and '.join(names)} at {fork[:12]} ({where})"
    if len(names) > 1:
        detail += "; ambiguous"
    return BaseEvidence(tuple(names), "graph", detail)


def shared_evidence(names: list[str], depth: int) -> BaseEvidence:
    """The graph's answer when other topic branches hold the branch's history from ``depth``
    down, above its fork from the long-lived ones: it was created from them."""
    detail = (
        f"graph: its history from {commits_down(depth)} is also on {', '.join(names)}, "
        "above where it forks from the long-lived branches"
    )
    return BaseEvidence(tuple(names), "graph", detail)


def commits_down(depth: int) -> str:
    return f"{depth} first-parent commit{'s' if depth != 1 else ''} down"
