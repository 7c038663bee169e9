"""The flow graph on a developer's machine: every scenario through real git commands.

Each repository is a clone of a bare `origin` with branchflow's native hooks
installed (`flow_repo`); pushes really go to that remote.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import commit, git


def work(repo: Path, name: str) -> subprocess.CompletedProcess[str]:
    """Stage a change and commit it through the hooks."""
    (repo / f"{name}.txt").write_text(f"{name}\n")
    git(repo, "add", f"{name}.txt")
    return git(repo, "commit", "-m", name, check=False)


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "push", "origin", *args, check=False)


def remote_has(repo: Path, ref: str) -> bool:
    return git(repo, "ls-remote", "--exit-code", "origin", ref, check=False).returncode == 0


# --- blocked, each with its rule id and the fix -------------------------------------------


def test_hotfix_from_develop(flow_repo: Path) -> None:
    created = git(flow_repo, "switch", "-c", "hotfix/data-leak-fix", "develop")
    assert created.returncode == 0  # post-checkout only warns ...
    assert "BF301 branch-base: hotfix/data-leak-fix was created from develop" in created.stderr
    done = work(flow_repo, "fix")  # ... the first commit is refused
    assert done.returncode != 0
    assert (
        "branchflow: hotfix/data-leak-fix: BF301 branch-base: hotfix/data-leak-fix was created "
        "from develop; hotfix branches are created from main\n"
        "  evidence: reflog of hotfix/data-leak-fix: 'branch: Created from develop'\n"
        "  hint: git stash push --quiet && git rebase --onto main develop hotfix/data-leak-fix"
        " && git reflog expire --expire=all refs/heads/hotfix/data-leak-fix"
        " && git stash pop --index --quiet\n"
    ) in done.stderr
    # The hint works as shown, with the change still staged.
    subprocess.run(
        "git stash push --quiet && git rebase --onto main develop hotfix/data-leak-fix"
        " && git reflog expire --expire=all refs/heads/hotfix/data-leak-fix"
        " && git stash pop --index --quiet",
        shell=True,
        cwd=flow_repo,
        check=True,
        capture_output=True,
    )
    assert git(flow_repo, "commit", "-m", "fix", check=False).returncode == 0


def test_feature_from_main(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/login", "main")
    done = work(flow_repo, "login")
    assert done.returncode != 0
    assert (
        "BF301 branch-base: feature/login was created from main; feature branches are "
        "created from develop" in done.stderr
    )
    assert "hint: git stash push --quiet && git rebase --onto develop main feature/login" in (
        done.stderr
    )


def test_feature_from_a_feature(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/a", "develop")
    assert work(flow_repo, "a").returncode == 0
    git(flow_repo, "switch", "-q", "-c", "feature/b")
    done = work(flow_repo, "b")
    assert done.returncode != 0
    assert (
        "feature/b was created from feature/a (feature); feature branches are created "
        "from develop" in done.stderr
    )
    assert "git rebase --onto develop feature/a feature/b" in done.stderr


def test_feature_from_a_feature_seen_by_the_graph(flow_repo: Path) -> None:
    """No reflog (as for a branch fetched from someone else): the shared commits tell."""
    git(flow_repo, "switch", "-q", "-c", "feature/a", "develop")
    assert work(flow_repo, "a").returncode == 0
    git(flow_repo, "-c", "core.logAllRefUpdates=false", "branch", "feature/b")
    assert not (flow_repo / ".git" / "logs" / "refs" / "heads" / "feature" / "b").exists()
    git(flow_repo, "switch", "-q", "feature/b")
    commit(flow_repo, "b's own work")
    pushed = push(flow_repo, "feature/b")
    assert pushed.returncode != 0
    assert "feature/b was created from feature/a (feature)" in pushed.stderr
    assert "evidence: graph: feature/b forks from feature/a at " in pushed.stderr
    assert "(1 first-parent commit down)" in pushed.stderr


def test_merging_a_feature_into_main(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/model-tuning", "develop")
    assert work(flow_repo, "tuning").returncode == 0
    git(flow_repo, "switch", "-q", "main")
    merged = git(flow_repo, "merge", "--no-ff", "--no-edit", "feature/model-tuning", check=False)
    assert merged.returncode != 0  # pre-merge-commit refuses the merge commit
    assert (
        "branchflow: main: BF202 merge-source: merging feature/model-tuning (a feature branch) "
        "into main is not allowed; changes arrive only by merges from release or hotfix "
        "branches\n  feature/model-tuning may be merged into develop branches\n"
        "  hint: git merge --abort && git switch develop && git pull --ff-only && "
        "git merge --no-ff feature/model-tuning  # then push it with the merge: git push -u origin "
        "feature/model-tuning develop\n"
    ) in merged.stderr
    # Forced through with --no-verify, the push still refuses it.
    git(flow_repo, "merge", "--abort")
    git(flow_repo, "merge", "--no-ff", "--no-edit", "--no-verify", "feature/model-tuning")
    pushed = push(flow_repo, "main")
    assert pushed.returncode != 0
    assert "BF202 merge-source: merging feature/model-tuning (a feature branch) into main" in (
        pushed.stderr
    )
    assert "hint: git switch main && git reset --keep origin/main" in pushed.stderr


def test_fast_forward_into_main_is_caught_at_push(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "release/v1.2.0", "develop")
    assert work(flow_repo, "bump").returncode == 0
    git(flow_repo, "switch", "-q", "main")
    git(flow_repo, "merge", "--ff-only", "release/v1.2.0")  # no merge commit, no hook
    pushed = push(flow_repo, "main")
    assert pushed.returncode != 0
    assert (
        "branchflow: main: BF203 fast-forward-merge: main was fast-forwarded to release/v1.2.0: "
        "no merge commit records the merge into this protected branch"
    ) in pushed.stderr
    assert "to always make merge commits: git config merge.ff false" in pushed.stderr
    assert (
        "hint: git switch main && git reset --keep origin/main && git merge --no-ff release/v1.2.0"
    ) in pushed.stderr
    assert (
        not remote_has(flow_repo, "refs/heads/main")
        or git(flow_repo, "ls-remote", "origin", "refs/heads/main").stdout.split()[0]
        != git(flow_repo, "rev-parse", "main").stdout.strip()
    )


def test_fast_forward_of_a_feature_into_main(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/quick", "main")
    commit(flow_repo, "quick")  # --no-verify: its wrong base is not the point here
    git(flow_repo, "switch", "-q", "main")
    git(flow_repo, "merge", "-q", "feature/quick")  # a fast-forward: no hook runs
    pushed = push(flow_repo, "main")
    assert pushed.returncode != 0
    assert (
        "BF202 merge-source: merging feature/quick (a feature branch) into main is not "
        "allowed" in pushed.stderr
    )
    assert "main was fast-forwarded to feature/quick" in pushed.stderr


def test_force_push_to_develop(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "develop")
    git(flow_repo, "reset", "-q", "--hard", "main")
    commit(flow_repo, "rewritten")
    pushed = push(flow_repo, "--force", "develop")
    assert pushed.returncode != 0
    assert (
        "branchflow: develop: BF402 force-push: this push rewrites develop, which is protected"
    ) in pushed.stderr
    assert (
        "hint: git switch develop && git pull --rebase=merges origin develop  "
        "# then push without --force" in pushed.stderr
    )


def test_a_push_behind_the_remote_is_left_to_git_unless_forced(
    flow_repo: Path, tmp_path: Path
) -> None:
    """A teammate pushed to develop; this clone has not fetched. Without --force, git
    refuses develop itself ("fetch first") and pushes the other refs; with it, the commits
    this clone never saw would be erased: BF402."""
    teammate = tmp_path / "teammate"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(teammate))
    git(teammate, "switch", "-q", "develop")
    git(teammate, "switch", "-q", "-c", "feature/theirs")
    commit(teammate, "theirs")
    git(teammate, "switch", "-q", "develop")
    git(teammate, "merge", "-q", "--no-ff", "--no-edit", "feature/theirs")
    git(teammate, "push", "-q", "--no-verify", "origin", "develop")
    git(flow_repo, "switch", "-q", "-c", "feature/mine", "develop")
    assert work(flow_repo, "mine").returncode == 0
    git(flow_repo, "switch", "-q", "develop")
    git(flow_repo, "merge", "-q", "--no-ff", "--no-edit", "feature/mine")
    pushed = push(flow_repo, "develop", "feature/mine")
    assert "BF402" not in pushed.stderr
    assert "fetch first" in pushed.stderr  # git's own refusal of develop
    assert remote_has(flow_repo, "refs/heads/feature/mine")
    forced = push(flow_repo, "--force", "develop")
    assert forced.returncode != 0
    assert "BF402 force-push" in forced.stderr


def test_push_deleting_develop(flow_repo: Path) -> None:
    pushed = push(flow_repo, "--delete", "develop")
    assert pushed.returncode != 0
    assert (
        "branchflow: develop: BF401 protected-delete: develop is a long-lived develop branch; "
        "it is never deleted"
    ) in pushed.stderr
    assert remote_has(flow_repo, "refs/heads/develop")


def test_direct_commit_pushed_to_main(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "main")
    commit(flow_repo, "quick fix on main")  # --no-verify: the pre-commit hook was skipped
    pushed = push(flow_repo, "main")
    assert pushed.returncode != 0
    assert (
        "branchflow: main: BF201 protected-commit: 1 commit(s) made directly on main, which is "
        "protected: changes arrive only by merges from release or hotfix branches"
    ) in pushed.stderr
    assert (
        "hint: git switch -c hotfix/my-change main && git branch -f main origin/main"
    ) in pushed.stderr


def test_release_tag_with_another_version(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "release/v1.2.0", "develop")
    assert work(flow_repo, "bump").returncode == 0
    git(flow_repo, "switch", "-q", "main")
    assert git(flow_repo, "merge", "--no-ff", "--no-edit", "release/v1.2.0").returncode == 0
    git(flow_repo, "tag", "v1.3.0")
    pushed = push(flow_repo, "release/v1.2.0", "main", "v1.3.0")
    assert pushed.returncode != 0
    assert (
        "branchflow: v1.3.0: BF502 tag-version: the tag's version 1.3.0 differs from "
        "release/v1.2.0's 1.2.0"
    ) in pushed.stderr
    main_tip = git(flow_repo, "rev-parse", "--short=12", "main").stdout.strip()
    assert f"hint: git tag -d v1.3.0 && git tag v1.2.0 {main_tip}" in pushed.stderr
    git(flow_repo, "tag", "-d", "v1.3.0")
    git(flow_repo, "tag", "v1.2.0", "main")
    assert push(flow_repo, "release/v1.2.0", "main", "v1.2.0").returncode == 0


def release_into_main(repo: Path, release: str) -> None:
    """Cut ``release`` from develop, commit on it and merge it into main (main checked out)."""
    created = git(repo, "switch", "-c", release, "develop", check=False)
    assert created.returncode == 0, created.stderr
    assert "branchflow" not in created.stderr
    assert work(repo, "bump").returncode == 0
    git(repo, "switch", "-q", "main")
    merged = git(repo, "merge", "--no-ff", "--no-edit", release, check=False)
    assert merged.returncode == 0, merged.stderr


def test_release_cycle_as_the_git_flow_tools_name_it(flow_repo: Path) -> None:
    # git flow release start 1.2.0 / finish: release/1.2.0, tagged 1.2.0, merged both ways
    release_into_main(flow_repo, "release/1.2.0")
    git(flow_repo, "tag", "-a", "-m", "Release 1.2.0", "1.2.0")
    git(flow_repo, "switch", "-q", "develop")
    assert git(flow_repo, "merge", "--no-ff", "--no-edit", "1.2.0").returncode == 0
    pushed = push(flow_repo, "main", "develop", "release/1.2.0", "1.2.0")
    assert pushed.returncode == 0, pushed.stderr
    assert "branchflow" not in pushed.stderr
    git(flow_repo, "switch", "-q", "-c", "hotfix/1.2.1", "main")
    assert work(flow_repo, "fix").returncode == 0
    git(flow_repo, "switch", "-q", "main")
    assert git(flow_repo, "merge", "--no-ff", "--no-edit", "hotfix/1.2.1").returncode == 0
    git(flow_repo, "tag", "1.2.1")
    pushed = push(flow_repo, "hotfix/1.2.1", "main", "1.2.1")
    assert pushed.returncode == 0, pushed.stderr


def test_tag_version_is_compared_as_a_version(flow_repo: Path) -> None:
    release_into_main(flow_repo, "release/v1.2.0")
    git(flow_repo, "tag", "1.3.0")
    pushed = push(flow_repo, "release/v1.2.0", "main", "1.3.0")
    assert pushed.returncode != 0
    assert (
        "branchflow: 1.3.0: BF502 tag-version: the tag's version 1.3.0 differs from "
        "release/v1.2.0's 1.2.0"
    ) in pushed.stderr
    main_tip = git(flow_repo, "rev-parse", "--short=12", "main").stdout.strip()
    assert f"hint: git tag -d 1.3.0 && git tag 1.2.0 {main_tip}" in pushed.stderr
    git(flow_repo, "tag", "-d", "1.3.0")
    git(flow_repo, "tag", "1.2.0", "main")  # the version of release/v1.2.0, spelt without v
    pushed = push(flow_repo, "release/v1.2.0", "main", "1.2.0")
    assert pushed.returncode == 0, pushed.stderr


def test_tags_on_a_support_line(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "support/1.x", "main")
    git(flow_repo, "tag", "v1.0.1")  # a version of the 1.x line
    pushed = push(flow_repo, "support/1.x", "v1.0.1")
    assert pushed.returncode == 0, pushed.stderr
    git(flow_repo, "tag", "v2.0.0")
    pushed = push(flow_repo, "v2.0.0")
    assert pushed.returncode != 0
    assert (
        "branchflow: v2.0.0: BF502 tag-version: the tag's version 2.0.0 is not of "
        "support/1.x's line 1.x"
    ) in pushed.stderr


def test_tag_name_and_place(flow_repo: Path) -> None:
    git(flow_repo, "tag", "release-1.2", "main")
    pushed = push(flow_repo, "release-1.2")
    assert pushed.returncode != 0
    assert "BF501 tag-name: the tag matches no tag template" in pushed.stderr
    git(flow_repo, "tag", "v9.9.9", "develop")
    pushed = push(flow_repo, "v9.9.9")
    assert pushed.returncode != 0
    assert "BF503 tag-branch: the tag points at" in pushed.stderr


def test_badly_named_branch_is_never_created(flow_repo: Path) -> None:
    done = git(flow_repo, "branch", "Bad_Name", check=False)
    assert done.returncode != 0
    assert "branchflow: Bad_Name: BF101 branch-name" in done.stderr
    assert "hint: git switch -c feature/bad-name" in done.stderr
    assert "fatal: ref updates aborted by hook" in done.stderr
    assert git(flow_repo, "branch", "--list", "Bad_Name").stdout == ""
    switched = git(flow_repo, "switch", "-c", "Feature/X", check=False)
    assert switched.returncode != 0
    assert git(flow_repo, "branch", "--show-current").stdout.strip() == "develop"


def test_new_remote_branch_name_is_judged_at_push(flow_repo: Path) -> None:
    pushed = push(flow_repo, "develop:refs/heads/Wip_Stuff")
    assert pushed.returncode != 0
    assert "branchflow: Wip_Stuff: BF101 branch-name" in pushed.stderr


def test_every_ref_of_a_push_is_judged(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/ok", "develop")
    assert work(flow_repo, "ok").returncode == 0
    pushed = push(flow_repo, "feature/ok", "develop:refs/heads/Bad_One", ":develop")
    assert pushed.returncode != 0
    assert "branchflow: Bad_One: BF101" in pushed.stderr
    assert "branchflow: develop: BF401" in pushed.stderr
    assert "feature/ok" not in pushed.stderr


# --- allowed ------------------------------------------------------------------------------


def test_feature_from_develop_merged_back(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/model-tuning", "develop")
    assert work(flow_repo, "tuning").returncode == 0
    assert work(flow_repo, "more tuning").returncode == 0
    assert push(flow_repo, "-u", "feature/model-tuning").returncode == 0
    git(flow_repo, "switch", "-q", "develop")
    merged = git(flow_repo, "merge", "--no-ff", "--no-edit", "feature/model-tuning", check=False)
    assert merged.returncode == 0, merged.stderr
    pushed = push(flow_repo, "develop")
    assert pushed.returncode == 0, pushed.stderr
    assert "branchflow" not in pushed.stderr


def test_release_into_main_and_back_into_develop(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "release/v1.2.0", "develop")
    assert work(flow_repo, "bump version").returncode == 0
    git(flow_repo, "switch", "-q", "main")
    assert git(flow_repo, "merge", "--no-ff", "--no-edit", "release/v1.2.0").returncode == 0
    git(flow_repo, "tag", "-a", "-m", "1.2.0", "v1.2.0")
    git(flow_repo, "switch", "-q", "develop")
    assert git(flow_repo, "merge", "--no-ff", "--no-edit", "release/v1.2.0").returncode == 0
    pushed = push(flow_repo, "release/v1.2.0", "main", "develop", "v1.2.0")
    assert pushed.returncode == 0, pushed.stderr


def test_hotfix_from_main_into_main_and_develop(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "hotfix/data-leak-fix", "main")
    assert work(flow_repo, "fix leak").returncode == 0
    for target in ("main", "develop"):
        git(flow_repo, "switch", "-q", target)
        merged = git(
            flow_repo, "merge", "--no-ff", "--no-edit", "hotfix/data-leak-fix", check=False
        )
        assert merged.returncode == 0, merged.stderr
    pushed = push(flow_repo, "hotfix/data-leak-fix", "main", "develop")
    assert pushed.returncode == 0, pushed.stderr


def test_syncing_develop_into_a_feature(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/long-running", "develop")
    assert work(flow_repo, "feature work").returncode == 0
    git(flow_repo, "switch", "-q", "-c", "feature/other", "develop")
    assert work(flow_repo, "other").returncode == 0
    git(flow_repo, "switch", "-q", "develop")
    git(flow_repo, "merge", "--no-ff", "--no-edit", "feature/other")
    git(flow_repo, "switch", "-q", "feature/long-running")
    merged = git(flow_repo, "merge", "--no-edit", "develop", check=False)
    assert merged.returncode == 0, merged.stderr
    assert work(flow_repo, "after sync").returncode == 0
    assert push(flow_repo, "feature/long-running").returncode == 0


def test_main_back_into_develop_after_a_release(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "hotfix/v1.0.1", "main")
    assert work(flow_repo, "hotfix").returncode == 0
    git(flow_repo, "switch", "-q", "main")
    git(flow_repo, "merge", "--no-ff", "--no-edit", "hotfix/v1.0.1")
    git(flow_repo, "switch", "-q", "develop")
    merged = git(flow_repo, "merge", "--no-ff", "--no-edit", "main", check=False)
    assert merged.returncode == 0, merged.stderr
    assert push(flow_repo, "hotfix/v1.0.1", "main", "develop").returncode == 0


def test_git_pull_merge_is_judged_from_fetch_head(flow_repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(other))
    git(other, "switch", "-q", "-c", "feature/theirs", "origin/develop")
    commit(other, "their work")
    git(other, "push", "-q", "origin", "feature/theirs")
    git(flow_repo, "switch", "-q", "main")
    pulled = git(
        flow_repo,
        "pull",
        "--no-rebase",
        "--no-ff",
        "--no-edit",
        "origin",
        "feature/theirs",
        check=False,
    )
    assert pulled.returncode != 0
    assert "merging feature/theirs (a feature branch) into main is not allowed" in pulled.stderr


def test_non_utf8_branch_pushed_through_the_native_hook(flow_repo: Path) -> None:
    name = b"feature/caf\xe9"
    subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", "switch", "-q", "-c", name, "develop"],
        cwd=flow_repo,
        check=True,
    )
    commit(flow_repo, "cafe")
    done = subprocess.run(
        ["git", "push", "origin", name], cwd=flow_repo, capture_output=True, check=False
    )
    assert done.returncode != 0
    assert b"branchflow: feature/caf\\xe9: BF101 branch-name" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_refused_switch_says_how_to_put_the_files_back(flow_repo: Path) -> None:
    """git switch -c checks the files out before it creates the branch: refused, HEAD stays
    on the old branch over the new start's files, and a commit there would record them."""
    git(flow_repo, "switch", "-q", "-c", "feature/signup", "develop")
    commit(flow_repo, "signup work", filename="signup.txt")
    (flow_repo / "README.md").write_text("a local change\n")
    refused = git(flow_repo, "switch", "-c", "Feature/My_Thing", "origin/main", check=False)
    assert refused.returncode != 0
    assert "but you are still on feature/signup" in refused.stderr
    assert git(flow_repo, "status", "--short").stdout.splitlines()[-1] == "D  signup.txt"
    command = next(
        line.split(": ", 1)[1].rsplit(": ", 1)[1]
        for line in refused.stderr.splitlines()
        if "git read-tree" in line
    )
    subprocess.run(["sh", "-c", command], cwd=flow_repo, check=True)
    assert git(flow_repo, "status", "--short").stdout == " M README.md\n"
    # `git branch` checks nothing out: nothing to put back, and nothing said of it
    refused = git(flow_repo, "branch", "Bad_Name", "develop", check=False)
    assert refused.returncode != 0
    assert "read-tree" not in refused.stderr


def test_a_wrong_base_with_nothing_staged_does_not_touch_older_stashes(flow_repo: Path) -> None:
    """`git stash push` with nothing to save saves nothing: a hint that popped after it
    would bring back someone's older stash."""
    (flow_repo / "old.txt").write_text("older work\n")
    git(flow_repo, "add", "old.txt")
    git(flow_repo, "stash", "push", "-q", "-m", "older work")
    git(flow_repo, "switch", "-q", "-c", "hotfix/nothing-staged", "develop")
    done = git(flow_repo, "commit", "--allow-empty", "-m", "empty", check=False)
    assert done.returncode != 0
    hint = next(line for line in done.stderr.splitlines() if "hint:" in line).split("hint: ")[1]
    assert "stash" not in hint
    subprocess.run(["sh", "-c", hint], cwd=flow_repo, check=True, capture_output=True)
    assert git(flow_repo, "stash", "list").stdout.count("older work") == 1
    assert not (flow_repo / "old.txt").exists()
