"""A repository with missing objects, a damaged ref, garbage in packed-refs or a
truncated pack is an error (exit 2) that says which, in `check --all` as in `audit`:
never a branch quietly left out and an exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit, git, run_branchflow


@pytest.fixture
def flow(repo_with_develop: Path) -> Path:
    git(repo_with_develop, "switch", "-q", "-c", "feature/x", "develop")
    commit(repo_with_develop, "work", filename="x.txt")
    return repo_with_develop


def test_a_missing_commit(flow: Path) -> None:
    tip = git(flow, "rev-parse", "feature/x").stdout.strip()
    (flow / ".git" / "objects" / tip[:2] / tip[2:]).unlink()
    done = run_branchflow(flow, "check", "--all")
    assert done.returncode == 2, done.stdout
    assert f"refs/heads/feature/x points at {tip[:12]}, a commit the repository does not have" in (
        done.stderr
    )


def test_a_damaged_ref(flow: Path) -> None:
    (flow / ".git" / "refs" / "heads" / "feature" / "x").write_text("not a sha\n")
    done = run_branchflow(flow, "check", "--all")
    assert done.returncode == 2
    assert "refs/heads/feature/x: holds 'not a sha', which is no object id" in done.stderr


def test_garbage_in_packed_refs(flow: Path) -> None:
    git(flow, "pack-refs", "--all")
    with (flow / ".git" / "packed-refs").open("a") as refs:
        refs.write("garbage line\n")
    for args in (("check", "--all"), ("check",), ("audit",)):
        done = run_branchflow(flow, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "internal error" not in done.stderr


def test_a_truncated_pack(flow: Path) -> None:
    git(flow, "repack", "-q", "-a", "-d")
    for loose in (flow / ".git" / "objects").glob("??/*"):
        loose.unlink()
    pack = next((flow / ".git" / "objects" / "pack").glob("*.pack"))
    data = pack.read_bytes()
    pack.chmod(0o644)
    pack.write_bytes(data[: len(data) // 2])
    for args in (("check", "--all"), ("audit",)):
        done = run_branchflow(flow, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "internal error" not in done.stderr
