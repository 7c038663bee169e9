"""The `branchflow` subcommands, in-process and through the console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from branchflow import __version__
from branchflow.cli import main
from tests.conftest import git, run_branchflow


def test_check_names_says_type_and_template(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "feature/model-tuning", "hotfix/data-leak-fix", "release/v1.2.0"])
    assert code == 0
    assert capsys.readouterr().out == (
        "feature/model-tuning: feature (pattern 'feature/{slug}')\n"
        "hotfix/data-leak-fix: hotfix (pattern 'hotfix/{slug}')\n"
        "release/v1.2.0: release (pattern 'release/v{semver}')\n"
    )


def test_check_reports_every_bad_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "feature/ok", "Feature/Bad", "a b"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "feature/ok: feature (pattern 'feature/{slug}')\n"
    assert "branchflow: Feature/Bad: BF101 branch-name:" in captured.err
    assert "branchflow: a b: BF102 ref-format: git does not accept this name" in captured.err


def test_check_without_names_checks_the_current_branch(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "main: main (pattern 'main')\n"
    git(repo, "switch", "-q", "-c", "Develop")
    assert main(["check"]) == 1
    assert "hint: git branch -m Develop develop" in capsys.readouterr().err


def test_check_on_detached_head(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "switch", "-q", "--detach")
    assert main(["check"]) == 0
    assert "HEAD is detached at" in capsys.readouterr().err


def test_check_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert "not inside a git repository; name the branches to check" in capsys.readouterr().err
    assert main(["check", "develop"]) == 0


def test_check_in_a_bare_repository(repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    done = run_branchflow(bare, "check")
    assert (done.returncode, done.stdout) == (0, "main: main (pattern 'main')\n")


def test_check_non_utf8_name(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "branchflow", "check", b"feature/caf\xe9"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1
    assert b"branchflow: feature/caf\\xe9: BF101 branch-name" in done.stderr


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--preset", "ml-team", "explain"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "policy: preset 'ml-team'"
    assert lines[2].split() == [
        "type",
        "names",
        "created",
        "from",
        "merged",
        "into",
        "protected",
        "long-lived",
    ]
    assert lines[3].split() == ["main", "main", "-", "-", "pull-request", "yes"]
    assert lines[6].split() == ["feature", "feature/{slug}", "develop", "develop", "-", "-"]
    assert "tags: v{semver} | {semver} on main branches" in out


def test_explain_says_who_pusher_is(repo: Path) -> None:
    """A policy of personal branches: explain says what {pusher} stands for, and who this
    clone's user is taken to be."""
    from tests.checks.presets import PERSONAL

    (repo / ".branchflow.yaml").write_text(PERSONAL)
    git(repo, "config", "user.email", "Jane.Doe@example.com")
    done = run_branchflow(repo, "explain")
    assert done.returncode == 0, done.stderr
    assert "{pusher}: who pushes. On the server" in done.stdout
    assert "GL_USER, REMOTE_USER, GL_USERNAME, GITEA_PUSHER_NAME" in done.stdout
    assert "jane.doe (from git config user.email)" in done.stdout
    git(repo, "config", "branchflow.user", "jdoe")
    assert "jdoe (from git config branchflow.user)" in run_branchflow(repo, "explain").stdout
    assert "{pusher}" not in run_branchflow(repo, "explain", "--preset", "gitflow").stdout


