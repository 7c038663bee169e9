"""A cloned repository decides what its policy file is. A link to /dev/zero or
/dev/urandom, a FIFO nobody writes, a directory, a link out of the repository or a
gigabyte of YAML is named for what it is, in a message (exit 2), and never read: every
command and hook answers at once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BRANCHFLOW, commit, git

TIMEOUT = 60


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BRANCHFLOW, *args], cwd=repo, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("name", [".branchflow.yaml", ".branchflow.yml", "pyproject.toml"])
def test_a_policy_linked_to_a_device(repo: Path, name: str, target: str) -> None:
    os.symlink(target, repo / name)
    for args in (("check",), ("explain",), ("hook", "pre-commit")):
        done = run(repo, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert f"{name}: is a symbolic link to {target}, outside the repository" in done.stderr
        assert "internal error" not in done.stderr


def test_a_device_given_as_the_policy(repo: Path) -> None:
    done = run(repo, "check", "--config", "/dev/zero")
    assert done.returncode == 2
    assert "/dev/zero: is a character device, not a regular file" in done.stderr


def test_a_fifo_policy_is_not_waited_for(repo: Path) -> None:
    os.mkfifo(repo / ".branchflow.yaml")
    done = run(repo, "check")
    assert done.returncode == 2
    assert ".branchflow.yaml: is a FIFO (named pipe), not a regular file" in done.stderr


def test_a_directory_named_like_a_policy(repo: Path) -> None:
    (repo / ".branchflow.yaml").mkdir()
    done = run(repo, "check")
    assert done.returncode == 2
    assert ".branchflow.yaml: is a directory, not a regular file" in done.stderr


def test_a_policy_linked_out_of_the_repository(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("extends: gitflow\n")  # loads fine: reading it would be the bug
    os.symlink(secret, repo / ".branchflow.yaml")
    done = run(repo, "check")
    assert done.returncode == 2
    assert ".branchflow.yaml: is a symbolic link to " in done.stderr
    assert "outside the repository" in done.stderr


def test_a_policy_linked_inside_the_repository_is_read(repo: Path) -> None:
    (repo / "policy").mkdir()
    (repo / "policy" / "flow.yaml").write_text("extends: trunk\n")
    os.symlink("policy/flow.yaml", repo / ".branchflow.yaml")
    done = run(repo, "explain")
    assert done.returncode == 0, done.stderr
    assert "trunk" in done.stdout


def test_a_policy_larger_than_the_cap(repo: Path) -> None:
    (repo / ".branchflow.yaml").write_bytes(b"extends: gitflow\n" + b"# pad\n" * 400_000)
    done = run(repo, "check")
    assert done.returncode == 2
    assert ".branchflow.yaml: is larger than 1,048,576 bytes" in done.stderr


def test_a_fifo_in_place_of_a_remembered_policy_does_not_hang_a_commit(
    repo_with_develop: Path,
) -> None:
    """The pre-commit hook's cache compares the candidate files it was built from: a
    candidate that is a device is never read for that either."""
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "feature/x", "develop")
    commit(repo, "before")
    assert run(repo, "hook", "pre-commit").returncode == 0  # remembered: no pyproject.toml
    os.mkfifo(repo / "pyproject.toml")
    done = run(repo, "hook", "pre-commit")
    assert done.returncode == 2
    assert "pyproject.toml: is a FIFO (named pipe), not a regular file" in done.stderr


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            "branches:\n" + "".join(f"  t{i}: {{pattern: 't{i}/{{slug}}'}}\n" for i in range(300)),
            "branches: 307 entries; a policy holds at most 200",
        ),
        (
            "branches:\n  feature:\n    pattern: ["
            + ", ".join(f"'f{i}/{{slug}}'" for i in range(60))
            + "]\n",
            "branches.feature.pattern: 60 entries; a branch type holds at most 50",
        ),
        (  # within the per-type limits, thousands in all: every push ran past 10 s
            "branches:\n"
            + "".join(
                f"  t{i}:\n    pattern: ["
                + ", ".join(f"'t{i}x{j}/{{slug}}'" for j in range(20))
                + "]\n"
                for i in range(20)
            ),
            "patterns in all; a policy holds at most 300",
        ),
        (
            "tags:\n  pattern: [" + ", ".join(f"'v{i}.{{semver}}'" for i in range(60)) + "]\n",
            "tags.pattern: 60 entries; at most 50",
        ),
    ],
)
def test_a_policy_too_large_to_judge_quickly(repo: Path, body: str, says: str) -> None:
    """Thousands of types load and then slow every push past the server's time limit."""
    (repo / ".branchflow.yaml").write_text("extends: gitflow\n" + body)
    done = run(repo, "check")
    assert done.returncode == 2
    assert says in done.stderr


