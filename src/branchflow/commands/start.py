"""``branchflow start TYPE NAME [--from BRANCH]``: git-flow's start, driven by the policy.

Makes the branch name from the type's template (``start feature model-tuning``
-> ``feature/model-tuning``; ``start release 1.2.0`` -> ``release/v1.2.0``),
picks the base from the type's ``from`` edges (a local branch, else a
remote-tracking one), and creates the branch with git, so hooks and reflog
see an ordinary ``git switch -c``. Refuses, saying why, when it cannot.
"""

from __future__ import annotations

import argparse

from branchflow.checks.suggest import tidy_variants
from branchflow.commands.context import command_context
from branchflow.errors import EXIT_OK, ConfigError, RepoError
from branchflow.facts import BranchTip
from branchflow.policy.compiled import BranchRule, CompiledPolicy, NamePattern, match_patterns
from branchflow.repo.gitcmd import create_branch, narrow_remotes
from branchflow.repo.session import RepoSession
from branchflow.report import did_you_mean, note


def branch_name(
    policy: CompiledPolicy, rule: BranchRule, wanted: str, pusher: str | None = None
) -> str | None:
    """The first name of type ``rule`` made from ``wanted`` and the type's templates.

    A name made from a template counts only when that template accepts it, so the order of
    the templates decides the spelling: with ``hotfix/{slug}`` before ``hotfix/v{semver}``
    and ``hotfix/{semver}``, ``1.2.1`` makes ``hotfix/v1.2.1``. A template holding
    ``{pusher}`` is filled with ``pusher`` (``users/{pusher}/{slug}``: ``users/jdoe/...``),
    and makes nothing without one.
    """
    candidates: list[tuple[str, NamePattern | None]] = []
    for variant in [wanted, *tidy_variants(wanted)]:
        candidates.append((variant, None))
        for pattern in rule.patterns:
            prefix = pattern.prefix
            if "{pusher}" in pattern.source:
                if pusher is None:
                    continue
                filled = pattern.source.replace("{pusher}", pusher)
                prefix = filled[: filled.find("{")] if "{" in filled else filled
            candidates.append((prefix + variant, pattern))
            if variant[:1] in "vV" and pattern.prefix.endswith(("v", "V")):
                candidates.append((pattern.prefix + variant[1:], pattern))
    for candidate, made_by in candidates:
        found = policy.type_of(candidate)
        if found is None or found.name != rule.name:
            continue
        if made_by is None or match_patterns((made_by,), candidate) is not None:
            return candidate
    return None


def choose_base(session: RepoSession, rule: BranchRule, given: str | None) -> str:
    """The branch to start from: ``given`` if it is of an allowed type, else the one branch
    of the first ``from`` type that exists (local before remote-tracking)."""
    policy = session.policy
    if given is not None:
        tip = next((t for t in session.tips if t.shown == given), None)
        if tip is None:
            raise RepoError(f"there is no branch {given}")
        if not any(_of(policy, tip.name, t) for t in rule.from_):
            raise ConfigError(
                f"{given} is not a {' or '.join(rule.from_)} branch; {rule.name} branches are "
                f"created from {', '.join(rule.from_)}"
            )
        return given
    for base_type in rule.from_:
        of_type = [t for t in session.tips if _of(policy, t.name, base_type)]
        for remote in (False, True):
            tips = [t for t in of_type if (t.remote is not None) == remote]
            found = sorted({t.shown for t in tips})
            if len(found) == 1:
                return _caught_up(session, tips[0])
            if len(found) > 1:
                raise ConfigError(
                    f"several {base_type} branches could be the base ({', '.join(found)}); "
                    "choose one with --from"
                )
    wanted = rule.from_[0]
    example = next((r.example for r in policy.branches if r.name == wanted and r.example), None)
    cwd = session.location.work_tree or session.location.git_dir
    narrow = narrow_remotes(cwd)
    if narrow and example:
        name = narrow[0]
        raise RepoError(
            f"no {' or '.join(rule.from_)} branch here to start {rule.name} from, and this "
            f"clone fetches only some of {name}'s branches (a single-branch or shallow "
            f"clone): git remote set-branches --add {name} {example} && git fetch "
            f"{name} {example}"
        )
    raise RepoError(
        f"no {' or '.join(rule.from_)} branch here or on a remote to start {rule.name} from; "
        "create one first"
    )


def _caught_up(session: RepoSession, tip: BranchTip) -> str:
    """The branch, or its remote-tracking branch where the local one is behind it (a main
    that was not pulled would start a release without the last ones)."""
    if tip.remote is None:
        for tracking in session.tips:
            same = tracking.name == tip.name and tracking.remote is not None
            if same and session.behind(tip, tracking):
                return tracking.shown
    return tip.shown


def _of(policy: CompiledPolicy, name: str, type_name: str) -> bool:
    rule = policy.type_of(name)
    return rule is not None and rule.name == type_name


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    policy = context.loaded.policy
    if context.location is None:
        raise RepoError("not inside a git repository")
    rule = policy.rule(args.type)
    if rule is None:
        names = [r.name for r in policy.branches]
        hint = did_you_mean(args.type, names)
        raise ConfigError(f"no branch type {args.type!r}{hint} (types: {', '.join(names)})")
    if not rule.from_:
        raise ConfigError(
            f"{rule.name} has no 'from' edges: the policy does not say what it is created from"
        )
    session = RepoSession(context.location, policy)
    pusher = None
    if any("{pusher}" in p.source for p in rule.patterns):
        from branchflow.hooks.identity import local_pusher

        me = local_pusher(session.config_value)
        if me.slug is None:
            raise ConfigError(
                f"{rule.name} names hold who pushes them, and this clone cannot tell who you "
                f"are: git config branchflow.user <your name on the server>"
            )
        pusher = me.slug
    name = branch_name(policy, rule, args.name, pusher)
    if name is None:
        forms = " | ".join(p.source for p in rule.patterns)
        raise ConfigError(
            f"cannot make a {rule.name} branch name from {args.name!r}: {rule.name} names look "
            f"like {forms} (e.g. {rule.example})"
        )
    found = policy.classify(name)
    owners = found.values_of("pusher") if found is not None else set()
    if pusher is not None and owners != {pusher}:
        raise ConfigError(
            f"{name} is {' and '.join(sorted(owners))}'s, and you are {pusher}: only they push "
            f"it (BF103); yours are named like {name.replace(next(iter(owners)), pusher, 1)}"
        )
    if session.local_tip(name) is not None:
        raise RepoError(f"{name} already exists: git switch {name}")
    base = choose_base(session, rule, args.base)
    location = context.location
    made, said = create_branch(location.git_dir, location.work_tree, name, base)
    if not made:
        raise RepoError(f"git refused: {said}")
    print(f"created {name} from {base}")
    if said:  # made, but a hook after the switch failed: its words, not a failure of ours
        note(f"a hook that runs after the switch failed (the branch is made): {said}")
    return EXIT_OK
