"""Work that grows with the number of refs: `check --all` over 20,000 branches, and the
server's pre-receive for 3,000 new branches pushed into a repository of 8,000 and for
one push of 5,000 refs, and a push of 2,000 long names every one of which is refused
(each gets its reason). Targets (README, Speed): 5 s, 5 s, 3 s and 3 s; peak memory
printed.

Each branch is a feature branch of one commit on develop of a 10,000-commit Git Flow
history, made with git fast-import (under refs/bench/ when a push is to bring it: its
objects are present, as in pre-receive's quarantine).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

from common import BIN, bench_env, fast_import, measure
from synthetic import build

WORK = Path(__file__).resolve().parent / ".work"
ZERO = "0" * 40


def add_branches(repo: Path, prefix: str, count: int, env: dict[str, str]) -> list[str]:
    """``count`` refs ``<prefix>NNNNN``, each one commit on develop; their commit ids."""
    stream = []
    for n in range(count):
        message = f"work {n}\n"
        stream.append(
            f"commit {prefix}{n:05d}\n"
            f"committer Bench <bench@example.com> {1_800_000_000 + n} +0000\n"
            f"data {len(message)}\n{message}"
            f"from refs/heads/develop\n"
            f"M 100644 inline bench/{n % 97}.txt\ndata 6\n{n:05d}\n\n"
        )
    fast_import(repo, stream, env)
    listed = subprocess.run(
        ["git", "for-each-ref", "--format=%(objectname) %(refname)", f"{prefix}*"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split("\n")
    tips = dict(reversed(line.split(" ", 1)) for line in listed if line)
    return [tips[f"{prefix}{n:05d}"] for n in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    env = bench_env(WORK / "scale-cache")
    source = build(WORK / "gitflow-10000-100", 10_000, 100)

    rows = []
    # check --all on 20,000 branches (a clone: every branch local)
    clone = WORK / "scale-20000"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True, env=env)
    subprocess.run(["git", "switch", "-q", "develop"], cwd=clone, check=True, env=env)
    add_branches(clone, "refs/heads/feature/many-", 20_000, env)
    results = measure(
        {"check": ([str(BIN / "branchflow"), "check", "--all"], "")},
        clone,
        env,
        args.runs,
        accept_failure=True,
    )
    rows.append(("check --all, 20,000 branches", *results["check"], 5.0))

    # the server: 8,000 branches, then 3,000 new ones in one push; and a 5,000-ref push
    bare = WORK / "scale-server.git"
    shutil.rmtree(bare, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True, env=env)
    add_branches(bare, "refs/heads/feature/held-", 8_000, env)
    new = add_branches(bare, "refs/bench/new-", 5_000, env)
    hook_env = {**env, "GIT_DIR": ".", "BRANCHFLOW_TIME_LIMIT": "0"}
    pushes = {
        str(count): (
            [str(BIN / "branchflow"), "pre-receive"],
            "".join(
                f"{ZERO} {tip} refs/heads/feature/pushed-{n:05d}\n"
                for n, tip in enumerate(new[:count])
            ),
        )
        for count in (3_000, 5_000)
    }
    # 2,000 refused refs with long names of no type: each one gets a reason and a
    # suggestion worked out; the time limit must never be what refuses them.
    refused = {
        "refused": (
            [str(BIN / "branchflow"), "pre-receive"],
            "".join(
                f"{ZERO} {tip} refs/heads/Feature/{'Ab_' * 80}{n:05d}\n"
                for n, tip in enumerate(new[:2_000])
            ),
        )
    }
    results = measure(pushes, bare, hook_env, args.runs)
    rows.append(("pre-receive, 3,000 new branches into 8,000", *results["3000"], 5.0))
    rows.append(("pre-receive, a 5,000-ref push into 8,000", *results["5000"], 3.0))
    results = measure(refused, bare, hook_env, args.runs, accept_failure=True)
    rows.append(("pre-receive, 2,000 refused 250-byte names", *results["refused"], 3.0))

    print(f"median of {args.runs} run(s) each")
    print(f"{'work':<44} {'time':>9} {'target':>8} {'peak memory':>12}")
    for what, ms, kib, target in rows:
        verdict = "ok" if ms / 1000 <= target else "OVER"
        print(f"{what:<44} {ms / 1000:>7.2f} s {target:>6.1f} s {kib / 1024:>8.0f} MiB  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
