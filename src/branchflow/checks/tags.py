"""Tags: BF501 tag-name, BF502 tag-version, BF503 tag-branch."""

from __future__ import annotations

import shlex

from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import CompiledPolicy, Match

VERSION_KEYS = ("semver", "version")


def version_of(groups: dict[str, str]) -> str | None:
    """The version a name carries: its {semver} or {version} placeholder value."""
    return next((groups[k] for k in VERSION_KEYS if k in groups), None)


def _version_parts(version: str) -> tuple[list[str], str]:
    """The dotted core and the pre-release of a version; a leading v and build metadata
    (``+build.5``, which SemVer ignores when comparing) are not part of it."""
    core, _, pre = version.lstrip("vV").partition("+")[0].partition("-")
    return core.split("."), pre


def _same_part(line: str, part: str) -> bool:
    if line in ("x", "X", "*") or line == part:
        return True
    return line.isdigit() and part.isdigit() and int(line) == int(part)


def is_line(version: str) -> bool:
    """Whether a branch's version names a line of releases (1.x), not one release."""
    return any(p in ("x", "X", "*") for p in _version_parts(version)[0])


def version_matches(tag_version: str, branch_version: str, *, line: bool = False) -> bool:
    """Whether a tag's version is the branch's version, compared as versions (1.2.0 is
    v1.2.0 is 1.2.0+build.5). With ``line`` (a branch of a release line: release/1.4,
    support/1.x), any version the line's parts begin is the branch's: 1.4.2, 1.9.0."""
    tag_core, tag_pre = _version_parts(tag_version)
    branch_core, branch_pre = _version_parts(branch_version)
    if line and not branch_pre:
        if len(branch_core) > len(tag_core):
            return False
    elif len(branch_core) != len(tag_core) or branch_pre != tag_pre:
        return False
    return all(_same_part(b, t) for b, t in zip(branch_core, tag_core, strict=False))


def check_tag(
    policy: CompiledPolicy,
    tag: str,
    commit: str,
    *,
    on_types: set[str],
    releases: list[str],
) -> list[Violation]:
    """``on_types``: types of the branches that contain the tagged commit; ``releases``: the
    branches the commit is the tip or the merge of, whose names carry a version."""
    tags = policy.tags
    if tags is None:
        return []
    found = policy.classify_tag(tag)
    retag = f"git tag -d {shlex.quote(tag)} && git tag <name> {commit[:12]}"
    if found is None:
        forms = " | ".join(p.source for p in tags.patterns)
        example = next((p.example for p in tags.patterns if p.example), None)
        hint = retag.replace("<name>", shlex.quote(example)) if example else retag
        return [
            violation(
                "BF501",
                tag,
                f"the tag matches no tag template of {policy.label} ({forms})",
                hint=hint,
            )
        ]
    out = []
    tag_version = version_of(found[1])
    for release in releases:
        match = policy.classify(release)
        if tag_version and match is not None:
            out += _check_version(tag, tag_version, commit=commit, release=release, match=match)
    if tags.on and not on_types & set(tags.on):
        where = ", ".join(tags.on)
        out.append(
            violation(
                "BF503",
                tag,
                f"the tag points at {commit[:12]}, which is on no {where} branch; tags mark "
                f"commits of {where}",
                hint=f"tag the commit on {tags.on[0]} instead: git tag -d {shlex.quote(tag)} && "
                f"git tag {shlex.quote(tag)} {shlex.quote(tags.on[0])}",
            )
        )
    return out


def _check_version(
    tag: str, tag_version: str, *, commit: str, release: str, match: Match
) -> list[Violation]:
    """BF502: the tag's version is the release branch's; long-lived branches of a version
    (support/1.x, trunk's release/1.4) are release lines, tagged with each of its versions."""
    release_version = version_of(match.groups)
    if not release_version or match.rule is None:
        return []
    line = match.rule.long_lived or is_line(release_version)
    if version_matches(tag_version, release_version, line=line):
        return []
    if line:
        return [
            violation(
                "BF502",
                tag,
                f"the tag's version {tag_version} is not of {release}'s line {release_version}",
                hint=f"git tag -d {shlex.quote(tag)}",
            )
        ]
    expected = tag.replace(tag_version, release_version, 1)
    return [
        violation(
            "BF502",
            tag,
            f"the tag's version {tag_version} differs from {release}'s {release_version}",
            hint=f"git tag -d {shlex.quote(tag)} && git tag {shlex.quote(expected)} {commit[:12]}",
        )
    ]
