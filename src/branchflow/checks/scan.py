"""What an audit finds in history: direct commits and disallowed merges on protected
branches, releases that reached a tagged branch without their tag, tags that break the
template, and topic branches left idle."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from branchflow.checks.hints import NO_REFS, RefView, git, hint
from branchflow.checks.merges import check_merge, from_fork
from branchflow.checks.protection import route
from branchflow.checks.push import landed_note
from branchflow.checks.suggest import suggest_name
from branchflow.checks.tags import tag_forms, version_of
from branchflow.checks.violation import Violation, violation
from branchflow.facts import MergeSource
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.policy.patterns import is_own
from branchflow.policy.ref_regex import plain_ref_before

DAY = 86_400


class Joined(NamedTuple):
    """Where a first-parent line met another long-lived branch's, and what the scan had
    then: the findings and the open run of direct commits, to go back to."""

    other: str  # the branch whose line it met
    commit: str  # the first commit of that line it reached
    found: int  # findings so far
    untagged: int  # untagged releases so far
    run: list[tuple[str, str, tuple[str, ...]]]  # the open run: newest and oldest commit
    run_length: int
    run_ids: list[str]


class HistoryScan:
    """The checks of one protected branch's first-parent history, fed one commit at a time,
    newest first, as ``git log`` prints them (an audit reads tens of thousands).

    Every merge must have brought an allowed source; each run of commits that are not
    merges is reported once (as a fast-forward when a branch explains it). On a branch
    that takes release tags, a merged versioned branch must have its version tagged, on
    the merge or on a later commit of the branch's line (``tag_versions``: the versions of
    the tags on each commit).

    A fast-forward can also carry another long-lived branch's history in: once main is
    fast-forwarded to a release branch, its first-parent line runs down develop's, and
    develop's merges would all look like merges into main. So the caller says when the
    line reaches another long-lived branch's first-parent line (``joined``); if what
    follows was made on that branch (a merge message names it as the target, or merges a
    branch allowed there and not here), the scan ends its findings at that point and
    reports the fast-forward instead.
    """

    def __init__(
        self,
        policy: CompiledPolicy,
        branch: str,
        rule: BranchRule,
        tag_versions: dict[str, set[str]] | None = None,
        refs: RefView = NO_REFS,
    ) -> None:
        self.policy = policy
        self.refs = refs
        self.branch = branch
        self.rule = rule
        self.tagged = tag_versions if policy.tags is not None else None
        self._since_tags: set[str] = set()  # versions tagged on the commits read so far
        self.merged_at: dict[str, list[str]] = {}  # on a tagged line: merge -> branches merged
        self.found: list[Violation] = []
        self.untagged: list[Violation] = []
        self._run: list[tuple[str, str, tuple[str, ...]]] = []  # newest, and oldest so far
        self._run_length = 0
        self._run_ids: list[str] = []  # every commit of the open run, newest first
        self._landed: list[str] = []  # how the pull requests in the open run landed
        self._fine: dict[str, bool] = {}  # merged branch name -> nothing to report
        self._allowed: dict[str, bool] = {}  # merged branch type -> may merge here
        self._classify = policy.classifier()
        # Where the line joined another long-lived branch's, and whether what follows was
        # made on it.
        self._joined: Joined | None = None
        self._theirs = False
        self._existed = False  # below the join, a merge brought this branch (or its tag) in

    def commit(self, commit_id: str, summary: str, tip_of: tuple[str, ...]) -> None:
        """A commit with one parent, and the branches whose tip it is now."""
        if self.tagged:
            self._see(commit_id)
        if not self.rule.protection:
            return  # an unprotected line takes commits; only its merges are judged
        if self._run_length == 0:
            self._run = [(commit_id, summary, tip_of), (commit_id, summary, tip_of)]
            self._landed = []
            self._run_ids = [commit_id]
        else:
            self._run[1] = (commit_id, summary, tip_of)
            self._run_ids.append(commit_id)
        self._run_length += 1

    def landed(
        self, commit_id: str, summary: str, how: str, source: MergeSource | None = None
    ) -> None:
        """A pull request a platform squashed or rebased onto the branch (``how``), and its
        source when the message names it. A way the type does not take counts as a direct
        commit, and is named as such."""
        if self.tagged:
            self._see(commit_id)
        if not self.rule.protection:
            return
        if how not in self.rule.merge_methods:
            self.commit(commit_id, summary, ())
            self._landed.append(how)
            return
        if self._run_length:
            self._end_run()
        if source is not None and source.kind == "branch":
            self.merge(commit_id, summary, (source,))

    def joined(self, other: str, commit_id: str) -> None:
        """The line reached ``other``'s first-parent line at ``commit_id`` (the first time)."""
        if self._joined is None:
            run = list(self._run) if self._run_length else []
            self._joined = Joined(
                other,
                commit_id,
                len(self.found),
                len(self.untagged),
                run,
                self._run_length,
                list(self._run_ids) if self._run_length else [],
            )

    @property
    def has_joined(self) -> bool:
        """Whether the line has reached another long-lived branch's (see ``joined``)."""
        return self._joined is not None

    def merged_fine(self, into: str | None = None) -> None:
        """A merge already known to be allowed (see ``surely_fine_regex``); ``into``: the
        target its message names."""
        if self._run_length:
            self._end_run()
        if into is not None and self._joined is not None and into == self._joined.other:
            self._theirs = True

    def merged_branch(
        self, commit_id: str, summary: str, name: str, into: str | None = None
    ) -> None:
        """A merge of one branch (the common case, decided without wording anything)."""
        if self.tagged:
            self._see(commit_id)
        if name == self.branch:  # the branch itself, from another clone (git pull): a sync
            self.merged_fine(into)
            if self._joined is not None:
                self._existed = True  # merged into the other branch: it was here before
            return
        if self._is_fine(name):
            if self.tagged is not None:
                self.merged_at.setdefault(commit_id, []).append(name)
            self.merged_fine(into)
            return
        self.merge(commit_id, summary, (MergeSource(name, "branch"),), into)

    def merge(
        self,
        commit_id: str,
        summary: str,
        sources: tuple[MergeSource, ...],
        into: str | None = None,
    ) -> None:
        if self.tagged:
            self._see(commit_id)
        self.merged_fine(into)
        if self._joined is not None and any(self._was_here(s) for s in sources):
            self._existed = True
        if (
            len(sources) == 1
            and sources[0].kind == "branch"
            and not sources[0].owner
            and self._is_fine(sources[0].name)
        ):
            return
        judged = tuple(s for s in sources if not self._named_for_itself(commit_id, summary, s))
        found = check_merge(self.policy, self.branch, self.rule, judged, fix=None, refs=self.refs)
        if judged != sources and not judged:
            found = []  # every source was reported for itself above
        if found and self._joined is not None and self._made_there(judged, self._joined.other):
            self._theirs = True
        self.found += [
            v._replace(
                hint=None,
                subject=commit_id,
                details=(*v.details, f"merge commit {commit_id[:12]}: {summary}"),
            )
            for v in found
        ]
        if self.tagged is not None:
            for source in sources:
                if source.kind == "branch":
                    self.merged_at.setdefault(commit_id, []).append(source.name)
                    self._check_tagged(source.name, commit_id)

    def _named_for_itself(self, commit_id: str, summary: str, source: MergeSource) -> bool:
        """Report a merge's source that is no flow question on its own: a branch whose name
        matches no type (BF101, a naming finding of that branch, whatever it was merged
        into), and a commit no message or branch names (BF207). True when reported."""
        merged = f"merge commit {commit_id[:12]}: {summary}"
        if source.kind == "commit":
            self.found.append(
                violation(
                    "BF207",
                    self.branch,
                    f"a merge into {self.branch} does not say which branch it merged "
                    f"({source.name[:12]}, which no branch or tag marks): its source cannot "
                    "be judged",
                    details=(merged,),
                    type_name=self.rule.name,
                    subject=commit_id,
                )
            )
            return True
        if (
            source.kind not in ("branch", "claimed")
            or source.name == self.branch
            or from_fork(self.policy, source, self.refs)
            or self._classify(source.name) is not None
        ):
            return False
        suggestion = suggest_name(self.policy, source.name, self.refs)
        said = f"; did you mean {suggestion!r}?" if suggestion else ""
        self.found.append(
            violation(
                "BF101",
                source.name,
                f"merged into {self.branch}, but the name matches no branch type of "
                f"{self.policy.label}{said}",
                details=(merged,),
                subject=commit_id,
            )._replace(on=self.branch)
        )
        return True

    def _made_there(self, sources: tuple[MergeSource, ...], other: str) -> bool:
        """Whether a merge refused here brought a branch that may be merged into ``other``."""
        other_rule = self.policy.type_of(other)
        if other_rule is None:
            return False
        for source in sources:
            rule = self.policy.type_of(source.name) if source.kind == "branch" else None
            if rule is not None and self.policy.merge_allowed(rule.name, other_rule.name):
                return True
        return False

    def finish(self) -> list[Violation]:
        if self._joined is not None and self._theirs:
            joined = self._joined
            self._run, self._run_length = joined.run, joined.run_length
            self._run_ids = joined.run_ids
            self.found = self.found[: joined.found]
            self.untagged = self.untagged[: joined.untagged]
            if joined.run_length:
                self._end_run(onto=joined.other)
            elif self._existed or not self._may_start_at(joined.other):
                self.found.append(self._fast_forward(joined.other, joined.commit))
            # else: the branch was created there (a test branch from develop), not moved
        elif self._run_length:
            self._end_run()
        return self.found + self.untagged

    def _was_here(self, source: MergeSource) -> bool:
        """Whether a merge below the join brought this branch in: the branch by name, or a
        tag of the kind this branch carries (main's release tags merged into develop)."""
        if source.kind == "branch":
            return source.name == self.branch
        tags = self.policy.tags
        return source.kind == "tag" and tags is not None and self.rule.name in tags.on

    def _may_start_at(self, other: str) -> bool:
        """Whether a branch of this type may be created from ``other`` (any branch, when
        the type has no ``from`` edges)."""
        if not self.rule.from_:
            return True
        rule = self.policy.type_of(other)
        return rule is not None and rule.name in self.rule.from_

    def _fast_forward(self, other: str, at: str) -> Violation:
        return violation(
            "BF203",
            self.branch,
            f"{self.branch} was fast-forwarded onto {other}'s history at {at[:12]}: what it "
            f"holds from there was made on {other}, without a merge commit",
            type_name=self.rule.name,
            subject=at,
        )

    @functools.cached_property
    def _route(self) -> str:
        """How changes may reach this branch (the same words for every run of commits)."""
        return route(self.policy, self.rule)

    def _see(self, commit_id: str) -> None:
        assert self.tagged is not None
        versions = self.tagged.get(commit_id)
        if versions:
            self._since_tags |= versions

    def _is_fine(self, name: str) -> bool:
        """Merging the branch here is allowed, and its version (if any) is tagged on the
        merge or later on this line."""
        fine = self._fine.get(name)
        if fine is None:
            found = self._classify(name)
            if found is None or found.rule is None:
                fine = found is not None  # exempt (a bot's branch) is fine, no type is not
            else:
                source_type = found.rule.name
                allowed = self._allowed.get(source_type)
                if allowed is None:
                    allowed = self._allowed[source_type] = self.policy.merge_allowed(
                        source_type, self.rule.name
                    )
                fine = allowed
            self._fine[name] = fine
        if fine and self.tagged is not None:
            version = self._version(name)
            return not version or version in self._since_tags
        return fine

    def _version(self, name: str) -> str | None:
        found = self._classify(name)
        return version_of(found.groups) if found is not None and found.rule else None

    def _check_tagged(self, name: str, commit_id: str) -> None:
        assert self.tagged is not None
        assert self.policy.tags is not None
        version = self._version(name)
        if not version or version in self._since_tags:
            return
        reached = f"{name} reached {self.branch} in {commit_id[:12]}"
        elsewhere = sorted(c for c, versions in self.tagged.items() if version in versions)
        if elsewhere:  # tagged, but on a commit this line does not have (develop's merge)
            found = violation(
                "BF504",
                name,
                f"{reached}, but its version {version} is tagged on {elsewhere[0][:12]}, "
                f"which is neither that merge nor a later commit of {self.branch}",
                subject=commit_id,
            )
        else:
            # the policy's own spelling of a tag (the fitted 0.2, not v0.2), not one taken
            forms = [t for t in tag_forms(self.policy, version) if not self.refs.has_tag(t)]
            example = next((p.example for p in self.policy.tags.patterns if p.example), "")
            tag = forms[0] if forms else _tag_for(example or "", version)
            found = violation(
                "BF504",
                name,
                f"{reached} but no tag of version {version} marks that merge or a later "
                f"commit of {self.branch}",
                hint=hint(git("tag", tag, commit_id[:12]), git("push", "origin", tag))
                if tag
                else None,
                subject=commit_id,
            )
        self.untagged.append(found._replace(on=self.branch))

    def _end_run(self, onto: str | None = None) -> None:
        """Report the run of commits that are not merges; ``onto``: it sits on another
        long-lived branch's history, which a fast-forward brought in with it."""
        (newest, summary, tip_of), (oldest, oldest_summary, _) = self._run
        length, self._run_length = self._run_length, 0
        commits = tuple(self._run_ids)
        policy, rule, branch = self.policy, self.rule, self.branch
        sources = [
            name
            for name in tip_of
            if (found := policy.classify(name)) is not None
            and found.rule is not None
            and policy.merge_allowed(found.rule.name, rule.name)
        ]
        detail = f"newest: {newest[:12]} {summary}"
        if onto is not None and not sources:
            self.found.append(
                violation(
                    "BF203",
                    branch,
                    f"{branch} was fast-forwarded: {length} commit(s) that branched from "
                    f"{onto} landed without a merge commit, and {onto}'s history with them",
                    details=(detail, f"oldest: {oldest[:12]} {oldest_summary}"),
                    type_name=rule.name,
                    subject=newest,
                )._replace(commits=commits)
            )
            return
        if sources:
            self.found.append(
                violation(
                    "BF203",
                    branch,
                    f"{branch} was fast-forwarded to {sources[0]}: {length} commit(s) landed "
                    "without a merge commit",
                    details=(detail,),
                    type_name=rule.name,
                    subject=newest,
                )._replace(commits=commits)
            )
            return
        self.found.append(
            violation(
                "BF201",
                branch,
                f"{length} commit(s) made directly on {branch}: {self._route}",
                details=(
                    detail,
                    f"oldest: {oldest[:12]} {oldest_summary}",
                    *landed_note(branch, rule, self._landed),
                ),
                type_name=rule.name,
                subject=newest,
            )._replace(commits=commits)
        )


