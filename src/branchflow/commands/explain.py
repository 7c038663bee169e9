"""``branchflow explain``: the policy as a table a person can read."""

from __future__ import annotations

import argparse

from branchflow.commands.context import command_context
from branchflow.facts import Pusher
from branchflow.policy.compiled import CompiledPolicy


def _yes(value: bool) -> str:
    return "yes" if value else "-"


def render_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return [line.rstrip() for line in lines]


def explain(policy: CompiledPolicy, you: Pusher | None = None) -> str:
    """The policy as a table; ``you``: who this clone's user is, where names hold
    ``{pusher}``."""
    rows = [["type", "names", "created from", "merged into", "protected", "long-lived"]]
    for rule in policy.branches:
        rows.append(
            [
                rule.name,
                " | ".join(p.source for p in rule.patterns),
                ", ".join(rule.from_) or "-",
                ", ".join(rule.into) or "-",
                rule.protection or "-",
                _yes(rule.long_lived),
            ]
        )
    out = [f"policy: {policy.label}", "", *render_table(rows), ""]
    for rule in policy.branches:
        examples = ", ".join(rule.examples) or rule.example or ""
        line = f"{rule.name}: {rule.description or '(no description)'}"
        out.append(f"{line} e.g. {examples}" if examples else line)
    if policy.names_pusher:
        from branchflow.hooks.identity import SERVER_VARIABLES

        here = "unknown (git config branchflow.user <your name on the server>)"
        if you is not None and you.slug is not None:
            here = f"{you.slug} (from {you.said_by})"
        out += [
            "",
            "{pusher}: who pushes. On the server, the name the hosting software "
            f"authenticated ({', '.join(SERVER_VARIABLES)}, the first set); in this clone, "
            f"git config branchflow.user, else user.email's local part: {here}",
        ]
    if policy.exempt:
        out += ["", "exempt (never checked): " + ", ".join(g for g, _ in policy.exempt)]
    if policy.tags is not None:
        tags = policy.tags
        where = f" on {', '.join(tags.on)} branches" if tags.on else ""
        out += ["", f"tags: {' | '.join(p.source for p in tags.patterns)}{where}"]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    policy = context.loaded.policy
    you = None
    if policy.names_pusher and context.location is not None:
        from branchflow.hooks.identity import local_pusher
        from branchflow.repo.session import RepoSession

        you = local_pusher(RepoSession(context.location, policy).config_value)
    print(explain(policy, you))
    return 0
