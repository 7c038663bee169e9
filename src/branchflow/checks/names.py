"""BF101 branch-name and BF102 ref-format: does a name belong to the policy?"""

from __future__ import annotations

import shlex

from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import CompiledPolicy, Match
from branchflow.policy.refname import ref_format_problem


def check_branch_name(
    policy: CompiledPolicy, name: str, *, creating: bool = False, remote: str | None = None
) -> tuple[Match | None, list[Violation]]:
    """The name's classification, or the violations that say why it has none.

    ``creating``: the branch does not exist yet (its creation is being refused), so the fix
    is to create it under another name rather than to rename it. ``remote``: the branch
    exists only there (a remote-tracking branch), so the fix renames it on that remote.
    """
    found = policy.classify(name)
    if found is not None:
        return found, []
    problem = ref_format_problem(name)
    if problem is not None:
        return None, [violation("BF102", name, f"git does not accept this name: {problem}")]
    from branchflow.checks.suggest import suggest_name

    suggestion = suggest_name(policy, name)
    details = ("allowed names:", *allowed_lines(policy))
    new = (
        shlex.quote(suggestion) if suggestion is not None else "<a name of one of the forms above>"
    )
    if remote is not None and not creating:
        there, old = shlex.quote(remote), shlex.quote(name)
        source = shlex.quote(f"{remote}/{name}")
        hint = f"git push {there} {source}:refs/heads/{new} && git push {there} --delete {old}"
    elif creating:
        hint = f"git switch -c {new}"
    else:
        hint = f"git branch -m {shlex.quote(name)} {new}"
    message = f"matches no branch type of {policy.label}"
    if suggestion is not None:
        message += f"; did you mean {suggestion!r}?"
    return None, [violation("BF101", name, message, details=details, hint=hint)]


def allowed_lines(policy: CompiledPolicy) -> list[str]:
    width = max((len(rule.name) for rule in policy.branches), default=0)
    lines = []
    for rule in policy.branches:
        forms = " | ".join(p.source for p in rule.patterns)
        example = rule.example
        literal = all(p.source == p.example for p in rule.patterns)
        suffix = f"   e.g. {example}" if example and not literal else ""
        lines.append(f"  {rule.name:<{width}}  {forms}{suffix}")
    if policy.exempt:
        lines.append(f"  {'exempt':<{width}}  {' | '.join(g for g, _ in policy.exempt)}")
    return lines
