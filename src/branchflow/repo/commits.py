"""Commits a ref update adds, what merges brought in, and which files a branch changed."""

from __future__ import annotations

import pygit2

from branchflow.errors import RepoError
from branchflow.facts import MergeSource, NewCommit
from branchflow.repo.gitcmd import merge_file
from branchflow.repo.lookup import refs_at
from branchflow.repo.merge_message import merge_target, parse_merge_message, squash_source

PUSH_WALK_LIMIT = 10_000  # first-parent commits of one update examined at most


def commit_at(repo: pygit2.Repository, commit_id: str) -> pygit2.Commit | None:
    """The commit with this id, or None when the repository does not have it."""
    try:
        found = repo[commit_id]
    except (KeyError, ValueError):
        return None
    return found if isinstance(found, pygit2.Commit) else None


def object_kind(repo: pygit2.Repository, object_id: str) -> str | None:
    """ "commit", "tree", "blob" or "tag" (an annotated tag object), or None when the
    repository does not have it."""
    try:
        found = repo[object_id]
    except (KeyError, ValueError):
        return None
    return {
        pygit2.Commit: "commit",
        pygit2.Tree: "tree",
        pygit2.Blob: "blob",
        pygit2.Tag: "tag",
    }.get(type(found))


def peeled_commit(repo: pygit2.Repository, object_id: str) -> str | None:
    """The commit an object is or (through annotated tags) points at; None for a tree, a
    blob, or an object the repository does not have."""
    try:
        return str(repo[object_id].peel(pygit2.Commit).id)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        return None


def has_commit(repo: pygit2.Repository, commit_id: str) -> bool:
    return commit_at(repo, commit_id) is not None


def contains(repo: pygit2.Repository, tip: str, commit_id: str) -> bool:
    """Whether ``commit_id`` is ``tip`` or one of its ancestors."""
    if tip == commit_id:
        return True
    try:
        return bool(repo.descendant_of(tip, commit_id))
    except (pygit2.GitError, KeyError, ValueError):
        return False


def rewrites_own_work(repo: pygit2.Repository, old: str, new: str, limit: int = 200) -> bool:
    """Whether ``new`` holds rewritten copies of commits only ``old`` has (an amend, a
    rebase): a commit on each side with the same author and author time, and the same
    message or tree. Else the commits only ``old`` has are someone else's work that ``new``
    never had."""

    def authored(include: str, exclude: str) -> dict[tuple[str, int, int], set[str]]:
        out: dict[tuple[str, int, int], set[str]] = {}
        try:
            walker = repo.walk(include, pygit2.enums.SortMode.TOPOLOGICAL)
            walker.hide(exclude)
            for count, commit in enumerate(walker):
                if count >= limit:
                    break
                who = commit.author
                # the same change: its message (content amended, rebased) or its tree
                # (message amended); authors commit many changes within one second
                first = commit.message.split("\n", 1)[0]
                out.setdefault((who.email, who.time, who.offset), set()).update(
                    {f"m:{first}", f"t:{commit.tree_id}"}
                )
        except (pygit2.GitError, KeyError, ValueError):
            return {}
        return out

    theirs, mine = authored(old, new), authored(new, old)
    return any(theirs[key] & mine[key] for key in theirs.keys() & mine.keys())


def new_first_parent_commits(
    repo: pygit2.Repository,
    new: str,
    known: list[str],
    remotes: tuple[str, ...],
    limit: int = PUSH_WALK_LIMIT,
) -> list[NewCommit]:
    """First-parent commits of ``new`` that none of the ``known`` commits contain, newest
    first: what an update adds, given what the other side already has."""
    try:
        walker = repo.walk(new, pygit2.enums.SortMode.TOPOLOGICAL)
        walker.simplify_first_parent()
        for commit_id in known:
            if has_commit(repo, commit_id):
                walker.hide(commit_id)
    except (KeyError, ValueError, pygit2.GitError) as error:
        raise RepoError(f"cannot walk the history of {new[:12]}: {error}") from error
    out: list[NewCommit] = []
    commits = iter(walker)
    while len(out) < limit:
        try:
            commit = next(commits, None)
        except (KeyError, ValueError, pygit2.GitError) as error:
            # a commit below the tip that does not parse (no author, a bad signature line)
            raise RepoError(f"cannot walk the history of {new[:12]}: {error}") from error
        if commit is None:
            break
        parents = tuple(str(p) for p in commit.parent_ids)
        # as bytes: an `encoding` header a pusher wrote (bogus, rot13) is never looked up
        message = commit.raw_message.decode("utf-8", "replace")
        sources: tuple[MergeSource, ...] = ()
        squashed = None
        if len(parents) > 1:
            sources = parse_merge_message(message, remotes) or tuple(
                refs_at(repo, p, remotes) for p in parents[1:]
            )
        else:
            squashed = squash_source(message)
        signer = commit.committer
        committer = signer.raw_email.decode("utf-8", "replace") if signer is not None else ""
        summary = message.split("\n", 1)[0]
        into = (merge_target(message) or "") if len(parents) > 1 else ""
        out.append(
            NewCommit(str(commit.id), parents, summary, sources, squashed, committer, into=into)
        )
    return out


