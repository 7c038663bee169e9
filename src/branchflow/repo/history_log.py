"""The audit's reader of a branch's history: ``git log --first-parent`` in one line per
commit, streamed while the checks run, and the regex that takes each line apart."""

from __future__ import annotations

import re

from branchflow.repo.gitcmd import GitJob

LOG_FORMAT = "--format=%H %P%x09%ct%x09%ce%x09%s"


def first_parent_log(cwd: str, tip: str) -> GitJob:
    """``tip``'s first-parent history in LOG_FORMAT, newest first, as git writes it."""
    return GitJob(["log", "--first-parent", LOG_FORMAT, tip, "--"], cwd, stream=True)


def marked_commits(cwd: str, tip: str, mark: str) -> GitJob:
    """The ids of ``tip``'s first-parent commits (not merges) whose message has a line
    matching ``mark`` (git's --grep), looked for by git itself."""
    return GitJob(
        ["log", "--first-parent", "--no-merges", "--format=%H", f"--grep={mark}", tip, "--"], cwd
    )


def _merge_of(merged: str) -> str:
    """git's own merge message, "Merge branch 'x' [into y]", with ``merged`` for x (the
    part that ends at x's closing quote), and the target y in group ``into``."""
    return (
        r"Merge branch '(?=[^'\n]*'[^'\n]*$)"
        rf"{merged}"
        r"(?:[^'\n]*? into (?P<into>[^'\s]+))?[^'\n]*$"
    )


def log_line_regex(surely_fine: str | None, *, fold: bool = False) -> re.Pattern[str]:
    """One line of LOG_FORMAT: commit, parents, time, committer, subject; for git's own
    merge message (parse_merge_message's first case), either an empty ``fine`` group when
    the merged branch matches ``surely_fine`` (see ``surely_fine_regex``) or the branch
    itself in ``merged``, and the target in ``into``. The common merge is then decided by
    the regex, with no Python per commit.

    With ``fold``, consecutive lines that are such surely fine merges come as one match
    instead, in group 1 (``fine_run``; the other groups empty), and every other line with
    its merged branch in ``merged`` (``fine`` never set; a fine one the caller reads alone
    is judged as any merged branch is). A history that is mostly merges of well-named
    branches is then read in a few hundred matches instead of tens of thousands."""
    fine = f"{(None if fold else surely_fine) or '(?!)'}(?P<fine>)"
    either = rf"(?:{fine}|(?P<merged>[^'\n]*)')"
    line = rf"^(\S+) ([^\t\n]*)\t(\d*)\t([^\t\n]*)\t((?:{_merge_of(either)})?.*)$"
    try:
        if fold and surely_fine is not None:
            # two parents or more, and git's message merging a surely fine branch
            merge = _merge_of(f"(?:{surely_fine})").replace("(?P<into>", "(?:")
            one_fine = rf"\S+ [^\t\n ]+ [^\t\n]+\t\d*\t[^\t\n]*\t{merge}\n"
            return re.compile(rf"(?P<fine_run>^(?:{one_fine})+)|{line}", re.MULTILINE)
        return re.compile(line, re.MULTILINE)
    except re.error:
        if surely_fine is None:
            raise
        return log_line_regex(None)  # the policy's patterns would not combine: judge each merge
