"""A real git server: a bare repository with branchflow's pre-receive hook, served over
file:// and by `git daemon --enable=receive-pack` on 127.0.0.1 (started and stopped here)."""

from __future__ import annotations

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
