"""A later commit on an already-checked branch must not import what makes hooks slow.

Not a timing test: it fixes the cause (imports) rather than measuring the effect.
bench/bench_pre_commit.py measures the effect.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import git, run_branchflow

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
