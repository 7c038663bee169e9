"""How a name is classified: the policy's patterns compiled once, grouped by the first
character a name needs to match them, each regex compiled when a name first needs it; the
answers and merge verdicts remembered. Each policy owns its classifier (``own_classifier``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from branchflow.policy.patterns import PatternError, compile_pattern
from branchflow.policy.ref_regex import ref_format_ok

TYPE_CHECKING = False
if TYPE_CHECKING:
    from branchflow.policy.compiled import BranchRule, CompiledPolicy, NamePattern


class Match:
    """How a name was classified: by a branch type and one of its patterns, or as exempt.

    The placeholder values (``groups``) are read from the regex match only when asked.
    """

    __slots__ = ("_found", "_groups", "exempt_glob", "pattern", "rule")

    def __init__(
        self,
        rule: BranchRule | None,
        pattern: NamePattern | None,
        exempt_glob: str | None,
        found: Any = None,  # the regex match (re or RE2)
    ) -> None:
        self.rule = rule
        self.pattern = pattern
        self.exempt_glob = exempt_glob
        self._found = found
        self._groups: dict[str, str] | None = None

    @property
    def groups(self) -> dict[str, str]:
        if self._groups is None:
            found = self._found
            self._groups = (
                {k: v for k, v in found.groupdict().items() if v is not None} if found else {}
            )
        return self._groups

    def values_of(self, placeholder: str) -> set[str]:
        """What the name holds for ``placeholder`` (each time the template uses it)."""
        return {
            v
            for k, v in self.groups.items()
            if k == placeholder
            or (k.startswith(f"{placeholder}_") and k[len(placeholder) + 1 :].isdigit())
        }

    def replaced(self, placeholder: str, value: str) -> str:
        """The name with each part ``placeholder`` matched spelled ``value`` instead."""
        found = self._found
        if found is None:
            return ""
        name: str = found.string
        index = found.re.groupindex  # RE2's matches take group numbers only
        spans = sorted(
            found.span(index[k])
            for k, v in found.groupdict().items()
            if v is not None and _group_of(k, placeholder)
        )
        for start, end in reversed(spans):
            name = name[:start] + value + name[end:]
        return name

    def describe(self) -> str:
        if self.rule is None or self.pattern is None:
            return f"exempt by {self.exempt_glob!r}"
        return f"{self.rule.name} (pattern {self.pattern.source!r})"


def _group_of(group: str, placeholder: str) -> bool:
    """Whether a regex group holds ``placeholder``: its first use, or a later one
    (``pusher_2``: see ``template``)."""
    if group == placeholder:
        return True
    head, _, count = group.rpartition("_")
    return head == placeholder and count.isdigit()


class Classifier:
    """A policy's patterns compiled once, and sorted by the first character a name needs
    to match them, so a name is tried only against the patterns it could match (in policy
    order); answers and merge verdicts are remembered."""

    MEMO_LIMIT = 200_000

    def __init__(self, policy: CompiledPolicy) -> None:
        self.policy = policy
        # Each regex is compiled when a name first needs it (compile_pattern remembers):
        # a hook judging one name compiles the patterns of its first character only.
        exempt = [(_literal_prefix(g), regex, g) for g, regex in policy.exempt]
        patterns = [
            (pattern.prefix, pattern.regex, rule, pattern)
            for rule in policy.branches
            for pattern in rule.patterns
        ]
        self.exempt = _by_first_char(exempt)
        self.patterns = _by_first_char(patterns)
        self.memo: dict[str, Match | None] = {}
        self.merges: dict[tuple[str, str], bool] = {}
        self._any_exempt: dict[str, Any] = {}

    GROUPED = 8  # exempt globs a name may need: beyond, one regex of them all tells first

    def _maybe_exempt(self, group: str, name: str) -> bool:
        """Whether an exempt glob of ``group`` could match ``name``: for many globs (a policy
        may list a thousand), one regex of them all answers before each is tried, so each
        name costs one match, not one per glob."""
        entries = self.exempt[group]
        if len(entries) <= self.GROUPED:
            return True
        combined = self._any_exempt.get(group, False)
        if combined is False:
            try:
                combined = compile_pattern("|".join(f"(?:{regex})" for _, regex, _ in entries))
            except PatternError:  # too large for RE2: each glob is tried, as before
                combined = None
            self._any_exempt[group] = combined
        return combined is None or combined.fullmatch(name) is not None

    def classify(self, name: str) -> Match | None:
        memo = self.memo
        if name in memo:
            return memo[name]
        if len(memo) >= self.MEMO_LIMIT:
            memo.clear()
        first = name[:1]
        exempt = self.exempt.get(first) or self.exempt[""]
        if exempt and self._maybe_exempt(first if first in self.exempt else "", name):
            for prefix, regex, glob in exempt:
                if name.startswith(prefix) and compile_pattern(regex).fullmatch(name):
                    found = memo[name] = Match(None, None, glob)
                    return found
        if not ref_format_ok(name):
            memo[name] = None
            return None
        for prefix, regex, rule, pattern in self.patterns.get(first) or self.patterns[""]:
            if name.startswith(prefix):
                matched = compile_pattern(regex).fullmatch(name)
                if matched:
                    found = memo[name] = Match(rule, pattern, None, matched)
                    return found
        memo[name] = None
        return None


_Entry = TypeVar("_Entry", bound=tuple[Any, ...])


def _by_first_char(entries: list[_Entry]) -> dict[str, list[_Entry]]:
    """Entries (literal prefix first) grouped by the first character a name must have to
    match them; "" holds those any name may match. Each group keeps the original order."""
    chars = {entry[0][:1] for entry in entries if entry[0]}
    groups = {char: [e for e in entries if not e[0] or e[0][:1] == char] for char in chars}
    groups[""] = [e for e in entries if not e[0]]
    return groups


def own_classifier(policy: CompiledPolicy) -> Classifier:
    """The policy's classifier, made on first use."""
    found: Classifier | None = policy.__dict__.get("_own_classifier")
    if found is None:
        found = policy.__dict__["_own_classifier"] = Classifier(policy)
    return found


_PREFIXES: dict[str, str] = {}


def _literal_prefix(glob: str) -> str:
    """The text before a glob's first wildcard: names without it cannot match."""
    found = _PREFIXES.get(glob)
    if found is None:
        cut = min((glob.find(c) for c in "*?" if c in glob), default=len(glob))
        found = _PREFIXES[glob] = glob[:cut]
    return found
