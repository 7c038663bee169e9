"""Shared fixtures: real repositories made with git, isolated from the machine's config."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
BRANCHFLOW = str(BIN_DIR / "branchflow")

# Variables a hook or a developer's shell may carry that would redirect git or branchflow.
_LEAKY = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "BRANCHFLOW_CONFIG",
    "BRANCHFLOW_NO_CACHE",
    "BRANCHFLOW_CACHE_DIR",
    "BRANCHFLOW_DEBUG",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME, cache and git config for every test; nothing from the machine leaks in
    (nor from another test: the cache directory a server's judgment chose)."""
    from branchflow.policy import cache

    monkeypatch.setattr(cache, "fallback_dir", None)
    home = tmp_path_factory.mktemp("home")
    for name in _LEAKY:
        monkeypatch.delenv(name, raising=False)
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
        "[advice]\n\tdetachedHead = false\n"
        "[commit]\n\tgpgsign = false\n"
    )
    template = home / "git-template"
    template.mkdir()
    values = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_TEMPLATE_DIR": str(template),
        "GIT_AUTHOR_NAME": "Test User",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test User",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
        "GIT_EDITOR": "true",
        "LC_ALL": "C.UTF-8",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    # Hooks run branchflow from PATH, as pre-commit and native hooks do.
    monkeypatch.setenv("PATH", f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    return home


def git(cwd: Path | str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real git, the way a user would."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)


def commit(cwd: Path, message: str = "change", *, filename: str | None = None) -> None:
    name = filename or f"file-{abs(hash(message)) % 10**8}.txt"
    path = cwd / name
    path.write_text(path.read_text() + message + "\n" if path.exists() else message + "\n")
    git(cwd, "add", name)
    git(cwd, "commit", "-q", "--no-verify", "-m", message)


def literal_commit(cwd: Path, text: str) -> str:
    """A commit object written as given, git's own checks skipped (a pusher controls every
    byte of what it pushes); returns its id."""
    return subprocess.run(
        ["git", "hash-object", "-t", "commit", "--literally", "-w", "--stdin"],
        cwd=cwd,
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def run_branchflow(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed console script, as hooks and users run it."""
    return subprocess.run(
        [BRANCHFLOW, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def run_unheard(
    cwd: Path,
    *args: str,
    stdin: bytes = b"",
    closed: tuple[str, ...] = ("stdout", "stderr"),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a command whose ``closed`` streams are pipes nobody reads: the read end is closed
    before the command starts, so its every write there fails (EPIPE), every time. The
    streams not closed are captured."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            args,
            cwd=cwd,
            input=stdin,
            stdout=write_end if "stdout" in closed else subprocess.PIPE,
            stderr=write_end if "stderr" in closed else subprocess.PIPE,
            env={**os.environ, **(env or {})},
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository on main with one commit; the current directory is its root."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, "initial", filename="README.md")
    monkeypatch.chdir(path)
    return path


@pytest.fixture
def repo_with_develop(repo: Path) -> Path:
    """main and develop, as Git Flow starts; develop is checked out."""
    git(repo, "switch", "-q", "-c", "develop")
    commit(repo, "develop work", filename="develop.txt")
    return repo


def install_native_hook(repo: Path, hook: str = "pre-commit") -> None:
    """A plain git hook that runs branchflow, so real `git commit`s go through it."""
    hooks = Path(git(repo, "rev-parse", "--git-path", "hooks").stdout.strip())
    if not hooks.is_absolute():
        hooks = repo / hooks
    hooks.mkdir(parents=True, exist_ok=True)
    script = hooks / hook
    script.write_text(f'#!/bin/sh\nexec "{BRANCHFLOW}" hook {hook}\n')
    script.chmod(0o755)


@pytest.fixture
def hooked_repo(repo: Path) -> Path:
    install_native_hook(repo)
    return repo


@pytest.fixture
def hooked_develop(repo_with_develop: Path) -> Path:
    """repo_with_develop with branchflow as its pre-commit hook."""
    install_native_hook(repo_with_develop)
    return repo_with_develop


@pytest.fixture(scope="session")
def framework_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store for the session: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def project_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This project's working tree as a one-commit repository, for pre-commit to install."""
    dest = tmp_path_factory.mktemp("branchflow-src")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        rel = raw.decode()
        src = PROJECT_ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "snapshot",
        "GIT_AUTHOR_EMAIL": "snapshot@example.com",
        "GIT_COMMITTER_NAME": "snapshot",
        "GIT_COMMITTER_EMAIL": "snapshot@example.com",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest


def seed_origin(bare: Path, work: Path) -> None:
    """A bare repository holding main and develop, pushed from ``work``, a clone of it."""
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(bare.parent, "init", "-q", "--bare", "-b", "main", str(bare))
    git(work.parent, "clone", "-q", str(bare), str(work))
    commit(work, "initial", filename="README.md")
    git(work, "push", "-q", "origin", "main")
    git(work, "switch", "-q", "-c", "develop")
    commit(work, "develop starts", filename="develop.txt")
    git(work, "push", "-q", "-u", "origin", "develop")


@pytest.fixture
def flow_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of a bare `origin` holding main and develop, with every native hook installed."""
    path = tmp_path / "work"
    seed_origin(tmp_path / "origin.git", path)
    monkeypatch.chdir(path)
    done = run_branchflow(path, "install", "--hook", "all")
    assert done.returncode == 0, done.stderr
    return path


def shallow_clone(source: Path, dest: Path) -> Path:
    """A depth-1 clone of every branch of ``source``."""
    git(
        dest.parent,
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-single-branch",
        f"file://{source}",
        str(dest),
    )
    return dest


@pytest.fixture
def shallow_feature(repo_with_develop: Path, tmp_path: Path) -> Path:
    """A depth-1 clone in which feature/deep (forked from develop two commits down, develop
    having moved on since) is a local branch with no reflog: nothing here reaches its base."""
    git(repo_with_develop, "switch", "-q", "-c", "feature/deep", "develop")
    commit(repo_with_develop, "f1")
    commit(repo_with_develop, "f2")
    git(repo_with_develop, "switch", "-q", "develop")
    commit(repo_with_develop, "d2")
    clone = shallow_clone(repo_with_develop, tmp_path / "shallow")
    git(clone, "-c", "core.logAllRefUpdates=false", "branch", "feature/deep", "origin/feature/deep")
    return clone
