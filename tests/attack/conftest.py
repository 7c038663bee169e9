"""A hostile pusher against a real server: a bare repository with branchflow's pre-receive
hook (``tests.server.conftest``), pushed to with the real git client over file:// and git://.

The pusher controls every byte it sends: objects, ref names, and the policy files it
commits. ``land_policy`` puts a policy on the default branch the way a team would (a
release branch merged into main) and reports what the server said."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import git
from tests.server.conftest import clone, daemon_url, server_repo

__all__ = ["daemon_url", "server_repo"]

TIMEOUT = 120  # seconds; a push that takes longer has been made to run without bound


def push(repo: Path, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "origin", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def server_ref(server: Path, ref: str) -> str:
    return git(server, "rev-parse", "--verify", "-q", ref, check=False).stdout.strip()


def land_policy(
    client: Path, files: dict[str, str | bytes], version: str = "1.1.0"
) -> subprocess.CompletedProcess[str]:
    """Commit ``files`` on a release branch from develop, merge it into main, push main."""
    git(client, "fetch", "-q", "origin")
    git(client, "switch", "-q", "-C", f"release/v{version}", "origin/develop")
    for name, content in files.items():
        path = client / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        git(client, "add", name)
    git(client, "commit", "-q", "-m", f"policy {version}")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", f"release/v{version}")
    return push(client, f"release/v{version}", "main")  # the server sees what it merged


@pytest.fixture(params=["git-daemon", "file"])
def client(request: pytest.FixtureRequest, server_repo: Path, tmp_path: Path) -> Path:
    """A clone of the server, over git:// (a real daemon) or file://; no client hooks."""
    if request.param == "git-daemon":
        url = request.getfixturevalue("daemon_url")
    else:
        url = f"file://{server_repo}"
    return clone(url, tmp_path / "client")
