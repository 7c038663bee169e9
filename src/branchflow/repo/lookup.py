"""Repository facts that need pygit2 (or git itself): merge sources, refs, HEAD fallbacks.

Imported only on paths that need it; pygit2 costs ~150 ms to import.
"""

from __future__ import annotations

import os

import pygit2

from branchflow.errors import RepoError
from branchflow.facts import BranchTip, MergeSource
from branchflow.repo.gitcmd import run_git
from branchflow.repo.merge_message import parse_merge_message, strip_remote
from branchflow.repo.refs import tips_from_refs
from branchflow.repo.state import (
    HeadState,
    RepoLocation,
    decode,
    is_object_id,
    operation_in_progress,
    read_text,
)


def open_repository(location: RepoLocation) -> pygit2.Repository:
    """The repository, seeing the objects of a push still in quarantine.

    While pre-receive runs, git keeps the pushed objects in a quarantine directory named
    by GIT_OBJECT_DIRECTORY (the repository's own store moves to
    GIT_ALTERNATE_OBJECT_DIRECTORIES); libgit2 reads neither variable by itself.
    """
    try:
        repo = pygit2.Repository(location.git_dir)
    except pygit2.GitError as exc:
        refused = _git_refuses(location) if "not owned by current user" in str(exc) else str(exc)
        if refused:
            raise RepoError(
                f"cannot open the repository at {location.git_dir}: {refused}"
            ) from None
        # git trusts it (safe.directory, also given through GIT_CONFIG_* variables as a
        # hosting service does, which libgit2 does not read): git's word decides.
        pygit2.settings.owner_validation = False
        try:
            repo = pygit2.Repository(location.git_dir)
        finally:
            pygit2.settings.owner_validation = True
    extra = [os.environ.get("GIT_OBJECT_DIRECTORY", "")]
    extra += os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES", "").split(os.pathsep)
    own = os.path.realpath(os.path.join(location.common_dir, "objects"))
    for directory in filter(None, extra):
        path = os.path.realpath(os.path.join(location.git_dir, directory))
        if path != own and os.path.isdir(path):
            repo.odb.add_disk_alternate(path)
    return repo


def _git_refuses(location: RepoLocation) -> str:
    """Why git itself will not open the repository here ("" when it does): its ownership
    check, with the safe.directory line that lifts it."""
    from branchflow.repo.gitcmd import GitJob

    job = GitJob(["rev-parse", "--git-dir"], location.git_dir)
    return "" if job.result() is not None else job.error


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
    message = read_text(os.path.join(location.git_dir, "MERGE_MSG")) or ""
    named = parse_merge_message(message, remotes)
    if named:
        return named
    heads = (read_text(os.path.join(location.git_dir, "MERGE_HEAD")) or "").split()
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


def branch_tips(repo: pygit2.Repository, location: RepoLocation | None = None) -> list[BranchTip]:
    """Every local and remote-tracking branch and the commit it points at.

    Read from packed-refs and the loose ref files when the repository keeps its refs
    that way (a thousand pygit2 lookups cost tens of milliseconds); through pygit2
    otherwise (reftable).
    """
    found = _file_refs(location) if location is not None else None
    if found is None:
        found = _pygit2_refs(repo)
    return tips_from_refs(found.items(), remote_names(repo))


def _file_refs(location: RepoLocation) -> dict[str, str] | None:
    """refs/heads and refs/remotes from the files backend; None when refs live elsewhere."""
    common = location.common_dir
    if os.path.isdir(os.path.join(common, "reftable")):
        return None
    refs: dict[str, str] = {}
    for number, line in enumerate(
        (read_text(os.path.join(common, "packed-refs")) or "").split("\n"), 1
    ):
        if line[:1] in ("#", "^") or not line:
            continue
        target, _, ref = line.partition(" ")
        if not ref or not is_object_id(target):
            raise RepoError(
                f"packed-refs, line {number}: {line[:60]!r} is not '<object id> <ref>'; git "
                "cannot read this repository's refs either (git show-ref)"
            )
        if ref.startswith(("refs/heads/", "refs/remotes/")):
            refs[ref] = target
    for top in ("refs/heads", "refs/remotes"):
        base = os.path.join(common, top)
        for directory, _, files in os.walk(base):
            for file in files:
                path = os.path.join(directory, file)
                content = (read_text(path) or "").strip()
                if content.startswith("ref:") or not content:
                    continue  # symbolic (origin/HEAD) or being written
                ref = top + "/" + os.path.relpath(path, base).replace(os.sep, "/")
                refs[ref] = content
    return refs


