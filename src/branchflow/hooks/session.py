"""Facts about one repository that several checks need, gathered once and only when asked."""

from __future__ import annotations

import functools
import os

import pygit2

from branchflow.checks.base import check_base
from branchflow.checks.docs import check_documented
from branchflow.checks.violation import Violation
from branchflow.facts import BaseEvidence, BranchTip, MergeSource
from branchflow.policy.compiled import BranchRule, CompiledPolicy, Match
from branchflow.repo.base import GraphContext, infer_base
from branchflow.repo.history import changed_paths, contains, merge_base
from branchflow.repo.inspect import branch_tips, open_repository, remote_names
from branchflow.repo.merge_message import repository_owners
from branchflow.repo.refs import Branches
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
        repo: pygit2.Repository | None = None,
    ) -> None:
        super().__init__(policy)
        self.location = location
        self._repo = repo
        self._index: HistoryIndex | None = None
        self._of_types: dict[tuple[tuple[str, ...], int], list[BranchTip]] = {}

    def index_every_branch(self) -> None:
        """Answer the graph's part of base questions from one walk of the whole history
        (``repo.history_index``): for questions about every branch, whose cost would
        otherwise grow with the number of branches squared."""
        from branchflow.repo.history_index import HistoryIndex

        shallow = os.path.isfile(os.path.join(self.location.common_dir, "shallow"))
        self._index = HistoryIndex(
            self.location.git_dir, self.tips, self.is_long_lived, shallow=shallow
        )

    @property
    def repo(self) -> pygit2.Repository:
        if self._repo is None:
            self._repo = open_repository(self.location)
        return self._repo

    def read_tips(self) -> list[BranchTip]:
        tips = branch_tips(self.repo, self.location)
        if self.pusher_remote:  # a server: its branches are refs/heads; refs/remotes are not
            return [t for t in tips if t.remote is None]
        return tips

    def behind(self, local: BranchTip, tracking: BranchTip) -> bool:
        return local.target != tracking.target and contains(
            self.repo, tracking.target, local.target
        )

    @functools.cached_property
    def remotes(self) -> tuple[str, ...]:
        return remote_names(self.repo)

    def read_tag_names(self) -> set[str]:
        names = (decode(r) for r in self.repo.raw_listall_references())
        return {r[len("refs/tags/") :] for r in names if r.startswith("refs/tags/")}

    def read_owners(self) -> frozenset[str]:
        urls = [remote.url or "" for remote in self.repo.remotes]
        return repository_owners(urls, os.environ)

    def base_evidence(
        self, branch: str, tip: str, reflog_of: str | None = "", *, arriving: bool = False
    ) -> BaseEvidence:
        return infer_base(
            self.repo,
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
        return GraphContext(self.repo, self.tips, self.is_long_lived)

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
            found = [t for t in tips if (r := self.type_of(t.name)) and r.name in type_names]
            self._of_types[key] = found
        return found

    def check_base(
        self,
        branch: str,
        match: Match,
        tip: str | None = None,
        *,
        staged: bool = False,
        reflog_of: str | None = "",
        arriving: bool = False,
    ) -> tuple[BaseEvidence | None, list[Violation]]:
        """The evidence for ``branch``'s base and what the policy says of it. A long-lived
        branch is judged when a push creates it (``arriving``), never by a base inferred
        later: its history soon holds everything, and copies of it come from the remote.
        ``staged``: asked at a commit, whose staged work the hint carries along;
        ``reflog_of``, ``arriving``: see ``infer_base``."""
        rule = match.rule
        tip = tip or self.local_tip(branch)
        if rule is None or not rule.from_ or (rule.long_lived and not arriving) or tip is None:
            return None, []
        evidence = self.base_evidence(branch, tip, reflog_of, arriving=arriving)
        return evidence, check_base(self.policy, branch, rule, evidence, self, staged=staged)

    def undocumented(
        self, sources: tuple[MergeSource, ...], into: str, *, when: str
    ) -> list[Violation]:
        """BF601 for each branch merged into ``into`` whose type asks for a write-up it does
        not have (a sync of ``into`` with itself brings a teammate's work, not a merge)."""
        repo = self.repo
        if repo.head_is_unborn:
            return []
        head = str(repo.head.target)
        out = []
        for source in sources:
            if source.kind != "branch" or source.name == into:
                continue
            found = self.policy.classify(source.name)
            if found is None or found.rule is None or not found.rule.documented_in:
                continue
            tip = self.local_tip(source.name) or self.any_tip(source.name)
            if tip:
                out += self.documented(source.name, found.rule, tip, head, when=when)
        return out

    def documented(
        self, branch: str, rule: BranchRule, tip: str, into: str, *, when: str
    ) -> list[Violation]:
        """BF601 when ``branch`` (at ``tip``) changed none of its type's ``documented_in``
        files since it left ``into``; nothing when their merge base is unknown (shallow)."""
        base = merge_base(self.repo, tip, into)
        if base is None:
            return []
        return check_documented(branch, rule, changed_paths(self.repo, base, tip), when=when)

    def tag_commit(self, tag: str) -> str | None:
        try:
            return str(self.repo.references[f"refs/tags/{tag}"].peel(pygit2.Commit).id)
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
                and contains(self.repo, tip.target, commit)
            }
            out.append(source._replace(on=tuple(sorted(holders))))
        return tuple(out)
