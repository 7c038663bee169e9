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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from branchflow.checks.hints import RefView
    from branchflow.policy.compiled import CompiledPolicy
    from branchflow.repo.state import RepoLocation


def created_branches(text: str) -> list[tuple[str, str]]:
    """(branch, the commit it is created at) for each branch the transaction creates."""
    created = []
    for line in text.split("\n"):  # not splitlines: U+2028 may be in a ref name
        parts = line.split(" ", 2)
        new_branch = len(parts) == 3 and parts[2].startswith("refs/heads/")
        if new_branch and not parts[0].strip("0") and parts[1].strip("0"):
            created.append((parts[2][len("refs/heads/") :], parts[1]))
    return created


def run(options: HookOptions) -> int:
    if not options.args or options.args[0] != "prepared":
        return EXIT_OK
    created = created_branches(sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
    if not created:
        return EXIT_OK
    from branchflow.checks.names import check_branch_name
    from branchflow.checks.violation import blocking, with_severities
    from branchflow.policy.load import load_policy
    from branchflow.repo.state import locate
    from branchflow.report import print_violations

    location = locate()
    root = location.work_tree if location else None
    policy = load_policy(root, config=options.config, preset=options.preset).policy
    violations = []
    for name, commit in created:
        found = check_branch_name(policy, name)[1]
        if found:  # only then is it worth asking git what the start point was called
            start = _start_point(location, name, commit)
            refs = _branches(location, policy)
            found = check_branch_name(policy, name, creating=True, start=start, refs=refs)[1]
            moved = _files_moved(location, commit)
            if moved is not None:
                found = [v._replace(details=(*v.details, moved)) for v in found]
            violations += found
    violations = with_severities(policy, violations)
    print_violations(violations)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK


def _branches(location: RepoLocation | None, policy: CompiledPolicy) -> RefView:
    """The repository's branches, for the hint (which names are taken, where a type starts),
    read with ``git for-each-ref``."""
    from branchflow.checks.hints import NO_REFS
    from branchflow.policy.branches import Branches
    from branchflow.repo.refs import read_snapshot

    if location is None:
        return NO_REFS
    return Branches(policy, tips=read_snapshot(location).tips)


def _files_moved(location: RepoLocation | None, commit: str) -> str | None:
    """``git switch -c``/``checkout -b`` put the new branch's files in place before they
    create it: refused, they leave HEAD where it was over the other branch's files, and the
    next commit would record them. When the index is nearer ``commit`` than HEAD, the words
    and the command that put HEAD's files back (keeping local changes)."""
    from branchflow.repo.gitcmd import index_nearer
    from branchflow.repo.state import current_head

    if location is None or location.work_tree is None:
        return None
    head = current_head(location)
    if head is None or head.branch is None:
        return None
    if not index_nearer(location.work_tree, commit):
        return None
    return (
        f"git has already put the files of {commit[:12]} in place, but you are still on "
        f"{head.branch}: to stay on it, put its files back first (local changes are kept): "
        f"git read-tree -m -u {commit[:12]} HEAD"
    )


def _start_point(location: RepoLocation | None, name: str, commit: str) -> str:
    """How the user would name the commit a branch is being created at: a branch there
    (origin/feat/x), else the commit itself."""
    from branchflow.repo.gitcmd import branches_at

    cwd = (location.work_tree or location.git_dir) if location else "."
    names = [n for n in branches_at(cwd, commit) if n != name]
    # `git switch X` making a local copy of a teammate's origin/X: that copy is the start
    copies = [n for n in names if n.split("/", 1)[-1] == name]
    return (copies or names or [commit[:12]])[0]
