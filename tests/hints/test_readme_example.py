"""The README's "What a blocked commit looks like" is what branchflow prints, word for word,
and its hints work."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import PROJECT_ROOT
from tests.hints.repos import hooked, on, stage
from tests.hints.shown import passes, run_hint, shown_violations

INTRO = "What a blocked commit looks like"


def readme_example() -> list[tuple[str, list[str]]]:
    """(command, the lines it prints) for each ``$`` line of the README's example."""
    text = (PROJECT_ROOT / "README.md").read_text()
    block = text[text.index(INTRO) :].split("```text\n", 1)[1].split("```", 1)[0]
    shown: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            shown.append((line[2:], []))
        elif line:
            shown[-1][1].append(line)
    return shown


def matches(expected: list[str], printed: list[str]) -> bool:
    """Whether ``printed`` is ``expected``, where a line ``...`` stands for any lines."""
    if not expected:
        return not printed
    if expected[0].strip() == "...":
        return any(matches(expected[1:], printed[n:]) for n in range(len(printed) + 1))
    return bool(printed) and printed[0] == expected[0] and matches(expected[1:], printed[1:])


def test_the_readme_example_is_what_branchflow_prints(flow_repo: Path) -> None:
    example = readme_example()
    assert [command for command, _ in example] == [
        'git commit -m "tweak learning rate"',
        "git switch -c Feature/My_Thing",
    ]
    for n, (command, expected) in enumerate(example):
        on(flow_repo, "main")
        stage(flow_repo, f"tweak {n}")
        done = subprocess.run(
            ["sh", "-c", command], cwd=flow_repo, capture_output=True, text=True, check=False
        )
        assert done.returncode != 0
        printed = done.stderr.splitlines()
        assert matches(expected, printed), "\n".join(printed)
        (violation,) = shown_violations(done.stderr)
        assert violation.hint is not None
        run_hint(flow_repo, violation.hint)
        passes(hooked(flow_repo, "commit", "-m", "tweak learning rate"))
