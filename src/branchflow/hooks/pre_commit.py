"""The pre-commit stage: is the branch being committed to named right, and may it take commits?

Behaviour in every state HEAD can be in:
- on a branch: its name must match a branch type (or be exempt), and a protected
  branch takes no direct commits;
- concluding a merge (MERGE_HEAD exists, after a conflict): allowed on a protected
  branch when every merged source is allowed into it;
- unborn (the first commit of a repository): the name is checked; protection does
  not apply, since there is nothing to protect yet;
- detached HEAD, including during a bisect: nothing to check; says so and allows;
- rebase in progress: the branch being rebased is checked as if committed to;
- cherry-pick, revert or am in progress: checked like any commit on the branch,
  with the command that abandons the operation as the hint.

A branch found in order once is remembered with the policy (``policy.cache``):
later commits on it read HEAD and one cache file, and import nothing else.
"""

from __future__ import annotations

import os

from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError
from branchflow.policy import cache
from branchflow.repo.state import HeadState, RepoLocation, current_head, locate
from branchflow.report import note

TYPE_CHECKING = False
if TYPE_CHECKING:
    from branchflow.hooks.options import HookOptions

OK = "ok"


def run(options: HookOptions) -> int:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    head = current_head(location)
    if head is None:
        raise RepoError(f"cannot read HEAD in {location.git_dir}")
    if head.branch is not None and head.operation is None and not options.verbose:
        key = cache.policy_key(location.work_tree, options.config, options.preset, _env())
        entry = cache.lookup(key)
        if entry is not None and entry.verdicts.get(head.branch) == OK:
            for warning in entry.warnings:
                note(f"warning: {warning}")
            return EXIT_OK
    return _check(options, location, head)


def _env() -> str | None:
    return os.environ.get("BRANCHFLOW_CONFIG") or None


def _check(options: HookOptions, location: RepoLocation, head: HeadState) -> int:
    from branchflow.checks.names import check_branch_name
    from branchflow.checks.protection import check_commit
    from branchflow.policy.load import load_policy
    from branchflow.repo.state import branch_exists
    from branchflow.report import print_violations

    loaded = load_policy(location.work_tree, config=options.config, preset=options.preset)
    for warning in loaded.warnings:
        note(f"warning: {warning}")
    branch = head.branch or head.rebasing_branch
    if branch is None:
        during = f" during a {head.operation}" if head.operation else ""
        at = (head.detached_at or "")[:12]
        note(f"HEAD is detached at {at}{during}; not on a branch, so there is nothing to check")
        return EXIT_OK
    match, violations = check_branch_name(loaded.policy, branch)
    protected = match is not None and match.rule is not None and bool(match.rule.protection)
    if protected and match is not None:
        merging = None
        if head.operation == "merge":
            from branchflow.repo.inspect import merge_sources, open_repository

            merging = merge_sources(open_repository(location), location)
        violations = check_commit(
            loaded.policy,
            branch,
            match,
            unborn=not branch_exists(location, branch),
            operation=head.operation,
            merging=merging,
        )
    if violations:
        print_violations(violations)
        return EXIT_VIOLATION
    if not protected:
        cache.remember(loaded.entry, branch, OK)
    if options.verbose and match is not None:
        note(f"{branch}: ok, {match.describe()}")
    return EXIT_OK
