from __future__ import annotations

import pytest

from branchflow.checks.suggest import suggest_name
from tests.checks.presets import preset


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Feature/My_Thing", "feature/my-thing"),
        ("feature/My Thing", "feature/my-thing"),
        ("feature/my--thing-", "feature/my-thing"),
        ("feature//my-thing", "feature/my-thing"),
        ("feat/login-form", "feature/login-form"),
        ("features/login-form", "feature/login-form"),
        ("featrue/login-form", "feature/login-form"),
        ("Hotfix/Data_Leak_Fix", "hotfix/data-leak-fix"),
        ("hotfixes/leak", "hotfix/leak"),
        ("fix/header", "bugfix/header"),
        ("release/1.2.0", "release/v1.2.0"),
        ("Release/V1.2.0", "release/v1.2.0"),
        ("model-tuning", "feature/model-tuning"),
        ("feature/model/tuning", "feature/model-tuning"),
        ("feature/ABC-123_login", "feature/ABC-123-login"),
        ("MAIN", "main"),
        ("Develop", "develop"),
        # A type's word joined by '-' or '_' keeps its type.
        ("hotfix-1", "hotfix/1"),
        ("Hotfix_B", "hotfix/b"),
        ("feature-login", "feature/login"),
        ("bugfix-header", "bugfix/header"),
        ("release-1.2.0", "release/1.2.0"),
        ("feat-x", "feature/x"),
        # A prefix keeps its type, and a partial version is completed.
        ("release/1.2", "release/1.2.0"),
        # Accents become their letters.
        ("feature/Café-Menu", "feature/cafe-menu"),
        ("Größe anpassen", "feature/grosse-anpassen"),
    ],
)
def test_gitflow_suggestions(name: str, expected: str) -> None:
    assert suggest_name(preset("gitflow"), name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Feat/Add_Login", "feat/add-login"),
        ("bugfix/Header", "bugfix/header"),
        ("release/V1.2.0", "release/v1.2.0"),
        ("chores/deps", "chore/deps"),
    ],
)
def test_conventional_suggestions(name: str, expected: str) -> None:
    assert suggest_name(preset("conventional"), name) == expected


class Taken:
    owners: frozenset[str] = frozenset()
    pusher: str | None = None

    def __init__(self, *names: str, pushed_as: str | None = None) -> None:
        self.names = set(names)
        self.pushed_as = pushed_as  # the name the branch being renamed was pushed under

    def remote_name_of(self, name: str) -> str | None:
        return self.pushed_as

    def has_branch(self, name: str) -> bool:
        return name in self.names

    def has_tag(self, name: str) -> bool:
        return False

    def branch_of_type(self, type_name: str) -> str | None:
        return None

    def shown_name(self, name: str) -> str | None:
        return None

    def tip_of(self, name: str) -> str | None:
        return None


def test_a_taken_suggestion_is_numbered_not_another_type() -> None:
    policy = preset("gitflow")
    assert suggest_name(policy, "feature/Café-Menu", Taken("feature/cafe-menu")) == (
        "feature/cafe-menu-2"
    )
    assert suggest_name(policy, "hotfix-1", Taken("hotfix/1")) == "hotfix/1-2"
    # taken by the branch itself, pushed under that name and renamed badly: renamed back
    pushed = Taken("feature/cafe-menu", pushed_as="feature/cafe-menu")
    assert suggest_name(policy, "feature/Café-Menu", pushed) == "feature/cafe-menu"
    # renamed to something less alike: still its name on the remote, where a push goes
    assert suggest_name(policy, "Feature/MyThing", pushed) == "feature/cafe-menu"


def test_no_suggestion_when_nothing_fits() -> None:
    assert suggest_name(preset("solo"), "feature/x") is None
    assert suggest_name(preset("gitflow"), "___") is None


def test_suggestions_are_always_valid() -> None:
    policy = preset("gitflow")
    for name in ["A", "x y z", "feature/..", "release/v", "Hot Fix/Now!", "a/b/c/d"]:
        suggestion = suggest_name(policy, name)
        assert suggestion is None or policy.classify(suggestion) is not None
