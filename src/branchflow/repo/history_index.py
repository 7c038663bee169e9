"""One pass over a repository's history that answers base questions for every branch at once.

The hooks ask about one branch and use merge bases through pygit2; an audit asks about a
thousand, so it has ``git rev-list`` (which reads the commit-graph file, and runs beside
the audit's other work) walk the history once, in three kinds of job started together:

- *outside*: every commit the topic branches hold that no long-lived branch holds, with
  its parents. Any commit a branch holds is either here or in the history
  of a long-lived branch, so this small set stands for the large one.
- *lacks N*: the commits the other long-lived branches hold and N does not (usually few).
- *first-parent N*: N's own first-parent line, with each commit's first parent.

The evidence it gives follows the same rules as ``repo.fork_point`` (a test holds the two to
the same answers).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from branchflow.errors import RepoError
from branchflow.facts import BaseEvidence, BranchTip
from branchflow.repo.evidence import WALK_LIMIT, fork_evidence, shared_evidence
from branchflow.repo.gitcmd import GitJob, run_git


def _rev_list(
    cwd: str, options: list[str], include: Iterable[str], exclude: Iterable[str] = ()
) -> GitJob:
    """``git rev-list OPTIONS --stdin``: what ``include`` holds and ``exclude`` does not,
    for any number of commits (they go to stdin, not the command line)."""
    text = "".join([*(f"{c}\n" for c in include), *(f"^{c}\n" for c in exclude)])
    return GitJob(["rev-list", *options, "--stdin"], cwd, stdin=text.encode("ascii"))


def _lines(job: GitJob) -> list[list[str]]:
    out = job.result()
    if out is None:
        raise RepoError(f"cannot walk the history: {job.error}")
    return [line.split() for line in out.decode("ascii", "replace").splitlines()]


_PAIR = re.compile(r"^(\S+) ?(\S*)[^\n]*", re.MULTILINE)


def _first_parents(job: GitJob, in_order: bool) -> dict[str, str]:
    """Commit -> first parent ("" for a root), from ``rev-list --first-parent`` output:
    one tip's line in order, or (with ``--parents``) each commit with its parents."""
    out = job.result()
    if out is None:
        raise RepoError(f"cannot walk the history: {job.error}")
    text = out.decode("ascii", "replace")
    if not in_order:
        return dict(_PAIR.findall(text))
    ids = text.split()
    return dict(zip(ids, [*ids[1:], ""], strict=True))


class Reach:
    """The commits a long-lived branch holds: any commit of the repository that is neither
    outside every long-lived branch nor among those the others hold and it lacks."""

    __slots__ = ("lacks", "outside")

    def __init__(self, outside: dict[str, list[str]], lacks: set[str]) -> None:
        self.outside = outside
        self.lacks = lacks

    def __contains__(self, commit: object) -> bool:
        return commit not in self.outside and commit not in self.lacks


