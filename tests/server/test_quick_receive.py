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
from tests.conftest import BRANCHFLOW, commit, git, literal_commit, seed_origin

ZERO = "0" * 40
HOOK = {"GIT_DIR": "."}  # as git runs a server's hook, in the repository


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


def test_a_feature_cut_where_other_branches_point(server: tuple[Path, Path]) -> None:
    """develop's tip is also a feature's tip (made and not yet worked on); a release merged
    into main and develop still points where it ended: the full judgment names the
    long-lived branches that hold the fork, whichever topic branch points there too."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(bare, "update-ref", "refs/heads/feature/empty", develop)
    git(work, "switch", "-q", "-c", "feature/new", develop)
    commit(work, "new")
    cut = scratch(work, "cut")
    assert both(f"{ZERO} {cut} refs/heads/feature/new") == (True, [])
    git(work, "switch", "-q", "-c", "release/v1.1.0", develop)
    commit(work, "release notes")
    git(work, "push", "-q", "origin", "release/v1.1.0")
    for target in ("main", "develop"):
        git(work, "switch", "-q", "-C", target, f"origin/{target}")
        git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "release/v1.1.0")
        git(work, "push", "-q", "origin", target)
    git(work, "switch", "-q", "-c", "feature/after", "release/v1.1.0")
    commit(work, "cut where the release ended")
    after = scratch(work, "after")
    assert both(f"{ZERO} {after} refs/heads/feature/after") == (True, [])
    # off both lines, held by both: main may be its base as well
    assert both(f"{ZERO} {after} refs/heads/hotfix/after") == (True, [])


def test_no_ruling_policy_left_no_quick_path(server: tuple[Path, Path]) -> None:
    bare, work = server
    git(work, "switch", "-q", "feature/open")
    commit(work, "more")
    more = scratch(work, "more")
    opened = git(bare, "rev-parse", "feature/open").stdout.strip()
    line = f"{opened} {more} refs/heads/feature/open"
    assert not quick_receive.accepted(line.encode(), None, None)  # no full judgment yet
    assert both(line) == (True, [])


def test_a_fork_a_release_took_to_main_is_quick(server: tuple[Path, Path]) -> None:
    """main merged develop (a release): develop's tip is on main too, off main's own
    first-parent line; the full judgment names develop, whose line it is on."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-C", "main", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", develop)
    git(work, "push", "-q", "origin", "main")
    git(work, "switch", "-q", "-c", "feature/new", develop)
    commit(work, "new")
    cut = scratch(work, "cut")
    assert both(f"{ZERO} {cut} refs/heads/feature/new") == (True, [])
    # a hotfix cut there is another matter: main holds it, but not on its own line
    quick, rules = both(f"{ZERO} {cut} refs/heads/hotfix/new")
    assert (quick, rules) == (False, ["BF301"])


