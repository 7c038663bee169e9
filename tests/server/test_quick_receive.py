"""The server's quick path (``hooks.quick_receive``) accepts only what the full judgment
accepts with nothing to say: each case is judged both ways, on the same repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from branchflow.hooks import quick_receive
from branchflow.hooks.pre_receive import judge_received
from branchflow.hooks.quick_receive import parse_receive_lines
from tests.conftest import commit, git, seed_origin

ZERO = "0" * 40


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare server (no hook: the tests judge by hand) with main, develop, a feature, a
    feature at develop's tip, and a work clone whose commits are on the server under
    refs/scratch/ (objects there, no branch)."""
    bare = tmp_path / "srv.git"
    work = tmp_path / "work"
    seed_origin(bare, work)
    git(work, "switch", "-q", "-c", "feature/open", "develop")
    commit(work, "open work")
    git(work, "push", "-q", "origin", "feature/open")
    monkeypatch.chdir(bare)  # where git runs a server hook
    return bare, work


def scratch(work: Path, name: str) -> str:
    git(work, "push", "-q", "origin", f"HEAD:refs/scratch/{name}")
    return git(work, "rev-parse", "HEAD").stdout.strip()


def both(line: str) -> tuple[bool, list[str]]:
    """(the quick path accepts, the full judgment's rule ids); the full judgment first, as a
    server's first push leaves the ruling policy for the quick path."""
    updates, bad = parse_receive_lines(line.encode())
    found, _ = judge_received(None, None, updates, bad)
    return quick_receive.accepted(line.encode(), None, None), [v.rule.id for v in found]


def test_only_what_the_full_judgment_accepts_silently(server: tuple[Path, Path]) -> None:
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    main = git(bare, "rev-parse", "main").stdout.strip()
    opened = git(bare, "rev-parse", "feature/open").stdout.strip()
    cases: dict[str, tuple[str, bool]] = {}  # name -> (line, what the quick path should say)

    git(work, "switch", "-q", "-c", "feature/new", develop)
    commit(work, "new")
    cut = scratch(work, "cut")
    cases["feature cut at develop's tip"] = (f"{ZERO} {cut} refs/heads/feature/new", True)
    cases["a badly named branch"] = (f"{ZERO} {cut} refs/heads/Bad_Name", False)
    cases["a hotfix cut at develop"] = (f"{ZERO} {cut} refs/heads/hotfix/x", False)
    cases["develop moved"] = (f"{develop} {cut} refs/heads/develop", False)

    git(work, "switch", "-q", "-c", "feature/from-main", main)
    commit(work, "from main")
    from_main = scratch(work, "from-main")
    cases["a feature cut at main"] = (f"{ZERO} {from_main} refs/heads/feature/x", False)

    git(work, "switch", "-q", "-c", "feature/on-open", opened)
    commit(work, "on another feature")
    on_open = scratch(work, "on-open")
    cases["a feature cut at another"] = (f"{ZERO} {on_open} refs/heads/feature/y", False)

    git(work, "switch", "-q", "-c", "feature/merged", develop)
    commit(work, "before merge")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "feature/from-main")
    merged = scratch(work, "merged")
    cases["a feature holding a merge"] = (f"{ZERO} {merged} refs/heads/feature/z", False)

    git(work, "switch", "-q", "feature/open")
    commit(work, "more open work")
    more = scratch(work, "more")
    cases["a feature fast-forwarded"] = (f"{opened} {more} refs/heads/feature/open", True)
    git(work, "reset", "-q", "--hard", develop)
    commit(work, "rewritten")
    rewritten = scratch(work, "rewritten")
    cases["a feature rewritten"] = (f"{opened} {rewritten} refs/heads/feature/open", False)
    cases["a feature deleted"] = (f"{opened} {ZERO} refs/heads/feature/open", True)
    cases["develop deleted"] = (f"{develop} {ZERO} refs/heads/develop", False)
    cases["a tag"] = (f"{ZERO} {cut} refs/tags/v9.9.9", False)
    git(work, "tag", "-a", "-m", "a tag object", "tagged", more)
    git(work, "push", "-q", "origin", "refs/tags/tagged:refs/scratch/tagged")
    tag = git(bare, "rev-parse", "refs/scratch/tagged").stdout.strip()
    cases["a tag object as a branch, fast-forward"] = (
        f"{opened} {tag} refs/heads/feature/open",
        False,
    )
    cases["a tag object as a new branch"] = (f"{ZERO} {tag} refs/heads/feature/t", False)
    tree = git(bare, "rev-parse", f"{cut}^{{tree}}").stdout.strip()
    cases["a tree as a branch"] = (f"{ZERO} {tree} refs/heads/feature/tree", False)
    both_lines = f"{ZERO} {cut} refs/heads/feature/new\n{ZERO} {cut} refs/heads/Bad_Name\n"
    cases["a good and a bad ref"] = (both_lines, False)

    for name, (line, expected) in cases.items():
        quick, rules = both(line)
        assert quick == expected, name
        if quick:
            assert rules == [], f"{name}: the quick path accepted what the full judgment finds"


