"""Where a branch came from, from each kind of evidence, on real repositories."""

from __future__ import annotations

from pathlib import Path

from branchflow.facts import BaseEvidence
from branchflow.policy.load import load_policy
from branchflow.repo.evidence import reflog_evidence
from branchflow.repo.history_index import HistoryIndex
from branchflow.repo.refs import read_snapshot
from branchflow.repo.session import RepoSession
from branchflow.repo.state import locate
from tests.conftest import commit, git


def evidence(repo: Path, branch: str) -> BaseEvidence:
    """What the hooks conclude; where the graph decides, the audit's one-pass index must
    conclude the same."""
    location = locate(str(repo))
    assert location is not None
    session = RepoSession(location, load_policy(str(repo)).policy)
    tip = session.local_tip(branch) or session.any_tip(branch)
    assert tip is not None
    found = session.base_evidence(branch, tip)
    snapshot = read_snapshot(location)
    assert snapshot.tips == session.tips
    index = HistoryIndex(str(repo), snapshot.tips, session.is_long_lived, shallow=snapshot.shallow)
    if found.source in ("graph", "shallow"):
        assert index.evidence(branch, tip) == found
    elif found.source == "reflog" and session.local_tip(branch) == tip:
        audited = reflog_evidence(location, branch, tip, snapshot.remotes, index.is_ancestor)
        assert audited == found
    return found


def no_reflog(repo: Path, *args: str) -> None:
    git(repo, "-c", "core.logAllRefUpdates=false", *args)


def test_reflog_names_the_base(repo_with_develop: Path) -> None:
    git(repo_with_develop, "branch", "feature/x", "develop")
    found = evidence(repo_with_develop, "feature/x")
    assert found == BaseEvidence(
        ("develop",), "reflog", "reflog of feature/x: 'branch: Created from develop'"
    )


def test_reflog_created_from_head_is_resolved(repo_with_develop: Path) -> None:
    git(repo_with_develop, "switch", "-q", "main")
    git(repo_with_develop, "checkout", "-q", "-b", "hotfix/y")
    assert evidence(repo_with_develop, "hotfix/y").candidates == ("main",)
    git(repo_with_develop, "switch", "-q", "develop")
    git(repo_with_develop, "branch", "feature/z")  # created from HEAD without switching
    assert evidence(repo_with_develop, "feature/z").candidates == ("develop",)


def test_reflog_of_a_remote_tracking_base(repo_with_develop: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo_with_develop), str(clone))
    git(clone, "switch", "-q", "-c", "feature/remote", "origin/develop")
    assert evidence(clone, "feature/remote").candidates == ("develop",)


def test_stale_reflog_after_a_rebase_gives_way_to_the_graph(repo_with_develop: Path) -> None:
    git(repo_with_develop, "switch", "-q", "main")
    commit(repo_with_develop, "main moves on")
    git(repo_with_develop, "switch", "-q", "-c", "hotfix/z", "develop")
    commit(repo_with_develop, "fix")
    git(repo_with_develop, "rebase", "-q", "--onto", "main", "develop", "hotfix/z")
    found = evidence(repo_with_develop, "hotfix/z")
    assert found.source == "graph"
    assert found.candidates == ("main",)


def test_graph_finds_the_long_lived_fork(repo_with_develop: Path) -> None:
    commit(repo_with_develop, "more develop")
    no_reflog(repo_with_develop, "branch", "feature/g", "develop")
    git(repo_with_develop, "switch", "-q", "feature/g")
    commit(repo_with_develop, "g1")
    commit(repo_with_develop, "g2")
    found = evidence(repo_with_develop, "feature/g")
    assert found.source == "graph"
    assert found.candidates == ("develop",)
    assert "(2 first-parent commits down)" in found.detail


def test_identical_tips_are_ambiguous(repo: Path) -> None:
    git(repo, "branch", "develop")  # develop == main
    no_reflog(repo, "branch", "feature/same", "main")
    git(repo, "switch", "-q", "feature/same")
    commit(repo, "work")
    found = evidence(repo, "feature/same")
    assert found.candidates == ("develop", "main")
    assert found.detail.endswith("; ambiguous")


def test_first_parent_chain_breaks_the_tie(repo_with_develop: Path) -> None:
    """main's tip merged into develop: both contain it, only main has it on its own line."""
    git(repo_with_develop, "switch", "-q", "main")
    commit(repo_with_develop, "release on main")
    git(repo_with_develop, "switch", "-q", "develop")
    git(repo_with_develop, "merge", "-q", "--no-ff", "--no-edit", "main")
    no_reflog(repo_with_develop, "branch", "hotfix/h", "main")
    git(repo_with_develop, "switch", "-q", "hotfix/h")
    commit(repo_with_develop, "fix")
    found = evidence(repo_with_develop, "hotfix/h")
    assert found.candidates == ("main",)


