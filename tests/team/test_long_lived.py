"""A long-lived branch in a teammate's clone: bob's develop is git's copy of origin/develop
(`branch: Created from refs/remotes/origin/develop`); he merges his feature into it with a
merge commit and pushes. Git Flow takes merges pushed to develop; ml-team's develop changes
only through pull requests, so there the push is refused for that, and only for that."""

from __future__ import annotations

from tests.team.team import Team, rules_for


def test_a_merge_into_develop_taken_from_the_remote(team: Team, preset: str) -> None:
    team.join("bob")
    done = team.git("bob", "switch", "develop")
    assert done.returncode == 0, done.stderr
    reflog = team.ok("bob", "reflog", "show", "--format=%gs", "develop")
    assert reflog.strip() == "branch: Created from refs/remotes/origin/develop"
    team.ok("bob", "switch", "-c", "feature/y")
    done = team.commit("bob", "the y feature")
    assert done.returncode == 0, done.stderr
    team.ok("bob", "switch", "develop")
    merged = team.git("bob", "merge", "--no-ff", "--no-edit", "feature/y")
    assert merged.returncode == 0, merged.stderr
    before = team.on_server("develop")

    done = team.push("bob", "origin", "feature/y", "develop")  # the merged branch with it
    if preset == "ml-team":
        assert done.returncode != 0
        assert rules_for(done.stderr, "develop") == {"BF204"}, done.stderr
        assert team.on_server("develop") == before
        done = team.push("bob", "--no-verify", "origin", "feature/y", "develop")
        assert done.returncode != 0
        assert rules_for(done.stderr, "develop") == {"BF204"}, done.stderr
        assert team.on_server("develop") == before
    else:
        assert done.returncode == 0, f"bob's merge into develop was refused:\n{done.stderr}"
        assert team.on_server("develop") == team.ok("bob", "rev-parse", "develop").strip()
    team.assert_nothing_lost()


def test_a_release_merged_into_develop_while_a_feature_is_open(team: Team, preset: str) -> None:
    """Alice cuts a feature at develop's tip and pushes it; Bob finishes a release and
    merges it back into develop. develop is long-lived: it is updated by that merge and
    judged as such, never by a base that makes it look "created from" Alice's feature
    (whose history, at the time, was all of develop's)."""
    if preset != "gitflow":
        return  # ml-team's develop takes no direct pushes: see the test above
    team.join("alice")
    team.join("bob")
    team.ok("alice", "switch", "-c", "feature/login", "origin/develop")
    assert team.push("alice", "-u", "origin", "feature/login").returncode == 0
    team.ok("bob", "switch", "develop")
    team.ok("bob", "switch", "-c", "release/v1.0.0", "develop")
    assert team.commit("bob", "bump 1.0.0").returncode == 0
    team.ok("bob", "switch", "develop")
    merged = team.git("bob", "merge", "--no-ff", "--no-edit", "release/v1.0.0")
    assert merged.returncode == 0, merged.stderr
    done = team.push("bob", "origin", "release/v1.0.0", "develop")
    assert done.returncode == 0, f"develop judged by a base:\n{done.stderr}"
    assert team.on_server("develop") == team.ok("bob", "rev-parse", "develop").strip()
    # alice brings develop into her feature and pushes it again: a sync, not a flow
    team.ok("alice", "pull", "--no-rebase", "--no-edit", "origin", "develop")
    done = team.push("alice", "origin", "feature/login")
    assert done.returncode == 0, done.stderr
    team.assert_nothing_lost()
