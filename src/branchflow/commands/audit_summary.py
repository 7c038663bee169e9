"""What an audit says first: counts by rule and branch, the causes most findings share, the
policy change that would remove the naming ones, and then the findings grouped by branch
and rule, long groups folded."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any, NamedTuple

from branchflow.checks.violation import Violation
from branchflow.errors import BranchflowError
from branchflow.policy.classify import Match
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.discover import ROOT_FILES
from branchflow.policy.fit import Cause, Change, causes, change_for, tag_causes
from branchflow.report import format_violation, shown

FOLD = 3  # findings shown of one branch and rule before the rest is folded
CAUSES_SHOWN = 5  # shapes named per cause line


class Summary(NamedTuple):
    total: int
    errors: int
    by_rule: list[tuple[str, str, int, list[tuple[str, int]]]]  # id, name, count, per branch
    causes: list[str]
    change: str | None  # the policy change, as YAML to paste
    change_where: str  # where it goes: ".branchflow.yaml (a new file)", "your .branchflow.yaml"
    change_takes: int  # how many names and tags it takes

    def to_data(self) -> dict[str, Any]:
        return {
            "findings": self.total,
            "errors": self.errors,
            "warnings": self.total - self.errors,
            "by_rule": [
                {"rule": rule, "name": name, "count": count, "branches": dict(where)}
                for rule, name, count, where in self.by_rule
            ],
            "causes": self.causes,
            "policy_change": (
                {"yaml": self.change, "where": self.change_where, "takes": self.change_takes}
                if self.change
                else None
            ),
        }


class PolicySource(NamedTuple):
    """Where the audited policy comes from, for a change to extend it."""

    preset: str | None  # the preset it is, when no file
    path: str | None  # the file (absolute), when one
    shown_as: str  # how to name that file to the user


def summarise(
    policy: CompiledPolicy,
    violations: list[Violation],
    source: PolicySource,
    branch_names: list[str],
) -> Summary:
    errors = sum(1 for v in violations if v.severity == "error")
    per_rule: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for v in violations:
        per_rule.setdefault(v.rule.id, Counter())[shown(v.where)] += 1
        names[v.rule.id] = v.rule.name
    by_rule = [
        (rule, names[rule], sum(where.values()), where.most_common())
        for rule, where in sorted(per_rule.items(), key=lambda item: -sum(item[1].values()))
    ]
    unnamed = [v.ref for v in violations if v.rule.id == "BF101"]
    untemplated = [v.ref for v in violations if v.rule.id == "BF501"]
    branch_causes = causes(policy, unnamed)
    tag_found = tag_causes(policy, untemplated)
    lines = []
    if branch_causes:
        total = sum(c.size for c in branch_causes)
        lines.append(f"{total} branch name(s) match no branch type: {_listed(branch_causes)}")
    if tag_found:
        total = sum(c.size for c in tag_found)
        lines.append(f"{total} tag(s) match no tag template: {_listed(tag_found)}")
    runs: dict[str, list[int]] = {}
    for v in violations:
        if v.rule.id == "BF201":
            runs.setdefault(v.where, []).append(len(v.commits) or 1)
    for where, lengths in sorted(runs.items(), key=lambda item: -sum(item[1])):
        lines.append(
            f"{sum(lengths)} commit(s) made directly on {shown(where)}, in {len(lengths)} "
            "run(s) between merges"
        )
    unnamed_merges = sum(1 for v in violations if v.rule.id == "BF207")
    if unnamed_merges:
        lines.append(f"{unnamed_merges} merge(s) whose message names no branch")
    change = change_for(policy, branch_causes, tag_found)
    text, where = _checked(change, policy, source, [*unnamed, *untemplated], branch_names)
    return Summary(
        len(violations),
        errors,
        by_rule,
        lines,
        text,
        where,
        change.taken if change and text else 0,
    )


def _listed(found: list[Cause]) -> str:
    shown_causes = [shown(c.describe()) for c in found[:CAUSES_SHOWN]]
    rest = sum(c.size for c in found[CAUSES_SHOWN:])
    return ", ".join(shown_causes) + (f", and {rest} more" if rest else "")


def _checked(
    change: Change | None,
    policy: CompiledPolicy,
    source: PolicySource,
    names: list[str],
    branch_names: list[str],
) -> tuple[str | None, str]:
    """The change as YAML, when loaded on top of the policy it takes more names than before
    and classifies no branch differently; else None."""
    if change is None:
        return None, ""
    if source.path is not None:
        if not source.path.endswith((".yaml", ".yml")):
            return None, ""
        extends, where = source.path, f"add to {source.shown_as}"
        printed = change.to_yaml(None)
    elif source.preset is not None:
        extends, where = source.preset, ROOT_FILES[0]
        printed = change.to_yaml(source.preset)
    else:
        return None, ""
    try:
        changed = _load(change.to_yaml(extends), source)
    except BranchflowError:
        return None, ""
    for name in branch_names:
        before = policy.classify(name)
        if before is not None and _kind(before) != _kind(changed.classify(name)):
            return None, ""  # a branch the policy took is taken otherwise now
    taken_before = sum(1 for n in names if _known(policy, n))
    taken_after = sum(1 for n in names if _known(changed, n))
    if taken_after <= taken_before:
        return None, ""
    return printed, where


def _kind(found: Match | None) -> str:
    """What a classification says, comparable across two policies: a type, or exempt."""
    if found is None:
        return ""
    return found.rule.name if found.rule is not None else "(exempt)"


def _known(policy: CompiledPolicy, name: str) -> bool:
    return policy.classify(name) is not None or policy.classify_tag(name) is not None


def _load(text: str, source: PolicySource) -> CompiledPolicy:
    from branchflow.policy.load import compile_text

    base = os.path.dirname(source.path) if source.path else os.getcwd()
    path = os.path.join(base, ".branchflow.suggested.yaml")
    return compile_text(text, path, "the suggested change")


def text_report(
    summary: Summary, violations: list[Violation], every: bool, ending: str, rerun: str
) -> list[str]:
    """The summary, then the findings grouped by branch and rule (folded unless ``every``),
    the ``ending`` line, and last, when some were folded, the command (``rerun``, the same
    audit) that shows every one."""
    out = []
    if summary.total:
        out.append(
            f"summary: {summary.total} finding(s), {summary.errors} error(s), "
            f"{summary.total - summary.errors} warning(s)"
        )
        width = max(len(f"{rule} {name}") for rule, name, _, _ in summary.by_rule)
        for rule, name, count, places_counted in summary.by_rule:
            places = ", ".join(f"{w} {n}" for w, n in places_counted[:4])
            more = f", {len(places_counted) - 4} more" if len(places_counted) > 4 else ""
            out.append(f"  {f'{rule} {name}':<{width}}  {count:>5}  on {places}{more}")
    if summary.causes:
        out.append("causes:")
        out += [f"  {line}" for line in summary.causes]
    if summary.change:
        out.append(
            f"a policy that takes {summary.change_takes} of these names ({summary.change_where}):"
        )
        out += [f"  {line}" for line in summary.change.splitlines()]
    if summary.total:
        out.append("")
    groups: dict[tuple[str, str], list[Violation]] = {}
    for v in violations:
        groups.setdefault((v.where, v.rule.id), []).append(v)
    folded = 0
    for (where, rule), members in groups.items():
        shown_members = members if every else members[:FOLD]
        out += [format_violation(v) for v in shown_members]
        rest = len(members) - len(shown_members)
        if rest:
            folded += rest
            out.append(f"  ... and {rest} more {rule} on {shown(where)}")
    out.append(ending)
    if folded:
        out.append(f"{folded} finding(s) folded; every one: {rerun}")
    return out
