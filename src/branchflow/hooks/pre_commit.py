"""The pre-commit stage: may this commit be made on this branch?

Checked: the branch's name; on a protected branch, that the commit concludes a
merge of allowed sources; on any branch, that a merge being concluded brings
in only allowed sources; and, for the first commit on a branch, that it was
created from an allowed base.

Behaviour in every state HEAD can be in:
- unborn (the first commit of a repository): the name is checked; protection does
  not apply, since there is nothing to protect yet;
- detached HEAD, including during a bisect: nothing to check; says so and allows;
- rebase in progress: the branch being rebased is checked as if committed to;
- cherry-pick, revert or am in progress: checked like any commit on the branch,
  with the command that abandons the operation as the hint.

A branch found in order once is remembered with the policy (``policy.cache``),
keyed by the commit its reflog says it was created at: later commits on it read
HEAD, one reflog line and one cache file, and import nothing else.
"""

from __future__ import annotations

import os

from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError
from branchflow.policy import cache
from branchflow.repo.state import HeadState, RepoLocation, creation_id, current_head, locate
from branchflow.report import note

TYPE_CHECKING = False
if TYPE_CHECKING:
    from branchflow.hooks.options import HookOptions


def verdict_ok(location: RepoLocation, branch: str) -> str | None:
    """What is remembered of a branch found in order; None (nothing remembered) without
    a reflog, where nothing tells a branch deleted and created again from the old one."""
    created = creation_id(location, branch)
    return f"ok {created}" if created else None


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
        remembered = entry.verdicts.get(head.branch) if entry is not None else None
        if (
            entry is not None
            and remembered is not None
            and remembered == verdict_ok(location, head.branch)
        ):
            for warning in entry.warnings:
                note(f"warning: {warning}")
            return EXIT_OK
    return _check(options, location, head)


def _env() -> str | None:
    return os.environ.get("BRANCHFLOW_CONFIG") or None


def _check(options: HookOptions, location: RepoLocation, head: HeadState) -> int:
    from branchflow.checks.merges import check_merge
    from branchflow.checks.names import check_branch_name
    from branchflow.checks.protection import check_commit
    from branchflow.checks.violation import blocking, with_severities
    from branchflow.hooks.verdicts import check_base, undocumented
    from branchflow.policy.load import load_policy
    from branchflow.repo.gitcmd import has_changes
    from branchflow.repo.session import RepoSession
    from branchflow.repo.state import branch_exists
    from branchflow.report import print_violations

    loaded = load_policy(location.work_tree, config=options.config, preset=options.preset)
    policy = loaded.policy
    for warning in loaded.warnings:
        note(f"warning: {warning}")
    branch = head.branch or head.rebasing_branch
    if branch is None:
        during = f" during a {head.operation}" if head.operation else ""
        at = (head.detached_at or "")[:12]
        note(f"HEAD is detached at {at}{during}; not on a branch, so there is nothing to check")
        return EXIT_OK
    unborn = not branch_exists(location, branch)
    session = RepoSession(location, policy)
    match, violations = check_branch_name(policy, branch, refs=session)
    evidence = None
    if match is not None and match.rule is not None:
        rule = match.rule
        if head.operation == "merge":
            sources = session.with_tag_holders(session.merge_sources(), branch)
            violations += check_merge(policy, branch, rule, sources, refs=session)
            violations += undocumented(session, sources, branch, when="merged")
        else:
            violations += check_commit(
                policy, branch, match, unborn=unborn, operation=head.operation, refs=session
            )
        if not unborn and rule.from_ and head.operation is None:
            # the hint carries the work across only when there is some: `git stash push` with
            # nothing to save saves nothing, and its `pop` would bring back an older stash
            work = has_changes(location.work_tree or ".")
            evidence, found = check_base(session, branch, match, staged=work)
            violations += found
    violations = with_severities(policy, violations)
    print_violations(violations)
    if blocking(violations):
        return EXIT_VIOLATION
    protected = match is not None and match.rule is not None and bool(match.rule.protection)
    verdict = verdict_ok(location, branch)
    if not protected and not unborn and head.operation is None and verdict is not None:
        cache.remember(loaded.entry, branch, verdict)
    if options.verbose and match is not None:
        note(f"{branch}: ok, {match.describe()}")
        if evidence is not None:
            note(f"{branch}: base {' or '.join(evidence.candidates)} ({evidence.detail})")
    return EXIT_OK
