"""git run in the background keeps its own words for the errors it causes."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.errors import RepoError
from branchflow.repo.gitcmd import GitJob, git_output


def test_a_failure_says_why_in_git_s_words(repo: Path) -> None:
    with pytest.raises(RepoError) as caught:
        git_output(["rev-parse", "--verify", "no-such-branch"], str(repo), "cannot find it")
    said = str(caught.value)
    assert said.startswith("cannot find it: git rev-parse: ")
    assert "fatal: Needed a single revision" in said


def test_a_walk_that_fails_names_the_object(repo: Path) -> None:
    job = GitJob(["rev-list", "--stdin"], str(repo), stdin=b"1" * 40 + b"\n")
    assert job.result() is None
    assert "bad object 1111111111111111111111111111111111111111" in job.error


def test_what_succeeds_is_returned_whole(repo: Path) -> None:
    assert git_output(["rev-parse", "--abbrev-ref", "HEAD"], str(repo), "asking") == "main"


def test_a_lot_said_on_stderr_does_not_stop_git(repo: Path) -> None:
    """git writing far more than a pipe holds on stderr, and output on stdout: both are
    read as they come (a pipe left full would stop git for good)."""
    script = "i=0; while [ $i -lt 20000 ]; do echo warning $i >&2; i=$((i+1)); done; echo done"
    job = GitJob(["-c", f"alias.noisy=!{script}", "noisy"], str(repo))
    assert job.result() == b"done\n"
