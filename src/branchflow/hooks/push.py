"""Judge every ref a push updates: the facts come from the repository, the verdicts from checks.

Shared by the native pre-push hook (every ref, from stdin), the pre-commit
framework's pre-push stage (its first ref only) and, on a server, pre-receive.
"""

from __future__ import annotations

from branchflow.checks.hints import git, hint
from branchflow.checks.merges import from_fork
from branchflow.checks.names import check_branch_name, check_owner
from branchflow.checks.push import (
    check_deletion,
    check_force_push,
    check_new_commits,
    check_pull_request_only,
)
from branchflow.checks.tags import check_tag, check_tag_change, check_version_taken, version_of
from branchflow.checks.violation import Violation, violation
from branchflow.facts import BranchTip, MergeSource, NewCommit, Pusher, RefUpdate
from branchflow.hooks.verdicts import check_base, documented
from branchflow.policy.classify import Match
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.commits import PUSH_WALK_LIMIT
from branchflow.repo.session import RepoSession
from branchflow.repo.state import current_head, is_zero
from branchflow.report import note


def parse_push_lines(text: str) -> list[RefUpdate]:
    """git's pre-push stdin: ``<local ref> <local id> <remote ref> <remote id>`` per line."""
    updates = []
    for line in text.split("\n"):  # not splitlines: U+2028 may be in a ref name
        parts = line.rsplit(" ", 3)
        if len(parts) == 4:
            updates.append(RefUpdate(*parts))
    return updates


def judge_push(
    session: RepoSession,
    updates: list[RefUpdate],
    remote: str | None,
    *,
    platform_merge: bool = False,
    forced: bool | None = None,
    setting_up: str | None = None,
    pusher: Pusher | None = None,
) -> list[Violation]:
    """``remote``: the remote pushed to, on the pushing side; None on the receiving server,
    which has every branch itself. ``platform_merge``: the hosting platform is merging a
    pull request, which is how a ``pull-request`` branch is meant to change. ``forced``:
    whether the push was asked to force (None: not known). ``setting_up``: the ref that
    brings the repository's first policy (nothing ruled before it): its creation is the
    repository's setting up, as a first push to an empty repository is. ``pusher``: who
    pushes, for the branch types whose names hold ``{pusher}`` (BF103)."""
    out: list[Violation] = []
    # Tags are judged against the branches as they will be once the push lands.
    after = {
        u.remote_ref[len("refs/heads/") :]: u.new
        for u in updates
        if u.remote_ref.startswith("refs/heads/")
    }
    receiving = _receiving_tips(session, remote)
    # The tags as they will be once the push lands: two tags of one version in one push
    # are two releases of it as much as one pushed after the other.
    tags_after = {
        u.remote_ref[len("refs/tags/") :]: u.new
        for u in updates
        if u.remote_ref.startswith("refs/tags/") and not is_zero(u.new)
    }
    session.pushed_tags = tags_after
    if pusher is not None:
        session.pusher = pusher.slug
    setup = [u for u in updates if u.remote_ref == setting_up and is_zero(u.old)]
    for update in updates:
        if update.remote_ref.startswith("refs/heads/"):
            out += _judge_branch(
                session,
                update,
                remote,
                [] if update in setup else receiving,
                platform_merge=platform_merge,
                forced=forced,
                pushed=after,
            )
            if pusher is not None:
                out += _judge_owner(session.policy, update, remote, pusher)
        elif update.remote_ref.startswith("refs/tags/"):
            tag = update.remote_ref[len("refs/tags/") :]
            moved = []
            if not is_zero(update.old) and update.old != update.new:
                new = None if is_zero(update.new) else update.new
                moved = check_tag_change(session.policy, tag, update.old, new)
            if moved:
                out += moved
            elif not is_zero(update.new):
                out += _judge_tag(session, update, after)
    return out


def _judge_owner(
    policy: CompiledPolicy, update: RefUpdate, remote: str | None, pusher: Pusher
) -> list[Violation]:
    """BF103 for a branch of a type whose names hold ``{pusher}``; nothing for others."""
    branch = update.remote_ref[len("refs/heads/") :]
    match = policy.classify(branch)
    if match is None or match.rule is None:
        return []
    deleting = is_zero(update.new)
    pushed = None if deleting else (remote or "origin", _local_name(update, branch))
    creating = is_zero(update.old)
    return check_owner(branch, match, pusher, deleting=deleting, creating=creating, pushed=pushed)


