"""`init --from-history` on real histories: the policy it fits to nvie/gitflow and
gitflow-avh leaves, in their audits, exactly the problems a maintainer would call real
(tests/team/corpus_problems.py): none missed, none made up."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import BRANCHFLOW, PROJECT_ROOT, git
from tests.team.corpus_problems import REAL_PROBLEMS

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"no corpus of real histories at {CORPUS} (CI has one there)"
)


def branchflow(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BRANCHFLOW, *args],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BRANCHFLOW_NO_CACHE": "1"},
    )


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, str]]:
    """Each bundle cloned, and `init --from-history` run in it once."""
    done: dict[str, tuple[Path, str]] = {}

    def fit(bundle: str) -> tuple[Path, str]:
        if bundle not in done:
            path = tmp_path_factory.mktemp("corpus") / bundle
            git(path.parent, "clone", "-q", str(CORPUS / f"{bundle}.bundle"), str(path))
            ran = branchflow(path, "init", "--from-history")
            assert ran.returncode == 0, ran.stderr
            done[bundle] = (path, ran.stdout)
        return done[bundle]

    return fit


@pytest.mark.parametrize("bundle", sorted(REAL_PROBLEMS))
def test_the_fitted_policy_finds_exactly_the_real_problems(
    bundle: str, fitted: Callable[[str], tuple[Path, str]]
) -> None:
    path, _ = fitted(bundle)
    ran = branchflow(path, "audit", "--format", "json", "--stale-days", "0")
    assert ran.returncode in (0, 1), ran.stderr
    found = {
        (v["rule"], v["ref"], v["on"], v["fingerprint"].rsplit(":", 1)[1][:12])
        for v in json.loads(ran.stdout)["violations"]
    }
    real = REAL_PROBLEMS[bundle]
    assert found - real == set(), "reported, but no real problem"
    assert real - found == set(), "real, but not reported"


@pytest.mark.parametrize("bundle", sorted(REAL_PROBLEMS))
def test_each_choice_says_what_supports_it(
    bundle: str, fitted: Callable[[str], tuple[Path, str]]
) -> None:
    path, said = fitted(bundle)
    policy = (path / ".branchflow.yaml").read_text()
    assert policy.count("\n    # ") + policy.count("\n  # ") >= 3  # the evidence, as comments
    assert "release/{version}" in policy
    assert "'{version}'" in policy  # tags 0.1, 0.2
    assert "protected: false" in policy  # develop takes version bumps and fixes directly
    assert "develop: protected: " in said
    assert "of the" in said
    assert "with this policy, `branchflow audit` finds" in said.splitlines()[-1]


def test_the_underscored_feature_names_of_gitflow_avh_are_a_template(
    fitted: Callable[[str], tuple[Path, str]],
) -> None:
    path, said = fitted("gitflow-avh")
    policy = (path / ".branchflow.yaml").read_text()
    assert "'feature/{words}'" in policy
    assert "feature: pattern: 26 like feature/x_y" in said
    assert "seen, but not made edges" in said


def test_init_from_history_never_overwrites(
    fitted: Callable[[str], tuple[Path, str]],
) -> None:
    path, _ = fitted("nvie-gitflow")
    before = (path / ".branchflow.yaml").read_text()
    again = branchflow(path, "init", "--from-history")
    assert again.returncode == 2
    assert "already exists; init does not overwrite it" in again.stderr
    assert (path / ".branchflow.yaml").read_text() == before
