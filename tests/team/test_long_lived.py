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
