"""The policy as committed: found and read from a commit's git objects, never from the disk."""

from __future__ import annotations

from pathlib import Path

import pygit2
import pytest

from branchflow.errors import BranchflowError, ConfigError
from branchflow.policy.committed import CommittedPolicy, load_committed_policy
from branchflow.policy.load import build_policy
from branchflow.repo.committed import commit_files
from tests.conftest import git

STRICT = 'extends: gitflow\nbranches:\n  feature:\n    pattern: "feature/{ticket}-{slug}"\n'


def commit_tree(repo: Path, files: dict[str, str], message: str = "policy") -> str:
    """Commit exactly these files (others at the root removed); the new commit's id."""
    for name in (".branchflow.yaml", ".branchflow.yml", ".branchflow.toml", "pyproject.toml"):
        if (repo / name).exists() and name not in files:
            git(repo, "rm", "-q", name)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def committed(repo: Path, revision: str = "HEAD", name: str | None = None) -> CommittedPolicy:
    files = commit_files(pygit2.Repository(str(repo)), revision, name)
    assert files is not None
    return load_committed_policy(files)


PYPROJECT = '[project]\nname = "x"\n\n[tool.branchflow]\nextends = "trunk"\n'
LAYOUTS = {
    "yaml": {".branchflow.yaml": STRICT},
    "yml": {".branchflow.yml": "extends: solo\n"},
    "toml": {".branchflow.toml": 'extends = "github-flow"\n'},
    "pyproject": {"pyproject.toml": PYPROJECT},
    "pyproject without a table": {"pyproject.toml": '[project]\nname = "x"\n'},
    "none": {},
    "several": {".branchflow.yml": "extends: solo\n", "pyproject.toml": PYPROJECT},
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_found_as_discovery_finds_it_on_disk(repo: Path, layout: str) -> None:
    commit_tree(repo, LAYOUTS[layout])
    on_disk, disk_warnings, _ = build_policy(str(repo))
    found = committed(repo, "HEAD", "main")
    assert found.policy.to_data()[1:] == on_disk.to_data()[1:]
    assert found.warnings == disk_warnings
    assert found.revision == "main"
    if layout in ("none", "pyproject without a table"):
        assert found.file is None
        assert found.policy.label == "preset 'gitflow'"
    else:
        assert found.file is not None
        assert found.policy.label.startswith(f"main:{found.file}")


def test_extends_follows_files_of_the_same_commit(repo: Path) -> None:
    commit_tree(
        repo,
        {
            ".branchflow.yaml": "extends: policy/team.yaml\n",
            "policy/team.yaml": "extends: ./base/../strict.yaml\n",
            "policy/strict.yaml": STRICT,
        },
    )
    # The work tree says otherwise; the commit is what counts.
    (repo / "policy" / "strict.yaml").write_text("extends: solo\n")
    (repo / ".branchflow.yaml").write_text("extends: trunk\n")
    found = committed(repo, "main")
    assert found.policy.label == (
        "main:.branchflow.yaml extends main:policy/team.yaml extends main:policy/strict.yaml "
        "extends preset 'gitflow'"
    )
    assert found.policy.classify("feature/login") is None
    assert found.policy.classify("feature/AB-12-login") is not None
    assert [path for path, _ in found.inputs][-2:] == ["policy/team.yaml", "policy/strict.yaml"]


@pytest.mark.parametrize(
    ("extends", "why"),
    [
        ("/etc/passwd", "is an absolute path"),
        ("{outside}", "is an absolute path"),
        ("../../etc/passwd", "leads outside the repository"),
        ("sub/../../outside.yaml", "leads outside the repository"),
    ],
)
def test_extends_never_leaves_the_commit(
    repo: Path, tmp_path: Path, extends: str, why: str
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("extends: solo\n")  # loads fine: reading it would be the bug
    value = extends.replace("{outside}", str(outside))
    commit_tree(repo, {".branchflow.yaml": f"extends: {value}\n"})
    with pytest.raises(ConfigError) as raised:
        committed(repo, "main")
    message = str(raised.value)
    assert message.startswith(f"main:.branchflow.yaml: extends: {value!r} {why}; ")
    assert message.endswith(
        "a committed policy extends only a preset or a file of its own commit, named relative "
        "to the file that extends it"
    )


def test_a_missing_extended_file_is_named(repo: Path) -> None:
    commit_tree(repo, {".branchflow.yaml": "extends: policy/base.yaml\n"})
    (repo / "policy").mkdir()
    (repo / "policy" / "base.yaml").write_text("extends: solo\n")  # on disk only
    with pytest.raises(ConfigError, match=r"extends: the file 'policy/base.yaml' is not in main$"):
        committed(repo, "main")


def test_problems_name_the_revision_the_file_and_the_line(repo: Path) -> None:
    commit_tree(
        repo, {".branchflow.yaml": "extends: gitflow\nbranches:\n  feature:\n    protcted: true\n"}
    )
    with pytest.raises(ConfigError) as raised:
        committed(repo, "main")
    assert (
        "main:.branchflow.yaml:4: branches.feature.protcted: unknown key 'protcted'; "
        "did you mean 'protected'?"
    ) in str(raised.value)


def link(repo: Path, name: str, target: str) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.symlink_to(target)
    git(repo, "add", name)


def test_a_symbolic_link_inside_the_tree_is_followed_as_a_checkout_would(repo: Path) -> None:
    commit_tree(
        repo, {"policy/real.yaml": "extends: solo\n", "policy/base.yaml": "extends: trunk\n"}
    )
    link(repo, ".branchflow.yaml", "policy/real.yaml")
    link(repo, "conf", "policy")  # a linked folder on the way of an extends
    link(repo, "policy/up.yaml", "../conf/base.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "links")
    assert "preset 'solo'" in committed(repo, "main").policy.label
    (repo / "policy" / "real.yaml").write_text("extends: policy/up.yaml\n")
    git(repo, "commit", "-q", "--no-verify", "-am", "extends through two links")
    assert "preset 'trunk'" in committed(repo, "main").policy.label


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("/etc/passwd", "points at an absolute path, outside the repository"),
        ("../outside.yaml", "leads out of the repository"),
        ("policy/../../x.yaml", "leads out of the repository"),
        (".branchflow.yaml", "more than 8 symbolic links on the way"),
        (".", "is a symbolic link to the repository's root"),
        (".git/config", "points at a path the commit does not have"),
        ("policy/real.yaml/", "points at a directory"),
        ("policy/missing.yaml", "points at a path the commit does not have"),
    ],
)
def test_a_symbolic_link_out_of_the_tree_or_in_a_loop_is_refused(
    repo: Path, target: str, says: str
) -> None:
    commit_tree(repo, {"policy/real.yaml": "extends: solo\n"})
    link(repo, ".branchflow.yaml", target)
    git(repo, "commit", "-q", "--no-verify", "-m", "link")
    with pytest.raises(BranchflowError) as raised:
        committed(repo, "main")
    assert str(raised.value).startswith("main:.branchflow.yaml: ")
    assert says in str(raised.value)


def test_nothing_is_written_to_the_repository(repo: Path) -> None:
    commit_tree(
        repo, {".branchflow.yaml": "extends: policy/team.yaml\n", "policy/team.yaml": STRICT}
    )
    git(repo, "rm", "-q", "-r", ".branchflow.yaml", "policy")
    git(repo, "commit", "-q", "--no-verify", "-m", "no policy now")
    before = sorted(p.name for p in repo.iterdir())
    found = committed(repo, "HEAD~1", "HEAD~1")
    assert found.file == ".branchflow.yaml"
    assert sorted(p.name for p in repo.iterdir()) == before
    assert git(repo, "status", "--porcelain").stdout == ""


def test_the_cache_never_serves_another_commits_policy(repo: Path) -> None:
    first = commit_tree(
        repo, {".branchflow.yaml": "extends: policy/base.yaml\n", "policy/base.yaml": STRICT}
    )
    second = commit_tree(
        repo,
        {".branchflow.yaml": "extends: policy/base.yaml\n", "policy/base.yaml": "extends: solo\n"},
    )
    for _ in range(2):  # the second round is served from the cache
        assert committed(repo, first, "one").policy.classify("feature/AB-1-x") is not None
        assert committed(repo, second, "two").policy.classify("feature/AB-1-x") is None
        assert committed(repo, second, "two").policy.classify("dev") is not None
    # The same bytes under another name are labelled by that name.
    assert committed(repo, second, "three").policy.label.startswith("three:.branchflow.yaml")


def test_an_unknown_revision_has_no_files(repo: Path) -> None:
    assert commit_files(pygit2.Repository(str(repo)), "refs/remotes/origin/nope") is None
    assert commit_files(pygit2.Repository(str(repo)), "0" * 40) is None


def test_a_policy_that_is_a_directory_or_a_submodule_is_refused(repo: Path) -> None:
    """A checkout cannot read it either: every teammate's hooks would fail on it."""
    git(
        repo,
        "update-index",
        "--add",
        "--cacheinfo",
        f"160000,{'1' * 40},.branchflow.yaml",
    )
    git(repo, "commit", "-q", "--no-verify", "-m", "a submodule named like the policy")
    with pytest.raises(BranchflowError, match=r"main:\.branchflow\.yaml: is a submodule"):
        committed(repo, "main")
    git(repo, "rm", "-q", "--cached", ".branchflow.yaml")
    (repo / ".branchflow.yml").mkdir()
    (repo / ".branchflow.yml" / "x").write_text("x\n")
    git(repo, "add", ".branchflow.yml")
    git(repo, "commit", "-q", "--no-verify", "-m", "a directory named like the policy")
    with pytest.raises(BranchflowError, match=r"main:\.branchflow\.yml: is a directory"):
        committed(repo, "main")
