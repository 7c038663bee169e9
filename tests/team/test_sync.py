"""Two developers change develop at once: each merges a feature into their own develop; bob
pushes first; alice brings develop up to date with itself (`git pull --no-rebase`, which writes
`Merge branch 'develop' of <url> into develop`, or `git fetch` and `git merge origin/develop`)
and pushes. A sync is not a flow: it is allowed, and the audit finds nothing in it.

Played where develop takes pushed merges (Git Flow, Conventional Branch's trunk); ml-team's
develop takes no push at all (tests/team/test_long_lived.py)."""

from __future__ import annotations

import pytest

from tests.team.team import Team

SYNC = {
    "pull": (("pull", "--no-rebase", "--no-edit"), "Merge branch 'develop' of "),
    "fetch-merge": (
        ("merge", "--no-edit", "origin/develop"),
        "Merge remote-tracking branch 'origin/develop' into develop",
    ),
}


def merge_own_feature(team: Team, name: str, feature: str) -> None:
    team.join(name)
    team.ok(name, "switch", "develop")
    team.ok(name, "switch", "-c", feature)
    done = team.commit(name, f"work on {feature}")
    assert done.returncode == 0, done.stderr
    team.ok(name, "switch", "develop")
    merged = team.git(name, "merge", "--no-ff", "--no-edit", feature)
    assert merged.returncode == 0, merged.stderr


@pytest.mark.parametrize("how", sorted(SYNC))
@pytest.mark.parametrize("preset", ["gitflow", "conventional"])
def test_develop_synced_with_itself_is_pushed(team: Team, how: str) -> None:
    merge_own_feature(team, "alice", "feature/a")
    merge_own_feature(team, "bob", "feature/b")
    done = team.push("bob", "origin", "feature/b", "develop")  # the server sees what lands
    assert done.returncode == 0, f"bob's push of develop was refused:\n{done.stderr}"
    team.assert_nothing_lost()

    command, subject = SYNC[how]
    if how == "fetch-merge":
        team.ok("alice", "fetch", "-q", "origin")
    synced = team.git("alice", *command)
    assert synced.returncode == 0, f"alice's sync of develop was refused:\n{synced.stderr}"
    sync = team.ok("alice", "rev-parse", "HEAD").strip()
    assert team.ok("alice", "log", "-1", "--format=%s").startswith(subject)
    done = team.push("alice", "origin", "feature/a", "develop")
    assert done.returncode == 0, f"alice's push after the sync was refused:\n{done.stderr}"
    assert team.on_server("develop") == sync
    team.assert_nothing_lost()

    audit = team.audit("alice")
    about_sync = [v for v in audit if sync[:12] in str(v)]
    assert not about_sync, about_sync
    assert not [v for v in audit if v["ref"] == "develop" and v["rule"] == "BF202"], audit
