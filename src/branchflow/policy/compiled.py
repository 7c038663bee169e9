"""The validated policy in the plain form every check and hook works from.

A ``CompiledPolicy`` holds nothing but strings, tuples and booleans, so it can
be cached with ``marshal`` and used without importing pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from branchflow.policy.classify import Match, own_classifier
from branchflow.policy.patterns import compile_pattern
from branchflow.policy.ref_regex import ref_format_ok

Protection = str  # "" (not protected), "merges" or "pull-request"


class NamePattern(NamedTuple):
    source: str  # the template as written, or "regex: ..." for a raw regex
    regex: str
    prefix: str  # literal text every match begins with ("" when unknown)
    example: str | None


class BranchRule(NamedTuple):
    name: str
    patterns: tuple[NamePattern, ...]
    description: str
    examples: tuple[str, ...]
    from_: tuple[str, ...]
    into: tuple[str, ...]
    protection: Protection
    long_lived: bool
    rules: tuple[tuple[str, str], ...]  # rule id -> severity, for this type only
    documented_in: tuple[str, ...]  # globs a branch must change before it merges
    merge_methods: tuple[str, ...] = ("merge",)  # how pull requests may land: merge, squash, rebase

    @property
    def example(self) -> str | None:
        """A name of this type to show: the policy's first example, else one from a template."""
        return self.examples[0] if self.examples else self.generated_example

    @property
    def generated_example(self) -> str | None:
        """A neutral name of this type (feature/my-change), for commands in hints."""
        for pattern in self.patterns:
            if pattern.example:
                return pattern.example
        return self.examples[0] if self.examples else None


class TagPolicy(NamedTuple):
    patterns: tuple[NamePattern, ...]
    description: str
    examples: tuple[str, ...]
    on: tuple[str, ...]


class _PolicyFields(NamedTuple):
    label: str  # where the policy came from, for messages ("gitflow preset", ".branchflow.yaml")
    branches: tuple[BranchRule, ...]
    exempt: tuple[tuple[str, str], ...]  # (glob as written, regex)
    tags: TagPolicy | None
    rules: tuple[tuple[str, str], ...]  # rule id -> severity, policy-wide
    stale_after_days: int
    forks_into: tuple[str, ...] = ()  # types a pull request from a fork may be merged into


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _patterns(data: tuple[Any, ...]) -> tuple[NamePattern, ...]:
    return tuple(NamePattern(*p) for p in data)


class CompiledPolicy(_PolicyFields):
    """The policy's fields (a plain tuple, for ``marshal`` and equality), and its own
    classifier, made on first use and kept with it: a policy made by ``_replace`` is a new
    policy, with a classifier of its own."""

    def rule(self, type_name: str) -> BranchRule | None:
        for rule in self.branches:
            if rule.name == type_name:
                return rule
        return None

    def classify(self, name: str) -> Match | None:
        """The first branch type whose pattern matches ``name``, or the exempt glob; else None.

        A name git itself would refuse never matches. Answers are remembered per policy
        (an audit classifies tens of thousands of names, many of them again and again).
        """
        return own_classifier(self).classify(name)

    def type_of(self, name: str) -> BranchRule | None:
        """The branch type of ``name``: None for a name of no type, and for an exempt one."""
        found = own_classifier(self).classify(name)
        return found.rule if found is not None else None

    @property
    def names_pusher(self) -> bool:
        """Whether a branch type's names hold ``{pusher}``: pushes then need who pushes."""
        return any("{pusher}" in p.source for rule in self.branches for p in rule.patterns)

    def classifier(self) -> Callable[[str], Match | None]:
        """``classify`` itself, for loops that call it tens of thousands of times."""
        return own_classifier(self).classify

    def classify_tag(self, name: str) -> tuple[NamePattern, dict[str, str]] | None:
        """The tag pattern ``name`` matches (and its placeholder values), or None."""
        if self.tags is None or not ref_format_ok(name):
            return None
        return match_patterns(self.tags.patterns, name)

    def merge_allowed(self, source_type: str, target_type: str) -> bool:
        """Whether code may flow from a branch of ``source_type`` into one of ``target_type``.

        Allowed: an ``into`` edge of the source, or syncing a branch with its own ``from``
        parent (develop into a feature, main into develop after a release).
        """
        merges = own_classifier(self).merges
        key = (source_type, target_type)
        found = merges.get(key)
        if found is None:
            source = self.rule(source_type)
            target = self.rule(target_type)
            found = merges[key] = (
                source is not None
                and target is not None
                and (target_type in source.into or source_type in target.from_)
            )
        return found

    def merge_sources(self, target_type: str) -> tuple[str, ...]:
        """The branch types that may be merged into ``target_type``, in policy order."""
        return tuple(r.name for r in self.branches if self.merge_allowed(r.name, target_type))

    def to_data(self) -> tuple[Any, ...]:
        """Nested plain tuples, for ``marshal``."""
        return _plain(self)  # type: ignore[no-any-return]

    @classmethod
    def from_data(cls, data: tuple[Any, ...]) -> CompiledPolicy:
        label, branches, exempt, tags, rules, stale_after_days, forks_into = data
        return cls(
            label,
            tuple(
                BranchRule(name, _patterns(patterns), *rest) for name, patterns, *rest in branches
            ),
            exempt,
            None if tags is None else TagPolicy(_patterns(tags[0]), *tags[1:]),
            rules,
            stale_after_days,
            forks_into,
        )

    @classmethod
    def from_cache(cls, data: tuple[Any, ...]) -> CompiledPolicy | None:
        """``from_data`` for what a cache entry holds: None when it is not a policy's data
        (an entry of another shape is a miss, never an error)."""
        try:
            policy = cls.from_data(data)
            for rule in policy.branches:
                for pattern in rule.patterns:
                    if not (isinstance(pattern.regex, str) and isinstance(pattern.prefix, str)):
                        return None
        except (TypeError, ValueError, AttributeError, IndexError, KeyError):
            return None  # any entry that does not unpack is a miss
        return policy

    def severity(self, rule_id: str, type_name: str | None, default: str) -> str:
        """A rule's severity: the type's setting, else the policy's, else the default."""
        rule = self.rule(type_name) if type_name else None
        for settings in (rule.rules if rule else (), self.rules):
            for key, value in settings:
                if key == rule_id:
                    return value
        return default


def match_patterns(
    patterns: tuple[NamePattern, ...], name: str
) -> tuple[NamePattern, dict[str, str]] | None:
    """The first pattern that matches the whole of ``name``, with its placeholder values."""
    for pattern in patterns:
        if not name.startswith(pattern.prefix):
            continue  # cheaper than compiling a regex that cannot match
        found = compile_pattern(pattern.regex).fullmatch(name)
        if found:
            return pattern, {k: v for k, v in found.groupdict().items() if v is not None}
    return None


def glob_to_regex(glob: str) -> str:
    """``**`` spans path segments, ``*`` and ``?`` stay within one (unlike fnmatch)."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)
