"""`branchflow ci` in each provider's environment, on clones shaped like CI checkouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ci_providers import PROVIDERS, ci_checkout, run_ci
from tests.conftest import PROJECT_ROOT, commit, git, run_branchflow, seed_origin

SHALLOW_FIX = {
    "github": "with actions/checkout, set `fetch-depth: 0`",
    "gitlab": "set the job's `variables: GIT_DEPTH: 0`",
    "bitbucket": "set `clone: depth: full` in bitbucket-pipelines.yml",
    "azure": "add `- checkout: self` with `fetchDepth: 0` to the pipeline",
    "jenkins": "turn off the shallow clone in the job's checkout (CloneOption shallow: false)",
}


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A hosting server's repository: main, develop and a few pull request branches."""
    bare = tmp_path / "origin.git"
    work = tmp_path / "author"
    seed_origin(bare, work)
    for name, base in [
        ("feature/login", "develop"),
        ("hotfix/wrong-base", "develop"),
        ("Feature/Bad_Name", "develop"),
        ("release/v1.0.0", "develop"),
    ]:
        git(work, "switch", "-q", "-c", name, base)
        commit(work, f"work on {name}")
        git(work, "push", "-q", "origin", name)
    return bare


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_provider(provider: str, origin: Path, tmp_path: Path) -> None:
    good = run_ci(
        ci_checkout(origin, tmp_path / "good", "feature/login"),
        provider,
        "feature/login",
        "develop",
    )
    assert good.returncode == 0, good.stderr
    assert f"branchflow: {provider}: feature/login -> develop: ok" in good.stderr

    wrong_target = run_ci(tmp_path / "good", provider, "feature/login", "main")
    assert wrong_target.returncode == 1
    assert (
        "branchflow: main: BF202 merge-source: merging feature/login (a feature branch) into "
        "main is not allowed"
    ) in wrong_target.stderr
    assert "hint: change the pull request's target branch to develop" in wrong_target.stderr

    bad_base = run_ci(
        ci_checkout(origin, tmp_path / "base", "hotfix/wrong-base"),
        provider,
        "hotfix/wrong-base",
        "main",
    )
    assert bad_base.returncode == 1
    assert "BF301 branch-base: hotfix/wrong-base was created from develop" in bad_base.stderr

    bad_name = run_ci(
        ci_checkout(origin, tmp_path / "name", "Feature/Bad_Name"),
        provider,
        "Feature/Bad_Name",
        "develop",
    )
    assert bad_name.returncode == 1
    assert "BF101 branch-name" in bad_name.stderr


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_shallow_clone_says_how_to_fix_it(provider: str, origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(
        origin, tmp_path / "shallow", "feature/login", "--depth", "1", "--no-single-branch"
    )
    done = run_ci(repo, provider, "feature/login", "develop")
    assert (
        f"this {provider} clone is shallow, so a branch's base cannot be told; to fix: "
        f"{SHALLOW_FIX[provider]}" in done.stderr
    )
    assert "BF302 base-unknown (warning)" in done.stderr
    assert done.returncode == 0  # a warning by default


def test_github_annotations(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    done = run_ci(repo, "github", "feature/login", "main")
    assert done.stdout.startswith(
        "::error title=branchflow BF202 merge-source::main: merging feature/login"
    )
    assert "%0Ahint: change the pull request's target branch to develop" in done.stdout


def test_json_and_sarif(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    data = json.loads(run_ci(repo, "gitlab", "feature/login", "main", "--format", "json").stdout)
    assert data["provider"] == "gitlab"
    assert (data["source"], data["target"]) == ("feature/login", "main")
    assert [v["rule"] for v in data["violations"]] == ["BF202"]
    assert data["summary"] == {"errors": 1, "warnings": 0}
    sarif = json.loads(run_ci(repo, "gitlab", "feature/login", "main", "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "branchflow"
    [result] = run["results"]
    assert result["ruleId"] == "BF202"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "BF202"
    assert result["level"] == "error"
    assert result["locations"][0]["logicalLocations"][0]["name"] == "main"


def test_command_line_source_and_target(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "release/v1.0.0")
    done = run_branchflow(repo, "ci", "--source", "release/v1.0.0", "--target", "main")
    assert done.returncode == 0, done.stderr
    done = run_branchflow(repo, "ci")
    assert done.returncode == 2
    assert "no CI system detected" in done.stderr


@pytest.fixture(scope="session")
def action_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment, as a CI runner's Python is, for the install steps."""
    venv = tmp_path_factory.mktemp("ci-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv / "bin"


def run_steps(
    commands: list[str], cwd: Path, env: dict[str, str], bin_dir: Path
) -> subprocess.CompletedProcess[str]:
    script = "set -e\n" + "\n".join(commands)
    full = {**os.environ, **env, "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    for key in ("VIRTUAL_ENV", "PYTHONPATH"):
        full.pop(key, None)
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, check=False
    )


@pytest.mark.e2e
def test_github_action_steps(
    origin: Path, tmp_path: Path, project_snapshot: Path, action_venv: Path
) -> None:
    action = yaml.safe_load((PROJECT_ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = []
    for step in action["runs"]["steps"]:
        steps.append(step["run"].replace("${{ github.action_path }}", str(project_snapshot)))
    env = {
        **PROVIDERS["github"]("feature/login", "main"),
        "BRANCHFLOW_INPUT_CONFIG": "",
        "BRANCHFLOW_INPUT_PRESET": "",
        "BRANCHFLOW_INPUT_FORMAT": "text",
    }
    repo = ci_checkout(origin, tmp_path / "gh", "feature/login")
    done = run_steps(steps, repo, env, action_venv)
    assert done.returncode == 1, done.stderr
    assert "::error title=branchflow BF202 merge-source::main" in done.stdout
    env.update(PROVIDERS["github"]("feature/login", "develop"))
    assert run_steps(steps[1:], repo, env, action_venv).returncode == 0


@pytest.mark.e2e
def test_gitlab_template_job(
    origin: Path, tmp_path: Path, project_snapshot: Path, action_venv: Path
) -> None:
    job = yaml.safe_load((PROJECT_ROOT / "templates" / "branchflow.gitlab-ci.yml").read_text())[
        "branchflow"
    ]
    assert job["variables"]["GIT_DEPTH"] == "0"
    commands = job["before_script"] + job["script"]
    env = {
        **job["variables"],
        "BRANCHFLOW_PACKAGE": str(project_snapshot),
        **PROVIDERS["gitlab"]("Feature/Bad_Name", "develop"),
    }
    repo = ci_checkout(origin, tmp_path / "gl", "Feature/Bad_Name")
    done = run_steps(commands, repo, env, action_venv)
    assert done.returncode == 1
    assert "BF101 branch-name" in done.stderr
    env["BRANCHFLOW_ARGS"] = "--format json"
    done = run_steps(job["script"], repo, env, action_venv)
    assert json.loads(done.stdout)["violations"][0]["rule"] == "BF101"