def _receiving_tips(session: RepoSession, remote: str | None) -> list[BranchTip]:
    """The branches the receiving side has before the push: on the server its own, on the
    pushing side the remote-tracking branches of that remote (none: the remote is empty,
    or has never been fetched, and the server judges)."""
    if remote is None:
        return [t for t in session.tips if t.remote is None]
    return [t for t in session.tips if t.remote == remote]


def _judge_branch(
    session: RepoSession,
    update: RefUpdate,
    remote: str | None,
    receiving: list[BranchTip],
    *,
    platform_merge: bool,
    forced: bool | None,
    pushed: dict[str, str],
) -> list[Violation]:
    policy = session.policy
    branch = update.remote_ref[len("refs/heads/") :]
    creating = is_zero(update.old)
    if is_zero(update.new):
        match = policy.classify(branch)
        if match is None or match.rule is None:
            return []
        local_copy = _deletable_copy(session, branch, remote)
        return check_deletion(branch, match.rule, local_copy=local_copy)
    kind = session.object_kind(update.new)
    if kind != "commit":
        what = {"tree": "a tree", "blob": "a file", "tag": "a tag object"}.get(
            kind or "", "an object the repository does not have"
        )
        return [
            violation(
                "BF001",
                branch,
                f"the push sets {branch} to {update.new[:12]}, {what}; a branch holds commits",
            )
        ]
    to = remote or "origin"
    local = _local_name(update, branch)
    match, out = check_branch_name(policy, branch, refs=session, pushed=(to, local))
    if not creating:
        out = []  # an existing remote branch's name is not this push's doing
    if match is None or match.rule is None:
        return out
    rule = match.rule
    if creating and (not receiving or _created_at_parent(session, rule, update.new, receiving)):
        # A repository's first push, or a branch made where an allowed parent already is:
        # nothing lands on anything, so only a topic branch's base is left to judge.
        if rule.long_lived or not (rule.from_ or rule.documented_in):
            return out
        # Into an empty repository nothing is there to be created from: no base to judge.
        return out + _judge_topic(session, branch, match, update, receiving, base=bool(receiving))
    pull_request = check_pull_request_only(
        policy,
        branch,
        rule,
        remote=to,
        local=local,
        refs=session,
        merged=() if platform_merge else _merged_only(session, rule, update),
    )
    if pull_request and not platform_merge:
        return out + pull_request
    old: str | None = None if creating else update.old
    moved_on = creating  # the branch's history is not what the receiving side accepted
    if old is not None:
        if not session.has_commit(old):
            if remote is not None and forced is False:
                # The remote has moved on past what this clone knows, and the push is not
                # forced: git itself refuses this ref ("fetch first") and pushes the others.
                note(f"{branch}: the remote has commits this clone has not fetched (git fetch)")
                return out
            tracked = session.tip_of(f"{to}/{branch}") if remote is not None else None
            remerge = _remerges(session, update.new, tracked) if tracked else ()
            return out + check_force_push(
                branch, rule, to, missing=True, remerge=remerge, refs=session
            )
        if not session.contains(update.new, old):
            rewrote = remote is not None and session.rewrites_own_work(old, update.new)
            remerge = () if rewrote or remote is None else _remerges(session, update.new, old)
            rewritten = check_force_push(
                branch, rule, to, missing=False, rewrote=rewrote, remerge=remerge, refs=session
            )
            if rewritten:
                return out + rewritten
            moved_on = True
    out += _judge_new_commits(
        session, branch, rule, update, old=old, remote=remote, receiving=receiving, pushed=pushed
    )
    if (rule.from_ or rule.documented_in) and (not rule.long_lived or creating):
        # Where a branch starts was judged when it was created (or last rewritten): a push
        # that only adds to it (a teammate's commit, a merge of develop) leaves it as it was.
        # A long-lived branch is judged when it is created, never by a base inferred later.
        out += _judge_topic(session, branch, match, update, receiving, base=moved_on)
    return out