def test_a_feature_cut_where_a_second_branch_points_is_judged_in_full(
    server: tuple[Path, Path],
) -> None:
    """develop's tip is also a feature's tip (made and not yet worked on): which one the new
    branch was cut from is the full judgment's question."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(bare, "update-ref", "refs/heads/feature/empty", develop)
    git(work, "switch", "-q", "-c", "feature/new", develop)
    commit(work, "new")
    cut = scratch(work, "cut")
    quick, _ = both(f"{ZERO} {cut} refs/heads/feature/new")
    assert not quick


def test_no_ruling_policy_left_no_quick_path(server: tuple[Path, Path]) -> None:
    bare, work = server
    git(work, "switch", "-q", "feature/open")
    commit(work, "more")
    more = scratch(work, "more")
    opened = git(bare, "rev-parse", "feature/open").stdout.strip()
    line = f"{opened} {more} refs/heads/feature/open"
    assert not quick_receive.accepted(line.encode(), None, None)  # no full judgment yet
    assert both(line) == (True, [])


def test_a_fork_another_long_lived_branch_holds_is_judged_in_full(
    server: tuple[Path, Path],
) -> None:
    """main merged develop (a release): develop's tip is on main too, and which of them the
    new branch was cut from is the full judgment's question."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-C", "main", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", develop)
    git(work, "push", "-q", "origin", "main")
    git(work, "switch", "-q", "-c", "feature/new", develop)
    commit(work, "new")
    cut = scratch(work, "cut")
    quick, rules = both(f"{ZERO} {cut} refs/heads/feature/new")
    assert not quick
    assert rules == []  # the full judgment: made from develop


def test_a_detached_head_is_judged_in_full(server: tuple[Path, Path]) -> None:
    """HEAD at a commit names no branch: the full judgment says which branch's policy rules,
    on every push; the quick path takes no entry left from before."""
    bare, work = server
    git(work, "switch", "-q", "feature/open")
    commit(work, "more")
    more = scratch(work, "more")
    opened = git(bare, "rev-parse", "feature/open").stdout.strip()
    line = f"{opened} {more} refs/heads/feature/open"
    assert both(line) == (True, [])  # HEAD names main: the entry is left
    main = git(bare, "rev-parse", "main").stdout.strip()
    git(bare, "update-ref", "--no-deref", "HEAD", main)
    assert not quick_receive.accepted(line.encode(), None, None)


def test_a_feature_cut_before_develop_moved_on(server: tuple[Path, Path]) -> None:
    """The everyday case: develop moved on while the feature was worked on. Until a release
    puts develop's commits on main too, only develop holds where it was cut."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-c", "feature/older", develop)
    commit(work, "cut before develop moved on")
    older = scratch(work, "older")
    git(work, "switch", "-q", "-c", "develop-moves", develop)
    commit(work, "develop moves on")
    git(bare, "update-ref", "refs/heads/develop", scratch(work, "moved"), develop)
    assert both(f"{ZERO} {older} refs/heads/feature/older") == (True, [])
    quick, rules = both(f"{ZERO} {older} refs/heads/hotfix/older")
    assert (quick, rules) == (False, ["BF301"])
    # a release later puts that commit on main: which line it was cut from, the full
    # judgment says
    git(work, "switch", "-q", "-C", "main", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", develop)
    git(work, "push", "-q", "origin", "main")
    quick, rules = both(f"{ZERO} {older} refs/heads/feature/older")
    assert not quick


def test_a_fork_dated_ahead_of_every_long_lived_tip_is_judged_in_full(
    server: tuple[Path, Path],
) -> None:
    """A clock three days fast made develop's commit the feature is cut from: the full
    judgment takes a commit dated a day past every long-lived tip for one none holds, and
    looks further down; the quick path leaves it that question."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-c", "develop-ahead", develop)
    ahead = {"GIT_COMMITTER_DATE": "2026-01-04T00:00:00+00:00"}  # the others: 2026-01-01
    (work / "ahead.txt").write_text("ahead\n")
    git(work, "add", "ahead.txt")
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "-m", "a clock running fast"],
        cwd=work,
        env={**os.environ, **ahead},
        check=True,
    )
    fork = scratch(work, "ahead")
    commit(work, "the clock set right")
    git(bare, "update-ref", "refs/heads/develop", scratch(work, "right"), develop)
    git(work, "switch", "-q", "-c", "feature/on-ahead", fork)
    commit(work, "cut where the clock ran fast")
    cut = scratch(work, "on-ahead")
    quick, _ = both(f"{ZERO} {cut} refs/heads/feature/on-ahead")
    assert not quick
