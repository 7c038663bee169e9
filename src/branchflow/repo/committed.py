"""Files as committed, read from git objects (a server has no work tree; CI trusts a branch)."""

from __future__ import annotations

import pygit2

from branchflow.errors import RepoError
from branchflow.readfile import MAX_POLICY_BYTES

MAX_LINKS = 8  # symbolic links followed on the way to one file, as a checkout would
MAX_LINK_BYTES = 4096  # a link's target is a path, at most PATH_MAX


class CommitFiles:
    """The files of one commit's tree, read in memory; nothing is written anywhere."""

    def __init__(self, commit: pygit2.Commit, name: str) -> None:
        self.name = name  # how messages name the commit: "origin/develop", "1a2b3c4d5e6f"
        self.commit = str(commit.id)
        self._tree = commit.tree

    def read(self, path: str) -> bytes | None:
        """The bytes of the regular file at ``path`` (normalised, from the tree's root), or None
        when there is none. A symbolic link is followed inside the tree, at most
        ``MAX_LINKS`` of them, as a checkout would; one that leaves the tree is refused. An
        object the repository lacks is an error, not an absence."""
        if any(part in ("", ".", "..") for part in path.split("/")):
            return None
        found = self._resolve(path)
        if found is None:
            return None
        if found.filemode == pygit2.enums.FileMode.COMMIT:
            raise RepoError(f"{self.name}:{path}: is a submodule, not a file")
        if found.filemode == pygit2.enums.FileMode.TREE:
            raise RepoError(f"{self.name}:{path}: is a directory, not a file")
        try:
            if not isinstance(found, pygit2.Blob):
                return None
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

    def _resolve(self, path: str) -> pygit2.Object | None:
        """The tree entry ``path`` names once every symbolic link on the way is followed."""
        pending = path.split("/")
        done: list[str] = []
        links = 0
        while pending:
            part = pending.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                if not done:
                    raise RepoError(
                        f"{self.name}:{path}: a symbolic link on the way leads out of the "
                        "repository; commit the file itself"
                    )
                done.pop()
                continue
            try:
                entry = self._tree["/".join([*done, part])]
            except (KeyError, ValueError):
                if links:  # a checkout would find nothing there, or what is not committed
                    raise RepoError(
                        f"{self.name}:{path}: a symbolic link on the way points at a path the "
                        "commit does not have; commit the file itself"
                    ) from None
                return None
            if entry.filemode != pygit2.enums.FileMode.LINK:
                done.append(part)
                continue
            links += 1
            if links > MAX_LINKS:
                raise RepoError(
                    f"{self.name}:{path}: more than {MAX_LINKS} symbolic links on the way; "
                    "commit the file itself"
                )
            try:
                target = (
                    entry.read_raw()[: MAX_LINK_BYTES + 1]
                    if isinstance(entry, pygit2.Blob)
                    else b""
                )
            except (KeyError, pygit2.GitError) as exc:
                raise RepoError(f"{self.name}:{path}: cannot be read from git: {exc}") from None
            if not target or len(target) > MAX_LINK_BYTES or b"\0" in target:
                raise RepoError(f"{self.name}:{path}: a symbolic link on the way is damaged")
            if target.startswith(b"/"):
                raise RepoError(
                    f"{self.name}:{path}: a symbolic link on the way points at an absolute "
                    "path, outside the repository; commit the file itself"
                )
            if target.endswith(b"/"):  # names a directory: a checkout reads no file there
                raise RepoError(
                    f"{self.name}:{path}: a symbolic link on the way points at a directory; "
                    "commit the file itself"
                )
            pending = target.decode("utf-8", "surrogateescape").split("/") + pending
        if not done:
            if links:
                raise RepoError(f"{self.name}:{path}: is a symbolic link to the repository's root")
            return None
        try:
            return self._tree["/".join(done)]
        except (KeyError, ValueError):
            if links:
                raise RepoError(
                    f"{self.name}:{path}: a symbolic link on the way points at a path the "
                    "commit does not have; commit the file itself"
                ) from None
            return None


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
