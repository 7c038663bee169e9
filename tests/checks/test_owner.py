"""BF103 and who pushes: the slug a name becomes, the order the servers' variables are read
in, and the verdicts on personal branches (no git: facts in, findings out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.checks.names import check_owner
from branchflow.facts import Pusher
from branchflow.hooks.identity import local_pusher, pusher_slug, server_pusher
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.load import build_policy
from tests.checks.presets import PERSONAL

PAIRS = (
    PERSONAL
    + """\
  pair:
    pattern: "pair/{pusher}/{pusher}/{slug}"
    from: [develop]
"""
)


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> CompiledPolicy:
    root: Path = tmp_path_factory.mktemp("personal")
    (root / ".branchflow.yaml").write_text(PAIRS)
    return build_policy(str(root))[0]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("alice", "alice"),
        ("Alice", "alice"),
        ("Jane.Doe@example.com", "jane.doe"),
        ("CORP\\Bob", "bob"),
        ("  bob  ", "bob"),
        # nothing is dropped or replaced: two logins never share a name by losing characters
        ("bob_", None),
        ("-bob", None),
        ("bob.", None),
        ("bob!", None),
        ("bob smith", None),
        ("a..b", None),
        ("jürgen", None),
        ("李雷", None),
        ("@example.com", None),
    ],
)
def test_a_name_as_pusher_spells_it(name: str, slug: str | None) -> None:
    assert pusher_slug(name) == slug


def test_the_first_variable_a_server_sets_names_the_pusher() -> None:
    everyone = {
        "GL_USER": "gitolite-user",
        "REMOTE_USER": "web-user",
        "GL_USERNAME": "gitlab-user",
        "GITEA_PUSHER_NAME": "gitea-user",
    }
    assert server_pusher(everyone) == Pusher("gitolite-user", "GL_USER", True, "gitolite-user")
    del everyone["GL_USER"]
    assert server_pusher(everyone).said_by == "REMOTE_USER"
    del everyone["REMOTE_USER"]
    assert server_pusher(everyone).said_by == "GL_USERNAME"
    del everyone["GL_USERNAME"]
    assert server_pusher(everyone).slug == "gitea-user"
    assert server_pusher({"REMOTE_USER": " "}) == server_pusher({})  # set but empty: nobody
    assert server_pusher({}).slug is None
    unspelled = server_pusher({"REMOTE_USER": "bob_"})
    assert (unspelled.slug, unspelled.name) == (None, "bob_")


def test_a_clone_names_its_user_from_git_config() -> None:
    config = {"branchflow.user": "Al", "user.email": "alice.smith@example.com"}
    assert local_pusher(config.get) == Pusher("al", "git config branchflow.user", False, "Al")
    del config["branchflow.user"]
    assert local_pusher(config.get).slug == "alice.smith"
    assert local_pusher({}.get).slug is None


def _rules(found: list) -> list[str]:  # type: ignore[type-arg]
    return [v.rule.id for v in found]


ALICE = Pusher("alice", "GL_USER", True, "alice")


@pytest.mark.parametrize(
    ("branch", "deleting", "rules"),
    [
        ("users/alice/spike", False, []),
        ("users/alice/spike", True, []),
        ("users/bob/spike", False, ["BF103"]),
        ("users/bob/spike", True, ["BF103"]),
        ("pair/alice/alice/x", False, []),
        ("pair/alice/bob/x", False, ["BF103"]),  # both names must be the pusher's
        ("feature/x", False, []),  # no {pusher} in its type
    ],
)
def test_only_the_named_person_pushes(
    policy: CompiledPolicy, branch: str, deleting: bool, rules: list[str]
) -> None:
    match = policy.classify(branch)
    assert match is not None
    assert _rules(check_owner(branch, match, ALICE, deleting=deleting)) == rules


def test_what_the_refusal_says(policy: CompiledPolicy) -> None:
    match = policy.classify("users/bob/spike")
    assert match is not None
    (found,) = check_owner("users/bob/spike", match, ALICE, pushed=("origin", "users/bob/spike"))
    assert found.message == (
        "users/bob/spike is bob's: only bob pushes to it, and this push is alice's (GL_USER=alice)"
    )
    assert found.details == (
        "alice's personal branches: users/alice/{slug}",
        "your clone's hooks check this with: git config branchflow.user alice",
    )
    assert found.hint is not None
    assert found.hint.commands == (
        ("git", "branch", "-m", "users/bob/spike", "users/alice/spike"),
        ("git", "push", "-u", "origin", "users/alice/spike"),
    )
    (gone,) = check_owner("users/bob/spike", match, ALICE, deleting=True)
    assert gone.hint is not None
    assert not gone.hint.commands  # nothing to run: the branch stays
    # bob's branch is there already: a rename would carry bob's work along; it is his to take
    (onto,) = check_owner(
        "users/bob/spike", match, ALICE, creating=False, pushed=("origin", "users/bob/spike")
    )
    assert onto.hint is not None
    assert not onto.hint.commands
    assert "git format-patch origin/users/bob/spike..users/bob/spike" in onto.hint.then


def test_nobody_named(policy: CompiledPolicy, capsys: pytest.CaptureFixture[str]) -> None:
    """A server that names nobody refuses; a clone that cannot tell warns and lets the
    server judge."""
    match = policy.classify("users/alice/spike")
    assert match is not None
    (refused,) = check_owner("users/alice/spike", match, server_pusher({}))
    assert "this server does not say who is pushing" in refused.message
    assert "GL_USER, REMOTE_USER, GL_USERNAME, GITEA_PUSHER_NAME" in refused.message
    (odd,) = check_owner("users/alice/spike", match, server_pusher({"REMOTE_USER": "李雷"}))
    assert "this push is by REMOTE_USER='李雷', a login no personal branch" in odd.message
    assert check_owner("users/alice/spike", match, local_pusher({}.get)) == []
    assert "cannot tell who you are" in capsys.readouterr().err
    # a name guessed from the e-mail only warns: the server may know the person otherwise
    guessed = local_pusher({"user.email": "bob@example.com"}.get)
    assert check_owner("users/alice/spike", match, guessed) == []
    said = capsys.readouterr().err
    assert "if the server knows you as alice, git config branchflow.user alice" in said
    told = local_pusher({"branchflow.user": "bob"}.get)
    (local,) = check_owner("users/alice/spike", match, told)
    assert "you are bob (git config branchflow.user=bob)" in local.message
