"""Tags: BF501 tag-name, BF502 tag-version, BF503 tag-branch, BF505 tag-moved."""

from __future__ import annotations

import re

from branchflow.checks.hints import NO_REFS, RefView, git, hint, words
from branchflow.checks.violation import Violation, violation
from branchflow.policy.classify import Match
from branchflow.policy.compiled import CompiledPolicy

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
        match = policy.classify(release)
        if tag_version and match is not None:
            out += _check_version(
                policy, tag, tag_version, commit=commit, release=release, match=match, refs=refs
            )
    if tags.on and not on_types & set(tags.on):
        where = ", ".join(tags.on)
        # Not "tag main instead": main's tip is another release's commit. The release
        # reaches main by a merge; that merge is the commit to tag.
        out.append(
            violation(
                "BF503",
                tag,
                f"the tag points at {commit[:12]}, which is on no {where} branch; tags mark "
                f"commits of {where}",
                hint=hint(
                    git("tag", "-d", tag),
                    then=f"tag the commit where the release lands on {tags.on[0]} (its merge)",
                ),
            )
        )
    return out


def check_tag_change(
    policy: CompiledPolicy, tag: str, old: str, new: str | None
) -> list[Violation]:
    """A release tag the receiving side has (at ``old``) moved to ``new``, or deleted (None):
    everyone who fetched it, every build and every changelog names ``old`` by it."""
    if policy.tags is None or policy.classify_tag(tag) is None:
        return []  # not a release tag: BF501 judges what it may be called, not where it stays
    if new is None:
        return [
            violation(
                "BF505",
                tag,
                f"the release tag is on the server at {old[:12]}; released tags stay where "
                "they are published, so deleting it is refused",
                hint=words(
                    "keep it; if it must go (it leaked a secret), an administrator removes it "
                    "on the server"
                ),
            )
        ]
    return [
        violation(
            "BF505",
            tag,
            f"the release tag is on the server at {old[:12]}; moving it to {new[:12]} would "
            "make one version name two releases",
            hint=hint(
                git("tag", "-f", tag, old),
                then="release the new commit under the next version's tag",
            ),
        )
    ]


def check_version_taken(
    policy: CompiledPolicy, tag: str, commit: str, others: dict[str, str]
) -> list[Violation]:
    """BF505 for a new release tag whose version another release tag already names, at
    another commit (``others``: the receiving side's tags and their commits): 1.0.0,
    v1.0.0 and v1.0.0+build.2 are one version, and one version is one release."""
    found = policy.classify_tag(tag)
    version = version_of(found[1]) if found is not None else None
    if version is None:
        return []
    for other, other_commit in sorted(others.items()):
        if other == tag or other_commit == commit:
            continue
        theirs = policy.classify_tag(other)
        other_version = version_of(theirs[1]) if theirs is not None else None
        if other_version is not None and version_matches(version, other_version):
            return [
                violation(
                    "BF505",
                    tag,
                    f"version {other_version} is released already: {other} names it at "
                    f"{other_commit[:12]}; one version names one release",
                    hint=hint(
                        git("tag", "-d", tag),
                        then="release this commit under the next version's tag",
                    ),
                )
            ]
    return []


def _version(policy: CompiledPolicy, branch: str) -> str | None:
    match = policy.classify(branch)
    return version_of(match.groups) if match is not None else None


_DIGITS = re.compile(r"\d+(?:\.\d+)*(?:-[0-9A-Za-z.]+)?")


def _digits(tag: str) -> str | None:
    """The version a tag that breaks the template still carries (release-1.2 -> 1.2)."""
    found = _DIGITS.search(tag)
    return found.group(0) if found else None


def suggest_tag(
    policy: CompiledPolicy, version: str, refs: RefView = NO_REFS, like: str = ""
) -> str | None:
    """A tag of the policy's form for ``version`` (completed to three parts when the form
    asks for it) that does not exist yet; if it does, the next patch version that is free.
    Of the policy's spellings, the one ``like`` (the tag being replaced) uses comes first."""
    tags = policy.tags
    if tags is None:
        return None
    parts = version.split("-", 1)[0].split(".")
    while len(parts) < 3 and all(p.isdigit() for p in parts):
        parts.append("0")
    candidates = tag_forms(policy, version) + tag_forms(policy, ".".join(parts))
    if like:
        candidates.sort(key=lambda c: not like.startswith(c[: len(c) - len(c.lstrip("vV"))]))
    for candidate in candidates:
        if refs.has_tag(candidate):
            if all(p.isdigit() for p in parts):
                bumped = [*parts[:-1], str(int(parts[-1]) + 1)]
                return suggest_tag(policy, ".".join(bumped), refs, like)
            continue
        return candidate
    return None


def tag_forms(policy: CompiledPolicy, version: str) -> list[str]:
    """The tags of ``version`` the policy's tag patterns take, in their order."""
    assert policy.tags is not None
    out = []
    for pattern in policy.tags.patterns:
        candidate = pattern.prefix + version
        if policy.classify_tag(candidate) is not None:
            out.append(candidate)
    return out


def _check_version(
    policy: CompiledPolicy,
    tag: str,
    tag_version: str,
    *,
    commit: str,
    release: str,
    match: Match,
    refs: RefView,
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
                hint=hint(git("tag", "-d", tag)),
            )
        ]
    if any(refs.has_tag(form) for form in tag_forms(policy, release_version)):
        # The release is tagged already (v1.0.0 on its merge): this tag is simply extra.
        return [
            violation(
                "BF502",
                tag,
                f"the tag's version {tag_version} differs from {release}'s {release_version}, "
                "which is tagged already",
                hint=hint(git("tag", "-d", tag)),
            )
        ]
    expected = suggest_tag(policy, release_version, refs, like=tag)
    return [
        violation(
            "BF502",
            tag,
            f"the tag's version {tag_version} differs from {release}'s {release_version}",
            hint=hint(git("tag", "-d", tag), git("tag", expected, commit[:12]))
            if expected
            else words(f"tag {commit[:12]} with version {release_version} instead"),
        )
    ]
