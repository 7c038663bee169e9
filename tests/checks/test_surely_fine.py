"""The audit's regex for merges it need not judge one by one: it never lets a merge through
that the policy refuses, and it does catch the everyday ones."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchflow.checks.scan import surely_fine_regex
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.presets import preset_names
from tests.checks.presets import preset


@functools.cache
def fine_regex(policy_name: str, target: str) -> re.Pattern[str] | None:
    policy = preset(policy_name)
    rule = policy.rule(target)
    assert rule is not None
    found = surely_fine_regex(policy, rule)
    return None if found is None else re.compile(found)


def allowed(policy: CompiledPolicy, name: str, target: str) -> bool:
    """The policy's own verdict, name by name."""
    found = policy.classify(name)
    if found is None:
        return False
    return found.rule is None or policy.merge_allowed(found.rule.name, target)


def targets() -> list[tuple[str, str]]:
    return [(p, r.name) for p in preset_names() for r in preset(p).branches if r.protection]


# Names near the policies' own: their prefixes and examples, bent every way a name can be.
PIECES = st.sampled_from(
    [
        "feature/", "bugfix/", "release/", "hotfix/", "support/", "feat/", "fix/", "main",
        "master", "develop", "test", "staging", "prod", "experiment/", "dependabot/",
        "renovate/", "v1.2.0", "1.x", "ABC-12", "-", "_", ".", "/", "..", "@{", "'", " ",
        "HEAD", ".lock", "x", "model-tuning", "Feature", "~", "^",
    ]
)  # fmt: skip
NAMES = st.lists(PIECES, min_size=1, max_size=5).map("".join)


@pytest.mark.parametrize(("policy_name", "target"), targets())
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_never_lets_a_refused_merge_through(policy_name: str, target: str, name: str) -> None:
    regex = fine_regex(policy_name, target)
    if regex is None or "'" in name:
        return  # names come from between two quotes: a quote cannot be in one
    if regex.fullmatch(name + "'"):
        assert allowed(preset(policy_name), name, target), (policy_name, target, name)


@pytest.mark.parametrize(
    ("policy_name", "target", "name"),
    [
        ("gitflow", "develop", "feature/model-tuning"),
        ("gitflow", "develop", "feature/ABC-123-login-form"),
        ("gitflow", "develop", "bugfix/header-overlap"),
        ("gitflow", "develop", "release/v1.2.0"),
        ("gitflow", "develop", "dependabot/pip/requests-2.32"),
        ("ml-team", "develop", "feature/model-tuning"),
    ],
)
def test_catches_the_everyday_merges(policy_name: str, target: str, name: str) -> None:
    regex = fine_regex(policy_name, target)
    assert regex is not None
    assert regex.fullmatch(name + "'")


@pytest.mark.parametrize(
    ("policy_name", "target", "name"),
    [
        ("gitflow", "main", "feature/model-tuning"),
        ("gitflow", "develop", "Feature/My_Thing"),
        ("gitflow", "develop", "develop"),
        ("gitflow", "develop", "support/1.x"),
        ("gitflow", "develop", "feature/a..b"),
    ],
)
def test_leaves_the_rest_to_be_judged(policy_name: str, target: str, name: str) -> None:
    regex = fine_regex(policy_name, target)
    assert regex is None or not regex.fullmatch(name + "'")
    assert not allowed(preset(policy_name), name, target)


def test_patterns_it_cannot_combine_turn_it_off() -> None:
    """A policy's own regex runs only on RE2, so it is never embedded in the backtracking
    regex that finds merges surely allowed: every merge is judged alone."""
    policy = preset("gitflow")
    odd = policy.branches[2]._replace(
        patterns=(policy.branches[2].patterns[0]._replace(regex=r"feature/(?:a|aa)+b"),)
    )
    changed = policy._replace(branches=(*policy.branches[:2], odd, *policy.branches[3:]))
    develop = changed.rule("develop")
    assert develop is not None
    assert surely_fine_regex(changed, develop) is None


def test_a_regex_that_will_not_compile_means_judging_each_merge() -> None:
    from branchflow.repo.history_log import log_line_regex as _log_line

    assert _log_line("(").pattern == _log_line(None).pattern
