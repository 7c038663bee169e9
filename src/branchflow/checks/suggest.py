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


def _tidy(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9./-]+", "-", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"-{2,}", "-", name)
    name = re.sub(r"/{2,}", "/", name)
    segments = [seg.strip("-.") for seg in name.strip("/").split("/")]
    return "/".join(seg for seg in segments if seg)


def _variants(name: str) -> list[str]:
    tidy = _tidy(name)
    out = [tidy, tidy.lower()]
    head, _, tail = tidy.partition("/")
    if "/" in tail:  # feature/foo/bar -> feature/foo-bar
        out.append(f"{head}/{tail.replace('/', '-')}".lower())
    return list(dict.fromkeys(v for v in out if v))


def suggest_name(policy: CompiledPolicy, name: str) -> str | None:
    prefixes = [p.prefix for rule in policy.branches for p in rule.patterns]
    scored: list[tuple[float, int, str]] = []
    order = 0
    for variant in _variants(name):
        head, slash, tail = variant.partition("/")
        rest = tail if slash else variant
        candidates = [variant]
        alias = ALIASES.get(head.lower())
        if slash and alias:
            candidates.append(f"{alias}/{tail}")
        candidates += [prefix + rest for prefix in prefixes]
        candidates += [prefix + rest[1:] for prefix in prefixes if rest[:1] in "vV" and rest[1:]]
        for candidate in candidates:
            found = policy.classify(candidate)
            if found is None or found.rule is None or candidate == name:
                continue
            # Without a prefix to compare, every type is as likely: policy order decides.
            score = difflib.SequenceMatcher(None, name.lower(), candidate.lower()).ratio()
            score = score if slash else 0.0
            if alias and candidate.startswith(f"{alias}/"):
                score += 1.0  # an alias says exactly what was meant
            scored.append((score, -order, candidate))
            order += 1
    if not scored:
        return None
    return max(scored)[2]
