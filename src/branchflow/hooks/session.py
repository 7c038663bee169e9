"""Facts about one repository that several checks need, gathered once and only when asked."""

from __future__ import annotations

import functools

import pygit2

from branchflow.checks.base import check_base
from branchflow.checks.docs import check_documented
from branchflow.checks.violation import Violation
from branchflow.policy.compiled import BranchRule, CompiledPolicy, Match
from branchflow.repo.base import BaseEvidence, infer_base
from branchflow.repo.history import changed_paths, contains, merge_base
from branchflow.repo.inspect import BranchTip, branch_tips, open_repository, remote_names
from branchflow.repo.merge_message import MergeSource
from branchflow.repo.state import RepoLocation


class RepoSession:
    def __init__(
        self,
        location: RepoLocation,
        policy: CompiledPolicy,
        repo: pygit2.Repository | None = None,
    ) -> None:
        self.location = location
        self.policy = policy
        self._repo = repo
        self._types: dict[str, BranchRule | None] = {}

    @property
    def repo(self) -> pygit2.Repository:
        if self._repo is None:
            self._repo = open_repository(self.location)
        return self._repo

    @functools.cached_property
    def tips(self) -> list[BranchTip]:
        return branch_tips(self.repo, self.location)

    @functools.cached_property
    def remotes(self) -> tuple[str, ...]:
        return remote_names(self.repo)

    def type_of(self, name: str) -> BranchRule | None:
        """The branch type of a name (None: no type, or exempt), classified once per run."""
        if name not in self._types:
            found = self.policy.classify(name)
            self._types[name] = found.rule if found is not None else None
        return self._types[name]

    @functools.cached_property
    def _long_lived_prefixes(self) -> tuple[str, ...]:
        return tuple(
            pattern.prefix
            for rule in self.policy.branches
            if rule.long_lived
            for pattern in rule.patterns
        )

    def is_long_lived(self, name: str) -> bool:
        if not name.startswith(self._long_lived_prefixes):
            return False  # no long-lived pattern could match: skip classifying it
        rule = self.type_of(name)
        return rule is not None and rule.long_lived

    def local_tip(self, branch: str) -> str | None:
        ref = f"refs/heads/{branch}"
        return next((t.target for t in self.tips if t.ref == ref), None)

    def any_tip(self, branch: str) -> str | None:
        """The branch's commit, local or remote-tracking."""
        return next((t.target for t in self.tips if t.name == branch), None)

    def existing(self, type_name: str) -> BranchTip | None:
        """A branch of the type that exists (local preferred), for the commands in hints."""
        rule = self.policy.rule(type_name)
        if rule is None:
            return None
        prefixes = tuple(p.prefix for p in rule.patterns)
        for tip in sorted(self.tips, key=lambda t: t.remote is not None):
            if tip.name.startswith(prefixes) and self.type_of(tip.name) is rule:
                return tip
        return None

    def existing_names(self, type_names: tuple[str, ...]) -> dict[str, str]:
        found = {name: self.existing(name) for name in type_names}
        return {name: tip.shown for name, tip in found.items() if tip is not None}

    def base_evidence(self, branch: str, tip: str) -> BaseEvidence:
        return infer_base(
            self.repo,
            self.location,
            branch,
            tip,
            tips=self.tips,
            is_long_lived=self.is_long_lived,
            remotes=self.remotes,
        )

    def check_base(
        self, branch: str, match: Match, tip: str | None = None
    ) -> tuple[BaseEvidence | None, list[Violation]]:
        """The evidence for ``branch``'s base and what the policy says of it."""
        rule = match.rule
        tip = tip or self.local_tip(branch)
        if rule is None or not rule.from_ or tip is None:
            return None, []
        evidence = self.base_evidence(branch, tip)
        existing = self.existing_names(rule.from_)
        return evidence, check_base(self.policy, branch, rule, evidence, existing)

    def undocumented(self, sources: tuple[MergeSource, ...], *, when: str) -> list[Violation]:
        """BF601 for each merged branch whose type asks for a write-up it does not have."""
        repo = self.repo
        if repo.head_is_unborn:
            return []
        head = str(repo.head.target)
        out = []
        for source in sources:
            found = self.policy.classify(source.name) if source.kind == "branch" else None
            if found is None or found.rule is None or not found.rule.documented_in:
                continue
            tip = self.local_tip(source.name) or self.any_tip(source.name)
            base = merge_base(repo, tip, head) if tip else None
            if tip and base:
                changed = changed_paths(repo, base, tip)
                out += check_documented(source.name, found.rule, changed, when=when)
        return out

    def tag_commit(self, tag: str) -> str | None:
        try:
            return str(self.repo.references[f"refs/tags/{tag}"].peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None

    def with_tag_holders(self, sources: tuple[MergeSource, ...]) -> tuple[MergeSource, ...]:
        """Tags among merge sources, with the long-lived branches that hold their commits."""
        out = []
        for source in sources:
            commit = self.tag_commit(source.name) if source.kind == "tag" else None
            if commit is None or source.on:
                out.append(source)
                continue
            holders = {
                tip.name
                for tip in self.tips
                if self.is_long_lived(tip.name) and contains(self.repo, tip.target, commit)
            }
            out.append(source._replace(on=tuple(sorted(holders))))
        return tuple(out)