def _remerges(session: RepoSession, new: str, old: str) -> tuple[str, ...]:
    """The branches this clone merged into a protected branch the remote has moved on from,
    oldest first, when merges of named branches are all it added: made again on top of the
    remote's, they keep the branch's first-parent line (a rebase would put the remote's new
    merges on a side line). Empty when it added anything else."""
    commits = session.new_first_parent_commits(new, [old], limit=20)
    names: list[str] = []
    for commit in reversed(commits):
        branches = [s.name for s in commit.sources if s.kind == "branch"]
        if len(commit.parents) != 2 or len(branches) != 1 or session.tip_of(branches[0]) is None:
            return ()
        names.append(branches[0])
    return tuple(dict.fromkeys(names))


def _deletable_copy(session: RepoSession, branch: str, remote: str | None) -> bool:
    """Whether the pusher has a local ``branch`` that ``git branch -d`` can delete (it is
    not checked out); a server cannot tell, and names none."""
    if remote is None:
        return False  # the server cannot see the pusher's clone
    head = current_head(session.location)
    return session.local_tip(branch) is not None and (head is None or head.branch != branch)


def _merged_only(session: RepoSession, rule: BranchRule, update: RefUpdate) -> tuple[str, ...]:
    """The branches a push merges into a pull-request branch, when that is all it adds and
    each may merge there and still exists (each is then a pull request to open)."""
    if is_zero(update.old) or not session.has_commit(update.old):
        return ()
    commits = session.new_first_parent_commits(update.new, [update.old])
    names: list[str] = []
    for commit in commits:
        sources = commit.sources if len(commit.parents) > 1 else ()
        if len(sources) != 1 or sources[0].kind != "branch" or sources[0].owner:
            return ()
        found = session.type_of(sources[0].name)
        if found is None or not session.policy.merge_allowed(found.name, rule.name):
            return ()
        if session.any_tip(sources[0].name) is None:
            return ()
        names.append(sources[0].name)
    return tuple(dict.fromkeys(names))


def _local_name(update: RefUpdate, branch: str) -> str:
    """What was pushed, as the pusher names it (the server sees no local name)."""
    if update.local_ref.startswith("refs/heads/"):
        return update.local_ref[len("refs/heads/") :]
    return update.local_ref or branch


def _created_at_parent(
    session: RepoSession, rule: BranchRule, new: str, receiving: list[BranchTip]
) -> bool:
    """Whether ``new`` is already on a branch of the receiving side that a branch of this
    type may be created from: with no ``from`` edges, any branch, but for a long-lived or
    protected type only one of its own type, or while it has none a long-lived one (a second
    main at a commit only a bot's branch or an unmerged feature holds would land that work
    on a protected branch unjudged)."""
    if rule.from_:
        parents = session.of_types(rule.from_, receiving)
    elif rule.long_lived or rule.protection:
        # once the type has a branch, another is made only where one of them is: a second
        # main at develop's commit would make unreleased work a release (tags go on main)
        parents = session.of_types((rule.name,), receiving) or [
            t for t in receiving if session.is_long_lived(t.name)
        ]
    else:
        parents = receiving
    return any(session.contains(tip.target, new) for tip in parents)


def _judge_new_commits(
    session: RepoSession,
    branch: str,
    rule: BranchRule,
    update: RefUpdate,
    *,
    old: str | None,
    remote: str | None,
    receiving: list[BranchTip],
    pushed: dict[str, str],
) -> list[Violation]:
    known = _known_to_remote(session, branch, old, remote)
    same = session.of_types((rule.name,), receiving) if old is None and not rule.from_ else []
    if same and (rule.long_lived or rule.protection):
        # a second branch of a protected type (master beside main) brings whatever its
        # own type's branches lack, as a push to them would
        known = [t.target for t in same]
    if old is not None and not rule.protection:
        # What the receiving side's long-lived branches hold was judged there: a feature
        # rebased onto develop brings develop's merges along, and they are not its own.
        known += [t.target for t in receiving if session.is_long_lived(t.name)]
    commits = [
        c._replace(sources=_synced(session, branch, c, old))
        for c in session.new_first_parent_commits(update.new, known)
    ]
    if rule.protection:
        if len(commits) >= PUSH_WALK_LIMIT:
            return [
                violation(
                    "BF001",
                    branch,
                    f"the push adds {PUSH_WALK_LIMIT:,} or more first-parent commits to "
                    f"{branch}, more than branchflow judges in one push; push in parts",
                    type_name=rule.name,
                )
            ]
        commits = [_verified(session, branch, c, remote, pushed) for c in commits]
    # How the commands that undo a local mistake name the remote's state of the branch.
    if old is None:  # created by this push: before its first new commit
        first = commits[-1] if commits else None
        upstream = first.parents[0][:12] if first is not None and first.parents else branch
    elif remote is None:
        upstream = f"origin/{branch}"  # on the server: the pusher's usual name for it
    elif remote in session.remotes:
        upstream = f"{remote}/{branch}"
    else:
        upstream = (old or "")[:12]
    fast_forward_of = [
        name
        for name in sorted(set(session.tips_at.get(update.new, ())) - {branch})
        if (other := session.type_of(name)) is not None and other.name != rule.name
    ]
    return check_new_commits(
        session.policy,
        branch,
        rule,
        commits,
        upstream=upstream,
        fast_forward_of=fast_forward_of,
        refs=session,
    )


