"""Commands that judge keep their verdict when nobody reads their output; commands that
only inform end quietly with 0 when the reader goes away (`branchflow explain | head -1`)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from subprocess import PIPE

import pytest

from tests.conftest import BRANCHFLOW, git, run_unheard

STREAMS = (("stdout",), ("stderr",), ("stdout", "stderr"))


def untimed(output: bytes) -> bytes:
    return re.sub(rb"\(\d+\.\d+s\)", b"", output)  # the audit's summary says how long it took


@pytest.fixture
def bad_branch(repo_with_develop: Path) -> Path:
    git(repo_with_develop, "branch", "Bad_Name", "develop")
    return repo_with_develop


@pytest.mark.parametrize("closed", STREAMS)
@pytest.mark.parametrize(
    "args",
    [
        ("check", "Bad_Name"),
        ("check", "--all"),
        ("ci", "--source", "Bad_Name", "--target", "develop"),
        ("ci", "--source", "Bad_Name", "--target", "develop", "--format", "json"),
        ("audit",),
        ("audit", "--format", "sarif"),
    ],
)
def test_a_verdict_stands_unheard(
    bad_branch: Path, args: tuple[str, ...], closed: tuple[str, ...]
) -> None:
    heard = run_unheard(bad_branch, BRANCHFLOW, *args, closed=())
    assert heard.returncode == 1, heard.stderr
    unheard = run_unheard(bad_branch, BRANCHFLOW, *args, closed=closed)
    assert unheard.returncode == 1
    if "stderr" not in closed:
        assert unheard.stderr == heard.stderr  # no "Exception ignored", nothing lost there
    if "stdout" not in closed:
        assert untimed(unheard.stdout) == untimed(heard.stdout)


def test_an_error_still_refuses_and_says_why(bad_branch: Path) -> None:
    args = (BRANCHFLOW, "--config", "missing.yaml", "check", "Bad_Name")
    for closed in STREAMS:
        done = run_unheard(bad_branch, *args, closed=closed)
        assert done.returncode == 2, closed
        if "stderr" not in closed:
            assert b"branchflow: error: " in done.stderr
            assert b"missing.yaml" in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_device_is_unheard_too(bad_branch: Path) -> None:
    args = [BRANCHFLOW, "check", "--all"]
    heard = subprocess.run(args, cwd=bad_branch, capture_output=True, check=False)
    assert heard.returncode == 1
    with open("/dev/full", "wb") as full:
        done = subprocess.run(args, cwd=bad_branch, stdout=full, stderr=PIPE, check=False)
        assert (done.returncode, done.stderr) == (1, heard.stderr)
        done = subprocess.run(args, cwd=bad_branch, stdout=PIPE, stderr=full, check=False)
        assert (done.returncode, done.stdout) == (1, heard.stdout)


@pytest.mark.parametrize(
    "args",
    [("explain",), ("graph",), ("rules",), ("presets",), ("schema",), ("--help",), ("--version",)],
)
def test_information_into_a_closed_pipe_ends_quietly(repo: Path, args: tuple[str, ...]) -> None:
    done = run_unheard(repo, BRANCHFLOW, *args, closed=("stdout",))
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize("redirect", [">&-", "2>&-", ">&- 2>&-"])
@pytest.mark.parametrize("bad", [False, True])
def test_a_stream_closed_before_the_start(repo: Path, redirect: str, bad: bool) -> None:
    """`branchflow audit >&-`: Python starts with no stream there; the verdict (0 or 1)
    is still the exit status, and nothing is said about the missing stream."""
    git(repo, "branch", "develop")
    if bad:
        git(repo, "branch", "Bad_Name", "develop")
    errors = "" if "2>&-" in redirect else " 2>err.txt"
    script = f'"$0" audit {redirect}{errors}'
    done = subprocess.run(["sh", "-c", script, BRANCHFLOW], cwd=repo, check=False)
    assert done.returncode == (1 if bad else 0)
    if errors:
        said = (repo / "err.txt").read_text()
        assert "Traceback" not in said
        assert "Error" not in said
