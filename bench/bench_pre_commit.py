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
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed


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
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "BRANCHFLOW_"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed tools run from bytecode
        env.update(
            HOME=str(root / "home"),
            XDG_CACHE_HOME=str(root / "cache"),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_AUTHOR_NAME="bench",
            GIT_AUTHOR_EMAIL="bench@example.com",
            GIT_COMMITTER_NAME="bench",
            GIT_COMMITTER_EMAIL="bench@example.com",
        )
        repo = make_repo(root, env)
        floor = [str(BIN / "python"), "-c", "pass"]
        peer = [str(BIN / "no-commit-to-branch")]
        ours = [str(BIN / "branchflow"), "hook", "pre-commit"]
        for cmd in (floor, peer, ours, ours):  # warm: bytecode, page cache, policy cache
            timed(cmd, repo, env)

        samples: dict[str, list[float]] = {"floor": [], "peer": [], "ours": []}
        for _ in range(args.runs):
            samples["floor"].append(timed(floor, repo, env))
            samples["peer"].append(timed(peer, repo, env))
            samples["ours"].append(timed(ours, repo, env))

        # A branch's first check: the policy comes from the cache, the verdict is new.
        first: list[float] = []
        for n in range(max(5, args.runs // 6)):
            subprocess.run(
                ["git", "switch", "-q", "-c", f"feature/new-{n}", "develop"],
                cwd=repo,
                env=env,
                check=True,
            )
            first.append(timed(ours, repo, env))
        # No cache at all: discovery, YAML, pydantic validation, every import.
        cold: list[float] = []
        for _ in range(max(5, args.runs // 6)):
            shutil.rmtree(root / "cache", ignore_errors=True)
            cold.append(timed(ours, repo, env))

    floor_ms, peer_ms, ours_ms = (median_ms(samples[k]) for k in ("floor", "peer", "ours"))
    ratio = ours_ms / peer_ms
    print(f"pre-commit stage on an already-checked branch, median of {args.runs} runs each")
    print(f"  python -c pass (floor)                  {floor_ms:7.1f} ms")
    print(f"  no-commit-to-branch (pre-commit-hooks)  {peer_ms:7.1f} ms")
    print(f"  branchflow hook pre-commit              {ours_ms:7.1f} ms")
    print(f"  ratio branchflow / no-commit-to-branch  {ratio:7.2f}   (target <= 1.00)")
    print(f"  branchflow above the floor              {ours_ms - floor_ms:7.1f} ms")
    print("for reference")
    print(f"  branchflow, a branch's first check      {median_ms(first):7.1f} ms")
    print(f"  branchflow, no cache (policy validated) {median_ms(cold):7.1f} ms")
    if args.check and ratio > 1.0:
        print("FAIL: branchflow is slower than no-commit-to-branch", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
