"""BF201 protected-commit and BF202 merge-source: what may be committed on a branch."""

from __future__ import annotations

import shlex

from branchflow.checks.rules import Violation, violation
from branchflow.policy.compiled import BranchRule, CompiledPolicy, Match
from branchflow.repo.merge_message import MergeSource

_ABORT = {
    "rebase": "git rebase --abort",
    "cherry-pick": "git cherry-pick --abort",
    "revert": "git revert --abort",
    "am": "git am --abort",
}


def check_commit(
    policy: CompiledPolicy,
    branch: str,
    match: Match,
    *,
    unborn: bool = False,
    operation: str | None = None,
    merging: tuple[MergeSource, ...] | None = None,
) -> list[Violation]:
    """May a commit be made on ``branch`` now? ``merging`` lists what a merge brings in."""
    target = match.rule
    if target is None or not target.protection or unborn:
        return []  # exempt, unprotected, or the first commit of a repository
    if merging is not None:
        return check_merge_sources(policy, branch, target, merging)
    route = _route(policy, target)
    abort = _ABORT.get(operation or "")
    hint = abort or _move_hint(policy, target)
    details = () if abort is None else (f"then: {_move_hint(policy, target)}",)
    return [
        violation(
            "BF201",
            branch,
            f"{branch} is protected{_kind(branch, target)}: {route}",
            details=details,
            hint=hint,
        )
    ]


def check_merge_sources(
    policy: CompiledPolicy, branch: str, target: BranchRule, merging: tuple[MergeSource, ...]
) -> list[Violation]:
    if not merging:
        return [
            violation(
                "BF202",
                branch,
                f"cannot tell which branch is being merged into {branch}; {_route(policy, target)}",
                hint="git merge --abort",
            )
        ]
    out = []
    for source in merging:
        source_type = source_type_of(policy, source)
        if source_type == "tag":
            allowed = tag_merge_allowed(policy, target)
            what = "a release tag"
        else:
            allowed = source_type is not None and policy.merge_allowed(source_type, target.name)
            what = f"a {source_type} branch" if source_type else "matches no branch type"
        if allowed:
            continue
        if source.kind == "commit":
            what = "a commit no branch points at"
        out.append(
            violation(
                "BF202",
                branch,
                f"merging {source.name} ({what}) into {branch} is not allowed; "
                f"{_route(policy, target)}",
                hint="git merge --abort",
                details=_merge_elsewhere(policy, source, source_type),
            )
        )
    return out


def source_type_of(policy: CompiledPolicy, source: MergeSource) -> str | None:
    """The branch type a merged ref stands for; a tag stands for the types it may be on."""
    if source.kind == "tag":
        if policy.tags is not None and policy.classify_tag(source.name) is not None:
            return "tag"
        return None
    if source.kind != "branch":
        return None
    found = policy.classify(source.name)
    return found.rule.name if found is not None and found.rule is not None else None


def tag_merge_allowed(policy: CompiledPolicy, target: BranchRule) -> bool:
    """A release tag carries what is on the branches it may be on."""
    if policy.tags is None:
        return False
    on = policy.tags.on or tuple(r.name for r in policy.branches)
    return any(policy.merge_allowed(t, target.name) for t in on)


def _kind(branch: str, target: BranchRule) -> str:
    return "" if branch == target.name else f" ({target.name})"


def _route(policy: CompiledPolicy, target: BranchRule) -> str:
    sources = policy.merge_sources(target.name)
    how = "through pull requests" if target.protection == "pull-request" else "by merges"
    if not sources:
        return f"nothing may be merged into it, and changes arrive only {how}"
    return f"changes arrive only {how} from {_or(sources)} branches"


def _or(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _move_hint(policy: CompiledPolicy, target: BranchRule) -> str:
    """The command that carries uncommitted work to a branch where it may be committed."""
    children = [r for r in policy.branches if target.name in r.from_ and not r.long_lived]
    feeders = [r for r in policy.branches if target.name in r.into and not r.long_lived]
    for rule in children + feeders:
        if rule.generated_example:
            return f"git switch -c {shlex.quote(rule.generated_example)}"
    for name in policy.merge_sources(target.name):
        source = policy.rule(name)
        if source is not None and source.long_lived and source.example:
            return f"git switch {shlex.quote(source.example)}"
    return "git switch -c <a branch of an allowed type>"


def _merge_elsewhere(
    policy: CompiledPolicy, source: MergeSource, source_type: str | None
) -> tuple[str, ...]:
    rule = policy.rule(source_type) if source_type and source_type != "tag" else None
    if rule is None or not rule.into:
        return ()
    return (f"{source.name} may be merged into {_or(list(rule.into))} branches",)
