"""One repository as the hooks and commands see it: its branches (``Branches``) and what
git can say about its commits, gathered once and only when asked.

The session is the one door: pygit2 is opened behind it on first need, and never handed
out. What it answers are facts (``branchflow.facts``), commit ids and paths; what the
policy says of them is for ``checks/``, called by the hooks (``hooks/verdicts``)."""

from __future__ import annotations

import functools
import os

import pygit2

from branchflow.facts import BaseEvidence, BranchTip, MergeSource, NewCommit
from branchflow.policy.branches import Branches
from branchflow.policy.compiled import CompiledPolicy
from branchflow.repo import commits, lookup
from branchflow.repo.fork_point import GraphContext, infer_base
from branchflow.repo.merge_message import repository_owners
from branchflow.repo.state import RepoLocation, decode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from branchflow.repo.history_index import HistoryIndex


class RepoSession(Branches):
    """``Branches`` with the repository behind them, opened with pygit2 when first needed."""

    def __init__(
        self,
        location: RepoLocation,
        policy: CompiledPolicy,
        repository: pygit2.Repository | None = None,
    ) -> None:
        super().__init__(policy)
        self.location = location
        self._opened = repository
        self._index: HistoryIndex | None = None
        self._of_types: dict[tuple[tuple[str, ...], int], list[BranchTip]] = {}

    @property
    def _repo(self) -> pygit2.Repository:
        if self._opened is None:
            self._opened = lookup.open_repository(self.location)
        return self._opened

    def index_every_branch(self) -> None:
        """Answer the graph's part of base questions from one walk of the whole history
        (``repo.history_index``): for questions about every branch, whose cost would
        otherwise grow with the number of branches squared."""
        from branchflow.repo.history_index import HistoryIndex

        self._index = HistoryIndex(
            self.location.git_dir, self.tips, self.is_long_lived, shallow=self.is_shallow
        )

    # -- the branches, tags and remotes -------------------------------------------------

    def read_tips(self) -> list[BranchTip]:
        tips = lookup.branch_tips(self._repo, self.location)
        if self.pusher_remote:  # a server: its branches are refs/heads; refs/remotes are not
            return [t for t in tips if t.remote is None]
        return tips

    def verified_tips(self) -> list[BranchTip]:
        """Every tip, each checked to be a commit the repository has (else an error)."""
        return lookup.verified_tips(self._repo, self.tips)

    def behind(self, local: BranchTip, tracking: BranchTip) -> bool:
        return local.target != tracking.target and self.contains(tracking.target, local.target)

    @functools.cached_property
    def remotes(self) -> tuple[str, ...]:
        return lookup.remote_names(self._repo)

    def read_tag_names(self) -> set[str]:
        names = (decode(r) for r in self._repo.raw_listall_references())
        return {r[len("refs/tags/") :] for r in names if r.startswith("refs/tags/")}

    def read_owners(self) -> frozenset[str]:
        urls = [remote.url or "" for remote in self._repo.remotes]
        return repository_owners(urls, os.environ)

    @functools.cached_property
    def tips_at(self) -> dict[str, list[str]]:
        """Commit -> the names of the branches whose tip it is."""
        found: dict[str, list[str]] = {}
        for tip in self.tips:
            found.setdefault(tip.target, []).append(tip.name)
        return found

    def of_types(self, type_names: tuple[str, ...], tips: list[BranchTip]) -> list[BranchTip]:
        """Those of ``tips`` whose branch is of one of the types (remembered per question)."""
        key = (type_names, id(tips))
        found = self._of_types.get(key)
        if found is None:
            # Only names that begin as one of the types' patterns can be of them: the others
            # are never classified (a push into thousands of branches classifies a few).
            prefixes = tuple(
                p.prefix for r in self.policy.branches if r.name in type_names for p in r.patterns
            )
            found = [
                t
                for t in tips
                if t.name.startswith(prefixes)
                and (r := self.type_of(t.name))
                and r.name in type_names
            ]
            self._of_types[key] = found
        return found

    def tag_commit(self, tag: str) -> str | None:
        try:
            return str(self._repo.references[f"refs/tags/{tag}"].peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None

    def with_tag_holders(
        self, sources: tuple[MergeSource, ...], into: str
    ) -> tuple[MergeSource, ...]:
        """Tags among merge sources, with the long-lived branches that hold their commits;
        not ``into``, the branch they are merged into (which holds them once merged)."""
        out = []
        for source in sources:
            commit = self.tag_commit(source.name) if source.kind == "tag" else None
            if commit is None or source.on:
                out.append(source)
                continue
            holders = {
                tip.name
                for tip in self.tips
                if tip.name != into
                and self.is_long_lived(tip.name)
                and self.contains(tip.target, commit)
            }
            out.append(source._replace(on=tuple(sorted(holders))))
        return tuple(out)

    # -- HEAD and the merge in progress --------------------------------------------------

    @property
    def is_shallow(self) -> bool:
        return os.path.isfile(os.path.join(self.location.common_dir, "shallow"))

    def head_commit(self) -> str | None:
        """The commit HEAD is at; None on an unborn branch."""
        repo = self._repo
        return None if repo.head_is_unborn else str(repo.head.target)

    def parents(self, commit_id: str) -> tuple[str, ...] | None:
        """A commit's parents, in order; None when the repository does not have it."""
        found = commits.commit_at(self._repo, commit_id)
        return None if found is None else tuple(str(p) for p in found.parent_ids)

    def merge_sources(self) -> tuple[MergeSource, ...]:
        """What the merge in progress brings in (MERGE_MSG, else the refs at MERGE_HEAD)."""
        return lookup.merge_sources(self._repo, self.location)

    def merge_sources_from_environment(self, environ: dict[str, str]) -> tuple[MergeSource, ...]:
        """What a merge about to be committed brings in, as pre-merge-commit is told."""
        return lookup.merge_sources_from_environment(self._repo, self.location, environ)

    def remote_name_of(self, name: str) -> str | None:
        """The latest name `git branch -m` took from the branch that a remote-tracking
        branch has (it was pushed under that name), and no local branch."""
        if self.pusher_remote or not self.local_tip(name):
            return None  # a server's branches are never renamed in a clone
        from branchflow.repo.reflog import renamed_from

        for former in renamed_from(self.location, name):
            found = self.named(former)
            if found and all(t.remote is not None for t in found):
                return former
        return None

    def config_value(self, key: str) -> str | None:
        """A git configuration value as git sees it here (the repository's, the user's, the
        system's, a ``git -c`` of the command running the hook), or None when unset."""
        from branchflow.repo.gitcmd import run_git

        where = self.location.work_tree or self.location.git_dir
        return run_git(["config", "--get", key], where) or None

    # -- commits and their history ------------------------------------------------------

    def object_kind(self, object_id: str) -> str | None:
        return commits.object_kind(self._repo, object_id)

    def peeled_commit(self, object_id: str) -> str | None:
        return commits.peeled_commit(self._repo, object_id)

    def has_commit(self, commit_id: str) -> bool:
        return commits.has_commit(self._repo, commit_id)

    def contains(self, tip: str, commit_id: str) -> bool:
        """Whether ``commit_id`` is ``tip`` or one of its ancestors."""
        return commits.contains(self._repo, tip, commit_id)

    def merge_base(self, a: str, b: str) -> str | None:
        return commits.merge_base(self._repo, a, b)

    def changed_paths(self, base: str, tip: str) -> set[str]:
        return commits.changed_paths(self._repo, base, tip)

    def rewrites_own_work(self, old: str, new: str) -> bool:
        return commits.rewrites_own_work(self._repo, old, new)

    def new_first_parent_commits(
        self, new: str, known: list[str], limit: int = commits.PUSH_WALK_LIMIT
    ) -> list[NewCommit]:
        return commits.new_first_parent_commits(self._repo, new, known, self.remotes, limit)

    def merge_own_changes(self, commit_id: str) -> tuple[str, ...]:
        return commits.merge_own_changes(self._repo, commit_id)

    # -- where a branch was made ---------------------------------------------------------

    def base_evidence(
        self, branch: str, tip: str, reflog_of: str | None = "", *, arriving: bool = False
    ) -> BaseEvidence:
        return infer_base(
            self._repo,
            self.location,
            branch,
            tip,
            tips=self.tips,
            is_long_lived=self.is_long_lived,
            remotes=self.remotes,
            reflog_of=reflog_of,
            arriving=arriving,
            graph=self._index.evidence if self._index is not None and not arriving else None,
            context=self.graph_context,
        )

    @functools.cached_property
    def graph_context(self) -> GraphContext:
        return GraphContext(self._repo, self.tips, self.is_long_lived, self._kind_of)

    def _kind_of(self, name: str) -> str | None:
        rule = self.type_of(name)
        return rule.name if rule is not None else None
