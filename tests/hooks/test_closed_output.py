"""A hook's verdict does not depend on whether anyone reads its message.

git hands a hook its own stderr; when that is a pipe whose reader has gone
(`git branch Bad_Name 2>&1 | head -1`), every message branchflow writes fails.
The refusal must stand all the same. These run the real git with every native
hook installed (``flow_repo``) and its output going to a pipe nobody reads.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import BRANCHFLOW, commit, git, run_unheard

NO_HOOKS = ("-c", "core.hooksPath=/dev/null")


def has_ref(repo: Path, ref: str) -> bool:
    return git(repo, "rev-parse", "--verify", "-q", ref, check=False).returncode == 0


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def test_a_bad_branch_is_not_created(flow_repo: Path) -> None:
    for command in (
        ("branch", "Bad_Name"),
        ("switch", "-c", "Bad_Switch"),
        ("checkout", "-b", "Bad_Co"),
    ):
        run_unheard(flow_repo, "git", *command)
        assert not has_ref(flow_repo, f"refs/heads/{command[-1]}"), command
    run_unheard(flow_repo, "git", "branch", "feature/fine")
    assert has_ref(flow_repo, "refs/heads/feature/fine")  # silence itself refuses nothing


def test_a_commit_on_a_bad_or_protected_branch_is_refused(flow_repo: Path) -> None:
    for branch in ("Bad_Name", "develop"):
        git(flow_repo, *NO_HOOKS, "switch", "-q", "-C", branch, "develop")
        before = head(flow_repo)
        (flow_repo / f"{branch}.txt").write_text("x\n")
        git(flow_repo, "add", f"{branch}.txt")
        run_unheard(flow_repo, "git", "commit", "-m", "unheard")
        assert head(flow_repo) == before, branch
    git(flow_repo, "switch", "-q", "-c", "feature/fine", "develop")
    before = head(flow_repo)
    commit_file = flow_repo / "fine.txt"
    commit_file.write_text("fine\n")
    git(flow_repo, "add", "fine.txt")
    run_unheard(flow_repo, "git", "commit", "-m", "fine")
    assert head(flow_repo) != before


def test_a_merge_in_the_wrong_direction_is_refused(flow_repo: Path) -> None:
    git(flow_repo, "switch", "-q", "-c", "feature/login", "develop")
    commit(flow_repo, "login")
    merge = ("git", "merge", "--no-ff", "--no-edit", "feature/login")
    # stderr only: git itself dies of SIGPIPE on its "Merge made" line, before HEAD moves.
    git(flow_repo, "switch", "-q", "main")
    before = head(flow_repo)
    run_unheard(flow_repo, *merge, closed=("stderr",))
    assert head(flow_repo) == before
    git(flow_repo, "reset", "-q", "--hard")
    git(flow_repo, "switch", "-q", "develop")
    before = head(flow_repo)
    run_unheard(flow_repo, *merge, closed=("stderr",))
    assert head(flow_repo) != before


def test_a_bad_push_is_refused(flow_repo: Path) -> None:
    origin = flow_repo.parent / "origin.git"
    git(flow_repo, *NO_HOOKS, "switch", "-q", "-c", "Bad_Name", "develop")
    commit(flow_repo, "bad")
    run_unheard(flow_repo, "git", "push", "origin", "Bad_Name")
    assert not has_ref(origin, "refs/heads/Bad_Name")
    run_unheard(flow_repo, "git", "push", "origin", "--delete", "develop")
    assert has_ref(origin, "refs/heads/develop")
    git(flow_repo, "switch", "-q", "-c", "feature/ok", "develop")
    commit(flow_repo, "ok")
    run_unheard(flow_repo, "git", "push", "origin", "feature/ok")
    assert has_ref(origin, "refs/heads/feature/ok")


def test_post_checkout_warns_and_allows_either_way(flow_repo: Path) -> None:
    git(flow_repo, *NO_HOOKS, "switch", "-q", "-c", "Bad_Name", "develop")
    develop = git(flow_repo, "rev-parse", "develop").stdout.strip()
    args = (BRANCHFLOW, "hook", "post-checkout", develop, develop, "1")
    heard = run_unheard(flow_repo, *args, closed=())
    assert b"BF101 branch-name" in heard.stderr
    assert heard.returncode == 0
    unheard = run_unheard(flow_repo, *args, closed=("stdout", "stderr"))
    assert unheard.returncode == 0


def test_every_hook_event_keeps_its_verdict(flow_repo: Path) -> None:
    """The same hook call, heard and unheard, ends the same way; refusals stay refusals."""
    develop = git(flow_repo, "rev-parse", "develop").stdout.strip()
    zero = "0" * 40
    calls = {
        "pre-commit": ((), b""),  # on develop, which is protected
        "pre-push": (("origin", "x"), f"(delete) {zero} refs/heads/develop {develop}\n".encode()),
        "reference-transaction": (
            ("prepared",),
            f"{zero} {develop} refs/heads/Bad_Name\n".encode(),
        ),
    }
    for event, (args, stdin) in calls.items():
        command = (BRANCHFLOW, "hook", event, *args)
        heard = run_unheard(flow_repo, *command, stdin=stdin, closed=())
        assert heard.returncode == 1, (event, heard.stderr)
        for closed in (("stderr",), ("stdout",), ("stdout", "stderr")):
            unheard = run_unheard(flow_repo, *command, stdin=stdin, closed=closed)
            assert unheard.returncode == 1, (event, closed)
            if "stderr" not in closed:
                assert unheard.stderr == heard.stderr, (event, closed)
