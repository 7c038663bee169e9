"""``audit --baseline FILE``: today's findings recorded once, so that a team adopting a
policy on an old history is held only to what is new. A finding about several commits (a
run of direct commits) is recorded commit by commit: when the history grows around it, a
new commit shows alone."""

from __future__ import annotations

import datetime
import json
import os

from branchflow.checks.violation import Violation
from branchflow.errors import ConfigError

BASELINE_FORMAT = 2  # 2: a fingerprint per commit of a run; 1 (a run by its newest) still read


def load_baseline(path: str) -> set[str] | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a branchflow baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("branchflow_baseline") not in (1, BASELINE_FORMAT):
        raise ConfigError(f"{path}: not a branchflow baseline (written by `audit --baseline`)")
    return set(data.get("fingerprints", []))


def write_baseline(path: str, violations: list[Violation], label: str) -> None:
    """One fingerprint per finding, and per commit of a finding about several, so that the
    baseline still holds them when the history grows around them."""
    data = {
        "branchflow_baseline": BASELINE_FORMAT,
        "policy": label,
        "written": datetime.date.today().isoformat(),
        "fingerprints": sorted({fp for v in violations for fp in v.fingerprints}),
    }
    tmp = f"{path}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def new_since(baseline: set[str], v: Violation) -> Violation | None:
    """What of ``v`` the baseline does not know: None when it knows all of it; for a run of
    commits it knows in part, the run cut down to its new commits."""
    if v.fingerprint in baseline and not v.commits:
        return None
    if v.commits:
        pairs = zip(v.commits, v.fingerprints, strict=True)
        fresh = tuple(c for c, fp in pairs if fp not in baseline)
        if not fresh or (len(fresh) == len(v.commits) and v.fingerprint in baseline):
            return None  # a baseline of format 1 knew the run by its newest commit
        if len(fresh) < len(v.commits):
            head, _, rest = v.message.partition(" ")
            message = f"{len(fresh)} {rest}" if head.isdigit() else v.message
            listed = ", ".join(c[:12] for c in fresh[:5]) + (" ..." if len(fresh) > 5 else "")
            return v._replace(
                message=message,
                commits=fresh,
                subject=fresh[0],
                details=(f"new since the baseline: {listed}", *v.details[1:]),
            )
    return v
