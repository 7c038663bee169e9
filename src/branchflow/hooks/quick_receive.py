"""The server's quick path: the pushes a team makes all day, accepted with git's own
commands and the cached policy, before pygit2 is imported (its import alone costs a push
about 130 ms).

It only ever accepts, and only what the full judgment (``pre_receive``) accepts with
nothing to say; anything else, or anything it cannot tell, is judged in full. What it
accepts, for branches of a topic type (not long-lived, not protected, no write-up asked,
merged only by merge commits), whose names hold no one else's ``{pusher}``:

- an update that only adds commits of one parent each (a fast-forward with no merges);
- a deletion;
- a creation whose new first-parent commits, one parent each, rest on a commit that a
  long-lived branch of a type it is made from holds, that no long-lived branch of another
  type has on its first-parent line (a feature cut from develop, at its tip or since
  moved on, before or after a release took that commit to main; where a finished release
  branch still points, or an empty feature).

And for a long-lived branch that takes merges only and is not the one whose policy rules
(develop): an update that adds only merges of two parents, each naming branches the
server has (or gets in this push) holding what it merged, of types that may go there, and
each one's tree what any merge of its parents gives, with the two sides' changes to
different files (a finished feature merged into develop).

The policy comes from the entry the full judgment leaves for the ruling branch's commit
(``cache.ruling_key``): no entry, no quick path.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from branchflow.facts import MergeSource, NewCommit, RefUpdate
from branchflow.policy import cache
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo import receiving
from branchflow.repo.merge_message import parse_merge_message
from branchflow.repo.state import (
    CLOCK_SKEW,
    decode,
    is_object_id,
    is_zero,
    locate,
    read_text,
)

RULING_FALLBACKS = ("main", "master")  # where HEAD names no branch, these rule (in order)
LIMIT = 256  # new commits the quick path looks at; more are judged in full
MAX_REFS = 32


class _Server(NamedTuple):
    """The receiving repository, as the quick path's questions need it."""

    place: str  # its git directory, resolved
    tips: dict[str, str]  # each branch and its commit, before the push
    after: dict[str, str]  # each pushed branch and its new commit (zeros: deleted)
    pusher: str | None  # the authenticated pusher's name, where the policy names one


def parse_receive_lines(raw: bytes) -> tuple[list[RefUpdate], list[str]]:
    """pre-receive's ``<old> <new> <ref>`` lines, and those that are not such a line."""
    updates, bad = [], []
    for line in decode(raw).split("\n"):  # not splitlines: U+2028 may be in a ref name
        parts = line.split(" ", 2)
        if len(parts) == 3 and all(is_object_id(p) for p in parts[:2]) and parts[2]:
            updates.append(RefUpdate("", parts[1], parts[2], parts[0]))
        elif line.strip():
            bad.append(line)
    return updates, bad


def head_ref(git_dir: str) -> str | None:
    """The branch HEAD names; None when it names none (detached, unreadable): the full
    judgment then says so on every push."""
    text = read_text(os.path.join(git_dir, "HEAD")) or ""
    return text[len("ref: ") :].strip() if text.startswith("ref: refs/heads/") else None


