"""Patterns that would backtrack without end on Python's ``re`` (``(a+)+b``, ``(a|aa)*c``)
run on RE2 in linear time: neither the policy's examples, checked when it loads, nor a
pushed name can pin a server core. What RE2 cannot run is refused with the reason."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.attack.conftest import land_policy, push, server_ref
from tests.conftest import commit, git, run_branchflow

EVIL = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac"  # 43 a's: 2**43 steps for re


def spike_policy(regex: str, examples: str = "[]") -> str:
    return (
        "extends: gitflow\n"
        "placeholders:\n"
        f"  evil: {{regex: '{regex}', example: ab}}\n"
        "branches:\n"
        "  spike:\n"
        "    pattern: spike/{evil}\n"
        f"    examples: {examples}\n"
        "    from: [develop]\n"
        "    into: [develop]\n"
    )


@pytest.mark.parametrize("regex", ["(a+)+b", "(a|aa)*b", "(?:a*)*b"])
def test_a_backtracking_pattern_cannot_pin_the_server(
    client: Path, server_repo: Path, regex: str
) -> None:
    landed = land_policy(client, {".branchflow.yaml": spike_policy(regex)})
    assert landed.returncode == 0, landed.stderr
    git(client, "switch", "-q", "-c", f"spike/{EVIL}", "origin/develop")
    commit(client, "spike")
    done = push(client, f"spike/{EVIL}")
    assert done.returncode != 0
    assert f"spike/{EVIL}: BF101 branch-name: matches no branch type" in done.stderr
    assert server_ref(server_repo, f"refs/heads/spike/{EVIL}") == ""
    git(client, "switch", "-q", "-c", "spike/aaab", "origin/develop")
    commit(client, "a good one")
    assert push(client, "spike/aaab").returncode == 0


def test_a_backtracking_example_is_checked_in_linear_time(client: Path, server_repo: Path) -> None:
    """The examples are classified when the pushed policy is validated (BF002), even when
    the push is refused anyway."""
    policy = spike_policy("(a+)+b", f"['spike/{EVIL}']")
    before = server_ref(server_repo, "refs/heads/main")
    done = land_policy(client, {".branchflow.yaml": policy})
    assert done.returncode != 0
    assert f"example 'spike/{EVIL}' is not a 'spike' branch" in done.stderr
    assert server_ref(server_repo, "refs/heads/main") == before


@pytest.mark.parametrize(
    ("regex", "says"),
    [
        (r"(a)\1", "RE2 cannot run it (invalid escape sequence: \\1)"),
        ("(?=a)a", "RE2 cannot run it (invalid perl operator: (?=)"),
        ("a{1,1001}", "RE2 cannot run it (invalid repetition size: {1,1001})"),
        ("(?P<evil>a)", "the group name 'evil' is used twice"),
        ("(a", "does not compile: missing ), unterminated subpattern at position 0"),
    ],
)
def test_what_re2_cannot_run_is_refused_when_the_policy_loads(
    tmp_path: Path, regex: str, says: str
) -> None:
    (tmp_path / "policy.yaml").write_text(spike_policy(regex))
    done = run_branchflow(tmp_path, "explain", "--config", "policy.yaml")
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr
    assert says in done.stderr


def test_placeholders_side_by_side_run_on_re2(client: Path, server_repo: Path) -> None:
    """Built-in placeholders are linear alone; twelve side by side split a name in
    exponentially many ways on a backtracking engine."""
    policy = (
        "extends: gitflow\n"
        "branches:\n"
        "  exp:\n"
        "    pattern: 'exp/" + "{slug}" * 12 + "'\n"
        "    examples: [exp/aaaaaaaaaaaa]\n"
        "    from: [develop]\n"
        "    into: [develop]\n"
    )
    assert land_policy(client, {".branchflow.yaml": policy}).returncode == 0
    name = "exp/" + "a" * 40 + "_"
    git(client, "switch", "-q", "-c", name, "origin/develop")
    commit(client, "slow name")
    done = push(client, name)
    assert done.returncode != 0
    assert f"{name}: BF102" in done.stderr or f"{name}: BF101" in done.stderr


@pytest.mark.parametrize("tail", ["Y", "Z[^/]*"])
def test_many_optional_parts_run_on_re2(client: Path, server_repo: Path, tail: str) -> None:
    """Literal text in optional parts: "develop" letter by letter, 47 times over, before a
    letter no name has. Each push classifies the server's branches by it, and Python's
    matcher takes minutes on "develop" (every later push then refused by the time limit,
    the repair included)."""
    trap = "".join(f"(?:{c})?" for c in "develop") * 47 + tail  # also with a glob's wildcard
    preset = (Path(__file__).resolve().parents[2] / "policy" / "gitflow.yaml").read_text()
    # first among the types, so that every name is tried against it first
    policy = preset.replace(
        "branches:\n", f"branches:\n  trap:\n    pattern: {{regex: '{trap}'}}\n", 1
    )
    assert trap in policy
    assert land_policy(client, {".branchflow.yaml": policy}).returncode == 0
    git(client, "switch", "-q", "-c", "feature/after-the-trap", "origin/develop")
    commit(client, "ordinary work")
    done = push(client, "feature/after-the-trap")
    assert done.returncode == 0, done.stderr


def test_a_policy_of_many_globs_does_not_lock_a_server_of_many_branches(
    client: Path, server_repo: Path
) -> None:
    """Hundreds of exempt globs and types with no literal prefix (within the policy's
    limits), on a server of thousands of branches: a push classifies the branches it needs,
    not every branch the server has (each against every glob), so it stays inside the time
    limit, and so does the push that repairs the policy."""
    globs = ", ".join(f'"*z{n}*q*"' for n in range(900))
    types = "".join(
        f'  t{n}:\n    pattern: "{{slug}}-q{n}-{{slug}}"\n    from: [develop]\n' for n in range(20)
    )
    landed = land_policy(
        client, {".branchflow.yaml": f"extends: gitflow\nexempt: [{globs}]\nbranches:\n{types}"}
    )
    assert landed.returncode == 0, landed.stderr
    develop = git(server_repo, "rev-parse", "develop").stdout.strip()
    many = "".join(f"create refs/heads/feature/m{n} {develop}\n" for n in range(3_000))
    subprocess.run(
        ["git", "update-ref", "--stdin"], cwd=server_repo, input=many, text=True, check=True
    )
    git(client, "switch", "-q", "-c", "feature/after", "origin/develop")
    commit(client, "after")
    done = push(client, "feature/after")  # each of 3,000 names against 900 globs: 13 s
    assert done.returncode == 0, done.stderr
    assert server_ref(server_repo, "refs/heads/feature/after")
