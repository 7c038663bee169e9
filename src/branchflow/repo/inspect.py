"""Repository facts that need pygit2 (or git itself): merge sources, refs, HEAD fallbacks.

Imported only on paths that need it; pygit2 costs ~150 ms to import.
"""

from __future__ import annotations

import os
import subprocess

import pygit2

from branchflow.errors import RepoError
from branchflow.repo.merge_message import MergeSource, parse_merge_message, strip_remote
from branchflow.repo.state import HeadState, RepoLocation, decode, operation_in_progress

# Variables git sets for hooks that would redirect a nested git command.
_GIT_ENV = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_PREFIX")


def open_repository(location: RepoLocation) -> pygit2.Repository:
    try:
        return pygit2.Repository(location.git_dir)
    except pygit2.GitError as exc:
        raise RepoError(f"cannot open the repository at {location.git_dir}: {exc}") from None


def run_git(args: list[str], cwd: str) -> str | None:
    """Output of a git command run outside any hook environment, or None when it fails."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=False)
    except OSError:
        return None
    return decode(done.stdout).rstrip("\n") if done.returncode == 0 else None


def head_state_from_git(location: RepoLocation) -> HeadState | None:
    """HEAD as git reports it: for reftable repositories and other layouts the files miss."""
    cwd = location.work_tree or location.git_dir
    branch = run_git(["symbolic-ref", "-q", "--short", "HEAD"], cwd)
    detached = None if branch else run_git(["rev-parse", "-q", "--verify", "HEAD"], cwd)
    if branch is None and detached is None:
        return None
    operation, rebasing = operation_in_progress(location.git_dir)
    return HeadState(location, branch, detached, operation, rebasing)


def remote_names(repo: pygit2.Repository) -> tuple[str, ...]:
    return tuple(remote.name for remote in repo.remotes if remote.name)


def merge_sources(repo: pygit2.Repository, location: RepoLocation) -> tuple[MergeSource, ...]:
    """What the merge in progress brings in: from MERGE_MSG, else the refs at MERGE_HEAD."""
    remotes = remote_names(repo)
    message = _read(os.path.join(location.git_dir, "MERGE_MSG"))
    named = parse_merge_message(message, remotes)
    if named:
        return named
    heads = _read(os.path.join(location.git_dir, "MERGE_HEAD")).split()
    return tuple(refs_at(repo, commit_id, remotes) for commit_id in heads)


def refs_at(repo: pygit2.Repository, commit_id: str, remotes: tuple[str, ...]) -> MergeSource:
    """The ref that best names a commit: a local branch, else remote-tracking, else a tag."""
    found: dict[str, list[str]] = {"heads": [], "remotes": [], "tags": []}
    for ref_name in repo.references:
        kind = ref_name.split("/", 2)[1] if ref_name.count("/") >= 2 else ""
        if kind not in found or ref_name.endswith("/HEAD"):
            continue
        try:
            target = repo.references[ref_name].peel(pygit2.Commit).id
        except (pygit2.GitError, ValueError, KeyError):
            continue
        if str(target) == commit_id:
            found[kind].append(ref_name.split("/", 2)[2])
    if found["heads"]:
        return MergeSource(sorted(found["heads"])[0], "branch")
    if found["remotes"]:
        return MergeSource(strip_remote(sorted(found["remotes"])[0], remotes), "branch")
    if found["tags"]:
        return MergeSource(sorted(found["tags"])[0], "tag")
    return MergeSource(commit_id, "commit")


def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return decode(f.read())
    except OSError:
        return ""


def branch_names(repo: pygit2.Repository) -> list[str]:
    """Local branches, then remote-tracking ones not also local (without the remote name)."""
    remotes = remote_names(repo)
    local = sorted(decode_name(n) for n in repo.branches.local)
    seen = set(local)
    tracking = []
    for name in sorted(repo.branches.remote):
        short = strip_remote(decode_name(name), remotes)
        if name.endswith("/HEAD") or short in seen:
            continue
        seen.add(short)
        tracking.append(short)
    return local + tracking


def decode_name(name: str | bytes) -> str:
    return decode(name) if isinstance(name, bytes) else name
