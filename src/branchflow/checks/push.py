"""What a push may do to a branch: BF401 delete, BF402 force, BF204 pull-request-only,
and the commits it adds to a protected branch (BF201 direct, BF202 merge source,
BF203 fast-forward merge)."""

from __future__ import annotations

import shlex

from branchflow.checks.merges import check_merge
from branchflow.checks.protection import kind_note, move_hint, route
from branchflow.checks.violation import Violation, violation
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.history import NewCommit
from branchflow.repo.merge_message import MergeSource


def check_deletion(branch: str, rule: BranchRule) -> list[Violation]:
    if not (rule.long_lived or rule.protection):
        return []
    what = "long-lived" if rule.long_lived else "protected"
    return [
        violation(
            "BF401",
            branch,
            f"{branch} is a {what} {rule.name} branch; it is never deleted",
            hint=f"to delete only your local copy: git branch -d {shlex.quote(branch)}",
            type_name=rule.name,
        )
    ]


def check_pull_request_only(
    policy: CompiledPolicy, branch: str, rule: BranchRule, remote: str
) -> list[Violation]:
    if rule.protection != "pull-request":
        return []
    moved = move_hint(policy, rule).replace("git switch -c ", "")
    return [
        violation(
            "BF204",
            branch,
            f"{branch} is protected{kind_note(branch, rule)}: changes reach it only through "
            "pull requests on the server, never by a push",
            hint=f"push a branch and open a pull request: git push -u {remote} HEAD:{moved}",
            type_name=rule.name,
        )
    ]


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
            hint=f"git pull --rebase {shlex.quote(remote)} {shlex.quote(branch)}, then push "
            "without --force",
            type_name=rule.name,
        )
    ]


def check_new_commits(
    policy: CompiledPolicy,
    branch: str,
    rule: BranchRule,
    commits: list[NewCommit],
    *,
    upstream: str,
    fast_forward_of: list[str],
) -> list[Violation]:
    """The first-parent commits a push adds to ``branch``; ``upstream`` names its remote state
    (origin/main) for the commands that undo a local mistake."""
    out: list[Violation] = []
    undo = f"git switch {shlex.quote(branch)} && git reset --keep {shlex.quote(upstream)}"
    for commit in commits:
        if len(commit.parents) > 1:
            out += [
                v._replace(details=(*v.details, f"merge commit {commit.id[:12]}: {commit.summary}"))
                for v in check_merge(policy, branch, rule, commit.sources, hint=undo)
            ]
    direct = [c for c in commits if len(c.parents) <= 1]
    if not direct or not rule.protection:
        return out
    if fast_forward_of:
        source = fast_forward_of[0]
        wrong = check_merge(policy, branch, rule, (MergeSource(source, "branch"),), hint=undo)
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
                hint=f"{undo} && git merge --no-ff {shlex.quote(source)}",
                type_name=rule.name,
            )
        )
        return out
    newest = direct[0]
    child = move_hint(policy, rule).replace("git switch -c ", "")
    out.append(
        violation(
            "BF201",
            branch,
            f"{len(direct)} commit(s) made directly on {branch}, which is protected"
            f"{kind_note(branch, rule)}: {route(policy, rule)}",
            details=(f"newest: {newest.id[:12]} {newest.summary}",),
            hint=f"move them to a branch: git switch -c {child} {shlex.quote(branch)} && "
            f"git branch -f {shlex.quote(branch)} {shlex.quote(upstream)}",
            type_name=rule.name,
        )
    )
    return out
