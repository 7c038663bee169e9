"""Reflogs, read from their files: how a branch was created, where HEAD was at the time."""

from __future__ import annotations

import os
from typing import NamedTuple

from branchflow.repo.state import RepoLocation, decode


class ReflogEntry(NamedTuple):
    old: str
    new: str
    time: int  # seconds since the epoch
    message: str


def read_reflog(path: str) -> list[ReflogEntry]:
    try:
        with open(path, "rb") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    entries = []
    for raw in lines:
        head, _, message = decode(raw).partition("\t")
        fields = head.split(" ")
        if len(fields) < 4:
            continue
        try:
            when = int(fields[-2])
        except ValueError:
            continue
        entries.append(ReflogEntry(fields[0], fields[1], when, message))
    return entries


def branch_reflog(location: RepoLocation, branch: str) -> list[ReflogEntry]:
    return read_reflog(os.path.join(location.common_dir, "logs", "refs", "heads", branch))


def head_reflog(location: RepoLocation) -> list[ReflogEntry]:
    return read_reflog(os.path.join(location.git_dir, "logs", "HEAD"))


CREATED = "branch: Created from "
REBASED = "rebase"  # "rebase (finish): refs/heads/x onto <id>", "rebase -i (finish): ..."


def created_from(location: RepoLocation, branch: str) -> tuple[str, ReflogEntry] | None:
    """What the branch's reflog says it was created from (HEAD resolved), and that entry;
    None once a rebase has moved the branch since (the line no longer says where it starts,
    even when the commit it was created at is still in it: main's, after a rebase onto
    develop)."""
    entries = branch_reflog(location, branch)
    if not entries or not entries[0].message.startswith(CREATED):
        return None
    if any(e.message.startswith(REBASED) for e in entries[1:]):
        return None
    first = entries[0]
    source = first.message[len(CREATED) :].strip()
    if source == "HEAD":
        names = {branch, *_renames(entries)}
        resolved = _head_branch_at(location, names, first)
        if resolved is None:
            return None
        source = resolved
    return source, first


RENAMED = "Branch: renamed refs/heads/"


def renamed_from(location: RepoLocation, branch: str) -> list[str]:
    """The names `git branch -m` took from the branch, the latest first."""
    return _renames(branch_reflog(location, branch))


def _renames(entries: list[ReflogEntry]) -> list[str]:
    """The old names of the reflog's renames ("Branch: renamed refs/heads/X to ..."), the
    latest first."""
    names = []
    for entry in reversed(entries):
        if entry.message.startswith(RENAMED):
            old, sep, _ = entry.message[len(RENAMED) :].partition(" to refs/heads/")
            if sep:
                names.append(old)
    return names


def _head_branch_at(location: RepoLocation, names: set[str], created: ReflogEntry) -> str | None:
    """The branch HEAD was on when the branch (called one of ``names``) was created."""
    on = None
    for entry in head_reflog(location):
        moved = _moving(entry.message)
        if moved is None:
            continue
        source, target = moved
        if target in names and entry.old == created.new and entry.time >= created.time - 1:
            return source  # `git checkout -b`/`git switch -c`: HEAD stayed on the same commit
        if entry.time <= created.time and target not in names:
            on = target  # `git branch <name>` while on `target`
    return on


def _moving(message: str) -> tuple[str, str] | None:
    prefix = "checkout: moving from "
    if not message.startswith(prefix):
        return None
    source, sep, target = message[len(prefix) :].rpartition(" to ")
    return (source, target) if sep else None
