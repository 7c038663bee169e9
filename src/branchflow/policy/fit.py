"""What names that match no type have in common, and the policy change that would take them.

A name of no type is read as a type's prefix (``feature/``, ``release/``: the literal
text before a template's first placeholder, up to its last ``/``) and the rest, whose
shape says why no template took it: words joined by underscores or with capitals
(``feature/add_rename_command``), a version of fewer parts than the template wants
(``release/0.4``), or no type prefix at all (``patch-1``, ``review``). Names of one shape
are one cause; a cause with a prefix has a template that would take all of its names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from branchflow.policy.classify import Match
from branchflow.policy.compiled import CompiledPolicy

_VERSION = re.compile(r"(v?)([0-9]+(?:\.[0-9]+)*)")
_WORDS = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
WORDS_PLACEHOLDER = "words"


class Shape(NamedTuple):
    shape: str  # the names' common form: feature/x_y, release/N.N, patch-N
    why: str  # what the templates do not take: "underscores", "a 2-part version"
    type_name: str | None  # the type whose prefix the names carry
    template: str | None  # a template of that type that would take them
    words: str | None  # for a {words} template, what its words need: "_" "." "A" (capitals)


class Cause(NamedTuple):
    shape: Shape
    names: tuple[str, ...]  # distinct names, most frequent first

    @property
    def size(self) -> int:
        return len(self.names)

    def describe(self) -> str:
        if self.shape == NO_PREFIX:
            named = ", ".join(self.names[:3]) + (", ..." if self.size > 3 else "")
            return f"{self.size} with no type prefix ({named})"
        shown = f"{self.size} like {self.shape.shape}" if self.size > 1 else self.names[0]
        return f"{shown} ({self.shape.why})"


def type_prefixes(policy: CompiledPolicy) -> list[tuple[str, str]]:
    """(prefix, type) for every template whose literal start holds a ``/``: longest first."""
    found: dict[str, str] = {}
    for rule in policy.branches:
        if rule.long_lived:
            continue
        for pattern in rule.patterns:
            cut = pattern.prefix.rfind("/")
            if cut > 0:
                found.setdefault(pattern.prefix[: cut + 1], rule.name)
    return sorted(found.items(), key=lambda item: -len(item[0]))


def shape_of(name: str, prefixes: list[tuple[str, str]]) -> Shape:
    prefix, type_name = next(((p, t) for p, t in prefixes if name.startswith(p)), ("", None))
    tail = name[len(prefix) :]
    if type_name is None:
        return Shape(re.sub(r"[0-9]+", "N", name), "no type prefix", None, None, None)
    version = _VERSION.fullmatch(tail)
    if version is not None:
        v, digits = version.groups()
        parts = digits.count(".") + 1
        shape = f"{prefix}{v}{'.'.join(['N'] * parts)}"
        return Shape(shape, f"a {parts}-part version", type_name, f"{prefix}{v}{{version}}", None)
    if _WORDS.fullmatch(tail):
        why = [
            word
            for word, there in (
                ("underscores", "_" in tail),
                ("capitals", tail != tail.lower()),
                ("dots", "." in tail),
            )
            if there
        ]
        needs = "".join(
            mark
            for mark, word in (("_", "underscores"), (".", "dots"), ("A", "capitals"))
            if word in why
        )
        sep = "_" if "_" in needs else "." if "." in needs else "-"
        shape = f"{prefix}{'X' if 'A' in needs else 'x'}{sep}y"
        return Shape(
            shape,
            " and ".join(why) or "another form",
            type_name,
            f"{prefix}{{{WORDS_PLACEHOLDER}}}",
            needs,
        )
    odd = "".join(sorted({c for c in tail if not c.isalnum() and c not in "-_."}))
    return Shape(
        f"{prefix}{re.sub(r'[0-9]+', 'N', tail)}",
        f"characters {odd!r}" if odd else "another form",
        type_name,
        None,
        None,
    )


def causes(policy: CompiledPolicy, names: Iterable[str]) -> list[Cause]:
    """The names grouped by shape, the largest group first; each name counted once."""
    prefixes = type_prefixes(policy)
    counted = Counter(names)
    groups: dict[Shape, list[str]] = {}
    for name, _ in counted.most_common():
        groups.setdefault(shape_of(name, prefixes), []).append(name)
    found = _one_per_template([Cause(shape, tuple(members)) for shape, members in groups.items()])
    lone = [c for c in found if c.shape.type_name is None and c.size == 1]
    if len(lone) > 1:  # names of no type prefix, each of its own shape: one cause
        found = [c for c in found if c not in lone]
        found.append(Cause(NO_PREFIX, tuple(n for c in lone for n in c.names)))
    return sorted(found, key=lambda c: (-c.size, c.shape.shape))


NO_PREFIX = Shape("", "no type prefix", None, None, None)


def _one_per_template(found: list[Cause]) -> list[Cause]:
    """Causes of one type that one {words} template takes, as one cause (feature/x_y and
    feature/X_y: underscores, some with capitals)."""
    merged: dict[tuple[str, str], list[Cause]] = {}
    out = []
    for cause in found:
        shape = cause.shape
        if shape.words is None or shape.type_name is None or shape.template is None:
            out.append(cause)
        else:
            merged.setdefault((shape.type_name, shape.template), []).append(cause)
    for group in merged.values():
        group.sort(key=lambda c: -c.size)
        needs = "".join(sorted({mark for c in group for mark in c.shape.words or ""}))
        whys = [w for c in group for w in c.shape.why.split(" and ")]
        why = " and ".join(dict.fromkeys(whys))
        first = group[0].shape
        names = tuple(n for c in group for n in c.names)
        out.append(Cause(first._replace(why=why, words=needs), names))
    return out


def tag_causes(policy: CompiledPolicy, tags: Iterable[str]) -> list[Cause]:
    """Tags of no template, grouped by shape (``N.N``, ``vN.N``, ``release-N``)."""
    groups: dict[Shape, list[str]] = {}
    for tag in sorted(set(tags)):
        version = _VERSION.fullmatch(tag)
        if version is not None:
            v, digits = version.groups()
            parts = digits.count(".") + 1
            shape = Shape(
                f"{v}{'.'.join(['N'] * parts)}",
                f"a {parts}-part version",
                None,
                f"{v}{{version}}",
                None,
            )
        else:
            shape = Shape(re.sub(r"[0-9]+", "N", tag), "another form", None, None, None)
        groups.setdefault(shape, []).append(tag)
    found = [Cause(shape, tuple(members)) for shape, members in groups.items()]
    if policy.tags is None:
        return []
    return sorted(found, key=lambda c: (-c.size, c.shape.shape))


class Change(NamedTuple):
    """Templates to add, per branch type, to the tags, and the placeholders they use; and,
    fitted to a history, edges, protection and exemptions, each with why."""

    patterns: dict[str, list[str]]  # type -> its templates after the change, in order
    tags: list[str] | None  # the tag templates after the change, or None: unchanged
    placeholders: dict[str, str]
    taken: int  # how many of the names and tags it takes
    into: dict[str, list[str]] | None = None  # type -> its `into` edges after the change
    protected: dict[str, bool | str] | None = None  # type -> its protection after the change
    exempt: list[str] | None = None  # the exempt globs after the change
    why: dict[tuple[str, ...], str] | None = None  # (section, type) -> evidence, as a comment

    def to_yaml(self, extends: str | None) -> str:
        lines = [f"extends: {extends}"] if extends else []
        if self.placeholders:
            lines.append("placeholders:")
            lines += [f"  {k}: {_quoted(v)}" for k, v in sorted(self.placeholders.items())]
        into, protected, why = self.into or {}, self.protected or {}, self.why or {}
        types = list(dict.fromkeys([*self.patterns, *into, *protected]))
        if types:
            lines.append("branches:")
            for type_name in types:
                lines.append(f"  {type_name}:")
                for key, values in (
                    ("pattern", self.patterns.get(type_name)),
                    ("into", into.get(type_name)),
                ):
                    if values is not None:
                        lines += _comment(why.get((key, type_name)), "    ")
                        lines.append(f"    {key}: [{', '.join(_quoted(v) for v in values)}]")
                if type_name in protected:
                    lines += _comment(why.get(("protected", type_name)), "    ")
                    value = protected[type_name]
                    shown = _quoted(value) if isinstance(value, str) else str(value).lower()
                    lines.append(f"    protected: {shown}")
        if self.exempt is not None:
            lines += _comment(why.get(("exempt",)), "")
            lines.append(f"exempt: [{', '.join(_quoted(g) for g in self.exempt)}]")
        if self.tags is not None:
            lines.append("tags:")
            lines += _comment(why.get(("tags",)), "  ")
            lines.append(f"  pattern: [{', '.join(_quoted(t) for t in self.tags)}]")
        return "\n".join(lines) + "\n"


def _comment(text: str | None, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in text.splitlines()] if text else []


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def change_for(
    policy: CompiledPolicy, branch_causes: list[Cause], tag_found: list[Cause], least: int = 2
) -> Change | None:
    """The change that takes the causes of at least ``least`` names that a template would
    take; None when there is none."""
    patterns: dict[str, list[str]] = {}
    needs = ""
    taken = 0
    common = [c.shape for c in branch_causes if c.size >= least and c.shape.template]
    habits = {mark for shape in common for mark in shape.words or ""}
    versions = {shape.why for shape in common if shape.words is None}
    for cause in branch_causes:
        shape = cause.shape
        if shape.template is None or shape.type_name is None:
            continue
        # a lone name written the team's way (underscores seen in many) is taken as well
        usual = set(shape.words) <= habits if shape.words is not None else shape.why in versions
        if cause.size < least and not usual:
            continue
        rule = policy.rule(shape.type_name)
        if rule is None:
            continue
        current = patterns.setdefault(shape.type_name, [p.source for p in rule.patterns])
        template = shape.template
        if shape.words is not None:
            needs += shape.words
        if template not in current:
            current.append(template)
        taken += cause.size
    tags = None
    if policy.tags is not None:
        for cause in tag_found:
            tag_template = cause.shape.template
            if tag_template is None or cause.size < least:
                continue
            if tags is None:
                tags = [p.source for p in policy.tags.patterns]
            if tag_template not in tags:
                tags.append(tag_template)
            taken += cause.size
    if not taken:
        return None
    placeholders = (
        {WORDS_PLACEHOLDER: words_regex(needs)}
        if any(f"{{{WORDS_PLACEHOLDER}}}" in t for ts in patterns.values() for t in ts)
        else {}
    )
    return Change(patterns, tags, placeholders, taken)


def words_regex(needs: str) -> str:
    """Words of letters and digits (capitals when ``needs`` has "A") joined by "-" and by
    "_" and "." where ``needs`` has them."""
    letters = "A-Za-z0-9" if "A" in needs else "a-z0-9"
    joins = "-" + "".join(c for c in "_." if c in needs)
    return f"[{letters}]+(?:[{joins}][{letters}]+)*"


class Flow(NamedTuple):
    """Merges of one kind of source into one type of long-lived branch, as history shows."""

    source: str  # a branch type, or "(no type)", "(fork)", "(tag)", "(pull request)", "(unnamed)"
    target: str  # the type of the branch merged into
    merges: int
    allowed: bool | None  # whether the policy allows it; None: a source of no type


def observed_flows(
    policy: CompiledPolicy,
    lines: Iterable[Any],
    classify: Callable[[str], Match | None] | None = None,
) -> list[Flow]:
    """``lines``: ``repo.flows.Line`` of each long-lived branch. Syncs (a branch merged into
    itself) are not flows. ``classify``: the policy's own, or one that knows the answers
    already (``widened``)."""
    classify = classify or policy.classifier()
    counted: Counter[tuple[str, str]] = Counter()
    tag_type = policy.tags.on[0] if policy.tags is not None and policy.tags.on else None
    for line in lines:
        rule = policy.type_of(line.branch)
        if rule is None:
            continue
        target = rule.name
        for _, sources in line.merges:
            for source in sources:
                if source.kind == "branch" and source.name == line.branch:
                    continue
                counted[(_source_kind(classify, source, tag_type), target)] += 1
    out = []
    for (source, target), merges in counted.items():
        known = not source.startswith("(")
        allowed = policy.merge_allowed(source, target) if known else None
        if source == "(fork)":  # a fork's pull request goes where forks.into says
            allowed = target in policy.forks_into
        out.append(Flow(source, target, merges, allowed))
    return sorted(out, key=lambda f: (-f.merges, f.source, f.target))


def _source_kind(classify: Callable[[str], Match | None], source: Any, tag_type: str | None) -> str:
    if source.kind == "tag":
        return tag_type or "(tag)"
    if source.kind == "pull-request":
        return "(pull request)"
    if source.kind not in ("branch", "claimed"):
        return "(unnamed)"
    found = classify(source.name)
    if found is not None and found.rule is not None:
        return found.rule.name
    if found is not None:
        return "(exempt)"
    return "(fork)" if source.owner else "(no type)"


def widened(
    base: CompiledPolicy, wider: CompiledPolicy, known: dict[str, Match | None]
) -> Callable[[str], Match | None]:
    """``wider``'s classification, for a policy that only adds templates to ``base``'s
    types: a name ``base`` classified (``known``) is classified alike unless it begins with
    the literal start of an added template, so only those names are asked again."""
    added = [
        p.prefix
        for rule in wider.branches
        for p in rule.patterns
        if (old := base.rule(rule.name)) is None or p.source not in {o.source for o in old.patterns}
    ]
    if len(base.branches) != len(wider.branches) or base.exempt != wider.exempt:
        return wider.classifier()
    ask = wider.classifier()

    def classify(name: str) -> Match | None:
        if name in known and known[name] is not None and not name.startswith(tuple(added)):
            return known[name]
        return ask(name)

    return classify


class FlowFit(NamedTuple):
    into: dict[str, list[str]]  # type -> `into` after the change, for types that gain edges
    why: dict[tuple[str, ...], str]
    kept_out: list[Flow]  # flows the policy forbids that stay so: rare, or of no type


def fit_flows(policy: CompiledPolicy, flows: list[Flow], *, least: int = 3) -> FlowFit:
    """Edges for the flows the policy forbids that a team makes often: at least ``least``
    merges and a tenth of what that source type merges; the rest look like mistakes."""
    by_source: Counter[str] = Counter()
    for flow in flows:
        by_source[flow.source] += flow.merges
    into: dict[str, list[str]] = {}
    why: dict[tuple[str, ...], str] = {}
    kept_out = []
    for flow in flows:
        if flow.allowed is True:
            continue
        rule = policy.rule(flow.source)
        if rule is None:  # no type, an unnamed source, a fork where forks do not go
            kept_out.append(flow)
            continue
        share = flow.merges / by_source[flow.source]
        if flow.merges >= least and share >= 0.1:
            edges = into.setdefault(flow.source, list(rule.into))
            if flow.target not in edges:
                edges.append(flow.target)
            why[("into", flow.source)] = (
                why.get(("into", flow.source), "")
                + f"{flow.source} merged into {flow.target} {flow.merges} times "
                f"({share:.0%} of its merges)\n"
            ).rstrip("\n")
        else:
            kept_out.append(flow)
    return FlowFit(into, why, kept_out)


def fit_protection(
    policy: CompiledPolicy, lines: Iterable[Any], *, share: float = 0.25, least: int = 10
) -> tuple[dict[str, bool | str], dict[tuple[str, ...], str]]:
    """A protected long-lived type whose branches take direct commits as a habit (at least
    ``least`` of them, and ``share`` of their first-parent history) is fitted unprotected."""
    protected: dict[str, bool | str] = {}
    why: dict[tuple[str, ...], str] = {}
    for line in lines:
        rule = policy.type_of(line.branch)
        if rule is None or not rule.protection:
            continue
        if line.direct >= least and line.direct >= share * line.commits:
            protected[rule.name] = False
            why[("protected", rule.name)] = (
                f"{line.direct} of the {line.commits} commits of {line.branch}'s own history "
                "were made on it, not merged"
            )
    return protected, why
