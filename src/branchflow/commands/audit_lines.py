"""The audit's reading of one protected branch's first-parent log: each line as git writes
it (see ``repo.history_log``), turned into what the branch's ``HistoryScan`` is told."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from branchflow.checks.push import PLATFORM_COMMITTERS
from branchflow.checks.scan import HistoryScan
from branchflow.facts import MergeSource
from branchflow.repo.history_log import log_line_regex
from branchflow.repo.merge_message import merge_target, parse_merge_message, squash_source

_SQUASH_LOOK = ("Squashed commit", "Merged in ", "Merged PR ", "Merge pull request", "[")


def landing(summary: str, committer: str, body_marked: bool) -> str | None:
    """How a single-parent commit on a protected branch landed, when a platform wrote it:
    "squash" or "rebase"; None for a commit made on the branch."""
    if body_marked or (
        (summary.endswith(")") or summary.startswith(_SQUASH_LOOK)) and squash_source(summary)
    ):
        return "squash"
    if committer.lower() in PLATFORM_COMMITTERS:
        return "rebase"
    return None


class LineReader:
    """Reads one branch's log into its scan, newest commit first.

    ``others`` are the other long-lived branches' first-parent lines, to tell the scan
    where this line meets one; ``seen`` collects every commit read (each once, across
    branches); ``since``, when set, ends the reading at the first older commit. A merge
    whose message names no source is judged by what marks its parents (``source_of``); a
    merged tag, with the branches that hold it (``with_holders``)."""

    def __init__(
        self,
        scan: HistoryScan,
        *,
        surely_fine: str | None,
        fold: bool,
        others: list[tuple[str, dict[str, str]]],
        seen: set[str],
        since: int,
        remotes: tuple[str, ...],
        tips: dict[str, list[str]],
        body_marked: set[str],
        source_of: Callable[[str], MergeSource],
        with_holders: Callable[[MergeSource], MergeSource],
    ) -> None:
        self.scan = scan
        self.fold = fold and not since  # each line's date matters with ``since``
        self.regex = log_line_regex(surely_fine, fold=self.fold)
        self.offset = 1 if self.fold and "fine_run" in self.regex.groupindex else 0
        self._each_line: re.Pattern[str] | None = None  # a folded run, taken apart
        self.others: list[tuple[str, dict[str, str]]] | None = others or None
        self.seen = seen
        self.since = since
        self.remotes = remotes
        self.tips = tips
        self.body_marked = body_marked
        self.source_of = source_of
        self.with_holders = with_holders

    def read(self, pieces: Iterable[str]) -> None:
        offset = self.offset
        for piece in pieces:
            for line in self.regex.finditer(piece):
                run = line.group(1) if offset else None  # group 1: "fine_run"
                if run is not None:
                    self._fine_run(run)
                elif not self._one(line.groups()[offset:]):
                    return

    def _fine_run(self, run: str) -> None:
        """Merges known to be allowed, one after another: what matters of them is that the
        run of direct commits above ends, and which commits they are, unless the line meets
        another's here or has met it (then each is read alone; see HistoryScan)."""
        width = run.index(" ")
        ids = [text[:width] for text in run.split("\n")[:-1]]
        others = self.others
        meets = others is not None and any(not line.keys().isdisjoint(ids) for _, line in others)
        if meets or self.scan.has_joined:
            self._each_line = self._each_line or log_line_regex(None)
            for single in self._each_line.finditer(run):
                self._one(single.groups())
            return
        self.seen.update(ids)
        self.scan.merged_fine()

    def _one(self, groups: tuple[str | None, ...]) -> bool:
        """One commit; False once it is older than ``since``."""
        commit_id, parent_ids, when, committer, summary, fine, merged, into = groups
        assert commit_id is not None
        assert parent_ids is not None
        assert summary is not None
        if self.since and int(when or 0) < self.since:
            return False
        self.seen.add(commit_id)
        if self.others is not None:
            for other, their_line in self.others:
                if commit_id in their_line:
                    self.scan.joined(other, commit_id)
                    self.others = None
                    break
        scan = self.scan
        if " " in parent_ids:  # a merge
            if fine is not None:
                scan.merged_fine(into)
            elif merged is not None and " of " not in summary:
                scan.merged_branch(commit_id, summary, merged, into)
            else:
                sources = parse_merge_message(summary, self.remotes) or tuple(
                    self.source_of(p) for p in parent_ids.split()[1:]
                )
                if any(s.kind == "tag" for s in sources):
                    sources = tuple(self.with_holders(s) for s in sources)
                scan.merge(commit_id, summary, sources, merge_target(summary))
        elif parent_ids:
            how = landing(summary, committer or "", commit_id in self.body_marked)
            if how is not None:
                scan.landed(commit_id, summary, how, squash_source(summary))
                return True
            at = self.tips.get(commit_id)
            branch = scan.branch
            scan.commit(commit_id, summary, tuple(n for n in at if n != branch) if at else ())
        # the repository's first commit lands somewhere: nothing to say of it
        return True
