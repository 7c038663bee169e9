from __future__ import annotations

import pytest

from branchflow.repo.merge_message import MergeSource, merge_target, parse_merge_message


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Merge branch 'feature/x'", [("feature/x", "branch")]),
        ("Merge branch 'feature/x' into develop", [("feature/x", "branch")]),
        ("Merge branches 'a' and 'b' into develop", [("a", "branch"), ("b", "branch")]),
        (
            "Merge branches 'a', 'b' and 'c'",
            [("a", "branch"), ("b", "branch"), ("c", "branch")],
        ),
        ("Merge remote-tracking branch 'origin/feature/x'", [("feature/x", "branch")]),
        ("Merge tag 'v1.2.0' into develop", [("v1.2.0", "tag")]),
        ("Merge tag '1.2.0'", [("1.2.0", "tag")]),
        ("Merge commit 'abc1234' into main", [("abc1234", "commit")]),
        (
            "Merge branch 'develop' of https://github.com/o/r into feature/x",
            [("develop", "branch")],
        ),
        (
            "Merge branch 'release/v1.2.0', remote-tracking branch 'origin/hotfix/y' and tag 'v1'",
            [("release/v1.2.0", "branch"), ("hotfix/y", "branch"), ("v1", "tag")],
        ),
        (
            "Merge pull request #12 from octo/feature/login\n\nAdd login",
            [("feature/login", "branch")],
        ),
        (
            "Merge branch 'feature/x' into 'main'\n\nTitle\n\nSee merge request g/p!3",
            [("feature/x", "branch")],
        ),
        ("Merged in feature/x (pull request #12)\n\nTitle", [("feature/x", "branch")]),
        (
            "Merge pull request #12 in PROJ/repo from release/v1.2.0 to master",
            [("release/v1.2.0", "branch")],
        ),
        ("Merged PR 123: Add the model", [("#123", "pull-request")]),
        ("Fix the bug", []),
        ("Merge the two ideas", []),
    ],
)
def test_merge_messages(message: str, expected: list[tuple[str, str]]) -> None:
    got = parse_merge_message(message, ("origin",))
    assert got == tuple(MergeSource(name, kind) for name, kind in expected)


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("Merge branch 'feature/x' into develop", "develop"),
        ("Merge branch 'feature/x' of https://example.com/team/repo into develop", "develop"),
        ("Merge branch 'feature/x' into 'main'\n\nSee merge request team/repo!12", "main"),
        ("Merge pull request #12 in PROJ/repo from feature/x to main", "main"),
        ("Merge branch 'release/v1.0.0'", None),
        ("Merge pull request #12 from octo/feature/x", None),
        ("Merged PR 12: into the void", None),
        ("fix: go into detail", None),
    ],
)
def test_merge_target(message: str, target: str | None) -> None:
    assert merge_target(message) == target
