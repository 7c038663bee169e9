"""What branchflow shows (its text and its JSON), and running the hints in it.

A hint is shown as its commands joined by ``&&``, each argument quoted for the shell,
then, when words follow, ``  # then <words>``. Running one means giving its commands to
``sh -c`` exactly as shown.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

_HEAD = re.compile(
    r"^(?:remote: )?branchflow: (?P<ref>.*): (?P<rule>BF\d{3}) [a-z-]+(?P<warn> \(warning\))?: "
)
_HINT = re.compile(r"^(?:remote: )?  hint: (?P<hint>.*)$")


class Shown(NamedTuple):
    ref: str
    rule: str
    warning: bool
    hint: str | None


def shown_violations(output: str) -> list[Shown]:
    """The violations in branchflow's text output, each with its hint."""
    out: list[Shown] = []
    for line in output.splitlines():
        head = _HEAD.match(line)
        if head is not None:
            out.append(Shown(head["ref"], head["rule"], bool(head["warn"]), None))
            continue
        hint = _HINT.match(line)
        if hint is not None and out and out[-1].hint is None:
            out[-1] = out[-1]._replace(hint=hint["hint"])
    return out


def errors(output: str) -> list[Shown]:
    return [v for v in shown_violations(output) if not v.warning]


def refused(done: subprocess.CompletedProcess[str], rule: str) -> str:
    """The hint of the one ``rule`` violation that made a git command fail."""
    assert done.returncode != 0, f"not refused:\n{done.stderr}"
    found = [v for v in shown_violations(done.stderr) if v.rule == rule]
    assert len(found) == 1, f"expected one {rule} in:\n{done.stderr}"
    assert found[0].hint, f"{rule} has no hint:\n{done.stderr}"
    return found[0].hint


def passes(done: subprocess.CompletedProcess[str]) -> None:
    """The user's action went through: exit 0, and nothing refused (warnings may be)."""
    assert done.returncode == 0, done.stderr + done.stdout
    assert not errors(done.stderr), done.stderr


class Hint(NamedTuple):
    commands: str  # shell text
    then: str  # what to do next, in words ("" when the commands are all)


def split_hint(text: str) -> Hint:
    commands, _, then = text.partition("  # then ")
    return Hint(commands, then)


def run_hint(repo: Path, text: str) -> Hint:
    """Run a hint's commands as shown, in the repository: they must succeed as they are,
    through the hooks (a hook that refused one would fail it)."""
    hint = split_hint(text)
    done = subprocess.run(
        ["sh", "-c", hint.commands], cwd=repo, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"the hint failed: {hint.commands}\n{done.stderr}"
    return hint


def json_violations(output: str, rule: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(output)["violations"]
    return [v for v in found if v["rule"] == rule]


def json_hint(violation: dict[str, Any]) -> str:
    """A JSON violation's hint, as shell text made from its ``commands``; the text it
    shows must be exactly that."""
    text = " && ".join(shlex.join(argv) for argv in violation["commands"])
    shown = violation["hint"]
    assert shown == text or shown.startswith(f"{text}  # then "), (shown, text)
    return str(shown)
