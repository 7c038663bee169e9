"""The server's pre-receive hook: its cost per push, on two sizes of history.

For each synthetic Git Flow repository (10,000 commits / 100 branches and
100,000 commits / 1,000 branches) as a bare server repository, a push of one
new feature branch is judged by `branchflow pre-receive`, run as git runs it
(GIT_DIR, the `<old> <new> <ref>` line on stdin), with 10 and with 100 new
commits cut at develop's tip, and with 11 cut where develop and main last met (where the
last release ended, a commit main holds too); and develop moved on by the merge of a
finished feature the server has. The server's quick path (hooks/quick_receive) takes each
of them. The cost should follow the commits a push adds, not the history.

    python bench/bench_server.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, bench_env, fast_import, measure
from synthetic import build

WORK = Path(__file__).resolve().parent / ".work"
ZERO = "0" * 40
SIZES = ((10_000, 100), (100_000, 1_000))
ADDED = (10, 100)
BELOW = 11  # 11 new commits cut where main and develop last met
MERGED = "merged"  # develop moved on by the merge of a feature (refs/heads/feature/bench-done)


def server_with_pushes(
    source: Path, name: str, env: dict[str, str]
) -> tuple[Path, dict[int | str, str], str]:
    """A bare copy of ``source`` holding, under refs/bench/, one feature branch per size in
    ADDED, forked from develop, one of BELOW commits cut where main and develop last met,
    and develop with a finished feature merged (their objects present, as in pre-receive's
    quarantine; the feature itself a branch of the server); and develop's commit."""
    bare = WORK / f"{name}.git"
    shutil.rmtree(bare, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True, env=env)

    def output(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=bare, capture_output=True, text=True, check=True, env=env
        )
        return done.stdout.strip()

    def commit(ref: str, n: int, message: str, merge: str = "") -> str:
        """A commit on ``ref`` that sets bench/file-<n mod 7>.txt to n; ``merge``: the ref
        it merges too."""
        merged = f"merge {merge}\n" if merge else ""
        return (
            f"commit {ref}\ncommitter Bench <bench@example.com> {1_800_000_000 + n} +0000\n"
            f"data {len(message)}\n{message}{merged}"
            f"M 100644 inline bench/file-{n % 7}.txt\ndata 4\n{n:03d}\n\n"
        )

    below = output("merge-base", "refs/heads/main", "refs/heads/develop")
    stream = []
    for count in (*ADDED, BELOW):
        start = below if count == BELOW else "refs/heads/develop"
        stream.append(f"reset refs/bench/push-{count}\nfrom {start}\n\n")
        for n in range(count):
            stream.append(commit(f"refs/bench/push-{count}", n, f"bench work {n}\n"))
    done = "refs/heads/feature/bench-done"
    stream.append(f"reset {done}\nfrom refs/heads/develop\n\n")
    stream.append(commit(done, 0, "finished work\n"))
    # the merge's tree is git's own merge: develop with the feature's one file as it has it
    stream.append(f"reset refs/bench/push-{MERGED}\nfrom refs/heads/develop\n\n")
    merge = "Merge branch 'feature/bench-done' into develop\n"
    stream.append(commit(f"refs/bench/push-{MERGED}", 0, merge, merge=done))
    fast_import(bare, stream, env)
    tips = {key: output("rev-parse", f"refs/bench/push-{key}") for key in (*ADDED, BELOW, MERGED)}
    return bare, tips, output("rev-parse", "refs/heads/develop")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    env = bench_env(WORK / "server-cache")
    print(f"branchflow pre-receive, one branch per push, median of {args.runs} runs")
    print(
        f"{'history':<30} {'10 new commits':>15} {'100 new commits':>16} "
        f"{'cut where main is':>18} {'feature merged':>15}"
    )
    worst = 0.0
    for commits, branches in SIZES:
        source = build(WORK / f"gitflow-{commits}-{branches}", commits, branches)
        bare, tips, develop = server_with_pushes(source, f"server-{commits}", env)
        lines = {
            str(key): (
                f"{develop} {tip} refs/heads/develop\n"
                if key == MERGED
                else f"{ZERO} {tip} refs/heads/feature/bench-push-{key}\n"
            )
            for key, tip in tips.items()
        }
        hook_env = {**env, "GIT_DIR": "."}
        command = [str(BIN / "branchflow"), "pre-receive"]
        results = measure(
            {key: (command, line) for key, line in lines.items()}, bare, hook_env, args.runs
        )
        row = [results[str(key)][0] for key in (*ADDED, BELOW, MERGED)]
        worst = max(worst, row[0], row[2], row[3])
        print(
            f"{f'{commits:,} commits, {branches:,} branches':<30} "
            f"{row[0]:>12.1f} ms {row[1]:>13.1f} ms {row[2]:>15.1f} ms {row[3]:>12.1f} ms"
        )
    print(f"one-branch push to the largest repository: {worst:.1f} ms (target <= 300 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
