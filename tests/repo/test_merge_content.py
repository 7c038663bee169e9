"""BF205's judgement of one merge, on merges made with git: a conflict's resolution may be
anything inside the conflicting lines and nothing else outside them, whatever the file's
encoding and however many merge bases the two sides have."""

from __future__ import annotations

import re
from pathlib import Path

import pygit2

from branchflow.repo.commits import merge_own_changes
from tests.conftest import git

LINES = [f"line {n}\n" for n in range(1, 31)]


def write(repo: Path, lines: list[str], encoding: str = "utf-8") -> None:
    (repo / "f.txt").write_bytes("".join(lines).encode(encoding))


def change(repo: Path, message: str, edits: dict[int, str], encoding: str = "utf-8") -> None:
    lines = (repo / "f.txt").read_bytes().decode(encoding).splitlines(keepends=True)
    for number, text in edits.items():
        lines[number - 1] = text + "\n"
    write(repo, lines, encoding)
    git(repo, "commit", "-q", "--no-verify", "-am", message)


def resolve(repo: Path, block: str, encoding: str = "utf-8", *, extra: dict[int, str]) -> str:
    """Finish the merge in progress: each conflict block becomes ``block``, then ``extra``
    (line number -> text) is applied; the new merge's id."""
    text = (repo / "f.txt").read_bytes().decode(encoding)
    assert "<<<<<<< " in text, text
    text = re.sub(r"<<<<<<< [^\n]*\n.*?>>>>>>> [^\n]*\n", block, text, flags=re.S)
    lines = text.splitlines(keepends=True)
    for number, line in extra.items():
        lines[number - 1] = line + "\n"
    write(repo, lines, encoding)
    git(repo, "commit", "-q", "--no-verify", "-am", "Merge")
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def start(path: Path, encoding: str = "utf-8") -> Path:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "t")
    git(path, "config", "user.email", "t@example.com")
    write(path, LINES, encoding)
    git(path, "add", "f.txt")
    git(path, "commit", "-q", "--no-verify", "-m", "base")
    return path


def own(repo: Path, merge: str) -> tuple[str, ...]:
    return merge_own_changes(pygit2.Repository(str(repo)), merge)


def conflicted(repo: Path, encoding: str) -> None:
    """x and y both change line 5, x also line 20: merging y into x conflicts on line 5."""
    git(repo, "switch", "-q", "-c", "y")
    change(repo, "y", {5: "line 5 from y, café"}, encoding)
    git(repo, "switch", "-q", "-c", "x", "main")
    change(repo, "x", {5: "line 5 from x, naïve", 20: "line 20 fixed"}, encoding)
    assert git(repo, "merge", "y", check=False).returncode != 0


def test_a_resolution_in_another_encoding_is_judged_line_by_line(tmp_path: Path) -> None:
    repo = start(tmp_path / "latin1", "latin-1")
    conflicted(repo, "latin-1")
    good = resolve(repo, "line 5 from both, café naïve\n", "latin-1", extra={})
    assert own(repo, good) == ()
    git(repo, "reset", "-q", "--hard", "HEAD^")
    assert git(repo, "merge", "y", check=False).returncode != 0
    evil = resolve(repo, "line 5 from both\n", "latin-1", extra={28: "line 28 EVIL"})
    assert own(repo, evil) == ("f.txt",)


def test_a_resolution_in_utf8_is_judged_the_same(tmp_path: Path) -> None:
    repo = start(tmp_path / "utf8")
    conflicted(repo, "utf-8")
    assert own(repo, resolve(repo, "line 5 from both, café naïve\n", extra={})) == ()
    git(repo, "reset", "-q", "--hard", "HEAD^")
    assert git(repo, "merge", "y", check=False).returncode != 0
    assert own(repo, resolve(repo, "both\n", extra={28: "EVIL"})) == ("f.txt",)


def test_a_line_break_git_does_not_split_at_hides_no_marker(tmp_path: Path) -> None:
    """U+2028 is no line end for git: a side's text after it is not a conflict marker, so
    it cannot stretch the conflict over line 4 and let the resolution change it."""
    repo = start(tmp_path / "sep")
    git(repo, "switch", "-q", "-c", "y")
    change(repo, "y", {5: "line 5 from y"})
    git(repo, "switch", "-q", "-c", "x", "main")
    change(repo, "x", {3: "line 3\u2028<<<<<<< x", 5: "line 5 from x"})
    assert git(repo, "merge", "y", check=False).returncode != 0
    assert own(repo, resolve(repo, "line 5 from both\n", extra={4: "EVIL"})) == ("f.txt",)


def test_a_criss_cross_merge_resolved_as_git_shows_it_is_accepted(tmp_path: Path) -> None:
    """x and y each merged the other's first change to line 3, resolving it their own way:
    two merge bases, whose virtual ancestor carries conflict markers of its own. The final
    merge conflicts there; resolving that block is the merge's to do."""
    repo = start(tmp_path / "criss")
    git(repo, "switch", "-q", "-c", "x")
    change(repo, "x1", {3: "line 3 x"})
    git(repo, "switch", "-q", "-c", "y", "main")
    change(repo, "y1", {3: "line 3 y"})
    git(repo, "switch", "-q", "x")
    git(repo, "merge", "y", check=False)
    git(repo, "checkout", "--ours", "f.txt")
    git(repo, "commit", "-q", "--no-verify", "-am", "Merge y into x")
    git(repo, "switch", "-q", "y")
    git(repo, "merge", "x^1", check=False)
    git(repo, "checkout", "--ours", "f.txt")
    git(repo, "commit", "-q", "--no-verify", "-am", "Merge x1 into y")
    change(repo, "y2", {25: "line 25 y"})
    git(repo, "switch", "-q", "x")
    change(repo, "x2", {10: "line 10 x"})
    bases = git(repo, "merge-base", "--all", "x", "y").stdout.split()
    assert len(bases) == 2
    assert git(repo, "merge", "y", check=False).returncode != 0
    merge = resolve(repo, "line 3 x and y\n", extra={})
    assert own(repo, merge) == ()
    text = (repo / "f.txt").read_text()
    assert "line 10 x" in text
    assert "line 25 y" in text
    git(repo, "reset", "-q", "--hard", "HEAD^")
    assert git(repo, "merge", "y", check=False).returncode != 0
    assert own(repo, resolve(repo, "line 3 x and y\n", extra={12: "EVIL"})) == ("f.txt",)


def test_a_conflicted_file_turned_into_a_directory_is_named(tmp_path: Path) -> None:
    repo = start(tmp_path / "dir")
    conflicted(repo, "utf-8")
    git(repo, "rm", "-q", "--cached", "f.txt")
    (repo / "f.txt").unlink()
    (repo / "f.txt").mkdir()
    (repo / "f.txt" / "inside").write_text("a file now\n")
    git(repo, "add", "f.txt/inside")
    git(repo, "commit", "-q", "--no-verify", "-m", "Merge")
    merge = git(repo, "rev-parse", "HEAD").stdout.strip()
    assert own(repo, merge) == ("f.txt", "f.txt/inside")
