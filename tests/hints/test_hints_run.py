"""Every runnable hint of every rule, for every preset, run where a user meets it.

Each case gets a real repository for its preset (``repos.py``), does what a user does
until branchflow refuses it, runs the hint shown with ``sh -c`` (it must succeed as it is,
at that moment, through the hooks), then does the user's action again: it must pass, with
the work on the branch the hint chose and no commit lost. Hints that end in words ("then
open a pull request from X into Y") have their commands run, and then the test does what
the words say.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from branchflow.checks.hints import words
from branchflow.checks.push import check_pull_request_only
from branchflow.policy.compiled import BranchRule
from tests.conftest import commit, git, run_branchflow, shallow_clone
from tests.hints.repos import (
    FLOW,
    FLOWS,
    Flow,
    PresetPlace,
    committed_whole,
    current_branch,
    cut,
    fresh_copy,
    hooked,
    local_branches,
    on,
    prepare_place,
    quiet,
    remote_tip,
    rev,
    stage,
    start_point,
    subjects,
    tags,
)
from tests.hints.shown import (
    json_hint,
    json_violations,
    passes,
    refused,
    run_hint,
    shown_violations,
)

Scenario = Callable[[Path, Flow, str], None]


@pytest.fixture(scope="session")
def places() -> dict[str, PresetPlace]:
    return {}


@pytest.fixture
def make_repo(
    places: dict[str, PresetPlace],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Flow], Path]:
    """A fresh copy of the preset's repository (built the first time one is asked for), in
    the preset's one place, with its policy already loaded."""

    def make(flow: Flow) -> Path:
        if flow.preset not in places:
            places[flow.preset] = prepare_place(flow, tmp_path_factory.mktemp(flow.preset))
        work = fresh_copy(places[flow.preset], Path(os.environ["XDG_CACHE_HOME"]))
        monkeypatch.chdir(work)
        return work

    return make


def commit_staged(repo: Path) -> subprocess.CompletedProcess[str]:
    return hooked(repo, "commit", "-m", "work")


def no_ff(source: str) -> tuple[str, ...]:
    return ("merge", "--no-ff", "--no-edit", source)


def open_pull_request(repo: Path, then: str) -> str:
    """Do what "open a pull request from X into Y" asks: X is on the remote, and CI
    accepts that pull request. Returns X."""
    found = re.search(r"pull request from (\S+) into (\S+)", then)
    assert found, f"the hint does not say which pull request to open: {then}"
    source, target = found[1], found[2]
    assert remote_tip(repo, source), f"{source} is not on the remote: {then}"
    passes(run_branchflow(repo, "ci", "--source", source, "--target", target))
    return source


