"""Two developers on one feature branch: alice cuts feature/x from develop and pushes it; bob
takes it from the remote (git switch, checkout -t, switch --track, switch -c, worktree add),
commits and pushes; alice pulls (a merge) and pushes after him. And a branch that really was
cut from the wrong base is still refused."""

from __future__ import annotations

import pytest

from tests.team.team import Team, findings, rules_for, start_feature

# How bob gets his own feature/x from origin/feature/x: git writes `branch: Created from
# refs/remotes/origin/feature/x` (or `origin/feature/x`, as typed) in its reflog.
TAKE_OVER = {
    "switch": ("switch", "feature/x"),
    "checkout-track": ("checkout", "-t", "origin/feature/x"),
    "switch-track": ("switch", "--track", "origin/feature/x"),
    "switch-create": ("switch", "-c", "feature/x", "origin/feature/x"),
    "worktree": ("worktree", "add", "../bob-x", "feature/x"),
}


@pytest.mark.parametrize("how", sorted(TAKE_OVER))
def test_a_teammate_continues_a_pushed_feature(team: Team, how: str) -> None:
    start_feature(team, "alice", "feature/x")
    bob = team.join("bob")
    taken = team.git("bob", *TAKE_OVER[how])
    assert taken.returncode == 0, taken.stderr
    where = bob.parent / "bob-x" if how == "worktree" else bob
    reflog = team.ok("bob", "reflog", "show", "--format=%gs", "feature/x", cwd=where)
    assert reflog.startswith("branch: Created from ")
    assert reflog.strip().endswith("origin/feature/x")  # refs/remotes/origin/... or origin/...

    done = team.commit("bob", "second step of x", cwd=where)
    assert done.returncode == 0, f"bob's commit on feature/x was refused:\n{done.stderr}"
    assert "BF301" not in done.stderr
    done = team.push("bob", "origin", "feature/x", cwd=where)
    assert done.returncode == 0, f"bob's push of feature/x was refused:\n{done.stderr}"
    bob_tip = team.ok("bob", "rev-parse", "feature/x").strip()
    assert team.on_server("feature/x") == bob_tip
    team.assert_nothing_lost()

    # alice carries on, then brings in bob's work with a merge (git pull, no rebase).
    assert team.commit("alice", "third step of x").returncode == 0
    pulled = team.git("alice", "pull", "--no-rebase", "--no-edit")
    assert pulled.returncode == 0, f"alice's git pull was refused:\n{pulled.stderr}"
    merge_parents = team.ok("alice", "log", "-1", "--format=%P").split()
    assert bob_tip in merge_parents  # a real merge of bob's commit
    done = team.push("alice")
    assert done.returncode == 0, f"alice's push after bob was refused:\n{done.stderr}"
    assert team.on_server("feature/x") == team.ok("alice", "rev-parse", "HEAD").strip()
    team.assert_nothing_lost()

    checked = team.branchflow("bob", "check", "--all")
    assert "BF301" not in rules_for(checked.stdout + checked.stderr, "feature/x"), checked.stderr
    audit = team.audit("bob")
    assert not [v for v in audit if v["rule"] == "BF301" and v["ref"] == "feature/x"], audit


def test_a_branch_cut_from_the_wrong_base_is_still_refused(team: Team) -> None:
    """Both presets cut hotfix branches from main only: bob cuts hotfix/y from develop."""
    team.join("bob")
    team.ok("bob", "switch", "develop")
    team.ok("bob", "switch", "-c", "hotfix/y")
    done = team.commit("bob", "urgent fix")
    assert done.returncode != 0
    assert ("hotfix/y", "BF301") in findings(done.stderr)

    assert team.commit("bob", "urgent fix anyway", no_verify=True).returncode == 0
    done = team.push("bob", "origin", "hotfix/y")
    assert done.returncode != 0
    assert ("hotfix/y", "BF301") in findings(done.stderr)
    assert not team.on_server("hotfix/y")

    done = team.push("bob", "--no-verify", "origin", "hotfix/y")  # the server alone
    assert done.returncode != 0
    assert "remote: branchflow: hotfix/y: BF301" in done.stderr
    assert not team.on_server("hotfix/y")
    team.assert_nothing_lost()