def test_a_topic_that_moved_on_is_still_found(repo_with_develop: Path) -> None:
    no_reflog(repo_with_develop, "branch", "feature/a", "develop")
    git(repo_with_develop, "switch", "-q", "feature/a")
    commit(repo_with_develop, "a1")
    no_reflog(repo_with_develop, "branch", "feature/b")
    commit(repo_with_develop, "a2")  # feature/a moves on
    git(repo_with_develop, "switch", "-q", "feature/b")
    commit(repo_with_develop, "b1")
    found = evidence(repo_with_develop, "feature/b")
    assert found.candidates == ("feature/a",)
    assert found.source == "graph"


def test_a_branch_that_others_came_from_is_not_blamed(repo_with_develop: Path) -> None:
    no_reflog(repo_with_develop, "branch", "feature/first", "develop")
    git(repo_with_develop, "switch", "-q", "feature/first")
    commit(repo_with_develop, "first")
    no_reflog(repo_with_develop, "branch", "feature/second")
    git(repo_with_develop, "switch", "-q", "feature/second")
    commit(repo_with_develop, "second")
    assert evidence(repo_with_develop, "feature/first").candidates == ("develop",)


def test_shallow_clone_says_so(shallow_feature: Path) -> None:
    found = evidence(shallow_feature, "feature/deep")
    assert found == BaseEvidence((), "shallow", "the clone is shallow: the fork point is not here")


def test_upstream_is_the_last_resort(repo_with_develop: Path, tmp_path: Path) -> None:
    other = tmp_path / "unrelated"
    git(tmp_path, "init", "-q", "-b", "main", str(other))
    commit(other, "unrelated history")
    no_reflog(repo_with_develop, "fetch", "-q", str(other), "main:feature/orphan")
    git(repo_with_develop, "config", "branch.feature/orphan.merge", "refs/heads/develop")
    found = evidence(repo_with_develop, "feature/orphan")
    assert found.source == "upstream"
    assert found.candidates == ("develop",)


def test_reflog_of_a_branch_moved_behind_its_creation_point_is_stale(
    repo_with_develop: Path,
) -> None:
    """The branch no longer holds the commit it was created at: the reflog no longer
    tells where it came from (the audit asks git, as the hooks ask pygit2)."""
    commit(repo_with_develop, "more develop")
    git(repo_with_develop, "branch", "feature/moved", "develop")
    git(repo_with_develop, "update-ref", "refs/heads/feature/moved", "develop~1")
    found = evidence(repo_with_develop, "feature/moved")
    assert found.source == "graph"
    assert found.candidates == ("develop",)


def test_a_teammates_copy_of_a_shared_branch_is_judged_by_the_graph(
    repo_with_develop: Path, tmp_path: Path
) -> None:
    """`git switch feature/x` in another clone writes 'Created from refs/remotes/origin/...':
    that says where the copy came from, not where the branch was cut."""
    git(repo_with_develop, "switch", "-q", "-c", "feature/x", "develop")
    commit(repo_with_develop, "x1")
    clone = tmp_path / "teammate"
    git(tmp_path, "clone", "-q", str(repo_with_develop), str(clone))
    for how in (["switch", "-q", "feature/x"], ["switch", "-q", "develop"]):
        git(clone, *how)
    found = evidence(clone, "feature/x")
    assert found.source == "graph"
    assert found.candidates == ("develop",)
    assert evidence(clone, "develop").source == "graph"  # never 'created from develop'


def test_a_merge_of_develop_leaves_the_fork_where_it_was(
    repo_with_develop: Path, tmp_path: Path
) -> None:
    """After develop is merged into a feature, develop's merge base with it is develop's tip,
    off the feature's line: the fork is still the first commit of the line develop holds,
    and an empty branch left at that commit is not the base."""
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "feature/b", "develop")
    commit(repo, "b1")
    no_reflog(repo, "branch", "feature/todo", "develop")
    git(repo, "switch", "-q", "develop")
    git(repo, "switch", "-q", "-c", "feature/c")
    commit(repo, "c1")
    git(repo, "switch", "-q", "develop")
    git(repo, "merge", "-q", "--no-ff", "--no-edit", "feature/c")
    git(repo, "switch", "-q", "feature/b")
    git(repo, "merge", "-q", "--no-edit", "develop")
    clone = tmp_path / "clone"  # no reflogs: the graph decides
    git(tmp_path, "clone", "-q", "--no-checkout", str(repo), str(clone))
    found = evidence(clone, "feature/b")
    assert found.source == "graph"
    assert "develop" in found.candidates
    assert found.candidates[-1] == "develop"


def test_a_copy_of_part_of_a_branch_is_no_more_than_a_candidate(
    repo_with_develop: Path, tmp_path: Path
) -> None:
    """A branch whose tip is on another's line may be its base or a copy of part of it (a
    backup pushed under another name): the graph cannot tell, so it is one candidate."""
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "feature/victim", "develop")
    commit(repo, "v1")
    no_reflog(repo, "branch", "feature/copy")
    commit(repo, "v2")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-checkout", str(repo), str(clone))
    found = evidence(clone, "feature/victim")
    assert found.candidates == ("feature/copy", "develop")
