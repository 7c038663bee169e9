"""The audit's one-pass history index answers what git answers, commit by commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.policy.branches import Branches
from branchflow.policy.load import load_policy
from branchflow.repo.history_index import HistoryIndex
from branchflow.repo.refs import read_snapshot
from branchflow.repo.state import locate
from tests.conftest import commit, git


@pytest.fixture
def flow(repo_with_develop: Path) -> Path:
    """Features merged and open, a release merged into main and tagged on its own branch,
    a hotfix, a tag merged into develop, and a commit no branch holds any more."""
    repo = repo_with_develop
    for name in ("feature/a", "feature/b"):
        git(repo, "switch", "-q", "-c", name, "develop")
        commit(repo, f"{name} 1")
        commit(repo, f"{name} 2")
        git(repo, "switch", "-q", "develop")
        git(repo, "merge", "-q", "--no-ff", "-m", f"Merge branch '{name}'", name)
    git(repo, "switch", "-q", "-c", "release/v1.0.0", "develop")
    commit(repo, "bump")
    git(repo, "tag", "v1.0.0-rc.1")  # on the release branch, off every first-parent line
    commit(repo, "bump again")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'release/v1.0.0'", "release/v1.0.0")
    git(repo, "tag", "-a", "-m", "1.0.0", "v1.0.0")
    git(repo, "switch", "-q", "develop")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge tag 'v1.0.0' into develop", "v1.0.0")
    git(repo, "switch", "-q", "-c", "hotfix/x", "main")
    commit(repo, "fix")
    git(repo, "switch", "-q", "-c", "feature/open", "develop")
    commit(repo, "open work")
    git(repo, "switch", "-q", "-c", "scratch", "feature/open")
    commit(repo, "thrown away")
    git(repo, "tag", "orphaned")
    git(repo, "switch", "-q", "develop")
    git(repo, "branch", "-D", "scratch")
    return repo


def index_of(repo: Path) -> tuple[HistoryIndex, Branches]:
    location = locate(str(repo))
    assert location is not None
    snapshot = read_snapshot(location)
    known = Branches(load_policy(str(repo)).policy, snapshot.tips)
    return HistoryIndex(str(repo), snapshot.tips, known.is_long_lived), known


def every_commit(repo: Path) -> list[str]:
    return git(repo, "rev-list", "--all").stdout.split()


def test_long_lived_holders_agree_with_git(flow: Path) -> None:
    index, known = index_of(flow)
    long_lived = sorted({t.name for t in known.tips if known.is_long_lived(t.name)})
    assert long_lived == ["develop", "main"]
    commits = every_commit(flow)
    assert len(commits) >= 15
    for commit_id in commits:
        expected = [
            name
            for name in long_lived
            if git(flow, "merge-base", "--is-ancestor", commit_id, name, check=False).returncode
            == 0
        ]
        assert index.names_containing(commit_id) == expected, commit_id


def test_ancestry_agrees_with_git(flow: Path) -> None:
    index, known = index_of(flow)
    commits = every_commit(flow)
    for tip in known.tips:
        for commit_id in commits:
            expected = (
                git(
                    flow, "merge-base", "--is-ancestor", commit_id, tip.target, check=False
                ).returncode
                == 0
            )
            assert index.is_ancestor(tip.target, commit_id) is expected, (tip.name, commit_id)


def test_a_broken_walk_is_an_error_not_a_wrong_answer(flow: Path) -> None:
    """rev-list failing (a commit id that is not there) raises instead of saying 'none'."""
    from branchflow.errors import RepoError
    from branchflow.facts import BranchTip

    location = locate(str(flow))
    assert location is not None
    snapshot = read_snapshot(location)
    known = Branches(load_policy(str(flow)).policy, snapshot.tips)
    missing = BranchTip("refs/heads/feature/ghost", "feature/ghost", None, "1" * 40)
    index = HistoryIndex(str(flow), [*snapshot.tips, missing], known.is_long_lived)
    with pytest.raises(
        RepoError, match="cannot walk the history: git rev-list: fatal: bad object 1111"
    ):
        index.evidence("feature/ghost", missing.target)


def test_holders_agree_with_git_when_local_and_remote_differ(flow: Path, tmp_path: Path) -> None:
    """develop and origin/develop at different commits: the index reads both lines."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(flow), str(clone))
    git(clone, "switch", "-q", "develop")
    commit(clone, "ahead of origin")
    git(clone, "switch", "-q", "-c", "feature/local", "develop")
    commit(clone, "local work")
    index, known = index_of(clone)
    develop = {t.target for t in known.tips if t.name == "develop"}
    assert len(develop) == 2
    for commit_id in every_commit(clone):
        expected = [
            name
            for name in ("develop", "main")
            if any(
                git(
                    clone, "merge-base", "--is-ancestor", commit_id, t.target, check=False
                ).returncode
                == 0
                for t in known.tips
                if t.name == name
            )
        ]
        assert index.names_containing(commit_id) == expected, commit_id
    line = index.first_parent["develop"]
    for tip in develop:
        parent = git(clone, "rev-parse", f"{tip}^").stdout.strip()
        assert line[tip] == parent
