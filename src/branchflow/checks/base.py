"""BF301 branch-base and BF302 base-unknown: was a branch created from an allowed type?"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.evidence import BaseEvidence


def check_base(
    policy: CompiledPolicy,
    branch: str,
    rule: BranchRule,
    evidence: BaseEvidence,
    existing: Mapping[str, str],
) -> list[Violation]:
    """``existing`` maps a branch type to a branch of it that exists, for the fix command."""
    if not rule.from_:
        return []
    allowed = ", ".join(rule.from_)
    if not evidence.candidates:
        if evidence.source == "shallow":
            message = f"cannot tell where {branch} was created from: this clone is shallow"
            hint = "git fetch --unshallow"
        else:
            message = f"cannot tell where {branch} was created from ({evidence.detail})"
            hint = None
        return [violation("BF302", branch, message, hint=hint, type_name=rule.name)]
    types = {name: _type_of(policy, name) for name in evidence.candidates}
    if any(t in rule.from_ for t in types.values()):
        return []
    actual = evidence.candidates[0]
    described = " or ".join(_described(name, types[name]) for name in evidence.candidates)
    target = next((existing[t] for t in rule.from_ if t in existing), None)
    if target is not None and len(evidence.candidates) == 1:
        hint = (
            f"git rebase --onto {shlex.quote(target)} {shlex.quote(actual)} {shlex.quote(branch)}"
        )
    elif target is not None:
        hint = f"git rebase --onto {shlex.quote(target)} <its real base> {shlex.quote(branch)}"
    else:
        hint = f"create a {rule.from_[0]} branch first, then rebase {branch} onto it"
    return [
        violation(
            "BF301",
            branch,
            f"{branch} was created from {described}; {rule.name} branches are created from "
            f"{allowed}",
            details=(f"evidence: {evidence.detail}",),
            hint=hint,
            type_name=rule.name,
        )
    ]


def _type_of(policy: CompiledPolicy, name: str) -> str | None:
    found = policy.classify(name)
    return found.rule.name if found is not None and found.rule is not None else None


def _described(name: str, type_name: str | None) -> str:
    if type_name is None:
        return f"{name} (no branch type)"
    return name if name == type_name else f"{name} ({type_name})"
