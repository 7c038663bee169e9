"""The checks called directly with facts, for every preset: no git, no subprocess, each case
in well under a millisecond. The end-to-end suite shows the hooks reach these checks with
the right facts; this table shows what the checks then say, exactly, including the paths
a repository rarely takes (a tag merged, a hotfix onto a release, a squash landed).

Each row names the preset, the facts, and the findings expected as (rule, ref) pairs;
``[]`` means the policy allows it."""

from __future__ import annotations

import pytest

from branchflow.checks.base import check_base
from branchflow.checks.merges import check_merge
from branchflow.checks.names import check_branch_name
from branchflow.checks.protection import check_commit
from branchflow.checks.push import check_deletion, check_force_push, check_new_commits
from branchflow.checks.scan import HistoryScan
from branchflow.checks.tags import check_tag, check_tag_change
from branchflow.checks.violation import Violation
from branchflow.facts import BaseEvidence, MergeSource, NewCommit
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.policy.presets import preset_names
from tests.checks.presets import preset


def rule(policy: CompiledPolicy, branch: str) -> BranchRule:
    found = policy.classify(branch)
    assert found is not None
    assert found.rule is not None
    return found.rule


def pairs(found: list[Violation]) -> list[tuple[str, str]]:
    return [(v.rule.id, v.ref) for v in found]


def test_every_preset_is_in_the_tables() -> None:
    tabled = {row[0] for table in (NAMES, MERGES, BASES) for row in table}
    assert tabled == set(preset_names())


NAMES = [
    ("gitflow", "main", []),
    ("gitflow", "master", []),
    ("gitflow", "develop", []),
    ("gitflow", "feature/login", []),
    ("gitflow", "feature/ABC-123-login", []),
    ("gitflow", "feature/ABC-123", []),
    ("gitflow", "release/v1.2.0", []),
    ("gitflow", "release/1.2.0", []),
    ("gitflow", "hotfix/v1.2.1", []),
    ("gitflow", "support/1.x", []),
    ("gitflow", "Feature/Login", ["BF101"]),
    ("gitflow", "feature/My_Thing", ["BF101"]),
    ("gitflow", "feat/login", ["BF101"]),
    ("gitflow", "release/1.2", ["BF101"]),
    ("gitflow", "login", ["BF101"]),
    ("gitflow", "dependabot/pip/pydantic-2.9", []),  # exempt
    ("gitflow", "feature/a..b", ["BF102"]),
    ("gitflow", "feature/x.lock", ["BF102"]),
    ("gitflow", "-feature", ["BF102"]),
    ("gitflow", "feature/" + "x" * 300, ["BF102"]),
    ("github-flow", "main", []),
    ("github-flow", "fix-login", []),
    ("github-flow", "fix/login", []),
    ("github-flow", "Fix_Login", ["BF101"]),
    ("gitlab-flow", "pre-production", []),
    ("gitlab-flow", "staging", []),
    ("gitlab-flow", "production", []),
    ("gitlab-flow", "2-3-stable", []),
    ("gitlab-flow", "2.3-stable", ["BF101"]),
    ("ml-team", "test", []),
    ("ml-team", "feature/train-loop", []),
    ("ml-team", "experiment/x", ["BF101"]),
    ("trunk", "trunk", []),
    ("trunk", "release/1.4", []),
    ("trunk", "ui/dark-mode", []),
    ("conventional", "feat/login", []),
    ("conventional", "fix/crash", []),
    ("conventional", "chore/deps", []),
    ("conventional", "docs/readme", ["BF101"]),
    ("solo", "dev", []),
    ("solo", "prod", []),
    ("solo", "feature/x", ["BF101"]),
]


@pytest.mark.parametrize(("name", "branch", "expected"), NAMES)
def test_names(name: str, branch: str, expected: list[str]) -> None:
    _, found = check_branch_name(preset(name), branch)
    assert [v.rule.id for v in found] == expected
    assert all(v.ref == branch for v in found)


def branch_source(name: str) -> MergeSource:
    return MergeSource(name, "branch")


