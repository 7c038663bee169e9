"""Personal branches over file://: the pre-push hook knows its user from git config, the
server from what the hosting software sets (GL_USER here, as gitolite would; the hosting
tests run the real servers). The hint of a refusal is run as printed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.checks.presets import PERSONAL
from tests.conftest import commit, git, run_branchflow
from tests.hints.shown import refused, run_hint
from tests.server.conftest import push, server_ref


@pytest.fixture
def personal_server(tmp_path: Path) -> Path:
    bare = tmp_path / "srv" / "origin.git"
    bare.parent.mkdir()
    git(bare.parent, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / ".branchflow.yaml").write_text(PERSONAL)
    git(seed, "add", ".branchflow.yaml")
    git(seed, "commit", "-q", "-m", "the team's policy")
    git(seed, "push", "-q", "origin", "main")
    git(seed, "switch", "-q", "-c", "develop")
    git(seed, "push", "-q", "origin", "develop")
    assert run_branchflow(bare, "install").returncode == 0
    return bare


def clone_as(server: Path, dest: Path, email: str, user: str = "") -> Path:
    git(dest.parent, "clone", "-q", f"file://{server}", str(dest))
    git(dest, "config", "user.email", email)
    if user:
        git(dest, "config", "branchflow.user", user)
    git(dest, "switch", "-q", "develop")
    done = run_branchflow(dest, "install", "--hook", "pre-push")
    assert done.returncode == 0, done.stderr
    return dest


def test_a_push_in_anothers_name_is_refused_and_its_hint_pushes_your_own(
    personal_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GL_USER", "alice")  # what gitolite tells the server hook
    work = clone_as(personal_server, tmp_path / "alice", "alice.smith@example.com", "alice")
    git(work, "switch", "-q", "-c", "users/bob/spike")
    commit(work, "spike")
    tip = git(work, "rev-parse", "HEAD").stdout.strip()
    pushed = push(work, "users/bob/spike")
    assert "you are alice (git config branchflow.user=alice)" in pushed.stderr
    run_hint(work, refused(pushed, "BF103"))
    assert server_ref(personal_server, "refs/heads/users/alice/spike") == tip
    assert server_ref(personal_server, "refs/heads/users/bob/spike") == ""
    # and the server holds the line where the clone's check is skipped
    git(work, "switch", "-q", "-c", "users/bob/other", "develop")
    commit(work, "other")
    done = push(work, "--no-verify", "users/bob/other")
    assert done.returncode != 0
    assert "this push is alice's (GL_USER=alice)" in done.stderr, done.stderr


def test_a_server_that_names_nobody_refuses(personal_server: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GL_USER", "REMOTE_USER")}
    work = clone_as(personal_server, tmp_path / "bob", "bob@example.com")
    git(work, "switch", "-q", "-c", "users/bob/spike")
    commit(work, "spike")
    done = push(work, "users/bob/spike", env=env)
    assert done.returncode != 0
    assert "remote: branchflow: users/bob/spike: BF103" in done.stderr, done.stderr
    assert "this server does not say who is pushing" in done.stderr
    assert server_ref(personal_server, "refs/heads/users/bob/spike") == ""
    # a clone that cannot tell who its user is warns, and the server decides
    git(work, "config", "--unset", "user.email")
    done = push(
        work, "users/bob/spike", env={**env, "GL_USER": "bob", "GIT_CONFIG_GLOBAL": os.devnull}
    )
    assert done.returncode == 0, done.stderr
    assert "users/bob/spike: cannot tell who you are" in done.stderr


def test_a_name_guessed_from_the_email_leaves_the_verdict_to_the_server(
    personal_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alice.smith@example.com is 'alice' on the server: her clone warns, and does not send
    her renaming back and forth between the two names."""
    monkeypatch.setenv("GL_USER", "alice")
    work = clone_as(personal_server, tmp_path / "alice", "alice.smith@example.com")
    git(work, "switch", "-q", "-c", "users/alice/login")
    commit(work, "login")
    done = push(work, "users/alice/login")
    assert done.returncode == 0, done.stderr
    assert "git config user.email names you alice.smith" in done.stderr
    assert "git config branchflow.user alice" in done.stderr


