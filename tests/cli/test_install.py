"""`branchflow install` / `uninstall`: where hooks go, chaining, restoring, the fast path."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, BRANCHFLOW, commit, git, run_branchflow

ZERO = "0" * 40


def hooks(repo: Path) -> Path:
    return repo / ".git" / "hooks"


def test_default_hooks_with_the_running_branchflow(repo: Path) -> None:
    done = run_branchflow(repo, "install")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        f"installed {hooks(repo) / 'pre-push'}",
        f"installed {hooks(repo) / 'reference-transaction'}",
    ]
    for name in ("pre-push", "reference-transaction"):
        script = hooks(repo) / name
        assert os.access(script, os.X_OK)
        text = script.read_text()
        assert f"# branchflow-native-hook: {name}" in text
        assert f"BRANCHFLOW=${{BRANCHFLOW:-{BRANCHFLOW}}}" in text
    assert not (hooks(repo) / "pre-commit").exists()


def test_install_is_idempotent(repo: Path) -> None:
    run_branchflow(repo, "install")
    again = run_branchflow(repo, "install")
    assert again.stdout.splitlines()[0] == f"{hooks(repo) / 'pre-push'}: up to date"
    assert not (hooks(repo) / "pre-push.branchflow-chained").exists()


def test_existing_hook_is_chained_and_restored(flow_repo: Path) -> None:
    run_branchflow(flow_repo, "uninstall")
    seen = flow_repo.parent / "seen.txt"
    original = f'#!/bin/sh\necho "$1" >> {seen}\ncat >> {seen}\nexit 0\n'
    (hooks(flow_repo) / "pre-push").write_text(original)
    (hooks(flow_repo) / "pre-push").chmod(0o755)
    done = run_branchflow(flow_repo, "install", "--hook", "pre-push")
    assert "the hook that was there runs first" in done.stdout
    assert (hooks(flow_repo) / "pre-push.branchflow-chained").read_text() == original
    pushed = git(flow_repo, "push", "origin", ":develop", check=False)
    assert pushed.returncode != 0  # branchflow still refuses the deletion ...
    assert "BF401 protected-delete" in pushed.stderr
    text = seen.read_text()  # ... after the original hook saw the same arguments and refs
    assert text.startswith("origin\n(delete) ")
    assert "refs/heads/develop" in text
    undone = run_branchflow(flow_repo, "uninstall", "--hook", "pre-push")
    assert "restored the hook it had chained" in undone.stdout
    assert (hooks(flow_repo) / "pre-push").read_text() == original
    assert not (hooks(flow_repo) / "pre-push.branchflow-chained").exists()


def test_a_failing_chained_hook_stops_the_push(flow_repo: Path) -> None:
    run_branchflow(flow_repo, "uninstall")
    (hooks(flow_repo) / "pre-push").write_text("#!/bin/sh\necho team-hook-says-no >&2\nexit 7\n")
    (hooks(flow_repo) / "pre-push").chmod(0o755)
    run_branchflow(flow_repo, "install")
    git(flow_repo, "switch", "-q", "-c", "feature/fine", "develop")
    commit(flow_repo, "fine")
    pushed = git(flow_repo, "push", "origin", "feature/fine", check=False)
    assert pushed.returncode != 0
    assert "team-hook-says-no" in pushed.stderr


def test_chains_with_pre_commit_framework_hook(repo: Path) -> None:
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")
    installed = subprocess.run(
        [str(BIN_DIR / "pre-commit"), "install", "-t", "pre-push"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    framework = (hooks(repo) / "pre-push").read_text()
    assert "pre-commit" in framework
    done = run_branchflow(repo, "install", "--hook", "pre-push")
    assert "(pre-commit's pre-push hook runs it first)" in done.stdout
    assert (hooks(repo) / "pre-push").read_text() == framework  # pre-commit's stays in place
    assert "branchflow-native-hook" in (hooks(repo) / "pre-push.legacy").read_text()
    run_branchflow(repo, "uninstall")
    assert (hooks(repo) / "pre-push").read_text() == framework
    assert not (hooks(repo) / "pre-push.legacy").exists()


def test_refuses_to_overwrite_when_both_exist(repo: Path) -> None:
    hooks(repo).mkdir(exist_ok=True)
    for name in ("pre-push", "pre-push.branchflow-chained"):
        (hooks(repo) / name).write_text(f"#!/bin/sh\n# {name}\nexit 0\n")
    done = run_branchflow(repo, "install")
    assert done.returncode == 2
    assert "is not branchflow's and" in done.stderr
    assert (hooks(repo) / "pre-push").read_text() == "#!/bin/sh\n# pre-push\nexit 0\n"


def test_uninstall_leaves_foreign_hooks_alone(repo: Path) -> None:
    hooks(repo).mkdir(exist_ok=True)
    (hooks(repo) / "pre-push").write_text("#!/bin/sh\nexit 0\n")
    done = run_branchflow(repo, "uninstall", "--hook", "pre-push")
    assert done.stdout.strip() == f"{hooks(repo) / 'pre-push'}: not branchflow's; left alone"
    assert (hooks(repo) / "pre-push").exists()


def test_core_hooks_path_is_respected(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    done = run_branchflow(repo, "install", "--hook", "pre-commit")
    assert done.returncode == 0
    assert (repo / ".githooks" / "pre-commit").exists()
    assert not (hooks(repo) / "pre-commit").exists()
    git(repo, "switch", "-q", "-c", "Bad_Name")
    (repo / "x.txt").write_text("x\n")
    git(repo, "add", "x.txt")
    assert git(repo, "commit", "-m", "x", check=False).returncode != 0


def test_install_from_a_worktree_serves_all_worktrees(
    repo_with_develop: Path, tmp_path: Path
) -> None:
    worktree = tmp_path / "wt"
    git(repo_with_develop, "worktree", "add", "-q", "-b", "feature/wt", str(worktree), "develop")
    done = run_branchflow(worktree, "install", "--hook", "reference-transaction")
    assert done.returncode == 0
    assert (hooks(repo_with_develop) / "reference-transaction").exists()
    refused = git(repo_with_develop, "branch", "Not_Allowed", check=False)
    assert refused.returncode != 0


def test_unknown_hook_name(repo: Path) -> None:
    done = run_branchflow(repo, "install", "--hook", "pre-pus")
    assert done.returncode == 2
    assert "no native hook 'pre-pus'" in done.stderr


def run_script(repo: Path, state: str, lines: str) -> subprocess.CompletedProcess[str]:
    """The installed reference-transaction script, with branchflow itself unavailable."""
    env = {**os.environ, "BRANCHFLOW": "/nonexistent/branchflow"}
    return subprocess.run(
        [str(hooks(repo) / "reference-transaction"), state],
        cwd=repo,
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    ("state", "line"),
    [
        ("prepared", f"{'a' * 40} {'b' * 40} refs/heads/feature/x"),  # a commit
        ("prepared", f"{'a' * 40} {'b' * 40} HEAD"),
        ("prepared", f"{ZERO} {'b' * 40} refs/remotes/origin/x"),  # a fetch
        ("prepared", f"{ZERO} {'b' * 40} refs/tags/v1"),
        ("prepared", f"{'a' * 40} {ZERO} refs/heads/gone"),  # a deletion
        ("committed", f"{ZERO} {'b' * 40} refs/heads/Bad_Name"),
        ("aborted", f"{ZERO} {'b' * 40} refs/heads/Bad_Name"),
    ],
)
def test_reference_transaction_fast_path_never_starts_branchflow(
    repo: Path, state: str, line: str
) -> None:
    run_branchflow(repo, "install", "--hook", "reference-transaction")
    done = run_script(repo, state, line + "\n")
    assert (done.returncode, done.stderr) == (0, "")


def test_reference_transaction_starts_branchflow_for_a_new_branch(repo: Path) -> None:
    run_branchflow(repo, "install", "--hook", "reference-transaction")
    done = run_script(repo, "prepared", f"{ZERO} {'b' * 40} refs/heads/feature/x\n")
    assert done.returncode == 1
    assert "/nonexistent/branchflow not found" in done.stderr
    # what takes the hook out without branchflow, runnable as shown
    command = done.stderr.splitlines()[-1].strip()
    assert command == f"rm '{hooks(repo) / 'reference-transaction'}'"
    subprocess.run(["sh", "-c", command], check=True)
    assert not (hooks(repo) / "reference-transaction").exists()


def test_without_branchflow_a_chained_hook_is_put_back_by_the_command_shown(repo: Path) -> None:
    team = "#!/bin/sh\nexit 0\n"
    hooks(repo).mkdir(exist_ok=True)
    (hooks(repo) / "reference-transaction").write_text(team)
    (hooks(repo) / "reference-transaction").chmod(0o755)
    run_branchflow(repo, "install", "--hook", "reference-transaction")
    done = run_script(repo, "prepared", f"{ZERO} {'b' * 40} refs/heads/feature/x\n")
    command = done.stderr.splitlines()[-1].strip()
    assert command.startswith("mv ")
    subprocess.run(["sh", "-c", command], check=True)
    assert (hooks(repo) / "reference-transaction").read_text() == team


def recorder(path: Path, record: Path, then: str = "exit 0") -> Path:
    """A hook (or a stand-in for branchflow) that keeps the bytes it is given in ``record``."""
    path.write_text(f'#!/bin/sh\ncat > "{record}"\n{then}\n')
    path.chmod(0o755)
    return path


INPUTS = [
    b"",
    b"refs/heads/a 1111 refs/heads/a 2222\n",
    b"line one\nline two\nline three\n",
    b"no newline at the end",
    b"ends with blank lines\n\n\n",
]


@pytest.mark.parametrize("stdin", INPUTS)
@pytest.mark.parametrize(
    ("hook", "args"),
    [
        ("pre-push", ("origin", "url")),
        ("pre-receive", ()),
        ("reference-transaction", ("committed",)),
    ],
)
def test_chained_hook_and_branchflow_get_the_exact_input(
    repo: Path, hook: str, args: tuple[str, ...], stdin: bytes
) -> None:
    hooks(repo).mkdir(exist_ok=True)
    recorder(hooks(repo) / hook, repo.parent / "chained.bin")
    run_branchflow(repo, "install", "--hook", hook)
    stand_in = recorder(repo.parent / "branchflow", repo.parent / "branchflow.bin")
    done = subprocess.run(
        [str(hooks(repo) / hook), *args],
        cwd=repo,
        input=stdin,
        capture_output=True,
        env={**os.environ, "BRANCHFLOW": str(stand_in)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (repo.parent / "chained.bin").read_bytes() == stdin
    if hook != "reference-transaction":  # its committed state never starts branchflow
        assert (repo.parent / "branchflow.bin").read_bytes() == stdin


def test_reference_transaction_passes_a_creation_on_exactly(repo: Path) -> None:
    hooks(repo).mkdir(exist_ok=True)
    recorder(hooks(repo) / "reference-transaction", repo.parent / "chained.bin")
    run_branchflow(repo, "install", "--hook", "reference-transaction")
    stand_in = recorder(repo.parent / "branchflow", repo.parent / "branchflow.bin")
    stdin = f"{ZERO} {'b' * 40} refs/heads/feature/x\n{ZERO} {'b' * 40} HEAD\n".encode()
    done = subprocess.run(
        [str(hooks(repo) / "reference-transaction"), "prepared"],
        cwd=repo,
        input=stdin,
        capture_output=True,
        env={**os.environ, "BRANCHFLOW": str(stand_in)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (repo.parent / "chained.bin").read_bytes() == stdin
    assert (repo.parent / "branchflow.bin").read_bytes() == stdin


def test_a_real_push_reaches_both_hooks_byte_for_byte(flow_repo: Path) -> None:
    """git's own pre-push input, for a push of two refs and for one with nothing to send,
    reaches the chained hook and branchflow (which still judges it) unchanged."""
    run_branchflow(flow_repo, "uninstall", "--hook", "pre-push")
    record = flow_repo.parent
    recorder(hooks(flow_repo) / "pre-push", record / "chained.bin")
    run_branchflow(flow_repo, "install", "--hook", "pre-push")
    stand_in = recorder(
        record / "branchflow",
        record / "branchflow.bin",
        f'exec "{BRANCHFLOW}" "$@" < "{record / "branchflow.bin"}"',
    )
    env = {**os.environ, "BRANCHFLOW": str(stand_in)}
    git(flow_repo, "switch", "-q", "-c", "feature/one", "develop")
    commit(flow_repo, "one")
    git(flow_repo, "switch", "-q", "-c", "feature/two", "develop")
    commit(flow_repo, "two")
    pushed = subprocess.run(
        ["git", "push", "origin", "feature/one", "feature/two"],
        cwd=flow_repo,
        capture_output=True,
        env=env,
        check=False,
    )
    assert pushed.returncode == 0, pushed.stderr
    sent = "".join(
        f"refs/heads/{b} {git(flow_repo, 'rev-parse', b).stdout.strip()} refs/heads/{b} {ZERO}\n"
        for b in ("feature/one", "feature/two")
    ).encode()
    assert (record / "chained.bin").read_bytes() == sent
    assert (record / "branchflow.bin").read_bytes() == sent

    nothing = subprocess.run(
        ["git", "push", "origin", "feature/one"],
        cwd=flow_repo,
        capture_output=True,
        env=env,
        check=False,
    )
    assert nothing.returncode == 0, nothing.stderr
    assert b"Everything up-to-date" in nothing.stderr
    assert (record / "chained.bin").read_bytes() == b""
    assert (record / "branchflow.bin").read_bytes() == b""

    git(flow_repo, "-c", "core.hooksPath=/dev/null", "switch", "-q", "-c", "Bad_Name", "develop")
    commit(flow_repo, "bad")
    refused = subprocess.run(
        ["git", "push", "origin", "Bad_Name"],
        cwd=flow_repo,
        capture_output=True,
        env=env,
        check=False,
    )
    assert refused.returncode != 0
    assert b"BF101 branch-name" in refused.stderr


def test_all_on_a_server_is_pre_receive_alone(tmp_path: Path) -> None:
    """update is the other way to judge a push (ref by ref): both would judge it twice."""
    bare = tmp_path / "srv.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    done = run_branchflow(bare, "install", "--hook", "all")
    assert done.returncode == 0, done.stderr
    hooks = sorted(p.name for p in (bare / "hooks").iterdir() if not p.name.endswith(".sample"))
    assert hooks == ["pre-receive"]
    both = run_branchflow(bare, "install", "--hook", "pre-receive", "--hook", "update")
    assert both.returncode == 2
    assert "pre-receive and update are two ways to judge a push" in both.stderr
    assert not (bare / "hooks" / "update").exists()
    later = run_branchflow(bare, "install", "--hook", "update")  # one after the other
    assert later.returncode == 2
    assert "branchflow's pre-receive hook is installed here" in later.stderr
    assert "branchflow uninstall --hook pre-receive" in later.stderr
    assert not (bare / "hooks" / "update").exists()
    gone = run_branchflow(bare, "uninstall", "--hook", "all")
    assert gone.returncode == 0, gone.stderr
    assert not (bare / "hooks" / "pre-receive").exists()
