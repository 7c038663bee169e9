"""The layers of the package, read from its imports (every import, also those inside
functions, which the hooks' fast paths use).

    facts     plain data types; imports nothing of branchflow
    policy    the policy model, loading and classifying; facts, errors, file reading
    checks    the rules, pure: policy, facts, and the report's text helpers
    repo      the one door to git (pygit2 and git itself): facts, policy, errors
    hooks, commands   orchestrate the layers above

A module outside repo/ that imports pygit2, subprocess, or repo's generic git runner
(``run_git``, ``GitJob``) reads git past the door. ``DEBTS`` lists those that still do,
while the move into repo/ goes on: the list may only shrink (a module that no longer
needs its entry fails the test until the entry goes).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "branchflow"

ALLOWED = {
    "facts": set(),
    "policy": {"policy", "facts", "errors", "readfile", "resources", "report", ""},
    "checks": {"checks", "policy", "facts", "errors", "report"},
    "repo": {"repo", "facts", "policy", "errors", "readfile", "report", ""},
}
PAST_THE_DOOR = (
    "pygit2",
    "subprocess",
    "branchflow.repo.gitcmd.run_git",
    "branchflow.repo.gitcmd.GitJob",
)
DEBTS: dict[str, set[str]] = {}


def _modules() -> dict[str, set[str]]:
    """Module -> what it imports (``module`` and ``module.name`` for each from-import)."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        found[name] = imported
    return found


MODULES = _modules()


def _layer(module: str) -> str:
    """The subpackage or top-level module a name is in ("" for the package's own names,
    such as ``branchflow.__version__``)."""
    parts = module.split(".")
    if len(parts) < 2 or f"branchflow.{parts[1]}" not in MODULES:
        return ""
    return parts[1]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(module: str) -> None:
    upward = sorted(
        name
        for name in MODULES[module]
        if name.startswith("branchflow.") and _layer(name) not in ALLOWED[_layer(module)]
    )
    assert not upward, f"{module} imports above its layer: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) != "repo"))
def test_only_repo_reads_git(module: str) -> None:
    past = {
        name
        for name in MODULES[module]
        if name.split(".")[0] in ("pygit2", "subprocess") or name in PAST_THE_DOOR
    }
    assert past == DEBTS.get(module, set()), (
        f"{module} reads git itself through {sorted(past)}; only repo/ may"
        if past - DEBTS.get(module, set())
        else f"{module} no longer reads git itself: remove it from DEBTS"
    )


def test_the_layers_are_found() -> None:
    """The test sees the package (a moved source tree would make it pass on nothing)."""
    assert {_layer(m) for m in MODULES} >= {"facts", "policy", "checks", "repo", "hooks"}
    assert len(MODULES) > 50
