"""``branchflow ci``: judge the pull request (or branch) a CI pipeline is building.

The provider is detected from the environment (GitHub Actions, GitLab CI,
Bitbucket Pipelines, Azure Pipelines, Jenkins); ``--source``/``--target``
name them anywhere else. Checked: the source branch's name, that it may be
merged into the target, and that it was created from an allowed base. CI
clones are often shallow: then the base cannot be told, and the message says
how to make this provider fetch the history.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from branchflow.checks.hints import words
from branchflow.checks.merges import check_merge
from branchflow.checks.names import check_branch_name
from branchflow.checks.violation import Violation, blocking, judge
from branchflow.commands.context import command_context
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError, UsageError
from branchflow.formats import github_annotations, to_json, to_sarif
from branchflow.hooks.session import RepoSession
from branchflow.providers import Build, detect
from branchflow.repo.history import commit_at
from branchflow.repo.merge_message import MergeSource
from branchflow.report import note, print_violations


def _build(args: argparse.Namespace) -> Build:
    if args.source or args.target:
        if not args.source:
            raise UsageError("--target needs --source")
        return Build("command line", args.source, args.target, None, None, "git fetch --unshallow")
    found = detect(os.environ)
    if found is None:
        raise UsageError(
            "no CI system detected (GitHub Actions, GitLab CI, Bitbucket, Azure Pipelines, "
            "Jenkins); name the branches with --source and --target"
        )
    return found


def source_tip(session: RepoSession, build: Build, branch: str) -> str | None:
    """The source branch's commit: as the provider says, else its remote-tracking ref, else
    the second parent of a pull request's merge commit, else HEAD."""
    repo = session.repo
    if build.source_commit and commit_at(repo, build.source_commit) is not None:
        return build.source_commit
    tracked = next((t.target for t in session.tips if t.remote and t.name == branch), None)
    local = session.local_tip(branch)
    if tracked or local:
        return tracked or local
    if repo.head_is_unborn:
        return None
    head = commit_at(repo, str(repo.head.target))
    if head is None:
        return None
    if build.target and len(head.parent_ids) == 2:
        return str(head.parent_ids[1])  # refs/pull/N/merge: target first, source second
    return str(head.id)


def judge_build(session: RepoSession, build: Build) -> list[Violation]:
    policy = session.policy
    branch = build.source or build.branch
    if branch is None:
        return []
    match, out = check_branch_name(policy, branch)
    if match is None or match.rule is None:
        return out
    if build.source and build.target:
        target = policy.classify(build.target)
        if target is not None and target.rule is not None:
            allowed = [
                r.name for r in policy.branches if policy.merge_allowed(match.rule.name, r.name)
            ]
            retarget_tip = next(filter(None, (session.existing(t) for t in allowed)), None)
            retarget = retarget_tip.name if retarget_tip is not None else None
            fix = words(
                f"change the pull request's target branch to {retarget}"
                if retarget
                else "close the pull request; this merge is not part of the flow"
            )
            out += check_merge(
                policy,
                build.target,
                target.rule,
                (MergeSource(branch, "branch"),),
                fix=fix,
                refs=session,
            )
    tip = source_tip(session, build, branch)
    _, found = session.check_base(branch, match, tip)
    out += [
        v._replace(hint=words(build.unshallow))
        if v.rule.id == "BF302" and session.repo.is_shallow and build.provider != "command line"
        else v  # on the command line, the check's own command is the fix
        for v in found
    ]
    return out


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    if context.location is None:
        raise RepoError("not inside a git repository; run branchflow ci in the checked-out repo")
    build = _build(args)
    session = RepoSession(context.location, context.loaded.policy)
    if session.repo.is_shallow:
        note(
            f"this {build.provider} clone is shallow, so a branch's base cannot be told; "
            f"to fix: {build.unshallow}"
        )
    violations = judge(context.loaded.policy, judge_build(session, build))
    data: dict[str, Any] = {
        "provider": build.provider,
        "source": build.source,
        "target": build.target,
        "branch": build.branch,
        "policy": context.loaded.policy.label,
    }
    if args.format == "json":
        print(to_json(violations, data))
    elif args.format == "sarif":
        print(to_sarif(violations, _policy_file(context.root)))
    else:
        what = f"{build.source} -> {build.target}" if build.source else build.branch
        print_violations(violations)
        if build.provider == "github" and violations:
            print(github_annotations(violations))
        if not violations:
            note(f"{build.provider}: {what}: ok under {context.loaded.policy.label}")
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK


def _policy_file(root: str) -> str | None:
    for name in (".branchflow.yaml", ".branchflow.yml", ".branchflow.toml", "pyproject.toml"):
        if os.path.isfile(os.path.join(root, name)):
            return name
    return None
