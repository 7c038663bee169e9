"""Our reading of git's ref-name rules agrees with `git check-ref-format --branch`."""

from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branchflow.policy.refname import ref_format_problem


def git_accepts(name: str) -> bool:
    done = subprocess.run(
        ["git", "check-ref-format", "--branch", name.encode("utf-8", "surrogateescape")],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


NAMES = [
    "main",
    "feature/model-tuning",
    "HEAD",
    "-foo",
    "a b",
    "foo.lock",
    "foo/.bar",
    "a..b",
    "a@{b",
    "@",
    "foo/",
    "/foo",
    "a//b",
    "a.",
    "é",
    "a{b}",
    "a+b",
    "a~1",
    "a^",
    "a:b",
    "a?",
    "a*",
    "a[b",
    "a\\b",
    "a\tb",
    "a\x7fb",
    ".a",
    "a/b.lock/c",
    "x/HEAD",
]


@pytest.mark.parametrize("name", NAMES)
def test_agrees_with_git_on_known_cases(name: str) -> None:
    assert (ref_format_problem(name) is None) is git_accepts(name)


# Characters git treats specially, plus ordinary ones, so both verdicts come up often.
_ALPHABET = st.sampled_from([*list("ab1-_./@{}~^:?*[\\ \t\x7fé"), "lock", ".lock", ".."])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=8).map("".join))
def test_agrees_with_git_on_generated_names(name: str) -> None:
    if name.startswith("@{-") or name == "@{upstream}":
        return  # git expands these to another branch before checking
    assert (ref_format_problem(name) is None) is git_accepts(name), name


def test_says_why() -> None:
    assert ref_format_problem("a b") == "git does not allow space in a ref name"
    assert ref_format_problem("x/y.lock") == "the component 'y.lock' ends with '.lock'"
    assert ref_format_problem("") == "the name is empty"


@settings(max_examples=600, deadline=None)
@given(st.lists(_ALPHABET, min_size=0, max_size=10).map("".join))
def test_the_fast_regex_agrees_with_the_explained_rules(name: str) -> None:
    from branchflow.policy.ref_regex import ref_format_ok

    assert ref_format_ok(name) is (ref_format_problem(name) is None), name


@pytest.mark.parametrize("name", [*NAMES, "", "HEAD", "a/HEAD", "x.lock/y", "y/x.lock", "é/ü"])
def test_the_fast_regex_on_known_cases(name: str) -> None:
    from branchflow.policy.ref_regex import ref_format_ok

    assert ref_format_ok(name) is (ref_format_problem(name) is None)


_PLAIN_PIECES = st.sampled_from(
    ["a", "Z", "0", "_", "-", ".", "/", "lock", ".lock", "HEAD", "v1", ".2", "..", "x.", "@"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PLAIN_PIECES, min_size=1, max_size=6).map("".join))
def test_what_looks_plain_is_always_accepted(name: str) -> None:
    """The shortcut for plain names (dots, '.lock' and 'HEAD' in reach) never accepts a
    name git would refuse, alone or inside a merge message."""
    from branchflow.policy.ref_regex import REF_PLAIN, plain_ref_before

    if REF_PLAIN.fullmatch(name):
        assert ref_format_problem(name) is None, name
    if re.match(plain_ref_before("'"), f"{name}' into develop"):
        assert ref_format_problem(name) is None, name


def test_a_component_longer_than_a_file_name_is_refused() -> None:
    """git accepts the name, then cannot write the file it keeps the branch in."""
    from branchflow.policy.ref_regex import ref_format_ok

    long = "feature/" + "a" * 256
    assert ref_format_problem(long) == (
        "the component 'aaaaaaaaaaaaaaaaaaaaaaaa'... is 256 bytes; file systems hold at most "
        "255, so git cannot store the branch"
    )
    assert not ref_format_ok(long)
    assert ref_format_problem("feature/" + "é" * 127) is None  # 254 bytes
    assert ref_format_problem("feature/" + "é" * 128) is not None  # 256 bytes
    assert ref_format_ok("feature/" + "a" * 255)


def test_a_name_of_kilobytes_is_refused() -> None:
    """Each component short enough for a file system, the whole name not a branch name."""
    from branchflow.policy.ref_regex import ref_format_ok

    name = "/".join(["a" * 200] * 6)
    assert ref_format_problem(name) == (
        "the name is 1,205 bytes; a branch name here is at most 1,024"
    )
    assert not ref_format_ok(name)
    assert ref_format_ok("/".join(["a" * 200] * 5))
