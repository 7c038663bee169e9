"""``branchflow graph``: the flow graph in Mermaid or Graphviz DOT.

Both kinds of edge are drawn in the direction code flows: a ``from`` edge
(feature.from = [develop]) as develop -> feature, dashed, labelled "branch";
an ``into`` edge (feature.into = [develop]) as feature -> develop, labelled "merge".

``--observed`` adds what the long-lived branches' histories show: each merge edge with
the number of merges that took it, the flows the policy forbids drawn apart (red, dashed,
with their counts), and merge edges nobody used drawn faint.
"""

from __future__ import annotations

import argparse
import re
from typing import NamedTuple

from branchflow.commands.context import command_context
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.fit import Flow


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


def _counts(flows: list[Flow] | None) -> dict[tuple[str, str], int]:
    return {(f.source, f.target): f.merges for f in flows or ()}


def _forbidden(policy: CompiledPolicy, flows: list[Flow] | None) -> list[Flow]:
    """Observed flows the policy has no merge edge for (syncs it allows are not drawn)."""
    drawn = {(e.source, e.target) for e in flow_edges(policy) if e.kind == "merge"}
    return [f for f in flows or () if f.allowed is not True and (f.source, f.target) not in drawn]


def _merge_label(edge: Edge, counts: dict[tuple[str, str], int], observed: bool) -> str:
    if not observed:
        return "merge"
    return f"merge: {counts.get((edge.source, edge.target), 0)}"


def mermaid(policy: CompiledPolicy, flows: list[Flow] | None = None) -> str:
    observed = flows is not None
    counts = _counts(flows)
    lines = ["flowchart LR"]
    for rule in policy.branches:
        label = f"{rule.name}<br/>{' | '.join(p.source for p in rule.patterns)}"
        label = label.replace('"', "#quot;")
        shape = f'(["{label}"])' if rule.long_lived else f'["{label}"]'
        lines.append(f"    {_node_id(rule.name)}{shape}")
    forbidden = _forbidden(policy, flows)
    types = {r.name for r in policy.branches}
    for source in dict.fromkeys(f.source for f in forbidden if f.source not in types):
        lines.append(f'    {_node_id(source)}["{source}"]')
    styles: list[str] = []
    index = 0
    for edge in flow_edges(policy):
        if edge.kind == "branch":
            arrow = "-. branch .->"
        else:
            arrow = f"-- {_merge_label(edge, counts, observed)} -->"
            if observed and not counts.get((edge.source, edge.target)):
                styles.append(f"    linkStyle {index} stroke:#bbb,color:#bbb")
        lines.append(f"    {_node_id(edge.source)} {arrow} {_node_id(edge.target)}")
        index += 1
    for flow in forbidden:
        lines.append(
            f"    {_node_id(flow.source)} -. not allowed: {flow.merges} .-> {_node_id(flow.target)}"
        )
        styles.append(f"    linkStyle {index} stroke:#d00,color:#d00")
        index += 1
    lines += styles
    protected = [_node_id(r.name) for r in policy.branches if r.protection]
    if protected:
        lines.append("    classDef protected stroke-width:3px")
        lines.append(f"    class {','.join(protected)} protected")
    return "\n".join(lines)


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(policy: CompiledPolicy, flows: list[Flow] | None = None) -> str:
    observed = flows is not None
    counts = _counts(flows)
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
        label = edge.kind
        if edge.kind == "merge":
            label = _merge_label(edge, counts, observed)
            if observed and not counts.get((edge.source, edge.target)):
                style = "color=gray80, fontcolor=gray60, "
        lines.append(
            f'    {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [{style}label="{label}"];'
        )
    for flow in _forbidden(policy, flows):
        lines.append(
            f"    {_dot_quote(flow.source)} -> {_dot_quote(flow.target)} "
            f'[style=dashed, color=red, fontcolor=red, label="not allowed: {flow.merges}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    policy = context.loaded.policy
    flows = None
    if args.observed:
        from branchflow.commands.observed import flows_of
        from branchflow.errors import RepoError

        if context.location is None:
            raise RepoError("graph --observed reads a repository's history: run it in one")
        flows = flows_of(context.location, policy)
    print(mermaid(policy, flows) if args.format == "mermaid" else dot(policy, flows))
    return 0
