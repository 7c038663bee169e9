"""Files as committed on a branch, read from git objects (a server has no work tree)."""

from __future__ import annotations

import posixpath

import pygit2

from branchflow.repo.history import commit_at


def read_committed(repo: pygit2.Repository, commit_id: str, path: str) -> bytes | None:
    """The bytes of ``path`` in the commit's tree, or None when there is no such file."""
    commit = commit_at(repo, commit_id)
    if commit is None:
        return None
    node: pygit2.Object = commit.tree
    for part in posixpath.normpath(path).split("/"):
        if not isinstance(node, pygit2.Tree) or part in ("", ".", ".."):
            return None
        try:
            node = node[part]
        except KeyError:
            return None
    if isinstance(node, pygit2.Blob):
        return node.data
    return None
