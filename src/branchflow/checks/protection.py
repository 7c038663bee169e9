"""BF201 protected-commit: no direct commits on a protected branch."""

from __future__ import annotations

from branchflow.checks.hints import NO_REFS, Hint, RefView, git, hint, switch_to, words, work_place
from branchflow.checks.violation import Violation, violation
from branchflow.policy.classify import Match
from branchflow.policy.compiled import BranchRule, CompiledPolicy

_ABORT = {
    "rebase": git("rebase", "--abort"),
    "cherry-pick": git("cherry-pick", "--abort"),
    "revert": git("revert", "--abort"),
    "am": git("am", "--abort"),
}


def check_commit(
    policy: CompiledPolicy,
    branch: str,
    match: Match,
    *,
    unborn: bool = False,
    operation: str | None = None,
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """May a commit that is not a merge be made on ``branch`` now?"""
    target = match.rule
    if target is None or not target.protection or unborn:
        return []  # exempt, unprotected, or the first commit of a repository
    abort = _ABORT.get(operation or "")
    move = move_hint(policy, target, refs)
    details = () if abort is None else (f"then: {move}",)
    return [
        violation(
            "BF201",
            branch,
            f"{branch} is protected{kind_note(branch, target)}: {route(policy, target)}",
            details=details,
            hint=hint(abort) if abort else move,
            type_name=target.name,
        )
    ]


def kind_note(branch: str, target: BranchRule) -> str:
    return "" if branch == target.name else f" ({target.name})"


def route(policy: CompiledPolicy, target: BranchRule) -> str:
    """How changes may reach a branch of ``target``'s type, in words."""
    sources = policy.merge_sources(target.name)
    how = "through pull requests" if target.protection == "pull-request" else "by merges"
    if not sources:
        return f"nothing may be merged into it, and changes arrive only {how}"
    return f"changes arrive only {how} from {or_list(sources)} branches"


def or_list(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def move_hint(policy: CompiledPolicy, target: BranchRule, refs: RefView = NO_REFS) -> Hint:
    """The commands that carry staged work to a branch where it may be committed."""
    place = work_place(policy, target, refs)
    if place is None:
        return words(f"commit on a branch of a type that may be merged into {target.name}")
    return hint(*switch_to(place))
