"""A repository's branches as the policy sees them: their types, the long-lived and
protected ones, and a branch of a type for the commands in hints (the ``RefView`` the
checks ask). Plain data in, answers out: the tips are given, or read by a subclass
(``repo.session.RepoSession``) on first use."""

from __future__ import annotations

from branchflow.facts import BranchTip
from branchflow.policy.compiled import BranchRule, CompiledPolicy


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
        # who pushes ({pusher}'s spelling), where the policy names personal branches: hints
        # about someone else's personal branch send them the commits instead
        self.pusher: str | None = None
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

    def remote_name_of(self, name: str) -> str | None:
        """Answered where the repository's configuration can be read (``RepoSession``)."""
        return None

    def branch_of_type(self, type_name: str) -> str | None:
        found = self.existing(type_name)
        return self.shown(found) if found is not None else None

    def existing_names(self, type_names: tuple[str, ...]) -> dict[str, str]:
        found = {name: self.existing(name) for name in type_names}
        return {name: self.shown(tip) for name, tip in found.items() if tip is not None}