MERGES = [
    # preset, into, merged, expected
    ("gitflow", "develop", branch_source("feature/login"), []),
    ("gitflow", "develop", branch_source("bugfix/crash"), []),
    ("gitflow", "develop", branch_source("release/v1.2.0"), []),
    ("gitflow", "develop", branch_source("hotfix/v1.2.1"), []),
    ("gitflow", "develop", branch_source("main"), []),  # a sync with its from parent
    ("gitflow", "main", branch_source("release/v1.2.0"), []),
    ("gitflow", "main", branch_source("hotfix/v1.2.1"), []),
    ("gitflow", "main", branch_source("feature/login"), [("BF202", "main")]),
    ("gitflow", "main", branch_source("develop"), [("BF202", "main")]),
    ("gitflow", "release/v1.2.0", branch_source("hotfix/v1.2.1"), []),
    ("gitflow", "develop", branch_source("Bad_Name"), [("BF202", "develop")]),
    ("gitflow", "develop", MergeSource("v1.2.0", "tag", on=("main",)), []),
    ("gitflow", "main", MergeSource("#12", "pull-request"), [("BF202", "main")]),
    ("gitflow", "feature/login", branch_source("develop"), []),  # catching up
    ("github-flow", "main", branch_source("fix-login"), []),
    ("gitlab-flow", "pre-production", branch_source("main"), []),
    ("gitlab-flow", "production", branch_source("pre-production"), []),
    ("gitlab-flow", "production", branch_source("main"), [("BF202", "production")]),
    ("ml-team", "test", branch_source("develop"), []),
    ("ml-team", "main", branch_source("develop"), [("BF202", "main")]),
    ("ml-team", "main", branch_source("release/v1.0.0"), []),
    ("trunk", "main", branch_source("ui/dark-mode"), []),
    ("conventional", "main", branch_source("feat/login"), []),
    ("solo", "prod", branch_source("test"), []),
    ("solo", "prod", branch_source("dev"), [("BF202", "prod")]),
]


@pytest.mark.parametrize(("name", "into", "source", "expected"), MERGES)
def test_merges(name: str, into: str, source: MergeSource, expected: list[tuple[str, str]]) -> None:
    policy = preset(name)
    assert pairs(check_merge(policy, into, rule(policy, into), (source,))) == expected


def evidence(*candidates: str) -> BaseEvidence:
    return BaseEvidence(candidates, "reflog", "branch: Created from " + ", ".join(candidates))


BASES = [
    ("gitflow", "feature/login", evidence("develop"), []),
    ("gitflow", "feature/login", evidence("main"), [("BF301", "feature/login")]),
    ("gitflow", "hotfix/v1.2.1", evidence("main"), []),
    ("gitflow", "hotfix/v1.2.1", evidence("develop"), [("BF301", "hotfix/v1.2.1")]),
    ("gitflow", "release/v1.2.0", evidence("develop"), []),
    ("gitflow", "feature/login", evidence("develop", "main"), []),  # ambiguous: not blamed
    (
        "gitflow",
        "feature/login",
        BaseEvidence((), "shallow", "shallow"),
        [("BF302", "feature/login")],
    ),
    # an orphan: made from nothing, which no type's `from` allows
    ("gitflow", "feature/login", BaseEvidence((), "none", "orphan"), [("BF301", "feature/login")]),
    ("github-flow", "fix-login", evidence("main"), []),
    ("gitlab-flow", "fix-login", evidence("main"), []),
    ("gitlab-flow", "fix-login", evidence("production"), [("BF301", "fix-login")]),
    ("ml-team", "feature/train", evidence("develop"), []),
    ("ml-team", "hotfix/oom", evidence("develop"), [("BF301", "hotfix/oom")]),
    ("trunk", "ui/dark-mode", evidence("main"), []),
    ("conventional", "feat/login", evidence("main"), []),
    ("solo", "dev", evidence("prod"), []),  # long-lived, no from: never judged by a base
]


@pytest.mark.parametrize(("name", "branch", "found", "expected"), BASES)
def test_bases(
    name: str, branch: str, found: BaseEvidence, expected: list[tuple[str, str]]
) -> None:
    policy = preset(name)
    assert pairs(check_base(policy, branch, rule(policy, branch), found)) == expected


COMMITS = [
    ("gitflow", "main", ["BF201"]),
    ("gitflow", "develop", ["BF201"]),
    ("gitflow", "feature/login", []),
    ("gitflow", "support/1.x", ["BF201"]),
    ("github-flow", "main", ["BF201"]),
    ("solo", "dev", []),  # long-lived, unprotected
    ("solo", "prod", ["BF201"]),
]


@pytest.mark.parametrize(("name", "branch", "expected"), COMMITS)
def test_commits(name: str, branch: str, expected: list[str]) -> None:
    policy = preset(name)
    match = policy.classify(branch)
    assert match is not None
    assert [v.rule.id for v in check_commit(policy, branch, match)] == expected
    assert check_commit(policy, branch, match, unborn=True) == []  # a repository's first


