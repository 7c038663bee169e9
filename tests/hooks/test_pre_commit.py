"""The pre-commit stage on real repositories, through real `git commit`s."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import commit, git, install_native_hook, run_branchflow, shallow_clone


def try_commit(repo: Path, message: str = "work") -> subprocess.CompletedProcess[str]:
    (repo / "work.txt").write_text(message + "\n")
    git(repo, "add", "work.txt")
    return git(repo, "commit", "-m", message, check=False)


def test_commit_on_main_is_blocked_with_the_move(hooked_repo: Path) -> None:
    done = try_commit(hooked_repo)
    assert done.returncode != 0
    assert (
        "branchflow: main: BF201 protected-commit: main is protected: changes arrive only by "
        "merges from release or hotfix branches\n  hint: git switch -c hotfix/my-change\n"
    ) in done.stderr
    # The hint works: the staged change moves to the new branch and commits there.
    git(hooked_repo, "switch", "-c", "hotfix/my-change")
    assert git(hooked_repo, "commit", "-m", "work", check=False).returncode == 0


def test_commit_on_develop_suggests_a_feature(hooked_repo: Path) -> None:
    git(hooked_repo, "switch", "-q", "-c", "develop")
    done = try_commit(hooked_repo)
    assert done.returncode != 0
    assert "hint: git switch -c feature/my-change" in done.stderr


def test_badly_named_branch_is_blocked_with_the_rename(hooked_develop: Path) -> None:
    hooked_repo = hooked_develop
    git(hooked_repo, "switch", "-q", "-c", "Feature/My_Thing")
    done = try_commit(hooked_repo)
    assert done.returncode != 0
    assert (
        "branchflow: Feature/My_Thing: BF101 branch-name: matches no branch type of preset "
        "'gitflow'; did you mean 'feature/my-thing'?"
    ) in done.stderr
    assert "    feature  feature/{slug} | feature/{ticket}[-{slug}]" in done.stderr
    assert "  hint: git branch -m Feature/My_Thing feature/my-thing\n" in done.stderr
    subprocess.run(
        "git branch -m Feature/My_Thing feature/my-thing", shell=True, cwd=hooked_repo, check=True
    )
    assert git(hooked_repo, "commit", "-m", "work", check=False).returncode == 0


def test_well_named_branch_commits_quietly(hooked_develop: Path) -> None:
    hooked_repo = hooked_develop
    git(hooked_repo, "switch", "-q", "-c", "feature/model-tuning")
    done = try_commit(hooked_repo)
    assert done.returncode == 0
    assert "branchflow" not in done.stderr
    done = try_commit(hooked_repo, "again")  # the remembered verdict
    assert done.returncode == 0
    assert "branchflow" not in done.stderr


def test_exempt_bot_branches(hooked_repo: Path) -> None:
    git(hooked_repo, "switch", "-q", "-c", "dependabot/pip/Requests_2.32")
    assert try_commit(hooked_repo).returncode == 0


def test_first_commit_of_a_repository_on_main_is_allowed(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    git(tmp_path, "init", "-q", "-b", "main", "new")
    install_native_hook(repo)
    assert try_commit(repo, "initial").returncode == 0
    assert try_commit(repo, "second").returncode != 0  # from now on main is protected


def test_first_commit_on_a_badly_named_unborn_branch(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    git(tmp_path, "init", "-q", "-b", "Master", "new")
    install_native_hook(repo)
    done = try_commit(repo, "initial")
    assert done.returncode != 0
    assert "did you mean 'master'?" in done.stderr
    assert "hint: git branch -m Master master" in done.stderr
    git(repo, "branch", "-m", "Master", "master")  # the hint works on an unborn branch too
    assert try_commit(repo, "initial").returncode == 0


def test_detached_head_says_so_and_allows(hooked_repo: Path) -> None:
    git(hooked_repo, "switch", "-q", "--detach")
    done = try_commit(hooked_repo)
    assert done.returncode == 0
    assert "branchflow: HEAD is detached at " in done.stderr
    assert "not on a branch, so there is nothing to check" in done.stderr


def test_bisect_in_progress(hooked_repo: Path) -> None:
    for n in range(4):
        commit(hooked_repo, f"commit {n}")
    git(hooked_repo, "bisect", "start", "HEAD", "HEAD~4")
    done = try_commit(hooked_repo)
    assert done.returncode == 0
    assert "during a bisect; not on a branch" in done.stderr


def _stop_rebase_at_edit(repo: Path) -> None:
    env = {**os.environ, "GIT_SEQUENCE_EDITOR": "sed -i -e 's/^pick/edit/'"}
    subprocess.run(
        ["git", "rebase", "-q", "-i", "HEAD~1"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def test_rebase_of_a_protected_branch_is_blocked(hooked_repo: Path) -> None:
    git(hooked_repo, "switch", "-q", "-c", "develop")
    commit(hooked_repo, "on develop")
    _stop_rebase_at_edit(hooked_repo)
    done = try_commit(hooked_repo)
    assert done.returncode != 0
    assert "branchflow: develop: BF201 protected-commit" in done.stderr
    assert "  then: git switch -c feature/my-change\n  hint: git rebase --abort" in done.stderr


def test_rebase_of_a_feature_branch_is_allowed(hooked_repo: Path) -> None:
    git(hooked_repo, "switch", "-q", "-c", "feature/rework")
    commit(hooked_repo, "on feature")
    _stop_rebase_at_edit(hooked_repo)
    assert try_commit(hooked_repo).returncode == 0


def _conflict(repo: Path, source: str, target: str) -> None:
    """Make ``source`` and ``target`` change conflict.txt differently."""
    git(repo, "switch", "-q", "-c", source)
    (repo / "conflict.txt").write_text(f"from {source}\n")
    git(repo, "add", "conflict.txt")
    git(repo, "commit", "-q", "--no-verify", "-m", f"{source} side")
    git(repo, "switch", "-q", target)
    (repo / "conflict.txt").write_text(f"from {target}\n")
    git(repo, "add", "conflict.txt")
    git(repo, "commit", "-q", "--no-verify", "-m", f"{target} side")


def _resolve(repo: Path) -> None:
    (repo / "conflict.txt").write_text("resolved\n")
    git(repo, "add", "conflict.txt")


def test_concluding_an_allowed_merge_on_a_protected_branch(hooked_repo: Path) -> None:
    _conflict(hooked_repo, "release/v1.2.0", "main")
    assert git(hooked_repo, "merge", "release/v1.2.0", check=False).returncode != 0
    _resolve(hooked_repo)
    done = git(hooked_repo, "commit", "--no-edit", check=False)
    assert done.returncode == 0, done.stderr


def test_concluding_a_disallowed_merge_is_blocked(hooked_repo: Path) -> None:
    _conflict(hooked_repo, "feature/login", "main")
    assert git(hooked_repo, "merge", "feature/login", check=False).returncode != 0
    _resolve(hooked_repo)
    done = git(hooked_repo, "commit", "--no-edit", check=False)
    assert done.returncode != 0
    assert (
        "branchflow: main: BF202 merge-source: merging feature/login (a feature branch) into "
        "main is not allowed; changes arrive only by merges from release or hotfix branches\n"
        "  feature/login may be merged into develop branches\n"
        "  hint: git merge --abort\n"
    ) in done.stderr


def test_merge_source_found_without_a_merge_message(hooked_repo: Path) -> None:
    _conflict(hooked_repo, "hotfix/urgent", "main")
    git(hooked_repo, "merge", "hotfix/urgent", check=False)
    _resolve(hooked_repo)
    git_dir = Path(git(hooked_repo, "rev-parse", "--absolute-git-dir").stdout.strip())
    (git_dir / "MERGE_MSG").write_text("my own words\n")
    done = git(hooked_repo, "commit", "-m", "my own words", check=False)
    assert done.returncode == 0, done.stderr


def test_cherry_pick_onto_main_is_blocked_with_the_abort(hooked_repo: Path) -> None:
    _conflict(hooked_repo, "feature/pick-me", "main")
    picked = git(hooked_repo, "rev-parse", "feature/pick-me").stdout.strip()
    assert git(hooked_repo, "cherry-pick", picked, check=False).returncode != 0
    _resolve(hooked_repo)
    done = git(hooked_repo, "commit", "--no-edit", check=False)
    assert done.returncode != 0
    assert "BF201 protected-commit" in done.stderr
    assert "hint: git cherry-pick --abort" in done.stderr


def test_linked_worktree(hooked_develop: Path, tmp_path: Path) -> None:
    hooked_repo = hooked_develop
    worktree = tmp_path / "wt"
    git(hooked_repo, "worktree", "add", "-q", "-b", "feature/in-worktree", str(worktree))
    assert try_commit(worktree).returncode == 0
    git(worktree, "switch", "-q", "-c", "Bad_Name")
    done = try_commit(worktree)
    assert done.returncode != 0
    assert "branchflow: Bad_Name: BF101" in done.stderr


def test_git_dir_and_work_tree_given_explicitly(hooked_repo: Path, tmp_path: Path) -> None:
    git(hooked_repo, "switch", "-q", "-c", "Bad_Name")
    (hooked_repo / "x.txt").write_text("x\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    git_dir, work_tree = str(hooked_repo / ".git"), str(hooked_repo)
    git(outside, "--git-dir", git_dir, "--work-tree", work_tree, "add", "x.txt")
    done = git(
        outside, "--git-dir", git_dir, "--work-tree", work_tree, "commit", "-m", "x", check=False
    )
    assert done.returncode != 0
    assert "branchflow: Bad_Name: BF101" in done.stderr


def test_shallow_clone(hooked_develop: Path, tmp_path: Path) -> None:
    commit(hooked_develop, "second")
    clone = shallow_clone(hooked_develop, tmp_path / "shallow")
    install_native_hook(clone)
    git(clone, "switch", "-q", "-c", "feature/shallow-work", "origin/develop")
    assert try_commit(clone).returncode == 0


def test_non_utf8_branch_name_is_reported_not_crashed(hooked_repo: Path) -> None:
    subprocess.run(["git", "switch", "-q", "-c", b"feature/caf\xe9"], cwd=hooked_repo, check=True)
    done = try_commit(hooked_repo)
    assert done.returncode != 0
    assert "branchflow: feature/caf\\xe9: BF101 branch-name" in done.stderr
    assert "Traceback" not in done.stderr


def test_hint_is_quoted_for_the_shell(hooked_repo: Path) -> None:
    hostile = "Feature/$(touch_pwned)`id`;x"
    git(hooked_repo, "switch", "-q", "-c", hostile)
    done = try_commit(hooked_repo)
    assert done.returncode != 0
    hint = done.stderr.split("hint: ", 1)[1].splitlines()[0]
    assert hint == f"git branch -m {shlex.quote(hostile)} feature/touch-pwned-id-x"
    subprocess.run(hint, shell=True, cwd=hooked_repo, check=True)
    assert git(hooked_repo, "branch", "--show-current").stdout.strip() == (
        "feature/touch-pwned-id-x"
    )
    assert not list(hooked_repo.glob("touch_pwned*"))


def test_policy_change_takes_effect_at_once(hooked_develop: Path) -> None:
    hooked_repo = hooked_develop
    git(hooked_repo, "switch", "-q", "-c", "feature/model-tuning")
    assert try_commit(hooked_repo, "one").returncode == 0  # remembered as fine
    (hooked_repo / ".branchflow.yaml").write_text("extends: solo\n")
    done = try_commit(hooked_repo, "two")
    assert done.returncode != 0
    assert "matches no branch type of .branchflow.yaml extends preset 'solo'" in done.stderr


def test_broken_policy_stops_the_commit_with_exit_2(hooked_repo: Path) -> None:
    git(hooked_repo, "switch", "-q", "-c", "feature/x")
    (hooked_repo / ".branchflow.yaml").write_text("extends: gitflow\nbranchs: {}\n")
    done = run_branchflow(hooked_repo, "hook", "pre-commit")
    assert done.returncode == 2
    assert "unknown key 'branchs'; did you mean 'branches'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_outside_a_repository(tmp_path: Path) -> None:
    done = run_branchflow(tmp_path, "hook", "pre-commit")
    assert done.returncode == 2
    assert done.stderr == "branchflow: error: not inside a git repository\n"


@pytest.mark.parametrize("verbose", ["-v", "--verbose"])
def test_verbose_says_what_matched(repo_with_develop: Path, verbose: str) -> None:
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "release/v1.2.0")
    done = run_branchflow(repo, "hook", "pre-commit", verbose)
    assert done.returncode == 0
    assert done.stderr == (
        "branchflow: release/v1.2.0: ok, release (pattern 'release/v{semver}')\n"
        "branchflow: release/v1.2.0: base develop (reflog of release/v1.2.0: "
        "'branch: Created from HEAD')\n"
    )
