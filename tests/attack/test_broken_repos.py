"""A repository with missing objects, a damaged ref, garbage in packed-refs or a
truncated pack is an error (exit 2) that says which, in `check --all` as in `audit`:
never a branch quietly left out and an exit 0."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.attack.conftest import push, server_ref
from tests.conftest import commit, git, literal_commit, run_branchflow


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


def test_a_branch_pushed_at_a_tree_or_a_tag_object(client: Path, server_repo: Path) -> None:
    """git refuses to write them itself, after the hook: the hook must say why, not guess
    at a shallow clone."""
    tree = git(client, "rev-parse", "origin/develop^{tree}").stdout.strip()
    git(client, "tag", "-a", "-m", "annotated", "v-ann", "origin/develop")
    for source, what in ((tree, "a tree"), ("v-ann", "a tag object")):
        done = push(client, f"{source}:refs/heads/feature/odd")
        assert done.returncode != 0
        assert "BF001 push-input: the push sets feature/odd to" in done.stderr
        assert f", {what}; a branch holds commits" in done.stderr
        assert "shallow" not in done.stderr
        assert server_ref(server_repo, "refs/heads/feature/odd") == ""


def test_a_merge_whose_trees_cannot_be_read_is_not_taken_for_clean(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/y", "develop")
    commit(flow_repo, "only on the feature", filename="y.txt")
    tree = git(flow_repo, "rev-parse", "HEAD^{tree}").stdout.strip()
    git(flow_repo, "switch", "-q", "develop")
    git(flow_repo, "merge", "-q", "--no-ff", "--no-edit", "feature/y")
    (flow_repo / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    done = git(flow_repo, "push", "origin", "develop", check=False)
    assert done.returncode != 0
    assert "cannot verify the merge" in done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize("encoding", ["bogus-enc", "rot13", "utf-16"])
def test_a_commit_naming_an_odd_encoding(client: Path, server_repo: Path, encoding: str) -> None:
    """git keeps a commit's `encoding` header as the author wrote it: it is never looked up."""
    parent = git(client, "rev-parse", "origin/develop").stdout.strip()
    tree = git(client, "rev-parse", "origin/develop^{tree}").stdout.strip()
    raw = (
        f"tree {tree}\nparent {parent}\n"
        "author A <a@example.com> 1700000000 +0000\n"
        "committer A <a@example.com> 1700000000 +0000\n"
        f"encoding {encoding}\n\nMerge branch 'hotfix/x'\n"
    )
    made = literal_commit(client, raw)
    done = push(client, f"{made}:refs/heads/develop")
    assert "internal error" not in done.stderr
    assert "BF201 protected-commit" in done.stderr
    assert server_ref(server_repo, "refs/heads/develop") == parent


def test_a_malformed_commit_is_named_as_such(client: Path, server_repo: Path) -> None:
    tree = git(client, "rev-parse", "origin/develop^{tree}").stdout.strip()
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "--literally", "-w", "--stdin"],
        cwd=client,
        input=f"tree {tree}\ncommitter x 1 +0000\n\nno author line\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    done = push(client, f"{made}:refs/heads/feature/malformed")
    assert done.returncode != 0
    assert f"the pushed object {made[:12]} cannot be read: it is malformed" in done.stderr
    assert server_ref(server_repo, "refs/heads/feature/malformed") == ""
