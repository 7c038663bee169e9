"""``branchflow ci``: judge the pull request, branch or tag a CI pipeline is building.

The provider is detected from the environment (GitHub Actions, GitLab CI,
Bitbucket Pipelines, Azure Pipelines, Jenkins); ``--source``/``--target``
name them anywhere else. Checked: the source branch's name, that it may be
merged into the target, that it was created from an allowed base, and that it
documents its experiments when its type asks (BF601); for a tag build, the
tag's name. A pull request is judged by the policy on its target branch
(``commands.ci_policy``). CI clones are often shallow: then the base cannot be
told, and the message says how to make this provider fetch the history.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from branchflow.checks.hints import words
from branchflow.checks.merges import check_fork, check_merge
from branchflow.checks.names import check_branch_name
from branchflow.checks.tags import check_tag
from branchflow.checks.violation import Violation, blocking, with_severities
from branchflow.commands.ci_policy import choose_policy, find_target
from branchflow.commands.context import report_file, work_root
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError, UsageError
from branchflow.facts import MergeSource
from branchflow.formats import github_annotations, to_json, to_sarif
from branchflow.hooks.verdicts import check_base, documented
from branchflow.policy.classify import Match
from branchflow.policy.compiled import CompiledPolicy
from branchflow.providers import Build, detect
from branchflow.repo.objects import Repository
from branchflow.repo.session import RepoSession
from branchflow.repo.state import locate
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
    if build.source_commit and session.has_commit(build.source_commit):
        return build.source_commit
    tracked = next((t.target for t in session.tips if t.remote and t.name == branch), None)
    local = session.local_tip(branch)
    if tracked or local:
        return tracked or local
    head = session.head_commit()
    parents = session.parents(head) if head is not None else None
    if head is None or parents is None:
        return None
    if build.target and len(parents) == 2:
        return parents[1]  # refs/pull/N/merge: target first, source second
    return head


def judge_build(session: RepoSession, build: Build, target: str | None) -> list[Violation]:
    """``target``: the target branch's commit, when this clone has it."""
    branch = build.source or build.branch
    if branch is None:
        return judge_tag(session, build.tag) if build.tag else []
    if build.fork and build.source and build.target:
        return judge_fork(session.policy, build.fork, build.source, build.target)
    match, out = check_branch_name(session.policy, branch, remote="origin", refs=session)
    if match is None or match.rule is None:
        return out
    if build.source and build.target:
        out += _judge_direction(session, branch, match, build.target)
    tip = source_tip(session, build, branch)
    _, found = check_base(session, branch, match, tip)
    out += [
        v._replace(hint=words(build.unshallow))
        if v.rule.id == "BF302" and session.is_shallow and build.provider != "command line"
        else v  # on the command line, the check's own command is the fix
        for v in found
    ]
    if build.source and target and tip and match.rule.documented_in:
        out += documented(session, branch, match.rule, tip, target, when="merged")
    return out


def judge_fork(policy: CompiledPolicy, fork: str, source: str, target: str) -> list[Violation]:
    """A pull request from another repository: its branch is named as that owner pleases
    and started where they chose; where it may go is ``forks.into``."""
    rule = policy.type_of(target)
    if rule is None:
        return []
    owner = fork.partition("/")[0] or fork
    return check_fork(policy, target, rule, MergeSource(source, "branch", owner=owner))


def _judge_direction(
    session: RepoSession, branch: str, match: Match, target_name: str
) -> list[Violation]:
    policy = session.policy
    target = policy.classify(target_name)
    if match.rule is None or target is None or target.rule is None:
        return []
    allowed = [r.name for r in policy.branches if policy.merge_allowed(match.rule.name, r.name)]
    retarget_tip = next(filter(None, (session.existing(t) for t in allowed)), None)
    fix = words(
        f"change the pull request's target branch to {retarget_tip.name}"
        if retarget_tip is not None
        else "close the pull request; this merge is not part of the flow"
    )
    return check_merge(
        policy, target_name, target.rule, (MergeSource(branch, "branch"),), fix=fix, refs=session
    )


def judge_tag(session: RepoSession, tag: str) -> list[Violation]:
    """A tag build: the tag's name (BF501). Where the tag points is for the push and the
    audit to judge: a CI clone may lack the branches that would tell."""
    commit = session.tag_commit(tag) or "HEAD"
    found = check_tag(session.policy, tag, commit, on_types=set(), releases=[])
    return [v for v in found if v.rule.id == "BF501"]


def _what(build: Build) -> str | None:
    if build.source:
        source = f"{build.fork}:{build.source} (a fork)" if build.fork else build.source
        return f"{source} -> {build.target}" if build.target else source
    if build.branch:
        return build.branch
    return f"tag {build.tag}" if build.tag else None


def run(args: argparse.Namespace) -> int:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository; run branchflow ci in the checked-out repo")
    root = work_root(location)
    build = _build(args)
    repo = Repository(location)
    target = find_target(repo, build)
    chosen = choose_policy(args, root, build, target)
    session = repo.session(chosen.policy)
    for line in (chosen.said, *chosen.notes):
        note(line)
    if repo.is_shallow:
        note(
            f"this {build.provider} clone is shallow, so a branch's base cannot be told; "
            f"to fix: {build.unshallow}"
        )
    target_commit = target.files.commit if target else None
    violations = with_severities(chosen.policy, judge_build(session, build, target_commit))
    data: dict[str, Any] = {
        "provider": build.provider,
        "source": build.source,
        "target": build.target,
        "branch": build.branch,
        "tag": build.tag,
        "policy": chosen.policy.label,
        "policy_source": chosen.source,
    }
    if args.format == "json":
        print(to_json(violations, data))
    elif args.format == "sarif":
        print(to_sarif(violations, report_file(root, chosen.file)))
    else:
        _print_text(build, violations, chosen.policy.label)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK


def _print_text(build: Build, violations: list[Violation], label: str) -> None:
    what = _what(build)
    print_violations(violations)
    if build.provider == "github" and violations:
        print(github_annotations(violations))
    if what is None:
        note(f"{build.provider}: the build names no pull request, branch or tag; nothing to check")
    elif not violations:
        note(f"{build.provider}: {what}: ok under {label}")
