"""The real pre-commit installs this repository as a hook repo and runs it on real commits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, run_branchflow
from tests.framework import install_framework, use_framework

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def framework_env(framework_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(framework_home / "store"))
    monkeypatch.setenv("PIP_CACHE_DIR", str(framework_home / "pip-cache"))


@pytest.fixture
def framework_repo(tmp_path: Path, project_snapshot: Path) -> Path:
    repo = tmp_path / "team-repo"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    use_framework(repo, project_snapshot, ["branchflow"])
    return repo


def commit_through_framework(repo: Path, name: str) -> tuple[int, str]:
    """Exit code and everything the commit printed (hook output reaches git's stderr)."""
    (repo / f"{name}.txt").write_text(f"{name}\n")
    git(repo, "add", f"{name}.txt")
    env = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT_ALLOW_NO_CONFIG"}
    done = subprocess.run(
        ["git", "commit", "-m", name],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_framework_blocks_and_allows(framework_repo: Path) -> None:
    code, out = commit_through_framework(framework_repo, "on-main")
    assert code != 0
    assert "branchflow (branch name and protected branches)" in out
    assert "Failed" in out
    assert "BF201 protected-commit" in out
    assert "hint: git switch -c hotfix/my-change" in out

    git(framework_repo, "switch", "-q", "-c", "Feature/Bad_Name")
    code, out = commit_through_framework(framework_repo, "bad-name")
    assert code != 0
    assert "BF101 branch-name" in out
    assert "hint: git branch -m Feature/Bad_Name feature/bad-name" in out

    git(framework_repo, "branch", "develop", "main")
    git(framework_repo, "switch", "-q", "-c", "feature/model-tuning", "develop")
    code, out = commit_through_framework(framework_repo, "model-tuning")
    assert code == 0, out
    assert "Passed" in out
    log = git(framework_repo, "log", "--format=%s", "-1").stdout.strip()
    assert log == "model-tuning"


@pytest.fixture
def framework_flow_repo(
    request: pytest.FixtureRequest, tmp_path: Path, project_snapshot: Path
) -> Path:
    """main and develop on a bare origin; pre-commit installed for the commit, merge, checkout
    and push stages, using this repository's four hook ids. Parametrized indirectly with the
    text of a policy, it is the repository's .branchflow.yaml."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    repo = tmp_path / "team-repo"
    git(tmp_path, "clone", "-q", str(origin), str(repo))
    policy = getattr(request, "param", None)
    if policy is not None:
        (repo / ".branchflow.yaml").write_text(policy)
    use_framework(
        repo,
        project_snapshot,
        ["branchflow", "branchflow-merge", "branchflow-checkout", "branchflow-push"],
        header=(
            "default_install_hook_types: [pre-commit, pre-merge-commit, post-checkout, pre-push]\n"
        ),
    )
    git(repo, "push", "-q", "--no-verify", "origin", "main")
    git(repo, "branch", "develop")
    git(repo, "push", "-q", "--no-verify", "origin", "develop")
    return repo


def run(repo: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run(args, cwd=repo, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def test_framework_merge_and_push_stages(framework_flow_repo: Path) -> None:
    repo = framework_flow_repo
    git(repo, "switch", "-q", "-c", "feature/login", "develop")
    (repo / "login.txt").write_text("login\n")
    git(repo, "add", "login.txt")
    code, out = run(repo, "git", "commit", "-m", "login")
    assert code == 0, out

    git(repo, "switch", "-q", "main")
    code, out = run(repo, "git", "merge", "--no-ff", "--no-edit", "feature/login")
    assert code != 0
    assert "branchflow (merge direction)" in out
    assert "BF202 merge-source: merging feature/login (a feature branch) into main" in out
    git(repo, "merge", "--abort")

    (repo / "hot.txt").write_text("hot\n")
    git(repo, "add", "hot.txt")
    git(repo, "commit", "-q", "--no-verify", "-m", "straight onto main")
    code, out = run(repo, "git", "push", "origin", "main")
    assert code != 0
    assert "branchflow (push)" in out
    assert "BF201 protected-commit: 1 commit(s) made directly on main" in out
    assert "the pre-commit framework shows branchflow only the first ref of a push" in out

    # The framework never shows a deletion; the native hook, which it runs first, does.
    installed = run_branchflow(repo, "install", "--hook", "pre-push")
    assert "pre-push.legacy (pre-commit's pre-push hook runs it first)" in installed.stdout
    code, out = run(repo, "git", "push", "origin", "--delete", "develop")
    assert code != 0
    assert "BF401 protected-delete: develop is a long-lived develop branch" in out
    assert "the pre-commit framework shows branchflow only" not in out


def test_native_hook_in_front_of_the_framework_passes_its_input_on(
    framework_flow_repo: Path,
) -> None:
    """pre-commit's own pre-push hook, which runs `branchflow install`'s as its .legacy, reads
    git's ref lines itself: a push with nothing to send gives it no line at all, not a blank
    one."""
    repo = framework_flow_repo
    installed = run_branchflow(repo, "install")
    assert "pre-push.legacy (pre-commit's pre-push hook runs it first)" in installed.stdout
    code, out = run(repo, "git", "push", "origin", "develop")
    assert code == 0, out
    assert "Everything up-to-date" in out

    git(repo, "switch", "-q", "-c", "feature/login", "develop")
    (repo / "login.txt").write_text("login\n")
    git(repo, "add", "login.txt")
    git(repo, "commit", "-q", "-m", "login")
    code, out = run(repo, "git", "push", "origin", "feature/login")
    assert code == 0, out
    assert "branchflow (push)" in out  # the framework ran its stage too
    assert git(repo, "rev-parse", "-q", "--verify", "origin/feature/login", check=False).stdout

    git(repo, "-c", "core.hooksPath=/dev/null", "switch", "-q", "-c", "Bad_Name", "develop")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", "bad")
    code, out = run(repo, "git", "push", "origin", "Bad_Name")
    assert code != 0
    assert "BF101 branch-name" in out


def test_pre_commit_installed_again_after_branchflow(framework_flow_repo: Path) -> None:
    """`pre-commit install` after `branchflow install` moves branchflow's hook aside as
    `.legacy` and runs it first: pushes still work, every ref is still judged once, and
    `branchflow install` again keeps that arrangement."""
    repo = framework_flow_repo
    assert run_branchflow(repo, "install").returncode == 0
    install_framework(repo, build=False)
    git(repo, "switch", "-q", "-c", "feature/again", "develop")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", "again")
    code, out = run(repo, "git", "push", "origin", "feature/again")
    assert code == 0, out
    assert "migration mode" not in out
    assert "shows branchflow only the first ref" not in out
    again = run_branchflow(repo, "install")
    assert again.returncode == 0, again.stderr
    assert "pre-push.legacy: up to date (pre-commit's pre-push hook runs it first)" in again.stdout
    git(repo, "-c", "core.hooksPath=/dev/null", "switch", "-q", "-c", "Bad_Name", "develop")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", "bad")
    code, out = run(repo, "git", "push", "origin", "Bad_Name")
    assert code != 0
    assert out.count("BF101 branch-name") == 1, out


def develop_moves_on(repo: Path) -> None:
    """develop gets a commit main lacks (until then a hotfix from develop is one from main)."""
    quiet = ("-c", "core.hooksPath=/dev/null")
    git(repo, *quiet, "switch", "-q", "develop")
    git(repo, *quiet, "commit", "-q", "--allow-empty", "-m", "develop moves on")
    git(repo, *quiet, "switch", "-q", "main")


def test_framework_shows_a_checkout_warning(framework_flow_repo: Path) -> None:
    repo = framework_flow_repo
    develop_moves_on(repo)
    code, out = run(repo, "git", "switch", "-c", "hotfix/x", "develop")
    assert code != 0  # pre-commit shows a hook's output only when it fails
    assert "branchflow (new branch name and base)" in out
    assert "BF301 branch-base: hotfix/x was created from develop" in out
    assert "hint: git rebase --onto main develop hotfix/x" in out
    assert "hotfix/x was created and checked out; git reports the checkout as failed" in out
    assert "the first commit is refused until then" in out
    assert git(repo, "branch", "--show-current").stdout.strip() == "hotfix/x"
    # The native hook, chained behind pre-commit's, warns once and leaves git's status 0.
    assert run_branchflow(repo, "install", "--hook", "post-checkout").returncode == 0
    code, out = run(repo, "git", "switch", "-c", "hotfix/y", "develop")
    assert code == 0, out
    assert out.count("BF301 branch-base: hotfix/y was created from develop") == 1
    assert "reports the checkout as failed" not in out


@pytest.mark.parametrize(
    "framework_flow_repo", ["extends: gitflow\nrules:\n  BF301: warn\n"], indirect=True
)
def test_framework_shows_a_checkout_warning_that_blocks_nothing(framework_flow_repo: Path) -> None:
    develop_moves_on(framework_flow_repo)
    code, out = run(framework_flow_repo, "git", "switch", "-c", "hotfix/x", "develop")
    assert code != 0
    assert "BF301 branch-base (warning): hotfix/x was created from develop" in out
    assert "Nothing is blocked: follow the hint, or carry on" in out


def test_framework_is_quiet_on_a_good_checkout(framework_flow_repo: Path) -> None:
    repo = framework_flow_repo
    code, out = run(repo, "git", "switch", "-c", "feature/x", "develop")
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[0] == "Switched to a new branch 'feature/x'"
    assert len(lines) == 2, out  # and pre-commit's own status line, nothing more
    assert lines[1].startswith("branchflow (new branch name and base)")
    assert lines[1].endswith("Passed")


def test_framework_push_shows_its_note(framework_flow_repo: Path) -> None:
    repo = framework_flow_repo
    git(repo, "switch", "-q", "-c", "feature/login", "develop")
    (repo / "login.txt").write_text("login\n")
    git(repo, "add", "login.txt")
    git(repo, "commit", "-q", "-m", "login")
    code, out = run(repo, "git", "push", "origin", "feature/login")
    assert code == 0, out
    assert "branchflow (push)" in out
    assert "the pre-commit framework shows branchflow only the first ref of a push" in out
    # With the native hook in place, it judges every ref and the framework's hook says nothing.
    assert run_branchflow(repo, "install", "--hook", "pre-push").returncode == 0
    (repo / "login.txt").write_text("login, again\n")
    git(repo, "commit", "-q", "-am", "login again")
    code, out = run(repo, "git", "push", "origin", "feature/login")
    assert code == 0, out
    assert "branchflow:" not in out


@pytest.mark.parametrize("framework_flow_repo", ["extends: ml-team\n"], indirect=True)
def test_framework_push_shows_a_warning(framework_flow_repo: Path) -> None:
    repo = framework_flow_repo
    git(repo, "switch", "-q", "-c", "feature/model-tuning", "develop")
    (repo / "train.py").write_text("lr = 0.1\n")
    git(repo, "add", "train.py")
    git(repo, "commit", "-q", "-m", "tune the learning rate")
    code, out = run(repo, "git", "push", "origin", "feature/model-tuning")
    assert code == 0, out  # a warning does not block
    assert "BF601 experiment-docs (warning)" in out
