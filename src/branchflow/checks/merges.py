"""BF202 merge-source: code flows only along the policy's edges.

A merge of S into T is allowed when T is in S's ``into`` edges, or when S is
T's ``from`` parent (syncing a feature with develop, main back into develop).
A release tag stands for the branch types tags are allowed on. A branch merged
into itself from another clone (``git pull``) is a sync, always allowed. A pull
request from a fork (another owner's branch) is not held to this repository's
names; it may go where the policy's ``forks.into`` says.
"""

from __future__ import annotations

from branchflow.checks.hints import (
    NO_REFS,
    Hint,
    RefView,
    ahead_of,
    git,
    hint,
    words,
    work_place,
)
from branchflow.checks.protection import or_list, route
from branchflow.checks.violation import Violation, violation
from branchflow.facts import MergeSource, NewCommit
from branchflow.policy.compiled import BranchRule, CompiledPolicy

ABORT = hint(git("merge", "--abort"))


def check_merge(
    policy: CompiledPolicy,
    branch: str,
    target: BranchRule,
    sources: tuple[MergeSource, ...],
    *,
    fix: Hint | None = ABORT,
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """May ``sources`` be merged into ``branch`` (of type ``target``)?

    Into a protected branch every source must be known and allowed; into any other
    branch only sources of a known type are judged.
    """
    protected = bool(target.protection)
    if not sources:
        if not protected:
            return []
        return [
            violation(
                "BF202",
                branch,
                f"cannot tell which branch is being merged into {branch}; {route(policy, target)}",
                hint=fix,
                type_name=target.name,
            )
        ]
    out = []
    for given in sources:
        # a branch the server has not got: judged by its name, then for being absent (BF206)
        source = given._replace(kind="branch", on=()) if given.kind == "claimed" else given
        if source.kind == "branch" and source.name == branch:
            continue  # the same branch from another clone or repository: a sync
        if from_fork(policy, source, refs):
            out += check_fork(policy, branch, target, source, fix=fix)
            continue
        verdict = _judge_source(policy, source, target)
        if verdict is None:
            if given.kind == "claimed":
                out.append(_unverified(policy, branch, target, given, refs))
            continue
        source_type, what = verdict
        if source_type is None and not protected:
            continue
        out.append(
            violation(
                "BF202",
                branch,
                f"merging {source.name} ({what}) into {branch} is not allowed; "
                f"{route(policy, target)}",
                hint=_merge_elsewhere(policy, source, source_type, refs) if fix is ABORT else fix,
                details=_elsewhere(policy, source, source_type),
                type_name=target.name,
            )
        )
    return out


def _unverified(
    policy: CompiledPolicy,
    branch: str,
    target: BranchRule,
    source: MergeSource,
    refs: RefView = NO_REFS,
) -> Violation:
    """BF206: the server has no branch by the name a merge gives, holding what it merged.
    The hint pushes the branch of that name, by name, from the clone that has it: never
    the merged commit under that name, which would make a branch of that type of whatever
    was merged (a feature's commit as a release, and its policy onto main). Someone else's
    personal branch is theirs to push (BF103): the hint sends them the commits."""
    merged = source.on[0]
    fix = hint(git("push", "-u", "origin", source.name, branch))
    owners = _others_personal(policy, source.name, refs)
    if owners and refs.pusher is not None:
        owner = " and ".join(sorted(owners))
        fix = words(
            f"{source.name} is {owner}'s to push: send {owner} your commits on it "
            f"(git format-patch -o ../for-{owner} origin/{source.name}..{source.name}) and "
            f"take this merge back (git switch {branch} && git reset --keep origin/{branch}); "
            f"once {owner} has pushed them, merge {owner}'s branch as it is: git fetch && "
            f"git switch {source.name} && git reset --keep origin/{source.name} && git switch "
            f"{branch} && git merge --no-ff --no-edit {source.name}"
        )
    return violation(
        "BF206",
        branch,
        f"the merge into {branch} says it merged {source.name}, but no branch {source.name} "
        f"on the server holds {merged[:12]}: push the branch with the merge, so that what "
        f"lands on {branch} is on a branch the server has seen",
        hint=fix,
        type_name=target.name,
    )


def _others_personal(policy: CompiledPolicy, name: str, refs: RefView) -> set[str]:
    """Who owns ``name`` when it is a personal branch ({pusher}) of someone other than the
    pusher; empty for any other branch."""
    match = policy.classify(name)
    owners = match.values_of("pusher") if match is not None else set()
    return owners if owners != {refs.pusher} else set()


def check_merge_content(
    policy: CompiledPolicy,
    branch: str,
    target: BranchRule,
    commit: NewCommit,
    *,
    newest: bool = True,
    refs: RefView = NO_REFS,
) -> list[Violation]:
    """BF205: a merge into a protected branch brings what it merged and nothing of its own
    (outside the conflicts it resolved): else changes reach the branch that no branch of an
    allowed type ever held."""
    if not commit.own_changes or not target.protection:
        return []
    shown = ", ".join(commit.own_changes)
    fix = _carried_over(policy, branch, target, commit, newest=newest, refs=refs)
    return [
        violation(
            "BF205",
            branch,
            f"the merge {commit.id[:12]} ({commit.summary}) changes {shown} beyond what git's "
            "own merge of its parents gives, outside any conflict: make those changes on the "
            "merged branch, and merge again",
            hint=fix,
            type_name=target.name,
        )
    ]


OWN_SHOWN = 5  # paths of a merge's own changes named (repo.commits.merge_own_changes)


def _carried_over(
    policy: CompiledPolicy,
    branch: str,
    target: BranchRule,
    commit: NewCommit,
    *,
    newest: bool,
    refs: RefView,
) -> Hint:
    """BF205's fix, keeping the work: the merge's own changes committed on the branch it
    merged, the merge taken back (to its first parent: merges made before it stay) and made
    again. Where that cannot be said in commands (it is not the newest commit, it merged
    several branches or someone else's personal one, or more paths changed than are
    named), the merge is kept on a branch first, and the rest said in words."""
    merged = [s.name for s in commit.sources if s.kind == "branch" and s.name != branch]
    own = commit.own_changes
    source = merged[0] if len(merged) == 1 else None
    theirs = source is not None and bool(_others_personal(policy, source, refs))
    if source is not None and newest and not theirs and len(own) < OWN_SHOWN:
        return hint(
            git("switch", source),
            git("restore", f"--source={commit.id}", "--staged", "--worktree", "--", *own),
            git("commit", "-m", f"Changes made in the merge {commit.id[:12]} into {branch}"),
            git("switch", branch),
            git("reset", "--keep", commit.parents[0]),
            git("merge", "--no-ff", "--no-edit", source),
            then=f"push it with the merge: git push origin {source} {branch}",
        )
    # a branch of a type the policy accepts (branchflow's own hooks refuse any other name)
    place = work_place(policy, target, refs)
    prefix = place.branch.rpartition("/")[0] if place is not None else ""
    keep = f"{prefix}/carried-{commit.id[:12]}" if prefix else f"carried-{commit.id[:12]}"
    if place is not None and policy.type_of(keep) is None:
        keep = place.branch
    return hint(
        git("branch", keep, branch),
        then=f"{keep} keeps {branch} as it is; take {branch} back to before the merge "
        f"{commit.id[:12]} (git switch {branch} && git reset --keep {commit.parents[0][:12]}), "
        f"commit what it changed of its own on {source or 'the branch it merged'} (git restore "
        f"--source={commit.id[:12]} --staged --worktree -- {' '.join(own)}), merge that "
        f"again, and merge again what {branch} merged after it",
    )


def from_fork(policy: CompiledPolicy, source: MergeSource, refs: RefView) -> bool:
    """Whether a merged branch belonged to another owner: one the message names, when this
    repository's owners are known (from its remotes' URLs); else, when they are not, one
    whose name is of no type here and is no branch here either."""
    if source.kind != "branch" or not source.owner:
        return False
    owners = refs.owners
    if owners:
        return source.owner.lower() not in owners
    return policy.classify(source.name) is None and not refs.has_branch(source.name)


def check_fork(
    policy: CompiledPolicy,
    branch: str,
    target: BranchRule,
    source: MergeSource,
    *,
    fix: Hint | None = None,
) -> list[Violation]:
    """A pull request from a fork (``source.owner``'s branch) may go where ``forks.into``
    says; its branch's name is the owner's business."""
    if target.name in policy.forks_into:
        return []
    where = or_list(list(policy.forks_into)) if policy.forks_into else "no branch type"
    return [
        violation(
            "BF202",
            branch,
            f"merging {source.owner}/{source.name} (a pull request from a fork) into {branch} is "
            f"not allowed; pull requests from forks go into {where} (policy key forks.into)",
            hint=fix,
            type_name=target.name,
        )
    ]


def _judge_source(
    policy: CompiledPolicy, source: MergeSource, target: BranchRule
) -> tuple[str | None, str] | None:
    """None when allowed; else the source's type (None if unknown) and how to name it."""
    if source.kind == "pull-request":
        # The platform merged a pull request whose source the message does not name.
        if target.protection == "pull-request" or "squash" in target.merge_methods:
            return None
        return None, f"pull request {source.name}, source branch unknown"
    if source.kind == "tag":
        # A tag carries what is on the branches that hold it (main, after a release); when
        # that is unknown, the branch types tags are allowed on.
        held_by = [r.name for name in source.on if (r := _rule_of(policy, name)) is not None]
        if held_by:
            on = tuple(held_by)
        elif policy.classify_tag(source.name) is None:
            return None, "a tag the policy does not know"
        else:
            on = (policy.tags.on if policy.tags else ()) or tuple(r.name for r in policy.branches)
        if any(policy.merge_allowed(t, target.name) for t in on):
            return None
        return None, "a release tag"
    if source.kind == "commit":
        return None, "a commit no branch points at"
    found = policy.classify(source.name)
    if found is None:
        return None, "matches no branch type"
    if found.rule is None:
        # Exempt (a bot's branch, a site): its name is never judged, and it is no branch of
        # an allowed type either: what it brings goes where outside contributions go.
        if not target.protection or target.name in policy.forks_into:
            return None
        where = or_list(list(policy.forks_into)) if policy.forks_into else "no branch type"
        return None, (
            f"exempt by {found.exempt_glob!r}, so not of a type allowed here; exempt branches "
            f"go into {where}, as pull requests from forks do"
        )
    if policy.merge_allowed(found.rule.name, target.name):
        return None
    return found.rule.name, f"a {found.rule.name} branch"


def _rule_of(policy: CompiledPolicy, name: str) -> BranchRule | None:
    found = policy.classify(name)
    return found.rule if found is not None else None


def _merge_elsewhere(
    policy: CompiledPolicy, source: MergeSource, source_type: str | None, refs: RefView
) -> Hint:
    """A merge refused while it is being made: abort it, and merge the branch where its type
    goes (a feature into develop), or open the pull request there when that branch takes
    changes only that way."""
    rule = policy.rule(source_type) if source_type else None
    if rule is None or source.kind != "branch":
        return ABORT
    for into in rule.into:
        dest = refs.branch_of_type(into)
        if dest is None:
            continue
        if refs.shown_name(dest) is None and "/" in dest:
            dest = dest.split("/", 1)[1]  # origin/develop: git switch makes the local one
        into_rule = policy.rule(into)
        if into_rule is not None and into_rule.protection == "pull-request":
            return hint(
                git("merge", "--abort"), then=f"open a pull request of {source.name} into {dest}"
            )
        # a branch the remote has not got must be pushed with the merge (BF206)
        unpushed = ahead_of(refs, source.name, "origin")
        # in a team, the local copy is often behind the remote's: brought up to date first,
        # or the push of the merge is refused as not a fast-forward
        shared = refs.tip_of(f"origin/{dest}") is not None
        # merged from its remote-tracking branch (an integrator's clone): merged that way again
        merged = refs.shown_name(source.name) or source.name
        return hint(
            git("merge", "--abort"),
            git("switch", dest),
            *([git("pull", "--ff-only")] if shared else []),
            git("merge", "--no-ff", merged),
            then=f"push it with the merge: git push -u origin {source.name} {dest}"
            if unpushed
            else "",
        )
    return ABORT


def _elsewhere(
    policy: CompiledPolicy, source: MergeSource, source_type: str | None
) -> tuple[str, ...]:
    rule = policy.rule(source_type) if source_type else None
    if rule is None or not rule.into:
        return ()
    return (f"{source.name} may be merged into {or_list(list(rule.into))} branches",)
