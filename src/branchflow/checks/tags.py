"""Tags: BF501 tag-name, BF502 tag-version, BF503 tag-branch."""

from __future__ import annotations

import shlex

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
        release_version = version_of(match.groups) if match is not None else None
        if tag_version and release_version and tag_version != release_version:
            expected = tag.replace(tag_version, release_version, 1)
            out.append(
                violation(
                    "BF502",
                    tag,
                    f"the tag's version {tag_version} differs from {release}'s {release_version}",
                    hint=f"git tag -d {shlex.quote(tag)} && git tag {shlex.quote(expected)} "
                    f"{commit[:12]}",
                )
            )
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
