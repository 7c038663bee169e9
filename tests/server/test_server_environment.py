"""The server hook in the environments hosting software gives it: an installation the
hosting user cannot run, a repository owned by another user and trusted through
``safe.directory`` in the environment (as hosting services pass it), no home, a cache
that cannot be written, no cache at all. Each judges the push as anywhere else, and
leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BRANCHFLOW, commit, git
from tests.server.conftest import server_ref

ZERO = "0" * 40


@pytest.fixture
def pushing(server_repo: Path, tmp_path: Path) -> Path:
    """A clone of the server over file://, on develop."""
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", f"file://{server_repo}", str(work))
    git(work, "switch", "-q", "develop")
    return work


def test_an_installation_the_server_cannot_run_is_named(
    pushing: Path, server_repo: Path, tmp_path: Path
) -> None:
    """branchflow under a home only its installer may enter, or a script whose interpreter
    is gone: the hook says so in its own words, and the push is refused, not let in."""
    for name, content, mode in (
        ("private", "#!/bin/sh\necho judged\n", 0o644),  # not executable by this user
        ("orphaned", "#!/nowhere/python3\n", 0o755),  # its interpreter is not there
    ):
        program = tmp_path / name
        program.write_text(content)
        program.chmod(mode)
        git(pushing, "switch", "-q", "-c", f"feature/{name}", "develop")
        commit(pushing, name)
        done = subprocess.run(
            ["git", "push", "origin", f"feature/{name}"],
            cwd=pushing,
            env={**os.environ, "BRANCHFLOW": str(program)},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode != 0
        assert f"branchflow: {program} cannot be run by " in done.stderr
        assert "the push is refused" in done.stderr
        assert server_ref(server_repo, f"refs/heads/feature/{name}") == ""


def test_judged_without_a_home_or_a_writable_cache(
    server_repo: Path, pushing: Path, tmp_path: Path
) -> None:
    """A web server gives its CGI no writable home; some give none at all."""
    read_only = tmp_path / "read-only-home"
    read_only.mkdir()
    read_only.chmod(0o555)
    tip = git(server_repo, "rev-parse", "develop").stdout.strip()
    line = f"{ZERO} {tip} refs/heads/feature/x\n{ZERO} {tip} refs/heads/Bad_Name\n"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HOME", "XDG_"))}
    base.pop("BRANCHFLOW_CACHE_DIR", None)
    for extra in (
        {"HOME": str(read_only)},
        {"HOME": "/nonexistent"},
        {},  # no HOME
        {"HOME": str(read_only), "BRANCHFLOW_CACHE_DIR": str(read_only / "cache")},
        {"BRANCHFLOW_NO_CACHE": "1"},
    ):
        before = set(os.listdir("/tmp"))
        done = subprocess.run(
            [BRANCHFLOW, "pre-receive"],
            cwd=server_repo,
            input=line,
            env={**base, **extra},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1, (extra, done.stderr)
        assert "Bad_Name: BF101" in done.stderr, extra
        assert "feature/x" not in done.stderr, extra
        assert "internal error" not in done.stderr, extra
        left = {n for n in set(os.listdir("/tmp")) - before if n.startswith("branchflow")}
        assert not left, (extra, left)
    if os.geteuid() != 0:  # root writes where the mode says no
        assert list(read_only.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to hand the repository to another user")
def test_a_repository_of_another_user_trusted_through_the_environment(
    server_repo: Path, tmp_path: Path
) -> None:
    """Hosting services run git as one user on repositories another owns, and pass
    ``safe.directory`` in GIT_CONFIG_* variables: git's word is branchflow's too. Without
    it, the refusal is git's own, with the line that lifts it."""
    owned = tmp_path / "owned.git"
    git(tmp_path, "clone", "-q", "--bare", str(server_repo), str(owned))
    subprocess.run(["chown", "-R", "nobody", str(owned)], check=True)
    tip = git(owned, "-c", "safe.directory=*", "rev-parse", "develop").stdout.strip()
    lines = f"{ZERO} {tip} refs/heads/feature/x\n"
    trusted = {
        **os.environ,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "safe.directory",
        "GIT_CONFIG_VALUE_0": "*",
    }
    for env, code, said in (
        (trusted, 0, ""),
        (dict(os.environ), 2, "detected dubious ownership"),
    ):
        done = subprocess.run(
            [BRANCHFLOW, "pre-receive"],
            cwd=owned,
            input=lines,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == code, done.stderr
        assert said in done.stderr
        assert "safe.directory" in done.stderr or not said
