"""post-checkout: warn the moment a branch is created with a bad name or from the wrong base.

git passes ``<previous HEAD> <new HEAD> <flag>`` (flag 1 for a branch checkout);
the pre-commit framework passes PRE_COMMIT_CHECKOUT_TYPE instead. A branch was
just created when HEAD is on it and its reflog holds one entry, ``branch:
Created from X``. The hook cannot undo the checkout, so it only warns and
always exits 0; the first commit on the branch is where it is enforced.
"""

from __future__ import annotations

import os

from branchflow.errors import EXIT_OK
from branchflow.hooks.options import HookOptions
from branchflow.repo.reflog import CREATED, branch_reflog
from branchflow.repo.state import current_head, locate


def run(options: HookOptions) -> int:
    flag = options.args[2] if len(options.args) >= 3 else os.environ.get("PRE_COMMIT_CHECKOUT_TYPE")
    if flag != "1":
        return EXIT_OK  # a file checkout
    location = locate()
    head = current_head(location) if location else None
    if location is None or head is None or head.branch is None:
        return EXIT_OK
    entries = branch_reflog(location, head.branch)
    if len(entries) != 1 or not entries[0].message.startswith(CREATED):
        return EXIT_OK  # switching to a branch that already existed
    from branchflow.checks.names import check_branch_name
    from branchflow.checks.violation import blocking, judge
    from branchflow.hooks.session import RepoSession
    from branchflow.policy.load import load_policy
    from branchflow.report import note, print_violations

    policy = load_policy(location.work_tree, config=options.config, preset=options.preset).policy
    session = RepoSession(location, policy)
    match, violations = check_branch_name(policy, head.branch, refs=session)
    if match is not None and match.rule is not None:
        violations += session.check_base(head.branch, match)[1]
    violations = judge(policy, violations)
    print_violations(violations)
    if blocking(violations):
        note("the first commit on this branch will be refused until this is fixed")
    return EXIT_OK
