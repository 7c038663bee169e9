from __future__ import annotations

import pytest

from branchflow.facts import MergeSource
from branchflow.repo.merge_message import (
    merge_target,
    parse_merge_message,
    repository_owners,
    squash_source,
)


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
            [("develop", "branch", "o")],
        ),
        (
            "Merge branch 'master' of github.com:petervanderdoes/gitflow",
            [("master", "branch", "petervanderdoes")],
        ),
        ("Merge remote branch 'mine/develop' into develop", [("develop", "branch", "mine")]),
        (
            "Merge remote-tracking branch 'bloveridge/feature/fix' into develop",
            [("feature/fix", "branch", "bloveridge")],
        ),
        (
            "Merge branch 'release/v1.2.0', remote-tracking branch 'origin/hotfix/y' and tag 'v1'",
            [("release/v1.2.0", "branch"), ("hotfix/y", "branch"), ("v1", "tag")],
        ),
        (
            "Merge pull request #12 from octo/feature/login\n\nAdd login",
            [("feature/login", "branch", "octo")],
        ),
        ("Merged pull request #119 from kiall/develop.", [("develop", "branch", "kiall")]),
        (
            "[ci skip] Merge pull request #6176 from user/patch-1",
            [("patch-1", "branch", "user")],
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
        # Gerrit (as AOSP's and Chromium's histories have them): reviewed changes, no branch
        (
            'Merge "Fix a crash when the display is rotated" into main',
            [('"Fix a crash when the display is rotated"', "pull-request")],
        ),
        ('Merge "Update the README"', [('"Update the README"', "pull-request")]),
        (
            "Merge changes I1a2b3c4d,I5e6f7a8b into android14",
            [("I1a2b3c4d,I5e6f7a8b", "pull-request")],
        ),
        ('Merge changes from topic "fix-boot"', [("topic fix-boot", "pull-request")]),
        ("[skip ci] Merge branch 'feature/x' into develop", [("feature/x", "branch")]),
        ("Fix the bug", []),
        ("Merge the two ideas", []),
    ],
)
def test_merge_messages(message: str, expected: list[tuple[str, ...]]) -> None:
    got = parse_merge_message(message, ("origin",))
    assert got == tuple(
        MergeSource(name, kind, owner=rest[0] if rest else "") for name, kind, *rest in expected
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Add the login form (#123)", MergeSource("#123", "pull-request")),
        (
            "Add login\n\nLonger text\n\nSee merge request team/app!12",
            MergeSource("!12", "pull-request"),
        ),
        (
            "Squashed commit of the following:\n\ncommit 1234\nAuthor: x",
            MergeSource("(squashed commits)", "pull-request"),
        ),
        ("Merged in feature/x (pull request #12)\n\nSquashed", MergeSource("feature/x", "branch")),
        ("Merged PR 7: Add the model", MergeSource("#7", "pull-request")),
        ("Fix the bug (see #12 for why)", None),
        ("Fix the bug", None),
    ],
)
def test_squash_messages(message: str, expected: MergeSource | None) -> None:
    assert squash_source(message) == expected


@pytest.mark.parametrize(
    ("urls", "env", "owners"),
    [
        (["git@github.com:Octo/app.git"], {}, {"octo"}),
        (["https://gitlab.com/group/sub/app.git", "/srv/git/x.git"], {}, {"sub"}),
        (
            ["ssh://git@example.com:2222/team/app.git", "github.com:nvie/gitflow"],
            {},
            {"team", "nvie"},
        ),
        ([], {"GITHUB_REPOSITORY": "octo/app"}, {"octo"}),
        (["/work/shared/corpus/nvie-gitflow.bundle", "file:///srv/git/app.git"], {}, set()),
        (["git://127.0.0.1:9418/origin.git"], {}, set()),
    ],
)
def test_repository_owners(urls: list[str], env: dict[str, str], owners: set[str]) -> None:
    assert repository_owners(urls, env) == owners


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