def audited(repo: Path, rule: str, ref: str) -> list[dict[str, Any]]:
    """What ``branchflow audit --format json`` reports of ``rule`` about ``ref``."""
    done = run_branchflow(repo, "audit", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return [v for v in json_violations(done.stdout, rule) if v["ref"] == ref]


# --- BF101 branch-name ---------------------------------------------------------------------


def bf101_commit(repo: Path, flow: Flow, _: str) -> None:
    """A badly named branch (made before the hooks were there), then a commit on it."""
    assert flow.bad_name is not None
    bad = flow.bad_name.name
    quiet(repo, "switch", "-q", "-c", bad, start_point(repo, flow.bad_name.start))
    path = stage(repo, "work")
    run_hint(repo, refused(commit_staged(repo), "BF101"))
    passes(commit_staged(repo))
    assert current_branch(repo) != bad
    assert path in committed_whole(repo)
    assert not rev(repo, f"refs/heads/{bad}")


def bf101_create(repo: Path, flow: Flow, _: str) -> None:
    """``git switch -c Bad_Name origin/x``, refused as it is created: the hint keeps the
    start point (as typed, or the local branch at that commit when there is one)."""
    assert flow.bad_name is not None
    start = flow.bad_name.start
    typed = f"origin/{start}"
    hint = refused(hooked(repo, "switch", "-c", flow.bad_name.name, typed), "BF101")
    assert hint.endswith((f" {typed}", f" {start}")), hint
    run_hint(repo, hint)
    assert rev(repo, "HEAD") == rev(repo, typed)
    path = stage(repo, "work")
    passes(commit_staged(repo))
    assert path in committed_whole(repo)


def bf101_create_elsewhere(repo: Path, flow: Flow, _: str) -> None:
    """The badly named branch typed on the default branch, where the type it is meant to
    be of is not cut from: the hint creates it where that type starts."""
    assert flow.bad_name is not None
    hint = refused(hooked(repo, "switch", "-c", flow.bad_name.name), "BF101")
    run_hint(repo, hint)
    path = stage(repo, "work")
    passes(commit_staged(repo))
    assert path in committed_whole(repo)


def bf101_push(repo: Path, flow: Flow, _: str) -> None:
    """A new badly named branch pushed: the hint renames it and pushes it."""
    assert flow.bad_name is not None
    bad = flow.bad_name.name
    tip = cut(repo, bad, flow.bad_name.start)
    run_hint(repo, refused(hooked(repo, "push", "origin", bad), "BF101"))
    passes(hooked(repo, "push"))
    renamed = current_branch(repo)
    assert renamed != bad
    assert remote_tip(repo, renamed) == tip
    assert not remote_tip(repo, bad)


def bf101_renamed(repo: Path, flow: Flow, _: str) -> None:
    """A pushed branch renamed locally to a bad name, then a commit on it: the name it had
    (the remote's) is the repair, not that name numbered, and the push goes back to it."""
    assert flow.bad_name is not None
    bad = flow.bad_name.name
    cut(repo, bad, flow.bad_name.start)
    found = re.search(r"did you mean '([^']+)'", run_branchflow(repo, "check", bad).stderr)
    assert found, f"no suggestion for {bad}"
    good = found[1]
    quiet(repo, "branch", "-m", bad, good)
    quiet(repo, "push", "-q", "--no-verify", "-u", "origin", good)
    quiet(repo, "branch", "-m", good, bad)
    path = stage(repo, "work")
    hint = refused(commit_staged(repo), "BF101")
    assert f"{good}-2" not in hint, hint
    run_hint(repo, hint)
    passes(commit_staged(repo))
    assert current_branch(repo) == good
    assert path in committed_whole(repo)
    passes(hooked(repo, "push"))
    assert remote_tip(repo, good) == rev(repo, good)


def bf101_renamed_untracked(repo: Path, flow: Flow, _: str) -> None:
    """As bf101_renamed, for a branch pushed without -u (no upstream): the name it had, which
    the remote has, is the repair, and the server agrees where it starts."""
    assert flow.bad_name is not None
    good = flow.bad_name.good
    cut(repo, good, flow.bad_name.start)
    passes(hooked(repo, "push", "origin", good))
    bad = flow.bad_name.name
    quiet(repo, "branch", "-m", good, bad)
    stage(repo, "work")
    hint = refused(commit_staged(repo), "BF101")
    run_hint(repo, hint)
    passes(commit_staged(repo))
    assert current_branch(repo) == good
    passes(hooked(repo, "push", "origin", good))
    assert remote_tip(repo, good) == rev(repo, good)


def bf101_push_as(repo: Path, flow: Flow, _: str) -> None:
    """A well-named branch pushed under a bad name: the hint pushes that branch."""
    assert flow.bad_name is not None
    good, bad = flow.bad_name.good, flow.bad_name.name
    tip = cut(repo, good, flow.bad_name.start)
    hint = refused(hooked(repo, "push", "origin", f"{good}:{bad}"), "BF101")
    run_hint(repo, hint)
    assert remote_tip(repo, hint.rsplit(":refs/heads/", 1)[-1]) == tip
    assert not remote_tip(repo, bad)


def bf101_remote(repo: Path, flow: Flow, _: str) -> None:
    """A badly named branch someone pushed with --no-verify: the audit's hint renames it on
    the remote."""
    assert flow.bad_name is not None
    bad = flow.bad_name.name
    tip = cut(repo, bad, flow.bad_name.start)
    quiet(repo, "push", "-q", "--no-verify", "origin", bad)
    on(repo, flow.default_branch)
    quiet(repo, "branch", "-q", "-D", bad)
    (found,) = audited(repo, "BF101", bad)
    run_hint(repo, json_hint(found))
    assert not audited(repo, "BF101", bad)
    assert not remote_tip(repo, bad)
    assert tip in git(repo, "ls-remote", "origin").stdout


# --- BF201 protected-commit, BF204 pull-request-only ----------------------------------------


def bf201_commit(repo: Path, flow: Flow, branch: str) -> None:
    """A commit on a protected branch, the change staged: the hint carries it to a branch
    where the commit is allowed."""
    on(repo, branch)
    before = rev(repo, branch)
    path = stage(repo, "work")
    run_hint(repo, refused(commit_staged(repo), "BF201"))
    passes(commit_staged(repo))
    assert current_branch(repo) != branch
    assert path in committed_whole(repo)
    assert rev(repo, branch) == before


def bf201_push(repo: Path, flow: Flow, branch: str) -> None:
    """Commits made on a protected branch with --no-verify, then ``git push``: the hint
    moves them to a branch where they may be, and puts the protected one back."""
    on(repo, branch)
    cut(repo, branch, None, commits=2)
    before = local_branches(repo)
    run_hint(repo, refused(hooked(repo, "push"), "BF201"))
    passes(hooked(repo, "push", "origin", branch))
    work = current_branch(repo) or next(iter(local_branches(repo) - before))
    assert work != branch
    assert rev(repo, branch) == rev(repo, f"origin/{branch}")
    assert {f"{branch} work 1", f"{branch} work 2"} <= subjects(repo, f"{branch}..{work}")
    passes(hooked(repo, "push", "-u", "origin", work))


def bf201_cherry_pick(repo: Path, flow: Flow, branch: str) -> None:
    """A cherry-pick onto a protected branch that stopped at a conflict, concluded with
    ``git commit``: the hint abandons the cherry-pick."""
    rule = flow.topic_types()[0]
    source = topic(flow, rule.name)
    cut(repo, source, flow.right_base(rule), commits=0)
    commit(repo, "theirs", filename="clash.txt")
    on(repo, branch)
    commit(repo, "ours", filename="clash.txt")  # (with --no-verify; never pushed)
    before = rev(repo, "HEAD")
    assert git(repo, "cherry-pick", source, check=False).returncode != 0  # the conflict
    (repo / "clash.txt").write_text("both\n")
    git(repo, "add", "clash.txt")
    run_hint(repo, refused(hooked(repo, "commit", "--no-edit"), "BF201"))
    assert rev(repo, "HEAD") == before
    assert not rev(repo, "CHERRY_PICK_HEAD")


def bf204_push(repo: Path, flow: Flow, branch: str) -> None:
    """Local work pushed to a branch that takes pull requests only: the hint puts it on a
    branch of its own, for a pull request CI accepts."""
    on(repo, branch)
    cut(repo, branch, None, commits=2)
    hint = run_hint(repo, refused(hooked(repo, "push"), "BF204"))
    source = open_pull_request(repo, hint.then)
    passes(hooked(repo, "push", "origin", branch))  # nothing of it is left to push there
    pushed = subjects(repo, f"origin/{branch}..origin/{source}")
    assert {f"{branch} work 1", f"{branch} work 2"} <= pushed


def bf204_push_as(repo: Path, flow: Flow, branch: str) -> None:
    """Another local branch pushed to a pull-request-only branch (``git push origin
    feature/x:develop``): the hint pushes that branch, for a pull request."""
    rule = pull_request_source(flow, branch)
    assert rule is not None
    assert rule.generated_example
    name = rule.generated_example
    tip = cut(repo, name, flow.right_base(rule))
    pushed = hooked(repo, "push", "origin", f"{name}:{branch}")
    hint = run_hint(repo, refused(pushed, "BF204"))
    assert open_pull_request(repo, hint.then) == name
    assert remote_tip(repo, name) == tip


def pull_request_source(flow: Flow, branch: str) -> BranchRule | None:
    """A short-lived type that may be merged into ``branch``'s type."""
    target = flow.type_of(branch) or ""
    allowed = (r for r in flow.topic_types() if flow.policy.merge_allowed(r.name, target))
    return next(allowed, None)


# --- BF301 branch-base ---------------------------------------------------------------------


def wrong_base(repo: Path, flow: Flow, rule: BranchRule) -> str:
    """A branch a ``rule`` branch may not be cut from: a seeded one that holds a commit the
    right one lacks, else any seeded one, else another branch of the type."""
    wrong = [b for b in flow.seed if flow.type_of(b.name) not in rule.from_]
    wrong.sort(key=lambda b: not b.own_commit)
    if wrong:
        return wrong[0].name
    other = f"{rule.generated_example}-base"
    cut(repo, other, flow.right_base(rule))
    return other


def topic(flow: Flow, type_name: str) -> str:
    name = flow.rule(type_name).generated_example
    assert name
    return name


def bf301_commit(repo: Path, flow: Flow, type_name: str) -> None:
    """A branch cut from the wrong base, its first change staged."""
    rule, name = flow.rule(type_name), topic(flow, type_name)
    wrong = wrong_base(repo, flow, rule)
    on(repo, flow.default_branch)
    quiet(repo, "switch", "-q", "-c", name, start_point(repo, wrong))
    path = stage(repo, "work")
    run_hint(repo, refused(commit_staged(repo), "BF301"))
    passes(commit_staged(repo))
    assert current_branch(repo) == name
    assert path in committed_whole(repo)
    right = rev(repo, start_point(repo, flow.right_base(rule)))
    assert git(repo, "merge-base", "--is-ancestor", right, name, check=False).returncode == 0


def bf301_checkout(repo: Path, flow: Flow, type_name: str) -> None:
    """A branch cut from the wrong base with uncommitted work (staged, and unstaged on
    top): the hint the checkout shows carries the work across and keeps it as it was."""
    rule, name = flow.rule(type_name), topic(flow, type_name)
    wrong = wrong_base(repo, flow, rule)
    on(repo, flow.default_branch)
    path = stage(repo, "work")
    with open(repo / "README.md", "a") as readme:
        readme.write("not staged\n")
    switched = hooked(repo, "switch", "-c", name, start_point(repo, wrong))
    assert current_branch(repo) == name, switched.stderr
    (found,) = [v for v in shown_violations(switched.stderr) if v.rule == "BF301"]
    assert found.hint is not None
    run_hint(repo, found.hint)
    assert current_branch(repo) == name
    assert git(repo, "diff", "--cached", "--name-only").stdout.split() == sorted(
        [path, "README.md"]
    )
    assert "not staged" in git(repo, "diff").stdout
    passes(commit_staged(repo))
    right = rev(repo, start_point(repo, flow.right_base(rule)))
    assert git(repo, "merge-base", "--is-ancestor", right, name, check=False).returncode == 0


def bf301_same_commit(repo: Path, flow: Flow, type_name: str) -> None:
    """Cut from a branch at the same commit as the right base (another branch of the type,
    with nothing of its own yet): nothing tells the two apart, so nothing is refused (a new
    repository's develop and main are one commit too)."""
    rule, name = flow.rule(type_name), topic(flow, type_name)
    sibling = f"{name}-base"
    cut(repo, sibling, flow.right_base(rule), commits=0)
    first = cut(repo, name, sibling)
    path = stage(repo, "work")
    passes(commit_staged(repo))
    assert current_branch(repo) == name
    assert path in committed_whole(repo)
    assert rev(repo, f"{name}~1") == first


def bf301_push(repo: Path, flow: Flow, type_name: str) -> None:
    """Commits on a branch cut from the wrong base, made with --no-verify, then pushed."""
    rule, name = flow.rule(type_name), topic(flow, type_name)
    cut(repo, name, wrong_base(repo, flow, rule), commits=2)
    run_hint(repo, refused(hooked(repo, "push", "-u", "origin", name), "BF301"))
    passes(hooked(repo, "push", "-u", "origin", name))
    pushed = subjects(repo, f"origin/{flow.right_base(rule)}..origin/{name}")
    assert {f"{name} work 1", f"{name} work 2"} <= pushed


def bf301_remote(repo: Path, flow: Flow, type_name: str) -> None:
    """A teammate's branch cut from the wrong base (one with commits the right one lacks: the
    graph tells) and pushed with --no-verify: the audit's hint moves a local copy and says
    to push it again; then the audit has nothing to say."""
    rule, name = flow.rule(type_name), topic(flow, type_name)
    cut(repo, name, wrong_base(repo, flow, rule), commits=2)
    quiet(repo, "push", "-q", "--no-verify", "origin", name)
    on(repo, flow.default_branch)
    quiet(repo, "branch", "-q", "-D", name)
    (found,) = audited(repo, "BF301", name)
    hint = run_hint(repo, json_hint(found))
    again = re.fullmatch(r"push it again: (git push --force-with-lease \S+ \S+)", hint.then)
    assert again, hint.then
    passes(hooked(repo, *again[1].split()[1:]))
    assert not audited(repo, "BF301", name)
    pushed = subjects(repo, f"origin/{flow.right_base(rule)}..origin/{name}")
    assert {f"{name} work 1", f"{name} work 2"} <= pushed


# --- merges into protected branches: BF203, BF202, BF402 ------------------------------------


def bf203_fast_forward(repo: Path, flow: Flow, _: str) -> None:
    """A protected branch fast-forwarded to a branch that may be merged into it."""
    assert flow.allowed_merge is not None
    source, start, target = flow.allowed_merge
    tip = cut(repo, source, start)
    on(repo, target)
    quiet(repo, "merge", "-q", "--ff-only", source)
    run_hint(repo, refused(hooked(repo, "push", "origin", target), "BF203"))
    passes(hooked(repo, "push", "origin", source, target))  # the merged branch with it
    assert rev(repo, f"{target}^2") == tip


def bf202_merge(repo: Path, flow: Flow, _: str) -> None:
    """A merge the policy refuses, stopped before its commit: the hint abandons it."""
    assert flow.refused_merge is not None
    source, start, target = flow.refused_merge
    cut(repo, source, start)
    on(repo, target)
    before = rev(repo, "HEAD")
    _merged_elsewhere(repo, refused(hooked(repo, *no_ff(source)), "BF202"), source, target, before)
    assert git(repo, "status", "--porcelain").stdout == ""


def bf202_merge_behind(repo: Path, flow: Flow, _: str) -> None:
    """As bf202_merge, in a clone whose copy of the branch the hint merges into is behind
    the remote's (a teammate merged into develop meanwhile): the hint brings it up to date
    first, or the push of its merge is refused as not a fast-forward."""
    assert flow.refused_merge is not None
    source, start, target = flow.refused_merge
    dest = "develop"  # where the refused feature goes (Git Flow)
    teammate = "feature/teammate"
    cut(repo, teammate, dest)
    on(repo, dest)
    quiet(repo, "switch", "-q", "-c", "their-copy", dest)
    quiet(repo, "merge", "-q", "--no-ff", "--no-edit", teammate)
    quiet(repo, "push", "-q", "origin", teammate, f"their-copy:{dest}")
    quiet(repo, "switch", "-q", dest)
    quiet(repo, "branch", "-q", "-D", "their-copy")
    assert rev(repo, dest) != rev(repo, f"origin/{dest}")  # behind the remote's
    cut(repo, source, start)
    on(repo, target)
    before = rev(repo, "HEAD")
    _merged_elsewhere(repo, refused(hooked(repo, *no_ff(source)), "BF202"), source, target, before)


def bf202_remote(repo: Path, flow: Flow, _: str) -> None:
    """An integrator's clone merges a teammate's branch it has only as a remote-tracking
    branch: the hint merges that one where its type goes, not a local branch it has not."""
    assert flow.refused_merge is not None
    source, start, target = flow.refused_merge
    tip = cut(repo, source, start)
    quiet(repo, "push", "-q", "--no-verify", "origin", source)
    on(repo, target)
    quiet(repo, "branch", "-q", "-D", source)
    before = rev(repo, "HEAD")
    done = run_hint(repo, refused(hooked(repo, *no_ff(f"origin/{source}")), "BF202"))
    assert "git switch" in done.commands
    assert rev(repo, target) == before
    assert current_branch(repo) != target
    assert git(repo, "merge-base", "--is-ancestor", tip, "HEAD", check=False).returncode == 0
    passes(hooked(repo, "push", "origin", current_branch(repo)))


def bf202_carried(repo: Path, flow: Flow, _: str) -> None:
    """A feature merged into develop here, not pushed yet; another feature cut from this
    develop and pushed: it carries develop's merge (BF202 on the feature). The hint pushes
    develop first, and the feature then passes with its own commit."""
    source, target = "feature/done", "develop"  # git names develop in the message
    cut(repo, source, target)
    quiet(repo, "push", "-q", "--no-verify", "origin", source)
    on(repo, target)
    quiet(repo, *no_ff(source))
    other = "feature/next"
    quiet(repo, "switch", "-q", "-c", other, target)
    tip = cut(repo, other, None)
    done = run_hint(repo, refused(hooked(repo, "push", "origin", other), "BF202"))
    assert done.then == f"push {other} again: what {target} merged is on the remote then"
    assert rev(repo, f"origin/{target}") == rev(repo, target)
    passes(hooked(repo, "push", "origin", other))
    assert remote_tip(repo, other) == tip


def _merged_elsewhere(repo: Path, said: str, source: str, target: str, before: str) -> None:
    """The hint abandons the merge, leaving ``target`` as it was; where the source's type
    goes (a feature to develop), it merges it there, or names the pull request to open."""
    done = run_hint(repo, said)
    assert rev(repo, target) == before
    assert not rev(repo, "MERGE_HEAD")
    if "git switch" in done.commands:
        assert current_branch(repo) != target
        assert git(repo, "merge-base", "--is-ancestor", source, "HEAD", check=False).returncode == 0
        if done.then:  # the push that takes the merged branch along, as the words say
            assert (
                done.then
                == f"push it with the merge: git push -u origin {source} {current_branch(repo)}"
            )
        passes(hooked(repo, "push", "origin", source, current_branch(repo)))  # a real merge
    else:
        assert rev(repo, "HEAD") == before
        assert done.then.startswith(f"open a pull request of {source} into ")


def bf202_conflict(repo: Path, flow: Flow, _: str) -> None:
    """A refused merge that stopped at a conflict, resolved and concluded with ``git
    commit``: the pre-commit hook refuses it, and the hint abandons the merge."""
    assert flow.refused_merge is not None
    source, start, target = flow.refused_merge
    cut(repo, source, start)
    commit(repo, "theirs", filename="clash.txt")
    on(repo, target)
    commit(repo, "ours", filename="clash.txt")  # (with --no-verify; never pushed)
    before = rev(repo, "HEAD")
    assert git(repo, *no_ff(source), check=False).returncode != 0  # the conflict
    (repo / "clash.txt").write_text("both\n")
    git(repo, "add", "clash.txt")
    _merged_elsewhere(
        repo, refused(hooked(repo, "commit", "--no-edit"), "BF202"), source, target, before
    )


def bf202_push(repo: Path, flow: Flow, _: str) -> None:
    """The refused merge made with --no-verify, then pushed: the hint undoes it here."""
    assert flow.refused_merge is not None
    source, start, target = flow.refused_merge
    tip = cut(repo, source, start)
    on(repo, target)
    quiet(repo, *no_ff(source))
    run_hint(repo, refused(hooked(repo, "push", "origin", target), "BF202"))
    passes(hooked(repo, "push", "origin", target))
    assert rev(repo, target) == rev(repo, f"origin/{target}")
    assert rev(repo, source) == tip


def bf206_unpushed(repo: Path, flow: Flow, _: str) -> None:
    """A feature finished locally, never pushed, merged into develop: pushing develop alone
    is told here (the server would refuse it), and the hint pushes the feature with it."""
    assert flow.allowed_merge is not None
    source, start, target = flow.allowed_merge
    cut(repo, source, start)
    on(repo, target)
    quiet(repo, *no_ff(source))
    said = refused(hooked(repo, "push", "origin", target), "BF206")
    assert said == f"git push -u origin {source} {target}"
    run_hint(repo, said)
    assert rev(repo, f"origin/{target}") == rev(repo, target)
    assert rev(repo, f"origin/{source}") == rev(repo, source)


def bf205_carried(repo: Path, flow: Flow, _: str) -> None:
    """A merge amended with a change of its own (one nobody merged), after another merge not
    pushed yet: the hint commits that change on the merged branch, takes the merge back (only
    it) and makes it again, and the push passes with the change and both merges kept."""
    assert flow.allowed_merge is not None
    source, start, target = flow.allowed_merge
    # merged before it, not pushed yet: it stays merged (where the source is a new branch)
    earlier = [f"{source}-earlier"] if start is not None else []
    for name in (*earlier, source):
        cut(repo, name, start)
        quiet(repo, "push", "-q", "--no-verify", "origin", name)
    on(repo, target)
    for name in earlier:
        quiet(repo, *no_ff(name))
    before = rev(repo, target)
    quiet(repo, *no_ff(source))
    readme = repo / "README.md"
    readme.write_text(readme.read_text() + "carried by the merge\n")
    quiet(repo, "commit", "-q", "-a", "--amend", "--no-edit", "--no-verify")
    run_hint(repo, refused(hooked(repo, "push", "origin", target), "BF205"))
    assert current_branch(repo) == target
    assert rev(repo, f"{target}^1") == before
    assert "carried by the merge" in git(repo, "show", f"{source}:README.md").stdout
    passes(hooked(repo, "push", "origin", source, target))
    assert "carried by the merge" in git(repo, "show", f"origin/{target}:README.md").stdout
    assert rev(repo, f"origin/{target}^1") == before  # what was merged before stays


def bf205_carried_below(repo: Path, flow: Flow, _: str) -> None:
    """The amended merge has another merge on top: the hint keeps the branch as it is on a
    branch the policy accepts (the hooks refuse any other name) and says the rest."""
    assert flow.allowed_merge is not None
    source, start, target = flow.allowed_merge
    later = f"{source}-later"
    for name in (source, later):
        cut(repo, name, start)
        quiet(repo, "push", "-q", "--no-verify", "origin", name)
    on(repo, target)
    quiet(repo, *no_ff(source))
    readme = repo / "README.md"
    readme.write_text(readme.read_text() + "carried by the merge\n")
    quiet(repo, "commit", "-q", "-a", "--amend", "--no-edit", "--no-verify")
    quiet(repo, *no_ff(later))
    tip = rev(repo, target)
    done = run_hint(repo, refused(hooked(repo, "push", "origin", target), "BF205"))
    kept = done.commands.split()[2]  # git branch <kept> <target>
    assert rev(repo, f"refs/heads/{kept}") == tip
    assert "git reset --keep" in done.then


def bf402_amended(repo: Path, flow: Flow, _: str) -> None:
    """This clone pushed a merge, amended it and force-pushed: the hint drops the rewrite
    (replaying it would put both merges on the branch), and the branch is as pushed."""
    assert flow.allowed_merge is not None
    source, start, target = flow.allowed_merge
    cut(repo, source, start)
    on(repo, target)
    quiet(repo, *no_ff(source))
    passes(hooked(repo, "push", "origin", source, target))
    pushed = rev(repo, target)
    quiet(repo, "commit", "--amend", "--no-verify", "-m", "the merge, message fixed")
    said = refused(hooked(repo, "push", "--force", "origin", target), "BF402")
    hint = run_hint(repo, said)
    assert f"git reset --keep origin/{target}" in hint.commands
    assert rev(repo, target) == pushed
    assert current_branch(repo) == target
    passes(hooked(repo, "push", "origin", target))
    assert rev(repo, f"origin/{target}") == pushed


def bf402_force(repo: Path, flow: Flow, _: str) -> None:
    """A teammate merged into a protected branch; ``git push --force`` of this clone's own
    merge, from another branch, would erase theirs. The hint brings theirs in; a plain push
    then passes, with both merges."""
    assert flow.allowed_merge is not None
    source, start, target = flow.allowed_merge
    teammate = repo.parent / "teammate"
    git(repo.parent, "clone", "-q", str(repo.parent / "origin.git"), str(teammate))
    theirs = f"{source}-2" if start is not None else source
    cut(teammate, theirs, start, by="teammate")
    on(teammate, target)
    quiet(teammate, *no_ff(theirs))
    quiet(teammate, "push", "-q", "origin", target)
    cut(repo, source, start)
    on(repo, target)
    quiet(repo, *no_ff(source))
    on(repo, source)
    hint = run_hint(repo, refused(hooked(repo, "push", "--force", "origin", target), "BF402"))
    assert f"git merge --no-ff {source}" in hint.commands  # made again on top of theirs
    # the merged branch goes with it: the push the words name
    assert hint.then == f"push without --force: git push -u origin {source} {target}"
    passes(hooked(repo, *hint.then.split(": ", 1)[1].split()[1:]))
    # The remote's merge stays on the branch's first-parent line, and this one follows it.
    line = git(repo, "log", "--first-parent", "--format=%s", "-2", f"origin/{target}").stdout
    assert line.split("\n")[1].startswith("Merge branch "), line
    assert {f"{source} work 1", "teammate work 1"} <= subjects(repo, f"origin/{target}")


def bf401_delete(repo: Path, flow: Flow, branch: str) -> None:
    """Deleting a long-lived branch on the remote is refused, and nothing needs undoing:
    the hint runs nothing, naming only how to delete one's own copy."""
    on(repo, branch)  # a local copy ...
    on(repo, flow.default_branch)  # ... not checked out
    said = refused(hooked(repo, "push", "origin", "--delete", branch), "BF401")
    assert said == (
        f"nothing to undo: {branch} stays; if you meant only your own copy: git branch -d {branch}"
    )
    assert rev(repo, f"refs/heads/{branch}")
    assert remote_tip(repo, branch)


def bf401_no_copy(repo: Path, flow: Flow, branch: str) -> None:
    """The same from a clone that never checked the branch out: no copy to delete, so no
    hint (``git branch -d`` would fail)."""
    _refused_without_hint(repo, branch)


def bf401_checked_out(repo: Path, flow: Flow, branch: str) -> None:
    """The same with the branch checked out: ``git branch -d`` would fail, so no hint."""
    on(repo, branch)
    _refused_without_hint(repo, branch)


def _refused_without_hint(repo: Path, branch: str) -> None:
    pushed = hooked(repo, "push", "origin", "--delete", branch)
    assert pushed.returncode != 0
    (found,) = [v for v in shown_violations(pushed.stderr) if v.rule == "BF401"]
    assert found.hint == f"nothing to undo: {branch} stays"
    assert remote_tip(repo, branch)


# --- tags: BF501, BF502, BF503 -------------------------------------------------------------


def tagged_branch(flow: Flow) -> str:
    """A seeded branch of a type that takes tags."""
    assert flow.policy.tags is not None
    return next(b.name for b in flow.seed if flow.type_of(b.name) in flow.policy.tags.on)


def push_the_new_tag(repo: Path, before: set[str]) -> str:
    (made,) = tags(repo) - before
    passes(hooked(repo, "push", "origin", made))
    return made


def bf501_tag(repo: Path, flow: Flow, name: str) -> None:
    """A tag that breaks the template: the hint makes one that keeps it, at that commit."""
    on(repo, tagged_branch(flow))
    quiet(repo, "tag", name)
    before = tags(repo) - {name}
    run_hint(repo, refused(hooked(repo, "push", "origin", name), "BF501"))
    assert name not in tags(repo)
    made = push_the_new_tag(repo, before)
    assert rev(repo, f"{made}^{{commit}}") == rev(repo, "HEAD")


def bf501_taken(repo: Path, flow: Flow, name: str) -> None:
    """``rel-1.2.0`` where ``v1.2.0`` already exists: the suggested tag is a free one."""
    on(repo, tagged_branch(flow))
    quiet(repo, "tag", "v1.2.0")
    quiet(repo, "push", "-q", "origin", "v1.2.0")
    commit(repo, "a fix")  # (with --no-verify, never pushed: only the tag is judged)
    quiet(repo, "tag", name)
    before = tags(repo) - {name}
    run_hint(repo, refused(hooked(repo, "push", "origin", name), "BF501"))
    assert push_the_new_tag(repo, before) not in {"v1.2.0", name}


def bf502_version(repo: Path, flow: Flow, release: str) -> None:
    """A release merged into the tagged branch (by the platform, for pull-request
    branches), then tagged with another version."""
    rule = flow.rule(flow.type_of(release) or "")
    target = tagged_branch(flow)
    cut(repo, release, flow.right_base(rule))
    on(repo, target)
    quiet(repo, *no_ff(release))
    quiet(repo, "push", "-q", "--no-verify", "origin", target)
    quiet(repo, "tag", "v9.9.0")
    before = tags(repo) - {"v9.9.0"}
    run_hint(repo, refused(hooked(repo, "push", "origin", "v9.9.0"), "BF502"))
    push_the_new_tag(repo, before)


def bf503_place(repo: Path, flow: Flow, name: str) -> None:
    """A release tag on a commit of a topic branch, which no tagged branch holds."""
    topics = flow.topic_types()
    if topics:
        cut(repo, topic(flow, topics[0].name), flow.right_base(topics[0]))
    else:
        cut(repo, flow.default_branch, None)
    quiet(repo, "tag", name)
    run_hint(repo, refused(hooked(repo, "push", "origin", name), "BF503"))
    # As the words say: the tag goes where the release lands on the tagged branch.
    quiet(repo, "tag", name, f"origin/{tagged_branch(flow)}")
    passes(hooked(repo, "push", "origin", name))


# --- the audit and CI: BF504, BF701, BF302 --------------------------------------------------


def bf504_untagged(repo: Path, flow: Flow, release: str) -> None:
    """A release merged into the tagged branch (by the platform, for pull-request
    branches) and never tagged: the audit's hint tags it and pushes the tag."""
    rule = flow.rule(flow.type_of(release) or "")
    target = tagged_branch(flow)
    cut(repo, release, flow.right_base(rule))
    on(repo, target)
    quiet(repo, *no_ff(release))
    quiet(repo, "push", "-q", "--no-verify", "origin", target)
    (found,) = audited(repo, "BF504", release)
    run_hint(repo, json_hint(found))
    assert not audited(repo, "BF504", release)


def bf701_stale(repo: Path, flow: Flow, where: str) -> None:
    """A topic branch idle for years, here or (``where`` == "remote") only on origin."""
    rule = flow.topic_types()[0]
    name = topic(flow, rule.name)
    quiet(repo, "switch", "-q", "-c", name, start_point(repo, flow.right_base(rule)))
    when = "2020-01-01T00:00:00Z"
    long_ago = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "--allow-empty", "-m", "old work"],
        cwd=repo,
        env={**os.environ, **long_ago},
        check=True,
    )
    on(repo, flow.default_branch)
    if where == "remote":
        quiet(repo, "push", "-q", "origin", name)
        quiet(repo, "branch", "-q", "-D", name)
    (found,) = audited(repo, "BF701", name)
    run_hint(repo, json_hint(found))
    assert not audited(repo, "BF701", name)
    assert not remote_tip(repo, name)
    assert not rev(repo, f"refs/heads/{name}")


