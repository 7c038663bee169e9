"""The pre-commit stage against pre-commit-hooks' no-commit-to-branch, in one run.

Both run directly as console scripts of the same virtual environment, on the same
repository, on a branch branchflow has already checked once (what every commit
after a branch's first one costs). Runs are interleaved so drift hits both alike.
Also shown: the `python -c pass` floor, a branch's first check (the policy is
cached, the branch is new) and a run with no cache at all (the policy validated
from scratch, as after an upgrade or a policy edit).

    python bench/bench_pre_commit.py [--runs 60] [--check]

--check exits 1 when branchflow's median is above no-commit-to-branch's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, bench_env, measure, run_once


def make_repo(root: Path, env: dict[str, str]) -> Path:
    repo = root / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    for n in range(20):
        (repo / f"f{n}.txt").write_text(f"{n}\n")
        git("add", ".")
        git("commit", "-q", "-m", f"commit {n}")
    git("switch", "-q", "-c", "develop")
    git("switch", "-q", "-c", "feature/model-tuning")
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="branchflow-bench-") as tmp:
        root = Path(tmp)
        env = bench_env(root / "cache", home=root / "home")
        repo = make_repo(root, env)
        ours = [str(BIN / "branchflow"), "hook", "pre-commit"]
        results = measure(
            {
                "floor": ([str(BIN / "python"), "-c", "pass"], ""),
                "peer": ([str(BIN / "no-commit-to-branch")], ""),
                "ours": (ours, ""),
            },
            repo,
            env,
            args.runs,
        )
        # A branch's first check: the policy comes from the cache, the verdict is new.
        first: list[float] = []
        for n in range(max(5, args.runs // 6)):
            subprocess.run(
                ["git", "switch", "-q", "-c", f"feature/new-{n}", "develop"],
                cwd=repo,
                env=env,
                check=True,
            )
            first.append(run_once(ours, repo, env)[0])
        # No cache at all: discovery, YAML, pydantic validation, every import.
        cold: list[float] = []
        for _ in range(max(5, args.runs // 6)):
            shutil.rmtree(root / "cache", ignore_errors=True)
            cold.append(run_once(ours, repo, env)[0])

    floor_ms, peer_ms, ours_ms = (results[k][0] for k in ("floor", "peer", "ours"))
    ratio = ours_ms / peer_ms
    print(f"pre-commit stage on an already-checked branch, median of {args.runs} runs each")
    print(f"  python -c pass (floor)                  {floor_ms:7.1f} ms")
    print(f"  no-commit-to-branch (pre-commit-hooks)  {peer_ms:7.1f} ms")
    print(f"  branchflow hook pre-commit              {ours_ms:7.1f} ms")
    print(f"  ratio branchflow / no-commit-to-branch  {ratio:7.2f}   (target <= 1.00)")
    print(f"  branchflow above the floor              {ours_ms - floor_ms:7.1f} ms")
    print("for reference")
    print(f"  branchflow, a branch's first check      {statistics.median(first) * 1000:7.1f} ms")
    print(f"  branchflow, no cache (policy validated) {statistics.median(cold) * 1000:7.1f} ms")
    if args.check and ratio > 1.0:
        print("FAIL: branchflow is slower than no-commit-to-branch", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
