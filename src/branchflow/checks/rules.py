"""Every rule branchflow enforces, with a stable id and a kebab-case name.

Ids never change meaning; a retired rule's id is not reused. The README's rule
table is generated from ``RULES`` (``branchflow rules``).
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    id: str
    name: str
    summary: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("BF101", "branch-name", "a branch name matches a branch type of the policy"),
        Rule("BF102", "ref-format", "a branch name is one git itself accepts"),
        Rule("BF201", "protected-commit", "no direct commits on a protected branch"),
        Rule("BF202", "merge-source", "only allowed branch types are merged into a branch"),
    )
}


class Violation(NamedTuple):
    ref: str  # the branch (or tag) the violation is about
    rule: Rule
    message: str  # what is wrong, one sentence
    details: tuple[str, ...] = ()  # extra lines: allowed templates, context
    hint: str | None = None  # the exact command that fixes it


def violation(
    rule_id: str, ref: str, message: str, *, details: tuple[str, ...] = (), hint: str | None = None
) -> Violation:
    return Violation(ref, RULES[rule_id], message, details, hint)
