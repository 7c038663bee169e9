"""post-checkout: warn the moment a branch is created with a bad name or from the wrong base.

git passes ``<previous HEAD> <new HEAD> <flag>`` (flag 1 for a branch checkout);
the pre-commit framework passes PRE_COMMIT_CHECKOUT_TYPE instead. A branch was
just created when HEAD is on it and its reflog holds one entry, ``branch:
Created from X``. The hook cannot undo the checkout; the first commit on the
branch is where it is enforced. As a native hook it always exits 0. Under
pre-commit, which shows a hook's output only when the hook fails, it exits 1
exactly when it has something to say (git then reports that status as the
checkout's, so the message says the checkout happened); when branchflow's
native post-checkout hook is installed too, that one speaks and this one stays quiet.
"""

from __future__ import annotations

import os

from branchflow.errors import EXIT_OK, EXIT_VIOLATION
from branchflow.hooks.options import HookOptions


def run(options: HookOptions) -> int:
    framework = not options.args and "PRE_COMMIT_CHECKOUT_TYPE" in os.environ
    flag = options.args[2] if len(options.args) >= 3 else os.environ.get("PRE_COMMIT_CHECKOUT_TYPE")
    if flag != "1":
        return EXIT_OK  # a file checkout
    from branchflow.repo.reflog import CREATED, branch_reflog
    from branchflow.repo.state import current_head, locate

    location = locate()
    head = current_head(location) if location else None
    if location is None or head is None or head.branch is None:
        return EXIT_OK
    entries = branch_reflog(location, head.branch)
    if len(entries) != 1 or not entries[0].message.startswith(CREATED):
        return EXIT_OK  # switching to a branch that already existed
    from branchflow.checks.names import check_branch_name
    from branchflow.checks.violation import blocking, with_severities
    from branchflow.hooks.verdicts import check_base
    from branchflow.policy.load import load_policy
    from branchflow.repo.hookfiles import native_hook_installed
    from branchflow.repo.session import RepoSession
    from branchflow.report import note, print_violations

    if framework and native_hook_installed(location, "post-checkout"):
        return EXIT_OK  # the native hook reports the same, and keeps git's exit status 0
    policy = load_policy(location.work_tree, config=options.config, preset=options.preset).policy
    session = RepoSession(location, policy)
    match, violations = check_branch_name(policy, head.branch, refs=session)
    if match is not None and match.rule is not None:
        from branchflow.repo.gitcmd import has_changes

        # uncommitted work came along to the new branch: the hint's rebase must carry it
        work = has_changes(location.work_tree or ".")
        violations += check_base(session, head.branch, match, staged=work)[1]
    violations = with_severities(policy, violations)
    if not violations:
        return EXIT_OK
    print_violations(violations)
    if framework:
        note(_checkout_happened(head.branch, blocking(violations)))
        return EXIT_VIOLATION
    if blocking(violations):
        note("the first commit on this branch will be refused until this is fixed")
    return EXIT_OK


def _checkout_happened(branch: str, blocks: bool) -> str:
    """What to tell someone whose checkout git reports as failed: it was not."""
    said = (
        f"{branch} was created and checked out; git reports the checkout as failed only so "
        "that pre-commit shows this"
    )
    if blocks:
        return f"{said}. Follow the hint before committing: the first commit is refused until then"
    return f"{said}. Nothing is blocked: follow the hint, or carry on"