def test_a_fork_on_mains_own_line_is_judged_in_full(
    server: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feature cut from main's line, at a commit develop holds too since it merged main
    (a hotfix taken back): the full judgment names main, whose first-parent line it is on,
    and refuses; the quick path leaves it that question. So it does when main's line since
    the fork is longer than it looks at."""
    _, work = server
    git(work, "switch", "-q", "-C", "main", "origin/main")
    commit(work, "a hotfix on main")
    fixed = scratch(work, "fixed")
    commit(work, "main moves on")
    git(work, "push", "-q", "origin", "main")
    git(work, "switch", "-q", "-C", "develop", "origin/develop")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", fixed)
    git(work, "push", "-q", "origin", "develop")
    git(work, "switch", "-q", "-c", "feature/on-main", fixed)
    commit(work, "cut from main's line")
    cut = scratch(work, "on-main")
    assert both(f"{ZERO} {cut} refs/heads/feature/on-main") == (False, ["BF301"])
    # the same fork held by main off its own line: develop took main back, main merged
    # develop (a release) — quick, unless main's line since the fork is longer than it looks
    git(work, "switch", "-q", "-c", "feature/from-develop", "origin/develop")
    commit(work, "cut from develop")
    from_develop = scratch(work, "from-develop")
    git(work, "switch", "-q", "-C", "main", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "origin/develop")
    commit(work, "main moves on again")
    git(work, "push", "-q", "origin", "main")
    line = f"{ZERO} {from_develop} refs/heads/feature/from-develop"
    assert both(line) == (True, [])
    monkeypatch.setattr(quick_receive, "LIMIT", 1)
    assert both(line) == (False, [])


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
    # a release later puts that commit on main, off main's own line: still develop's
    git(work, "switch", "-q", "-C", "main", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", develop)
    git(work, "push", "-q", "origin", "main")
    assert both(f"{ZERO} {older} refs/heads/feature/older") == (True, [])


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


def merged_into_develop(work: Path, name: str, *merged: str, edit: str | None = None) -> str:
    """develop with ``merged`` merged into it (no fast-forward), as a scratch ref on the
    server; ``edit``: a file the merge also changes (an evil merge)."""
    git(work, "switch", "-q", "-C", "develop", "origin/develop")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", *merged)
    if edit is not None:
        (work / edit).write_text("changed in the merge\n")
        git(work, "add", edit)
        git(work, "commit", "-q", "--amend", "--no-edit", "--no-verify")
    return scratch(work, name)


def test_merges_into_develop(server: tuple[Path, Path]) -> None:
    """develop moved on by merges of finished work: taken when the full judgment has nothing
    to say, left to it otherwise."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()

    def into_develop(new: str) -> tuple[bool, list[str]]:
        return both(f"{develop} {new} refs/heads/develop")

    git(work, "switch", "-q", "feature/open")
    commit(work, "finished", filename="open.txt")
    git(work, "push", "-q", "origin", "feature/open")
    assert into_develop(merged_into_develop(work, "merged", "feature/open")) == (True, [])
    # the same merge, of a branch the server has not got
    git(work, "switch", "-q", "-c", "feature/unpushed", develop)
    commit(work, "never pushed", filename="unpushed.txt")
    unpushed = merged_into_develop(work, "unpushed", "feature/unpushed")
    assert into_develop(unpushed) == (False, ["BF206"])
    # pushed with it, it is there
    line = (
        f"{develop} {unpushed} refs/heads/develop\n"
        f"{ZERO} {git(work, 'rev-parse', 'feature/unpushed').stdout.strip()} "
        "refs/heads/feature/unpushed"
    )
    assert both(line) == (True, [])
    # main, the type develop is made from, merged back
    git(work, "switch", "-q", "-C", "main", "origin/main")
    commit(work, "a fix on main", filename="fix.txt")
    git(work, "push", "-q", "origin", "main")
    assert into_develop(merged_into_develop(work, "main-back", "main")) == (True, [])
    # a feature's merge that changes a file of its own
    evil = merged_into_develop(work, "evil", "feature/open", edit="README.md")
    assert into_develop(evil) == (False, ["BF205"])
    # a commit made on develop, beside the merge
    git(work, "switch", "-q", "-C", "develop", "origin/develop")
    commit(work, "straight onto develop", filename="direct.txt")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "feature/open")
    assert into_develop(scratch(work, "direct")) == (False, ["BF201"])
    # develop moved to the feature's tip: no merge commit
    opened = git(bare, "rev-parse", "feature/open").stdout.strip()
    assert into_develop(opened)[0] is False
    # a hotfix merged into develop; a feature merged into main
    git(work, "switch", "-q", "-c", "hotfix/urgent", "origin/main")
    commit(work, "urgent", filename="urgent.txt")
    git(work, "push", "-q", "origin", "hotfix/urgent")
    assert into_develop(merged_into_develop(work, "hotfix", "hotfix/urgent")) == (True, [])
    git(work, "switch", "-q", "-C", "main", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "feature/open")
    main = git(bare, "rev-parse", "main").stdout.strip()
    line = f"{main} {scratch(work, 'feature-main')} refs/heads/main"
    quick, rules = both(line)
    assert (quick, rules) == (False, ["BF202"])


def test_merges_that_git_merges_line_by_line_are_judged_in_full(
    server: tuple[Path, Path],
) -> None:
    """Both sides changed one file (in different places): the merge's tree is git's merge of
    the lines, which the quick path does not make; the full judgment does, and agrees."""
    bare, work = server
    git(work, "switch", "-q", "-C", "develop", "origin/develop")
    (work / "shared.txt").write_text("".join(f"line {n}\n" for n in range(20)))
    git(work, "add", "shared.txt")
    git(work, "commit", "-q", "--no-verify", "-m", "a shared file")
    git(work, "push", "-q", "origin", "develop")  # this server has no hook
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-c", "feature/top", "develop")
    (work / "shared.txt").write_text("top\n" + "".join(f"line {n}\n" for n in range(1, 20)))
    git(work, "commit", "-q", "--no-verify", "-am", "top")
    git(work, "push", "-q", "origin", "feature/top")
    git(work, "switch", "-q", "-c", "feature/bottom", "develop")
    (work / "shared.txt").write_text("".join(f"line {n}\n" for n in range(19)) + "bottom\n")
    git(work, "commit", "-q", "--no-verify", "-am", "bottom")
    git(work, "push", "-q", "origin", "feature/bottom")
    git(work, "switch", "-q", "develop")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "feature/top")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "feature/bottom")
    assert both(f"{develop} {scratch(work, 'lines')} refs/heads/develop") == (False, [])


