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


def log_line_regex(surely_fine: str | None) -> re.Pattern[str]:
    """One line of LOG_FORMAT: commit, parents, time, committer, subject; for git's own
    merge message,
    "Merge branch 'x' [into y]" (parse_merge_message's first case), either an empty
    ``fine`` group when x matches ``surely_fine`` (see ``surely_fine_regex``) or x itself,
    and y. The common merge is then decided by the regex, with no Python per commit."""
    fine = f"{surely_fine or '(?!)'}(?P<fine>)"
    try:
        return re.compile(
            r"^(\S+) ([^\t\n]*)\t(\d*)\t([^\t\n]*)\t("
            r"(?:Merge branch '(?=[^'\n]*'[^'\n]*$)"
            rf"(?:{fine}|(?P<merged>[^'\n]*)')"
            r"(?:[^'\n]*? into (?P<into>[^'\s]+))?[^'\n]*$)?"
            r".*)$",
            re.MULTILINE,
        )
    except re.error:
        if surely_fine is None:
            raise
        return log_line_regex(None)  # the policy's patterns would not combine: judge each merge
