"""Pushes through real hosting software: gitolite over SSH (keys) and smart HTTP behind
lighttpd (passwords). The hook runs as the server's own user, in the environment the
server gives it, and judges as it does everywhere else."""

from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.checks.presets import PERSONAL
from tests.conftest import commit, git
from tests.hosting.servers import Hosted, Server


def clone(hosted: Hosted, who: str, dest: Path) -> Path:
    env = {**os.environ, **hosted.env(who)}
    done = subprocess.run(
        ["git", "clone", "-q", hosted.url(who), str(dest)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    git(dest, "switch", "-q", "develop")
    return dest


def push(hosted: Hosted, who: str, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "origin", *args],
        cwd=repo,
        env={**os.environ, **hosted.env(who)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_good_and_bad_pushes(hosted: Hosted, tmp_path: Path) -> None:
    work = clone(hosted, "alice", tmp_path / "alice")
    git(work, "switch", "-q", "-c", "feature/login")
    commit(work, "login")
    done = push(hosted, "alice", work, "feature/login")
    assert done.returncode == 0, done.stderr
    assert hosted.ref("refs/heads/feature/login") == git(work, "rev-parse", "HEAD").stdout.strip()

    git(work, "switch", "-q", "-c", "Feature/Bad_Name")
    commit(work, "bad")
    done = push(hosted, "alice", work, "Feature/Bad_Name")
    assert done.returncode != 0
    assert "remote: branchflow: Feature/Bad_Name: BF101 branch-name" in done.stderr, done.stderr
    assert "remote: branchflow: push rejected" in done.stderr
    assert hosted.ref("refs/heads/Feature/Bad_Name") == ""
    assert hosted.quarantines() == []
    # The server's user had no writable home (the web server's) or its own (gitolite's):
    # judging left nothing of it in /tmp, and made nothing in a home it cannot own.
    assert hosted.server.left_in_tmp() == []
    assert not Path("/var/www/.cache").exists()
    # The web server's user keeps the loaded policy beside the repository it owns.
    assert (hosted.path / "branchflow-cache").is_dir() == (hosted.server.kind == "http")


def test_a_refused_ref_refuses_the_whole_push(hosted: Hosted, tmp_path: Path) -> None:
    work = clone(hosted, "bob", tmp_path / "bob")
    git(work, "switch", "-q", "-c", "feature/fine")
    commit(work, "fine")
    git(work, "switch", "-q", "-c", "bad_name")
    commit(work, "bad")
    before = hosted.ref("refs/heads/develop")
    done = push(hosted, "bob", work, "feature/fine", "bad_name", "HEAD:develop")
    assert done.returncode != 0
    assert "remote: branchflow: bad_name: BF101" in done.stderr, done.stderr
    assert hosted.ref("refs/heads/feature/fine") == ""
    assert hosted.ref("refs/heads/develop") == before
    assert hosted.quarantines() == []


def test_each_person_pushes_only_under_their_own_name(server: Server, tmp_path: Path) -> None:
    """The server names the pusher (gitolite from the SSH key, the web server from the
    login); the client cannot choose it."""
    hosted = server.new_repository(policy=PERSONAL)
    said_by = "GL_USER" if server.kind == "gitolite" else "REMOTE_USER"
    alice = clone(hosted, "alice", tmp_path / "alice")
    git(alice, "switch", "-q", "-c", "users/alice/spike")
    commit(alice, "alice's spike")
    done = push(hosted, "alice", alice, "users/alice/spike")
    assert done.returncode == 0, done.stderr
    assert hosted.ref("refs/heads/users/alice/spike")

    git(alice, "switch", "-q", "-c", "users/bob/spike", "develop")
    commit(alice, "in bob's name")
    done = push(hosted, "alice", alice, "users/bob/spike")
    assert done.returncode != 0
    assert (
        "remote: branchflow: users/bob/spike: BF103 branch-owner: users/bob/spike is bob's: "
        f"only bob pushes to it, and this push is alice's ({said_by}=alice)"
    ) in done.stderr, done.stderr
    assert "remote:   alice's personal branches: users/alice/{slug}" in done.stderr
    assert hosted.ref("refs/heads/users/bob/spike") == ""

    bob = clone(hosted, "bob", tmp_path / "bob")
    git(bob, "switch", "-q", "-c", "users/bob/spike")
    commit(bob, "bob's spike")
    done = push(hosted, "bob", bob, "users/bob/spike")
    assert done.returncode == 0, done.stderr
    done = push(hosted, "bob", bob, "--delete", "users/alice/spike")
    assert done.returncode != 0
    assert "users/alice/spike: BF103" in done.stderr, done.stderr
    assert hosted.ref("refs/heads/users/alice/spike")
    done = push(hosted, "alice", alice, "--delete", "users/alice/spike")
    assert done.returncode == 0, done.stderr
    assert hosted.quarantines() == []


def test_eight_pushers_at_once(hosted: Hosted, tmp_path: Path) -> None:
    """Eight people push at the same moment, half of them a name the policy refuses: each
    is judged on its own, and the server keeps exactly the good ones."""
    people = ["alice", "bob"] * 4
    works = [clone(hosted, who, tmp_path / f"{who}{n}") for n, who in enumerate(people)]
    names = [f"feature/work-{n}" if n % 2 == 0 else f"Work_{n}" for n in range(len(works))]
    for work, name in zip(works, names, strict=True):
        git(work, "switch", "-q", "-c", name)
        commit(work, name)
    with ThreadPoolExecutor(len(works)) as pool:
        done = list(
            pool.map(lambda n: push(hosted, people[n], works[n], names[n]), range(len(works)))
        )
    for n, result in enumerate(done):
        if n % 2 == 0:
            assert result.returncode == 0, result.stderr
            assert hosted.ref(f"refs/heads/{names[n]}")
        else:
            assert result.returncode != 0
            assert f"remote: branchflow: {names[n]}: BF101" in result.stderr, result.stderr
            assert hosted.ref(f"refs/heads/{names[n]}") == ""
    assert hosted.quarantines() == []


SPIKES = """\
extends: gitflow
branches:
  spike:
    pattern: "spike/{slug}"
    from: [develop]
    into: [develop]
"""


def test_the_policy_on_the_default_branch_rules(server: Server, tmp_path: Path) -> None:
    """The policy committed on main rules, also where the server made the repository with
    HEAD at master (gitolite without init.defaultBranch): main is then where it is read."""
    hosted = server.new_repository(policy=SPIKES)
    for head in ("main", "master"):
        hosted.set_head(head)
        work = clone(hosted, "alice", tmp_path / head)
        git(work, "switch", "-q", "-c", f"spike/from-{head}")
        commit(work, "a spike")
        done = push(hosted, "alice", work, f"spike/from-{head}")
        assert done.returncode == 0, done.stderr
        git(work, "switch", "-q", "-c", f"trial/from-{head}", "develop")
        done = push(hosted, "alice", work, f"trial/from-{head}")
        assert done.returncode != 0
        assert f"trial/from-{head}: BF101" in done.stderr
        assert re.search(r"remote: +spike +spike/\{slug\}", done.stderr), done.stderr