class HistoryIndex:
    """Base evidence for every branch from one set of walks. The walks start when it is
    made and are waited for on the first question, so callers can do other work between."""

    def __init__(
        self,
        cwd: str,
        tips: list[BranchTip],
        is_long_lived: Callable[[str], bool],
        *,
        also: Iterable[str] = (),
        shallow: bool = False,
    ) -> None:
        self.cwd = cwd
        self.shallow = shallow
        self.tips = tips
        self.is_long_lived = is_long_lived
        by_name: dict[str, set[str]] = {}
        starts = set()
        for tip in tips:
            if is_long_lived(tip.name):
                by_name.setdefault(tip.name, set()).add(tip.target)
            else:
                starts.add(tip.target)
        every = {t for targets in by_name.values() for t in targets}
        self._jobs: dict[str, GitJob] = {}
        if starts:
            self._jobs["outside"] = _rev_list(cwd, ["--parents"], sorted(starts), sorted(every))
        for name, targets in sorted(by_name.items()):
            others = sorted(every - targets)
            if others:
                self._jobs[f"lacks {name}"] = _rev_list(cwd, [], others, sorted(targets))
            # One tip's line comes out in order, each commit followed by its parent; the
            # lines of several tips interleave, and need their parents printed.
            self._jobs[f"first-parent {name}"] = _rev_list(
                cwd,
                ["--first-parent"] if len(targets) == 1 else ["--first-parent", "--parents"],
                sorted(targets),
            )
        self._names = sorted(by_name)
        self._targets = by_name
        self._ready = False
        self._lock = threading.Lock()  # the audit asks from two threads
        self.outside: dict[str, list[str]] = {}  # commit -> its parents
        self.contains: dict[str, Reach] = {}
        self._first_parent: dict[str, dict[str, str]] | None = None
        self._asked = set(also)  # commits whose holders will be asked for (tags)
        self._no_branch: set[str] | None = None
        self.topic_tips: dict[str, set[str]] = {}
        self.owners: dict[str, set[str]] = {}

    @property
    def first_parent(self) -> dict[str, dict[str, str]]:
        """Long-lived branch -> its first-parent line, commit -> first parent ("" at a root).
        Ready before the rest of the walks."""
        with self._lock:
            if self._first_parent is None:
                self._first_parent = {
                    name: _first_parents(
                        self._jobs.pop(f"first-parent {name}"), len(self._targets[name]) == 1
                    )
                    for name in self._names
                }
            return self._first_parent

    def wait(self) -> None:
        """Collect the walks (once)."""
        _ = self.first_parent  # collected first: the jobs left are the other walks
        with self._lock:
            if self._ready:
                return
            found = {key: _lines(proc) for key, proc in self._jobs.items()}
            self.outside = {ids[0]: ids[1:] for ids in found.get("outside", [])}
            for name in self._names:
                lacks = {ids[0] for ids in found.get(f"lacks {name}", [])}
                self.contains[name] = Reach(self.outside, lacks)
            for tip in self.tips:
                if self.is_long_lived(tip.name):
                    continue
                self.topic_tips.setdefault(tip.target, set()).add(tip.name)
                for commit in self._own_commits(tip.target):
                    self.owners.setdefault(commit, set()).add(tip.name)
            self._ready = True

    def names_containing(self, commit_id: str) -> list[str]:
        """The long-lived branches whose history holds the commit (a tag's, say)."""
        self.wait()
        if commit_id in self.outside:
            return []
        seen = any(commit_id in line for line in self.first_parent.values()) or any(
            commit_id in reach.lacks for reach in self.contains.values()
        )
        if not seen and commit_id in self._unreached(commit_id):
            return []  # only tags reach it
        # Any commit a branch holds is outside the long-lived ones or in one of them.
        return sorted(name for name, reach in self.contains.items() if commit_id in reach)

    def _unreached(self, commit_id: str) -> set[str]:
        """Of the commits asked about off every long-lived line (``also``, given at the
        start, and this one), those no branch holds: one walk for all of them."""
        with self._lock:
            if self._no_branch is None or commit_id not in self._asked:
                self._asked |= {commit_id}
                tips = {t.target for t in self.tips}
                job = _rev_list(self.cwd, [], sorted(self._asked), sorted(tips))
                self._no_branch = {ids[0] for ids in _lines(job)}
            return self._no_branch

    def _git_is_ancestor(self, tip: str, commit: str) -> bool:
        return run_git(["merge-base", "--is-ancestor", commit, tip], self.cwd) is not None

    def _own_commits(self, tip: str) -> list[str]:
        """The branch's commits no long-lived branch contains (its whole own line)."""
        out: list[str] = []
        stack = [tip]
        seen: set[str] = set()
        outside = self.outside
        while stack and len(out) < WALK_LIMIT:
            current = stack.pop()
            if current in seen or current not in outside:
                continue
            seen.add(current)
            out.append(current)
            stack.extend(outside[current])
        return out

    def _parent(self, commit: str) -> tuple[bool, str | None]:
        """(known, first parent) of a commit some walk saw."""
        parents = self.outside.get(commit)
        if parents is not None:
            return True, parents[0] if parents else None
        for line in self.first_parent.values():
            if commit in line:
                return True, line[commit] or None
        return False, None

    def is_ancestor(self, tip: str, commit: str) -> bool:
        """Whether ``commit`` is ``tip`` or in its history (git answers what the walks do not)."""
        self.wait()
        if commit == tip:
            return True
        current: str | None = tip
        for _ in range(WALK_LIMIT):
            known, current = self._parent(current) if current is not None else (False, None)
            if current == commit:
                return True
            if not known or current is None or current not in self.outside:
                break  # left the branch's own line
        return self._git_is_ancestor(tip, commit)

    def evidence(self, branch: str, tip: str) -> BaseEvidence:
        self.wait()
        chain: list[str] = []
        current: str | None = tip
        outside, topic_tips = self.outside, self.topic_tips
        topics: tuple[int, list[str]] | None = None  # another topic's tip on the line
        while current is not None and len(chain) < WALK_LIMIT:
            chain.append(current)
            depth = len(chain) - 1
            long_lived = (
                []  # no long-lived branch holds a commit outside them all
                if current in outside
                else [n for n, held in self.contains.items() if n != branch and current in held]
            )
            if long_lived:
                return self._decide(branch, chain, sorted(long_lived), topics)
            if topics is None and depth and current in topic_tips:
                names = sorted(topic_tips[current] - {branch})
                topics = (depth, names) if names else None
            parents = outside.get(current)
            if parents is not None:  # the common step, without a call
                current = parents[0] if parents else None
                continue
            known, current = self._parent(current)
            if not known:
                break
        if topics is not None:
            return self._decide(branch, chain, [], topics)
        if self.shallow:
            return BaseEvidence((), "shallow", "the clone is shallow: the fork point is not here")
        return BaseEvidence((), "none", f"no other branch shares history with {branch}")

    def _decide(
        self,
        branch: str,
        chain: list[str],
        long_lived: list[str],
        topics: tuple[int, list[str]] | None,
    ) -> BaseEvidence:
        """Where the line leaves the long-lived branches (``long_lived`` hold its last
        commit), and the first other topic tip on it (``topics``): as ``repo.fork_point`` for a
        branch that is not arriving, a topic tip is one candidate beside the long-lived."""
        fork = chain[-1]
        depth = len(chain) - 1
        own_tip = chain[0]
        # A topic branch that owns commits of ours above the fork, but not our tip: we came
        # from it (if it owned our tip too, it came from us).
        moved: dict[int, set[str]] = {}
        # A topic whose tip is on the line has not moved on: it is a candidate, not this.
        on_line = {n for c in chain if c in self.topic_tips for n in self.topic_tips[c]}
        mine = {branch} | on_line | self.owners.get(own_tip, set())
        for d, commit in enumerate(chain[1:-1], start=1):
            others = self.owners.get(commit, set()) - mine
            if others:
                moved.setdefault(d, set()).update(others)
        if moved:
            closest = min(moved)
            return shared_evidence(sorted(moved[closest]), closest)
        names: list[str] = []
        if long_lived:
            preferred = [n for n in long_lived if fork in self.first_parent.get(n, {})]
            names = preferred or long_lived
        if topics is not None:
            depth, topic_names = topics
            fork = chain[depth]
            names = [*topic_names, *names]
        return fork_evidence(branch, names, fork, depth)
