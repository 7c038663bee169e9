"""The policy file as a pydantic model: a flow graph of branch types.

Nodes are branch types with name templates; ``from`` edges say where a branch of
a type may be created from, ``into`` edges where it may be merged. Everything
cross-field (edges naming types, templates, examples) is checked here, and
``to_compiled`` turns the validated model into the plain ``CompiledPolicy``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from branchflow.policy.compiled import (
    BranchRule,
    CompiledPolicy,
    NamePattern,
    TagPolicy,
    glob_to_regex,
)
from branchflow.policy.patterns import problem
from branchflow.policy.refname import ref_format_problem
from branchflow.policy.rules import RULES, find_rule
from branchflow.policy.template import (
    BUILTIN_PLACEHOLDERS,
    PLACEHOLDER_NAME,
    Placeholder,
    TemplateError,
    compile_template,
)
from branchflow.report import did_you_mean

TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


def _regex_compiles(value: str) -> str:
    found = problem(value)
    if found:
        raise ValueError(f"the regex {value!r} {found}")
    return value


Regex = Annotated[str, AfterValidator(_regex_compiles)]


class RawRegex(StrictModel):
    """The escape hatch: a regular expression the whole name must match."""

    regex: Annotated[
        Regex, Field(description="A Python regular expression; the whole name must match it.")
    ]
    example: Annotated[
        str | None, Field(description="A name this regex accepts, shown in messages.")
    ] = None


PatternSpec = Annotated[
    str | RawRegex,
    Field(
        description="A name template such as 'feature/{slug}' ('{name}' is a placeholder, "
        "'[...]' an optional part), or {regex: ...} for a raw regular expression."
    ),
]


class PlaceholderSpec(StrictModel):
    regex: Annotated[
        Regex, Field(description="The regular expression this placeholder stands for.")
    ]
    example: Annotated[str, Field(description="A value it accepts, used in examples.")] = ""
    description: Annotated[str, Field(description="What the placeholder means.")] = ""


Protected = Literal[False, True, "merges", "pull-request"]
Severity = Literal["error", "warn", "off"]
MergeMethod = Literal["merge", "squash", "rebase"]


class BranchType(StrictModel):
    """A node of the flow graph: one kind of branch."""

    pattern: Annotated[
        PatternSpec | list[PatternSpec],
        Field(description="The name template, or a list of them; the first that matches counts."),
    ]
    description: Annotated[str, Field(description="What branches of this type are for.")] = ""
    examples: Annotated[
        list[str],
        Field(description="Names that must be of this type; checked when the policy loads."),
    ] = []
    from_: Annotated[
        list[str],
        Field(
            alias="from",
            description="Types a branch of this type may be created from. Empty: not checked.",
        ),
    ] = []
    into: Annotated[
        list[str], Field(description="Types a branch of this type may be merged into.")
    ] = []
    protected: Annotated[
        Protected,
        Field(
            description="No direct commits. true or 'merges': only merges of allowed sources "
            "land; 'pull-request': changes arrive only through the server's pull requests."
        ),
    ] = False
    long_lived: Annotated[
        bool, Field(description="A permanent branch (main, develop), never deleted.")
    ] = False
    merge_methods: Annotated[
        list[MergeMethod] | None,
        Field(
            description="How pull requests may land on a protected branch of this type: "
            "'merge' (a merge commit), 'squash' (one commit, as GitHub's and GitLab's squash "
            "merges write it), 'rebase' (the commits replayed by the platform). Default: all "
            "three for 'pull-request' branches, 'merge' for the others."
        ),
    ] = None
    documented_in: Annotated[
        list[str],
        Field(
            description="Globs of files (experiments/**, docs/**) a branch of this type must "
            "change before it is merged or pushed (rule BF601 experiment-docs)."
        ),
    ] = []
    rules: Annotated[
        dict[str, Severity],
        Field(description="Rule id or name -> error, warn or off, for branches of this type."),
    ] = {}

    def pattern_list(self) -> list[str | RawRegex]:
        return list(self.pattern) if isinstance(self.pattern, list) else [self.pattern]


class TagRule(StrictModel):
    """How release tags are named, and where they may point."""

    pattern: Annotated[
        PatternSpec | list[PatternSpec], Field(description="The tag name template(s).")
    ]
    description: Annotated[str, Field(description="What the tags mark.")] = ""
    examples: Annotated[list[str], Field(description="Tag names that must be accepted.")] = []
    on: Annotated[
        list[str],
        Field(description="Branch types whose commits may be tagged. Empty: any."),
    ] = []

    def pattern_list(self) -> list[str | RawRegex]:
        return list(self.pattern) if isinstance(self.pattern, list) else [self.pattern]


class ForkRule(StrictModel):
    """Pull requests from forks: branches of other owners, named as they please."""

    into: Annotated[
        list[str],
        Field(
            description="Types a pull request from a fork may be merged into. Default: where "
            "the policy's first short-lived type (feature) may be merged."
        ),
    ]


class FlowPolicy(StrictModel):
    """A branching model: branch types, the edges between them, and what is exempt."""

    extends: Annotated[
        str | None,
        Field(description="A preset name (gitflow, ml-team, ...) or a path this file overrides."),
    ] = None
    placeholders: Annotated[
        dict[str, Regex | PlaceholderSpec],
        Field(description="Placeholders for templates, name -> regex (or {regex, example})."),
    ] = {}
    branches: Annotated[
        dict[str, BranchType | None],
        Field(
            description="Branch types in matching order; the first type a name matches is "
            "its type. null removes a type inherited from 'extends'."
        ),
    ] = {}
    exempt: Annotated[
        list[str],
        Field(
            description="Globs of names never checked ('**' spans '/', '*' does not), "
            "e.g. dependabot/**."
        ),
    ] = []
    tags: Annotated[TagRule | None, Field(description="The tag naming rule.")] = None
    forks: Annotated[
        ForkRule | None,
        Field(description="Where pull requests from forks (other owners' branches) may go."),
    ] = None
    rules: Annotated[
        dict[str, Severity],
        Field(description="Rule id (BF201) or name (protected-commit) -> error, warn or off."),
    ] = {}
    stale_after_days: Annotated[
        int,
        Field(
            ge=0,
            description="Days without a commit after which `branchflow audit` calls a topic "
            "branch stale (rule BF701); 0 turns it off.",
        ),
    ] = 90

    @model_validator(mode="after")
    def _flow_graph(self) -> FlowPolicy:
        problems = _graph_problems(self)
        if not problems:  # examples can only be checked once every template compiles
            problems = _example_problems(self)
        if problems:
            raise PydanticCustomError(
                "flow_graph",
                "{summary}",
                {"summary": problems[0][1], "problems": problems},
            )
        return self

    def placeholder_table(self) -> dict[str, Placeholder]:
        table = dict(BUILTIN_PLACEHOLDERS)
        for name, spec in self.placeholders.items():
            if isinstance(spec, str):
                table[name] = Placeholder(spec, "", "")
            else:
                table[name] = Placeholder(spec.regex, spec.example, spec.description)
        return table

    def types(self) -> dict[str, BranchType]:
        return {name: t for name, t in self.branches.items() if t is not None}

    def to_compiled(self, label: str) -> CompiledPolicy:
        table = self.placeholder_table()
        rules = tuple(
            BranchRule(
                name,
                _compile_patterns(t.pattern_list(), table),
                t.description,
                tuple(t.examples),
                tuple(t.from_),
                tuple(t.into),
                _protection(t.protected),
                t.long_lived,
                _rule_settings(t.rules),
                tuple(t.documented_in),
                _merge_methods(t),
            )
            for name, t in self.types().items()
        )
        tags = None
        if self.tags is not None:
            tags = TagPolicy(
                _compile_patterns(self.tags.pattern_list(), table),
                self.tags.description,
                tuple(self.tags.examples),
                tuple(self.tags.on),
            )
        exempt = tuple((glob, glob_to_regex(glob)) for glob in self.exempt)
        forks = tuple(self.forks.into) if self.forks is not None else _fork_targets(rules)
        return CompiledPolicy(
            label, rules, exempt, tags, _rule_settings(self.rules), self.stale_after_days, forks
        )


Problem = tuple[tuple[str | int, ...], str]


def _merge_methods(branch: BranchType) -> tuple[str, ...]:
    if branch.merge_methods is not None:
        return tuple(dict.fromkeys(branch.merge_methods))
    if branch.protected == "pull-request":
        return ("merge", "squash", "rebase")
    return ("merge",)


def _fork_targets(rules: tuple[BranchRule, ...]) -> tuple[str, ...]:
    """Where the first short-lived type goes (feature: develop); without one, the
    long-lived branches that are not protected (solo's dev)."""
    for rule in rules:
        if not rule.long_lived and rule.into:
            return rule.into
    return tuple(r.name for r in rules if r.long_lived and not r.protection)


def _rule_settings(settings: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    found = ((find_rule(key), value) for key, value in settings.items())
    return tuple((rule.id, value) for rule, value in found if rule is not None)


def _rule_problems(loc: tuple[str | int, ...], settings: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    known = [r.id for r in RULES.values()] + [r.name for r in RULES.values()]
    for key in settings:
        rule = find_rule(key)
        if rule is None:
            problems.append(((*loc, key), f"no rule is called {key!r}{did_you_mean(key, known)}"))
        elif loc[0] == "branches" and not rule.per_type:
            problems.append(
                (
                    (*loc, key),
                    f"{rule.id} {rule.name} applies to the whole policy; set it in "
                    "the top-level 'rules:'",
                )
            )
    return problems


def _protection(value: Protected) -> str:
    if value is True:
        return "merges"
    return value or ""


def _compile_patterns(
    specs: list[str | RawRegex], table: dict[str, Placeholder]
) -> tuple[NamePattern, ...]:
    out = []
    for spec in specs:
        if isinstance(spec, RawRegex):
            out.append(NamePattern(f"regex: {spec.regex}", spec.regex, "", spec.example))
        else:
            compiled = compile_template(spec, table)
            out.append(NamePattern(spec, compiled.regex, compiled.prefix, compiled.example))
    return tuple(out)


def _graph_problems(policy: FlowPolicy) -> list[Problem]:
    problems: list[Problem] = []
    types = policy.types()
    names = list(types)
    if not types:
        problems.append((("branches",), "the policy defines no branch types"))
    for name in policy.placeholders:
        if not PLACEHOLDER_NAME.fullmatch(name):
            problems.append(
                (
                    ("placeholders", name),
                    f"{name!r} is not a placeholder name (letters, digits, '_')",
                )
            )
    problems += _rule_problems(("rules",), policy.rules)
    problems += _exempt_problems(policy)
    table = policy.placeholder_table()
    for name, branch in types.items():
        problems += _rule_problems(("branches", name, "rules"), branch.rules)
        if not TYPE_NAME.fullmatch(name):
            problems.append(
                (
                    ("branches", name),
                    f"{name!r} is not a type name (a letter, then letters, digits, '-' or '_')",
                )
            )
        landed = [m for m in branch.merge_methods or () if m != "merge"]
        if landed and branch.protected != "pull-request":
            problems.append(
                (
                    ("branches", name, "merge_methods"),
                    f"{' and '.join(landed)} merges leave commits a push could forge, so only a "
                    "branch that takes no pushes may take them: set protected: pull-request "
                    "(the platform merges), or keep merge_methods: [merge]",
                )
            )
        for field, edges in (("from", branch.from_), ("into", branch.into)):
            for i, target in enumerate(edges):
                if target not in types:
                    problems.append(
                        (
                            ("branches", name, field, i),
                            f"no branch type is named {target!r}{did_you_mean(target, names)} "
                            f"(types: {', '.join(names)})",
                        )
                    )
        if not branch.pattern_list():
            problems.append((("branches", name, "pattern"), "give at least one pattern"))
        for i, spec in enumerate(branch.pattern_list()):
            if spec == "":
                problems.append((("branches", name, "pattern"), "an empty pattern names nothing"))
            elif isinstance(spec, str):
                loc: tuple[str | int, ...] = ("branches", name, "pattern")
                if isinstance(branch.pattern, list):
                    loc += (i,)
                found = _template_problem(spec, table)
                if found:
                    problems.append((loc, found))
    if policy.forks is not None:
        for i, target in enumerate(policy.forks.into):
            if target not in types:
                problems.append(
                    (
                        ("forks", "into", i),
                        f"no branch type is named {target!r}{did_you_mean(target, names)}",
                    )
                )
    if policy.tags is not None:
        for i, target in enumerate(policy.tags.on):
            if target not in types:
                problems.append(
                    (
                        ("tags", "on", i),
                        f"no branch type is named {target!r}{did_you_mean(target, names)}",
                    )
                )
        if not policy.tags.pattern_list():
            problems.append((("tags", "pattern"), "give at least one pattern"))
        for spec in policy.tags.pattern_list():
            if isinstance(spec, str):
                found = _template_problem(spec, table)
                if found:
                    problems.append((("tags", "pattern"), found))
    return problems


def _template_problem(spec: str, table: dict[str, Placeholder]) -> str | None:
    """Why a template cannot be used: it does not parse, or the regex it makes (with its
    placeholders' regexes inside) is not one RE2 runs."""
    try:
        compiled = compile_template(spec, table)
    except TemplateError as exc:
        return str(exc)
    found = problem(compiled.regex)
    return f"the regex of template {spec!r} {found}" if found else None


def _exempt_problems(policy: FlowPolicy) -> list[Problem]:
    problems: list[Problem] = []
    for i, glob in enumerate(policy.exempt):
        if any(c < " " or c == "\x7f" for c in glob):
            problems.append((("exempt", i), f"{glob!r} holds a control character: no name can"))
            continue
        found = problem(glob_to_regex(glob))
        if found:
            problems.append((("exempt", i), f"the regex of glob {glob!r} {found}"))
    return problems


def _example_problems(policy: FlowPolicy) -> list[Problem]:
    problems: list[Problem] = []
    compiled = policy.to_compiled("")
    for rule in compiled.branches:
        for i, example in enumerate(rule.examples):
            loc: tuple[str | int, ...] = ("branches", rule.name, "examples", i)
            bad_ref = ref_format_problem(example)
            if bad_ref:
                problems.append((loc, f"example {example!r} is not a valid branch name: {bad_ref}"))
                continue
            found = compiled.classify(example)
            if found is not None and found.rule is not None and found.rule.name == rule.name:
                continue
            if found is not None and found.rule is not None:
                why = f"the earlier type {found.rule.name!r} captures it first"
                why += f" (pattern {found.pattern.source!r})" if found.pattern else ""
                why += "; reorder the types or narrow that pattern"
            elif found is not None:
                why = f"it is exempt (glob {found.exempt_glob!r})"
            else:
                sources = ", ".join(repr(p.source) for p in rule.patterns)
                why = f"it matches none of the type's patterns ({sources})"
            problems.append((loc, f"example {example!r} is not a {rule.name!r} branch: {why}"))
    if compiled.tags is not None:
        for i, example in enumerate(compiled.tags.examples):
            if compiled.classify_tag(example) is None:
                problems.append(
                    (("tags", "examples", i), f"example {example!r} matches no tag pattern")
                )
    return problems