def _synced(
    session: RepoSession, branch: str, commit: NewCommit, old: str | None
) -> tuple[MergeSource, ...]:
    """A merge that says it brought ``branch`` into itself (``git pull``) is a sync only when
    what it merged is already on the receiving side's ``branch``; otherwise its merged
    commits are named for what they are."""
    sources = session.with_tag_holders(commit.sources, branch)
    if len(commit.parents) < 2 or not any(s.name == branch and s.kind == "branch" for s in sources):
        return sources
    merged = commit.parents[1:]
    if old is not None and all(session.contains(old, p) for p in merged):
        return sources
    return tuple(MergeSource(p, "commit") for p in merged)


def _verified(
    session: RepoSession,
    branch: str,
    commit: NewCommit,
    remote: str | None,
    pushed: dict[str, str],
) -> NewCommit:
    """A merge into a protected branch is taken for what it holds, not what it says: what it
    carries beyond git's own merge of its parents is found (BF205); and on the server, a
    branch its message names must be there, before the push or in it, holding the merged
    commit; one that is not is "claimed" (BF202), not believed."""
    if len(commit.parents) < 2:
        return commit
    commit = commit._replace(own_changes=session.merge_own_changes(commit.id))
    if remote is not None and remote not in session.remotes:
        return commit  # a push to a URL: what that repository holds is the server's to say
    # In a clone, the remote-tracking branches stand for the server's (the server judges
    # again with its own): a merge of a feature never pushed is told here, with its name.
    merged = commit.parents[1:]
    held = tuple(_held(session, s, branch, merged, pushed, remote=remote) for s in commit.sources)
    if len(merged) > 1:
        # an octopus merge: a merged commit no branch it names holds is merged as a bare
        # commit, and judged as one (the named branches that hold theirs are not blamed)
        named = [s.name for s in held if s.kind == "branch"]
        held += tuple(
            MergeSource(p, "commit")
            for p in merged
            if not any(_holds(session, name, p, pushed, remote) for name in named)
        )
    return commit._replace(sources=held)


def _holds(
    session: RepoSession, name: str, commit: str, pushed: dict[str, str], remote: str | None
) -> bool:
    """Whether the receiving side's ``name`` holds ``commit`` once the push lands: pushed now,
    else as it is there (on the server its own branch; in a clone, the remote-tracking one)."""
    tip = pushed.get(name)
    if tip is None or is_zero(tip):
        tip = session.tip_of(name if remote is None else f"{remote}/{name}")
    return tip is not None and session.contains(tip, commit)


def _held(
    session: RepoSession,
    source: MergeSource,
    branch: str,
    merged: tuple[str, ...],
    pushed: dict[str, str],
    *,
    remote: str | None,
) -> MergeSource:
    """``source`` when the server has the branch it names holding a merged commit (after
    the push, or before it when the push deletes it); else the claim, as "claimed"."""
    if source.kind == "tag":  # believed only when the tag is here, at what was merged
        tagged = session.tag_commit(source.name)
        if tagged is not None and tagged in merged:
            return source
        return MergeSource(merged[0], "commit")
    if source.kind != "branch" or source.name == branch:
        return source  # a sync was checked by _synced
    if from_fork(session.policy, source, session):
        return source  # another repository's branch: forks.into says where it may go
    if any(_holds(session, source.name, p, pushed, remote) for p in merged):
        return source
    return MergeSource(source.name, "claimed", (merged[0],))


