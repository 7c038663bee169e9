"""Facts about a repository as plain data, for the checks: this module imports nothing
but ``typing``.

The repository layer (``repo/``) gathers them; the rules (``checks/``) take them, and
``hooks/`` and ``commands/`` hand them from one to the other.
"""

from __future__ import annotations

from typing import NamedTuple


class NewCommit(NamedTuple):
    """A first-parent commit an update adds to a branch."""

    id: str
    parents: tuple[str, ...]
    summary: str  # first line of the message
    sources: tuple[MergeSource, ...]  # for a merge: what it merged (message, else the refs)
    squashed: MergeSource | None = None  # for one parent: the pull request it squashed, if any
    committer: str = ""  # the committer's email (a platform's, for rebased pull requests)
    # for a merge: paths where it differs from git's own merge of its parents, outside the
    # conflicts (see repo.commits.merge_own_changes); filled in for protected branches only
    own_changes: tuple[str, ...] = ()
    into: str = ""  # for a merge: the branch its message says it merged into ("develop")


class MergeSource(NamedTuple):
    name: str  # a branch name without its remote ("feature/x"), a tag, a commit id, "#12"
    # "branch", "tag", "commit", "pull-request" (a merge naming no source), or "claimed": a
    # branch the message names that the receiving side has not got, holding the merged commit
    kind: str
    on: tuple[str, ...] = ()  # a tag: the long-lived branches that hold it; claimed: the commit
    owner: str = ""  # who the branch belonged to, when the message says it came from elsewhere


class BranchTip(NamedTuple):
    ref: str  # refs/heads/develop, refs/remotes/origin/develop
    name: str  # develop (the remote's name removed)
    remote: str | None  # origin, or None for a local branch
    target: str  # the commit id

    @property
    def shown(self) -> str:
        """How git commands name it: develop, origin/develop."""
        return self.name if self.remote is None else f"{self.remote}/{self.name}"


class BaseEvidence(NamedTuple):
    candidates: tuple[str, ...]  # branch names (remote removed); several when ambiguous
    source: str  # "reflog", "graph", "upstream", "shallow" or "none"
    detail: str  # what decided, for -v and messages


class Pusher(NamedTuple):
    """Who is pushing, as far as this side can tell (``hooks.identity``)."""

    slug: str | None  # the name as {pusher} spells it ("jane.doe"); None when nobody is known
    said_by: str  # where the name came from: "GL_USER", "git config branchflow.user", ...
    server: bool  # told by the hosting software (the pusher cannot choose it), not the clone
    name: str = ""  # the name as given ("Jane.Doe@example.com")


class RefUpdate(NamedTuple):
    local_ref: str  # what is pushed (refs/heads/x), or "(delete)"; the branch's reflog
    new: str  # the commit the remote ref will point at; zeros to delete
    remote_ref: str  # refs/heads/x or refs/tags/v1
    old: str  # what the remote ref points at now; zeros when it is created
