"""Which CI system is running, and what it says about the pull request, branch or tag being built.

Each provider names a pull request's source and target branches in its own
environment variables, and clones shallowly by default in its own way; the
fix for that is provider-specific too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple


class Build(NamedTuple):
    provider: str  # github, gitlab, bitbucket, azure, jenkins, or "command line"
    source: str | None  # a pull request's source branch
    target: str | None  # a pull request's target branch
    source_commit: str | None  # the source branch's commit, when the provider says
    branch: str | None  # the branch a non-pull-request build is for
    unshallow: str  # how to make this provider clone the whole history
    target_commit: str | None = None  # the target branch's commit, when the provider says
    tag: str | None = None  # the tag a tag build is for
    fork: str | None = None  # the pull request's source repository, when it is another's


def _strip_heads(name: str | None) -> str | None:
    if not name:
        return None
    return name[len("refs/heads/") :] if name.startswith("refs/heads/") else name


def _tag_of(ref: str | None) -> str | None:
    if not ref or not ref.startswith("refs/tags/"):
        return None
    return ref[len("refs/tags/") :] or None


def _github_pull_request(env: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """The head and base commits the event that started the run names, and the head's
    repository when it is not the base's (a fork)."""
    try:
        with open(env.get("GITHUB_EVENT_PATH", ""), encoding="utf-8") as f:
            pull_request = json.load(f)["pull_request"]
        head, base = pull_request["head"]["sha"], pull_request["base"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return None, None, None
    try:
        source_repo = pull_request["head"]["repo"]["full_name"]
        target_repo = pull_request["base"]["repo"]["full_name"]
    except (KeyError, TypeError):
        source_repo = target_repo = None
    fork = source_repo if isinstance(source_repo, str) and source_repo != target_repo else None
    return (
        head if isinstance(head, str) else None,
        base if isinstance(base, str) else None,
        fork,
    )


def _github(env: Mapping[str, str]) -> Build:
    source = env.get("GITHUB_HEAD_REF") or None
    head, base, fork = _github_pull_request(env) if source else (None, None, None)
    ref = env.get("GITHUB_REF", "")
    branch = _strip_heads(ref) if ref.startswith("refs/heads/") else None
    return Build(
        "github",
        source,
        env.get("GITHUB_BASE_REF") or None,
        head,
        None if source else branch,
        "with actions/checkout, set `fetch-depth: 0`",
        base,
        None if source else _tag_of(ref),
        fork,
    )


def _other(source: str | None, target: str | None) -> str | None:
    """The source project, when it is another than the target's (a fork's)."""
    return source if source and target and source != target else None


def _gitlab(env: Mapping[str, str]) -> Build:
    source = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or None
    return Build(
        "gitlab",
        source,
        env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
        env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or None,
        None if source else env.get("CI_COMMIT_BRANCH") or None,
        "set the job's `variables: GIT_DEPTH: 0`",
        env.get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA") or None,
        None if source else env.get("CI_COMMIT_TAG") or None,
        _other(
            env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_PATH"),
            env.get("CI_MERGE_REQUEST_PROJECT_PATH") or env.get("CI_PROJECT_PATH"),
        ),
    )


def _bitbucket(env: Mapping[str, str]) -> Build:
    pull_request = bool(env.get("BITBUCKET_PR_ID"))
    branch = env.get("BITBUCKET_BRANCH") or None
    return Build(
        "bitbucket",
        branch if pull_request else None,
        env.get("BITBUCKET_PR_DESTINATION_BRANCH") or None,
        env.get("BITBUCKET_COMMIT") or None,
        None if pull_request else branch,
        "set `clone: depth: full` in bitbucket-pipelines.yml",
        None,
        None if pull_request else env.get("BITBUCKET_TAG") or None,
    )


def _azure(env: Mapping[str, str]) -> Build:
    source = _strip_heads(env.get("SYSTEM_PULLREQUEST_SOURCEBRANCH"))
    built = env.get("BUILD_SOURCEBRANCH")
    tag = None if source else _tag_of(built)
    return Build(
        "azure",
        source,
        _strip_heads(env.get("SYSTEM_PULLREQUEST_TARGETBRANCH")),
        env.get("SYSTEM_PULLREQUEST_SOURCECOMMITID") or None,
        None if source or tag else _strip_heads(built),
        "add `- checkout: self` with `fetchDepth: 0` to the pipeline",
        None,
        tag,
    )


def _jenkins(env: Mapping[str, str]) -> Build:
    source = env.get("CHANGE_BRANCH") or None
    tag = None if source else env.get("TAG_NAME") or None
    return Build(
        "jenkins",
        source,
        env.get("CHANGE_TARGET") or None,
        None,
        None if source or tag else env.get("BRANCH_NAME") or None,  # a tag build names it too
        "turn off the shallow clone in the job's checkout (CloneOption shallow: false)",
        None,
        tag,
    )


def detect(env: Mapping[str, str]) -> Build | None:
    """The build as the CI system running it describes it; None outside a known CI."""
    if env.get("GITHUB_ACTIONS") == "true":
        return _github(env)
    if env.get("GITLAB_CI") == "true":
        return _gitlab(env)
    if env.get("BITBUCKET_BUILD_NUMBER"):
        return _bitbucket(env)
    if env.get("TF_BUILD", "").lower() == "true":
        return _azure(env)
    if env.get("JENKINS_URL"):
        return _jenkins(env)
    return None
