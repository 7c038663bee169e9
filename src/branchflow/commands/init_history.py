"""``branchflow init --from-history``: a starter policy fitted to what the repository did.

It starts from the preset that fits the long-lived branches there (gitflow when there is a
``develop``, else github-flow, or ``--preset``) and changes only what the history shows
otherwise, each change with the evidence for it as a comment:

- name templates for the branch and tag names that match none (``feature/{words}`` for
  ``feature/add_rename_command``, ``{version}`` for tags ``0.4``), as ``audit`` suggests;
- ``into`` edges for the merges the team makes often that the preset forbids (at least 3,
  and a tenth of what that type merges); rarer ones look like mistakes and are listed;
- no protection for a long-lived branch that takes direct commits as a habit;
- exemptions for branches that share no history with the rest (a site, a wiki).

Then it audits the repository with the fitted policy, and says what is left.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from typing import NamedTuple

from branchflow.checks.violation import Violation, with_severities
from branchflow.commands.audit import Auditor, Progress
from branchflow.commands.observed import long_lived_lines, long_lived_tips
from branchflow.errors import ConfigError, RepoError
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.discover import ROOT_FILES
from branchflow.policy.fit import (
    Change,
    Flow,
    causes,
    change_for,
    fit_flows,
    fit_protection,
    observed_flows,
    tag_causes,
    widened,
)
from branchflow.policy.presets import preset_path
from branchflow.repo.flows import unrelated
from branchflow.repo.state import RepoLocation, locate
from branchflow.report import shown

HEADER = """\
# The branching policy of this repository, enforced by branchflow: fitted by
# `branchflow init --from-history` to what its history shows. Each change from the
# preset says why; `branchflow explain` shows the whole policy.
"""


def compile_text(text: str, root: str) -> CompiledPolicy:
    from branchflow.policy.load import compile_text as load_text

    return load_text(text, os.path.join(root, ROOT_FILES[0]), ROOT_FILES[0])


def _audit(location: RepoLocation, policy: CompiledPolicy) -> tuple[Auditor, list[Violation]]:
    # as `branchflow audit` will judge with this policy: idle branches included
    auditor = Auditor(location, policy, 0, policy.stale_after_days, Progress())
    found = auditor.run()
    auditor.progress.done()
    return auditor, found


def run(args: argparse.Namespace) -> int:
    location = locate()
    if location is None or location.work_tree is None:
        raise RepoError("init --from-history reads a repository's history: run it in a clone")
    root = location.work_tree
    for name in ROOT_FILES:
        if os.path.exists(os.path.join(root, name)):
            raise ConfigError(
                f"{os.path.join(root, name)} already exists; init does not overwrite it"
            )
    from branchflow.repo.refs import read_snapshot

    names = {t.name for t in read_snapshot(location).tips}
    preset = args.preset or ("gitflow" if "develop" in names else "github-flow")
    if preset_path(preset) is None:
        from branchflow.policy.layers import unknown_preset

        raise ConfigError(unknown_preset(preset))
    fit = _fit(location, root, preset)
    path = os.path.join(root, ROOT_FILES[0])
    with open(path, "x", encoding="utf-8") as f:
        f.write(fit.text)
    print(f"wrote {path}: the {preset!r} preset, fitted to this repository's history")
    for (section, *rest), evidence in fit.why.items():
        where = f"{rest[0]}: {section}" if rest else section
        for line in evidence.splitlines():
            print(f"  {shown(where)}: {shown(line)}")
    if fit.kept_out:
        print("seen, but not made edges (rare against the rest, or of no type):")
        for flow in fit.kept_out:
            print(f"  {_flow(flow)}")
    counts = Counter(v.rule.id for v in fit.left)
    listed = ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
    print(
        f"with this policy, `branchflow audit` finds {len(fit.left)} finding(s)"
        + (f" ({listed})" if listed else "")
    )
    return 0


class Fit(NamedTuple):
    text: str  # the policy file
    why: dict[tuple[str, ...], str]  # each choice, and the history behind it
    kept_out: list[Flow]  # flows seen that did not become edges
    left: list[Violation]  # what the audit finds with the fitted policy


def _fit(location: RepoLocation, root: str, preset: str) -> Fit:
    from branchflow.repo.refs import read_snapshot

    base = compile_text(f"extends: {preset}\n", root)
    snapshot = read_snapshot(location)
    # The long-lived branches' own histories: their merges name the branches they took.
    lines = long_lived_lines(location, base, snapshot.tips)
    tips = long_lived_tips(base, snapshot.tips)
    apart = sorted(
        {
            t.name
            for t in snapshot.tips
            if base.classify(t.name) is None and unrelated(root, t.target, list(tips.values()))
        }
    )

    # Names: the templates the branch and tag names of no type call for.
    known = {}  # every merged branch's name -> its match under the preset, asked once
    classify = base.classifier()
    for line in lines:
        for _, sources in line.merges:
            for source in sources:
                if source.kind in ("branch", "claimed") and source.name not in known:
                    known[source.name] = classify(source.name)
    unnamed = [t.name for t in snapshot.tips if base.classify(t.name) is None]
    unnamed = [n for n in unnamed if n not in apart] + [
        source.name
        for line in lines
        for _, sources in line.merges
        for source in sources
        if source.kind in ("branch", "claimed")
        and not source.owner  # a fork's branch is named as its owner likes
        and source.name != line.branch
        and known[source.name] is None
    ]
    branch_causes = causes(base, unnamed)
    tag_found = tag_causes(base, [t for t in snapshot.tags if base.classify_tag(t) is None])
    named_change = change_for(base, branch_causes, tag_found) or Change({}, None, {}, 0)
    why: dict[tuple[str, ...], str] = {}
    for cause in branch_causes:
        shape = cause.shape
        if (
            shape.type_name in named_change.patterns
            and shape.template in named_change.patterns[shape.type_name]
        ):
            key = ("pattern", shape.type_name)
            why[key] = (why.get(key, "") + f"{cause.describe()}\n").lstrip("\n")
    if named_change.tags is not None:
        why[("tags",)] = "\n".join(c.describe() for c in tag_found if c.shape.template)
    named = compile_text(named_change.to_yaml(preset), root)

    # Flows and protection: what the long-lived branches' own histories show.
    flows = observed_flows(named, lines, widened(base, named, known))
    fitted_flows = fit_flows(named, flows)
    why.update(fitted_flows.why)
    protected, protection_why = fit_protection(named, lines)
    why.update(protection_why)
    exempt = None
    if apart:
        exempt = [glob for glob, _ in named.exempt] + apart
        why[("exempt",)] = f"{', '.join(apart)}: no history shared with {', '.join(sorted(tips))}"
    change = named_change._replace(
        into=fitted_flows.into, protected=protected, exempt=exempt, why=why
    )
    text = HEADER + change.to_yaml(preset)
    fitted = compile_text(text, root)  # loads as it is written, or nothing is written
    _, left = _audit(location, fitted)
    return Fit(text, why, fitted_flows.kept_out, with_severities(fitted, left))


def _flow(flow: Flow) -> str:
    merges = f"{flow.merges} merge{'s' if flow.merges != 1 else ''}"
    return f"{flow.source} into {flow.target}: {merges}"
