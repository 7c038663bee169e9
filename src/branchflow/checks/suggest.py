"""The closest valid name to one the policy refuses.

Repairs, tried together: case, '_' or spaces for '-', doubled or stray
separators, a misspelt or abbreviated type prefix (``feat/`` for
``feature/``), a missing template literal (``release/1.2.0`` for
``release/v1.2.0``), and a missing prefix altogether. Every candidate is
checked against the policy; the one most like the original wins.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from branchflow.checks.hints import NO_REFS, RefView, free_name
from branchflow.policy.compiled import CompiledPolicy

# Prefixes people type for the conventional ones (Conventional Branch's aliases among them).
ALIASES = {
    "feat": "feature",
    "features": "feature",
    "ft": "feature",
    "fix": "bugfix",
    "bug": "bugfix",
    "bugs": "bugfix",
    "bugfixes": "bugfix",
    "hot-fix": "hotfix",
    "hotfixes": "hotfix",
    "rel": "release",
    "releases": "release",
    "chores": "chore",
    "supports": "support",
}


# Letters NFKD does not take apart into a base letter and an accent.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
    }
)


def ascii_letters(text: str) -> str:
    """Accented letters as their base letters (Größe -> Grosse, naïve -> naive)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tidy(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9./-]+", "-", ascii_letters(name))
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"-{2,}", "-", name)
    name = re.sub(r"/{2,}", "/", name)
    segments = [seg.strip("-.") for seg in name.strip("/").split("/")]
    return "/".join(seg for seg in segments if seg)


_TYPE_WORD = re.compile(r"([A-Za-z]+)[-_]+(.+)")


def tidy_variants(name: str) -> list[str]:
    tidy = _tidy(name)
    out = [tidy, tidy.lower()]
    head, _, tail = tidy.partition("/")
    if "/" in tail:  # feature/foo/bar -> feature/foo-bar
        out.append(f"{head}/{tail.replace('/', '-')}".lower())
    return list(dict.fromkeys(v for v in out if v))


def _type_worded(name: str, words: set[str]) -> str | None:
    """``hotfix-1``, ``Feature_Login``: a type's word joined by '-' or '_' instead of '/'."""
    worded = _TYPE_WORD.fullmatch(_tidy(name))
    if worded is None or "/" in name or worded.group(1).lower() not in words:
        return None
    return f"{worded.group(1)}/{worded.group(2)}".lower()


def suggest_name(policy: CompiledPolicy, name: str, refs: RefView = NO_REFS) -> str | None:
    """The closest name the policy accepts that no branch has yet; the smallest repair wins,
    then the most similar. A name whose first part names a type (``release/1.2``) is only
    ever repaired within that type (``release/v1.2.0``, never ``support/1.2``)."""
    prefixes = [(p.prefix, rule.name) for rule in policy.branches for p in rule.patterns]
    words = {p.partition("/")[0].lower() for p, _ in prefixes if "/" in p} | set(ALIASES)
    own = refs.remote_name_of(name)
    pushed_as = own is not None and own != name and refs.shown_name(own) != own
    if pushed_as and policy.type_of(own or "") is not None:
        return own  # a pushed branch renamed badly: its name back, where it is pushed
    worded = _type_worded(name, words)
    if worded is not None:
        if policy.type_of(worded) is not None:
            return free_name(worded, refs, own=own)
        name = worded
    # (tier, order, candidate, its type, whether the variant had a prefix to compare)
    found_all: list[tuple[int, int, str, str, bool]] = []
    for variant in tidy_variants(name):
        head, slash, rest = variant.partition("/")
        if not slash:
            rest = variant
        alias = ALIASES.get(head.lower()) if slash else None
        # (tier, candidate): 0 tidied only, 1 an alias prefix, 2 a template's prefix
        candidates = [(0, variant)]
        candidates += [(1, f"{alias}/{rest}")] if alias else []
        for body in _bodies(rest):
            candidates += [(2, prefix + body) for prefix, _ in prefixes]
            candidates += [(2, prefix + body[1:]) for prefix, _ in prefixes if body[:1] in "vV"]
        for tier, wanted in candidates:
            # Taken: the same name numbered, never a name of another type.
            candidate = free_name(wanted, refs, own=own)
            rule = policy.type_of(candidate)
            if rule is None or candidate == name:
                continue
            found_all.append((tier, len(found_all), candidate, rule.name, bool(slash)))
    named = _named_type(policy, name)
    if named is not None and any(entry[3] == named for entry in found_all):
        found_all = [entry for entry in found_all if entry[3] == named]
    if not found_all:
        return None
    # The smallest repair wins; among those, the most alike (compared only there: the
    # comparison is the costly part), then the first found. Without a prefix to compare,
    # every type is as likely: policy order decides.
    tier = min(entry[0] for entry in found_all)
    seen: dict[tuple[str, str], float] = {}

    def rank(entry: tuple[int, int, str, str, bool]) -> tuple[float, int]:
        _, order, candidate, _, prefixed = entry
        # Names differ in their first part: comparing that much keeps a long name's cost
        # flat (SequenceMatcher is quadratic in length).
        alike = _likeness(name.lower()[:_COMPARED], candidate.lower()[:_COMPARED], seen)
        return (alike if prefixed else 0.0, -order)

    return max((entry for entry in found_all if entry[0] == tier), key=rank)[2]


_COMPARED = 24


def _likeness(a: str, b: str, seen: dict[tuple[str, str], float]) -> float:
    """How alike two names are (0..1); ``seen`` keeps the pairs one suggestion compared."""
    if (a, b) not in seen:
        seen[a, b] = difflib.SequenceMatcher(None, a, b).ratio()
    return seen[a, b]


_PARTIAL_VERSION = re.compile(r"[vV]?\d+(?:\.\d+)?")


def _bodies(rest: str) -> list[str]:
    """The part after a prefix as given, and a partial version completed (1.2 -> 1.2.0)."""
    out = [rest]
    if _PARTIAL_VERSION.fullmatch(rest):
        dots = rest.count(".")
        out.append(rest + ".0" * (2 - dots))
    return out


def _named_type(policy: CompiledPolicy, name: str) -> str | None:
    """The type whose prefix's first part the name starts with (``release/...``), if any."""
    head, slash, _ = name.partition("/")
    if not slash:
        return None
    head = ALIASES.get(head.lower(), head.lower())
    for rule in policy.branches:
        for pattern in rule.patterns:
            first, has_slash, _ = pattern.prefix.partition("/")
            if has_slash and first.lower() == head:
                return rule.name
    return None