def _known_to_remote(
    session: RepoSession, branch: str, old: str | None, remote: str | None
) -> list[str]:
    """Commits the receiving side already has: the branch's old tip; for a new branch the
    remote-tracking branches of that remote, else (and on a server) the long-lived branches:
    hiding a thousand topic tips from the walk would cost more than it could change."""
    if old is not None:
        return [old]
    tracking = [t.target for t in session.tips if remote is not None and t.remote == remote]
    if tracking:
        return tracking
    return [t.target for t in session.graph_context.long_lived if t.name != branch]


def _judge_topic(
    session: RepoSession,
    branch: str,
    match: Match,
    update: RefUpdate,
    receiving: list[BranchTip],
    *,
    base: bool,
) -> list[Violation]:
    """The topic branch's base (when ``base``) and, where its type asks, its write-up,
    judged against the receiving side's branch it will merge into."""
    out: list[Violation] = []
    if base:
        # The pushed local branch's reflog speaks for it; a remote-tracking ref or a commit
        # pushed under this name has none (the server sees no local name: its own graph).
        if update.local_ref.startswith("refs/heads/"):
            reflog_of: str | None = update.local_ref[len("refs/heads/") :]
        else:
            reflog_of = None if update.local_ref else ""
        arriving = is_zero(update.old)
        out += check_base(
            session, branch, match, update.new, reflog_of=reflog_of, arriving=arriving
        )[1]
    rule = match.rule
    if rule is not None and rule.documented_in:
        into = [t for t in receiving if (r := session.type_of(t.name)) and r.name in rule.into]
        target = into[0].target if into else None
        if target is None:
            found = next(filter(None, (session.existing(t) for t in rule.into)), None)
            target = found.target if found is not None else None
        if target is not None:
            out += documented(session, branch, rule, update.new, target, when="pushed for merge")
    return out


def _judge_tag(session: RepoSession, update: RefUpdate, after: dict[str, str]) -> list[Violation]:
    policy = session.policy
    if policy.tags is None:
        return []
    tag = update.remote_ref[len("refs/tags/") :]
    commit = session.peeled_commit(update.new)
    if commit is None:
        return [_no_commit_tagged(tag)]
    tips = {t.name: t.target for t in session.tips if t.remote is None}
    tips.update(
        {t.name: t.target for t in session.tips if t.remote is not None and t.name not in tips}
    )
    tips.update({name: new for name, new in after.items() if not is_zero(new)})
    on_types: set[str] = set()
    for name, target in tips.items():
        rule = session.type_of(name)
        if rule is None or rule.name in on_types or rule.name not in policy.tags.on:
            continue
        if session.contains(target, commit):
            on_types.add(rule.name)
    releases = _releases(session, commit, tips)
    found = check_tag(policy, tag, commit, on_types=on_types, releases=releases, refs=session)
    if not found and is_zero(update.old):
        found = check_version_taken(policy, tag, commit, _release_tags(session, tag))
    for v in found:  # a tag a hint makes is taken for the next bad tag's hint
        for argv in v.hint.commands if v.hint else ():
            if argv[:2] == ("git", "tag") and not argv[2].startswith("-"):
                session.reserve_tag(argv[2])
    return found


def _release_tags(session: RepoSession, tag: str) -> dict[str, str]:
    """The receiving side's tags of the policy's tag template, and their commits (a tag of
    another name is no release, and costs no lookup)."""
    policy = session.policy
    out = {}
    pushed = session.pushed_tags
    for name in session.read_tag_names() | set(pushed):
        if name != tag and policy.classify_tag(name) is not None:
            commit = session.peeled_commit(pushed[name]) if name in pushed else None
            commit = commit or session.tag_commit(name)
            if commit is not None:
                out[name] = commit
    return out


def _no_commit_tagged(tag: str) -> Violation:
    return violation(
        "BF503",
        tag,
        "the tag marks a tree or a file, not a commit; tags mark commits",
        hint=hint(git("tag", "-d", tag)),
    )


def _releases(session: RepoSession, commit: str, tips: dict[str, str]) -> list[str]:
    """Versioned branches the commit is the tip of, or the merge commit of."""
    names = {name for name, target in tips.items() if target == commit}
    commits = session.new_first_parent_commits(commit, [], limit=1)
    if commits and len(commits[0].parents) > 1:
        names |= {s.name for s in commits[0].sources if s.kind == "branch"}
    out = []
    for name in sorted(names):
        found = session.policy.classify(name)
        if found is not None and found.rule is not None and version_of(found.groups):
            out.append(name)
    return out
