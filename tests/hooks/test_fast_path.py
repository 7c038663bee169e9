"""A later commit on an already-checked branch must not import what makes hooks slow.

Not a timing test: it fixes the cause (imports) rather than measuring the effect.
bench/bench_pre_commit.py measures the effect.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import commit, git, run_branchflow

HEAVY = {
    "typing",
    "re",
    "argparse",
    "pydantic",
    "pygit2",
    "yaml",
    "json",
    "pathlib",
    "contextlib",
    "subprocess",
    "difflib",
    "tomllib",
    "collections",
}

PROBE = (
    "import sys\n"
    "from branchflow.cli import main\n"
    "code = main(['hook', 'pre-commit'])\n"
    "print(code, ' '.join(sorted(sys.modules)))\n"
)


def loaded_modules(repo: Path) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo, capture_output=True, text=True, check=True
    )
    code, modules = done.stdout.split(" ", 1)
    return code, set(modules.split())


def startup_modules() -> set[str]:
    """What the interpreter loads anyway (site, sitecustomize): not branchflow's doing."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_checked_branch_imports_nothing_heavy(repo_with_develop: Path) -> None:
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "feature/fast")
    assert run_branchflow(repo, "hook", "pre-commit").returncode == 0  # first check
    code, modules = loaded_modules(repo)
    assert code == "0"
    assert (modules - startup_modules()) & HEAVY == set()


def test_first_check_does_the_full_work(repo_with_develop: Path) -> None:
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "feature/new")
    code, modules = loaded_modules(repo)
    assert code == "0"
    assert {"re", "pydantic", "yaml"} <= modules


def test_without_a_reflog_nothing_is_remembered(repo_with_develop: Path) -> None:
    """Nothing tells a branch created again at a bad base from the one checked before."""
    repo = repo_with_develop
    git(repo, "config", "core.logAllRefUpdates", "false")
    for log in (repo / ".git" / "logs").rglob("*"):
        if log.is_file():
            log.unlink()
    git(repo, "switch", "-q", "-c", "feature/again", "develop")
    assert run_branchflow(repo, "hook", "pre-commit").returncode == 0
    code, modules = loaded_modules(repo)
    assert code == "0"
    assert "branchflow.checks.names" in modules  # judged again, not read from the cache
    git(repo, "switch", "-q", "main")
    git(repo, "branch", "-D", "feature/again")
    commit(repo, "a hotfix's worth on main")
    git(repo, "switch", "-q", "-c", "feature/again", "main")
    again = run_branchflow(repo, "hook", "pre-commit")
    assert again.returncode == 1
    assert "BF301" in again.stderr, again.stderr
