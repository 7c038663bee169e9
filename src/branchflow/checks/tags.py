"""Tags: BF501 tag-name, BF502 tag-version, BF503 tag-branch."""

from __future__ import annotations

import re

from branchflow.checks.hints import NO_REFS, RefView, git, hint, words
from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import CompiledPolicy

VERSION_KEYS = ("semver", "version")


def version_of(groups: dict[str, str]) -> str | None:
    """The version a name carries: its {semver} or {version} placeholder value."""
    return next((groups[k] for k in VERSION_KEYS if k in groups), None)


def check_tag(
    policy: CompiledPolicy,
    tag: str,
    commit: str,
    *,
    on_types: set[str],
    releases: list[str],
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """``on_types``: types of the branches that contain the tagged commit; ``releases``: the
    branches the commit is the tip or the merge of, whose names carry a version."""
    tags = policy.tags
    if tags is None:
        return []
    found = policy.classify_tag(tag)
    if found is None:
        forms = " | ".join(p.source for p in tags.patterns)
        wanted = _digits(tag) or next(filter(None, (_version(policy, r) for r in releases)), None)
        better = suggest_tag(policy, wanted, refs) if wanted else None
        retag = (
            hint(git("tag", better, commit[:12]), git("tag", "-d", tag))
            if better
            else words(f"tag {commit[:12]} with a name of the form {forms}, and delete {tag}")
        )
        return [
            violation(
                "BF501",
                tag,
                f"the tag matches no tag template of {policy.label} ({forms})",
                hint=retag,
            )
        ]
    out = []
    tag_version = version_of(found[1])
    for release in releases:
        release_version = _version(policy, release)
        if tag_version and release_version and not in_line(tag_version, release_version):
            expected = suggest_tag(policy, release_version, refs)
            out.append(
                violation(
                    "BF502",
                    tag,
                    f"the tag's version {tag_version} differs from {release}'s {release_version}",
                    hint=hint(git("tag", "-d", tag), git("tag", expected, commit[:12]))
                    if expected
                    else words(f"tag {commit[:12]} with version {release_version} instead"),
                )
            )
    if tags.on and not on_types & set(tags.on):
        where = ", ".join(tags.on)
        on = next(filter(None, (refs.branch_of_type(t) for t in tags.on)), tags.on[0])
        out.append(
            violation(
                "BF503",
                tag,
                f"the tag points at {commit[:12]}, which is on no {where} branch; tags mark "
                f"commits of {where}",
                hint=hint(git("tag", "-d", tag), git("tag", tag, on)),
            )
        )
    return out


def in_line(tag_version: str, branch_version: str) -> bool:
    """Whether a tag's version is the branch's: the same, or one of the release line a
    branch names with fewer parts or an ``x`` (release/1.4 holds v1.4.2, support/1.x v1.3.0)."""
    if tag_version == branch_version:
        return True
    line = branch_version.split(".")
    parts = re.split(r"[-+]", tag_version, maxsplit=1)[0].split(".")
    wild = [p.lower() in ("x", "*") for p in line]
    if len(line) >= len(parts) and not any(wild):
        return False
    return len(line) <= len(parts) and all(
        w or a == b for w, a, b in zip(wild, line, parts, strict=False)
    )


def _version(policy: CompiledPolicy, branch: str) -> str | None:
    match = policy.classify(branch)
    return version_of(match.groups) if match is not None else None


_DIGITS = re.compile(r"\d+(?:\.\d+)*(?:-[0-9A-Za-z.]+)?")


def _digits(tag: str) -> str | None:
    """The version a tag that breaks the template still carries (release-1.2 -> 1.2)."""
    found = _DIGITS.search(tag)
    return found.group(0) if found else None


def suggest_tag(policy: CompiledPolicy, version: str, refs: RefView = NO_REFS) -> str | None:
    """A tag of the policy's form for ``version`` (completed to three parts when the form
    asks for it) that does not exist yet; if it does, the next patch version that is free."""
    tags = policy.tags
    if tags is None:
        return None
    parts = version.split("-", 1)[0].split(".")
    while len(parts) < 3 and all(p.isdigit() for p in parts):
        parts.append("0")
    for candidate in _tag_forms(policy, version) + _tag_forms(policy, ".".join(parts)):
        if refs.has_tag(candidate):
            if all(p.isdigit() for p in parts):
                bumped = [*parts[:-1], str(int(parts[-1]) + 1)]
                return suggest_tag(policy, ".".join(bumped), refs)
            continue
        return candidate
    return None


def _tag_forms(policy: CompiledPolicy, version: str) -> list[str]:
    assert policy.tags is not None
    out = []
    for pattern in policy.tags.patterns:
        candidate = pattern.prefix + version
        if policy.classify_tag(candidate) is not None:
            out.append(candidate)
    return out