def accepted(raw: bytes, config: str | None, preset: str | None) -> bool:
    """Whether the push is surely accepted with nothing to say (and then says what the
    full judgment would have noted about the policy's origin)."""
    if config or preset or os.environ.get("BRANCHFLOW_CONFIG"):
        return False
    updates, bad = parse_receive_lines(raw)
    if bad or not updates or len(updates) > MAX_REFS:
        return False
    location = locate()
    if location is None or os.path.exists(os.path.join(location.common_dir, "shallow")):
        return False
    place = os.path.realpath(location.common_dir)
    cache.fallback_dir = os.path.join(location.common_dir, "branchflow-cache")
    tips = receiving.branch_tips(place)
    if tips is None:
        return False
    head = head_ref(location.common_dir)
    if head is None:
        return False
    candidates = (head, *(f"refs/heads/{b}" for b in RULING_FALLBACKS if f"refs/heads/{b}" != head))
    ruling = next((r for r in candidates if r.removeprefix("refs/heads/") in tips), None)
    if ruling is None:
        return False
    tip = tips[ruling.removeprefix("refs/heads/")]
    entry = cache.lookup(cache.ruling_key(place, head, ruling, tip))
    policy = CompiledPolicy.from_cache(entry.policy) if entry is not None else None
    if entry is None or policy is None:
        return False
    pusher = None
    if policy.names_pusher:
        from branchflow.hooks.identity import server_pusher

        pusher = server_pusher(os.environ).slug
    pushed = [u.new for u in updates if not is_zero(u.new)]
    if pushed and not receiving.all_commits(place, pushed):
        return False  # a tag object or a tree as a branch: the full judgment says BF001
    after = {u.remote_ref[len("refs/heads/") :]: u.new for u in updates}
    server = _Server(place, tips, after, pusher)
    carried: str | None = None  # the ruling branch's new commit, its policy files as they were
    for update in updates:
        if not update.remote_ref.startswith("refs/heads/"):
            return False
        if update.remote_ref in (ruling, head):
            # the ruling branch (develop as the default branch) moved on by merges that
            # leave every file its policy was read from as it was: the same policy rules
            if update.remote_ref != ruling or ruling != head or not entry.files:
                return False
            files = list(entry.files)
            if (
                is_zero(update.new)
                or not receiving.unchanged(place, update.old, update.new, files)
                or not receiving.without_links(place, update.new, files)
            ):
                return False
            carried = update.new
        if not _surely_fine(policy, update, server):
            return False
    if carried is not None:
        key = cache.ruling_key(place, head, ruling, carried)
        if cache.lookup(key) is None:
            cache.store(
                cache.CacheEntry(key, (), entry.policy, entry.warnings, {}, files=entry.files)
            )
    if entry.warnings and entry.warnings[0]:
        from branchflow.report import note

        note(entry.warnings[0])
    return True


def _surely_fine(policy: CompiledPolicy, update: RefUpdate, server: _Server) -> bool:
    place, pusher = server.place, server.pusher
    branch = update.remote_ref[len("refs/heads/") :]
    match = policy.classify(branch)
    if match is None or match.rule is None:
        return False
    if _merged_only(match.rule) and not match.values_of("pusher"):
        return _merged_into(policy, match.rule, branch, update, server)
    if not _topic(match.rule):
        return False
    owners = match.values_of("pusher")
    if owners and (pusher is None or owners != {pusher}):
        return False
    if is_zero(update.new):
        return True  # a topic branch deleted by whoever may push it
    if is_zero(update.old):
        return _cut_at_its_base(policy, match.rule, update.new, server)
    if update.old == update.new:
        return True
    if not receiving.holds(place, update.old, update.new):
        return False  # rewritten: judged in full
    commits = receiving.added(place, update.old, update.new, LIMIT)
    if commits is None or len(commits) > LIMIT or any(len(c) != 2 for c in commits):
        return False
    return receiving.read_commits(place, [c[0] for c in commits]) is not None


def _topic(rule: BranchRule) -> bool:
    return not (
        rule.long_lived or rule.protection or rule.documented_in or rule.merge_methods != ("merge",)
    )


def _cut_at_its_base(policy: CompiledPolicy, rule: BranchRule, new: str, server: _Server) -> bool:
    place, tips = server.place, server.tips
    line = receiving.new_line(place, new, tips.values(), LIMIT)
    if not line or len(line) > LIMIT or any(len(c) != 2 for c in line):
        return False  # nothing new, too much, a merge or a root: judged in full
    if receiving.read_commits(place, [c[0] for c in line]) is None:
        return False  # a commit the full judgment cannot read: it says so (BF001)
    fork = line[-1][1]
    prefixes = tuple(p.prefix for r in policy.branches if r.long_lived for p in r.patterns)
    long_lived = {
        name: found
        for name in tips
        if name.startswith(prefixes) and (found := policy.type_of(name)) and found.long_lived
    }
    allowed = {name for name, found in long_lived.items() if found.name in rule.from_}
    # The long-lived branches that hold the fork are those it may have been cut from; the
    # full judgment names among them the ones whose first-parent line it is on, or all of
    # them when it is on none (develop's commits that a release brought to main), and is
    # content when one named is of a type it may be made from.
    holding = receiving.holders(place, fork, long_lived)
    if not holding or not any(name in allowed for name in holding):
        return False
    # A fork dated more than a day after every long-lived tip the full judgment takes for
    # one no long-lived branch holds (clocks run ahead): it looks further down, and may
    # name another base. That is its question too.
    times = receiving.commit_times(place, [fork, *(tips[name] for name in long_lived)])
    if times is None or fork not in times:
        return False
    newest = max((times.get(tips[name], 0) for name in long_lived), default=0)
    if times[fork] > newest + CLOCK_SKEW:
        return False
    # Held by others too: fine while it is on none of their first-parent lines, as the full
    # judgment walks them (down to the first commit older than the fork). A fork on main's
    # own line (a feature cut from main, which develop merged since) is its question.
    for name in holding:
        if name not in allowed:
            walked = receiving.first_parents_since(place, tips[name], times[fork], LIMIT)
            if walked is None or len(walked) > LIMIT or fork in walked:
                return False
    return True


