"""The rules a team meets every day, judged without git: syncs, forks, squash merges,
branches created at their parent, and where hints send work. Table-driven over presets."""

from __future__ import annotations

import pytest

from branchflow.checks.hints import NO_REFS, work_place
from branchflow.checks.merges import check_merge
from branchflow.checks.push import check_new_commits
from branchflow.checks.scan import HistoryScan
from branchflow.facts import NewCommit
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.policy.presets import preset_names
from branchflow.repo.merge_message import merge_target, parse_merge_message, squash_source
from tests.checks.presets import preset


def rule(policy: CompiledPolicy, name: str) -> BranchRule:
    found = policy.rule(name)
    assert found is not None
    return found


class Refs:
    """A repository's branches and owners, as plain data."""

    def __init__(self, branches: dict[str, str] | None = None, owners: set[str] | None = None):
        self.branches = branches or {}
        self.owners = frozenset(owners or ())

    def has_branch(self, name: str) -> bool:
        return name in self.branches

    def has_tag(self, name: str) -> bool:
        return False

    def branch_of_type(self, type_name: str) -> str | None:
        return type_name if type_name in self.branches else None

    def shown_name(self, name: str) -> str | None:
        return name if name in self.branches else None

    def tip_of(self, name: str) -> str | None:
        return self.branches.get(name)

    pusher: str | None = None

    def remote_name_of(self, name: str) -> str | None:
        return None


@pytest.mark.parametrize(
    "message",
    [
        "Merge branch 'develop' of https://github.com/team/app into develop",
        "Merge remote-tracking branch 'origin/develop' into develop",
        "Merge pull request #12 from contributor/develop",
        "Merged pull request #119 from kiall/develop.",
    ],
)
@pytest.mark.parametrize("name", ["gitflow", "ml-team"])
def test_a_branch_merged_into_itself_is_a_sync(name: str, message: str) -> None:
    policy = preset(name)
    sources = parse_merge_message(message, ("origin",))
    assert check_merge(policy, "develop", rule(policy, "develop"), sources) == []


def test_forks_go_where_forks_into_says() -> None:
    policy = preset("gitflow")
    assert policy.forks_into == ("develop",)
    fork = parse_merge_message("Merge pull request #7 from someone/patch-1")
    ours = Refs(owners={"team"})
    assert check_merge(policy, "develop", rule(policy, "develop"), fork, refs=ours) == []
    refused = check_merge(policy, "main", rule(policy, "main"), fork, refs=ours)
    assert [v.rule.id for v in refused] == ["BF202"]
    assert "from a fork" in refused[0].message
    # The owner's own branch is judged by its name, as any branch of this repository.
    own = parse_merge_message("Merge pull request #8 from team/patch-2")
    assert [
        v.rule.id for v in check_merge(policy, "develop", rule(policy, "develop"), own, refs=ours)
    ] == ["BF202"]


def test_unknown_owners_make_a_fork_of_a_branch_this_repository_never_had() -> None:
    policy = preset("gitflow")
    fork = parse_merge_message("Merge pull request #7 from someone/patch-1")
    assert check_merge(policy, "develop", rule(policy, "develop"), fork) == []
    had = Refs({"patch-1": "a" * 40})
    assert check_merge(policy, "develop", rule(policy, "develop"), fork, refs=had)


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_sends_forks_somewhere(name: str) -> None:
    policy = preset(name)
    assert policy.forks_into
    assert all(policy.rule(t) is not None for t in policy.forks_into)


def commit(summary: str, *, parents: int = 1, committer: str = "dev@example.com") -> NewCommit:
    ids = tuple(f"{n:040x}" for n in range(parents))
    sources = parse_merge_message(summary) if parents > 1 else ()
    squashed = squash_source(summary) if parents == 1 else None
    return NewCommit(f"{abs(hash(summary)):040x}"[:40], ids, summary, sources, squashed, committer)


