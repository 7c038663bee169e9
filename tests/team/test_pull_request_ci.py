"""CI judges the team's pull requests, in a fresh clone shaped like each provider's checkout:
feature/x -> develop, which bob continued from the remote, passes; a pull request whose own
branch edits .branchflow.yaml to let features into main, targeting main, is refused: the
policy committed on the target judges a pull request, not the one it brings."""

from __future__ import annotations

from tests.ci_providers import PROVIDERS, ci_checkout, run_ci
from tests.team.team import Team, findings, start_feature


def test_a_shared_feature_branch_passes_ci(team: Team) -> None:
    start_feature(team, "alice", "feature/x")
    team.join("bob")
    team.ok("bob", "switch", "feature/x")
    # bob's own hooks are not what this plays (tests/team/test_teammates.py does)
    assert team.commit("bob", "second step of x", no_verify=True).returncode == 0
    done = team.push("bob", "--no-verify", "origin", "feature/x")
    assert done.returncode == 0, done.stderr

    checkout = ci_checkout(team.url, team.root / "ci-x", "feature/x")
    for provider in sorted(PROVIDERS):
        done = run_ci(checkout, provider, "feature/x", "develop")
        assert done.returncode == 0, f"{provider}: {done.stdout}{done.stderr}"
        # ml-team asks feature branches to document their experiments: a warning only.
        unexpected = [f for f in findings(done.stderr) if f[1] != "BF601"]
        assert not unexpected, f"{provider}: {done.stderr}"
    team.assert_nothing_lost()


def test_a_pull_request_cannot_loosen_the_policy_that_judges_it(team: Team, preset: str) -> None:
    team.join("bob")
    team.ok("bob", "switch", "develop")
    team.ok("bob", "switch", "-c", "feature/shortcut")
    (team.clones["bob"] / ".branchflow.yaml").write_text(
        f"extends: {preset}\nbranches:\n  feature:\n    into: [develop, main]\n"
    )
    team.ok("bob", "add", ".branchflow.yaml")
    assert team.git("bob", "commit", "-m", "let features into main").returncode == 0
    done = team.push("bob", "origin", "feature/shortcut")
    assert done.returncode == 0, done.stderr  # a topic branch may carry any policy it likes

    checkout = ci_checkout(team.url, team.root / "ci-shortcut", "feature/shortcut")
    for provider in sorted(PROVIDERS):
        done = run_ci(checkout, provider, "feature/shortcut", "main")
        assert done.returncode == 1, f"{provider} let feature/shortcut into main:\n{done.stderr}"
        assert ("main", "BF202") in findings(done.stderr), f"{provider}: {done.stderr}"
    team.assert_nothing_lost()
