"""A hostile pusher against a real server: a bare repository with branchflow's pre-receive
hook (``tests.server.conftest``), pushed to with the real git client over file:// and git://.

The pusher controls every byte it sends: objects, ref names, and the policy files it
commits. ``land_policy`` puts a policy on the default branch the way a team would (a
release branch merged into main) and reports what the server said."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import git
from tests.server.conftest import client, daemon_url, push, server_ref, server_repo

__all__ = ["client", "daemon_url", "push", "server_ref", "server_repo"]


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