def bf302_shallow(repo: Path, flow: Flow, _: str) -> None:
    """CI in a shallow clone cannot see where a branch was cut: fetch the history."""
    rule = flow.topic_types()[0]
    name, base = topic(flow, rule.name), flow.right_base(rule)
    cut(repo, name, base, commits=2)
    quiet(repo, "push", "-q", "origin", name)
    cut(repo, base, None)  # the base moves on
    quiet(repo, "push", "-q", "--no-verify", "origin", base)
    shallow = shallow_clone(repo.parent / "origin.git", repo.parent / "shallow")
    args = ("ci", "--source", name, "--target", flow.branch_of(rule.into[0]), "--format", "json")
    (found,) = json_violations(run_branchflow(shallow, *args).stdout, "BF302")
    run_hint(shallow, json_hint(found))
    again = run_branchflow(shallow, *args)
    assert again.returncode == 0, again.stdout
    assert not json_violations(again.stdout, "BF302")


# --- the table -----------------------------------------------------------------------------
#
# Hints made from the preset's graph (where refused work goes, which base, which name,
# where a tag goes) run for every preset; hints made only from the branch being fixed
# (abort a merge, undo a push, delete a branch, retag a version) run for one or two.

BF101: dict[str, Scenario] = {
    "commit": bf101_commit,
    "renamed": bf101_renamed,
    "renamed-untracked": bf101_renamed_untracked,
    "create": bf101_create,
    "create-elsewhere": bf101_create_elsewhere,
    "push": bf101_push,
    "push-as": bf101_push_as,
    "audit-remote": bf101_remote,
}
BF101_SITUATIONS = {
    "gitflow": tuple(BF101),
    "conventional": ("create",),
    "github-flow": ("push", "audit-remote"),
    "gitlab-flow": ("push-as",),
    "ml-team": ("commit",),
    "trunk": ("push",),
}


