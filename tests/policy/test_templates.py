from __future__ import annotations

import re
from pathlib import Path

import pytest

from branchflow.policy.template import BUILTIN_PLACEHOLDERS, TemplateError, compile_template


def matches(template: str, name: str) -> bool:
    compiled = compile_template(template, BUILTIN_PLACEHOLDERS)
    return re.fullmatch(compiled.regex, name) is not None


@pytest.mark.parametrize(
    ("template", "name", "expected"),
    [
        ("feature/{slug}", "feature/model-tuning", True),
        ("feature/{slug}", "feature/model--tuning", False),
        ("feature/{slug}", "feature/-model", False),
        ("feature/{slug}", "feature/model-", False),
        ("feature/{slug}", "feature/Model", False),
        ("feature/{slug}", "feature/model_tuning", False),
        ("feature/{slug}", "feature/", False),
        ("feature/{slug}", "feature/a/b", False),
        ("feature/{ticket}[-{slug}]", "feature/ABC-123", True),
        ("feature/{ticket}[-{slug}]", "feature/ABC-123-login", True),
        ("feature/{ticket}[-{slug}]", "feature/abc-123", False),
        ("feature/{ticket}[-{slug}]", "feature/ABC-123-", False),
        ("release/v{semver}", "release/v1.2.0", True),
        ("release/v{semver}", "release/v1.2.0-rc.1+build.5", True),
        ("release/v{semver}", "release/v1.2", False),
        ("release/v{semver}", "release/v01.2.0", False),
        ("release/v{semver}", "release/1.2.0", False),
        ("support/{version}", "support/1.x", True),
        ("support/{version}", "support/2024.11", True),
        ("daily/{date}", "daily/2026-01-31", True),
        ("daily/{date}", "daily/2026-13-01", False),
        ("pr/{number}", "pr/42", True),
        ("pr/{number}", "pr/4a", False),
        ("users/{user}/{slug}", "users/j.doe/try-this", True),
        ("users/{user}/{slug}", "users/j..doe/try-this", False),
        ("lit{{eral}}", "lit{eral}", True),
        ("a[b[c]]", "a", True),
        ("a[b[c]]", "abc", True),
        ("a[b[c]]", "ac", False),
        ("main", "main", True),
        ("main", "mainx", False),
    ],
)
def test_template_matching(template: str, name: str, expected: bool) -> None:
    assert matches(template, name) is expected


def test_placeholders_become_named_groups_numbered_when_repeated() -> None:
    compiled = compile_template("{number}-{number}-stable", BUILTIN_PLACEHOLDERS)
    found = re.fullmatch(compiled.regex, "16-5-stable")
    assert found is not None
    assert found.groupdict() == {"number": "16", "number_2": "5"}


def test_prefix_and_example() -> None:
    compiled = compile_template("release/v{semver}", BUILTIN_PLACEHOLDERS)
    assert compiled.prefix == "release/v"
    assert compiled.example == "release/v1.2.0"
    assert compile_template("feature/[{ticket}-]{slug}", BUILTIN_PLACEHOLDERS).prefix == (
        "feature/"
    )
    assert compile_template("{slug}", BUILTIN_PLACEHOLDERS).prefix == ""


def test_every_builtin_example_matches_its_own_regex() -> None:
    for name, placeholder in BUILTIN_PLACEHOLDERS.items():
        assert re.fullmatch(placeholder.regex, placeholder.example), name


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("feature/{slugg}", "unknown placeholder {slugg} at position 9 of template"),
        ("feature/{slugg}", "did you mean {slug}?"),
        ("feature/{slug", "unclosed '{'"),
        ("feature/[{slug}", "unclosed '['"),
        ("feature/{slug}]", "unmatched ']'"),
        ("feature/}", "unmatched '}'"),
        ("feature/{}", "{} is not a placeholder name"),
        ("feature/{a-b}", "{a-b} is not a placeholder name"),
    ],
)
def test_template_errors_say_where_and_why(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        compile_template(template, BUILTIN_PLACEHOLDERS)


def test_many_exempt_globs_classify_as_each_alone(tmp_path: Path) -> None:
    """Past a few exempt globs, one regex of them all tells whether any could match before
    each is tried: the verdicts are those of trying each, for names of every kind."""
    from branchflow.policy.classify import Classifier
    from branchflow.policy.load import build_policy

    globs = [f"*z{n}*q*" for n in range(40)] + ["dependabot/**", "gh-pages", "x?y"]
    listed = ", ".join(f'"{g}"' for g in globs)
    (tmp_path / ".branchflow.yaml").write_text(f"extends: gitflow\nexempt: [{listed}]\n")
    policy = build_policy(str(tmp_path))[0]
    assert len(policy.exempt) > Classifier.GROUPED
    for name, glob in [
        ("az17bq", "*z1*q*"),  # the first glob in order that matches
        ("z3-q", "*z3*q*"),
        ("dependabot/pip/x", "dependabot/**"),
        ("gh-pages", "gh-pages"),
        ("x-y", "x?y"),
    ]:
        found = policy.classify(name)
        assert found is not None
        assert found.exempt_glob == glob, name
    for name, type_name in [("feature/login", "feature"), ("develop", "develop")]:
        found = policy.classify(name)
        assert found is not None
        assert found.rule is not None
        assert found.rule.name == type_name
    assert policy.classify("Feature/Bad") is None
