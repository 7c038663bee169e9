"""A repository opened to read its objects before the policy is known: a server reading
the policy committed on its default branch, CI reading the pull request's target. The
session that judges afterwards shares what is open (``session``)."""

from __future__ import annotations

import os

import pygit2

from branchflow.policy.compiled import CompiledPolicy
from branchflow.repo.committed import CommitFiles, commit_files
from branchflow.repo.lookup import open_repository
from branchflow.repo.session import RepoSession
from branchflow.repo.state import RepoLocation


class Repository:
    """pygit2 behind plain answers: refs, commits, a commit's files."""

    def __init__(self, location: RepoLocation) -> None:
        self.location = location
        self._repo = open_repository(location)

    def session(self, policy: CompiledPolicy) -> RepoSession:
        """The session that judges under ``policy``, on the repository opened here."""
        return RepoSession(self.location, policy, self._repo)

    @property
    def place(self) -> str:
        """The repository's own directory, as one path whatever the links on the way."""
        return os.path.realpath(self._repo.path)

    @property
    def is_shallow(self) -> bool:
        return bool(self._repo.is_shallow)

    def head_ref(self) -> str | None:
        """The ref HEAD names (``refs/heads/main``); None when HEAD cannot be read."""
        try:
            return str(self._repo.references["HEAD"].target)
        except (KeyError, pygit2.GitError):
            return None

    def commit_of_ref(self, ref: str) -> str | None:
        """The commit ``ref`` is at (through annotated tags); None when there is none."""
        try:
            return str(self._repo.references[ref].peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None

    def files(self, revision: str, name: str | None = None) -> CommitFiles | None:
        """The files of the commit ``revision`` names, labelled ``name`` (see CommitFiles)."""
        return commit_files(self._repo, revision, name)

    def readable(self, object_id: str) -> bool:
        """Whether the object can be read (a pushed object quarantined is)."""
        try:
            self._repo[object_id]
        except (KeyError, ValueError, pygit2.GitError):  # a commit whose tree id is malformed
            return False
        return True

    def stored(self, object_id: str) -> bool:
        """Whether the object database holds ``object_id``, readable or not."""
        try:
            return object_id in self._repo.odb
        except (ValueError, pygit2.GitError):
            return False
