"""Rule severities from the policy (error, warn, off; per type) and the experiment-docs rule."""

from __future__ import annotations

from pathlib import Path

from branchflow.cli import main
from tests.conftest import commit, git, install_native_hook
from tests.hooks.test_flow import push, work


def policy(repo: Path, text: str) -> None:
    (repo / ".branchflow.yaml").write_text(text)


def test_a_rule_set_to_warn_reports_without_blocking(flow_repo: Path) -> None:
    policy(flow_repo, "extends: gitflow\nrules:\n  BF301: warn\n")
    git(flow_repo, "switch", "-q", "-c", "hotfix/x", "develop")
    done = work(flow_repo, "fix")
    assert done.returncode == 0
    assert "branchflow: hotfix/x: BF301 branch-base (warning): hotfix/x was created from" in (
        done.stderr
    )


def test_a_rule_turned_off_for_one_type(flow_repo: Path) -> None:
    policy(
        flow_repo,
        "extends: gitflow\nbranches:\n  feature:\n    rules:\n      branch-base: 'off'\n",
    )
    git(flow_repo, "switch", "-q", "-c", "feature/from-main", "main")
    done = work(flow_repo, "feature work")
    assert (done.returncode, "BF301" in done.stderr) == (0, False)
    git(flow_repo, "switch", "-q", "-c", "hotfix/from-develop", "develop")
    assert work(flow_repo, "hot").returncode != 0  # other types keep the rule


def test_unknown_and_misplaced_rule_settings(tmp_path: Path, capsys: object) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "extends: gitflow\nrules:\n  branch-bse: warn\nbranches:\n  feature:\n"
        "    rules:\n      BF101: 'off'\n"
    )
    assert main(["--config", str(path), "check", "main"]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "rules.branch-bse: no rule is called 'branch-bse'; did you mean 'branch-base'?" in err
    assert (
        "branches.feature.rules.BF101: BF101 branch-name applies to the whole policy; set it "
        "in the top-level 'rules:'"
    ) in err


def test_severity_values_are_checked(tmp_path: Path, capsys: object) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("extends: gitflow\nrules:\n  BF301: maybe\n")
    assert main(["--config", str(path), "check", "main"]) == 2
    assert "rules.BF301: input should be 'error', 'warn' or 'off'" in (
        capsys.readouterr().err  # type: ignore[attr-defined]
    )


def ml_team(repo: Path) -> None:
    policy(repo, "extends: ml-team\n")
    git(repo, "add", ".branchflow.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "policy")


def test_experiments_undocumented_warns_at_merge(flow_repo: Path) -> None:
    ml_team(flow_repo)
    git(flow_repo, "switch", "-q", "-c", "feature/lr-sweep", "develop")
    assert work(flow_repo, "sweep").returncode == 0
    git(flow_repo, "switch", "-q", "develop")
    merged = git(flow_repo, "merge", "--no-ff", "--no-edit", "feature/lr-sweep", check=False)
    assert merged.returncode == 0
    assert (
        "branchflow: feature/lr-sweep: BF601 experiment-docs (warning): feature/lr-sweep changes "
        "none of experiments/**, docs/experiments/**, EXPERIMENTS.md; feature branches record "
        "their experiments and results there before they are merged"
    ) in merged.stderr
    assert "hint: commit a write-up on the branch, e.g. experiments/lr-sweep.md" in merged.stderr


def test_documented_experiment_merges_quietly(flow_repo: Path) -> None:
    ml_team(flow_repo)
    git(flow_repo, "switch", "-q", "-c", "feature/lr-sweep", "develop")
    (flow_repo / "experiments").mkdir()
    (flow_repo / "experiments" / "lr-sweep.md").write_text("lr 3e-4 wins\n")
    git(flow_repo, "add", "experiments")
    assert git(flow_repo, "commit", "-m", "results", check=False).returncode == 0
    git(flow_repo, "switch", "-q", "develop")
    merged = git(flow_repo, "merge", "--no-ff", "--no-edit", "feature/lr-sweep", check=False)
    assert merged.returncode == 0
    assert "BF601" not in merged.stderr


def test_experiment_docs_as_an_error_blocks_the_push(flow_repo: Path) -> None:
    policy(
        flow_repo,
        "extends: ml-team\nbranches:\n  feature:\n    rules:\n      experiment-docs: error\n",
    )
    git(flow_repo, "add", ".branchflow.yaml")
    git(flow_repo, "commit", "-q", "--no-verify", "-m", "policy")
    git(flow_repo, "switch", "-q", "-c", "feature/undocumented", "develop")
    commit(flow_repo, "code only")
    pushed = push(flow_repo, "feature/undocumented")
    assert pushed.returncode != 0
    assert "BF601 experiment-docs: feature/undocumented changes none of" in pushed.stderr
    assert "before they are pushed for merge" in pushed.stderr


def test_pull_request_protection_refuses_any_push(flow_repo: Path) -> None:
    ml_team(flow_repo)
    pushed = push(flow_repo, "develop")
    assert pushed.returncode != 0
    assert (
        "branchflow: develop: BF204 pull-request-only: develop is protected: changes reach it "
        "only through pull requests on the server, never by a push"
    ) in pushed.stderr
    assert (
        "hint: git switch -c feature/my-change develop && git branch -f develop origin/develop "
        "&& git push -u origin feature/my-change  # then open a pull request from "
        "feature/my-change into develop\n" in pushed.stderr
    )


def test_shallow_base_is_a_warning(shallow_feature: Path) -> None:
    git(shallow_feature, "switch", "-q", "feature/deep")
    install_native_hook(shallow_feature)
    done = work(shallow_feature, "more")
    assert done.returncode == 0
    assert (
        "branchflow: feature/deep: BF302 base-unknown (warning): cannot tell where feature/deep "
        "was created from: this clone is shallow\n  hint: git fetch --unshallow"
    ) in done.stderr
