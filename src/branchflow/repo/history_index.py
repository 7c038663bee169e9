"""One pass over a repository's history that answers base questions for every branch at once.

The hooks ask about one branch and use merge bases; an audit asks about a
thousand, so it walks each long-lived branch's history once, keeps which
commits each contains (and which are on its own first-parent line), and then
needs only a few steps down each topic branch. The evidence it gives follows
the same rules as ``repo.base`` (see there).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable

import pygit2

from branchflow.repo.base import WALK_LIMIT, BaseEvidence, fork_evidence, shared_evidence
from branchflow.repo.history import commit_at
from branchflow.repo.inspect import GIT_ENV, BranchTip


def _rev_lists(cwd: str, jobs: dict[str, list[str]]) -> dict[str, set[str]]:
    """``git rev-list ARGS`` for several jobs, run side by side; git walks a large history
    several times faster than creating a Python object per commit would."""
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV}
    running = {
        key: subprocess.Popen(
            ["git", "rev-list", *args, "--"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for key, args in jobs.items()
    }
    found = {}
    for key, proc in running.items():
        out, _ = proc.communicate()
        found[key] = set(out.decode("ascii", "replace").split()) if proc.returncode == 0 else set()
    return found


class Reach:
    """The commits a branch holds, as everything minus what it lacks."""

    __slots__ = ("every", "lacks")

    def __init__(self, every: set[str], lacks: set[str]) -> None:
        self.every = every
        self.lacks = lacks

    def __contains__(self, commit: object) -> bool:
        return commit in self.every and commit not in self.lacks


class HistoryIndex:
    def __init__(
        self,
        repo: pygit2.Repository,
        cwd: str,
        tips: list[BranchTip],
        is_long_lived: Callable[[str], bool],
        progress: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.repo = repo
        by_name: dict[str, set[str]] = {}
        for tip in tips:
            if is_long_lived(tip.name):
                by_name.setdefault(tip.name, set()).add(tip.target)
        progress("walking the long-lived branches")
        # One full walk of everything the long-lived branches hold, then for each of them the
        # (usually few) commits the others hold and it does not: cheaper than a full walk each.
        every = sorted({t for targets in by_name.values() for t in targets})
        jobs = {"union": every}
        for name, targets in by_name.items():
            others = sorted(set(every) - targets)
            if others:
                jobs[f"lacks {name}"] = [*others, "--not", *sorted(targets)]
            jobs[f"first-parent {name}"] = ["--first-parent", *sorted(targets)]
        walked = _rev_lists(cwd, jobs)
        self.any_long_lived: set[str] = walked["union"]
        self.contains = {
            name: Reach(self.any_long_lived, walked.get(f"lacks {name}", set())) for name in by_name
        }
        self.first_parent = {name: walked[f"first-parent {name}"] for name in by_name}
        self.topic_tips: dict[str, set[str]] = {}
        self.owners: dict[str, set[str]] = {}
        progress("walking topic branches")
        for tip in tips:
            if is_long_lived(tip.name):
                continue
            self.topic_tips.setdefault(tip.target, set()).add(tip.name)
            for commit in self._own_commits(tip.target):
                self.owners.setdefault(commit, set()).add(tip.name)

    def names_containing(self, commit_id: str) -> list[str]:
        """The long-lived branches whose history holds the commit."""
        return sorted(name for name, commits in self.contains.items() if commit_id in commits)

    def _own_commits(self, tip: str) -> list[str]:
        """The branch's commits no long-lived branch contains (its whole own line)."""
        out: list[str] = []
        stack = [tip]
        seen: set[str] = set()
        while stack and len(out) < WALK_LIMIT:
            current = stack.pop()
            if current in seen or current in self.any_long_lived:
                continue
            seen.add(current)
            commit = commit_at(self.repo, current)
            if commit is None:
                continue
            out.append(current)
            stack.extend(str(p) for p in commit.parent_ids)
        return out

    def evidence(self, branch: str, tip: str) -> BaseEvidence:
        chain: list[str] = []
        current: str | None = tip
        shallow = False
        while current is not None and len(chain) < WALK_LIMIT:
            chain.append(current)
            depth = len(chain) - 1
            long_lived = sorted(
                n for n, commits in self.contains.items() if n != branch and current in commits
            )
            topics = sorted(self.topic_tips.get(current, set()) - {branch}) if depth else []
            if long_lived or topics:
                return self._decide(branch, chain, long_lived, topics)
            commit = commit_at(self.repo, current)
            if commit is None:
                shallow = True
                break
            parents = commit.parent_ids
            current = str(parents[0]) if parents else None
        if shallow or self.repo.is_shallow:
            return BaseEvidence((), "shallow", "the clone is shallow: the fork point is not here")
        return BaseEvidence((), "none", f"no other branch shares history with {branch}")

    def _decide(
        self, branch: str, chain: list[str], long_lived: list[str], topics: list[str]
    ) -> BaseEvidence:
        fork = chain[-1]
        depth = len(chain) - 1
        own_tip = chain[0]
        # A topic branch that owns commits of ours above the fork, but not our tip: we came
        # from it (if it owned our tip too, it came from us).
        moved: dict[int, set[str]] = {}
        for d, commit in enumerate(chain[1:-1], start=1):
            others = self.owners.get(commit, set()) - {branch} - self.owners.get(own_tip, set())
            if others:
                moved.setdefault(d, set()).update(others)
        if moved:
            closest = min(moved)
            return shared_evidence(sorted(moved[closest]), closest)
        if long_lived:
            preferred = [n for n in long_lived if fork in self.first_parent.get(n, set())]
            names = preferred or long_lived
        else:
            names = topics
        return fork_evidence(branch, names, fork, depth)