def _into(merge: str) -> Callable[[Flow], str]:
    return lambda flow: getattr(flow, merge).into


def _named(subject: str) -> Callable[[Flow], str]:
    return lambda flow: subject


def _first_topic(flow: Flow) -> str:
    return flow.topic_types()[0].name


# rule, situation, scenario, subject, presets
BRANCH_ONLY: tuple[tuple[str, str, Scenario, Callable[[Flow], str], tuple[str, ...]], ...] = (
    ("BF201", "cherry-pick", bf201_cherry_pick, _named("main"), ("gitflow",)),
    ("BF203", "push", bf203_fast_forward, _into("allowed_merge"), ("gitflow", "solo")),
    ("BF202", "merge", bf202_merge, _into("refused_merge"), ("ml-team",)),
    ("BF202", "conflict", bf202_conflict, _into("refused_merge"), ("gitflow",)),
    ("BF202", "behind", bf202_merge_behind, _into("refused_merge"), ("gitflow",)),
    ("BF202", "remote", bf202_remote, _into("refused_merge"), ("gitflow",)),
    ("BF202", "carried", bf202_carried, _named("develop"), ("gitflow",)),
    ("BF202", "push", bf202_push, _into("refused_merge"), ("gitflow",)),
    ("BF402", "push", bf402_force, _into("allowed_merge"), ("gitflow", "solo")),
    ("BF402", "amended", bf402_amended, _into("allowed_merge"), ("gitflow",)),
    ("BF206", "unpushed", bf206_unpushed, _into("allowed_merge"), ("gitflow", "solo")),
    ("BF205", "amended", bf205_carried, _into("allowed_merge"), ("gitflow", "solo")),
    ("BF205", "amended-below", bf205_carried_below, _into("allowed_merge"), ("gitflow",)),
    ("BF401", "push", bf401_delete, _named("develop"), ("gitflow",)),
    ("BF401", "no-copy", bf401_no_copy, _named("develop"), ("ml-team",)),
    ("BF401", "checked-out", bf401_checked_out, _named("develop"), ("gitflow",)),
    ("BF501", "push", bf501_tag, _named("release-1.2"), ("github-flow",)),
    ("BF501", "taken", bf501_taken, _named("rel-1.2.0"), ("trunk",)),
    ("BF504", "audit", bf504_untagged, _named("release/v1.2.0"), ("gitflow", "ml-team")),
    ("BF701", "audit", bf701_stale, _named("local"), ("gitlab-flow",)),
    ("BF701", "audit", bf701_stale, _named("remote"), ("trunk",)),
    ("BF302", "ci", bf302_shallow, _named("shallow"), ("ml-team",)),
    ("BF301", "same-commit", bf301_same_commit, _first_topic, ("gitflow", "conventional")),
    ("BF301", "push", bf301_push, _first_topic, ("gitflow", "github-flow")),
    ("BF301", "audit-remote", bf301_remote, _named("hotfix"), ("gitflow",)),
)


