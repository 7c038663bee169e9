"""A team around real hosting: alice and bob clone over SSH (gitolite, their own keys) or
HTTP (their own logins), each with every branchflow hook installed, and work on one
feature together while a release goes out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hosting.servers import Hosted
from tests.team.team import Team


class HostedTeam(Team):
    def __init__(self, root: Path, hosted: Hosted, pre_commit_home: Path) -> None:
        super().__init__(root, hosted.path, "", pre_commit_home=pre_commit_home)
        self.hosted = hosted

    def environment(self, name: str) -> dict[str, str]:
        return {**super().environment(name), **self.hosted.env(name)}

    def join(self, name: str, **kwargs: object) -> Path:
        return super().join(name, url=self.hosted.url(name))  # type: ignore[arg-type]


@pytest.fixture
def team(hosted: Hosted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    # The server's repository belongs to the server's user: this test reads it as root.
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "safe.directory")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "*")
    return HostedTeam(tmp_path, hosted, tmp_path / "pre-commit")


def test_two_people_on_one_feature_while_a_release_goes_out(team: Team) -> None:
    team.join("alice")
    team.join("bob")
    team.ok("alice", "switch", "develop")
    team.ok("alice", "switch", "-c", "feature/login")
    assert team.commit("alice", "login form").returncode == 0
    done = team.push("alice", "-u", "origin", "feature/login")
    assert done.returncode == 0, done.stderr

    # bob takes the pushed feature, adds to it and pushes
    team.ok("bob", "fetch", "-q", "origin")
    team.ok("bob", "switch", "feature/login")
    assert team.commit("bob", "login validation").returncode == 0
    done = team.push("bob", "origin", "feature/login")
    assert done.returncode == 0, done.stderr

    # alice committed meanwhile: her push is behind; she pulls with a merge and pushes
    assert team.commit("alice", "login styles").returncode == 0
    behind = team.push("alice", "origin", "feature/login")
    assert behind.returncode != 0  # git's own "fetch first"
    pulled = team.git("alice", "pull", "--no-rebase", "--no-edit")
    assert pulled.returncode == 0, pulled.stderr
    done = team.push("alice", "origin", "feature/login")
    assert done.returncode == 0, done.stderr

    # bob releases while the feature is open: develop is updated by merges, never judged
    # by a base that makes it look made from alice's feature
    team.ok("bob", "switch", "develop")
    team.ok("bob", "switch", "-c", "release/v1.0.0")
    assert team.commit("bob", "bump 1.0.0").returncode == 0
    team.ok("bob", "switch", "develop")
    merged = team.git("bob", "merge", "--no-ff", "--no-edit", "release/v1.0.0")
    assert merged.returncode == 0, merged.stderr
    done = team.push("bob", "origin", "release/v1.0.0", "develop")
    assert done.returncode == 0, done.stderr

    # alice brings develop into her feature, pushes, and it merges into develop
    team.ok("alice", "pull", "--no-rebase", "--no-edit", "origin", "develop")
    done = team.push("alice", "origin", "feature/login")
    assert done.returncode == 0, done.stderr
    team.ok("alice", "switch", "develop")
    team.ok("alice", "pull", "--ff-only")
    merged = team.git("alice", "merge", "--no-ff", "--no-edit", "feature/login")
    assert merged.returncode == 0, merged.stderr
    done = team.push("alice", "origin", "develop")
    assert done.returncode == 0, done.stderr
    assert team.on_server("develop") == team.ok("alice", "rev-parse", "develop").strip()

    # and a merge of the feature straight into main is refused, by the server too
    team.ok("bob", "fetch", "-q", "origin")
    team.ok("bob", "switch", "main")
    merged = team.git("bob", "merge", "--no-ff", "--no-edit", "--no-verify", "origin/feature/login")
    assert merged.returncode == 0, merged.stderr
    before = team.on_server("main")
    done = team.push("bob", "--no-verify", "origin", "main")
    assert done.returncode != 0
    assert "remote: branchflow: main: BF202" in done.stderr, done.stderr
    assert team.on_server("main") == before
    team.assert_nothing_lost()
