from __future__ import annotations

import functools
import re
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchflow.commands.graph import flow_edges
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.load import build_policy
from branchflow.policy.presets import preset_names

PRESETS = ["gitflow", "ml-team", "solo", "github-flow", "gitlab-flow", "trunk", "conventional"]


@functools.cache
def preset(name: str) -> CompiledPolicy:
    return build_policy(None, preset=name)[0]


def type_of(policy: CompiledPolicy, name: str) -> str | None:
    found = policy.classify(name)
    if found is None:
        return None
    return found.rule.name if found.rule else "exempt"


def test_every_preset_is_shipped_and_loads() -> None:
    assert sorted(PRESETS) == preset_names()
    for name in PRESETS:
        assert preset(name).branches


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("feature/model-tuning", "feature"),
        ("hotfix/data-leak-fix", "hotfix"),
        ("release/v1.2.0", "release"),
        ("main", "main"),
        ("master", "main"),
        ("develop", "develop"),
        ("bugfix/ABC-1-fix-header", "bugfix"),
        ("support/1.x", "support"),
        ("dependabot/pip/requests-2.32", "exempt"),
        ("Feature/My_Thing", None),
        ("feature/My_Thing", None),
        ("release/1.2.0", None),
        ("test", None),
    ],
)
def test_gitflow_names(name: str, expected: str | None) -> None:
    assert type_of(preset("gitflow"), name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("feature/model-tuning", "feature"),
        ("hotfix/data-leak-fix", "hotfix"),
        ("release/v1.2.0", "release"),
        ("test", "test"),
        ("develop", "develop"),
        ("main", "main"),
        ("master", None),
        ("bugfix/x", None),
    ],
)
def test_ml_team_names(name: str, expected: str | None) -> None:
    assert type_of(preset("ml-team"), name) == expected


# The Conventional Branch 1.0.0 specification's own valid and invalid examples.
@pytest.mark.parametrize(
    "name",
    [
        "main",
        "master",
        "develop",
        "feature/add-login-page",
        "feat/add-login-page",
        "bugfix/fix-header-bug",
        "fix/header-bug",
        "hotfix/security-patch",
        "release/v1.2.0",
        "chore/update-dependencies",
        "feature/issue-123-new-login",
    ],
)
def test_conventional_accepts(name: str) -> None:
    assert type_of(preset("conventional"), name) is not None


@pytest.mark.parametrize(
    "name",
    [
        "Feature/Add-Login",
        "feature/new--login",
        "feature/-new-login",
        "feature/new-login-",
        "release/v1.-2.0",
        "release/v1..2",
        "release/.v1",
        "feature/v1.2",
        "fix/header_bug",
        "unknown/some-task",
        "feature/a/b",
    ],
)
def test_conventional_refuses(name: str) -> None:
    assert type_of(preset("conventional"), name) is None


def test_ml_team_graph_is_exactly_the_eight_edges() -> None:
    edges = {(e.source, e.target) for e in flow_edges(preset("ml-team"))}
    assert edges == {
        ("main", "hotfix"),
        ("hotfix", "release"),
        ("main", "release"),
        ("release", "main"),
        ("develop", "feature"),
        ("feature", "develop"),
        ("develop", "test"),
        ("test", "release"),
    }
    assert len(flow_edges(preset("ml-team"))) == 8


def test_solo_graph_is_dev_test_prod() -> None:
    edges = [(e.source, e.target) for e in flow_edges(preset("solo"))]
    assert edges == [("dev", "test"), ("test", "prod")]


def git_accepts(names: list[str]) -> list[str]:
    """The names `git check-ref-format --branch` refuses."""
    refused = []
    for name in names:
        done = subprocess.run(
            ["git", "check-ref-format", "--branch", name], capture_output=True, check=False
        )
        if done.returncode != 0:
            refused.append(name)
    return refused


@st.composite
def accepted_names(draw: st.DrawFn, policy_name: str) -> str:
    policy = preset(policy_name)
    patterns = [p for rule in policy.branches for p in rule.patterns]
    pattern = draw(st.sampled_from(patterns))
    return draw(st.from_regex(re.compile(pattern.regex), fullmatch=True))


@pytest.mark.parametrize("policy_name", PRESETS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_name_a_preset_accepts_git_accepts(policy_name: str, data: st.DataObject) -> None:
    policy = preset(policy_name)
    name = data.draw(accepted_names(policy_name))
    if policy.classify(name) is None:
        return  # the template allows it but git's rules do not: the preset refuses it too
    assert git_accepts([name]) == [], name