def _pygit2_refs(repo: pygit2.Repository) -> dict[str, str]:
    refs = {}
    try:
        names = repo.raw_listall_references()
    except pygit2.GitError as exc:
        raise RepoError(f"the repository's refs cannot be read: {exc}") from None
    for raw in names:
        ref = decode(raw)
        if not ref.startswith(("refs/heads/", "refs/remotes/")) or ref.endswith("/HEAD"):
            continue
        try:
            refs[ref] = str(repo.references[ref].peel(pygit2.Commit).id)
        except (pygit2.GitError, KeyError, ValueError, UnicodeError):
            continue  # a dangling ref, or a name libgit2 cannot take as text
    return refs


def branch_names(tips: list[BranchTip]) -> list[str]:
    """Local branches, then remote-tracking ones not also local (without the remote name)."""
    local = sorted(t.name for t in tips if t.remote is None)
    tracking = sorted({t.name for t in tips if t.remote is not None} - set(local))
    return local + tracking


def verified_tips(repo: pygit2.Repository, tips: list[BranchTip]) -> list[BranchTip]:
    """``tips``, each checked to point at a commit the repository has: a damaged ref or a
    missing object is an error that says which, never a branch quietly left out."""
    for tip in tips:
        if not is_object_id(tip.target):
            raise RepoError(
                f"{tip.ref}: holds {tip.target[:40]!r}, which is no object id (a damaged ref; "
                "git show-ref --verify says more)"
            )
        try:
            repo[tip.target].peel(pygit2.Commit)
        except (KeyError, ValueError):
            raise RepoError(
                f"{tip.ref} points at {tip.target[:12]}, a commit the repository does not have "
                "(missing or corrupt objects; git fsck says more)"
            ) from None
        except pygit2.GitError as exc:
            raise RepoError(
                f"{tip.ref}: its commit {tip.target[:12]} cannot be read: {exc}"
            ) from None
    return tips


def merge_sources_from_environment(
    repo: pygit2.Repository, location: RepoLocation, environ: dict[str, str]
) -> tuple[MergeSource, ...]:
    """What a merge about to be committed brings in, as pre-merge-commit sees it.

    git sets GITHEAD_<id>=<name as typed> for each merged commit; `git pull` sets the id
    itself, and FETCH_HEAD says which branch of which remote it came from.
    """
    remotes = remote_names(repo)
    heads = sorted(
        (key[len("GITHEAD_") :], value)
        for key, value in environ.items()
        if key.startswith("GITHEAD_")
    )
    fetched = _fetch_head(location)
    action = environ.get("GIT_REFLOG_ACTION", "")
    if not heads and action.startswith("merge "):
        for typed in action.split()[1:]:  # `merge <name>...`, as old git versions tell it
            target = _commit_of(repo, typed)
            if target is not None:
                heads.append((target, typed))
    sources = []
    for commit_id, typed in heads:
        if typed != commit_id:
            sources.append(resolve_name(repo, typed, commit_id, remotes))
        elif commit_id in fetched:
            sources.append(fetched[commit_id])
        else:
            sources.append(refs_at(repo, commit_id, remotes))
    return tuple(sources)


def _commit_of(repo: pygit2.Repository, revision: str) -> str | None:
    try:
        return str(repo.revparse_single(revision).peel(pygit2.Commit).id)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        return None


def resolve_name(
    repo: pygit2.Repository, typed: str, commit_id: str, remotes: tuple[str, ...]
) -> MergeSource:
    """A name as the user typed it (develop, origin/develop, v1.2.0) as a merge source."""
    kinds = (("refs/heads/", "branch"), ("refs/remotes/", "remote"), ("refs/tags/", "tag"))
    for prefix, kind in kinds:
        name = typed[len(prefix) :] if typed.startswith(prefix) else typed
        try:
            repo.references[prefix + name]
        except (KeyError, ValueError, pygit2.InvalidSpecError):
            continue
        if kind == "remote":
            return MergeSource(strip_remote(name, remotes), "branch")
        return MergeSource(name, kind)
    return refs_at(repo, commit_id, remotes)


def _fetch_head(location: RepoLocation) -> dict[str, MergeSource]:
    found = {}
    for line in (read_text(os.path.join(location.git_dir, "FETCH_HEAD")) or "").splitlines():
        commit_id, _, rest = line.partition("\t")
        marker, _, description = rest.partition("\t")
        if marker == "not-for-merge":
            continue
        parsed = parse_merge_message(f"Merge {description}")
        if parsed:
            found[commit_id] = parsed[0]
    return found
