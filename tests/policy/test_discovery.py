"""Which policy applies: --config, BRANCHFLOW_CONFIG, root files, pyproject, the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.cli import main


def policy_label(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    assert main([*args, "explain"]) == 0
    captured = capsys.readouterr()
    return captured.out.splitlines()[0], captured.err


def test_default_is_gitflow(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert policy_label(capsys) == ("policy: preset 'gitflow'", "")


def test_root_file_extends_a_preset(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".branchflow.yaml").write_text("extends: ml-team\n")
    label, _ = policy_label(capsys)
    assert label == "policy: .branchflow.yaml extends preset 'ml-team'"


def test_found_from_a_subdirectory(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".branchflow.yaml").write_text("extends: solo\n")
    (repo / "sub" / "dir").mkdir(parents=True)
    monkeypatch.chdir(repo / "sub" / "dir")
    label, _ = policy_label(capsys)
    assert label == "policy: .branchflow.yaml extends preset 'solo'"


def test_pyproject_table(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.branchflow]\nextends = "trunk"\n'
        '[tool.branchflow.branches.main]\npattern = "trunk"\n'
    )
    label, _ = policy_label(capsys)
    assert label == "policy: pyproject.toml [tool.branchflow] extends preset 'trunk'"
    assert main(["check", "trunk"]) == 0
    assert capsys.readouterr().out == "trunk: main (pattern 'trunk')\n"


def test_pyproject_without_the_table_is_skipped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 9\n')
    assert policy_label(capsys) == ("policy: preset 'gitflow'", "")


def test_order_and_warning_when_several(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".branchflow.yml").write_text("extends: solo\n")
    (repo / ".branchflow.toml").write_text('extends = "trunk"\n')
    (repo / "pyproject.toml").write_text('[tool.branchflow]\nextends = "github-flow"\n')
    label, err = policy_label(capsys)
    assert label == "policy: .branchflow.yml extends preset 'solo'"
    assert "several policy files found; using .branchflow.yml and ignoring " in err
    assert ".branchflow.toml, pyproject.toml" in err
    (repo / ".branchflow.yaml").write_text("extends: ml-team\n")
    label, _ = policy_label(capsys)
    assert label == "policy: .branchflow.yaml extends preset 'ml-team'"


def test_environment_variable_beats_root_files(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    (repo / ".branchflow.yaml").write_text("extends: ml-team\n")
    elsewhere = tmp_path / "team-policy.yaml"
    elsewhere.write_text("extends: solo\n")
    monkeypatch.setenv("BRANCHFLOW_CONFIG", str(elsewhere))
    label, _ = policy_label(capsys)
    assert label == f"policy: {elsewhere} extends preset 'solo'"


def test_config_option_beats_everything(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("BRANCHFLOW_CONFIG", str(repo / "nope.yaml"))
    explicit = tmp_path / "p.yaml"
    explicit.write_text("extends: trunk\n")
    label, _ = policy_label(capsys, "--config", str(explicit))
    assert label == f"policy: {explicit} extends preset 'trunk'"
    assert main(["explain", "--config", str(explicit)]) == 0  # after the subcommand too


@pytest.mark.parametrize("source", ["--config", "BRANCHFLOW_CONFIG"])
def test_missing_explicit_file_is_an_error(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    if source == "--config":
        code = main(["--config", "missing.yaml", "explain"])
    else:
        monkeypatch.setenv("BRANCHFLOW_CONFIG", "missing.yaml")
        code = main(["explain"])
    assert code == 2
    assert f"the policy file 'missing.yaml' given by {source} does not exist" in (
        capsys.readouterr().err
    )


def test_config_and_preset_together_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.yaml").write_text("extends: solo\n")
    assert main(["--config", "p.yaml", "--preset", "solo", "explain"]) == 2
    assert "give either --config or --preset, not both" in capsys.readouterr().err


def test_preset_option(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".branchflow.yaml").write_text("extends: solo\n")
    assert policy_label(capsys, "--preset", "conventional")[0] == "policy: preset 'conventional'"


def test_a_broken_pyproject_beside_a_policy_file_does_not_matter(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project's pyproject.toml that is not TOML (or, in a commit, a link) is not the
    policy's business when a policy file is there; alone, it is skipped unless it names
    branchflow, and then it is an error that says so."""
    (repo / ".branchflow.yaml").write_text("extends: ml-team\n")
    (repo / "pyproject.toml").write_text("[[[not toml\n")
    label, _ = policy_label(capsys)
    assert label == "policy: .branchflow.yaml extends preset 'ml-team'"
    (repo / ".branchflow.yaml").unlink()
    label, _ = policy_label(capsys)
    assert label == "policy: preset 'gitflow'"
    (repo / "pyproject.toml").write_text('[tool.branchflow\nextends = "ml-team"\n')
    assert main(["explain"]) == 2
    assert "pyproject.toml: not valid TOML" in capsys.readouterr().err