def _moved_to_a_new_branch(flow: Flow, rule: BranchRule) -> bool:
    """Whether work refused on a ``rule`` branch goes to a new branch cut from it (else to
    one that starts elsewhere, and its commits are cherry-picked there)."""
    policy = flow.policy
    return any(rule.name in r.from_ and not (r.long_lived or r.protection) for r in policy.branches)


def graph_cases(flow: Flow) -> Iterator[Any]:
    for situation in BF101_SITUATIONS.get(flow.preset, ()):
        yield case(flow, "BF101", situation, "", BF101[situation])
    pushed: set[bool] = set()  # one push case for each way of moving the work
    for rule in flow.policy.branches:
        if not rule.protection:
            continue
        branch = flow.branch_of(rule.name)
        yield case(flow, "BF201", "commit", branch, bf201_commit)
        if rule.protection == "pull-request":
            yield case(flow, "BF204", "push", branch, bf204_push)
            if pull_request_source(flow, branch) is not None:
                yield case(flow, "BF204", "push-as", branch, bf204_push_as)
        elif _moved_to_a_new_branch(flow, rule) not in pushed:
            pushed.add(_moved_to_a_new_branch(flow, rule))
            yield case(flow, "BF201", "push", branch, bf201_push)
    bases: set[tuple[str, ...]] = set()  # one case for each set of allowed bases
    for rule in flow.topic_types():
        if rule.from_ not in bases:
            bases.add(rule.from_)
            yield case(flow, "BF301", "commit", rule.name, bf301_commit)
            yield case(flow, "BF301", "checkout", rule.name, bf301_checkout)
    if flow.policy.tags is not None:
        yield case(flow, "BF503", "push", "v1.9.9", bf503_place)
    for rule in flow.topic_types():
        if rule.patterns[0].source.endswith("{semver}") and rule.generated_example:
            yield case(flow, "BF502", "push", rule.generated_example, bf502_version)


