"""The server's pre-receive hook: its cost per push, on two sizes of history.

For each synthetic Git Flow repository (10,000 commits / 100 branches and
100,000 commits / 1,000 branches) as a bare server repository, a push of one
new feature branch is judged by `branchflow pre-receive`, run as git runs it
(GIT_DIR, the `<old> <new> <ref>` line on stdin), with 10 and with 100 new
commits cut at develop's tip (the server's quick path takes them: hooks/quick_receive),
and with 11 cut where develop and main last met, a commit main holds too (judged in full,
pygit2 and all). The cost should
follow the commits a push adds, not the history.

    python bench/bench_server.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, bench_env, measure
from synthetic import build

WORK = Path(__file__).resolve().parent / ".work"
ZERO = "0" * 40
SIZES = ((10_000, 100), (100_000, 1_000))
ADDED = (10, 100)
BELOW = 11  # 11 new commits cut where main and develop last met: judged in full


def server_with_pushes(source: Path, name: str, env: dict[str, str]) -> tuple[Path, dict[int, str]]:
    """A bare copy of ``source`` holding, under refs/bench/, one feature branch per size in
    ADDED, forked from develop (their objects present, as in pre-receive's quarantine)."""
    bare = WORK / f"{name}.git"
    shutil.rmtree(bare, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True, env=env)

    def output(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=bare, capture_output=True, text=True, check=True, env=env
        )
        return done.stdout.strip()

    tips = {}
    below = output("merge-base", "refs/heads/main", "refs/heads/develop")
    for count in (*ADDED, BELOW):
        start = below if count == BELOW else "refs/heads/develop"
        stream = [f"reset refs/bench/push-{count}\nfrom {start}\n\n"]
        for n in range(count):
            message = f"bench work {n}\n"
            stream.append(
                f"commit refs/bench/push-{count}\n"
                f"committer Bench <bench@example.com> {1_800_000_000 + n} +0000\n"
                f"data {len(message)}\n{message}"
                f"M 100644 inline bench/file-{n % 7}.txt\ndata 4\n{n:03d}\n\n"
            )
        subprocess.run(
            ["git", "fast-import", "--quiet"],
            cwd=bare,
            input="".join(stream).encode(),
            check=True,
            env=env,
        )
        tips[count] = output("rev-parse", f"refs/bench/push-{count}")
    return bare, tips


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    env = bench_env(WORK / "server-cache")
    print(f"branchflow pre-receive, one new feature branch per push, median of {args.runs} runs")
    print(
        f"{'history':<30} {'10 new commits':>15} {'100 new commits':>16} {'cut where main is':>19}"
    )
    worst = 0.0
    for commits, branches in SIZES:
        source = build(WORK / f"gitflow-{commits}-{branches}", commits, branches)
        bare, tips = server_with_pushes(source, f"server-{commits}", env)
        hook_env = {**env, "GIT_DIR": "."}
        results = measure(
            {
                str(count): (
                    [str(BIN / "branchflow"), "pre-receive"],
                    f"{ZERO} {tip} refs/heads/feature/bench-push-{count}\n",
                )
                for count, tip in tips.items()
            },
            bare,
            hook_env,
            args.runs,
        )
        row = [results[str(count)][0] for count in (*ADDED, BELOW)]
        worst = max(worst, row[0], row[2])
        print(
            f"{f'{commits:,} commits, {branches:,} branches':<30} "
            f"{row[0]:>12.1f} ms {row[1]:>13.1f} ms {row[2]:>16.1f} ms"
        )
    print(f"one-branch push to the largest repository: {worst:.1f} ms (target <= 300 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
