"""What a push may do to a branch: BF401 delete, BF402 force, BF204 pull-request-only,
and the commits it adds to a protected branch (BF201 direct, BF202 merge source,
BF203 fast-forward merge)."""

from __future__ import annotations

from branchflow.checks.hints import (
    NO_REFS,
    Hint,
    Place,
    RefView,
    ahead_of,
    git,
    hint,
    move_commits,
    words,
    work_place,
)
from branchflow.checks.merges import check_merge, check_merge_content
from branchflow.checks.protection import kind_note, or_list, route
from branchflow.checks.violation import Violation, violation
from branchflow.facts import MergeSource, NewCommit
from branchflow.policy.compiled import BranchRule, CompiledPolicy

PLATFORM_COMMITTERS = ("noreply@github.com",)  # who commits a pull request's rebased commits


def check_deletion(branch: str, rule: BranchRule, *, local_copy: bool = True) -> list[Violation]:
    """BF401; ``local_copy``: whether there may be a local branch of that name that the hint
    can delete instead (none in a clone that never checked it out; not the one checked
    out)."""
    if not (rule.long_lived or rule.protection):
        return []
    what = "long-lived" if rule.long_lived else "protected"
    message = f"{branch} is a {what} {rule.name} branch; it is never deleted"
    # Nothing to run: the branch stays, which is the fix. Deleting the local copy is named
    # for whoever meant only that, never offered as the command to run.
    mine = f"; if you meant only your own copy: {hint(git('branch', '-d', branch))}"
    return [
        violation(
            "BF401",
            branch,
            message,
            hint=words(f"nothing to undo: {branch} stays" + (mine if local_copy else "")),
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
    merged: tuple[str, ...] = (),
) -> list[Violation]:
    """BF204; ``local``: what was pushed (a local branch's name, HEAD, a commit);
    ``merged``: when the push adds only merges of branches that may go into ``branch``
    (a finished feature merged locally), those branches: each is a pull request to open."""
    if rule.protection != "pull-request":
        return []
    if merged and local == branch:
        unpushed = [n for n in merged if refs.tip_of(f"{remote}/{n}") is None]
        fix = hint(
            git("switch", branch),
            git("reset", "--keep", f"{remote}/{branch}"),
            *(git("push", "-u", remote, name) for name in unpushed),
            then=" and ".join(_open(name, branch) for name in merged),
        )
    else:
        fix = _pull_request_hint(policy, branch, rule, remote=remote, local=local, refs=refs)
    return [
        violation(
            "BF204",
            branch,
            f"{branch} is protected{kind_note(branch, rule)}: changes reach it only through "
            "pull requests on the server, never by a push",
            hint=fix,
            type_name=rule.name,
        )
    ]


def _pull_request_hint(
    policy: CompiledPolicy, branch: str, rule: BranchRule, *, remote: str, local: str, refs: RefView
) -> Hint:
    """Push the work to a branch that may be merged into ``branch``, for a pull request: the
    pushed branch itself when its type may; else, when ``branch``'s own commits were pushed,
    those commits moved to a new branch (and ``branch`` put back where the remote has it);
    else what was pushed (not a long-lived branch), under a new name."""
    pushed = policy.classify(local) if local != branch else None
    own = pushed.rule if pushed is not None else None
    if own is not None and policy.merge_allowed(own.name, rule.name):
        if own.long_lived:  # develop pushed to test: its pull request is the way
            return words(_open(local, branch))
        return hint(git("push", "-u", remote, local), then=_open(local, branch))
    place = work_place(policy, rule, refs)
    if place is None or not place.create or (own is not None and own.long_lived):
        return words(f"open a pull request into {branch} from a branch that may merge there")
    into = _pull_request_target(policy, place, branch, rule)
    upstream = f"{remote}/{branch}"
    if local == branch and refs.tip_of(upstream) is not None:
        moved = move_commits(place, branch, upstream)
        return hint(*moved, git("push", "-u", remote, place.branch), then=_open(place.branch, into))
    if place.start is None:  # made from this branch: push the work there
        pushed_as = f"{local}:refs/heads/{place.branch}"
        return hint(git("push", "-u", remote, pushed_as), then=_open(place.branch, into))
    return words(f"put the work on a {place.type_name} branch and open a pull request into {into}")


def _open(source: str, target: str) -> str:
    return f"open a pull request from {source} into {target}"


def _pull_request_target(
    policy: CompiledPolicy, place: Place, branch: str, rule: BranchRule
) -> str:
    """Where a pull request from ``place`` goes: ``branch``, or the first step on the way
    (a feature for ``test`` goes into develop first)."""
    if policy.merge_allowed(place.type_name, rule.name):
        return branch
    place_rule = policy.rule(place.type_name)
    steps = [policy.rule(name) for name in (place_rule.into if place_rule else ())]
    return next((r.example for r in steps if r is not None and r.example), branch)


def check_force_push(
    branch: str,
    rule: BranchRule,
    remote: str,
    *,
    missing: bool,
    rewrote: bool = False,
    remerge: tuple[str, ...] = (),
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """BF402. ``rewrote``: the push holds rewritten copies of pushed commits (an amend, a
    rebase), not merely lacks a teammate's: the fix drops the rewrite, not replays it.
    ``remerge``: the branches this clone's own merges brought, all it added: the fix makes
    them again on top of the remote's."""
    if not rule.protection:
        return []
    if missing:
        message = (
            f"the remote {branch} has commits this repository does not; pushing over them "
            "would erase them"
        )
    else:
        message = f"this push rewrites {branch}, which is protected: it would erase pushed commits"
    if remerge and not rewrote:
        # branches the remote has not got go with the merges (BF206)
        unpushed = [n for n in remerge if ahead_of(refs, n, remote)]
        push = f"git push -u {remote} {' '.join([*unpushed, branch])}" if unpushed else ""
        fix = hint(
            *([git("fetch", remote, branch)] if missing else []),
            git("switch", branch),
            git("reset", "--keep", f"{remote}/{branch}"),
            *(git("merge", "--no-ff", name) for name in remerge),
            then=f"push without --force: {push}" if push else "push without --force",
        )
    elif rewrote:
        # Replaying the rewrite on top would put both versions of each commit on the branch.
        fix = hint(
            git("switch", branch),
            git("reset", "--keep", f"{remote}/{branch}"),
            then="make the change again as a new commit (or a new branch), and push without "
            "--force",
        )
        message += " (it holds amended or rebased copies of commits the remote has)"
    else:
        # Merges are how a protected branch changes: a plain --rebase would flatten them
        # into commits made directly on it.
        fix = hint(
            git("switch", branch),
            git("pull", "--rebase=merges", remote, branch),
            then="push without --force",
        )
    return [violation("BF402", branch, message, hint=fix, type_name=rule.name)]


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
    undo = hint(git("switch", branch), git("reset", "--keep", upstream))
    if fast_forward_of and rule.protection and commits:
        # Moved to another branch's tip: what that branch carried (a release's commits, and
        # the develop merges under them) is its history, judged there; the move is judged here.
        return check_fast_forward(
            policy, branch, rule, fast_forward_of[0], count=len(commits), undo=undo
        )
    out: list[Violation] = []
    direct: list[NewCommit] = []
    for commit in commits:
        how = landing(commit)
        if how == "merge":
            fix = _push_where_made(policy, branch, rule, commit) or undo
            out += [
                v._replace(details=(*v.details, f"merge commit {commit.id[:12]}: {commit.summary}"))
                for v in check_merge(policy, branch, rule, commit.sources, fix=fix, refs=refs)
            ]
            last = commit is commits[0]
            out += check_merge_content(policy, branch, rule, commit, newest=last, refs=refs)
        elif how in rule.merge_methods:
            out += check_landed_source(policy, branch, rule, commit, refs=refs)
        else:
            direct.append(commit)
    if not direct or not rule.protection:
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
            hint=_move_commits(policy, branch, rule, upstream, refs)
            if len(landed) < len(direct)
            else words(  # all written by a platform: its settings are the fix, not a clone
                f"merge pull requests into {branch} with a merge commit, or let the policy "
                f"take them: branches.{rule.name}.merge_methods"
            ),
            type_name=rule.name,
        )
    )
    return out


