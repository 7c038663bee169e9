"""`branchflow audit` beside gitflow-linter 0.1.0 (PyPI, GitPython) on the same repositories.

gitflow-linter is installed from PyPI into its own virtual environment under
bench/.work/. Both tools look at the same clone: a repository pushed to a bare
"origin" and cloned, so every branch is a remote-tracking ref (which is what
gitflow-linter reads) with local main and develop. gitflow-linter gets all nine
of its rules configured for the same Git Flow model; branchflow uses its
default gitflow policy. Repositories:

- the synthetic Git Flow repository (bench/synthetic.py) at sizes both finish,
- a repository grown with git porcelain, merge conflicts and all (bench/realistic.py),
- and branchflow alone on the 100,000-commit, 1,000-branch one (target: <= 5 s).

    python bench/bench_audit.py [--runs 3] [--large-runs 3] [--skip-large]
                                [--realistic-features 1200]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, bench_env, measure
from realistic import build as build_realistic
from synthetic import build as build_synthetic

WORK = Path(__file__).resolve().parent / ".work"
LINTER_SETTINGS = """\
branches:
  master: {master}
  develop: develop
  features: feature
  fixes: bugfix
  releases: release
  hotfixes: hotfix
  others: [support]
rules:
  single_master_and_develop:
  no_old_development_branches:
    max_days_features: 90
  no_orphan_branches:
  master_must_have_tags:
  no_direct_commits_to_protected_branches:
  version_names_follow_convention:
    version_regex: '^v?\\d+\\.\\d+\\.\\d+$'
  dev_branch_names_follow_convention:
    name_regex: '^[a-z0-9][a-z0-9-]*$'
  no_dead_releases:
    deadline_to_close_release: 90
  no_dependant_features:
    max_dependant_branches: 0
"""


def linter() -> Path:
    venv = WORK / "gitflow-linter-venv"
    exe = venv / "bin" / "gitflow-linter"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "gitflow-linter==0.1.0"],
            check=True,
        )
    return exe


def team_clone(source: Path, name: str, master: str = "main") -> Path:
    """``source`` pushed to a bare origin and cloned: every branch remote-tracking."""
    bare = WORK / f"{name}.git"
    clone = WORK / f"{name}-clone"
    for path in (bare, clone):
        shutil.rmtree(path, ignore_errors=True)
    git = ["git", "-c", "advice.detachedHead=false"]
    subprocess.run([*git, "clone", "-q", "--bare", str(source), str(bare)], check=True)
    subprocess.run([*git, "clone", "-q", str(bare), str(clone)], check=True)
    for branch in (master, "develop"):
        subprocess.run(
            ["git", "branch", "-q", branch, f"origin/{branch}"],
            cwd=clone,
            capture_output=True,
            check=False,
        )
    (clone.parent / f"{name}-gitflow-linter.yaml").write_text(LINTER_SETTINGS.format(master=master))
    return clone


def describe(repo: Path) -> str:
    def count(*args: str) -> int:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
        return len(done.stdout.split())

    commits = count("rev-list", "--all")
    branches = count("for-each-ref", "--format=x", "refs/remotes")
    return f"{commits} commits, {branches} branches"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--skip-large",
        action="store_true",
        help="no 100,000-commit runs (gitflow-linter needs about half a minute there)",
    )
    parser.add_argument(
        "--large-runs", type=int, default=1, help="runs on the 100,000-commit repository"
    )
    parser.add_argument(
        "--skip-mid",
        action="store_true",
        help="no 5k/20k/50k synthetic rows (CI: the real history and the largest one only)",
    )
    parser.add_argument(
        "--skip-realistic",
        action="store_true",
        help="no porcelain-grown repository (CI: the real history is the row that matters)",
    )
    parser.add_argument(
        "--realistic-features",
        type=int,
        default=120,
        help="size of the porcelain-grown repository (120: ~600 commits, 1200: ~6,000)",
    )
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    env = bench_env(WORK / "audit-cache")
    exe = str(linter())
    branchflow = str(BIN / "branchflow")
    cases = (
        []
        if args.skip_mid
        else [
            ("synthetic 5k", build_synthetic(WORK / "gitflow-5000-100", 5_000, 100), args.runs),
            ("synthetic 20k", build_synthetic(WORK / "gitflow-20000-300", 20_000, 300), args.runs),
            ("synthetic 50k", build_synthetic(WORK / "gitflow-50000-600", 50_000, 600), args.runs),
        ]
    )
    if not args.skip_realistic:
        realistic = WORK / f"realistic-{args.realistic_features}"
        cases.append(("realistic", build_realistic(realistic, args.realistic_features), args.runs))
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "gitflow-avh.bundle"
    if corpus.is_file():  # a real history: gitflow-avh, 1,184 commits (../shared/corpus)
        cases.append(("gitflow-avh", corpus, args.runs))
    if not args.skip_large:  # gitflow-linter takes half a minute a run here
        large = build_synthetic(WORK / "gitflow-100000-1000", 100_000, 1_000)
        cases.append(("synthetic 100k", large, args.large_runs))
    print(
        f"median of {args.runs} run(s) each ({args.large_runs} on 100k); exit codes ignored "
        "(both report findings)"
    )
    print(f"{'repository':<16} {'size':<30} {'gitflow-linter':>15} {'branchflow':>12} {'ratio':>7}")
    ratios: dict[str, float] = {}
    for label, source, runs in cases:
        master = "master" if label == "gitflow-avh" else "main"
        clone = team_clone(source, label.replace(" ", "-"), master)
        settings = clone.parent / f"{label.replace(' ', '-')}-gitflow-linter.yaml"
        results = measure(
            {
                "linter": ([exe, "-s", str(settings), "-d", str(clone)], ""),
                "ours": ([branchflow, "audit", "--stale-days", "90"], ""),
            },
            clone,
            env,
            runs,
            accept_failure=True,
        )
        theirs, ours = results["linter"][0], results["ours"][0]
        ratios[label] = theirs / ours
        print(
            f"{label:<16} {describe(clone):<30} {theirs / 1000:>13.2f} s {ours / 1000:>10.2f} s "
            f"{theirs / ours:>6.1f}x"
        )
    if "synthetic 100k" in ratios:
        print(
            f"target: >= 50x on the largest history: {ratios['synthetic 100k']:.1f}x "
            f"({'met' if ratios['synthetic 100k'] >= 50 else 'NOT met'}); on small histories "
            "both tools are mostly start-up"
        )
    if "gitflow-avh" in ratios:
        print(f"on a real history (gitflow-avh): {ratios['gitflow-avh']:.1f}x")
    if not args.skip_large:
        clone = team_clone(large, "large")
        results = measure(
            {"ours": ([branchflow, "audit", "--stale-days", "90"], "")},
            clone,
            env,
            args.runs,
            accept_failure=True,
        )
        ms, rss = results["ours"]
        print(
            f"branchflow audit, {describe(clone)}: {ms / 1000:.2f} s median, "
            f"peak {rss / 1024:.0f} MiB (target <= 5 s)"
        )
        fit = f"rm -f .branchflow.yaml && {shlex.quote(branchflow)} init --from-history"
        results = measure(
            {"fit": (["sh", "-c", fit], "")}, clone, env, args.runs, accept_failure=True
        )
        ms, rss = results["fit"]
        (clone / ".branchflow.yaml").unlink(missing_ok=True)
        print(
            f"branchflow init --from-history, {describe(clone)}: {ms / 1000:.2f} s median, "
            f"peak {rss / 1024:.0f} MiB (target <= 2 s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
