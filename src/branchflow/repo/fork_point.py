"""Where a branch was created from, however it was created.

Git records no base. The evidence, best first:
1. the branch's reflog, ``branch: Created from X`` (HEAD resolved through HEAD's
   reflog), trusted while the commit it was created at is still in the branch
   (a rebase onto another base makes it stale);
2. the graph: walk the branch's first-parent chain to the first commit that is
   the merge base with a long-lived branch, or the tip of another branch; the
   branches found there are the candidates, and among long-lived ones those
   with that commit on their own first-parent chain are preferred;
3. the upstream, ``branch.<name>.merge``.
Ties are reported as ambiguous. A shallow clone that cannot answer says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pygit2

from branchflow.facts import BaseEvidence, BranchTip
from branchflow.repo.commits import commit_at, contains
from branchflow.repo.evidence import WALK_LIMIT, fork_evidence, reflog_evidence, shared_evidence
from branchflow.repo.state import CLOCK_SKEW, RepoLocation

TOPIC_PROBES = 32  # recent topic branches whose merge base is computed


def infer_base(
    repo: pygit2.Repository,
    location: RepoLocation,
    branch: str,
    tip: str,
    *,
    tips: list[BranchTip],
    is_long_lived: Callable[[str], bool],
    remotes: tuple[str, ...] = (),
    reflog_of: str | None = "",
    arriving: bool = False,
    graph: Callable[[str, str], BaseEvidence] | None = None,
    context: GraphContext | None = None,
) -> BaseEvidence:
    """``reflog_of``: the local branch whose reflog speaks for ``branch`` ("": the branch
    itself; None: none does, as for a push of a remote-tracking ref or a commit);
    ``arriving``: a push is creating the branch, after every branch already there;
    ``graph``: the graph's answer for (branch, tip) from a walk made once for every branch
    (``repo.history_index``), instead of walking for this one; ``context``: the ``tips``
    sorted once for many questions (``GraphContext``)."""
    if reflog_of is not None:
        found = reflog_evidence(
            location, reflog_of or branch, tip, remotes, lambda t, c: contains(repo, t, c)
        )
        if found is not None:
            return found
    if graph is not None:
        found = graph(branch, tip)
    else:
        context = context or GraphContext(repo, tips, is_long_lived)
        found = _from_graph(repo, branch, tip, context, arriving=arriving)
    if found.source != "none":
        return found
    upstream = _from_upstream(repo, branch)
    return upstream or found


def _first_parents(repo: pygit2.Repository, tip: str) -> Iterable[tuple[int, str, bool]]:
    """(depth, commit id, parents missing) down the first-parent chain."""
    current: str | None = tip
    depth = 0
    while current is not None and depth < WALK_LIMIT:
        commit = commit_at(repo, current)
        if commit is None:
            yield depth, current, True
            return
        parents = commit.parent_ids
        yield depth, current, False
        current = str(parents[0]) if parents else None
        depth += 1


class GraphContext:
    """A repository's branches sorted once for the graph's questions about many branches
    (a push of thousands of refs): each question then costs what the branch's own line
    costs, not what the number of branches does."""

    def __init__(
        self,
        repo: pygit2.Repository,
        tips: list[BranchTip],
        is_long_lived: Callable[[str], bool],
        kind_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self.repo = repo
        self.tips = tips
        self.kind_of = kind_of  # a branch's type name, when the policy is at hand
        self.long_lived = [t for t in tips if is_long_lived(t.name)]
        self.topics = [t for t in tips if not is_long_lived(t.name)]
        self.topic_tips: dict[str, set[str]] = {}
        for other in self.topics:
            self.topic_tips.setdefault(other.target, set()).add(other.name)
        self._by_time: list[tuple[int, BranchTip]] | None = None
        self._held: dict[str, list[str]] = {}  # commit -> long-lived branches holding it
        self._newest: int | None = None

    def holders(self, tip: str) -> Callable[[str], list[str]]:
        """For the commits of ``tip``'s line: the long-lived branches that hold each. Which
        branches hold a commit does not depend on whose line it is on, so answers are kept
        for the other branches of a push; a commit newer than every long-lived tip (give or
        take the clocks' skew) is held by none, which costs no merge base at all."""
        repo, memo = self.repo, self._held
        found: _Holders | None = None

        def held(commit_id: str) -> list[str]:
            nonlocal found
            names = memo.get(commit_id)
            if names is None:
                commit = commit_at(repo, commit_id)
                if commit is not None and commit.commit_time > self.newest() + _Holders.SKEW:
                    names = []
                else:
                    if found is None:
                        found = _Holders(repo, self._bases(tip))
                    names = found(commit_id)
                memo[commit_id] = names
            return names

        return held

    def _bases(self, tip: str) -> dict[str, set[str]]:
        """Commit -> the long-lived branches whose merge base with ``tip`` it is."""
        bases: dict[str, set[str]] = {}
        for other in self.long_lived:
            try:
                base = self.repo.merge_base(tip, other.target)
            except (pygit2.GitError, ValueError, KeyError):
                base = None
            if base is not None:
                bases.setdefault(str(base), set()).add(other.name)
        return bases

    def newest(self) -> int:
        """The commit time of the newest long-lived tip."""
        if self._newest is None:
            times = [
                c.commit_time for t in self.long_lived if (c := commit_at(self.repo, t.target))
            ]
            self._newest = max(times, default=0)
        return self._newest

    def topics_by_time(self) -> list[tuple[int, BranchTip]]:
        """Topic tips with their commit times, newest first (ties in the tips' order)."""
        if self._by_time is None:
            timed = []
            for other in self.topics:
                commit = commit_at(self.repo, other.target)
                if commit is not None:
                    timed.append((commit.commit_time, other))
            timed.sort(key=lambda pair: pair[0], reverse=True)
            self._by_time = timed
        return self._by_time


def _from_graph(
    repo: pygit2.Repository,
    branch: str,
    tip: str,
    context: GraphContext,
    *,
    arriving: bool = False,
) -> BaseEvidence:
    topic_tips = context.topic_tips
    held = context.holders(tip)
    line, shallow = [], False
    fork: tuple[int, str, list[str]] | None = None
    # The first commit of the line that a long-lived branch holds is where it forks (after
    # a merge of develop into it, develop's merge base is no longer on the line). Held is
    # monotone down a first-parent line (a commit's first parent is held wherever it is),
    # so past the first few commits the line is probed at doubling depths and the fork found
    # by halving between the last probe not held and the first held: a branch of thousands
    # of new commits costs a few merge-base walks near its fork, not one per commit, and
    # the walk down the line stops soon after the fork.
    free = -1  # the deepest commit looked at that no long-lived branch holds
    for depth, commit, missing in _first_parents(repo, tip):
        if missing:
            shallow = True
            break
        line.append(commit)
        if depth < _LINEAR or not depth & (depth - 1) or depth == WALK_LIMIT - 1:
            long_lived = _held_elsewhere(held, commit, branch)
            if long_lived:
                fork = depth, commit, long_lived
                break
            free = depth
    if fork is None and free < len(line) - 1 and _held_elsewhere(held, line[-1], branch):
        fork = len(line) - 1, line[-1], _held_elsewhere(held, line[-1], branch)
    if fork is not None and fork[0] > free + 1:
        low, high = free + 1, fork[0]  # line[high] is held, line[low - 1] is not
        while low < high:
            middle = (low + high) // 2
            if _held_elsewhere(held, line[middle], branch):
                high = middle
            else:
                low = middle + 1
        fork = low, line[low], _held_elsewhere(held, line[low], branch)
    end = fork[0] if fork is not None else len(line)
    chain = {commit: depth for depth, commit in enumerate(line[: end + 1])}
    # The first other topic branch's tip on the line, above the fork. Another topic's tip
    # at our own tip says nothing of direction (depth 0 is skipped), except when a push
    # creates this branch there as another type: the other was there first, and this is
    # that branch under a disguise (a release made at a feature's tip carries the feature).
    # A copy of the same type (a backup), or of a name of no type (a rename), stays one.
    topic: tuple[int, str] | None = next(
        (
            (depth, commit)
            for depth, commit in enumerate(line[1:end], start=1)
            if topic_tips.get(commit, set()) - {branch}
        ),
        None,
    )
    kind_of = context.kind_of
    if arriving and kind_of is not None and end > 0 and line:
        kind = kind_of(branch)
        disguised = {
            n
            for n in topic_tips.get(line[0], set()) - {branch}
            if kind_of(n) not in (None, kind)  # of no type: a rename of a bad name
        }
        if disguised:
            topic = 0, line[0]
            topic_tips = {**topic_tips, line[0]: disguised}
    if fork is None and topic is None:
        if shallow or repo.is_shallow:
            return BaseEvidence((), "shallow", "the clone is shallow: the fork point is not here")
        return BaseEvidence((), "none", f"no other branch shares history with {branch}")
    depth = fork[0] if fork is not None else len(chain)
    moved = _moved_topic(repo, branch, tip, context, chain=chain, fork_depth=depth)
    if moved is not None:
        return moved
    names: list[str] = []
    if fork is not None:
        _, commit, long_lived = fork
        preferred = [
            n for n in long_lived if _on_first_parent_chain(repo, context.long_lived, n, commit)
        ]
        names = preferred or long_lived
    if topic is not None:
        # A topic branch whose tip is on the line came before it, or is a copy of part of
        # it (a backup pushed under another name). When the branch is arriving (a push
        # creates it) the other one was there first: its base. Otherwise the graph cannot
        # tell, and it is one candidate beside where the line leaves the long-lived ones.
        depth, commit = topic
        topics = sorted(topic_tips[commit] - {branch})
        names = topics if arriving or not names else [*topics, *names]
    return fork_evidence(branch, names, commit, depth)


_LINEAR = 32  # commits of a line tried one by one before halving (most forks are near)


def _held_elsewhere(held: Callable[[str], list[str]], commit: str, branch: str) -> list[str]:
    return [name for name in held(commit) if name != branch]


class _Holders:
    """Which long-lived branches hold a commit of the branch's own line: those whose merge
    base with the branch is that commit or has it in its history."""

    SKEW = CLOCK_SKEW  # committer clocks disagree; an ancestor may look up to a day newer

    def __init__(self, repo: pygit2.Repository, bases: dict[str, set[str]]) -> None:
        self.repo = repo
        self.bases = [(c, names, commit_at(repo, c)) for c, names in bases.items()]

    def __call__(self, commit_id: str) -> list[str]:
        found: set[str] = set()
        commit = None
        for base, names, base_commit in self.bases:
            if base == commit_id:
                found |= names
                continue
            if commit is None:
                commit = commit_at(self.repo, commit_id)
            if commit is None or base_commit is None:
                continue
            if commit.commit_time > base_commit.commit_time + self.SKEW:
                continue  # newer than the base: not in its history
            if contains(self.repo, base, commit_id):
                found |= names
        return sorted(found)


def _moved_topic(
    repo: pygit2.Repository,
    branch: str,
    tip: str,
    context: GraphContext,
    *,
    chain: dict[str, int],
    fork_depth: int,
) -> BaseEvidence | None:
    """A topic branch that shares commits above the long-lived fork: created from it, which
    has moved on since (so its tip is no longer on the chain)."""
    if fork_depth <= 1:
        return None  # no commit strictly between the tip and the fork to share
    oldest_own = commit_at(repo, next(c for c, d in chain.items() if d == fork_depth - 1))
    if oldest_own is None:
        return None
    since = oldest_own.commit_time
    recent: list[BranchTip] = []
    for time, other in context.topics_by_time():
        if time < since or len(recent) >= TOPIC_PROBES:
            break
        if other.name != branch and other.target not in chain:
            recent.append(other)
    best: tuple[int, list[str]] | None = None
    for other in recent:
        try:
            base = repo.merge_base(tip, other.target)
        except (pygit2.GitError, ValueError, KeyError):
            continue
        depth = chain.get(str(base)) if base is not None else None
        if depth is None or depth == 0 or depth >= fork_depth:
            continue  # at depth 0 the other branch contains this one: it came from us
        if best is None or depth < best[0]:
            best = depth, [other.name]
        elif depth == best[0]:
            best[1].append(other.name)
    if best is None:
        return None
    return shared_evidence(sorted(set(best[1])), best[0])


def _on_first_parent_chain(
    repo: pygit2.Repository, tips: list[BranchTip], name: str, commit: str
) -> bool:
    fork = commit_at(repo, commit)
    if fork is None:
        return False
    since = fork.commit_time
    for other in tips:
        if other.name != name:
            continue
        for _, current, missing in _first_parents(repo, other.target):
            if missing:
                break
            if current == commit:
                return True
            walked = commit_at(repo, current)
            if walked is None or walked.commit_time < since:
                break
    return False


def _from_upstream(repo: pygit2.Repository, branch: str) -> BaseEvidence | None:
    try:
        merge = repo.config[f"branch.{branch}.merge"]
    except (KeyError, pygit2.GitError, ValueError):
        return None
    if not isinstance(merge, str):
        return None
    name = merge[len("refs/heads/") :] if merge.startswith("refs/heads/") else merge
    if not name or name == branch:
        return None
    return BaseEvidence((name,), "upstream", f"upstream of {branch}: branch.{branch}.merge={merge}")