def test_merges_into_develop_as_the_default_branch(server: tuple[Path, Path]) -> None:
    """develop is the default branch, whose committed policy rules: a merge that leaves
    every file the policy was read from as it was is taken, and the policy is carried to
    develop's new commit, so the next push is quick too; one that changes them is judged in
    full (BF002 and the policy it brings are its questions)."""
    bare, work = server
    git(work, "switch", "-q", "-C", "develop", "origin/develop")
    (work / ".branchflow.yaml").write_text("extends: gitflow\n")
    git(work, "add", ".branchflow.yaml")
    git(work, "commit", "-q", "--no-verify", "-m", "the policy")
    git(work, "push", "-q", "origin", "develop")  # this server has no hook
    git(bare, "symbolic-ref", "HEAD", "refs/heads/develop")
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-c", "feature/done", "develop")
    commit(work, "done", filename="done.txt")
    git(work, "push", "-q", "origin", "feature/done")
    merged = merged_into_develop(work, "merged", "feature/done")
    line = f"{develop} {merged} refs/heads/develop"
    assert both(line) == (True, [])
    # develop lands there; the next merge is taken with no full judgment in between
    git(bare, "update-ref", "refs/heads/develop", merged, develop)
    git(work, "switch", "-q", "-c", "feature/next", merged)
    commit(work, "next", filename="next.txt")
    git(work, "push", "-q", "origin", "feature/next")
    again = merged_into_develop(work, "again", "feature/next")
    assert quick_receive.accepted(f"{merged} {again} refs/heads/develop".encode(), None, None)
    # a feature that changes the policy, merged: judged in full
    git(work, "switch", "-q", "-c", "feature/policy", merged)
    (work / ".branchflow.yaml").write_text("extends: gitflow\nexempt: [scratch/**]\n")
    git(work, "commit", "-q", "--no-verify", "-am", "exempt scratch branches")
    git(work, "push", "-q", "origin", "feature/policy")
    changed = merged_into_develop(work, "changed", "feature/policy")
    assert both(f"{merged} {changed} refs/heads/develop") == (False, [])


def pre_receive(bare: Path, line: str) -> subprocess.CompletedProcess[str]:
    """The hook run as git runs it on the server, judging ``line``."""
    return subprocess.run(
        [BRANCHFLOW, "pre-receive"],
        cwd=bare,
        input=f"{line}\n",
        capture_output=True,
        text=True,
        env={**os.environ, **HOOK},
        check=False,
    )


def raw_commit(work: Path, text: str) -> str:
    """A commit object written as given (git's own checks skipped), pushed as a scratch ref."""
    made = literal_commit(work, text)
    git(work, "push", "-q", "origin", f"{made}:refs/scratch/raw-{made[:12]}")
    return made


