"""A real git server: a bare repository with branchflow's pre-receive hook, served over
file:// and by `git daemon --enable=receive-pack` on 127.0.0.1 (started and stopped here)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git, run_branchflow, seed_origin


@pytest.fixture
def server_repo(tmp_path: Path) -> Path:
    """A bare repository holding main and develop, pre-receive installed."""
    bare = tmp_path / "srv" / "origin.git"
    seed_origin(bare, tmp_path / "seed")
    done = run_branchflow(bare, "install")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"installed {bare / 'hooks' / 'pre-receive'}"
    return bare


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def daemon_url(server_repo: Path) -> Iterator[str]:
    """git:// URL of the server repository, served by a real git daemon."""
    base = server_repo.parent
    port = free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--informative-errors",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={base}",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"git daemon died: {proc.stderr.read()!r}") from None  # type: ignore[union-attr]
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("git daemon did not start")
    try:
        yield f"git://127.0.0.1:{port}/{server_repo.name}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def clone(url: str, dest: Path) -> Path:
    git(dest.parent, "clone", "-q", url, str(dest))
    git(dest, "switch", "-q", "develop")
    return dest