def test_deleting_and_rewriting_long_lived_branches() -> None:
    policy = preset("gitflow")
    assert pairs(check_deletion("main", rule(policy, "main"))) == [("BF401", "main")]
    assert check_deletion("feature/x", rule(policy, "feature/x")) == []
    forced = check_force_push("develop", rule(policy, "develop"), "origin", missing=False)
    assert pairs(forced) == [("BF402", "develop")]
    assert check_force_push("feature/x", rule(policy, "feature/x"), "origin", missing=False) == []


TAGS = [
    # tag, the types of the branches holding its commit, expected
    ("v1.2.0", {"main"}, []),
    ("1.2.0", {"main"}, []),
    ("v1.2.0", {"develop"}, [("BF503", "v1.2.0")]),
    ("release-2", {"main"}, [("BF501", "release-2")]),
    ("v1.2", {"main"}, [("BF501", "v1.2")]),
]


@pytest.mark.parametrize(("tag", "on_types", "expected"), TAGS)
def test_tags(tag: str, on_types: set[str], expected: list[tuple[str, str]]) -> None:
    policy = preset("gitflow")
    found = check_tag(policy, tag, "c" * 40, on_types=on_types, releases=[])
    assert pairs(found) == expected


def test_a_release_tag_stays_where_it_is() -> None:
    policy = preset("gitflow")
    assert pairs(check_tag_change(policy, "v1.2.0", "a" * 40, None)) == [("BF505", "v1.2.0")]
    assert pairs(check_tag_change(policy, "v1.2.0", "a" * 40, "b" * 40)) == [("BF505", "v1.2.0")]
    assert check_tag_change(policy, "nightly", "a" * 40, "b" * 40) == []


def merge(n: int, source: str, into: str) -> NewCommit:
    return NewCommit(
        f"{n:040x}",
        (f"{n + 100:040x}", f"{n + 200:040x}"),
        f"Merge branch '{source}' into {into}",
        (MergeSource(source, "branch"),),
    )


def direct(n: int, summary: str = "a fix") -> NewCommit:
    return NewCommit(f"{n:040x}", (f"{n + 100:040x}",), summary, ())


# First-parent histories, newest first, as a push adds them and as the audit reads them.
HISTORIES = [
    ("develop", [merge(1, "feature/a", "develop"), merge(2, "bugfix/b", "develop")]),
    ("develop", [direct(1), direct(2), merge(3, "feature/a", "develop"), direct(4)]),
    ("main", [merge(1, "release/v1.0.0", "main"), merge(2, "feature/a", "main")]),
    ("main", [merge(1, "Bad_Name", "main"), direct(2)]),
    ("develop", [merge(1, "hotfix/v1.0.1", "develop"), merge(2, "main", "develop")]),
]


@pytest.mark.parametrize(("branch", "commits"), HISTORIES)
def test_a_push_and_the_audit_agree(branch: str, commits: list[NewCommit]) -> None:
    """The same first-parent commits, judged as a push adds them (``check_new_commits``)
    and as the audit reads a history (``HistoryScan``): the same findings, rule by rule."""
    policy = preset("gitflow")
    target = rule(policy, branch)
    pushed = check_new_commits(
        policy, branch, target, commits, upstream=f"origin/{branch}", fast_forward_of=[]
    )
    scan = HistoryScan(policy, branch, target)
    for commit in commits:
        if len(commit.parents) > 1:
            scan.merge(commit.id, commit.summary, commit.sources)
        else:
            scan.commit(commit.id, commit.summary, ())
    audited = scan.finish()

    def kinds(found: list[Violation]) -> list[tuple[str, str]]:
        return sorted((v.rule.id, v.ref) for v in found)

    # the push reports each merge's naming problem as a flow of the merge; the audit names
    # the merged branch (BF101): the same commit refused either way
    named = {(v.ref, "BF202") for v in audited if v.rule.id == "BF101"}
    audit_kinds = {
        ("BF202", branch) if (v.ref, "BF202") in named else (v.rule.id, v.ref) for v in audited
    }
    assert set(kinds(pushed)) == audit_kinds
    # direct commits: one finding for all a push adds, one per run between merges in a
    # history (a run is what one person committed in one go)
    runs = sum(
        1
        for a, b in zip([None, *commits[:-1]], commits, strict=True)
        if len(b.parents) == 1 and (a is None or len(a.parents) > 1)
    )
    assert sum(v.rule.id == "BF201" for v in audited) == runs
    assert sum(v.rule.id == "BF201" for v in pushed) == (1 if runs else 0)
