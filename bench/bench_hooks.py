"""The local hooks on a large Git Flow repository: pre-push, reference-transaction, pre-commit.

Builds (once, kept under bench/.work/) a synthetic repository with git fast-import:
100,000 commits and 1,000 branches shaped like Git Flow (bench/synthetic.py).
Then, each as a median of repeated runs, in one run beside pre-commit-hooks'
no-commit-to-branch on the same repository:

1. pre-push of one feature branch with 10 new commits (target <= 300 ms);
2. the reference-transaction hook's fast path on a commit to an existing branch
   (target: no slower than no-commit-to-branch);
3. the reference-transaction hook on the creation of a validly named branch, which
   loads the policy and checks the name (target: no slower than no-commit-to-branch);
4. the pre-commit stage on a second commit of an already checked branch
   (target: no slower than no-commit-to-branch).

    python bench/bench_hooks.py [--runs 25] [--commits 100000] [--branches 1000] [--check]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, bench_env, measure
from synthetic import build

WORK = Path(__file__).resolve().parent / ".work"
ZERO = "0" * 40


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=1_000)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    source = WORK / f"gitflow-{args.commits}-{args.branches}"
    started = time.perf_counter()
    build(source, args.commits, args.branches)
    built = time.perf_counter() - started
    repo = WORK / "bench-hooks"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(source, repo, symlinks=True)

    cache = WORK / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = bench_env(cache)
    branchflow = str(BIN / "branchflow")
    subprocess.run([branchflow, "install"], cwd=repo, env=env, check=True, capture_output=True)

    git(repo, env, "switch", "-q", "-c", "feature/bench-push", "develop")
    for n in range(10):
        git(repo, env, "commit", "-q", "--no-verify", "--allow-empty", "-m", f"work {n}")
    tip = git(repo, env, "rev-parse", "HEAD")
    push_line = f"refs/heads/feature/bench-push {tip} refs/heads/feature/bench-push {ZERO}\n"
    # The same branch with no reflog, as if fetched from a colleague: the graph must decide.
    git(repo, env, "-c", "core.logAllRefUpdates=false", "branch", "feature/bench-graph", tip)
    graph_line = push_line.replace("feature/bench-push", "feature/bench-graph")
    old = git(repo, env, "rev-parse", "HEAD~1")
    commit_line = f"{old} {tip} refs/heads/feature/bench-push\n"
    create_line = f"{ZERO} {tip} refs/heads/feature/bench-created\n"
    hook = str(repo / ".git" / "hooks" / "reference-transaction")

    results = measure(
        {
            "floor": ([str(BIN / "python"), "-c", "pass"], ""),
            "peer": ([str(BIN / "no-commit-to-branch")], ""),
            "pre-push": ([branchflow, "hook", "pre-push", "origin", "x"], push_line),
            "pre-push-graph": ([branchflow, "hook", "pre-push", "origin", "x"], graph_line),
            "reference-transaction": (["sh", hook, "prepared"], commit_line),
            "branch-created": (["sh", hook, "prepared"], create_line),
            "pre-commit": ([branchflow, "hook", "pre-commit"], ""),
        },
        repo,
        env,
        args.runs,
    )
    commits = git(repo, env, "rev-list", "--count", "--all")
    branches = len(git(repo, env, "for-each-ref", "refs/heads").splitlines())
    floor, peer = results["floor"][0], results["peer"][0]
    push_ms, push_rss = results["pre-push"]
    graph_ms, graph_rss = results["pre-push-graph"]
    ref_ms = results["reference-transaction"][0]
    created_ms = results["branch-created"][0]
    commit_ms = results["pre-commit"][0]
    how = f"built in {built:.1f}s" if built > 1 else "reused from bench/.work"
    print(f"repository: {commits} commits, {branches} branches ({how})")
    print(f"median of {args.runs} runs each, interleaved")
    print(f"  python -c pass (floor)                         {floor:7.1f} ms")
    print(f"  no-commit-to-branch (pre-commit-hooks)         {peer:7.1f} ms")
    print(
        f"  pre-push, feature + 10 commits (reflog base)   {push_ms:7.1f} ms  "
        f"peak {push_rss / 1024:.0f} MiB  (target <= 300 ms)"
    )
    print(
        f"  pre-push, same branch, no reflog (graph base)  {graph_ms:7.1f} ms  "
        f"peak {graph_rss / 1024:.0f} MiB"
    )
    print(
        f"  reference-transaction on a commit              {ref_ms:7.1f} ms  "
        f"ratio {ref_ms / peer:.2f} to no-commit-to-branch (target <= 1.00)"
    )
    print(
        f"  reference-transaction, valid branch created    {created_ms:7.1f} ms  "
        f"ratio {created_ms / peer:.2f} to no-commit-to-branch (target <= 1.00)"
    )
    print(
        f"  pre-commit, second commit on checked branch    {commit_ms:7.1f} ms  "
        f"ratio {commit_ms / peer:.2f} to no-commit-to-branch (target <= 1.00)"
    )
    missed = push_ms > 300 or ref_ms > peer or created_ms > peer or commit_ms > peer
    if args.check and missed:
        print("FAIL: a target was missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