_GROUP_NAME = re.compile(r"(?<!\\)\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


def surely_fine_regex(policy: CompiledPolicy, rule: BranchRule) -> str | None:
    """A regex for the names of branches whose merge into a branch of type ``rule`` is
    surely allowed, each followed by a ``'`` (as in ``Merge branch 'x'``); None when the
    policy's patterns cannot be combined so.

    A name qualifies when it is exempt, or when it is a name git accepts that matches a
    pattern of a type allowed into ``rule`` and no pattern of a type that is not: then,
    whichever pattern classifies it first, the merge is allowed. Names it does not match
    are judged one by one, so it may leave some fine names out, but never lets a wrong
    one in. Release-tag checks need each name's version and do not use it. The caller
    compiles it, and goes without it if it does not compile.
    """
    allowed: list[str] = []
    refused: list[str] = []
    for branch_type in policy.branches:
        ok = policy.merge_allowed(branch_type.name, rule.name)
        for pattern in branch_type.patterns:
            (allowed if ok else refused).append(pattern.regex)
    # exempt branches go where outside contributions go (checks.merges)
    exempt_ok = not rule.protection or rule.name in policy.forks_into
    exempt = [regex for _, regex in policy.exempt] if exempt_ok else []
    if not all(map(is_own, (*allowed, *refused, *exempt))):
        return None  # a policy's own regexes run on RE2 only (policy.patterns)
    parts = []
    if exempt:
        parts.append(f"(?:{'|'.join(_GROUP_NAME.sub('(?:', r) for r in exempt)})'")
    if allowed:
        plain = plain_ref_before("'")
        not_refused = "".join(f"(?!(?:{_GROUP_NAME.sub('(?:', r)})')" for r in refused)
        either = "|".join(_GROUP_NAME.sub("(?:", r) for r in allowed)
        parts.append(f"{plain}{not_refused}(?:{either})'")
    return f"(?:{'|'.join(parts)})" if parts else None


def _tag_for(example: str, version: str) -> str:
    """A tag for ``version`` shaped like the template's example (v1.2.0 -> v2.0.0)."""
    digits = next((i for i, c in enumerate(example) if c.isdigit()), None)
    return f"{example[:digits]}{version}" if digits is not None else ""


def check_stale(
    branch: str, rule: BranchRule, tip_time: int, now: int, days: int, *, remote: str | None = None
) -> list[Violation]:
    """BF701; ``remote``: the branch exists only there (else it is a local branch)."""
    if days <= 0 or rule.long_lived or now - tip_time < days * DAY:
        return []
    idle = (now - tip_time) // DAY
    delete = git("push", remote, "--delete", branch) if remote else git("branch", "-D", branch)
    return [
        violation(
            "BF701",
            branch,
            f"no commit for {idle} days (stale after {days}); merge it, or delete it",
            hint=hint(delete),
            type_name=rule.name,
        )
    ]
