"""BF301 branch-base and BF302 base-unknown: was a branch created from an allowed type?"""

from __future__ import annotations

from branchflow.checks.hints import (
    NO_REFS,
    Argv,
    Hint,
    RefView,
    carrying_staged,
    git,
    hint,
    words,
)
from branchflow.checks.violation import Violation, violation
from branchflow.facts import BaseEvidence
from branchflow.policy.compiled import BranchRule, CompiledPolicy


def check_base(
    policy: CompiledPolicy,
    branch: str,
    rule: BranchRule,
    evidence: BaseEvidence,
    refs: RefView = NO_REFS,
    *,
    staged: bool = False,
) -> list[Violation]:
    """Was ``branch`` created from a type its ``from`` edges allow? ``refs``: the
    repository's branches, for the commands that move it onto an allowed base; ``staged``:
    asked at a commit, whose staged work those commands carry along."""
    if not rule.from_:
        return []
    allowed = ", ".join(rule.from_)
    if not evidence.candidates:
        if evidence.source == "shallow":
            message = f"cannot tell where {branch} was created from: this clone is shallow"
            fix: Hint | None = hint(git("fetch", "--unshallow"))
        elif evidence.source == "none":
            # An orphan: no base at all, so nothing it brings was ever on an allowed branch
            # (and merged, its every shared file would be a conflict a merge may resolve
            # as it likes).
            start = next(filter(None, (refs.branch_of_type(t) for t in rule.from_)), None)
            return [
                violation(
                    "BF301",
                    branch,
                    f"{branch} was created from nothing: its first-parent line starts at a "
                    f"root commit of its own (an orphan), whatever it merged since; "
                    f"{rule.name} branches are created from {allowed}",
                    details=(f"evidence: {evidence.detail}",),
                    hint=words(
                        f"start it again from {start} (git switch -c <new name> {start}) "
                        "and bring the work over with git cherry-pick"
                        if start
                        else f"start it again from a {rule.from_[0]} branch"
                    ),
                    type_name=rule.name,
                )
            ]
        else:
            message = f"cannot tell where {branch} was created from ({evidence.detail})"
            fix = None
        return [violation("BF302", branch, message, hint=fix, type_name=rule.name)]
    types = {name: _type_of(policy, name) for name in evidence.candidates}
    if any(t in rule.from_ for t in types.values()):
        return []
    if _same_commit(rule, evidence.candidates, refs):
        return []  # made from develop while develop and main are one commit: from main too
    described = " or ".join(_described(name, types[name]) for name in evidence.candidates)
    return [
        violation(
            "BF301",
            branch,
            f"{branch} was created from {described}; {rule.name} branches are created from "
            f"{allowed}",
            details=(f"evidence: {evidence.detail}",),
            hint=rebase_hint(branch, rule, evidence.candidates[0], refs, staged=staged),
            type_name=rule.name,
        )
    ]


def rebase_hint(
    branch: str, rule: BranchRule, wrong: str, refs: RefView, *, staged: bool = False
) -> Hint:
    """Move ``branch`` from ``wrong`` onto a branch of an allowed type, and forget the
    reflog line that says it was created from ``wrong``: after a rebase onto a branch that
    holds ``wrong``'s commit (develop holds main's), or when both are one commit, that line
    would still decide, and the graph then says where the branch starts now. ``staged``:
    shown at a commit, whose staged work is carried along."""
    target = next(filter(None, (refs.branch_of_type(t) for t in rule.from_)), None)
    if target is None:
        return words(
            f"create a {rule.from_[0]} branch first, then move {branch} onto it with "
            f"git rebase --onto"
        )
    moves: tuple[Argv, ...] = (
        git("rebase", "--onto", target, refs.shown_name(wrong) or wrong, branch),
        git("reflog", "expire", "--expire=all", f"refs/heads/{branch}"),
    )
    if staged:
        moves = carrying_staged(*moves)
    here = refs.shown_name(branch)
    if here is not None and here != branch:  # only on the remote: work on a local copy
        return hint(
            git("switch", branch),
            *moves,
            then=f"push it again: git push --force-with-lease {here.split('/', 1)[0]} {branch}",
        )
    return hint(*moves)


def _same_commit(rule: BranchRule, candidates: tuple[str, ...], refs: RefView) -> bool:
    """Whether a base the evidence names is, right now, the very commit of a branch of an
    allowed type (a new repository's develop and main): nothing tells them apart."""
    allowed = {refs.tip_of(b) for b in filter(None, map(refs.branch_of_type, rule.from_))}
    allowed.discard(None)
    return any(refs.tip_of(name) in allowed for name in candidates)


def _type_of(policy: CompiledPolicy, name: str) -> str | None:
    rule = policy.type_of(name)
    return rule.name if rule is not None else None


def _described(name: str, type_name: str | None) -> str:
    if type_name is None:
        return f"{name} (no branch type)"
    return name if name == type_name else f"{name} ({type_name})"