def test_start_names_the_branch_after_you(personal_server: Path, tmp_path: Path) -> None:
    work = clone_as(personal_server, tmp_path / "carol", "carol.jones@example.com", "carol")
    done = run_branchflow(work, "start", "personal", "Cache Layer")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "created users/carol/cache-layer from develop"
    git(work, "switch", "-q", "develop")
    done = run_branchflow(work, "start", "personal", "users/bob/sneaky")
    assert done.returncode == 2
    assert "users/bob/sneaky is bob's, and you are carol" in done.stderr
    assert "users/carol/sneaky" in done.stderr


def test_a_reviewer_who_merged_anothers_personal_branch_is_told_to_send_the_commits(
    personal_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob committed on alice's pushed users/alice/cache and merged it into develop: the
    server has no users/alice/cache holding his commit (BF206), and only alice pushes that
    branch (BF103), so the hint is to send alice the commits, never to push her branch."""
    monkeypatch.setenv("GL_USER", "alice")
    alice = clone_as(personal_server, tmp_path / "alice", "alice@example.com", "alice")
    git(alice, "switch", "-q", "-c", "users/alice/cache")
    commit(alice, "cache")
    assert push(alice, "-u", "users/alice/cache").returncode == 0
    monkeypatch.setenv("GL_USER", "bob")
    bob = clone_as(personal_server, tmp_path / "bob", "bob@example.com", "bob")
    git(bob, "switch", "-q", "users/alice/cache")
    commit(bob, "review fix")
    git(bob, "switch", "-q", "develop")
    git(bob, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "users/alice/cache")
    for args in (("develop",), ("--no-verify", "develop")):  # bob's own hook, then the server
        done = push(bob, *args)
        assert done.returncode != 0
        assert "BF206" in done.stderr, done.stderr
        assert "send alice your commits on it" in done.stderr, done.stderr
        assert "git push -u origin users/alice/cache" not in done.stderr
    # as the hint says: the commits to alice, the merge taken back; alice takes them and
    # pushes; bob merges her branch as it is, and the push passes
    git(
        bob,
        "format-patch",
        "-q",
        "-o",
        "../for-alice",
        "origin/users/alice/cache..users/alice/cache",
    )
    git(bob, "switch", "-q", "develop")
    git(bob, "reset", "-q", "--keep", "origin/develop")
    patches = sorted(str(p) for p in (tmp_path / "for-alice").iterdir())
    monkeypatch.setenv("GL_USER", "alice")
    git(alice, "am", "-q", *patches)
    assert push(alice, "users/alice/cache").returncode == 0
    monkeypatch.setenv("GL_USER", "bob")
    git(bob, "fetch", "-q", "origin")
    git(bob, "switch", "-q", "users/alice/cache")
    git(bob, "reset", "-q", "--keep", "origin/users/alice/cache")
    git(bob, "switch", "-q", "develop")
    git(bob, "merge", "-q", "--no-ff", "--no-edit", "users/alice/cache")
    done = push(bob, "develop")
    assert done.returncode == 0, done.stderr
    # alice's own merge of her unpushed work is told to push it, as ever
    monkeypatch.setenv("GL_USER", "alice")
    git(alice, "switch", "-q", "users/alice/cache")
    commit(alice, "more, not pushed")
    git(alice, "fetch", "-q", "origin")
    git(alice, "switch", "-q", "develop")
    git(alice, "reset", "-q", "--keep", "origin/develop")
    git(alice, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "users/alice/cache")
    done = push(alice, "develop")
    assert "BF206" in done.stderr, done.stderr
    assert "git push -u origin users/alice/cache develop" in done.stderr, done.stderr
