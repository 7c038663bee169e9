"""The real pre-commit framework with this project as its hook repository (tests/e2e,
tests/team)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import BIN_DIR, git


def framework_config(snapshot: Path, hook_ids: list[str], header: str = "") -> str:
    """A .pre-commit-config.yaml that uses this project (its snapshot at HEAD) as hook repo."""
    rev = git(snapshot, "rev-parse", "HEAD").stdout.strip()
    hooks = "".join(f"      - id: {hook_id}\n" for hook_id in hook_ids)
    return f"{header}repos:\n  - repo: {snapshot}\n    rev: {rev}\n    hooks:\n{hooks}"


def install_framework(repo: Path, *, build: bool = True) -> None:
    """`pre-commit install`, as a developer runs it; ``build`` also builds the hook
    environment (`--install-hooks`), which takes a while the first time in a session."""
    args = [str(BIN_DIR / "pre-commit"), "install", *(["--install-hooks"] if build else [])]
    installed = subprocess.run(args, cwd=repo, capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr


def use_framework(repo: Path, snapshot: Path, hook_ids: list[str], header: str = "") -> None:
    """Point .pre-commit-config.yaml at this repository, commit it, and let the real
    pre-commit install its hooks."""
    (repo / ".pre-commit-config.yaml").write_text(framework_config(snapshot, hook_ids, header))
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "add pre-commit")
    install_framework(repo)
