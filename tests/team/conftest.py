"""A team of three around a real server: a bare repository with branchflow's pre-receive,
served by `git daemon --enable=receive-pack`; alice, bob and carol clone it on first use,
each with `branchflow install --hook all`, carol behind the real pre-commit framework too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import commit, git, run_branchflow
from tests.framework import framework_config
from tests.gitdaemon import git_daemon
from tests.team.team import Team

# The presets a team test plays by default: merge-protected Git Flow, and the ml-team model
# whose protected branches change only through pull requests.
TEAM_PRESETS = ("gitflow", "ml-team")

# What carol's pre-commit installs: the framework's own hook types and this project's hooks.
FRAMEWORK_HEADER = "default_install_hook_types: [pre-commit, pre-merge-commit, pre-push]\n"
FRAMEWORK_HOOKS = ["branchflow", "branchflow-merge", "branchflow-push"]


def seed_team_repository(bare: Path, work: Path, preset: str, snapshot: Path) -> None:
    """main with the team's committed policy (`extends: <preset>`) and pre-commit config;
    develop cut from main, holding one feature merged by a pull request."""
    git(bare.parent, "init", "-q", "--bare", "-b", "main", str(bare))
    git(work.parent, "clone", "-q", str(bare), str(work))
    (work / ".branchflow.yaml").write_text(f"extends: {preset}\n")
    (work / ".pre-commit-config.yaml").write_text(
        framework_config(snapshot, FRAMEWORK_HOOKS, FRAMEWORK_HEADER)
    )
    (work / "README.md").write_text("team project\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "--no-verify", "-m", "Start the project")
    git(work, "push", "-q", "origin", "main")
    git(work, "switch", "-q", "-c", "develop")
    git(work, "push", "-q", "origin", "develop")
    git(work, "switch", "-q", "-c", "feature/seed")
    commit(work, "seed feature", filename="seed.txt")
    git(work, "switch", "-q", "develop")
    message = "Merge pull request #1 from team/feature/seed\n\nSeed feature"
    git(work, "merge", "-q", "--no-ff", "--no-verify", "-m", message, "feature/seed")
    git(work, "push", "-q", "origin", "develop")


@pytest.fixture(params=TEAM_PRESETS)
def preset(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def team(
    preset: str, tmp_path: Path, project_snapshot: Path, framework_home: Path
) -> Iterator[Team]:
    """The team's server, seeded and guarded by pre-receive, served by a git daemon."""
    bare = tmp_path / "srv" / "team.git"
    bare.parent.mkdir()
    seed_team_repository(bare, tmp_path / "seed", preset, project_snapshot)
    installed = run_branchflow(bare, "install")
    assert installed.returncode == 0, installed.stderr
    with git_daemon(bare.parent) as base_url:
        yield Team(tmp_path, bare, f"{base_url}/{bare.name}", pre_commit_home=framework_home)
