"""The audit of real histories says what matters first. On nvie/gitflow and gitflow-avh most
findings are one cause, the projects' own naming (``feature/add_rename_command``,
``release/0.4``, tags ``0.4``): the summary names it, merged branches of no type are naming
findings of those branches (not flows the policy forbids), and the policy change the audit
prints takes those names when it is used."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BRANCHFLOW, PROJECT_ROOT, git

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
BUNDLES = ("nvie-gitflow", "gitflow-avh")

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"no corpus of real histories at {CORPUS} (CI has one there)"
)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    made: dict[str, Path] = {}

    def cloned(bundle: str) -> Path:
        if bundle not in made:
            path = tmp_path_factory.mktemp("corpus") / bundle
            git(path.parent, "clone", "-q", str(CORPUS / f"{bundle}.bundle"), str(path))
            made[bundle] = path
        return made[bundle]

    return cloned


def audit(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [BRANCHFLOW, "audit", "--stale-days", "100000", *args],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BRANCHFLOW_NO_CACHE": "1"},
    )
    assert done.returncode in (0, 1), done.stderr
    return done


def report(clone: Path, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(audit(clone, "--format", "json", *args).stdout)
    return data


@pytest.mark.parametrize("bundle", BUNDLES)
def test_a_merged_branch_of_no_type_is_a_naming_finding(
    bundle: str, clone: Callable[[str], Path]
) -> None:
    found = report(clone(bundle))["violations"]
    assert not [v for v in found if "matches no branch type) into" in v["message"]]
    merged = [v for v in found if v["rule"] == "BF101" and v["on"] != v["ref"]]
    assert merged, "the corpus merges branches of no type into develop"
    for v in merged:
        assert v["message"].startswith(f"merged into {v['on']}, but the name matches no branch")
        assert v["details"][0].startswith("merge commit ")
    assert not [v for v in found if "(a commit no branch points at)" in v["message"]]


def test_the_summary_names_the_projects_naming_first(clone: Callable[[str], Path]) -> None:
    done = audit(clone("gitflow-avh"))
    lines = done.stdout.splitlines()
    assert lines[0].startswith("summary: ")
    causes = lines[lines.index("causes:") + 1]
    assert causes.startswith("  42 branch name(s) match no branch type: 26 like feature/x_y (")
    assert "like release/N.N (a 2-part version)" in causes
    assert any(line.startswith("  4 tag(s) match no tag template: 4 like N.N") for line in lines)
    assert any("commit(s) made directly on develop, in " in line for line in lines)


@pytest.mark.parametrize("bundle", BUNDLES)
def test_the_printed_policy_change_takes_the_names(
    bundle: str, clone: Callable[[str], Path]
) -> None:
    path = clone(bundle)
    before = report(path)
    change = before["audit"]["policy_change"]
    assert change is not None
    assert change["where"] == ".branchflow.yaml"
    (path / ".branchflow.yaml").write_text(change["yaml"])
    try:
        after = report(path)
    finally:
        (path / ".branchflow.yaml").unlink()
    names_before = {v["ref"] for v in before["violations"] if v["rule"] in ("BF101", "BF501")}
    names_after = {v["ref"] for v in after["violations"] if v["rule"] in ("BF101", "BF501")}
    assert names_after < names_before
    assert len(names_before - names_after) == change["takes"]
    assert not [n for n in names_after if n.startswith("feature/") and "_" in n and "#" not in n]
    assert not [v for v in after["violations"] if v["rule"] == "BF501"]
    assert after["audit"]["findings"] < before["audit"]["findings"]


def test_long_runs_of_one_finding_are_folded(clone: Callable[[str], Path]) -> None:
    path = clone("nvie-gitflow")
    folded = audit(path).stdout
    every = audit(path, "--all").stdout
    total = report(path)["audit"]["findings"]
    assert folded.count("\nbranchflow: ") < total
    assert "... and 30 more BF201 on develop" in folded
    # the last line: the same audit, every finding shown
    assert folded.splitlines()[-1].endswith(
        "finding(s) folded; every one: branchflow audit --stale-days 100000 --all"
    )
    assert every.count("\nbranchflow: ") == total
    assert "folded" not in every


@pytest.mark.parametrize("bundle", BUNDLES)
def test_commits_of_two_protected_branches_count_once(
    bundle: str, clone: Callable[[str], Path]
) -> None:
    path = clone(bundle)
    lines = set()
    for branch in ("origin/develop", "origin/master"):
        lines |= set(git(path, "rev-list", "--first-parent", branch).stdout.split())
    assert report(path)["commits"] == len(lines)


def test_an_untagged_release_merge_is_found_though_its_version_is_tagged_elsewhere(
    clone: Callable[[str], Path],
) -> None:
    """nvie/gitflow's tag 0.2 marks develop's merge of release/0.2, not master's: master's
    release merge 097459c carries no tag of its version."""
    path = clone("nvie-gitflow")
    change = report(path)["audit"]["policy_change"]
    (path / ".branchflow.yaml").write_text(change["yaml"])
    try:
        found = report(path)["violations"]
    finally:
        (path / ".branchflow.yaml").unlink()
    untagged = [(v["ref"], v["on"], v["fingerprint"]) for v in found if v["rule"] == "BF504"]
    master = git(path, "rev-parse", "origin/master~4").stdout.strip()
    assert master.startswith("097459c")
    assert untagged == [("release/0.2", "master", f"BF504:release/0.2:{master}")]


def test_the_observed_graph_counts_the_merges_history_shows(clone: Callable[[str], Path]) -> None:
    path = clone("nvie-gitflow")
    log = git(path, "log", "--first-parent", "--merges", "--format=%s", "origin/develop").stdout
    features = sum(
        1
        for s in log.splitlines()
        if s.startswith("Merge branch 'feature/") and s.endswith(" into develop")
    )
    assert features >= 10
    flows = report(path)["audit"]["flows"]
    (observed,) = [f for f in flows if (f["source"], f["target"]) == ("feature", "develop")]
    assert observed["allowed"] is True
    assert observed["merges"] >= features  # git's merges, and pull requests of feature/ names
    features = observed["merges"]
    done = subprocess.run(
        [BRANCHFLOW, "graph", "--observed"], cwd=path, capture_output=True, text=True, check=True
    )
    drawn = done.stdout.splitlines()
    assert f"    feature -- merge: {features} --> develop" in drawn
    assert "    bugfix -- merge: 0 --> develop" in drawn  # allowed, never used: faint
    assert any(line.startswith("    linkStyle ") and "#bbb" in line for line in drawn)
    assert any("-. not allowed: " in line and line.endswith("develop") for line in drawn)
    dot = subprocess.run(
        [BRANCHFLOW, "graph", "--observed", "--format", "dot"],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f'"feature" -> "develop" [label="merge: {features}"];' in dot
    assert 'color=red, fontcolor=red, label="not allowed: ' in dot