def test_graph_mermaid_ml_team(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--preset", "ml-team", "--format", "mermaid"]) == 0
    out = capsys.readouterr().out
    edges = [line.strip() for line in out.splitlines() if "->" in line]
    assert edges == [
        "develop -- merge --> test",
        "test -- merge --> release",
        "develop -. branch .-> feature",
        "feature -- merge --> develop",
        "main -. branch .-> hotfix",
        "hotfix -- merge --> release",
        "main -. branch .-> release",
        "release -- merge --> main",
    ]
    assert out.startswith("flowchart LR\n")
    assert "class main,develop,test protected" in out


def test_graph_dot_solo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--preset", "solo", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    edges = [line.strip() for line in out.splitlines() if "->" in line]
    assert edges == [
        '"dev" -> "test" [label="merge"];',
        '"test" -> "prod" [label="merge"];',
    ]
    assert out.startswith("digraph branchflow {")


def test_graph_ids_are_safe_for_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--preset", "trunk"]) == 0
    assert "short_lived -- merge --> main" in capsys.readouterr().out


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "branchflow policy"
    assert set(schema["properties"]) == {
        "extends",
        "placeholders",
        "branches",
        "exempt",
        "tags",
        "rules",
        "stale_after_days",
        "forks",
    }


def test_init_writes_a_starter_and_refuses_to_overwrite(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--preset", "ml-team"]) == 0
    out = capsys.readouterr().out
    policy = repo / ".branchflow.yaml"
    assert f"wrote {policy} (extends the 'ml-team' preset)" in out
    assert "      - id: branchflow  " in out
    assert f"    rev: v{__version__}  " in out
    assert "extends: ml-team\n" in policy.read_text()
    assert main(["explain"]) == 0
    assert capsys.readouterr().out.startswith("policy: .branchflow.yaml extends preset 'ml-team'")
    before = policy.read_text()
    assert main(["init"]) == 2
    assert "already exists; init does not overwrite it" in capsys.readouterr().err
    assert policy.read_text() == before


def readme_block(opening: str) -> str:
    """The README's fenced block that begins with ``opening``, without its fences."""
    from tests.conftest import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text()
    start = readme.index(opening) + len(opening.partition("\n")[0]) + 1
    return readme[start : readme.index("```", start)]


def test_init_prints_the_readmes_pre_commit_setup(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = readme_block("```yaml\n# .pre-commit-config.yaml\n")
    steps = readme_block("```sh\npre-commit install")
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert config in out
    assert steps in out
    assert "branchflow install" in steps


def test_the_pre_commit_setup_names_every_hook_and_stage() -> None:
    import yaml

    from tests.conftest import PROJECT_ROOT

    manifest = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load(readme_block("```yaml\n# .pre-commit-config.yaml\n"))
    (entry,) = config["repos"]
    assert [h["id"] for h in entry["hooks"]] == [h["id"] for h in manifest]
    stages = {stage for hook in manifest for stage in hook["stages"]}
    assert set(config["default_install_hook_types"]) == stages


def test_init_refuses_when_another_policy_file_exists(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".branchflow.toml").write_text('extends = "solo"\n')
    assert main(["init"]) == 2
    assert not (repo / ".branchflow.yaml").exists()


def test_init_unknown_preset(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--preset", "mlteam"]) == 2
    assert "did you mean 'ml-team'?" in capsys.readouterr().err
    assert not (repo / ".branchflow.yaml").exists()


def test_rules_and_presets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert (
        "| BF201 | `protected-commit` | no direct commits on a protected branch | error | yes |"
    ) in capsys.readouterr().out
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("conventional  Conventional Branch 1.0.0")
    assert len(out.splitlines()) == 7


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "png"]) == 2
    assert "invalid choice: 'png'" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main(["hook", "pre-frobnicate"]) == 2
    assert "hook: expected one of pre-commit" in capsys.readouterr().err
    assert main(["hook", "pre-commit", "--config"]) == 2


def test_version_and_help(tmp_path: Path) -> None:
    done = run_branchflow(tmp_path, "--version")
    assert (done.returncode, done.stdout) == (0, f"branchflow {__version__}\n")
    done = run_branchflow(tmp_path)
    assert done.returncode == 0
    assert "check" in done.stdout
    assert "graph" in done.stdout


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "branchflow", "check", "develop"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "develop: develop (pattern 'develop')\n")


def test_a_bug_becomes_exit_3_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from branchflow.commands import explain

    def broken(*_: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(explain, "explain", broken)
    assert main(["explain"]) == 3
    err = capsys.readouterr().err
    assert "branchflow: internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


def test_check_all_branches_local_and_remote(repo: Path, tmp_path: Path) -> None:
    git(repo, "branch", "feature/local-ok")
    git(repo, "branch", "Bad_One")
    git(repo, "branch", "Bad_Two")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "branch", "develop")
    done = run_branchflow(clone, "check", "--all")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "develop: develop (pattern 'develop')",
        "main: main (pattern 'main')",
        "feature/local-ok: feature (pattern 'feature/{slug}')",
    ]
    assert "branchflow: Bad_One: BF101" in done.stderr
    assert "branchflow: Bad_Two: BF101" in done.stderr
    assert done.stderr.count("allowed names:") == 1


def test_a_branch_only_on_the_remote_is_renamed_there(repo: Path, tmp_path: Path) -> None:
    """The hint for a remote-only branch renames it on the remote; run as given, it works."""
    git(repo, "branch", "Feature/Model_Tuning")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(bare), str(clone))
    done = run_branchflow(clone, "check", "--all")
    hint = next(
        line.split("hint: ", 1)[1]
        for line in done.stderr.splitlines()
        if "hint: " in line and "Model_Tuning" in line
    )
    assert hint == (
        "git push origin origin/Feature/Model_Tuning:refs/heads/feature/model-tuning "
        "&& git push origin --delete Feature/Model_Tuning"
    )
    subprocess.run(hint, shell=True, cwd=clone, check=True, capture_output=True)
    remote = git(bare, "for-each-ref", "--format=%(refname)", "refs/heads").stdout.split()
    assert "refs/heads/feature/model-tuning" in remote
    assert "refs/heads/Feature/Model_Tuning" not in remote
    git(repo, "branch", "Bad_Local")
    local = run_branchflow(repo, "check", "--all")
    assert "hint: git branch -m Bad_Local " in local.stderr


def test_readme_rule_table_is_current() -> None:
    from branchflow.commands.rules import rules_table
    from tests.conftest import PROJECT_ROOT

    assert rules_table() in (PROJECT_ROOT / "README.md").read_text()


def test_readme_policy_example_loads(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text()
    start = readme.index("```yaml\n# .branchflow.yaml\n") + len("```yaml\n")
    (repo / ".branchflow.yaml").write_text(readme[start : readme.index("```", start)])
    assert main(["check", "exp/ml/jdoe/lr-sweep", "feature/ABC-1-login"]) == 0
    assert main(["check", "support/1.x"]) == 1
