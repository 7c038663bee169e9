"""Files as committed, read from git objects (a server has no work tree; CI trusts a branch)."""

from __future__ import annotations

import pygit2

from branchflow.errors import RepoError
from branchflow.readfile import MAX_POLICY_BYTES


class CommitFiles:
    """The files of one commit's tree, read in memory; nothing is written anywhere."""

    def __init__(self, commit: pygit2.Commit, name: str) -> None:
        self.name = name  # how messages name the commit: "origin/develop", "1a2b3c4d5e6f"
        self.commit = str(commit.id)
        self._tree = commit.tree

    def read(self, path: str) -> bytes | None:
        """The bytes of the regular file at ``path`` (normalised, from the tree's root), or None
        when there is none. A symbolic link is refused, never followed; an object the
        repository lacks is an error, not an absence."""
        if any(part in ("", ".", "..") for part in path.split("/")):
            return None
        try:
            found = self._tree[path]
        except (KeyError, ValueError):
            return None
        if found.filemode == pygit2.enums.FileMode.LINK:
            raise RepoError(
                f"{self.name}:{path}: is a symbolic link; commit the file itself, not a link to it"
            )
        try:
            if not isinstance(found, pygit2.Blob):
                return None  # a folder or a submodule: no file by that name
            size = found.size
            if size > MAX_POLICY_BYTES:
                raise RepoError(
                    f"{self.name}:{path}: is larger than {MAX_POLICY_BYTES:,} bytes ({size:,}); "
                    "a policy file is at most that"
                )
            data: bytes = found.read_raw()
        except (KeyError, pygit2.GitError) as exc:
            raise RepoError(f"{self.name}:{path}: cannot be read from git: {exc}") from None
        return data


def commit_files(
    repo: pygit2.Repository, revision: str, name: str | None = None
) -> CommitFiles | None:
    """The files of the commit ``revision`` names (a ref, ``origin/develop``, a commit id),
    labelled ``name`` (else ``revision``); None when the repository has no such commit."""
    try:
        commit = repo.revparse_single(revision).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        return None
    return CommitFiles(commit, name or revision)
