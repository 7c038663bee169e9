"""Every run of the server's hooks has a wall-clock bound: past it, the push is refused
with a message, nothing is updated, and the judging stops (git waits for a hook however
long it runs, also after the client has gone)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.attack.conftest import push, server_ref
from tests.conftest import BRANCHFLOW, commit, git, run_branchflow
from tests.server.conftest import clone


@pytest.fixture
def file_client(server_repo: Path, tmp_path: Path) -> Path:
    """Over file://, receive-pack and its hooks run with this process's environment."""
    return clone(f"file://{server_repo}", tmp_path / "client")


def test_a_push_judged_past_the_bound_is_refused(
    file_client: Path, server_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANCHFLOW_TIME_LIMIT", "0.001")  # less than starting Python takes
    git(file_client, "switch", "-q", "-c", "feature/slow", "develop")
    commit(file_client, "work")
    done = push(file_client, "feature/slow")
    assert done.returncode != 0
    assert (
        "remote: branchflow: refused: judging this push took longer than 0.001 s "
        "(the bound BRANCHFLOW_TIME_LIMIT sets); nothing was updated"
    ) in done.stderr
    assert server_ref(server_repo, "refs/heads/feature/slow") == ""
    monkeypatch.setenv("BRANCHFLOW_TIME_LIMIT", "0")  # no bound
    assert push(file_client, "feature/slow").returncode == 0
    monkeypatch.delenv("BRANCHFLOW_TIME_LIMIT")  # the default, 10 s
    git(file_client, "switch", "-q", "-c", "feature/quick", "develop")
    commit(file_client, "more")
    assert push(file_client, "feature/quick").returncode == 0


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bound_that_is_not_a_number_of_seconds_refuses(server_repo: Path, value: str) -> None:
    done = run_branchflow(
        server_repo,
        "pre-receive",
        env={"BRANCHFLOW_TIME_LIMIT": value, "GIT_DIR": "."},
    )
    assert done.returncode == 2
    assert (
        f"branchflow: error: BRANCHFLOW_TIME_LIMIT={value!r}: expected a number of seconds"
    ) in done.stderr


def test_the_judging_process_is_ended(server_repo: Path) -> None:
    """pre-receive as git runs it, with input that never ends (a pipe the writer keeps
    open): past the bound, the refusal comes and the judging process is gone."""
    hook = subprocess.Popen(
        [BRANCHFLOW, "pre-receive"],
        cwd=server_repo,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "BRANCHFLOW_TIME_LIMIT": "1", "GIT_DIR": "."},
    )
    assert hook.stdin is not None
    assert hook.stderr is not None
    hook.stdin.write(b"0" * 40)
    hook.stdin.flush()
    try:
        child = _child_of(hook.pid)
        code = hook.wait(timeout=60)
    finally:
        hook.kill()
    assert code == 1
    said = hook.stderr.read().decode()
    assert "branchflow: refused: judging this push took longer than 1 s" in said
    with pytest.raises(ProcessLookupError):
        os.killpg(child, 0)  # the judging child and the group it led are gone
    hook.stdin.close()


def _child_of(pid: int) -> int:
    for _ in range(500):
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if found:
            return int(found[0])
        time.sleep(0.01)
    raise AssertionError("the hook started no judging process")
