"""BF601 experiment-docs: a branch documents its work before it merges or is pushed."""

from __future__ import annotations

import re

from branchflow.checks.hints import words
from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import BranchRule, glob_to_regex


def check_documented(
    branch: str, rule: BranchRule, changed: set[str], *, when: str
) -> list[Violation]:
    """``changed``: paths the branch changed since it left its base; ``when``: "merged",
    "pushed"."""
    if not rule.documented_in:
        return []
    patterns = [re.compile(glob_to_regex(glob)) for glob in rule.documented_in]
    if any(p.fullmatch(path) for path in changed for p in patterns):
        return []
    globs = ", ".join(rule.documented_in)
    return [
        violation(
            "BF601",
            branch,
            f"{branch} changes none of {globs}; {rule.name} branches record their experiments "
            f"and results there before they are {when}",
            hint=words(f"commit a write-up on the branch, e.g. {_suggested_path(branch, rule)}"),
            type_name=rule.name,
        )
    ]


def _suggested_path(branch: str, rule: BranchRule) -> str:
    first = rule.documented_in[0]
    name = branch.rsplit("/", 1)[-1] + ".md"
    if first.endswith("/**"):
        return f"{first[: -len('/**')]}/{name}"
    if not any(c in first for c in "*?"):
        return first
    return first.replace("**", name).replace("*", name)
