"""Violations for machines: JSON, SARIF 2.1.0, and GitHub Actions annotations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from branchflow import __version__
from branchflow.checks.violation import Violation
from branchflow.policy.rules import RULES
from branchflow.report import shown

PROJECT_URL = "https://github.com/branchflow/branchflow"
_SARIF_LEVEL = {"error": "error", "warn": "warning", "off": "none"}


def violation_data(v: Violation) -> dict[str, Any]:
    return {
        "rule": v.rule.id,
        "name": v.rule.name,
        "severity": v.severity,
        "ref": shown(v.ref),
        "on": shown(v.where),  # the branch whose history holds it (its own, for a branch)
        "message": shown(v.message),
        "details": [shown(d) for d in v.details],
        "hint": shown(str(v.hint)) if v.hint else None,
        "commands": [[shown(a) for a in argv] for argv in v.hint.commands] if v.hint else [],
        "fingerprint": shown(v.fingerprint),
    }


def to_json(violations: list[Violation], context: Mapping[str, Any]) -> str:
    errors = sum(1 for v in violations if v.severity == "error")
    data = {
        "tool": "branchflow",
        "version": __version__,
        **context,
        "violations": [violation_data(v) for v in violations],
        "summary": {"errors": errors, "warnings": len(violations) - errors},
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_sarif(
    violations: list[Violation], artifact: str, properties: Mapping[str, Any] | None = None
) -> str:
    """One SARIF run; each result names its ref as a logical location, and ``artifact`` (a
    file of the repository, relative to its root: the policy file when there is one) as the
    physical location code scanning requires. ``properties``: the run's own (an audit's
    summary)."""
    rules = list(RULES.values())
    index = {rule.id: n for n, rule in enumerate(rules)}
    results = []
    for v in violations:
        text = shown(v.message) + "".join(f"\n{shown(d)}" for d in v.details)
        if v.hint:
            text += f"\nhint: {shown(str(v.hint))}"
        location = {
            "physicalLocation": {"artifactLocation": {"uri": artifact}},
            "logicalLocations": [{"name": shown(v.ref)}],
        }
        results.append(
            {
                "ruleId": v.rule.id,
                "ruleIndex": index[v.rule.id],
                "level": _SARIF_LEVEL[v.severity],
                "message": {"text": f"{shown(v.ref)}: {text}"},
                "locations": [location],
                "partialFingerprints": {"branchflow/v1": shown(v.fingerprint)},
            }
        )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "branchflow",
                        "version": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary},
                                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.default]},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
                **({"properties": dict(properties)} if properties else {}),
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_annotations(violations: list[Violation]) -> str:
    """Workflow commands that GitHub shows on the run and the pull request."""
    lines = []
    for v in violations:
        kind = "error" if v.severity == "error" else "warning"
        body = f"{shown(v.ref)}: {shown(v.message)}"
        if v.hint:
            body += f"\nhint: {shown(str(v.hint))}"
        title = f"branchflow {v.rule.id} {v.rule.name}"
        lines.append(f"::{kind} title={_escape(title).replace(',', '%2C')}::{_escape(body)}")
    return "\n".join(lines)
