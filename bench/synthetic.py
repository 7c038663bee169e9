"""A synthetic Git Flow repository, built with `git fast-import`.

Features branch from develop and merge back with merge commits; every 40
features a release branches from develop, merges into main (tagged) and back
into develop; every 25 features a hotfix branches from main and merges into
main and develop; every 50 features someone commits straight onto develop.
The newest branches are kept as refs (main, develop, 20 releases, 20 hotfixes,
the rest features, a third of all of them open features not merged yet), and
origin/main, origin/develop are remote-tracking refs, as in a clone.

    python bench/synthetic.py PATH [--commits 100000] [--branches 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

FORMAT = 4  # bump when the history's shape changes, so kept repositories are rebuilt
START = 1_700_000_000
IDENT = "Bench <bench@example.com>"


class Stream:
    """Writes a fast-import stream and counts commits."""

    def __init__(self, out: list[bytes]) -> None:
        self.out = out
        self.mark = 0
        self.commits = 0
        self.clock = START

    def commit(self, message: str, parent: int | None, merge: int | None = None) -> int:
        self.mark += 1
        self.commits += 1
        self.clock += 60
        data = message.encode()
        lines = [
            b"commit refs/heads/_scratch",
            f"mark :{self.mark}".encode(),
            f"committer {IDENT} {self.clock} +0000".encode(),
            f"data {len(data)}".encode(),
            data,
        ]
        if parent is not None:
            lines.append(f"from :{parent}".encode())
        if merge is not None:
            lines.append(f"merge :{merge}".encode())
        body = f"{message}\n".encode()
        path = f"src/module{self.mark % 97}.txt"
        lines.append(f"M 100644 inline {path}".encode())
        lines.append(f"data {len(body)}".encode())
        lines.append(body)
        self.out.append(b"\n".join(lines) + b"\n")
        return self.mark

    def ref(self, name: str, mark: int) -> None:
        self.out.append(f"reset {name}\nfrom :{mark}\n\n".encode())

    def tag(self, name: str, mark: int) -> None:
        message = f"release {name}".encode()
        self.out.append(
            b"\n".join(
                [
                    f"tag {name}".encode(),
                    f"from :{mark}".encode(),
                    f"tagger {IDENT} {self.clock} +0000".encode(),
                    f"data {len(message)}".encode(),
                    message,
                ]
            )
            + b"\n"
        )


def _open_features(
    s: Stream, rng: random.Random, develop: int, n: int, count: int
) -> tuple[list[tuple[str, int]], int, int]:
    """Work in progress: features forked from develop as it moves on, not merged yet."""
    opened = []
    for k in range(count):
        tip = develop
        for c in range(rng.randint(2, 5)):
            tip = s.commit(f"open feature {k}: step {c}", tip)
        opened.append((f"feature/open-{k:04d}", tip))
        n += 1
        done = develop
        for c in range(rng.randint(1, 3)):
            done = s.commit(f"feature {n}: step {c}", done)
        develop = s.commit(f"Merge branch 'feature/f-{n:05d}' into develop", develop, done)
    return opened, develop, n


def gitflow_history(commits: int, branches: int, seed: int = 7) -> Iterator[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    s = Stream(out)
    main = s.commit("initial", None)
    develop = main  # git flow init: develop starts where main is
    features: list[tuple[str, int]] = []
    releases: list[tuple[str, int]] = []
    hotfixes: list[tuple[str, int]] = []
    n = 0
    minor = 0
    while s.commits < commits:
        n += 1
        tip = develop
        for c in range(rng.randint(3, 8)):
            tip = s.commit(f"feature {n}: step {c}", tip)
        name = f"feature/f-{n:05d}"
        develop = s.commit(f"Merge branch '{name}' into develop", develop, tip)
        features.append((name, tip))
        if n % 50 == 0:  # as in real repositories: the odd quick fix straight onto develop
            develop = s.commit(f"quick fix {n} on develop", develop)
        if n % 40 == 0:
            minor += 1
            version = f"1.{minor}.0"
            rel = s.commit(f"Bump version to {version}", develop)
            rel = s.commit(f"Release notes for {version}", rel)
            release = f"release/v{version}"
            main = s.commit(f"Merge branch '{release}'", main, rel)
            s.tag(f"v{version}", main)
            develop = s.commit(f"Merge branch '{release}' into develop", develop, rel)
            releases.append((release, rel))
        if n % 25 == 0:
            fix = s.commit(f"hotfix {n}", main)
            hotfix = f"hotfix/fix-{n:05d}"
            main = s.commit(f"Merge branch '{hotfix}'", main, fix)
            develop = s.commit(f"Merge branch '{hotfix}' into develop", develop, fix)
            hotfixes.append((hotfix, fix))
        if len(out) > 2000:
            yield from out
            out.clear()
    opened, develop, n = _open_features(s, rng, develop, n, max(1, branches // 3))
    kept = releases[-20:] + hotfixes[-20:] + opened
    kept += features[-max(0, branches - 2 - len(kept)) :]
    s.ref("refs/heads/main", main)
    s.ref("refs/heads/develop", develop)
    s.ref("refs/remotes/origin/main", main)
    s.ref("refs/remotes/origin/develop", develop)
    for name, mark in kept:
        s.ref(f"refs/heads/{name}", mark)
    yield from out


def build(path: Path, commits: int, branches: int) -> Path:
    """Create the repository at ``path`` (skipped when a finished one is there)."""
    done_marker = path / ".git" / f"branchflow-bench-done-v{FORMAT}"
    if done_marker.exists():
        return path
    if path.exists():
        subprocess.run(["rm", "-rf", str(path)], check=True)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}

    def git(*args: str, **kw: object) -> None:
        subprocess.run(["git", *args], cwd=path, env=env, check=True, **kw)  # type: ignore[arg-type]

    path.mkdir(parents=True)
    git("init", "-q", "-b", "main")
    git("config", "user.name", "Bench")
    git("config", "user.email", "bench@example.com")
    git("config", "remote.origin.url", str(path.parent / "origin.git"))
    git("config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")
    started = time.perf_counter()
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=path, env=env, stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    for chunk in gitflow_history(commits, branches):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    git("update-ref", "-d", "refs/heads/_scratch")
    git("pack-refs", "--all")
    git("commit-graph", "write", "--reachable")
    git("checkout", "-q", "develop")
    elapsed = time.perf_counter() - started
    done_marker.write_text(f"{commits} {branches} {elapsed:.1f}s\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=1_000)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.path, args.commits, args.branches)
    print(f"built {args.path} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
