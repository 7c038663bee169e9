"""A hint's text is its commands quoted for the shell, always: whatever a branch or a tag
is called (quotes, ``$(...)``, ``;``, backquotes), the shell hands git exactly the
arguments the hint was made of, and runs nothing else."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchflow.checks.base import rebase_hint
from branchflow.checks.hints import Hint
from branchflow.checks.names import check_branch_name
from branchflow.checks.push import check_deletion, check_pull_request_only
from branchflow.checks.scan import check_stale
from branchflow.checks.tags import check_tag
from branchflow.facts import BranchTip
from branchflow.policy.branches import Branches
from branchflow.policy.refname import ref_format_problem
from tests.conftest import git
from tests.hints.repos import FLOW, hooked, quiet, stage
from tests.hints.shown import refused, run_hint, split_hint

ATTACKS = (
    "it's",
    'say-"hi"',
    "$(touch${IFS}PWNED)",
    "`touch${IFS}PWNED`",
    "a;touch${IFS}PWNED",
    "x|y&z>w",
)
names = st.builds(
    str.__add__,
    st.sampled_from(["", "feature/", "Feat/", "release-", "hotfix/"]),
    st.one_of(
        st.sampled_from(ATTACKS),
        st.text(alphabet="abcXYZ019/-_.'\"$()`;&|<>!#%=+,{}", min_size=1, max_size=24),
    ),
).filter(lambda name: ref_format_problem(name) is None)


def sh_arguments(text: str, cwd: Path, shell: str = "sh") -> list[list[str]]:
    """The arguments ``shell`` gives each ``git`` in ``text`` (git here is a shell function
    that prints them)."""
    script = 'git() { printf "%s\\0" git "$@"; printf "\\1\\0"; }\n' + text
    done = subprocess.run([shell, "-c", script], cwd=cwd, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    commands: list[list[str]] = [[]]
    for field in done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]:
        if field == "\1":
            commands.append([])
        else:
            commands[-1].append(field)
    return commands[:-1]


def hints_naming(name: str) -> list[Hint]:
    """Hints of every kind that carry ``name``: as a branch renamed here, created, renamed
    on the remote, pushed, pushed under another name, pushed for a pull request, as a
    tag, a stale branch, a deleted one, and a wrong base."""
    gitflow, ml_team = FLOW["gitflow"], FLOW["ml-team"]
    policy = gitflow.policy
    refs = Branches(
        policy,
        tips=[
            BranchTip("refs/heads/develop", "develop", None, "1" * 40),
            BranchTip(f"refs/heads/{name}", name, None, "2" * 40),
            BranchTip("refs/remotes/origin/main", "main", "origin", "3" * 40),
        ],
        tag_names=set(),
    )
    feature, main = gitflow.rule("feature"), gitflow.rule("main")
    found = [
        *check_branch_name(policy, name, refs=refs)[1],
        *check_branch_name(policy, name, creating=True, start=name, refs=refs)[1],
        *check_branch_name(policy, name, remote="origin", refs=refs)[1],
        *check_branch_name(policy, name, pushed=("origin", name), refs=refs)[1],
        *check_branch_name(policy, "Bad_Name", pushed=("origin", name), refs=refs)[1],
        *check_pull_request_only(
            ml_team.policy, "develop", ml_team.rule("develop"), remote="origin", local=name
        ),
        *check_tag(policy, name, "4" * 40, on_types={"main"}, releases=[], refs=refs),
        *check_stale(name, feature, 0, 10**9, 90),
        *check_stale(name, feature, 0, 10**9, 90, remote="origin"),
        *check_deletion(name, main),
    ]
    hints = [v.hint for v in found if v.hint is not None]
    hints.append(rebase_hint("feature/x", feature, name, refs, staged=True))
    return [h for h in hints if h.commands]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names)
def test_the_shell_reads_every_hint_as_its_commands(name: str, tmp_path: Path) -> None:
    hints = hints_naming(name)
    assert hints
    for hint in hints:
        text = split_hint(str(hint)).commands
        assert sh_arguments(text, tmp_path) == [list(argv) for argv in hint.commands], text
    assert list(tmp_path.iterdir()) == []  # nothing in a name ran


# marks that reorder text, act on a terminal, or do not show
UNSEEN = "\u202e\u2066\u200f\u0085\u009b\u2028\u200b\ufeff\u00ad\u061c"
unseen_names = st.builds(
    str.__add__,
    st.sampled_from(["feature/", "Feat/", "x"]),
    st.text(alphabet="ab'\\$" + UNSEEN, min_size=1, max_size=12),
).filter(lambda name: ref_format_problem(name) is None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=unseen_names)
def test_a_name_with_marks_a_terminal_acts_on_is_shown_escaped_and_still_runs(
    name: str, tmp_path: Path
) -> None:
    for hint in hints_naming(name):
        text = split_hint(str(hint)).commands
        assert not any(c in text for c in UNSEEN), text
        assert sh_arguments(text, tmp_path, "bash") == [list(a) for a in hint.commands], text


def test_a_name_with_a_bidi_override_is_renamed_by_its_hint(flow_repo: Path) -> None:
    name = "feature/\u202eevil"
    quiet(flow_repo, "switch", "-q", "-c", name, "develop")
    stage(flow_repo, "work")
    said = refused(hooked(flow_repo, "commit", "-m", "work"), "BF101")
    assert "$'feature/\\u202eevil'" in said
    done = subprocess.run(
        ["bash", "-c", split_hint(said).commands],
        cwd=flow_repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert git(flow_repo, "branch", "--list", name).stdout == ""
    assert hooked(flow_repo, "commit", "-m", "work").returncode == 0


@pytest.mark.parametrize("attack", ["it's-$(touch${IFS}PWNED)", 'Feat/"q";touch${IFS}PWNED'])
def test_a_hostile_branch_name_is_renamed_literally(flow_repo: Path, attack: str) -> None:
    quiet(flow_repo, "switch", "-q", "-c", attack, "develop")
    stage(flow_repo, "work")
    run_hint(flow_repo, refused(hooked(flow_repo, "commit", "-m", "work"), "BF101"))
    assert not (flow_repo / "PWNED").exists()
    assert git(flow_repo, "branch", "--list", attack).stdout == ""
    assert hooked(flow_repo, "commit", "-m", "work").returncode == 0


def test_a_hostile_tag_is_replaced_literally(flow_repo: Path) -> None:
    tag = "rel-1.2'$(touch${IFS}PWNED)"
    quiet(flow_repo, "tag", tag, "main")
    run_hint(flow_repo, refused(hooked(flow_repo, "push", "origin", tag), "BF501"))
    assert not (flow_repo / "PWNED").exists()
    assert git(flow_repo, "tag", "--list", tag).stdout == ""
    assert git(flow_repo, "tag", "--list", "v1.2.0").stdout == "v1.2.0\n"


def test_what_does_not_show_is_printed_escaped() -> None:
    from branchflow.report import shown

    for c in UNSEEN + "\u2060\u180e\U000e0001\x1b\x7f":
        assert c not in shown(f"main{c}"), repr(c)
    assert shown("feature/café") == "feature/café"  # letters of any script stay as they are
