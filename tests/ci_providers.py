"""The environment each CI provider gives a pull request pipeline, and `branchflow ci` run in
it (tests/cli/test_ci.py, tests/team)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import BRANCHFLOW, git

ProviderEnv = Callable[[str, str], dict[str, str]]

PROVIDERS: dict[str, ProviderEnv] = {
    "github": lambda source, target: {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_HEAD_REF": source,
        "GITHUB_BASE_REF": target,
        "GITHUB_REF": "refs/pull/7/merge",
    },
    "gitlab": lambda source, target: {
        "GITLAB_CI": "true",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": source,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": target,
    },
    "bitbucket": lambda source, target: {
        "BITBUCKET_BUILD_NUMBER": "12",
        "BITBUCKET_PR_ID": "7",
        "BITBUCKET_BRANCH": source,
        "BITBUCKET_PR_DESTINATION_BRANCH": target,
    },
    "azure": lambda source, target: {
        "TF_BUILD": "True",
        "SYSTEM_PULLREQUEST_SOURCEBRANCH": f"refs/heads/{source}",
        "SYSTEM_PULLREQUEST_TARGETBRANCH": f"refs/heads/{target}",
    },
    "jenkins": lambda source, target: {
        "JENKINS_URL": "http://jenkins.example/",
        "CHANGE_BRANCH": source,
        "CHANGE_TARGET": target,
    },
}


def run_ci(
    repo: Path, provider: str, source: str, target: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """`branchflow ci` with only ``provider``'s variables set, for a pull request from
    ``source`` into ``target``."""
    return run_ci_env(repo, PROVIDERS[provider](source, target), *args)


def run_ci_env(
    repo: Path, variables: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """``branchflow ci`` with these CI variables and none of the machine's own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "GITHUB_",
                "GITLAB_",
                "CI_",
                "BITBUCKET_",
                "TF_BUILD",
                "SYSTEM_",
                "JENKINS_",
                "CHANGE_",
                "BUILD_",
                "TAG_NAME",
                "BRANCH_NAME",
            )
        )
    }
    env.update(variables)
    return subprocess.run(
        [BRANCHFLOW, "ci", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def ci_checkout(origin: Path | str, dest: Path, source: str, *depth: str) -> Path:
    """As CI runners check out a pull request: a clone of ``origin`` (a path or a URL), HEAD
    detached at the source branch."""
    url = origin if isinstance(origin, str) else f"file://{origin}"
    git(dest.parent, "clone", "-q", *depth, url, str(dest))
    git(dest, "checkout", "-q", "--detach", f"origin/{source}")
    return dest
