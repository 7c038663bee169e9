"""``branchflow rules``: every rule with its id, name and what it enforces."""

from __future__ import annotations

import argparse

from branchflow.policy.rules import RULES


def rules_table() -> str:
    lines = [
        "| id | name | what it enforces | default | per type |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.id} | `{r.name}` | {r.summary} | {r.default} | {'yes' if r.per_type else '-'} |"
        for r in RULES.values()
    ]
    return "\n".join(lines)


def run(_: argparse.Namespace) -> int:
    print(rules_table())
    return 0
