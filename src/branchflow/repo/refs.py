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
from branchflow.policy.compiled import BranchRule, CompiledPolicy
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


class Branches:
    """A repository's branches seen through a policy: their types, the long-lived ones, and
    an existing branch of a type for the commands in hints. Each answer is worked out once.

    The tips are given, or read on first use by ``read_tips`` (which subclasses provide).
    """

    def __init__(
        self,
        policy: CompiledPolicy,
        tips: list[BranchTip] | None = None,
        owners: frozenset[str] | None = None,
        tag_names: set[str] | None = None,
    ) -> None:
        self.policy = policy
        self._tips = tips
        self._owners = owners
        self._tag_names = tag_names
        self._types: dict[str, BranchRule | None] = {}
        self._existing: dict[str, BranchTip | None] = {}
        self._by_name: dict[str, list[BranchTip]] | None = None
        self._long_lived_prefixes = tuple(
            p.prefix for rule in policy.branches if rule.long_lived for p in rule.patterns
        )
        self._protected_prefixes = tuple(
            p.prefix for rule in policy.branches if rule.protection for p in rule.patterns
        )
        # On a server, whose branches the pusher knows as remote-tracking ones: the remote's
        # name in the pusher's clone ("origin"), for the commands in hints
        self.pusher_remote: str | None = None
        self.pushed_tags: dict[str, str] = {}  # tags a push brings: name -> pushed object

    def read_tips(self) -> list[BranchTip]:
        return []

    def behind(self, local: BranchTip, tracking: BranchTip) -> bool:
        """Whether a local branch is strictly behind its remote-tracking branch (answered
        where the repository can be read)."""
        return False

    def shown(self, tip: BranchTip) -> str:
        """How the person the hints are for names the branch: develop, origin/develop."""
        if tip.remote is None and self.pusher_remote:
            return f"{self.pusher_remote}/{tip.name}"
        return tip.shown

    def read_owners(self) -> frozenset[str]:
        return frozenset()

    def read_tag_names(self) -> set[str]:
        return set()

    def has_tag(self, name: str) -> bool:
        if self._tag_names is None:
            self._tag_names = self.read_tag_names()
        return name in self._tag_names

    def reserve_tag(self, name: str) -> None:
        """Count a tag as taken from now on (a hint already proposes to make it)."""
        if self._tag_names is None:
            self._tag_names = self.read_tag_names()
        self._tag_names.add(name)

    @property
    def owners(self) -> frozenset[str]:
        """Who the repository belongs to, lowercase (the owners in its remotes' URLs)."""
        if self._owners is None:
            self._owners = self.read_owners()
        return self._owners

    @property
    def tips(self) -> list[BranchTip]:
        if self._tips is None:
            self._tips = self.read_tips()
        return self._tips

    def type_of(self, name: str) -> BranchRule | None:
        """The branch type of a name (None: no type, or exempt)."""
        try:
            return self._types[name]
        except KeyError:
            rule = self._types[name] = self.policy.type_of(name)
            return rule

    def is_long_lived(self, name: str) -> bool:
        if not name.startswith(self._long_lived_prefixes):
            return False  # no long-lived pattern could match: skip classifying it
        rule = self.type_of(name)
        return rule is not None and rule.long_lived

    def is_protected(self, name: str) -> bool:
        if not name.startswith(self._protected_prefixes):
            return False
        rule = self.type_of(name)
        return rule is not None and bool(rule.protection)

    def named(self, name: str) -> list[BranchTip]:
        """The branches called ``name``: the local one first, then remote-tracking ones
        (looked up, not searched: a repository may have tens of thousands)."""
        if self._by_name is None:
            index: dict[str, list[BranchTip]] = {}
            for tip in self.tips:
                index.setdefault(tip.name, []).append(tip)
            self._by_name = index
        return self._by_name.get(name, [])

    def local_tip(self, branch: str) -> str | None:
        return next((t.target for t in self.named(branch) if t.remote is None), None)

    def any_tip(self, branch: str) -> str | None:
        """The branch's commit, local or remote-tracking."""
        found = self.named(branch)
        return found[0].target if found else None

    def existing(self, type_name: str) -> BranchTip | None:
        """A branch of the type that exists (local preferred), for the commands in hints."""
        if type_name in self._existing:
            return self._existing[type_name]
        rule = self.policy.rule(type_name)
        found = None
        if rule is not None:
            prefixes = tuple(p.prefix for p in rule.patterns)
            for tip in sorted(self.tips, key=lambda t: t.remote is not None):
                if tip.name.startswith(prefixes) and self.type_of(tip.name) is rule:
                    found = tip
                    break
        if found is not None and found.remote is None:
            # a local main that was not pulled: a hint starting from it would miss the
            # releases the remote has; its remote-tracking branch is where to start
            tracking = next((t for t in self.named(found.name) if t.remote is not None), None)
            if tracking is not None and self.behind(found, tracking):
                found = tracking
        self._existing[type_name] = found
        return found

    def has_branch(self, name: str) -> bool:
        """Whether a local or remote-tracking branch has this name (hints avoid it)."""
        return bool(self.named(name))

    def shown_name(self, name: str) -> str | None:
        found = self.named(name)
        return self.shown(found[0]) if found else None

    def tip_of(self, name: str) -> str | None:
        """The commit of a branch named as git does (develop, origin/develop)."""
        found = self.any_tip(name)
        if found is not None or "/" not in name:
            return found
        return next((t.target for t in self.tips if self.shown(t) == name or t.shown == name), None)

    def branch_of_type(self, type_name: str) -> str | None:
        found = self.existing(type_name)
        return self.shown(found) if found is not None else None

    def existing_names(self, type_names: tuple[str, ...]) -> dict[str, str]:
        found = {name: self.existing(name) for name in type_names}
        return {name: self.shown(tip) for name, tip in found.items() if tip is not None}
