"""pre-merge-commit: may what is being merged flow into the current branch?

git runs it before a merge commit is written (not for fast-forward or
--squash merges), before MERGE_HEAD exists. The merged commits are named in
GITHEAD_<id> variables (for `git pull`, FETCH_HEAD names the branch). Checked:
the current branch's name, the merge direction (the policy's ``into`` and
``from`` edges), and, for a source whose type asks for it, that it changed
its ``documented_in`` files.
"""

from __future__ import annotations

import os

from branchflow.checks.merges import check_merge
from branchflow.checks.names import check_branch_name
from branchflow.checks.violation import blocking, with_severities
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError
from branchflow.hooks.options import HookOptions
from branchflow.hooks.verdicts import undocumented
from branchflow.policy.load import load_policy
from branchflow.repo.session import RepoSession
from branchflow.repo.state import current_head, locate
from branchflow.report import note, print_violations


def run(options: HookOptions) -> int:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    head = current_head(location)
    if head is None or head.branch is None:
        note("HEAD is detached; a merge here lands on no branch, so there is nothing to check")
        return EXIT_OK
    branch = head.branch
    policy = load_policy(location.work_tree, config=options.config, preset=options.preset).policy
    session = RepoSession(location, policy)
    match, violations = check_branch_name(policy, branch, refs=session)
    if match is not None and match.rule is not None:
        sources = session.with_tag_holders(
            session.merge_sources_from_environment(dict(os.environ)), branch
        )
        violations += check_merge(policy, branch, match.rule, sources, refs=session)
        violations += undocumented(session, sources, branch, when="merged")
    violations = with_severities(policy, violations)
    print_violations(violations)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK
