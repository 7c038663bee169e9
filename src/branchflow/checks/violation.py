"""A violation of a rule, and how the policy's severities judge a list of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from branchflow.checks.hints import Hint
from branchflow.policy.rules import RULES, Rule

if TYPE_CHECKING:
    from branchflow.policy.compiled import CompiledPolicy


class Violation(NamedTuple):
    ref: str  # the branch (or tag) the violation is about
    rule: Rule
    message: str  # what is wrong, one sentence
    details: tuple[str, ...] = ()  # extra lines: allowed templates, context
    hint: Hint | None = None  # the exact commands that fix it
    type_name: str | None = None  # the branch type whose severity settings apply
    severity: str = "error"
    subject: str = ""  # what, besides the ref, identifies it across runs (a commit id)
    on: str = ""  # the branch whose history holds it, when that is not ``ref`` (an audit's)
    commits: tuple[str, ...] = ()  # every commit it is about, when several (a run of them)

    @property
    def fingerprint(self) -> str:
        """Stable across runs and wording changes: for baselines and SARIF."""
        return f"{self.rule.id}:{self.ref}:{self.subject}"

    @property
    def fingerprints(self) -> tuple[str, ...]:
        """One per commit it is about: a baseline that knows some of a run's commits still
        reports the rest (one new direct commit is one finding, not the run again)."""
        if not self.commits:
            return (self.fingerprint,)
        return tuple(f"{self.rule.id}:{self.ref}:{c}" for c in self.commits)

    @property
    def where(self) -> str:
        """The branch it is found on: its history's, else its own."""
        return self.on or self.ref


def violation(
    rule_id: str,
    ref: str,
    message: str,
    *,
    details: tuple[str, ...] = (),
    hint: Hint | None = None,
    type_name: str | None = None,
    subject: str = "",
) -> Violation:
    rule = RULES[rule_id]
    return Violation(ref, rule, message, details, hint, type_name, rule.default, subject)


def with_severities(policy: CompiledPolicy, violations: list[Violation]) -> list[Violation]:
    """Violations with the severity the policy gives them; those turned off are dropped."""
    judged = []
    for v in violations:
        severity = policy.severity(v.rule.id, v.type_name, v.rule.default)
        if severity != "off":
            judged.append(v._replace(severity=severity))
    return judged


def blocking(violations: list[Violation]) -> bool:
    return any(v.severity == "error" for v in violations)
