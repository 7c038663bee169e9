"""A Git Flow repository grown with git's own porcelain, irregularities included.

Where bench/synthetic.py writes a perfect history with fast-import, this one is
made the way a team makes one: `git switch -c`, edits of real files, `git
commit`, merges with conflicts resolved by hand, pull-request merge messages,
annotated tags (some without the v), releases fast-forwarded into main when
they can be, hotfixes, the odd direct commit, branches deleted after merging
and some left behind. No real-world repository is reachable from this machine;
this is the closest honest stand-in.

    python bench/realistic.py PATH [--features 120]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
from pathlib import Path

FORMAT = 1


class Team:
    """Drives git in one repository with a moving clock, as a team would."""

    def __init__(self, path: Path, seed: int) -> None:
        self.path = path
        self.rng = random.Random(seed)
        self.clock = 1_600_000_000
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Dev",
            "GIT_AUTHOR_EMAIL": "dev@example.com",
            "GIT_COMMITTER_NAME": "Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.com",
        }

    def git(self, *args: str, check: bool = True) -> str:
        self.clock += self.rng.randint(600, 7200)
        stamp = f"{self.clock} +0000"
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**self.env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise SystemExit(f"git {' '.join(args)}: {done.stderr}")
        return done.stdout

    def edit(self, name: str, line: str) -> None:
        file = self.path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        lines = file.read_text().splitlines() if file.exists() else []
        lines.insert(self.rng.randint(0, len(lines)), line)
        file.write_text("\n".join(lines) + "\n")
        self.git("add", name)

    def work(self, branch: str, steps: int) -> None:
        for step in range(steps):
            module = self.rng.choice(["model", "data", "train", "serve"])
            self.edit(f"src/{module}.py", f"# {branch} {step}")
            self.git("commit", "-q", "-m", f"{branch}: step {step}")

    def merge(self, source: str, message: str, *, ff: bool = False) -> None:
        how = ["--ff"] if ff else ["--no-ff", "-m", message]
        self.git("merge", "-q", *how, source, check=False)
        if (self.path / ".git" / "MERGE_HEAD").exists():  # a conflict: resolved by hand
            for name in self.git("diff", "--name-only", "--diff-filter=U").split():
                text = (self.path / name).read_text().splitlines()
                kept = [ln for ln in text if not ln.startswith(("<<<", "===", ">>>"))]
                (self.path / name).write_text("\n".join(kept) + "\n")
                self.git("add", name)
            self.git("commit", "-q", "--no-edit")

    def feature(self, n: int) -> None:
        verb = self.rng.choice(["add", "fix", "tune", "try"])
        noun = self.rng.choice(["loader", "metrics", "cache", "api", "lr"])
        name = f"feature/{verb}-{noun}-{n}"
        self.git("switch", "-q", "-c", name, "develop")
        self.work(name, self.rng.randint(1, 6))
        self.git("switch", "-q", "develop")
        if n % 7 == 0:
            self.merge(name, f"Merge pull request #{n} from team/{name}\n\n{name}")
        else:
            self.merge(name, f"Merge branch '{name}' into develop")
        if self.rng.random() < 0.8:
            self.git("branch", "-q", "-D", name)

    def release(self, minor: int) -> None:
        release = f"release/v1.{minor}.0"
        self.git("switch", "-q", "-c", release, "develop")
        self.work(release, 2)
        self.git("switch", "-q", "main")
        self.merge(release, f"Merge branch '{release}'", ff=minor % 4 == 0)
        tag = f"v1.{minor}.0" if minor % 5 else f"1.{minor}.0"
        self.git("tag", "-a", "-m", f"Release {tag}", tag)
        self.git("switch", "-q", "develop")
        self.merge(tag, f"Merge tag '{tag}' into develop")
        self.git("branch", "-q", "-D", release)

    def hotfix(self, n: int) -> None:
        hotfix = f"hotfix/urgent-{n}"
        self.git("switch", "-q", "-c", hotfix, "main")
        self.work(hotfix, 1)
        for target in ("main", "develop"):
            self.git("switch", "-q", target)
            self.merge(hotfix, f"Merge branch '{hotfix}' into {target}")
        self.git("branch", "-q", "-D", hotfix)


def build(path: Path, features: int = 120, seed: int = 11) -> Path:
    marker = path / ".git" / f"branchflow-realistic-v{FORMAT}-{features}"
    if marker.exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    team = Team(path, seed)
    team.git("init", "-q", "-b", "main")
    team.edit("README.md", "# model service")
    team.git("commit", "-q", "-m", "Initial commit")
    team.git("branch", "develop")
    for n in range(1, features + 1):
        team.feature(n)
        if n % 15 == 0:
            team.release(n // 15)
        if n % 23 == 0:
            team.hotfix(n)
        if n % 40 == 0:
            team.git("switch", "-q", "develop")
            team.work("develop", 1)  # the odd direct commit
    team.git("switch", "-q", "develop")
    marker.write_text("done\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--features", type=int, default=120)
    args = parser.parse_args()
    build(args.path, args.features)
    count = ["git", "-C", str(args.path), "rev-list", "--count", "--all"]
    print(
        subprocess.run(count, capture_output=True, text=True, check=True).stdout.strip(), "commits"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
