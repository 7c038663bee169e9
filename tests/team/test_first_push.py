"""A team's first day: an EMPTY server repository with pre-receive installed; alice commits the
policy (`extends: <preset>`) on the default branch and pushes it, then creates each long-lived
branch of the preset at a commit its allowed parent already holds, adding no commit. For every
preset, with her native pre-push hook and with the server alone (`--no-verify`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.policy.load import build_policy
from tests.conftest import git, run_branchflow
from tests.team.team import Team

# The default branch each preset's repository starts with (its first long-lived type), and
# each other long-lived branch, in order, with the branch it is created at: a parent its
# `from` edges allow or a branch that flows into it.
DEFAULT_BRANCH = {"solo": "dev"}
LONG_LIVED = {
    "conventional": [("develop", "main")],
    "gitflow": [("develop", "main"), ("support/1.x", "main")],
    "github-flow": [],
    "gitlab-flow": [
        ("pre-production", "main"),
        ("production", "pre-production"),
        ("16-5-stable", "main"),
    ],
    "ml-team": [("develop", "main"), ("test", "develop")],
    "solo": [("test", "dev"), ("prod", "test")],
    "trunk": [("release/1.4", "main")],
}
# how alice creates a long-lived branch: `git push origin main:develop` or `git branch test
# develop && git push origin test`, through her pre-push hook; or the latter with --no-verify
WAYS = ("refspec", "branch", "server-only")


def preset_names() -> list[str]:
    done = run_branchflow(Path.cwd(), "presets")
    assert done.returncode == 0, done.stderr
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


def test_every_preset_and_each_of_its_long_lived_types_is_played(tmp_path: Path) -> None:
    assert sorted(preset_names()) == sorted(LONG_LIVED)
    for preset, created in LONG_LIVED.items():
        policy = build_policy(None, preset=preset)[0]
        long_lived = {rule.name for rule in policy.branches if rule.long_lived}
        names = [DEFAULT_BRANCH.get(preset, "main"), *(name for name, _ in created)]
        played = set()
        for name in names:
            match = policy.classify(name)
            rule = match.rule if match is not None else None
            assert rule is not None, (preset, name)
            played.add(rule.name)
        assert played == long_lived, preset


@pytest.fixture
def empty_server(tmp_path: Path, preset: str) -> Path:
    bare = tmp_path / "srv" / "new.git"
    bare.parent.mkdir()
    git(bare.parent, "init", "-q", "--bare", "-b", DEFAULT_BRANCH.get(preset, "main"), str(bare))
    installed = run_branchflow(bare, "install")
    assert installed.returncode == 0, installed.stderr
    return bare


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("preset", sorted(LONG_LIVED))
def test_first_pushes_of_a_new_repository(
    preset: str, way: str, empty_server: Path, tmp_path: Path, framework_home: Path
) -> None:
    team = Team(tmp_path, empty_server, f"file://{empty_server}", pre_commit_home=framework_home)
    team.join("alice")
    default = DEFAULT_BRANCH.get(preset, "main")
    verify = ["--no-verify"] if way == "server-only" else []
    assert team.git("alice", "symbolic-ref", "--short", "HEAD").stdout.strip() == default

    (team.clones["alice"] / ".branchflow.yaml").write_text(f"extends: {preset}\n")
    team.ok("alice", "add", ".branchflow.yaml")
    done = team.git("alice", "commit", "-m", "Start the project")
    assert done.returncode == 0, done.stderr
    done = team.push("alice", *verify, "-u", "origin", default)
    assert done.returncode == 0, f"the first push of {default} was refused:\n{done.stderr}"
    first = team.ok("alice", "rev-parse", default).strip()
    assert team.on_server(default) == first

    for name, parent in LONG_LIVED[preset]:
        if way == "refspec":
            source = default if parent == default else f"refs/remotes/origin/{parent}"
            done = team.push("alice", "origin", f"{source}:refs/heads/{name}")
        else:
            team.ok("alice", "branch", name, parent)
            done = team.push("alice", *verify, "origin", name)
        assert done.returncode == 0, f"creating {name} at {parent} was refused:\n{done.stderr}"
        assert team.on_server(name) == first, name
    team.assert_nothing_lost()
