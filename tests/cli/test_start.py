"""`branchflow start TYPE NAME`: the right name from the right base, or a reason why not."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import commit, git, run_branchflow, seed_origin


def current(repo: Path) -> str:
    return git(repo, "branch", "--show-current").stdout.strip()


def test_feature_starts_from_develop(repo_with_develop: Path) -> None:
    git(repo_with_develop, "switch", "-q", "main")
    done = run_branchflow(repo_with_develop, "start", "feature", "Model Tuning")
    assert (done.returncode, done.stdout) == (0, "created feature/model-tuning from develop\n")
    assert current(repo_with_develop) == "feature/model-tuning"
    reflog = git(repo_with_develop, "reflog", "show", "--format=%gs", "feature/model-tuning")
    assert reflog.stdout.strip() == "branch: Created from develop"
    checked = run_branchflow(repo_with_develop, "hook", "pre-commit")
    assert checked.returncode == 0


def test_release_and_hotfix_names(repo_with_develop: Path) -> None:
    assert run_branchflow(repo_with_develop, "start", "release", "1.2.0").stdout == (
        "created release/v1.2.0 from develop\n"
    )
    assert run_branchflow(repo_with_develop, "start", "hotfix", "v1.2.1").stdout == (
        "created hotfix/v1.2.1 from main\n"
    )


def test_a_version_takes_the_policys_first_spelling(repo_with_develop: Path) -> None:
    # gitflow accepts hotfix/1.2.1 (the git-flow tools' name) too; start writes as release does
    assert run_branchflow(repo_with_develop, "start", "hotfix", "1.2.1").stdout == (
        "created hotfix/v1.2.1 from main\n"
    )
    git(repo_with_develop, "switch", "-q", "develop")
    assert run_branchflow(repo_with_develop, "start", "release", "1.3.0").stdout == (
        "created release/v1.3.0 from develop\n"
    )
    git(repo_with_develop, "switch", "-q", "main")
    done = run_branchflow(repo_with_develop, "--preset", "trunk", "start", "release", "1.4")
    assert done.stdout == "created release/1.4 from main\n"


def test_from_a_remote_tracking_branch(repo_with_develop: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "-b", "main", str(repo_with_develop), str(clone))
    done = run_branchflow(clone, "start", "feature", "remote-base")
    assert done.stdout == "created feature/remote-base from origin/develop\n"
    assert (
        git(clone, "config", "--get", "branch.feature/remote-base.merge", check=False).stdout == ""
    )


def test_explicit_base_must_be_allowed(repo_with_develop: Path) -> None:
    done = run_branchflow(repo_with_develop, "start", "feature", "x", "--from", "main")
    assert done.returncode == 2
    assert "main is not a develop branch; feature branches are created from develop" in (
        done.stderr
    )


def test_refusals(repo: Path) -> None:
    done = run_branchflow(repo, "start", "feature", "x")
    assert done.returncode == 2
    assert "no develop branch here or on a remote to start feature from" in done.stderr
    done = run_branchflow(repo, "start", "featur", "x")
    assert "no branch type 'featur'; did you mean 'feature'?" in done.stderr
    done = run_branchflow(repo, "start", "main", "x")
    assert "main has no 'from' edges" in done.stderr
    done = run_branchflow(repo, "start", "release", "next")
    assert "cannot make a release branch name from 'next'" in done.stderr
    assert "release/v{semver}" in done.stderr


def test_existing_branch_is_not_recreated(repo_with_develop: Path) -> None:
    run_branchflow(repo_with_develop, "start", "feature", "once")
    git(repo_with_develop, "switch", "-q", "develop")
    done = run_branchflow(repo_with_develop, "start", "feature", "once")
    assert done.returncode == 2
    assert "feature/once already exists: git switch feature/once" in done.stderr


def test_several_candidate_bases_ask_for_from(repo: Path) -> None:
    git(repo, "branch", "support/1.x")
    git(repo, "branch", "support/2.x")
    done = run_branchflow(repo, "--preset", "gitflow", "start", "hotfix", "x")
    assert done.returncode == 0  # hotfix comes from main: only one
    policy = repo / ".branchflow.yaml"
    policy.write_text("extends: gitflow\nbranches:\n  hotfix:\n    from: [support]\n")
    done = run_branchflow(repo, "start", "hotfix", "y")
    assert done.returncode == 2
    assert "several support branches could be the base (support/1.x, support/2.x)" in done.stderr


def test_start_from_a_main_that_was_not_pulled_uses_the_remotes(
    tmp_path: Path,
) -> None:
    """A local main behind origin/main would start a release without the last ones: the
    release starts where the remote's main is."""
    bare, seed = tmp_path / "origin.git", tmp_path / "seed"
    seed_origin(bare, seed)
    mine = tmp_path / "mine"
    git(tmp_path, "clone", "-q", str(bare), str(mine))  # local main at the first commit
    git(seed, "switch", "-q", "main")
    commit(seed, "released since")
    git(seed, "push", "-q", "origin", "main")
    git(mine, "fetch", "-q", "origin")
    done = run_branchflow(mine, "start", "hotfix", "1.0.1")
    assert done.returncode == 0, done.stderr
    assert git(mine, "rev-parse", "HEAD").stdout == git(mine, "rev-parse", "origin/main").stdout


def test_a_failing_post_checkout_hook_does_not_undo_the_start(repo_with_develop: Path) -> None:
    """git switch fails when a post-checkout hook does, after switching: the branch is made,
    and start says so (and what the hook said), not that git refused."""
    hook = repo_with_develop / ".git" / "hooks" / "post-checkout"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'No .pre-commit-config.yaml file was found' >&2\nexit 1\n")
    hook.chmod(0o755)
    done = run_branchflow(repo_with_develop, "start", "feature", "q")
    assert done.returncode == 0, done.stderr
    assert "created feature/q from develop" in done.stdout
    assert "a hook that runs after the switch failed (the branch is made)" in done.stderr
    assert "No .pre-commit-config.yaml file was found" in done.stderr
    assert git(repo_with_develop, "branch", "--show-current").stdout.strip() == "feature/q"


def test_a_single_branch_clone_is_told_how_to_fetch_the_base(
    repo_with_develop: Path, tmp_path: Path
) -> None:
    """`git clone --depth 1` fetches main alone: develop is on the server, not missing."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo_with_develop), str(origin))
    git(origin, "symbolic-ref", "HEAD", "refs/heads/main")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(shallow))
    done = run_branchflow(shallow, "start", "feature", "y")
    assert done.returncode == 2
    fix = "git remote set-branches --add origin develop && git fetch origin develop"
    assert f"(a single-branch or shallow clone): {fix}" in done.stderr
    subprocess.run(["sh", "-c", fix], cwd=shallow, check=True, capture_output=True)
    done = run_branchflow(shallow, "start", "feature", "y")
    assert done.returncode == 0, done.stderr
    assert "created feature/y from origin/develop" in done.stdout
