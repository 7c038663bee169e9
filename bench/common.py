"""What every benchmark here shares: a clean environment and interleaved median timing."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent  # the venv whose tools are compared


def bench_env(cache: Path, home: Path | None = None) -> dict[str, str]:
    """The caller's environment without git or branchflow settings, with a fresh cache and
    a fixed identity; bytecode is allowed, as for any installed tool."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "BRANCHFLOW_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        XDG_CACHE_HOME=str(cache),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )
    if home is not None:
        env["HOME"] = str(home)
    return env


def fast_import(repo: Path, stream: list[str], env: dict[str, str]) -> None:
    """``git fast-import`` of ``stream`` (its commands, in order) into ``repo``."""
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=repo,
        input="".join(stream).encode(),
        check=True,
        env=env,
    )


def run_once(
    cmd: list[str],
    cwd: Path,
    env: dict[str, str],
    stdin: str = "",
    *,
    accept_failure: bool = False,
) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run; a failing command stops the benchmark
    unless its findings are the point (``accept_failure``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stderr is not None
    with contextlib.suppress(BrokenPipeError):  # a hook may leave its input unread, as git allows
        proc.stdin.write(stdin.encode())
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.close()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not (accept_failure and code == 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err.decode()}")
    return elapsed, usage.ru_maxrss


def measure(
    cmds: dict[str, tuple[list[str], str]],
    cwd: Path,
    env: dict[str, str],
    runs: int,
    *,
    accept_failure: bool = False,
) -> dict[str, tuple[float, int]]:
    """Median wall ms and peak RSS KiB per command; runs interleaved so drift hits all alike."""
    for cmd, stdin in cmds.values():
        run_once(cmd, cwd, env, stdin, accept_failure=accept_failure)  # warm every cache
    times: dict[str, list[float]] = {name: [] for name in cmds}
    peak = dict.fromkeys(cmds, 0)
    for _ in range(runs):
        for name, (cmd, stdin) in cmds.items():
            elapsed, rss = run_once(cmd, cwd, env, stdin, accept_failure=accept_failure)
            times[name].append(elapsed)
            peak[name] = max(peak[name], rss)
    return {name: (statistics.median(times[name]) * 1000, peak[name]) for name in cmds}
