"""The merges a repository's long-lived branches actually took, read from their first-parent
histories with ``git log`` (for ``graph --observed`` and ``init --from-history``)."""

from __future__ import annotations

from typing import NamedTuple

from branchflow.errors import RepoError
from branchflow.facts import MergeSource
from branchflow.repo.gitcmd import GitJob, run_git
from branchflow.repo.merge_message import merge_target, parse_merge_message


class Entry(NamedTuple):
    commit: str
    parents: tuple[str, ...]
    summary: str


def read_lines(cwd: str, tips: dict[str, str]) -> dict[str, list[Entry]]:
    """Each branch of ``tips`` (name -> commit): its first-parent history, newest first."""
    jobs = {
        name: GitJob(["log", "--first-parent", "--format=%H %P%x09%s", tip, "--"], cwd)
        for name, tip in sorted(tips.items())
    }
    out = {}
    for name, job in jobs.items():
        raw = job.result()
        if raw is None:
            raise RepoError(f"git log could not read the history of {name}")
        entries = []
        for line in raw.decode("utf-8", "surrogateescape").split("\n"):
            if line:
                ids, _, summary = line.partition("\t")
                commit_id, *parents = ids.split()
                entries.append(Entry(commit_id, tuple(parents), summary))
        out[name] = entries
    return out


class Line(NamedTuple):
    """What one long-lived branch's own first-parent history holds."""

    branch: str
    merges: tuple[tuple[str, tuple[MergeSource, ...]], ...]  # (merge commit, what it merged)
    commits: int  # first-parent commits in all
    direct: int  # of them, commits with one parent (made on the branch, or fast-forwarded)


def own_lines(
    histories: dict[str, list[Entry]], default: set[str], remotes: tuple[str, ...]
) -> list[Line]:
    """Each branch's history without what another long-lived branch made: once main is
    fast-forwarded onto develop, their first-parent lines share develop's history. A commit
    on both lines belongs to the branch its merge message names as the target; git's own
    merge naming none (git names no target for the default branch) to a ``default`` branch;
    any other commit to the other branch (a fast-forward brings develop's commits into
    main, not the other way)."""
    on: dict[str, list[str]] = {}
    for name, entries in histories.items():
        for entry in entries:
            on.setdefault(entry.commit, []).append(name)
    out = []
    for name, entries in histories.items():
        merges = []
        commits = direct = 0
        for entry in entries:
            holders = on[entry.commit]
            if len(holders) > 1 and _owner(entry, holders, default) != name:
                continue
            commits += 1
            if len(entry.parents) < 2:
                direct += len(entry.parents)  # the root commit lands nowhere
                continue
            target = merge_target(entry.summary)
            if target is not None and target != name and target not in on[entry.commit]:
                continue  # made on another branch (a topic), fast-forwarded here after
            sources = parse_merge_message(entry.summary, remotes) or tuple(
                MergeSource(p, "commit") for p in entry.parents[1:]
            )
            merges.append((entry.commit, sources))
        out.append(Line(name, tuple(merges), commits, direct))
    return out


_GIT_FORMS = ("Merge branch '", "Merge branches '", "Merge tag '", "Merge remote-tracking branch '")


def _owner(entry: Entry, holders: list[str], default: set[str]) -> str:
    if len(entry.parents) > 1:
        target = merge_target(entry.summary)
        if target in holders:
            return target
        if entry.summary.startswith(_GIT_FORMS):  # git leaves the default branch unnamed
            named = [h for h in holders if h in default]
            return named[0] if named else holders[0]
    # a pull request names no target (it is develop's, in a team that merges there), and a
    # commit with one parent came in with a fast-forward of the default branch
    others = [h for h in holders if h not in default]
    return others[0] if others else holders[0]


def unrelated(cwd: str, tip: str, others: list[str]) -> bool:
    """Whether ``tip`` shares no history with any of ``others`` (a site, a wiki)."""
    return all(run_git(["merge-base", tip, other], cwd) is None for other in others)