def _push_where_made(
    policy: CompiledPolicy, branch: str, rule: BranchRule, commit: NewCommit
) -> Hint | None:
    """A merge made on a long-lived branch (its message says so: "into develop") that a topic
    branch holds because it was cut from that branch's copy here before the merge was
    pushed: pushing that branch first puts the merge where it belongs, and this branch is
    then judged by its own commits (the undo would drop them)."""
    made_on = commit.into
    found = policy.type_of(made_on) if made_on and made_on != branch else None
    if rule.protection or found is None or not found.long_lived:
        return None
    return hint(
        git("push", "origin", made_on),
        then=f"push {branch} again: what {made_on} merged is on the remote then",
    )


def check_fast_forward(
    policy: CompiledPolicy, branch: str, rule: BranchRule, source: str, *, count: int, undo: Hint
) -> list[Violation]:
    """BF202 when ``source`` may not be merged here at all; else BF203 (no merge commit),
    unless the type takes pull requests replayed onto it (``rebase``: a platform's
    fast-forward merge)."""
    wrong = check_merge(policy, branch, rule, (MergeSource(source, "branch"),), fix=undo)
    if wrong:
        return [
            v._replace(details=(*v.details, f"{branch} was fast-forwarded to {source}"))
            for v in wrong
        ]
    if "rebase" in rule.merge_methods:
        return []
    return [
        violation(
            "BF203",
            branch,
            f"{branch} was fast-forwarded to {source}: no merge commit records the merge "
            f"into this protected branch",
            details=(
                f"{count} commit(s) would land on {branch} without a merge commit",
                "to always make merge commits: git config merge.ff false",
            ),
            hint=hint(*undo.commands, git("merge", "--no-ff", source)),
            type_name=rule.name,
        )
    ]


def landed_note(branch: str, rule: BranchRule, methods: list[str]) -> tuple[str, ...]:
    """What to say of pull requests that landed in a way the type does not take."""
    if not methods:
        return ()
    kinds = or_list(sorted(set(methods)))
    takes = or_list(list(rule.merge_methods)) if rule.merge_methods else "none"
    count = (
        "1 of them is a pull request"
        if len(methods) == 1
        else (f"{len(methods)} of them are pull requests")
    )
    return (
        f"{count} merged by {kinds}; {branch} takes {takes} "
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
    if place is None:
        return words(f"move the commits to a branch that may be merged into {branch}")
    return hint(*move_commits(place, branch, upstream))
