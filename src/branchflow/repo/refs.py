"""Branches and tags as plain data: what every check that looks at refs starts from.

``read_snapshot`` takes them, with the commit each points at and that commit's date,
from one ``git for-each-ref``, so a command that needs nothing else (the audit) never
loads pygit2.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import NamedTuple

from branchflow.errors import RepoError
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.gitcmd import GitJob
from branchflow.repo.merge_message import strip_remote
from branchflow.repo.state import RepoLocation, decode


class BranchTip(NamedTuple):
    ref: str  # refs/heads/develop, refs/remotes/origin/develop
    name: str  # develop (the remote's name removed)
    remote: str | None  # origin, or None for a local branch
    target: str  # the commit id

    @property
    def shown(self) -> str:
        """How git commands name it: develop, origin/develop."""
        return self.name if self.remote is None else f"{self.remote}/{self.name}"


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


class RefSnapshot(NamedTuple):
    tips: list[BranchTip]
    tags: dict[str, str]  # tag name -> the commit it marks
    times: dict[str, int]  # commit id -> committer time, for every commit a ref marks
    remotes: tuple[str, ...]
    shallow: bool


# objectname, type, and the same of the object a tag points at; the commit's date either way.
_FORMAT = (
    "%(objectname) %(objecttype) %(*objectname) %(*objecttype) "
    "%(committerdate:unix) %(*committerdate:unix) %(refname)"
)


def read_snapshot(location: RepoLocation) -> RefSnapshot:
    """Every branch and tag, with the commits they mark, from ``git for-each-ref``."""
    cwd = location.work_tree or location.git_dir
    try:
        listing = GitJob(
            ["for-each-ref", f"--format={_FORMAT}", "refs/heads", "refs/remotes", "refs/tags"],
            cwd,
        )
        remote_list = GitJob(["remote"], cwd)
    except OSError as exc:
        raise RepoError(f"cannot run git: {exc}") from None
    out = listing.result()
    names = remote_list.result()
    if out is None:
        raise RepoError(f"git for-each-ref failed in {cwd}")
    remotes = tuple(decode(names or b"").split())
    branch_refs: list[tuple[str, str]] = []
    tags: dict[str, str] = {}
    times: dict[str, int] = {}
    for line in decode(out).splitlines():
        fields = line.split(" ", 6)
        if len(fields) != 7:
            continue
        target, kind, peeled, peeled_kind, when, peeled_when, ref = fields
        if kind == "tag":
            if peeled_kind != "commit":
                continue  # a tag of a tree, a blob or another tag: marks no commit here
            target, when = peeled, peeled_when
        elif kind != "commit":
            continue
        times[target] = int(when or 0)
        if ref.startswith("refs/tags/"):
            tags[ref[len("refs/tags/") :]] = target
        else:
            branch_refs.append((ref, target))
    shallow = os.path.isfile(os.path.join(location.common_dir, "shallow"))
    return RefSnapshot(tips_from_refs(branch_refs, remotes), tags, times, remotes, shallow)


class Branches:
    """A repository's branches seen through a policy: their types, the long-lived ones, and
    an existing branch of a type for the commands in hints. Each answer is worked out once.

    The tips are given, or read on first use by ``read_tips`` (which subclasses provide).
    """

    def __init__(self, policy: CompiledPolicy, tips: list[BranchTip] | None = None) -> None:
        self.policy = policy
        self._tips = tips
        self._types: dict[str, BranchRule | None] = {}
        self._existing: dict[str, BranchTip | None] = {}
        self._long_lived_prefixes = tuple(
            p.prefix for rule in policy.branches if rule.long_lived for p in rule.patterns
        )

    def read_tips(self) -> list[BranchTip]:
        return []

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
            found = self.policy.classify(name)
            rule = self._types[name] = found.rule if found is not None else None
            return rule

    def is_long_lived(self, name: str) -> bool:
        if not name.startswith(self._long_lived_prefixes):
            return False  # no long-lived pattern could match: skip classifying it
        rule = self.type_of(name)
        return rule is not None and rule.long_lived

    def local_tip(self, branch: str) -> str | None:
        ref = f"refs/heads/{branch}"
        return next((t.target for t in self.tips if t.ref == ref), None)

    def any_tip(self, branch: str) -> str | None:
        """The branch's commit, local or remote-tracking."""
        return next((t.target for t in self.tips if t.name == branch), None)

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
        self._existing[type_name] = found
        return found

    def existing_names(self, type_names: tuple[str, ...]) -> dict[str, str]:
        found = {name: self.existing(name) for name in type_names}
        return {name: tip.shown for name, tip in found.items() if tip is not None}
