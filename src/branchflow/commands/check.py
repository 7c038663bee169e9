"""``branchflow check [--all | NAME ...]``: the type and template each name matches, or why none.

Without names it checks the current branch; ``--all`` checks every local and
remote-tracking branch.
"""

from __future__ import annotations

import argparse

from branchflow.checks.names import check_branch_name
from branchflow.checks.rules import Violation
from branchflow.commands.context import command_context
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError
from branchflow.repo.state import current_head
from branchflow.report import note, print_violations, shown


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    policy = context.loaded.policy
    names: list[str] = list(args.names)
    if args.all:
        if context.location is None:
            raise RepoError("not inside a git repository; --all checks its branches")
        from branchflow.repo.inspect import branch_names, open_repository

        names += branch_names(open_repository(context.location))
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
        match, found = check_branch_name(policy, name)
        violations.extend(found)
        if match is not None:
            print(f"{shown(name)}: {match.describe()}")
    if args.verbose:
        note(f"policy: {policy.label}")
    # The list of allowed names is the same for every bad name: show it once.
    shown_details = False
    for n, v in enumerate(violations):
        if v.details and shown_details:
            violations[n] = v._replace(details=())
        shown_details = shown_details or bool(v.details)
    print_violations(violations)
    return EXIT_VIOLATION if violations else EXIT_OK
