"""How violations and notes reach the user: one greppable line each, then hints.

branchflow: <ref>: <RULE-ID> <rule-name>: <what is wrong>
  <detail lines>
  hint: <the exact command that fixes it>
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # mypy treats the name as true; `typing` is not imported on hook paths
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

    from branchflow.checks.violation import Violation


def shown(name: str) -> str:
    """A ref name as it can be printed: undecodable bytes appear as \\xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def format_violation(v: Violation) -> str:
    label = f"{v.rule.id} {v.rule.name}" + (" (warning)" if v.severity == "warn" else "")
    lines = [f"branchflow: {shown(v.ref)}: {label}: {shown(v.message)}"]
    lines.extend(f"  {shown(line)}" for line in v.details)
    if v.hint:
        lines.append(f"  hint: {shown(str(v.hint))}")
    return "\n".join(lines)


def print_violations(violations: Iterable[Violation], stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    for v in violations:
        print(format_violation(v), file=out)


def note(message: str, stream: TextIO | None = None) -> None:
    print(f"branchflow: {shown(message)}", file=stream or sys.stderr)