def test_a_refused_push_leaves_no_policy_in_the_servers_cache(
    server_repo: Path, tmp_path: Path, isolated_env: Path
) -> None:
    """Each push proposing a new policy was compiled into the cache, refused or not: any
    pusher could fill the server's disk."""
    from tests.server.conftest import clone, push

    client = clone(f"file://{server_repo}", tmp_path / "client")
    cache = isolated_env / ".cache" / "branchflow"
    before: list[Path] = []
    for n in range(4):
        if n == 1:  # what the ruling policy keeps there, from the first push on
            before = sorted(cache.glob("*"))
        git(client, "switch", "-q", "-C", "main", "origin/main")
        (client / ".branchflow.yaml").write_text(f"extends: gitflow\n# proposal {n}\n")
        git(client, "add", ".branchflow.yaml")
        git(client, "commit", "-q", "--no-verify", "-m", f"a direct commit {n}")
        done = push(client, "main")
        assert done.returncode != 0
        assert "BF201" in done.stderr
    assert before  # the server's cache is this one: the test would see a leak
    assert sorted(cache.glob("*")) == before


def test_a_push_of_many_refused_refs_gets_a_screen_of_reasons(
    server_repo: Path, tmp_path: Path
) -> None:
    """130 refs of 250-byte names of no type: the first 100 are told in full, the rest
    counted by rule, and every one is refused."""
    from tests.server.conftest import clone, push, server_ref

    client = clone(f"file://{server_repo}", tmp_path / "client")
    tip = git(client, "rev-parse", "origin/develop").stdout.strip()
    names = [f"Feature/{'Ab_' * 80}{n:03d}" for n in range(130)]
    subprocess.run(
        ["git", "update-ref", "--stdin"],
        cwd=client,
        input="".join(f"create refs/heads/{name} {tip}\n" for name in names),
        text=True,
        check=True,
    )
    done = push(client, "refs/heads/Feature/*:refs/heads/Feature/*")
    assert done.returncode != 0
    told = [line for line in done.stderr.splitlines() if "BF101 branch-name" in line]
    assert len(told) == 100
    assert "remote: branchflow: 30 more finding(s) on 30 ref(s) not shown: BF101 \u00d730" in (
        done.stderr
    )
    assert "push rejected: 130 ref(s) break" in done.stderr
    assert not any(server_ref(server_repo, f"refs/heads/{name}") for name in names)


def test_a_branch_git_could_not_store_is_refused_by_the_hook(
    server_repo: Path, tmp_path: Path
) -> None:
    """A 300-byte component: a feature name by the policy's template, but no file system
    holds it; the hook says so, rather than git failing after the hook said yes."""
    from tests.server.conftest import clone, push

    client = clone(f"file://{server_repo}", tmp_path / "client")
    done = push(client, f"origin/develop:refs/heads/feature/{'a' * 300}")
    assert done.returncode != 0
    assert "BF102 ref-format" in done.stderr
    assert "is 300 bytes; file systems hold at most 255" in done.stderr
    assert "pre-receive hook declined" in done.stderr
