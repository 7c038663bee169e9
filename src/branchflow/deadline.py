"""A wall-clock bound on the server's hooks.

A pusher chooses what the server's hook works on (objects, ref names, policies), and
git waits for the hook however long it takes, also after the client has gone. So
``pre-receive`` and ``update`` judge in a child process, and the parent, which does
nothing else, refuses the push and ends the child (with any git it started) once
the bound has passed: 10 seconds unless ``BRANCHFLOW_TIME_LIMIT`` says otherwise
(seconds; 0 turns the bound off). A child that dies of a signal (the kernel's
out-of-memory killer) refuses too: no verdict is no permission.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

from branchflow.errors import EXIT_INTERNAL, EXIT_VIOLATION, ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_SECONDS = 10.0
ENV = "BRANCHFLOW_TIME_LIMIT"


def time_limit() -> float:
    """The bound in seconds (0: none), from BRANCHFLOW_TIME_LIMIT or the default."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return DEFAULT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:  # also refuses nan and inf
        raise ConfigError(f"{ENV}={raw!r}: expected a number of seconds (0 turns the bound off)")
    return seconds


def within_time_limit(work: Callable[[], int], what: str) -> int:
    """``work()``'s exit code, or a refusal when it runs past the bound (see the module)."""
    seconds = time_limit()
    if not seconds or not hasattr(os, "fork"):
        return work()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid == 0:  # the child judges
        code = EXIT_INTERNAL
        try:
            _own_group(0)
            code = work()
        finally:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os._exit(code)
    _own_group(pid)  # as well, so that no kill can come before the child has its group
    for ending in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        # Whoever ends this process (a platform's own timeout) ends the judging with it.
        signal.signal(ending, lambda number, _frame: _ended(pid, number))
    status = _wait(pid, seconds)
    if status is None:
        _end(pid)
        print(
            f"branchflow: refused: judging {what} took longer than {seconds:g} s "
            f"(the bound {ENV} sets); nothing was updated",
            file=sys.stderr,
        )
        return EXIT_VIOLATION
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        print(
            f"branchflow: refused: the process judging {what} was ended by signal {-code} "
            f"({signal.Signals(-code).name}); nothing was updated",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return code


def _ended(pid: int, number: int) -> None:
    _end(pid)
    os._exit(128 + number)


def _own_group(pid: int) -> None:
    with contextlib.suppress(OSError):  # done by the other side, or the child has exited
        os.setpgid(pid, pid)


def _wait(pid: int, seconds: float) -> int | None:
    """The child's wait status, or None when it is still running after ``seconds``."""
    deadline = time.monotonic() + seconds
    pidfd = _pidfd(pid)
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if pidfd is not None:
                import select

                select.select([pidfd], [], [], left)
            else:
                time.sleep(min(0.005, left))
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _pidfd(pid: int) -> int | None:
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _end(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            continue
        break
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
