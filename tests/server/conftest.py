"""A real git server: a bare repository with branchflow's pre-receive hook, served over
file:// and by `git daemon --enable=receive-pack` on 127.0.0.1 (started and stopped here)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git, run_branchflow, seed_origin
from tests.gitdaemon import git_daemon


@pytest.fixture
def server_repo(tmp_path: Path) -> Path:
    """A bare repository holding main and develop, pre-receive installed."""
    bare = tmp_path / "srv" / "origin.git"
    seed_origin(bare, tmp_path / "seed")
    done = run_branchflow(bare, "install")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"installed {bare / 'hooks' / 'pre-receive'}"
    return bare


@pytest.fixture
def daemon_url(server_repo: Path) -> Iterator[str]:
    """git:// URL of the server repository, served by a real git daemon."""
    with git_daemon(server_repo.parent) as base_url:
        yield f"{base_url}/{server_repo.name}"


def clone(url: str, dest: Path) -> Path:
    git(dest.parent, "clone", "-q", url, str(dest))
    git(dest, "switch", "-q", "develop")
    return dest


PUSH_TIMEOUT = 120  # seconds; a push that takes longer has been made to run without bound


def push(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``git push origin ARGS``, as a person runs it (in ``env``, else this process's
    environment); never waits without end."""
    return subprocess.run(
        ["git", "push", "origin", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=PUSH_TIMEOUT,
        check=False,
    )


def server_ref(server: Path, ref: str) -> str:
    return git(server, "rev-parse", "--verify", "-q", ref, check=False).stdout.strip()


@pytest.fixture(params=["git-daemon", "file"])
def client(request: pytest.FixtureRequest, server_repo: Path, tmp_path: Path) -> Path:
    """A clone of the server, over git:// (a real daemon) or file://; no client hooks."""
    if request.param == "git-daemon":
        url = request.getfixturevalue("daemon_url")
    else:
        url = f"file://{server_repo}"
    return clone(url, tmp_path / "client")
