"""The audit's reading of a first-parent log: runs of surely fine merges read as one match
must give exactly what reading every line alone gives, on real histories and where a line
meets another long-lived branch's inside such a run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from branchflow.checks.scan import surely_fine_regex
from branchflow.checks.violation import Violation, with_severities
from branchflow.commands.audit import Auditor, Progress
from branchflow.commands.context import command_context
from branchflow.commands.parser import build_parser
from branchflow.policy.load import build_policy
from branchflow.repo.history_log import log_line_regex
from tests.conftest import PROJECT_ROOT, commit, git

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
BUNDLES = sorted(CORPUS.glob("*.bundle")) if CORPUS.is_dir() else []


def audited(repo: Path, monkeypatch: pytest.MonkeyPatch, *, fold: bool) -> tuple[list, int]:
    monkeypatch.chdir(repo)
    context = command_context(build_parser().parse_args(["audit"]))
    assert context.location is not None
    policy = context.loaded.policy
    auditor = Auditor(context.location, policy, 0, 100_000, Progress(), fold=fold)
    found: list[Violation] = with_severities(policy, auditor.run())
    return found, len(auditor.commits_seen)


def assert_agree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> list[Violation]:
    folded, folded_seen = audited(repo, monkeypatch, fold=True)
    single, single_seen = audited(repo, monkeypatch, fold=False)
    assert folded == single
    assert folded_seen == single_seen
    return folded


@pytest.mark.skipif(not BUNDLES, reason=f"no corpus of real histories at {CORPUS}")
@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.stem)
def test_real_histories_read_alike(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / bundle.stem
    subprocess.run(["git", "clone", "-q", str(bundle), str(clone)], check=True)
    assert assert_agree(clone, monkeypatch)  # the corpus has findings to agree on


def merge(repo: Path, branch: str, into: str) -> None:
    git(repo, "switch", "-q", into)
    message = f"Merge branch '{branch}' into {into}"
    git(repo, "merge", "-q", "--no-ff", "--no-verify", "-m", message, branch)


def topic(repo: Path, name: str, base: str, into: str) -> None:
    git(repo, "switch", "-q", "-c", name, base)
    commit(repo, name)
    merge(repo, name, into)


def test_a_line_that_meets_another_inside_a_run(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """develop fast-forwarded onto main: develop's first-parent line runs from its own
    feature merges straight into main's hotfix merges, one run of merges fine for develop.
    Below the join the merges name main as their target, and main had merged develop
    before: the scan must see the join inside the run to name the fast-forward."""
    git(repo, "branch", "develop")
    topic(repo, "feature/f-9", "develop", "develop")
    merge(repo, "develop", "main")
    for n in range(3):
        topic(repo, f"hotfix/h-{n}", "main", "main")
    git(repo, "switch", "-q", "develop")
    git(repo, "merge", "-q", "--ff-only", "main")
    for n in range(3):
        topic(repo, f"feature/f-{n}", "develop", "develop")
    found = assert_agree(repo, monkeypatch)
    assert [v.rule.id for v in found if v.ref == "develop"] == ["BF203"]


LOG = (
    "c1 p1 q1\t10\ta@x\tMerge branch 'feature/a' into develop\n"
    "c2 p2 q2\t9\ta@x\tMerge branch 'feature/b'\n"
    "c3 p3\t8\ta@x\tstraight onto develop\n"
    "c4 p4 q4\t7\ta@x\tMerge branch 'Feature/C' into develop\n"
    "c5 p5 q5 r5\t6\ta@x\tMerge branch 'feature/d' into develop\n"
    "c6 p6 q6\t5\ta@x\tMerge branch 'feature/e' into develop"  # the last line: no newline
)


def test_folding_groups_only_lines_it_is_sure_of() -> None:
    policy = build_policy(None, preset="gitflow")[0]
    develop = policy.rule("develop")
    assert develop is not None
    fine = surely_fine_regex(policy, develop)
    folded = log_line_regex(fine, fold=True)
    matches = list(folded.finditer(LOG))
    runs = [m.group("fine_run") for m in matches if m.group("fine_run")]
    alone = [m.group(2) for m in matches if not m.group("fine_run")]  # 1: the run
    assert runs == [LOG[: LOG.index("c3")], LOG[LOG.index("c5") : LOG.index("c6")]]
    # a direct commit, a name no type has, and the last line are read alone: each with
    # its merged branch for the scan to judge (never taken as fine here)
    assert alone == ["c3", "c4", "c6"]
    assert all(m.group("fine") is None for m in matches)
    assert [m.group("merged") for m in matches if m.group(2) == "c4"] == ["Feature/C"]
    single = log_line_regex(fine)
    assert [m.group(1) for m in single.finditer(LOG)] == ["c1", "c2", "c3", "c4", "c5", "c6"]