def _merged_only(rule: BranchRule) -> bool:
    """A long-lived branch that takes merges only, and asks no write-up (develop, main)."""
    return rule.long_lived and rule.protection == "merges" and not rule.documented_in


def _merged_into(
    policy: CompiledPolicy, rule: BranchRule, branch: str, update: RefUpdate, server: _Server
) -> bool:
    """A protected branch moved on by merges only (a finished feature merged into develop),
    each of a branch the server has, or gets in this push, holding what was merged, of a type
    that may go there, and carrying nothing but what git's merge of its parents gives: the
    full judgment's BF201, BF202, BF205 and BF206 have nothing to say."""
    place, tips = server.place, server.tips
    if is_zero(update.old) or is_zero(update.new) or update.old == update.new:
        return False  # made or deleted: the full judgment's question
    if any(target == update.new for name, target in tips.items() if name != branch):
        return False  # moved to another branch's tip: a fast-forward, judged in full
    if not receiving.holds(place, update.old, update.new):
        return False  # rewritten
    line = receiving.new_line(place, update.new, [update.old], LIMIT)
    if not line or len(line) > LIMIT or any(len(c) != 3 for c in line):
        return False  # a commit made on it, an octopus, or too many
    found = receiving.read_commits(place, [c[0] for c in line])
    if found is None:
        return False
    commits = []
    for commit_id, *_ in line:
        raw = found[commit_id]
        sources = _named_sources(raw.message, branch)
        if sources is None or not all(
            _holds_merged(s.name, raw.parents[1], branch, update.old, server) for s in sources
        ):
            return False
        summary = raw.message.split("\n", 1)[0]
        commits.append(
            NewCommit(commit_id, raw.parents, summary, sources, None, raw.committer_email)
        )
    if not all(_git_merge_of_parents(place, c.id, *c.parents) for c in commits):
        return False  # what BF205 asks, beyond what these commands can tell
    from branchflow.checks.push import check_new_commits

    judged = check_new_commits(
        policy, branch, rule, commits, upstream=f"origin/{branch}", fast_forward_of=[]
    )
    return not judged


def _named_sources(message: str, branch: str) -> tuple[MergeSource, ...] | None:
    """The branches a merge message names, as the full judgment reads them; None for one it
    reads otherwise (a tag, a commit, a remote's branch, another owner's, a pull request).
    ``branch`` itself from wherever (``git pull``'s "Merge branch 'develop' of <url>") is a
    sync, whoever's URL it names."""
    first = message.split("\n", 1)[0]
    if "remote-tracking branch" in first or "remote branch" in first:
        return None  # read against the server's remotes (a name holds no space)
    sources = parse_merge_message(message)
    if not sources or any(s.kind != "branch" or (s.owner and s.name != branch) for s in sources):
        return None
    return sources


def _holds_merged(name: str, merged: str, branch: str, old: str, server: _Server) -> bool:
    """Whether the branch a merge names holds the commit it merged once the push lands (its
    own name: ``git pull``'s merge, of commits the branch already had)."""
    if name == branch:
        return receiving.holds(server.place, merged, old)
    tip = server.after.get(name)
    if tip is None or is_zero(tip):
        tip = server.tips.get(name)
    return tip is not None and receiving.holds(server.place, merged, tip)


def _git_merge_of_parents(place: str, merge: str, first: str, second: str) -> bool:
    """Whether the merge's tree is what any merge of its parents gives, without a line
    merged: one merge base, the two sides changed files apart, and each file as the side
    that changed it has it (else as both have it). That is what the full judgment's merge of
    the parents gives too, with nothing left of the merge's own (BF205)."""
    bases = receiving.merge_bases(place, first, second)
    if bases is None or len(bases) != 1:
        return False
    base = bases[0]
    changes = receiving.tree_changes(
        place, [(first, merge), (second, merge), (base, first), (base, second)]
    )
    if changes is None:
        return False
    not_first, not_second, by_first, by_second = (set(c) for c in changes)
    return not (
        by_first & by_second
        or not_first & not_second
        or not_first & by_first
        or not_second & by_second
    )