def changed_paths(repo: pygit2.Repository, base: str, tip: str) -> set[str]:
    """Paths that differ between two commits' trees."""
    before, after = commit_at(repo, base), commit_at(repo, tip)
    if before is None or after is None:
        return set()
    try:
        diff = before.tree.diff_to_tree(after.tree)
    except (pygit2.GitError, KeyError) as error:
        raise RepoError(f"cannot compare {base[:12]} with {tip[:12]}: {error}") from error
    paths = set()
    for delta in diff.deltas:
        paths.add(delta.new_file.path)
        paths.add(delta.old_file.path)
    return paths


def merge_own_changes(repo: pygit2.Repository, commit_id: str, limit: int = 5) -> tuple[str, ...]:
    """Paths (at most ``limit``) where a two-parent merge carries changes of its own ("an
    evil merge"): where it differs from the merge git makes of its parents, and, in a file
    that merge leaves in conflict, where it differs outside the conflicting lines. Empty
    when it carries only what it merged. A merge whose trees cannot be read is an error
    (see ``_unreadable``)."""
    commit = commit_at(repo, commit_id)
    if commit is None or len(commit.parent_ids) < 2:
        return ()
    if len(commit.parent_ids) > 2:
        return _octopus_own_changes(repo, commit, limit)
    own = set()
    try:
        index = repo.merge_commits(commit.parent_ids[0], commit.parent_ids[1])
        conflicts = list(index.conflicts) if index.conflicts is not None else []
        for entries in conflicts:
            path = next(e for e in entries if e is not None).path
            try:
                entry = commit.tree[path]
            except KeyError:
                entry = None  # the resolution removed it
            if not _resolves(repo, entries, entry):
                own.add(path)
            del index.conflicts[path]
            if entry is not None and entry.type == pygit2.enums.ObjectType.TREE:
                entry = None  # a directory now: what it holds differs from the merge below
            if entry is not None:  # the resolution counts as git's own merge from here
                index.add(pygit2.IndexEntry(path, entry.id, entry.filemode))
        clean = index.write_tree(repo)
        if clean != commit.tree_id:
            diff = repo[clean].peel(pygit2.Tree).diff_to_tree(commit.tree)
            own |= {d.new_file.path for d in diff.deltas} | {d.old_file.path for d in diff.deltas}
    except (pygit2.GitError, KeyError, ValueError) as error:
        return _unreadable(repo, commit_id, error)
    return tuple(sorted(own)[:limit])


def _is_marker(line: bytes) -> bool:
    """A line git's merge of a file would take for one of its conflict markers (seven
    characters; the longer ones of a criss-cross merge's virtual ancestor are not)."""
    head, rest = line[:7], line[7:]
    if head in (b"<<<<<<<", b">>>>>>>", b"|||||||"):
        return rest[:1] in (b"", b" ", b"\r")
    return head == b"=======" and rest in (b"", b"\r")


def _resolves(
    repo: pygit2.Repository,
    entries: tuple[pygit2.IndexEntry | None, ...],
    resolved: pygit2.Object | None,
) -> bool:
    """Whether a conflicted file's resolution changes only the lines in conflict: outside
    them it is git's merge, line for line, with the mode git's merge gives. A deleted file,
    a binary or non-UTF-8 one, a link, or one whose own lines look like conflict markers
    may only be resolved as one side has it."""
    ancestor, ours, theirs = entries
    sides = [e for e in (ours, theirs) if e is not None]
    if resolved is None:
        return len(sides) < 2  # one side deleted it: deleting it is that side's version
    as_a_side = any(resolved.id == e.id and resolved.filemode == e.mode for e in sides)
    if ours is None or theirs is None or resolved.filemode not in _TEXT_MODES:
        return as_a_side
    if ours.mode not in _TEXT_MODES or theirs.mode not in _TEXT_MODES:
        return as_a_side
    if resolved.filemode not in _merged_modes(ancestor, ours, theirs):
        return False
    blobs = [repo[e.id].read_raw() for e in (ancestor, ours, theirs) if e is not None]
    mine = repo[resolved.id].read_raw()
    if any(b"\0" in data[:8000] for data in (*blobs, mine)):
        return as_a_side
    if any(_is_marker(line) for data in blobs for line in data.split(b"\n")):
        return as_a_side
    try:
        merged = repo.merge_file_from_index(ancestor, ours, theirs).contents
        text = mine.decode("utf-8")
    except UnicodeDecodeError:  # text in another encoding: the same merge, byte for byte
        base = repo[ancestor.id].read_raw() if ancestor is not None else b""
        raw = merge_file(base, repo[ours.id].read_raw(), repo[theirs.id].read_raw())
        if raw is None:
            return as_a_side
        merged, text = raw.decode("latin-1"), mine.decode("latin-1")
    # Not "as a side": taking one side's whole file drops the other's clean changes.
    return _outside_conflicts_equal(merged, text)


