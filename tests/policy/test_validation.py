"""Malformed policies: one line per problem naming file, line, key path and fix; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.cli import main


def check_policy(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    policy = tmp_path / ".branchflow.yaml"
    policy.write_text(text)
    code = main(["--config", str(policy), "check", "main"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "extends: gitflow\nbranches:\n  feature:\n    protcted: true\n",
            ".branchflow.yaml:4: branches.feature.protcted: unknown key 'protcted'; "
            "did you mean 'protected'?",
        ),
        (
            "extends: gitflow\nbranche: {}\n",
            ".branchflow.yaml:2: branche: unknown key 'branche'; did you mean 'branches'?",
        ),
        (
            "extends: gitflow\ntags:\n  pattern: v{semver}\n  onn: [main]\n",
            ".branchflow.yaml:4: tags.onn: unknown key 'onn'; did you mean 'on'?",
        ),
        (
            "extends: gitflow\nbranches:\n  feature:\n    from: [devlop]\n",
            ".branchflow.yaml:4: branches.feature.from[0]: no branch type is named 'devlop'; "
            "did you mean 'develop'?",
        ),
        (
            "extends: gitflow\nbranches:\n  feature:\n    into: [production]\n",
            "branches.feature.into[0]: no branch type is named 'production'",
        ),
        (
            "extends: gitflow\nbranches:\n  exp:\n    pattern: exp/{slugg}\n",
            ".branchflow.yaml:4: branches.exp.pattern: unknown placeholder {slugg} at position 5"
            " of template 'exp/{slugg}'; did you mean {slug}?",
        ),
        (
            "extends: gitflow\nbranches:\n  exp:\n    pattern: ['exp/{slug}', {regex: 'exp(/'}]\n",
            ".branchflow.yaml:4: branches.exp.pattern[1].regex: the regex 'exp(/' does not "
            "compile: missing ), unterminated subpattern at position 3",
        ),
        (
            "extends: gitflow\nplaceholders:\n  team: '(ml|data'\n",
            ".branchflow.yaml:3: placeholders.team: the regex '(ml|data' does not compile",
        ),
        (
            "extends: gitflow\nbranches:\n  hotfix:\n    examples: [feature/x]\n",
            ".branchflow.yaml:4: branches.hotfix.examples[0]: example 'feature/x' is not a "
            "'hotfix' branch: the earlier type 'feature' captures it first",
        ),
        (
            "extends: gitflow\nbranches:\n  hotfix:\n    examples: [hotfix/Bad]\n",
            "example 'hotfix/Bad' is not a 'hotfix' branch: it matches none of the type's "
            "patterns ('hotfix/{slug}', 'hotfix/v{semver}', 'hotfix/{semver}')",
        ),
        (
            "extends: gitflow\nbranches:\n  main:\n    protected: maybe\n",
            ".branchflow.yaml:4: branches.main.protected: expected true, false, 'merges' or "
            "'pull-request', got 'maybe'",
        ),
        (
            "extends: gitflow\nbranches:\n  main:\n    pattern: 5\n",
            "branches.main.pattern: expected a template string",
        ),
        (
            "branches:\n  feature:\n    description: no pattern\n",
            ".branchflow.yaml:2: branches.feature: the key 'pattern' is required",
        ),
        ("branches: {}\n", "branches: the policy defines no branch types"),
        (
            "extends: gitflow\nbranches:\n  main: {pattern: main}\n  main: {pattern: trunk}\n",
            ".branchflow.yaml:4: the key 'main' is given twice in one mapping (first on line 3)",
        ),
        ("extends: gitflow\nbranches: [\n", ".branchflow.yaml:3:1: not valid YAML"),
        ("- main\n- develop\n", "the policy must be a mapping of keys"),
        ("extends: gitflw\n", "unknown preset 'gitflw'; did you mean 'gitflow'?"),
        ("extends: ./missing.yaml\n", "extends: the file"),
        (
            "extends: gitflow\nbranches:\n  bad name:\n    pattern: x\n",
            "branches.bad name: 'bad name' is not a type name",
        ),
    ],
)
def test_bad_policy_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    code, err = check_policy(tmp_path, text, capsys)
    assert code == 2
    assert expected in err


def test_every_problem_is_listed_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "extends: gitflow\nbranches:\n  feature:\n    protcted: true\n    descripton: x\n"
    code, err = check_policy(tmp_path, text, capsys)
    assert code == 2
    assert "the policy has 2 problems:" in err
    assert "protcted" in err
    assert "descripton" in err


def test_yaml_12_booleans_keep_on_and_no_as_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "extends: gitflow\nbranches:\n  no:\n    pattern: 'no/{slug}'\n"
        "tags:\n  pattern: 'v{semver}'\n  on: [main]\n"
    )
    code, _ = check_policy(tmp_path, text, capsys)
    assert code == 0
    policy = tmp_path / ".branchflow.yaml"
    assert main(["--config", str(policy), "check", "no/thing"]) == 0
    assert "no/thing: no (pattern 'no/{slug}')" in capsys.readouterr().out


def test_null_removes_an_inherited_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("extends: gitflow\nbranches:\n  support: null\n")
    assert main(["--config", str(policy), "check", "support/1.x"]) == 1
    assert main(["--config", str(policy), "check", "feature/x"]) == 0


def test_override_merges_key_by_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "extends: gitflow\nbranches:\n  feature:\n    pattern: 'feat/{slug}'\n"
        "  experiment:\n    pattern: 'exp/{user}/{slug}'\n    from: [develop]\n"
    )
    assert main(["--config", str(policy), "check", "feat/x", "exp/jdoe/try"]) == 0
    out = capsys.readouterr().out
    assert "feat/x: feature" in out
    assert "exp/jdoe/try: experiment" in out
    assert main(["--config", str(policy), "explain"]) == 0
    table = capsys.readouterr().out
    feature_row = next(line for line in table.splitlines() if line.startswith("feature "))
    assert "develop" in feature_row  # from/into kept from the preset


def test_extends_a_path_and_detects_cycles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.yaml").write_text("extends: ./top.yaml\nbranches: {}\n")
    (tmp_path / "top.yaml").write_text("extends: ./base.yaml\n")
    assert main(["--config", str(tmp_path / "top.yaml"), "check", "main"]) == 2
    assert "extends forms a cycle" in capsys.readouterr().err
    (tmp_path / "base.yaml").write_text("extends: ml-team\n")
    assert main(["--config", str(tmp_path / "top.yaml"), "check", "test"]) == 0


def test_toml_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / ".branchflow.toml"
    policy.write_text('extends = "gitflow"\n[branches.feature\n')
    assert main(["--config", str(policy), "check", "main"]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_unknown_preset_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--preset", "git-flow", "check", "main"]) == 2
    err = capsys.readouterr().err
    assert "unknown preset 'git-flow'; did you mean 'gitflow'?" in err
    assert "presets: conventional, gitflow, github-flow, gitlab-flow, ml-team, solo, trunk" in err


def test_nested_yaml_aliases_are_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    text = "\n".join(lines) + "\nexempt: *a8\n"
    code, err = check_policy(tmp_path, text, capsys)
    assert code == 2
    assert "the policy expands to more than 100000 values" in err


def test_squash_merges_only_where_no_push_lands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A branch that takes pushes cannot tell a squash merge from a direct commit with the
    same message: squash and rebase are for branches the platform merges into."""
    code, err = check_policy(
        tmp_path,
        "extends: gitflow\nbranches:\n  develop:\n    merge_methods: [merge, squash]\n",
        capsys,
    )
    assert code == 2
    assert "branches.develop.merge_methods" in err
    assert "protected: pull-request" in err
    code, _ = check_policy(
        tmp_path,
        "extends: gitflow\nbranches:\n  develop:\n    protected: pull-request\n"
        "    merge_methods: [merge, squash]\n",
        capsys,
    )
    assert code == 0