def test_commits_the_full_judgment_cannot_read_are_judged_in_full(
    server: tuple[Path, Path],
) -> None:
    """A commit with no author, or a signature libgit2 does not parse, at the tip or below
    it: the full judgment refuses it as malformed (BF001, not a traceback); the quick path
    never takes it, on a new branch, a fast-forward or a merge into develop."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    opened = git(bare, "rev-parse", "feature/open").stdout.strip()
    tree = git(bare, "rev-parse", f"{opened}^{{tree}}").stdout.strip()
    good = "author A <a@x> 1700000001 +0000\ncommitter A <a@x> 1700000001 +0000\n"
    bad_signatures = {
        "no author": "committer A <a@x> 1700000000 +0000\n",
        "a time that overflows": (
            "author A <a@x> 99999999999999999999999 +0000\ncommitter A <a@x> 1700000000 +0000\n"
        ),
        "no angle brackets": "author A <a@x> 1700000000 +0000\ncommitter A a@x 1700000000 +0000\n",
    }
    # the same commits well formed are taken: the ruling policy is there for the quick path
    fine = raw_commit(work, f"tree {tree}\nparent {develop}\n{good}\nwell formed\n")
    assert both(f"{ZERO} {fine} refs/heads/feature/fine") == (True, [])
    unfinished = raw_commit(
        work,
        f"tree {tree}\nparent {opened}\nauthor A <a@x> 1700000000 +0000\n"
        "committer A <a@x> 1700000000 +0000",  # no newline after it, and no message
    )
    assert not quick_receive.accepted(
        f"{opened} {unfinished} refs/heads/feature/open".encode(), None, None
    )
    # a tree id too long for the repository: git itself will not send it; written into the
    # server's objects, it is refused as malformed, not as branchflow's internal error
    long_tree = literal_commit(
        bare, f"tree {tree}{'0' * 24}\nparent {opened}\n{good}\nlong tree id\n"
    )
    refused = pre_receive(bare, f"{opened} {long_tree} refs/heads/feature/open")
    assert refused.returncode == 1, refused.stderr
    assert "BF001" in refused.stderr, refused.stderr
    assert "malformed" in refused.stderr
    for what, signature in bad_signatures.items():
        bad = raw_commit(work, f"tree {tree}\nparent {develop}\n{signature}\n{what}\n")
        below = raw_commit(work, f"tree {tree}\nparent {bad}\n{good}\ngood on top\n")
        on_open = raw_commit(work, f"tree {tree}\nparent {opened}\n{signature}\n{what}\n")
        above = raw_commit(work, f"tree {tree}\nparent {on_open}\n{good}\ngood on top\n")
        merge = raw_commit(
            work,
            f"tree {tree}\nparent {develop}\nparent {opened}\n{signature}\n"
            "Merge branch 'feature/open' into develop\n",
        )
        for line in (
            f"{ZERO} {bad} refs/heads/feature/new",
            f"{ZERO} {below} refs/heads/feature/new",
            f"{opened} {above} refs/heads/feature/open",
            f"{develop} {merge} refs/heads/develop",
        ):
            assert not quick_receive.accepted(line.encode(), None, None), f"{what}: {line}"
            refused = pre_receive(bare, line)
            assert refused.returncode != 0, f"{what}: {line}"
            assert "Traceback" not in refused.stderr
            assert "malformed" in refused.stderr or "cannot walk" in refused.stderr, refused.stderr


def test_a_policy_read_through_a_link_is_not_carried(server: tuple[Path, Path]) -> None:
    """develop is the default branch and its policy file is a link (to a file, or into a
    linked directory): a merge that changes what the link points at changes the policy,
    which the full judgment reads anew (here: refuses, BF002)."""
    bare, work = server
    git(work, "switch", "-q", "-C", "develop", "origin/develop")
    (work / "real").mkdir()
    (work / "real" / "policy.yaml").write_text("extends: gitflow\n")
    (work / "conf").symlink_to("real")
    (work / ".branchflow.yaml").symlink_to("conf/policy.yaml")
    git(work, "add", "real", "conf", ".branchflow.yaml")
    git(work, "commit", "-q", "--no-verify", "-m", "the policy, through links")
    git(work, "push", "-q", "origin", "develop")  # this server has no hook
    git(bare, "symbolic-ref", "HEAD", "refs/heads/develop")
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    git(work, "switch", "-q", "-c", "feature/policy", "develop")
    (work / "real" / "policy.yaml").write_text("extends: [unclosed\n")
    git(work, "commit", "-q", "--no-verify", "-am", "break the policy")
    git(work, "push", "-q", "origin", "feature/policy")
    broken = merged_into_develop(work, "broken", "feature/policy")
    assert both(f"{develop} {broken} refs/heads/develop") == (False, ["BF002"])


def test_a_merge_pulled_into_develop_before_pushing(server: tuple[Path, Path]) -> None:
    """Alice merged her feature into develop; bob pushed his merge first; alice pulls (a merge
    of the server's develop, "Merge branch 'develop' of <url>") and pushes both merges."""
    bare, work = server
    develop = git(bare, "rev-parse", "develop").stdout.strip()
    for name in ("feature/alice", "feature/bob"):
        git(work, "switch", "-q", "-c", name, develop)
        commit(work, name, filename=f"{name.split('/')[1]}.txt")
        git(work, "push", "-q", "origin", name)
    bobs = merged_into_develop(work, "bobs", "feature/bob")
    git(bare, "update-ref", "refs/heads/develop", bobs, develop)  # bob's push landed
    git(work, "switch", "-q", "-C", "develop", develop)
    git(work, "merge", "-q", "--no-ff", "--no-edit", "--no-verify", "feature/alice")
    git(work, "pull", "-q", "--no-rebase", "--no-edit", "--no-verify", "origin", "develop")
    summary = git(work, "log", "-1", "--format=%s").stdout.strip()
    assert summary.startswith("Merge branch 'develop' of "), summary
    pulled = scratch(work, "pulled")
    assert both(f"{bobs} {pulled} refs/heads/develop") == (True, [])
    # a "pull" that brings commits develop never had is no sync: judged in full
    git(work, "switch", "-q", "-C", "develop", bobs)
    git(work, "merge", "-q", "--no-ff", "--no-verify", "-m", summary, "feature/alice")
    assert both(f"{bobs} {scratch(work, 'posing')} refs/heads/develop")[0] is False
