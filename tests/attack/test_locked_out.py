"""A server is never locked by a policy that does not load: while the one committed on the
default branch is broken (committed before the hook was installed, or broken for a newer
branchflow), the last policy that loaded there rules, else the default; every push says
so, and the push that repairs the policy is accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.attack.conftest import land_policy, push, server_ref
from tests.conftest import commit, git
from tests.server.conftest import clone

BROKEN = "extends: gitflow\nbranchs: {}\n"  # a typo: 'branchs' is no key
TRUNK_NAMES = "extends: gitflow\nexempt: [scratch/**]\n"


def break_main(server: Path, work: Path) -> None:
    """Commit a broken policy on main the way an administrator's own change lands: past
    the hook (fetched into the server repository, which runs none)."""
    git(work, "fetch", "-q", "origin")
    git(work, "switch", "-q", "-C", "main", "origin/main")
    (work / ".branchflow.yaml").write_text(BROKEN)
    git(work, "add", ".branchflow.yaml")
    git(work, "commit", "-q", "-m", "broken policy")
    git(server, "fetch", "-q", str(work), "main:refs/heads/main")  # fetch runs no hook
    git(work, "fetch", "-q", "origin")


def test_a_policy_broken_before_install_falls_back_to_the_default(
    server_repo: Path, tmp_path: Path
) -> None:
    client = clone(f"file://{server_repo}", tmp_path / "client")
    break_main(server_repo, client)
    git(client, "switch", "-q", "-c", "feature/still-works", "origin/develop")
    commit(client, "work")
    done = push(client, "feature/still-works")
    assert done.returncode == 0, done.stderr
    assert (
        "remote: branchflow: the policy committed on main does not load; until a push repairs "
        "it, pushes are judged by the default, preset 'gitflow'"
    ) in done.stderr
    assert "unknown key 'branchs'; did you mean 'branches'?" in done.stderr
    git(client, "switch", "-q", "-c", "Bad_Name", "origin/develop")
    commit(client, "bad")
    assert push(client, "Bad_Name").returncode != 0  # the default still judges


def test_the_last_policy_that_loaded_rules_until_the_repair(
    server_repo: Path, tmp_path: Path
) -> None:
    client = clone(f"file://{server_repo}", tmp_path / "client")
    assert land_policy(client, {".branchflow.yaml": TRUNK_NAMES}).returncode == 0
    git(client, "switch", "-q", "-c", "scratch/one", "origin/develop")
    commit(client, "exempt by the landed policy")
    assert push(client, "scratch/one").returncode == 0  # the landed policy rules, remembered
    break_main(server_repo, client)
    git(client, "switch", "-q", "-c", "scratch/two", "origin/develop")
    commit(client, "still exempt")
    done = push(client, "scratch/two")
    assert done.returncode == 0, done.stderr
    assert "pushes are judged by the last policy that loaded from main at " in done.stderr
    # A push to main that leaves the policy broken is refused; the repair is accepted.
    git(client, "switch", "-q", "-C", "hotfix/v1.1.1", "origin/main")
    commit(client, "a fix that keeps the broken policy")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "hotfix/v1.1.1")
    kept = push(client, "hotfix/v1.1.1", "main")
    assert kept.returncode != 0
    assert "BF002" in kept.stderr
    git(client, "switch", "-q", "hotfix/v1.1.1")
    (client / ".branchflow.yaml").write_text(TRUNK_NAMES)
    git(client, "commit", "-q", "-a", "-m", "repair the policy")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "hotfix/v1.1.1")
    repaired = push(client, "hotfix/v1.1.1", "main")
    assert repaired.returncode == 0, repaired.stderr
    assert (
        server_ref(server_repo, "refs/heads/main")
        == git(client, "rev-parse", "HEAD").stdout.strip()
    )
    git(client, "switch", "-q", "-c", "feature/after", "origin/develop")
    commit(client, "after the repair")
    after = push(client, "feature/after")
    assert after.returncode == 0
    assert "does not load" not in after.stderr


def test_the_administrators_policy_still_wins(
    server_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = clone(f"file://{server_repo}", tmp_path / "client")
    break_main(server_repo, client)
    policy = tmp_path / "admin.yaml"
    policy.write_text("extends: gitflow\nexempt: [admin/**]\n")
    git(client, "switch", "-q", "-c", "admin/x", "origin/develop")
    commit(client, "x")
    assert push(client, "admin/x").returncode != 0  # gitflow's default does not know admin/**
    monkeypatch.setenv("BRANCHFLOW_CONFIG", str(policy))  # file://: the hook's environment
    done = push(client, "admin/x")
    assert done.returncode == 0, done.stderr
    assert "does not load" not in done.stderr


def test_a_policy_key_cannot_forge_a_line_of_the_servers_answer(
    client: Path, server_repo: Path
) -> None:
    done = land_policy(
        client,
        {".branchflow.yaml": 'extends: gitflow\nbranches:\n  feature:\n    "a\\nFAKE: ok": 1\n'},
    )
    assert done.returncode != 0
    assert "BF002 policy-file" in done.stderr
    lines = [line.removeprefix("remote: ").strip() for line in done.stderr.splitlines()]
    assert not [line for line in lines if line.startswith("FAKE")], done.stderr
    assert "a\\nFAKE" in done.stderr


def test_a_broken_pyproject_is_the_projects_business(client: Path, server_repo: Path) -> None:
    """A Python project's typo in pyproject.toml is no policy: the push lands."""
    done = land_policy(client, {"pyproject.toml": '[project\nname = "app"\n'})
    assert done.returncode == 0, done.stderr


def test_a_broken_pyproject_naming_branchflow_is_a_broken_policy(
    client: Path, server_repo: Path
) -> None:
    done = land_policy(client, {"pyproject.toml": '[tool.branchflow\nextends = "solo"\n'})
    assert done.returncode != 0
    assert "BF002" in done.stderr
    assert "not valid TOML" in done.stderr
