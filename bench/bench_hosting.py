"""A push through real hosting software, with and without branchflow's pre-receive.

gitolite3 over its own sshd and `git http-backend` behind lighttpd (the test suite's own
servers, tests/hosting/servers.py) each serve a copy of the 100,000-commit, 1,000-branch
synthetic Git Flow repository. A clone pushes, over and over, one new feature branch of
one commit: cut at develop's tip, a few commits below it (develop moved on), and where
develop and main last met (where the last release ended, a commit main holds too); and
develop with a finished feature merged (the feature pushed first, untimed). Every other
push has the hook moved aside, so what the hook adds is the difference of the two medians.
Needs root (it makes the servers' users), and installs gitolite3, openssh-server and
lighttpd with apt-get when they are missing.

    python bench/bench_hosting.py [--runs 9] [--commits 100000 --branches 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' servers

from tests.hosting.servers import (
    Gitolite,
    Hosted,
    Server,
    SmartHttp,
    ensure_packages,
    hosted_installation,
    shared_dir,
)

from common import bench_env
from synthetic import build

WORK = Path(__file__).resolve().parent / ".work"
TARGET_MS = 150.0  # what the hook may add to a push


def serve(server: Server, source: Path) -> Hosted:
    """A repository on ``server`` holding every branch of ``source`` (fetched on the
    server's side, no hook run), owned by the server's user."""
    hosted = server.new_repository()

    def git(*args: str) -> None:  # as root, in a repository the server's user owns
        subprocess.run(["git", "-c", "safe.directory=*", "-C", str(hosted.path), *args], check=True)

    git("fetch", "-q", str(source), "+refs/heads/*:refs/heads/*")
    # a commit-graph, as a server's `git gc` or `git maintenance` writes it
    git("commit-graph", "write", "--reachable")
    subprocess.run(["chown", "-R", server.owner, str(hosted.path)], check=True)
    return hosted


def hook_switch(hosted: Hosted) -> tuple[Path, Path]:
    """(where the hook is, where it is put aside)."""
    if hosted.server.kind == "gitolite":
        on = hosted.path / "hooks" / "pre-receive.h00-branchflow"
    else:
        on = hosted.path / "hooks" / "pre-receive"
    return on, hosted.path / f"{on.name}.off"


# What is pushed: a feature cut at develop's tip, as `git switch -c` makes it; a few commits
# below it (develop moved on since); where develop and main last met (a commit main holds
# too, off its own line); and develop, a finished feature merged into it.
CUTS = {
    "feature cut at develop's tip": "origin/develop",
    "feature cut before develop moved on": "origin/develop~3",
    "feature cut where the last release ended": "MERGE-BASE",
    "develop, a feature merged": "MERGE",
}


def push_times(
    hosted: Hosted, client: Path, env: dict[str, str], runs: int, start: str
) -> dict[str, float]:
    on, off = hook_switch(hosted)
    env = {**env, **hosted.env("alice")}
    subprocess.run(
        ["git", "remote", "set-url", "origin", hosted.url("alice")], cwd=client, check=True
    )

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=client, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} ({hosted.server.kind}): {done.stderr}")
        return done.stdout.strip()

    # develop and main as this server has them (another server's runs moved develop on)
    for name in ("develop", "main"):
        git("fetch", "-q", "origin", f"+refs/heads/{name}:refs/remotes/origin/{name}")
    cut = {"origin/develop": "tip", "origin/develop~3": "below", "MERGE": "merged"}.get(
        start, "met"
    )
    if start == "MERGE-BASE":
        start = git("merge-base", "origin/main", "origin/develop")
    times: dict[str, list[float]] = {"without": [], "with": []}
    for n in range(runs + 1):  # the first round warms the caches and is not counted
        for label in ("without", "with"):
            branch = f"feature/bench-{hosted.server.kind}-{cut}-{label}-{n}"
            git("switch", "-q", "-c", branch, "origin/develop" if start == "MERGE" else start)
            (client / "bench.txt").write_text(f"{branch}\n")
            git("add", "bench.txt")
            git("commit", "-q", "-m", branch)
            pushed = branch
            if start == "MERGE":
                git("push", "-q", "origin", branch)  # the finished feature, untimed
                git("switch", "-q", "-C", "develop", "origin/develop")
                git("merge", "-q", "--no-ff", "--no-edit", branch)
                pushed = "develop"
            if label == "without":
                on.rename(off)
            started = time.perf_counter()
            try:
                done = subprocess.run(
                    ["git", "push", "-q", "origin", pushed],
                    cwd=client,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
            finally:
                elapsed = time.perf_counter() - started
                if label == "without":
                    off.rename(on)
            if done.returncode != 0:
                raise SystemExit(f"push to {hosted.server.kind} failed: {done.stderr}")
            if n:
                times[label].append(elapsed * 1000)
    return {label: statistics.median(values) for label, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=1_000)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench_hosting: needs root (the servers run as users of their own)")
    ensure_packages()
    WORK.mkdir(exist_ok=True)
    source = build(WORK / f"gitflow-{args.commits}-{args.branches}", args.commits, args.branches)
    env = bench_env(WORK / "hosting-cache")
    install = shared_dir("bf-bench-install.")
    servers: list[Server] = []
    try:
        program = hosted_installation(install)
        client = WORK / "hosting-client"
        shutil.rmtree(client, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(source), str(client)], env=env, check=True)
        print(
            f"git push of one branch, {args.commits:,} commits and "
            f"{args.branches:,} branches on the server, median of {args.runs} runs"
        )
        print(f"{'server':<66} {'no hook':>9} {'branchflow':>11} {'added':>9}")
        worst = 0.0
        for kind in (Gitolite, SmartHttp):
            server = kind(shared_dir(f"bf-bench-{kind.kind}."), program)
            servers.append(server)
            server.start()
            hosted = serve(server, source)
            name = {"gitolite": "gitolite3 over ssh", "http": "smart HTTP (lighttpd)"}[kind.kind]
            for cut, start in CUTS.items():
                medians = push_times(hosted, client, env, args.runs, start)
                added = medians["with"] - medians["without"]
                worst = max(worst, added)
                print(
                    f"{f'{name}, {cut}':<66} {medians['without']:>6.0f} ms "
                    f"{medians['with']:>8.0f} ms {added:>+6.0f} ms  "
                    f"({medians['with'] / medians['without']:.2f}x)"
                )
        print(f"most the hook adds to a push: {worst:.0f} ms (target <= {TARGET_MS:.0f} ms)")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(install, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
