"""Each hook's quick path loads only what it lists here: the everyday case of every hook
(a commit, a valid branch made, files checked out, an allowed merge, a second commit on a
checked branch) must not pay for what only a refusal or a first check needs.

Not a timing test: it fixes the cause (imports), as test_fast_path does for pre-commit;
bench/bench_hooks.py measures the effect. git itself runs each hook, through a hook script
that loads branchflow in a probe and writes down every module loaded. A module a quick
path newly needs must be added to its list here, on purpose.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import git

PROBE = """\
import sys
before = set(sys.modules)
from branchflow.cli import main
code = main(sys.argv[1:])
with open({out!r}, "a") as f:
    f.write(" ".join([sys.argv[2], str(code), *sorted(set(sys.modules) - before)]) + "\\n")
sys.exit(code)
"""

# Never on a quick path: the policy's validation, formats and tools only a refusal needs.
HEAVY = {
    "pydantic",
    "yaml",
    "tomllib",
    "json",
    "argparse",
    "difflib",
    "pathlib",
    "inspect",
    "dataclasses",
}

START = {"branchflow", "branchflow.cli", "branchflow.errors", "branchflow.streams"}
HOOK = START | {"branchflow.hooks", "branchflow.hooks.options", "branchflow.hooks.run"}
POLICY = {
    "branchflow.policy",
    "branchflow.policy.cache",
    "branchflow.policy.load",
    "branchflow.readfile",
    "branchflow.repo",
    "branchflow.repo.state",
    "branchflow.report",
}
NAMES = {
    "branchflow.checks",
    "branchflow.checks.hints",
    "branchflow.checks.names",
    "branchflow.checks.violation",
    "branchflow.policy.classify",
    "branchflow.policy.compiled",
    "branchflow.policy.patterns",
    "branchflow.policy.ref_regex",
    "branchflow.policy.refname",
    "branchflow.policy.rules",
    "branchflow.policy.template",
}
MERGE = {
    "branchflow.checks.base",
    "branchflow.checks.docs",
    "branchflow.checks.merges",
    "branchflow.checks.protection",
    "branchflow.facts",
    "branchflow.hooks.verdicts",
    "branchflow.policy.branches",
    "branchflow.repo.session",
    "branchflow.repo.fork_point",
    "branchflow.repo.evidence",
    "branchflow.repo.gitcmd",
    "branchflow.repo.commits",
    "branchflow.repo.lookup",
    "branchflow.repo.merge_message",
    "branchflow.repo.reflog",
    "branchflow.repo.refs",
}

BUDGETS = {
    # (hook, first argument) -> the branchflow modules it may load, and whether `re` is in
    ("reference-transaction", "commit"): (HOOK | {"branchflow.hooks.reference_transaction"}, False),
    ("reference-transaction", "create"): (
        HOOK | POLICY | NAMES | {"branchflow.hooks.reference_transaction"},
        True,
    ),
    ("post-checkout", "0"): (HOOK | {"branchflow.hooks.post_checkout"}, False),
    # the verdict remembered for the branch: the policy is not even loaded
    ("pre-commit", "checked"): (
        HOOK | POLICY - {"branchflow.policy.load"} | {"branchflow.hooks.pre_commit"},
        False,
    ),
    # git's library reads the merged commits (it brings dataclasses, inspect and pathlib)
    ("pre-merge-commit", "allowed"): (
        HOOK | POLICY | NAMES | MERGE | {"branchflow.hooks.pre_merge_commit"},
        True,
    ),
}
PYGIT2 = {("pre-merge-commit", "allowed")}


@pytest.fixture
def probed(repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose hooks run branchflow in the probe; the probe's notes file."""
    out = tmp_path / "loaded.txt"
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE.format(out=str(out)))
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("reference-transaction", "post-checkout", "pre-commit", "pre-merge-commit"):
        script = hooks / hook
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{probe}" hook {hook} "$@"\n')
        script.chmod(0o755)
    return repo, out


def commit(repo: Path, message: str) -> None:
    """A commit with the hooks run (the suite's helper skips them)."""
    (repo / f"{message.replace(' ', '-')}.txt").write_text(message + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def loads(out: Path, hook: str) -> list[tuple[str, set[str]]]:
    """(exit code, modules) of each run of ``hook`` the probe wrote down, oldest first."""
    found = []
    for line in out.read_text().splitlines():
        name, code, *modules = line.split(" ")
        if name == hook:
            found.append((code, set(modules)))
    return found


def test_every_quick_path_keeps_to_its_list(probed: tuple[Path, Path]) -> None:
    repo, out = probed
    git(repo, "branch", "develop")
    git(repo, "switch", "-q", "-c", "feature/ok", "develop")  # a valid branch made
    commit(repo, "work")  # first check of the branch, then the commit's ref update
    out.write_text("")
    commit(repo, "more work")  # a second commit: pre-commit cached, ref update of a commit
    (repo / "README.md").write_text("changed\n")
    git(repo, "checkout", "--", "README.md")  # files checked out
    runs = {
        ("pre-commit", "checked"): loads(out, "pre-commit")[-1],
        ("reference-transaction", "commit"): loads(out, "reference-transaction")[0],
        ("post-checkout", "0"): loads(out, "post-checkout")[-1],
    }
    out.write_text("")
    git(repo, "switch", "-q", "-c", "feature/also-ok", "develop")
    runs["reference-transaction", "create"] = loads(out, "reference-transaction")[0]
    git(repo, "switch", "-q", "develop")
    out.write_text("")
    git(
        repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'feature/ok' into develop", "feature/ok"
    )
    runs["pre-merge-commit", "allowed"] = loads(out, "pre-merge-commit")[-1]
    for path, (code, modules) in runs.items():
        allowed, uses_re = BUDGETS[path]
        assert code == "0", path
        mine = {m for m in modules if m.split(".")[0] == "branchflow"}
        assert mine == allowed, (
            f"{path}: loads {sorted(mine - allowed)}, not {sorted(allowed - mine)}"
        )
        heavy = HEAVY - {"dataclasses", "inspect", "pathlib"} if path in PYGIT2 else HEAVY
        assert not modules & heavy, f"{path}: loads {sorted(modules & heavy)}"
        assert ("pygit2" in modules) is (path in PYGIT2), path
        assert ("re" in modules) is uses_re, path
