"""The pre-push hook: every ref a push updates, judged before anything leaves the machine.

Natively git gives ``<remote name> <url>`` as arguments and one line per ref on
stdin. The pre-commit framework runs its pre-push stage once per push with
only the first ref that adds commits (deletions and new empty branches are
skipped) in PRE_COMMIT_* variables; it says so, and leaves the work to the
native hook when ``branchflow install`` has put one in place.
"""

from __future__ import annotations

import os
import sys

from branchflow.checks.violation import blocking, with_severities
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError
from branchflow.facts import RefUpdate
from branchflow.hooks.options import HookOptions
from branchflow.hooks.push import judge_push, parse_push_lines
from branchflow.policy.load import load_policy
from branchflow.repo.hookfiles import native_hook_installed
from branchflow.repo.session import RepoSession
from branchflow.repo.state import decode, locate
from branchflow.report import note, print_violations

FRAMEWORK_NOTE = (
    "the pre-commit framework shows branchflow only the first ref of a push, and no "
    "deletions; `branchflow install --hook pre-push` checks every ref"
)


def run(options: HookOptions) -> int:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    framework = "PRE_COMMIT_REMOTE_BRANCH" in os.environ and not options.args
    if framework and native_hook_installed(location, "pre-push"):
        return EXIT_OK  # the native hook sees every ref; let it judge
    if framework:
        remote = os.environ.get("PRE_COMMIT_REMOTE_NAME", "origin")
    else:
        remote = options.args[0] if options.args else "origin"
    loaded = load_policy(location.work_tree, config=options.config, preset=options.preset)
    session = RepoSession(location, loaded.policy)
    if framework:
        note(FRAMEWORK_NOTE)
        updates = [_framework_update(session, remote)]
    else:
        updates = parse_push_lines(decode(sys.stdin.buffer.read()))
    from branchflow.repo.push_command import push_forced

    pusher = None
    if loaded.policy.names_pusher:
        from branchflow.hooks.identity import local_pusher

        pusher = local_pusher(session.config_value)
    judged = judge_push(session, updates, remote, forced=push_forced(), pusher=pusher)
    violations = with_severities(loaded.policy, judged)
    print_violations(violations)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK


def _framework_update(session: RepoSession, remote: str) -> RefUpdate:
    remote_ref = os.environ["PRE_COMMIT_REMOTE_BRANCH"]
    local_ref = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "")
    # pre-commit passes no TO_REF when the push holds the repository's first commit (it
    # then runs on all files): what is pushed is the local branch's tip.
    new = os.environ.get("PRE_COMMIT_TO_REF") or next(
        (t.target for t in session.tips if t.ref == local_ref), ""
    )
    if not new:
        raise RepoError(f"cannot tell which commit the push of {local_ref or 'HEAD'} sends")
    # pre-commit passes the parent of the first new commit for a branch the remote lacks;
    # whether the remote has the branch is what the remote-tracking ref says.
    tracking = f"refs/remotes/{remote}/{remote_ref.removeprefix('refs/heads/')}"
    old = next((t.target for t in session.tips if t.ref == tracking), "0" * 40)
    return RefUpdate(local_ref, new, remote_ref, old)
