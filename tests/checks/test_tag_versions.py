"""BF502 compares versions, not spellings: table-driven, without git."""

from __future__ import annotations

import pytest

from branchflow.checks.tags import check_tag, version_matches
from tests.checks.presets import preset

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("tag", "branch", "line", "same"),
    [
        ("1.2.0", "1.2.0", False, True),
        ("v1.2.0", "1.2.0", False, True),
        ("1.2.0+build.5", "1.2.0", False, True),
        ("1.2.0", "1.3.0", False, False),
        ("1.2.0-rc.1", "1.2.0", False, False),
        ("2.0.0-rc.1", "2.0.0-rc.1", False, True),
        ("1.2", "1.2.0", False, False),
        ("1.4.0", "1.4", True, True),
        ("1.4.3-rc.1", "1.4", True, True),
        ("1.5.0", "1.4", True, False),
        ("1.9.2", "1.x", True, True),
        ("2.0.0", "1.x", True, False),
        ("2024.1.0", "2024.01", True, True),
        ("1", "1.4", True, False),
    ],
)
def test_version_matches(tag: str, branch: str, line: bool, same: bool) -> None:
    assert version_matches(tag, branch, line=line) is same


@pytest.mark.parametrize(
    ("policy_name", "tag", "release", "found"),
    [
        ("gitflow", "1.2.0", "release/v1.2.0", []),
        ("gitflow", "v1.2.0", "release/1.2.0", []),
        ("gitflow", "1.2.1", "hotfix/v1.2.1", []),
        ("gitflow", "v1.3.0", "release/1.2.0", ["BF502"]),
        ("gitflow", "v1.3.5", "support/1.x", []),
        ("gitflow", "2.0.0", "support/1.x", ["BF502"]),
        ("trunk", "v1.4.2", "release/1.4", []),
        ("trunk", "1.4.0", "release/v1.4", []),
        ("trunk", "v1.5.0", "release/1.4", ["BF502"]),
        ("ml-team", "1.2.0", "release/v1.2.0", []),
    ],
)
def test_tag_version_of_each_preset(
    policy_name: str, tag: str, release: str, found: list[str]
) -> None:
    policy = preset(policy_name)
    on = set(policy.tags.on) if policy.tags else set()
    violations = check_tag(policy, tag, COMMIT, on_types=on, releases=[release])
    assert [v.rule.id for v in violations] == found
