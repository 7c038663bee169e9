"""BF101 branch-name and BF102 ref-format: does a name belong to the policy? BF103
branch-owner: is a personal branch pushed by its person?"""

from __future__ import annotations

from branchflow.checks.hints import NO_REFS, Hint, RefView, git, hint, words
from branchflow.checks.violation import Violation, violation
from branchflow.policy.classify import Match
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.refname import ref_format_problem, too_long

TYPE_CHECKING = False
if TYPE_CHECKING:  # not on the quick path of a branch created
    from branchflow.facts import Pusher


def check_branch_name(
    policy: CompiledPolicy,
    name: str,
    *,
    creating: bool = False,
    remote: str | None = None,
    refs: RefView = NO_REFS,
    start: str | None = None,
    unrelated: bool = False,
    pushed: tuple[str, str] | None = None,
) -> tuple[Match | None, list[Violation]]:
    """The name's classification, or the violations that say why it has none.

    ``creating``: the branch does not exist yet (its creation is being refused at
    ``start``), so the fix creates it under another name. ``remote``: the branch exists
    only there, so the fix renames it on that remote. ``unrelated``: it shares no history
    with the long-lived branches (a site, a wiki): renaming it into a branch type would be
    wrong, so the fix exempts it instead. ``pushed``: (remote, what was pushed) when a push
    is creating it there, so the fix pushes it under the new name.
    """
    # A name long enough to hold a component git cannot store is judged by git's rules
    # first: it may match a type and still never exist.
    problem = ref_format_problem(name) if too_long(name) is not None else None
    found = policy.classify(name) if problem is None else None
    if found is not None:
        return found, []
    problem = problem or ref_format_problem(name)
    if problem is not None:
        return None, [violation("BF102", name, f"git does not accept this name: {problem}")]
    from branchflow.checks.suggest import suggest_name

    suggestion = None if unrelated else suggest_name(policy, name, refs)
    details = ("allowed names:", *allowed_lines(policy))
    if unrelated:
        fix = words(
            f"it shares no history with the long-lived branches; if it is meant to stay "
            f"apart (a published site), exempt it: add {name!r} to exempt: in the policy"
        )
    elif suggestion is None:
        fix = words("rename it to a name of one of the forms above")
    else:
        if creating:
            start = allowed_start(policy, suggestion, start, refs)
        fix = rename_hint(
            name, suggestion, creating=creating, remote=remote, start=start, pushed=pushed
        )
    message = f"matches no branch type of {policy.label}"
    if suggestion is not None:
        message += f"; did you mean {suggestion!r}?"
    return None, [violation("BF101", name, message, details=details, hint=fix)]


def allowed_start(
    policy: CompiledPolicy, name: str, start: str | None, refs: RefView
) -> str | None:
    """Where a branch called ``name`` is created: ``start`` when it is a branch its type may be
    created from (or at the same commit), else such a branch (a feature typed on main starts
    at develop)."""
    found = policy.classify(name)
    rule = found.rule if found is not None else None
    if rule is None or not rule.from_:
        return start
    allowed = [b for b in (refs.branch_of_type(t) for t in rule.from_) if b is not None]
    here = refs.tip_of(start) if start else None
    if not allowed or start in allowed or (here and here in map(refs.tip_of, allowed)):
        return start
    return allowed[0]


def rename_hint(
    old: str,
    new: str,
    *,
    creating: bool,
    remote: str | None,
    start: str | None,
    pushed: tuple[str, str] | None = None,
) -> Hint:
    """Give the branch ``old`` the name ``new``: where a push creates it, where it is being
    created here, only on the remote, or here."""
    if pushed is not None:
        to, local = pushed
        if local == old:
            return hint(git("branch", "-m", old, new), git("push", "-u", to, new))
        return hint(git("push", to, f"{local}:refs/heads/{new}"))
    if creating:
        return hint(git("switch", "-c", new, *([start] if start else [])))
    if remote is not None:
        return hint(
            git("push", remote, f"{remote}/{old}:refs/heads/{new}"),
            git("push", remote, "--delete", old),
        )
    return hint(git("branch", "-m", old, new))


