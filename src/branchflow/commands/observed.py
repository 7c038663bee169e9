"""The merges the long-lived branches took, as flows between types (for ``graph --observed``,
``init --from-history`` and the audit's JSON)."""

from __future__ import annotations

from branchflow.facts import BranchTip
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.fit import Flow, observed_flows
from branchflow.repo.flows import Line, own_lines, read_lines
from branchflow.repo.refs import read_snapshot
from branchflow.repo.state import RepoLocation


def long_lived_tips(policy: CompiledPolicy, tips: list[BranchTip]) -> dict[str, str]:
    """name -> commit of each long-lived branch: the local branch, else the remote one."""
    chosen: dict[str, str] = {}
    for tip in sorted(tips, key=lambda t: t.remote is not None):
        rule = policy.type_of(tip.name)
        if rule is not None and rule.long_lived:
            chosen.setdefault(tip.name, tip.target)
    return chosen


def long_lived_lines(
    location: RepoLocation,
    policy: CompiledPolicy,
    tips: list[BranchTip] | None = None,
) -> list[Line]:
    """Each long-lived branch's own first-parent history: what a fast-forward shares with
    another counts for the one that made it (``repo.flows.own_lines``)."""
    snapshot = read_snapshot(location)
    chosen = long_lived_tips(policy, tips or snapshot.tips)
    default = {n for n in chosen if not _from(policy, n)}
    cwd = location.work_tree or location.git_dir
    return own_lines(read_lines(cwd, chosen), default, snapshot.remotes)


def flows_of(location: RepoLocation, policy: CompiledPolicy) -> list[Flow]:
    return observed_flows(policy, long_lived_lines(location, policy))


def _from(policy: CompiledPolicy, name: str) -> tuple[str, ...]:
    rule = policy.type_of(name)
    return rule.from_ if rule is not None else ()