def _merged_modes(
    ancestor: pygit2.IndexEntry | None, ours: pygit2.IndexEntry, theirs: pygit2.IndexEntry
) -> set[int]:
    """The file modes git's merge may give: the side that changed it, or either when both
    did (a conflict of modes the resolution decides)."""
    if ancestor is not None and ours.mode == ancestor.mode:
        return {theirs.mode}
    if ancestor is not None and theirs.mode == ancestor.mode:
        return {ours.mode}
    return {ours.mode, theirs.mode}


_TEXT_MODES = (pygit2.enums.FileMode.BLOB, pygit2.enums.FileMode.BLOB_EXECUTABLE)


def _outside_conflicts_equal(merged: str, resolved: str) -> bool:
    """Whether ``resolved`` holds every line of ``merged`` outside its conflict blocks, in
    order, and nothing else there: each block may become anything, and only a block."""
    pieces: list[str | None] = []  # text outside conflicts; None for a block
    clean: list[str] = []
    inside = False
    for line in _lines(merged):
        if not inside and line.startswith("<<<<<<< "):
            pieces += ["".join(clean), None]
            clean, inside = [], True
        elif inside and line.startswith(">>>>>>> "):
            inside = False
        elif not inside:
            clean.append(line)
    if inside:
        return False
    pieces.append("".join(clean))
    texts = [p for p in pieces if p is not None]  # the text between blocks, in order
    first, last = texts[0], texts[-1]
    if not resolved.startswith(first):
        return False
    at = len(first)
    if len(texts) == 1:
        return resolved == first
    for piece in texts[1:-1]:
        if piece:
            found = resolved.find(piece, at)
            if found < 0:
                return False
            at = found + len(piece)
    return resolved.endswith(last) and len(resolved) - len(last) >= at


def _lines(text: str) -> list[str]:
    """The lines of a file, each with its end: split at "\\n" alone, as git does (not at
    the other line breaks ``str.splitlines`` knows)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _unreadable(repo: pygit2.Repository, commit_id: str, error: Exception) -> tuple[str, ...]:
    """A merge whose parents' trees cannot be read is not taken for a clean one: an error,
    except in a shallow clone, whose missing history the server has and judges."""
    if repo.is_shallow:
        return ()
    raise RepoError(f"cannot verify the merge {commit_id[:12]}: {error}") from error


UNVERIFIABLE = "(every path: an octopus merge whose parents do not merge cleanly)"


def _octopus_own_changes(
    repo: pygit2.Repository, commit: pygit2.Commit, limit: int
) -> tuple[str, ...]:
    """As ``merge_own_changes``, for a merge of three or more parents: git merges them one
    by one into the first, and refuses when any conflicts, so a clean result is the only
    one its merge can have made."""
    try:
        first = commit.parents[0]
        tree = first.tree
        for other in commit.parents[1:]:
            base_id = repo.merge_base(first.id, other.id)
            base = repo[base_id].peel(pygit2.Tree) if base_id is not None else None
            index = repo.merge_trees(base, tree, other.tree)
            if index.conflicts is not None:
                return (UNVERIFIABLE,)
            tree = repo[index.write_tree(repo)].peel(pygit2.Tree)
        if tree.id == commit.tree_id:
            return ()
        diff = tree.diff_to_tree(commit.tree)
    except (pygit2.GitError, KeyError, ValueError) as error:
        return _unreadable(repo, str(commit.id), error)
    paths = sorted({d.new_file.path for d in diff.deltas} | {d.old_file.path for d in diff.deltas})
    return tuple(paths[:limit])


def merge_base(repo: pygit2.Repository, a: str, b: str) -> str | None:
    try:
        found = repo.merge_base(a, b)
    except (pygit2.GitError, KeyError, ValueError):
        return None
    return str(found) if found is not None else None