def allowed_lines(policy: CompiledPolicy) -> list[str]:
    width = max((len(rule.name) for rule in policy.branches), default=0)
    lines = []
    for rule in policy.branches:
        forms = " | ".join(p.source for p in rule.patterns)
        example = rule.example
        literal = all(p.source == p.example for p in rule.patterns)
        suffix = f"   e.g. {example}" if example and not literal else ""
        lines.append(f"  {rule.name:<{width}}  {forms}{suffix}")
    if policy.exempt:
        lines.append(f"  {'exempt':<{width}}  {' | '.join(g for g, _ in policy.exempt)}")
    return lines


GUESSED = "git config user.email"  # where a clone's user is only guessed from


def check_owner(
    branch: str,
    match: Match,
    pusher: Pusher,
    *,
    deleting: bool = False,
    creating: bool = True,
    pushed: tuple[str, str] | None = None,
) -> list[Violation]:
    """BF103: a branch whose name holds ``{pusher}`` is pushed (created, moved, deleted) only
    by the person it names. ``creating``: the receiving side has no such branch yet (else
    someone else's work is there). ``pushed``: (remote, what was pushed), for the hint.

    A clone's user taken from ``user.email`` is a guess: a mismatch then only warns, since
    the server may know the person by another name; the server's word decides."""
    rule = match.rule
    owners = match.values_of("pusher")
    if rule is None or not owners:
        return []
    owner = " and ".join(sorted(owners))
    if pusher.slug is None or (
        not pusher.server and pusher.said_by == GUESSED and owners != {pusher.slug}
    ):
        if not pusher.server:  # a clone's guess only warns; the server decides
            from branchflow.report import note

            if pusher.slug is None and pusher.name:
                said = f"{pusher.said_by}={pusher.name!r} is no name {{pusher}} can spell"
            elif pusher.slug is None:
                said = f"cannot tell who you are (set {pusher.said_by})"
            else:
                said = (
                    f"it is {owner}'s, and {GUESSED} names you {pusher.slug}: if the server "
                    f"knows you as {owner}, git config branchflow.user {owner}"
                )
            note(f"{branch}: {said}; the server decides")
            return []
        if pusher.name:  # named, but not in a way {pusher} can spell
            message = (
                f"{branch} is pushed only by {owner}, and this push is by "
                f"{pusher.said_by}={pusher.name!r}, a login no personal branch can be named "
                "after ({pusher} is letters and digits joined by single '.', '_' or '-')"
            )
            fix = words("ask the server's administrator for a login of that form")
        else:
            message = (
                f"{branch} is pushed only by {owner}, and this server does not say who is "
                f"pushing (none of {pusher.said_by.replace(' or ', ', ')} is set, as over "
                "git:// or file://)"
            )
            fix = words("push over the server's authenticated URL (ssh, or https with a login)")
        return [violation("BF103", branch, message, hint=fix, type_name=rule.name)]
    if owners == {pusher.slug}:
        return []
    said = f"{pusher.said_by}={pusher.name}"
    who = f"this push is {pusher.slug}'s" if pusher.server else f"you are {pusher.slug}"
    message = f"{branch} is {owner}'s: only {owner} pushes to it, and {who} ({said})"
    yours = " | ".join(
        p.source.replace("{pusher}", pusher.slug) for p in rule.patterns if "{pusher}" in p.source
    )
    details = [f"{pusher.slug}'s {rule.name} branches: {yours}"]
    if pusher.server:
        details.append(
            f"your clone's hooks check this with: git config branchflow.user {pusher.slug}"
        )
    if deleting:
        fix = words(f"nothing to undo: {branch} stays; only {owner} deletes it")
    elif not creating:  # someone else's work is there: it is theirs to take
        upstream = f"{pushed[0]}/{branch}" if pushed else f"origin/{branch}"
        local = pushed[1] if pushed else branch
        fix = words(
            f"{branch} is {owner}'s to change: send {owner} your commits "
            f"(git format-patch {upstream}..{local}), or ask {owner} to push them"
        )
    else:
        mine = match.replaced("pusher", pusher.slug)
        fix = rename_hint(branch, mine, creating=False, remote=None, start=None, pushed=pushed)
    return [
        violation("BF103", branch, message, details=tuple(details), hint=fix, type_name=rule.name)
    ]
