"""Branches and tags as plain data: what every check that looks at refs starts from.

``read_snapshot`` takes them, with the commit each points at and that commit's date,
from one ``git for-each-ref``, so a command that needs nothing else (the audit) never
loads pygit2.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable

from branchflow.errors import RepoError
from branchflow.facts import BranchTip
from branchflow.repo.gitcmd import GitJob, git_env
from branchflow.repo.merge_message import repository_owners, strip_remote
from branchflow.repo.state import RepoLocation, decode


def tips_from_refs(refs: Iterable[tuple[str, str]], remotes: tuple[str, ...]) -> list[BranchTip]:
    """(full ref name, commit) pairs as branch tips, sorted by ref; other refs dropped."""
    tips = []
    for ref, target in sorted(refs):
        if ref.startswith("refs/heads/"):
            name, remote = ref[len("refs/heads/") :], None
        elif ref.startswith("refs/remotes/") and not ref.endswith("/HEAD"):
            full = ref[len("refs/remotes/") :]
            name = strip_remote(full, remotes)
            remote = full[: len(full) - len(name) - 1] or None
        else:
            continue
        tips.append(BranchTip(ref, name, remote, target))
    return tips


class RefSnapshot:
    """Every branch and tag and the commits they mark, read with ``git for-each-ref``.

    The branches come first (a listing that parses no commit); the tags, and the dates of
    the commits the refs mark, are read in the background and waited for when first used,
    so a caller can start its own work on the branches meanwhile.
    """

    def __init__(self, location: RepoLocation) -> None:
        cwd = location.work_tree or location.git_dir
        try:
            branches = GitJob(["for-each-ref", _BRANCHES, "refs/heads", "refs/remotes"], cwd)
            tags = GitJob(["for-each-ref", _TAGS, "refs/tags"], cwd)
            remote_list = GitJob(["remote"], cwd)
            urls = GitJob(["config", "--get-regexp", r"^remote\..*\.url$"], cwd)
        except OSError as exc:
            raise RepoError(f"cannot run git: {exc}") from None
        listing = branches.result()
        if listing is None:
            raise RepoError(f"cannot list the branches in {cwd}: {_why_listing_fails(cwd)}")
        self.remotes = tuple(decode(remote_list.result() or b"").split())
        self.owners = repository_owners(
            (line.partition(" ")[2] for line in decode(urls.result() or b"").splitlines()),
            os.environ,
        )
        refs = []
        for line in decode(listing).splitlines():
            target, kind, ref = line.split(" ", 2)
            if kind == "commit":  # a branch at a tree or a blob marks no commit
                refs.append((ref, target))
        self.tips = tips_from_refs(refs, self.remotes)
        self.shallow = os.path.isfile(os.path.join(location.common_dir, "shallow"))
        tip_ids = "".join(f"{t}\n" for t in sorted({t.target for t in self.tips}))
        self._tip_times: GitJob | None = GitJob(
            ["rev-list", "--no-walk=unsorted", "--timestamp", "--stdin"], cwd, tip_ids.encode()
        )
        self._tag_listing = tags
        self._cwd = cwd
        self._tags: dict[str, str] | None = None
        self._times: dict[str, int] = {}

    @property
    def tags(self) -> dict[str, str]:
        """Tag name -> the commit it marks (through any number of tags)."""
        if self._tags is None:
            self._tags = {}
            nested = []
            for line in decode(self._tag_listing.result() or b"").splitlines():
                fields = line.split(" ", 6)
                if len(fields) != 7:
                    continue
                target, kind, peeled, peeled_kind, when, peeled_when, ref = fields
                name = ref[len("refs/tags/") :]
                if kind == "tag" and peeled_kind == "tag":
                    nested.append(name)  # a tag of a tag: peeled below
                    continue
                if kind == "tag":
                    if peeled_kind != "commit":
                        continue  # a tag of a tree or a blob marks no commit
                    target, when = peeled, peeled_when
                elif kind != "commit":
                    continue
                self._times[target] = int(when or 0)
                self._tags[name] = target
            if nested:
                self._peel(nested)
        return self._tags

    def _peel(self, names: list[str]) -> None:
        """Tags of tags, to the commit at the end of the chain (and its date), if any."""
        assert self._tags is not None
        asked = "".join(f"refs/tags/{n}^{{commit}}\n" for n in names)
        out = GitJob(
            ["cat-file", "--batch-check=%(objectname) %(objecttype)"], self._cwd, asked.encode()
        ).result()
        found = {}
        for name, line in zip(names, decode(out or b"").splitlines(), strict=False):
            commit_id, _, kind = line.partition(" ")
            if kind == "commit":
                found[name] = commit_id
        if not found:
            return
        dated = GitJob(
            ["rev-list", "--no-walk=unsorted", "--timestamp", "--stdin"],
            self._cwd,
            "".join(f"{c}\n" for c in sorted(set(found.values()))).encode(),
        ).result()
        for line in decode(dated or b"").splitlines():
            when, _, commit_id = line.partition(" ")
            self._times[commit_id] = int(when or 0)
        self._tags.update(found)

    @property
    def times(self) -> dict[str, int]:
        """Commit id -> committer time, for every commit a branch or tag marks."""
        if self._tip_times is not None:
            _ = self.tags  # their commits' times come with them
            out = self._tip_times.result()
            self._tip_times = None
            for line in decode(out or b"").splitlines():
                when, _, commit_id = line.partition(" ")
                self._times[commit_id] = int(when or 0)
        return self._times


# A branch listing that reads nothing of an object but its type; tags with the commit each
# marks (the object a tag points at, peeled once) and that commit's date.
_BRANCHES = "--format=%(objectname) %(objecttype) %(refname)"
_TAGS = (
    "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) "
    "%(committerdate:unix) %(*committerdate:unix) %(refname)"
)


def _why_listing_fails(cwd: str) -> str:
    """git's own words for why it cannot list the branches (a ref at a missing object...)."""
    done = subprocess.run(
        ["git", "for-each-ref", _BRANCHES, "refs/heads", "refs/remotes"],
        cwd=cwd,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    lines = decode(done.stderr).strip().splitlines()
    return lines[-1].removeprefix("fatal: ") if lines else f"git exited with {done.returncode}"


def read_snapshot(location: RepoLocation) -> RefSnapshot:
    return RefSnapshot(location)
