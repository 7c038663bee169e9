"""Facts about a repository as plain data, for the checks: they import nothing heavy.

The repository layer (``repo/``) gathers them; the rules (``checks/``) take them.
"""

from __future__ import annotations

from typing import NamedTuple

from branchflow.repo.merge_message import MergeSource


class NewCommit(NamedTuple):
    """A first-parent commit an update adds to a branch."""

    id: str
    parents: tuple[str, ...]
    summary: str  # first line of the message
    sources: tuple[MergeSource, ...]  # for a merge: what it merged (message, else the refs)
    squashed: MergeSource | None = None  # for one parent: the pull request it squashed, if any
    committer: str = ""  # the committer's email (a platform's, for rebased pull requests)
    # for a merge: paths where it differs from git's own merge of its parents, outside the
    # conflicts (see repo.history.merge_own_changes); filled in for protected branches only
    own_changes: tuple[str, ...] = ()