@pytest.mark.parametrize(
    "landed",
    [
        commit("Add the login form (#123)"),
        commit("Squashed commit of the following:"),
        commit("Replay a reviewed change", committer="noreply@github.com"),
    ],
    ids=["github-squash", "merge-squash", "github-rebase"],
)
def test_pull_requests_squashed_or_rebased_onto_a_pull_request_branch(landed: NewCommit) -> None:
    policy = preset("ml-team")
    found = check_new_commits(
        policy,
        "develop",
        rule(policy, "develop"),
        [landed],
        upstream="origin/develop",
        fast_forward_of=[],
    )
    assert found == []


def test_a_squash_merge_on_a_branch_that_takes_merge_commits_is_named() -> None:
    policy = preset("gitflow")
    found = check_new_commits(
        policy,
        "develop",
        rule(policy, "develop"),
        [commit("Add the login form (#123)")],
        upstream="origin/develop",
        fast_forward_of=[],
    )
    assert [v.rule.id for v in found] == ["BF201"]
    assert "1 of them is a pull request merged by squash; develop takes merge" in "\n".join(
        found[0].details
    )


def test_a_squash_that_names_a_refused_source_is_refused() -> None:
    policy = preset("ml-team")
    found = check_new_commits(
        policy,
        "main",
        rule(policy, "main"),
        [commit("Merged in feature/x (pull request #12)")],
        upstream="origin/main",
        fast_forward_of=[],
    )
    assert [v.rule.id for v in found] == ["BF202"]


def scan_history(
    policy: CompiledPolicy, branch: str, lines: list[tuple[str, str]], join: str
) -> list[str]:
    """Feed a first-parent line, newest first: ("m", message) merges, ("c", summary) single
    parent commits; at the commit named ``join`` the line reaches ``other``'s."""
    scan = HistoryScan(policy, branch, rule(policy, branch), None)
    for n, (kind, text) in enumerate(lines):
        commit_id = f"{n:040x}"
        if text == join:
            scan.joined("develop", commit_id)
        if kind == "m":
            sources = parse_merge_message(text)
            scan.merge(commit_id, text, sources, merge_target(text))
        else:
            scan.commit(commit_id, text, ())
    return [v.rule.id for v in scan.finish()]


def test_a_branch_created_at_develop_is_not_a_fast_forward() -> None:
    policy = preset("ml-team")
    line = [
        ("m", "Merge branch 'develop' into test"),
        ("m", "Merge branch 'feature/a' into develop"),  # the join: test was created here
        ("m", "Merge branch 'feature/b' into develop"),
    ]
    assert scan_history(policy, "test", line, "Merge branch 'feature/a' into develop") == []


def test_a_branch_moved_onto_develop_after_it_existed_is_a_fast_forward() -> None:
    policy = preset("gitflow")
    line = [
        ("m", "Merge branch 'feature/a' into develop"),  # the join: main was moved here
        ("m", "Merge branch 'main' into develop"),  # main existed before, and was merged
        ("m", "Merge branch 'feature/b' into develop"),
    ]
    assert scan_history(policy, "main", line, "Merge branch 'feature/a' into develop") == ["BF203"]


@pytest.mark.parametrize("name", preset_names())
def test_work_for_every_protected_type_has_a_place(name: str) -> None:
    """Where work meant for a protected branch goes: a branch that is not protected and
    from which the work can flow there."""
    policy = preset(name)
    refs = Refs({r.name: "a" * 40 for r in policy.branches if r.long_lived})
    for target in (r for r in policy.branches if r.protection):
        place = work_place(policy, target, refs)
        assert place is not None, target.name
        placed = rule(policy, place.type_name)
        assert not placed.protection
        assert policy.classify(place.branch) is not None
        if place.create and place.start is None:
            assert target.name in placed.from_


def test_work_place_avoids_names_that_exist() -> None:
    policy = preset("gitflow")
    place = work_place(policy, rule(policy, "develop"), Refs({"feature/my-change": "b" * 40}))
    assert place is not None
    assert place.branch == "feature/my-change-2"
    assert work_place(policy, rule(policy, "develop"), NO_REFS) is not None
