"""``branchflow graph``: the flow graph in Mermaid or Graphviz DOT.

Both kinds of edge are drawn in the direction code flows: a ``from`` edge
(feature.from = [develop]) as develop -> feature, dashed, labelled "branch";
an ``into`` edge (feature.into = [develop]) as feature -> develop, labelled "merge".
"""

from __future__ import annotations

import argparse
import re
from typing import NamedTuple

from branchflow.commands.context import command_context
from branchflow.policy.compiled import CompiledPolicy


class Edge(NamedTuple):
    source: str
    target: str
    kind: str  # "branch" (a from edge) or "merge" (an into edge)


def flow_edges(policy: CompiledPolicy) -> list[Edge]:
    edges: list[Edge] = []
    for rule in policy.branches:
        edges += [Edge(parent, rule.name, "branch") for parent in rule.from_]
        edges += [Edge(rule.name, target, "merge") for target in rule.into]
    return list(dict.fromkeys(edges))


def _node_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def mermaid(policy: CompiledPolicy) -> str:
    lines = ["flowchart LR"]
    for rule in policy.branches:
        label = f"{rule.name}<br/>{' | '.join(p.source for p in rule.patterns)}"
        label = label.replace('"', "#quot;")
        shape = f'(["{label}"])' if rule.long_lived else f'["{label}"]'
        lines.append(f"    {_node_id(rule.name)}{shape}")
    for edge in flow_edges(policy):
        arrow = "-. branch .->" if edge.kind == "branch" else "-- merge -->"
        lines.append(f"    {_node_id(edge.source)} {arrow} {_node_id(edge.target)}")
    protected = [_node_id(r.name) for r in policy.branches if r.protection]
    if protected:
        lines.append("    classDef protected stroke-width:3px")
        lines.append(f"    class {','.join(protected)} protected")
    return "\n".join(lines)


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(policy: CompiledPolicy) -> str:
    lines = ["digraph branchflow {", "    rankdir=LR;", "    node [shape=box];"]
    for rule in policy.branches:
        label = f"{rule.name}\\n{' | '.join(p.source for p in rule.patterns)}"
        attrs = [f'label="{label.replace(chr(34), chr(92) + chr(34))}"']
        if rule.long_lived:
            attrs.append('style="rounded"')
        if rule.protection:
            attrs.append("penwidth=3")
        lines.append(f"    {_dot_quote(rule.name)} [{', '.join(attrs)}];")
    for edge in flow_edges(policy):
        style = "style=dashed, " if edge.kind == "branch" else ""
        lines.append(
            f"    {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} "
            f'[{style}label="{edge.kind}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    policy = command_context(args).loaded.policy
    print(mermaid(policy) if args.format == "mermaid" else dot(policy))
    return 0
