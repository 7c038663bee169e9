"""reference-transaction: refuse a badly named local branch at the moment it is created.

git runs the hook with the transaction's state as its argument and
``<old> <new> <ref>`` lines on stdin for every ref update. Only the
``prepared`` state can abort, and only the creation of a ``refs/heads/`` ref
(old id all zeros) is judged; the installed script already leaves early for
everything else. ``git branch -m`` renames do not pass through here.
"""

from __future__ import annotations

import sys

from branchflow.errors import EXIT_OK, EXIT_VIOLATION
from branchflow.hooks.options import HookOptions


def created_branches(text: str) -> list[str]:
    from branchflow.hooks.push import is_zero

    names = []
    for line in text.splitlines():
        parts = line.split(" ", 2)
        created = len(parts) == 3 and is_zero(parts[0]) and not is_zero(parts[1])
        if created and parts[2].startswith("refs/heads/"):
            names.append(parts[2][len("refs/heads/") :])
    return names


def run(options: HookOptions) -> int:
    if not options.args or options.args[0] != "prepared":
        return EXIT_OK
    names = created_branches(sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
    if not names:
        return EXIT_OK
    from branchflow.checks.names import check_branch_name
    from branchflow.checks.violation import blocking, judge
    from branchflow.policy.load import load_policy
    from branchflow.repo.state import locate
    from branchflow.report import print_violations

    location = locate()
    root = location.work_tree if location else None
    policy = load_policy(root, config=options.config, preset=options.preset).policy
    violations = []
    for name in names:
        violations += check_branch_name(policy, name, creating=True)[1]
    violations = judge(policy, violations)
    print_violations(violations)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK
