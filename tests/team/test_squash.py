"""The platform squashes pull requests: one parent, a message like `Add login (#123)` (GitHub)
or git's `Squashed commit of the following:` (`git merge --squash`). Under ml-team, whose
develop changes only through pull requests, a squash is such a change, not a direct commit;
under Git Flow, whose develop takes merge commits only, it is reported (BF201)."""

from __future__ import annotations

from tests.team.team import Team, start_feature


def squash_on_develop(team: Team, feature: str, message: str | None) -> str:
    """The platform's own clone squashes ``feature`` onto develop; ``message`` None keeps
    git's SQUASH_MSG. Returns the squash commit."""
    team.ok("platform", "fetch", "-q", "origin")
    team.ok("platform", "merge", "-q", "--ff-only", "origin/develop")
    team.ok("platform", "merge", "--squash", f"origin/{feature}")
    team.ok("platform", "commit", "-q", *(["-m", message] if message else ["--no-edit"]))
    squash = team.ok("platform", "rev-parse", "HEAD").strip()
    assert len(team.ok("platform", "log", "-1", "--format=%P").split()) == 1
    return squash


def squash_two_pull_requests(team: Team) -> list[str]:
    start_feature(team, "alice", "feature/login")
    start_feature(team, "bob", "feature/search")
    team.join("platform", hooks=False, url=f"file://{team.server}")
    team.ok("platform", "switch", "develop")
    github = squash_on_develop(team, "feature/login", "Add login (#123)\n\n* first step")
    git_squash = squash_on_develop(team, "feature/search", None)
    subject = team.ok("platform", "log", "-1", "--format=%s", git_squash)
    assert subject.startswith("Squashed commit of the following:")
    return [github, git_squash]


def test_the_audit_reads_squash_merges_as_the_policy_says(team: Team, preset: str) -> None:
    squashes = squash_two_pull_requests(team)
    team.land_as_platform("platform", "develop")  # written by the platform itself, no push
    team.assert_nothing_lost()
    team.ok("bob", "switch", "develop")
    team.ok("bob", "pull", "--ff-only")  # bob's develop now holds the squashes too

    direct = [v for v in team.audit("bob") if v["ref"] == "develop" and v["rule"] == "BF201"]
    if preset == "ml-team":
        assert not direct, direct
    else:
        reported = str(direct)
        assert all(squash[:12] in reported for squash in squashes), direct


def test_the_platform_pushes_squash_merges_as_the_policy_says(team: Team, preset: str) -> None:
    """Pushed by the platform (GitLab marks its own writes GL_PROTOCOL=web), through the
    server's pre-receive."""
    squashes = squash_two_pull_requests(team)
    done = team.git("platform", "push", "origin", "develop", GL_PROTOCOL="web")
    if preset == "ml-team":
        assert done.returncode == 0, f"the platform's squash merges were refused:\n{done.stderr}"
        assert team.on_server("develop") == squashes[-1]
    else:
        assert done.returncode != 0
        assert "remote: branchflow: develop: BF201" in done.stderr
        assert team.on_server("develop") != squashes[-1]
    team.assert_nothing_lost()
