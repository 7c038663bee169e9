"""Hints are data: the commands that fix a violation, built from their parts.

A hint is a sequence of git commands (argument lists, quoted for the shell only when
shown) and, optionally, words that follow them ("then open a pull request"). Every
hint is made here from what it needs to know (the branch, the place the work should
go, where that place starts, the remote), never by editing another hint's text.

What a hint needs to know of the repository (which names are taken, which branch of a
type exists to start from) comes through ``RefView``; ``NO_REFS`` stands for a
repository that is not there (``branchflow check NAME`` outside one).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import NamedTuple, Protocol

from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.report import hidden

Argv = tuple[str, ...]


class Hint(NamedTuple):
    commands: tuple[Argv, ...] = ()
    then: str = ""  # what to do after the commands, in words ("open a pull request ...")

    def __str__(self) -> str:
        shown = " && ".join(" ".join(shell_word(arg) for arg in argv) for argv in self.commands)
        if shown and self.then:
            return f"{shown}  # then {self.then}"  # pasted whole, the words are a comment
        return shown or self.then

    @property
    def runnable(self) -> bool:
        """Whether the hint is commands alone (a test can run it and check the result)."""
        return bool(self.commands) and not self.then


def shell_word(arg: str) -> str:
    """``arg`` as one word for a POSIX shell, pasted as shown. A name with controls, marks
    that reorder text, or bytes that are not UTF-8 is written as bash's and zsh's
    ``$'...'`` with escapes, which prints safely and still names the same bytes."""
    if arg.isprintable() or not any(hidden(c) for c in arg):  # printable: nothing hidden
        return shlex.quote(arg)
    out = []
    for c in arg:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
            out.append(f"\\x{o - 0xDC00:02x}")
        elif hidden(c):
            out.append(
                f"\\x{o:02x}" if o < 0x80 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"
            )
        elif c in "\\'":
            out.append("\\" + c)
        else:
            out.append(c)
    return "$'" + "".join(out) + "'"


def git(*args: str) -> Argv:
    return ("git", *args)


def hint(*commands: Argv, then: str = "") -> Hint:
    return Hint(tuple(commands), then)


def words(text: str) -> Hint:
    """Advice that no command can carry out (write the experiment's report)."""
    return Hint((), text)


class RefView(Protocol):
    """What hints (and the judging of merges from forks) need to know of the repository."""

    @property
    def owners(self) -> frozenset[str]:
        """Who the repository belongs to (lowercase), from its remotes' URLs; may be empty."""
        ...

    @property
    def pusher(self) -> str | None:
        """Who pushes, as ``{pusher}`` spells it, where a policy names personal branches."""
        ...

    def has_branch(self, name: str) -> bool:
        """Whether a local or remote-tracking branch has this name (remote removed)."""
        ...

    def branch_of_type(self, type_name: str) -> str | None:
        """A branch of the type to start from, as git names it (develop, origin/develop)."""
        ...

    def has_tag(self, name: str) -> bool:
        """Whether a tag has this name."""
        ...

    def shown_name(self, name: str) -> str | None:
        """How git names the branch here: ``name`` when it is local, else ``origin/name``."""
        ...

    def tip_of(self, name: str) -> str | None:
        """The commit of the branch, by name (local, else remote-tracking) or as git names
        it (origin/develop)."""
        ...

    def remote_name_of(self, name: str) -> str | None:
        """The name the local branch was pushed under before `git branch -m` renamed it
        (a remote-tracking branch has it, no local branch does); None when none."""
        ...


class _NoRefs:
    owners: frozenset[str] = frozenset()
    pusher: str | None = None

    def has_branch(self, name: str) -> bool:
        return False

    def branch_of_type(self, type_name: str) -> str | None:
        return None

    def shown_name(self, name: str) -> str | None:
        return None

    def has_tag(self, name: str) -> bool:
        return False

    def tip_of(self, name: str) -> str | None:
        return None

    def remote_name_of(self, name: str) -> str | None:
        return None


NO_REFS: RefView = _NoRefs()


def free_name(
    name: str, refs: RefView, also_taken: Iterable[str] = (), *, own: str | None = None
) -> str:
    """``name``, or ``name-2``, ``name-3``... : the first that no branch has yet. ``own``:
    the upstream of the branch being renamed, free while no local branch has its name (a
    pushed branch renamed badly is renamed back)."""
    taken = set(also_taken)
    candidate, n = name, 1
    while (
        refs.has_branch(candidate) and not (candidate == own and refs.shown_name(own) != own)
    ) or candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    return candidate


class Place(NamedTuple):
    """Where work that may not land on a branch should go instead."""

    branch: str
    create: bool  # a new branch (else an existing long-lived one)
    start: str | None  # where a new branch starts; None: where the work is now
    type_name: str


def ahead_of(refs: RefView, name: str, remote: str) -> bool:
    """Whether the local ``name`` has commits ``remote`` has not got (it is not there, or
    not at the same commit): a merge of it needs it pushed along (BF206)."""
    local = refs.tip_of(name)
    return local is not None and local != refs.tip_of(f"{remote}/{name}")


def work_place(policy: CompiledPolicy, target: BranchRule, refs: RefView) -> Place | None:
    """A branch on which work meant for ``target`` may be committed, and from which it can
    reach ``target`` along the policy's edges: a new branch of a type created from it (a
    hotfix from main; one that merges back into it first), else of a type that feeds it (a
    feature for develop; for a staging branch fed only by develop, a feature for develop),
    else an unprotected long-lived branch that feeds it (solo's dev)."""
    creatable = _creatable_from(policy, target.name)
    # A type that merges straight back first: its pull request can go into ``target`` itself.
    creatable.sort(key=lambda r: target.name not in r.into)
    for rule in creatable:
        name = rule.generated_example
        if name:
            return Place(free_name(name, refs), True, None, rule.name)
    seen = {target.name}
    frontier = [target.name]
    while frontier:
        feeders = [
            r
            for name in frontier
            for r in policy.branches
            if r.name not in seen and policy.merge_allowed(r.name, name)
        ]
        for rule in feeders:
            if rule.long_lived or rule.protection or not rule.generated_example:
                continue
            start = next(filter(None, (refs.branch_of_type(t) for t in rule.from_)), None)
            if rule.from_ and start is None:
                continue
            return Place(free_name(rule.generated_example, refs), True, start, rule.name)
        for rule in feeders:
            if rule.long_lived and not rule.protection and rule.example:
                existing = refs.branch_of_type(rule.name)
                return Place(existing or rule.example, False, None, rule.name)
        seen.update(r.name for r in feeders)
        frontier = [r.name for r in feeders]
    return None


def _creatable_from(policy: CompiledPolicy, type_name: str) -> list[BranchRule]:
    """Short-lived, unprotected types whose branches are created from ``type_name``."""
    return [
        r for r in policy.branches if type_name in r.from_ and not r.long_lived and not r.protection
    ]


def switch_to(place: Place) -> tuple[Argv, ...]:
    """The commands that take staged work to ``place``: one switch when the branch starts
    where the work is, else the work stashed across the switch (git refuses to carry staged
    changes to a commit where those files differ), and staged again as it was."""
    if place.create and place.start is None:
        return (git("switch", "-c", place.branch),)
    return carrying_staged(git("switch", *_target(place)))


def carrying_staged(*commands: Argv) -> tuple[Argv, ...]:
    """``commands``, with the work in the index and the work tree put aside while they run
    and put back after, staged as it was (``--autostash`` would put it back unstaged)."""
    return (git("stash", "push", "--quiet"), *commands, git("stash", "pop", "--index", "--quiet"))


def move_commits(place: Place, branch: str, upstream: str) -> tuple[Argv, ...]:
    """The commands that take the commits ``branch`` has beyond ``upstream`` (its state on
    the remote) to ``place``, and put ``branch`` back where ``upstream`` is."""
    reset = git("branch", "-f", branch, upstream)
    if place.create and place.start is None:
        return (git("switch", "-c", place.branch, branch), reset)
    return (git("switch", *_target(place)), git("cherry-pick", f"{upstream}..{branch}"), reset)


def _target(place: Place) -> tuple[str, ...]:
    """What ``git switch`` is given to go to ``place``."""
    if place.create:
        return ("-c", place.branch, *([place.start] if place.start else []))
    return (place.branch,)
