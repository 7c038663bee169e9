"""``branchflow check [--all | NAME ...]``: the type and template each name matches, or why none.

Without names it checks the current branch; ``--all`` checks every local and
remote-tracking branch. Branches that exist in the repository also have their
base checked; ``-v`` says which evidence decided it.
"""

from __future__ import annotations

import argparse

from branchflow.checks.hints import NO_REFS
from branchflow.checks.names import check_branch_name
from branchflow.checks.violation import Violation, blocking, with_severities
from branchflow.commands.context import command_context
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError
from branchflow.hooks.verdicts import check_base
from branchflow.repo.session import RepoSession
from branchflow.repo.state import current_head
from branchflow.report import note, print_violations, shown


def _only_on_remote(session: RepoSession | None, name: str) -> str | None:
    """The remote of a branch that exists only as a remote-tracking branch, else None."""
    if session is None:
        return None
    tips = session.named(name)
    if not tips or any(t.remote is None for t in tips):
        return None
    return sorted(t.remote for t in tips if t.remote)[0]


def _unrelated(session: RepoSession | None, name: str) -> bool:
    """Whether an existing branch shares no history with the others (a site, a wiki)."""
    tip = session.any_tip(name) if session is not None else None
    if session is None or tip is None:
        return False
    return session.base_evidence(name, tip).source == "none"


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    policy = context.loaded.policy
    names: list[str] = list(args.names)
    session = RepoSession(context.location, policy) if context.location else None
    if args.all:
        if session is None:
            raise RepoError("not inside a git repository; --all checks its branches")
        from branchflow.repo.lookup import branch_names

        names += branch_names(session.verified_tips())
        session.index_every_branch()
    elif not names:
        if context.location is None:
            raise RepoError("not inside a git repository; name the branches to check")
        head = current_head(context.location)
        if head is None:
            raise RepoError(f"cannot read HEAD in {context.location.git_dir}")
        branch = head.branch or head.rebasing_branch
        if branch is None:
            note(
                f"HEAD is detached at {(head.detached_at or '')[:12]}; "
                "not on a branch, so there is nothing to check"
            )
            return EXIT_OK
        names = [branch]
    violations: list[Violation] = []
    for name in names:
        exists = session is not None and session.any_tip(name) is not None
        match, found = check_branch_name(
            policy,
            name,
            remote=_only_on_remote(session, name),
            refs=session or NO_REFS,
            creating=not exists,  # a name being considered: the fix is to choose another
        )
        if found and found[0].rule.id == "BF101" and _unrelated(session, name):
            match, found = check_branch_name(policy, name, unrelated=True)
        violations.extend(found)
        if match is None:
            continue
        print(f"{shown(name)}: {match.describe()}")
        if session is not None and match.rule is not None:
            tip = session.local_tip(name) or session.any_tip(name)
            evidence, found = check_base(session, name, match, tip)
            violations.extend(found)
            if args.verbose and evidence is not None:
                base = " or ".join(evidence.candidates) or "unknown"
                note(f"{name}: base {base} ({evidence.detail})")
    if args.verbose:
        note(f"policy: {policy.label}")
    violations = with_severities(policy, violations)
    # The list of allowed names is the same for every bad name: show it once.
    shown_details = False
    for n, v in enumerate(violations):
        if v.details and shown_details and v.rule.id == "BF101":
            violations[n] = v._replace(details=())
        shown_details = shown_details or (bool(v.details) and v.rule.id == "BF101")
    print_violations(violations)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK
