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
        ("release/1.2.0", "release"),  # git flow release start 1.2.0
        ("hotfix/v1.2.1", "hotfix"),
        ("hotfix/1.2.1", "hotfix"),  # git flow hotfix start 1.2.1
        ("main", "main"),
        ("master", "main"),
        ("develop", "develop"),
        ("bugfix/ABC-1-fix-header", "bugfix"),
        ("support/1.x", "support"),
        ("dependabot/pip/requests-2.32", "exempt"),
        ("gh-pages", "exempt"),
        ("Feature/My_Thing", None),
        ("feature/My_Thing", None),
        ("release/1.2", None),
        ("release/version-1.2.0", None),
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


@pytest.mark.parametrize("policy_name", PRESETS)
def test_every_preset_exempts_the_github_pages_branch(policy_name: str) -> None:
    assert type_of(preset(policy_name), "gh-pages") == "exempt"


@pytest.mark.parametrize("policy_name", [p for p in PRESETS if p != "conventional"])
def test_version_tags_with_and_without_v(policy_name: str) -> None:
    policy = preset(policy_name)
    for tag in ["v1.2.0", "1.2.0", "v2.0.0-rc.1", "2.0.0-rc.1"]:
        assert policy.classify_tag(tag) is not None, tag
    for tag in ["1.2", "V1.2.0", "version-1.2.0", "release-1.2.0"]:
        assert policy.classify_tag(tag) is None, tag
    examples = policy.tags.examples if policy.tags else ()
    assert any(e.startswith("v") for e in examples), examples
    assert any(e[:1].isdigit() for e in examples), examples


@pytest.mark.parametrize(
    ("policy_name", "type_name", "names"),
    [
        ("gitflow", "release", ["release/v1.2.0", "release/1.2.0"]),
        ("gitflow", "hotfix", ["hotfix/v1.2.1", "hotfix/1.2.1"]),
        ("ml-team", "release", ["release/v1.2.0", "release/1.2.0"]),
        ("trunk", "release", ["release/1.4", "release/v1.4"]),
        ("conventional", "release", ["release/v1.2.0", "release/1.2.0"]),
    ],
)
def test_release_names_with_and_without_v(
    policy_name: str, type_name: str, names: list[str]
) -> None:
    policy = preset(policy_name)
    rule = policy.rule(type_name)
    assert rule is not None
    for name in names:
        assert type_of(policy, name) == type_name, name
        if policy_name != "conventional":  # its specification's own examples stand
            assert name in rule.examples, f"{name} is missing from {policy_name}'s examples"


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
