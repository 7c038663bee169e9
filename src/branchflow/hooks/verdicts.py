"""What the policy says of a branch's base and of its write-up, asked of a repository
session: the checks of ``checks/`` on the facts ``repo.session`` gathers."""

from __future__ import annotations

from branchflow.checks.base import check_base as judge_base
from branchflow.checks.docs import check_documented
from branchflow.checks.violation import Violation
from branchflow.facts import BaseEvidence, MergeSource
from branchflow.policy.classify import Match
from branchflow.policy.compiled import BranchRule
from branchflow.repo.session import RepoSession


def check_base(
    session: RepoSession,
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
    ``reflog_of``, ``arriving``: see ``repo.fork_point.infer_base``."""
    rule = match.rule
    tip = tip or session.local_tip(branch)
    if rule is None or not rule.from_ or (rule.long_lived and not arriving) or tip is None:
        return None, []
    evidence = session.base_evidence(branch, tip, reflog_of, arriving=arriving)
    return evidence, judge_base(session.policy, branch, rule, evidence, session, staged=staged)


def undocumented(
    session: RepoSession, sources: tuple[MergeSource, ...], into: str, *, when: str
) -> list[Violation]:
    """BF601 for each branch merged into ``into`` whose type asks for a write-up it does
    not have (a sync of ``into`` with itself brings a teammate's work, not a merge)."""
    head = session.head_commit()
    if head is None:
        return []
    out = []
    for source in sources:
        if source.kind != "branch" or source.name == into:
            continue
        rule = session.policy.type_of(source.name)
        if rule is None or not rule.documented_in:
            continue
        tip = session.local_tip(source.name) or session.any_tip(source.name)
        if tip:
            out += documented(session, source.name, rule, tip, head, when=when)
    return out


def documented(
    session: RepoSession, branch: str, rule: BranchRule, tip: str, into: str, *, when: str
) -> list[Violation]:
    """BF601 when ``branch`` (at ``tip``) changed none of its type's ``documented_in``
    files since it left ``into``; nothing when their merge base is unknown (shallow)."""
    base = session.merge_base(tip, into)
    if base is None:
        return []
    return check_documented(branch, rule, session.changed_paths(base, tip), when=when)