def cases() -> Iterator[Any]:
    for flow in FLOWS:
        yield from graph_cases(flow)
    for rule, situation, scenario, subject, presets in BRANCH_ONLY:
        for preset in presets:
            flow = FLOW[preset]
            yield case(flow, rule, situation, subject(flow), scenario)


def case(flow: Flow, rule: str, situation: str, subject: str, scenario: Scenario) -> Any:
    parts = [flow.preset, rule, situation, *([subject] if subject else [])]
    return pytest.param(flow, subject, scenario, id="-".join(parts))


@pytest.mark.parametrize(("flow", "subject", "scenario"), list(cases()))
def test_hint_runs_and_then_passes(
    make_repo: Callable[[Flow], Path], flow: Flow, subject: str, scenario: Scenario
) -> None:
    scenario(make_repo(flow), flow, subject)


def test_a_long_lived_branch_pushed_to_a_pull_request_branch_is_a_pull_request() -> None:
    """``git push origin develop:test`` (ml-team): develop's own pull request is the way, in
    words (no command carries it out)."""
    flow = FLOW["ml-team"]
    (refused_push,) = check_pull_request_only(
        flow.policy, "test", flow.rule("test"), remote="origin", local="develop"
    )
    assert refused_push.hint == words("open a pull request from develop into test")


# --- a release line's tags are of its versions --------------------------------------------


@pytest.mark.parametrize(
    ("preset", "branch", "tag"),
    [("trunk", "release/1.4", "v1.4.1"), ("gitflow", "support/1.x", "v1.3.0")],
)
def test_a_tag_on_a_release_line_passes(
    make_repo: Callable[[Flow], Path], preset: str, branch: str, tag: str
) -> None:
    """A tag at the tip of a release line (release/1.4, support/1.x) with a version of that
    line is not BF502: the line's version names the release, not the tag."""
    repo = make_repo(FLOW[preset])
    on(repo, branch)
    quiet(repo, "tag", tag)
    passes(hooked(repo, "push", "origin", tag))
