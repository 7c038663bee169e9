"""The policy cache: reused while its files are unchanged, never trusted beyond that."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from branchflow.policy import cache
from branchflow.policy.load import load_policy
from tests.conftest import git, run_branchflow


def entry_files(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "branchflow").glob("policy-*.marshal"))


def test_first_load_stores_and_second_reuses(repo: Path, isolated_env: Path) -> None:
    first = load_policy(str(repo))
    assert len(entry_files(isolated_env)) == 1
    again = cache.lookup(first.entry.key)
    assert again is not None
    assert load_policy(str(repo)).policy == first.policy


@pytest.mark.parametrize("name", [".branchflow.yaml", ".branchflow.yml", ".branchflow.toml"])
def test_a_new_policy_file_is_noticed(repo: Path, name: str) -> None:
    assert load_policy(str(repo)).policy.label == "preset 'gitflow'"
    text = 'extends = "solo"\n' if name.endswith(".toml") else "extends: solo\n"
    (repo / name).write_text(text)
    assert load_policy(str(repo)).policy.label == f"{name} extends preset 'solo'"


def test_an_edit_is_noticed_and_a_removal_too(repo: Path) -> None:
    policy = repo / ".branchflow.yaml"
    policy.write_text("extends: solo\n")
    assert load_policy(str(repo)).policy.label.endswith("'solo'")
    policy.write_text("extends: trunk\n")
    assert load_policy(str(repo)).policy.label.endswith("'trunk'")
    policy.unlink()
    assert load_policy(str(repo)).policy.label == "preset 'gitflow'"


def test_extended_file_edit_is_noticed(repo: Path) -> None:
    (repo / "base.yaml").write_text("extends: solo\n")
    (repo / ".branchflow.yaml").write_text("extends: ./base.yaml\n")
    assert "solo" in load_policy(str(repo)).policy.label
    (repo / "base.yaml").write_text("extends: trunk\n")
    assert "trunk" in load_policy(str(repo)).policy.label


def test_corrupt_entry_is_a_miss(repo: Path, isolated_env: Path) -> None:
    load_policy(str(repo))
    [entry] = entry_files(isolated_env)
    entry.write_bytes(b"\x00garbage")
    assert load_policy(str(repo)).policy.label == "preset 'gitflow'"
    entry.write_bytes(entry.read_bytes()[:20])
    assert load_policy(str(repo)).policy.label == "preset 'gitflow'"


def test_unwritable_cache_still_works(
    repo_with_develop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = repo_with_develop
    blocker = repo.parent / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("BRANCHFLOW_CACHE_DIR", str(blocker / "sub"))
    git(repo, "switch", "-q", "-c", "feature/x")
    done = run_branchflow(repo, "hook", "pre-commit")
    assert (done.returncode, done.stderr) == (0, "")


def test_cache_can_be_turned_off(
    repo: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANCHFLOW_NO_CACHE", "1")
    load_policy(str(repo))
    assert entry_files(isolated_env) == []


def test_verdicts_are_remembered_per_branch_and_bounded(repo: Path) -> None:
    loaded = load_policy(str(repo))
    for n in range(cache.MAX_VERDICTS + 5):
        loaded.entry.verdicts[f"feature/b{n}"] = "ok"
    cache.remember(loaded.entry, "feature/last", "ok")
    stored = cache.lookup(loaded.entry.key)
    assert stored is not None
    assert len(stored.verdicts) == cache.MAX_VERDICTS
    assert "feature/last" in stored.verdicts
    assert "feature/b0" not in stored.verdicts


def test_hook_remembers_a_checked_branch(repo_with_develop: Path) -> None:
    repo = repo_with_develop
    git(repo, "switch", "-q", "-c", "feature/remember-me")
    assert run_branchflow(repo, "hook", "pre-commit").returncode == 0
    entry = cache.lookup(load_policy(str(repo)).entry.key)
    created_at = git(repo, "rev-parse", "develop").stdout.strip()
    assert entry is not None
    assert entry.verdicts == {"feature/remember-me": f"ok {created_at}"}
    git(repo, "switch", "-q", "main")
    assert run_branchflow(repo, "hook", "pre-commit").returncode == 1
    entry = cache.lookup(load_policy(str(repo)).entry.key)
    assert entry is not None
    assert "main" not in entry.verdicts


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_CACHE_HOME": "relative/cache"}, "{home}/.cache/branchflow"),
        ({"XDG_CACHE_HOME": "/abs/cache"}, "/abs/cache/branchflow"),
        ({"BRANCHFLOW_CACHE_DIR": "relative"}, None),
        ({"BRANCHFLOW_NO_CACHE": "1"}, None),
        ({"HOME": "/nonexistent"}, None),  # a service user's home that is not there
    ],
)
def test_where_the_cache_lives(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None
) -> None:
    from branchflow.policy.cache import cache_dir

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cache_dir() == (expected.format(home=isolated_env) if expected else None)


def _layout() -> str:
    """A digest of what a cache entry's policy unpacks into: the compiled types' fields,
    in order, and the entry's parts."""
    from branchflow.policy.compiled import BranchRule, CompiledPolicy, NamePattern, TagPolicy

    fields = [t._fields for t in (NamePattern, BranchRule, TagPolicy, CompiledPolicy)]
    fields.append(cache.CacheEntry.__slots__)
    return hashlib.sha256(repr(fields).encode()).hexdigest()[:16]


# FORMAT -> the layout it was written for. A change of the compiled types (a field added,
# removed or moved) changes the digest: bump cache.FORMAT and pin the new pair here.
PINNED = {6: "c96fcc51db25a919"}


def test_the_cache_format_follows_the_layout() -> None:
    layout = _layout()
    assert PINNED.get(cache.FORMAT) == layout, (
        f"the compiled policy's layout is now {layout}: bump FORMAT in policy/cache.py (now "
        f"{cache.FORMAT}) and pin {{{cache.FORMAT + 1}: {layout!r}}} in this test"
    )


@pytest.mark.parametrize(
    "data",
    [
        (),
        ("label",),
        ("label", (("feature",),), (), None, (), 30, ()),  # a rule of an older layout
        ("label", (), (), ("not patterns",), (), 30, ()),
        ("label", (("x", (("a", 1),)),), (), None, (), 30, ()),
        ("label", (), (), None, (), 30, (), "one field too many"),
    ],
)
def test_an_entry_that_does_not_unpack_is_a_miss(data: tuple[object, ...]) -> None:
    from branchflow.policy.compiled import CompiledPolicy

    assert CompiledPolicy.from_cache(data) is None


def test_a_cache_others_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry decides verdicts (on a server, the policy a push is judged by): one in a
    directory another user could have written is never read, nor is one written there."""
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("BRANCHFLOW_CACHE_DIR", str(shared))
    entry = cache.CacheEntry(cache.content_key("x"), (), ("planted",), (), {})
    shared.chmod(0o700)
    cache.store(entry)
    assert cache.lookup(entry.key) is not None
    for loose in (0o770, 0o777, 0o1777):
        shared.chmod(loose)
        assert cache.lookup(entry.key) is None
    shared.chmod(0o755)
    assert cache.lookup(entry.key) is not None
