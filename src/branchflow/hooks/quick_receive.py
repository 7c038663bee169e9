"""The server's quick path: the pushes a team makes all day, accepted with git's own
commands and the cached policy, before pygit2 is imported (its import alone costs a push
about 130 ms).

It only ever accepts, and only what the full judgment (``pre_receive``) accepts with
nothing to say; anything else, or anything it cannot tell, is judged in full. What it
accepts, for branches of a topic type (not long-lived, not protected, no write-up asked,
merged only by merge commits), whose names hold no one else's ``{pusher}``:

- an update that only adds commits of one parent each (a fast-forward with no merges);
- a deletion;
- a creation whose new first-parent commits, one parent each, rest on a commit that only
  long-lived branches of the types it is made from hold, and at which no other branch
  points (a feature cut from develop, at its tip or since moved on, while main does not
  hold that commit).

The policy comes from the entry the full judgment leaves for the ruling branch's commit
(``cache.ruling_key``): no entry, no quick path.
"""

from __future__ import annotations

import os

from branchflow.facts import RefUpdate
from branchflow.policy import cache
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo import receiving
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
    for update in updates:
        if update.remote_ref in (ruling, head) or not update.remote_ref.startswith("refs/heads/"):
            return False
        if not _surely_fine(policy, update, place, tips, pusher):
            return False
    if entry.warnings and entry.warnings[0]:
        from branchflow.report import note

        note(entry.warnings[0])
    return True


def _surely_fine(
    policy: CompiledPolicy,
    update: RefUpdate,
    place: str,
    tips: dict[str, str],
    pusher: str | None,
) -> bool:
    branch = update.remote_ref[len("refs/heads/") :]
    match = policy.classify(branch)
    if match is None or match.rule is None or not _topic(match.rule):
        return False
    owners = match.values_of("pusher")
    if owners and (pusher is None or owners != {pusher}):
        return False
    if is_zero(update.new):
        return True  # a topic branch deleted by whoever may push it
    if is_zero(update.old):
        return _cut_at_its_base(policy, match.rule, update.new, place, tips)
    if update.old == update.new:
        return True
    if not receiving.holds(place, update.old, update.new):
        return False  # rewritten: judged in full
    commits = receiving.added(place, update.old, update.new, LIMIT)
    return commits is not None and len(commits) <= LIMIT and all(len(c) == 2 for c in commits)


def _topic(rule: BranchRule) -> bool:
    return not (
        rule.long_lived or rule.protection or rule.documented_in or rule.merge_methods != ("merge",)
    )


def _cut_at_its_base(
    policy: CompiledPolicy, rule: BranchRule, new: str, place: str, tips: dict[str, str]
) -> bool:
    line = receiving.new_line(place, new, tips.values(), LIMIT)
    if not line or len(line) > LIMIT or any(len(c) != 2 for c in line):
        return False  # nothing new, too much, a merge or a root: judged in full
    fork = line[-1][1]
    prefixes = tuple(p.prefix for r in policy.branches if r.long_lived for p in r.patterns)
    long_lived = {
        name: found
        for name in tips
        if name.startswith(prefixes) and (found := policy.type_of(name)) and found.long_lived
    }
    allowed = {name for name, found in long_lived.items() if found.name in rule.from_}
    if any(target == fork and name not in allowed for name, target in tips.items()):
        return False  # another branch's tip is where it forks: the full judgment weighs it
    # The long-lived branches that hold the fork are where it was cut from: all of them of
    # a type it may be made from (main holding develop's older commits after a release is
    # the full judgment's question: which line the fork is on)
    holding = receiving.holders(place, fork, long_lived)
    if not holding or not all(name in allowed for name in holding):
        return False
    # A fork dated more than a day after every long-lived tip the full judgment takes for
    # one no long-lived branch holds (clocks run ahead): it looks further down, and may
    # name another base. That is its question too.
    times = receiving.commit_times(place, [fork, *(tips[name] for name in long_lived)])
    if times is None or fork not in times:
        return False
    newest = max((times.get(tips[name], 0) for name in long_lived), default=0)
    return times[fork] <= newest + CLOCK_SKEW
