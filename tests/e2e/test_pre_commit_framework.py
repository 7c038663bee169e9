"""The real pre-commit installs this repository as a hook repo and runs it on real commits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, git

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def framework_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store for the session: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def framework_repo(
    tmp_path: Path, project_snapshot: Path, framework_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(framework_home / "store"))
    monkeypatch.setenv("PIP_CACHE_DIR", str(framework_home / "pip-cache"))
    rev = git(project_snapshot, "rev-parse", "HEAD").stdout.strip()
    repo = tmp_path / "team-repo"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {project_snapshot}\n    rev: {rev}\n"
        "    hooks:\n      - id: branchflow\n"
    )
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "add pre-commit")
    installed = subprocess.run(
        [str(BIN_DIR / "pre-commit"), "install", "--install-hooks"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def commit_through_framework(repo: Path, name: str) -> tuple[int, str]:
    """Exit code and everything the commit printed (hook output reaches git's stderr)."""
    (repo / f"{name}.txt").write_text(f"{name}\n")
    git(repo, "add", f"{name}.txt")
    env = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT_ALLOW_NO_CONFIG"}
    done = subprocess.run(
        ["git", "commit", "-m", name],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_framework_blocks_and_allows(framework_repo: Path) -> None:
    code, out = commit_through_framework(framework_repo, "on-main")
    assert code != 0
    assert "branchflow (branch name and protected branches)" in out
    assert "Failed" in out
    assert "BF201 protected-commit" in out
    assert "hint: git switch -c hotfix/my-change" in out

    git(framework_repo, "switch", "-q", "-c", "Feature/Bad_Name")
    code, out = commit_through_framework(framework_repo, "bad-name")
    assert code != 0
    assert "BF101 branch-name" in out
    assert "hint: git branch -m Feature/Bad_Name feature/bad-name" in out

    git(framework_repo, "branch", "develop", "main")
    git(framework_repo, "switch", "-q", "-c", "feature/model-tuning", "develop")
    code, out = commit_through_framework(framework_repo, "model-tuning")
    assert code == 0, out
    assert "Passed" in out
    log = git(framework_repo, "log", "--format=%s", "-1").stdout.strip()
    assert log == "model-tuning"
