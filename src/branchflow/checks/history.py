"""What an audit finds in history: direct commits and disallowed merges on protected
branches, releases that reached a tagged branch without their tag, tags that break the
template, and topic branches left idle."""

from __future__ import annotations

from typing import NamedTuple

from branchflow.checks.merges import check_merge
from branchflow.checks.protection import route
from branchflow.checks.tags import version_of
from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.merge_message import MergeSource

DAY = 86_400


class HistoryCommit(NamedTuple):
    """A first-parent commit of a protected branch, newest first."""

    id: str
    parents: int
    summary: str
    time: int
    sources: tuple[MergeSource, ...]  # for a merge: what it merged
    tip_of: tuple[str, ...]  # branches whose tip it is now (a fast-forward's source)


def check_history(
    policy: CompiledPolicy, branch: str, rule: BranchRule, commits: list[HistoryCommit]
) -> list[Violation]:
    """Every merge on a protected branch brought an allowed source; every run of commits
    that are not merges is reported once (a fast-forward when a branch explains it)."""
    out: list[Violation] = []
    run: list[HistoryCommit] = []
    for commit in [*commits, None]:
        if commit is not None and commit.parents == 1:
            run.append(commit)
            continue
        if run:
            out.append(_direct_run(policy, branch, rule, run))
            run = []
        if commit is not None and commit.parents > 1:
            found = check_merge(policy, branch, rule, commit.sources, hint="")
            out += [
                v._replace(
                    hint=None,
                    subject=commit.id,
                    details=(*v.details, f"merge commit {commit.id[:12]}: {commit.summary}"),
                )
                for v in found
            ]
    return out


def _direct_run(
    policy: CompiledPolicy, branch: str, rule: BranchRule, run: list[HistoryCommit]
) -> Violation:
    newest = run[0]
    sources = [
        name
        for name in newest.tip_of
        if (found := policy.classify(name)) is not None
        and found.rule is not None
        and policy.merge_allowed(found.rule.name, rule.name)
    ]
    detail = f"newest: {newest.id[:12]} {newest.summary}"
    if sources:
        return violation(
            "BF203",
            branch,
            f"{branch} was fast-forwarded to {sources[0]}: {len(run)} commit(s) landed without a "
            "merge commit",
            details=(detail,),
            type_name=rule.name,
            subject=newest.id,
        )
    return violation(
        "BF201",
        branch,
        f"{len(run)} commit(s) made directly on {branch}: {route(policy, rule)}",
        details=(detail, f"oldest: {run[-1].id[:12]} {run[-1].summary}"),
        type_name=rule.name,
        subject=newest.id,
    )


def check_release_tags(
    policy: CompiledPolicy,
    branch: str,
    commits: list[HistoryCommit],
    tagged_versions: set[str],
) -> list[Violation]:
    """A merge into ``branch`` (a type tags go on) of a versioned branch carries a tag of
    that version somewhere."""
    if policy.tags is None:
        return []
    example = next((p.example for p in policy.tags.patterns if p.example), "")
    out = []
    for commit in commits:
        for source in commit.sources:
            if source.kind != "branch":
                continue
            found = policy.classify(source.name)
            version = version_of(found.groups) if found is not None else None
            if version and version not in tagged_versions:
                tag = _tag_for(example, version)
                out.append(
                    violation(
                        "BF504",
                        source.name,
                        f"{source.name} reached {branch} in {commit.id[:12]} but no tag carries "
                        f"version {version}",
                        hint=f"git tag {tag} {commit.id[:12]} && git push origin {tag}"
                        if tag
                        else None,
                        subject=commit.id,
                    )
                )
    return out


def _tag_for(example: str, version: str) -> str:
    """A tag for ``version`` shaped like the template's example (v1.2.0 -> v2.0.0)."""
    digits = next((i for i, c in enumerate(example) if c.isdigit()), None)
    return f"{example[:digits]}{version}" if digits is not None else ""


def check_tag_names(policy: CompiledPolicy, tags: list[str]) -> list[Violation]:
    if policy.tags is None:
        return []
    forms = " | ".join(p.source for p in policy.tags.patterns)
    return [
        violation(
            "BF501",
            tag,
            f"the tag matches no tag template of {policy.label} ({forms})",
            subject=tag,
        )
        for tag in tags
        if policy.classify_tag(tag) is None
    ]


def check_stale(
    branch: str, rule: BranchRule, tip_time: int, now: int, days: int
) -> list[Violation]:
    if days <= 0 or rule.long_lived or now - tip_time < days * DAY:
        return []
    idle = (now - tip_time) // DAY
    return [
        violation(
            "BF701",
            branch,
            f"no commit for {idle} days (stale after {days})",
            hint=f"merge it, or delete it: git push origin --delete {branch}",
            type_name=rule.name,
        )
    ]
