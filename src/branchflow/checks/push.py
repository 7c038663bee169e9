"""What a push may do to a branch: BF401 delete, BF402 force, BF204 pull-request-only,
and the commits it adds to a protected branch (BF201 direct, BF202 merge source,
BF203 fast-forward merge)."""

from __future__ import annotations

from branchflow.checks.hints import (
    NO_REFS,
    Hint,
    RefView,
    git,
    hint,
    words,
    work_place,
)
from branchflow.checks.merges import check_merge
from branchflow.checks.protection import kind_note, or_list, route
from branchflow.checks.violation import Violation, violation
from branchflow.facts import NewCommit
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.merge_message import MergeSource

PLATFORM_COMMITTERS = ("noreply@github.com",)  # who commits a pull request's rebased commits


def check_deletion(branch: str, rule: BranchRule) -> list[Violation]:
    if not (rule.long_lived or rule.protection):
        return []
    what = "long-lived" if rule.long_lived else "protected"
    return [
        violation(
            "BF401",
            branch,
            f"{branch} is a {what} {rule.name} branch; it is never deleted (the hint deletes "
            "only your local copy)",
            hint=hint(git("branch", "-d", branch)),
            type_name=rule.name,
        )
    ]


def check_pull_request_only(
    policy: CompiledPolicy,
    branch: str,
    rule: BranchRule,
    *,
    remote: str,
    local: str,
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """BF204; ``local``: what was pushed (a local branch's name, HEAD, a commit)."""
    if rule.protection != "pull-request":
        return []
    return [
        violation(
            "BF204",
            branch,
            f"{branch} is protected{kind_note(branch, rule)}: changes reach it only through "
            "pull requests on the server, never by a push",
            hint=_pull_request_hint(policy, rule, remote, local, refs),
            type_name=rule.name,
        )
    ]


def _pull_request_hint(
    policy: CompiledPolicy, rule: BranchRule, remote: str, local: str, refs: RefView
) -> Hint:
    place = work_place(policy, rule, refs)
    if place is None:
        return words(f"open a pull request into {rule.name} from a branch that may merge there")
    if place.create and place.start is None:  # made from this branch: push the work there
        return hint(
            git("push", "-u", remote, f"{local}:refs/heads/{place.branch}"),
            then=f"open a pull request from {place.branch}",
        )
    feeder = next(
        (
            r.name
            for r in policy.branches
            if r.long_lived and policy.merge_allowed(r.name, rule.name)
        ),
        None,
    )
    if feeder is not None:
        return words(
            f"changes reach {rule.name} by pull requests from {feeder}: open one from {feeder} "
            f"into {rule.name}"
        )
    return words(f"put the work on a {place.type_name} branch and open a pull request")


def check_force_push(
    branch: str, rule: BranchRule, remote: str, *, missing: bool
) -> list[Violation]:
    if not rule.protection:
        return []
    if missing:
        message = (
            f"the remote {branch} has commits this repository does not; pushing over them "
            "would erase them"
        )
    else:
        message = f"this push rewrites {branch}, which is protected: it would erase pushed commits"
    return [
        violation(
            "BF402",
            branch,
            message,
            hint=hint(git("pull", "--rebase", remote, branch), then="push without --force"),
            type_name=rule.name,
        )
    ]


def landing(commit: NewCommit) -> str:
    """How a commit reached a branch: "merge" (a merge commit), "squash" (a pull request
    squashed into one commit), "rebase" (a pull request's commit replayed by the platform),
    or "direct"."""
    if len(commit.parents) > 1:
        return "merge"
    if commit.squashed is not None:
        return "squash"
    if commit.committer.lower() in PLATFORM_COMMITTERS:
        return "rebase"
    return "direct"


def check_new_commits(
    policy: CompiledPolicy,
    branch: str,
    rule: BranchRule,
    commits: list[NewCommit],
    *,
    upstream: str,
    fast_forward_of: list[str],
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """The first-parent commits a push adds to ``branch``; ``upstream`` names its remote state
    (origin/main) for the commands that undo a local mistake."""
    out: list[Violation] = []
    undo = hint(git("switch", branch), git("reset", "--keep", upstream))
    direct: list[NewCommit] = []
    for commit in commits:
        how = landing(commit)
        if how == "merge":
            out += [
                v._replace(details=(*v.details, f"merge commit {commit.id[:12]}: {commit.summary}"))
                for v in check_merge(policy, branch, rule, commit.sources, fix=undo, refs=refs)
            ]
        elif how in rule.merge_methods:
            out += check_landed_source(policy, branch, rule, commit, refs=refs)
        else:
            direct.append(commit)
    if not direct or not rule.protection:
        return out
    if fast_forward_of:
        source = fast_forward_of[0]
        wrong = check_merge(policy, branch, rule, (MergeSource(source, "branch"),), fix=undo)
        if wrong:  # not a merge that may happen at all, fast-forward or not
            return out + [
                v._replace(details=(*v.details, f"{branch} was fast-forwarded to {source}"))
                for v in wrong
            ]
        out.append(
            violation(
                "BF203",
                branch,
                f"{branch} was fast-forwarded to {source}: no merge commit records the merge "
                f"into this protected branch",
                details=(
                    f"{len(direct)} commit(s) would land on {branch} without a merge commit",
                    "to always make merge commits: git config merge.ff false",
                ),
                hint=hint(*undo.commands, git("merge", "--no-ff", source)),
                type_name=rule.name,
            )
        )
        return out
    newest = direct[0]
    landed = [c for c in direct if landing(c) != "direct"]
    out.append(
        violation(
            "BF201",
            branch,
            f"{len(direct)} commit(s) made directly on {branch}, which is protected"
            f"{kind_note(branch, rule)}: {route(policy, rule)}",
            details=(
                f"newest: {newest.id[:12]} {newest.summary}",
                *landed_note(branch, rule, [landing(c) for c in landed]),
            ),
            hint=_move_commits(policy, branch, rule, upstream, refs),
            type_name=rule.name,
        )
    )
    return out


def landed_note(branch: str, rule: BranchRule, methods: list[str]) -> tuple[str, ...]:
    """What to say of pull requests that landed in a way the type does not take."""
    if not methods:
        return ()
    kinds = or_list(sorted(set(methods)))
    takes = or_list(list(rule.merge_methods)) if rule.merge_methods else "none"
    return (
        f"{len(methods)} of them are pull requests merged by {kinds}; {branch} takes {takes} "
        f"(policy: branches.{rule.name}.merge_methods)",
    )


def check_landed_source(
    policy: CompiledPolicy,
    branch: str,
    rule: BranchRule,
    commit: NewCommit,
    *,
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """A pull request squashed or rebased onto ``branch`` in a way its type takes: its
    source must be one that may merge here, when the message names it."""
    source = commit.squashed
    if source is None or source.kind != "branch":
        return []
    return [
        v._replace(details=(*v.details, f"squash commit {commit.id[:12]}: {commit.summary}"))
        for v in check_merge(policy, branch, rule, (source,), fix=None, refs=refs)
    ]


def _move_commits(
    policy: CompiledPolicy, branch: str, rule: BranchRule, upstream: str, refs: RefView
) -> Hint:
    """Take the commits made on ``branch`` to a branch where they may be made, and put
    ``branch`` back where the remote has it."""
    place = work_place(policy, rule, refs)
    reset = git("branch", "-f", branch, upstream)
    if place is None:
        return words(f"move the commits to a branch that may be merged into {branch}")
    if place.create and place.start is None:
        return hint(git("switch", "-c", place.branch, branch), reset)
    target = ("-c", place.branch, place.start) if place.create and place.start else (place.branch,)
    return hint(git("switch", *target), git("cherry-pick", f"{upstream}..{branch}"), reset)
