"""Running git itself, outside any hook's environment, for what plumbing does fastest."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator

from branchflow.repo.state import decode

# Variables git sets for hooks that would redirect a nested git command.
GIT_ENV = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_PREFIX")


def git_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in GIT_ENV}


def run_git(args: list[str], cwd: str) -> str | None:
    """Output of a git command run outside any hook environment, or None when it fails."""
    try:
        out = GitJob(args, cwd).result()
    except OSError:
        return None
    return None if out is None else decode(out).rstrip("\n")


class GitJob:
    """``git ARGS`` running in the background while the caller works.

    Its output is either drained into memory as it comes (so git never waits on a full
    pipe) and collected by ``result``, or, with ``stream=True``, read piece by piece with
    ``pieces`` while git is still writing. Revisions for ``--stdin`` can be given as
    ``stdin``, in any number.
    """

    def __init__(
        self, args: list[str], cwd: str, stdin: bytes | None = None, *, stream: bool = False
    ) -> None:
        self.proc = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._out = b""
        self._ended = False  # the whole output was read
        self._reader: threading.Thread | None = None
        if not stream:
            self._reader = threading.Thread(target=self._drain, daemon=True)
            self._reader.start()
        if stdin is not None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(stdin)
                self.proc.stdin.close()
            except BrokenPipeError:
                pass  # git stopped early; its exit status says why

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        self._out = self.proc.stdout.read()

    def result(self) -> bytes | None:
        """The output, or None when git failed."""
        if self._reader is not None:
            self._reader.join()
        return self._out if self.proc.wait() == 0 else None

    def pieces(self, size: int = 1 << 16) -> Iterator[str]:
        """The output as git writes it, in pieces that end at a line's end."""
        assert self._reader is None, "start the job with stream=True"
        stdout = self.proc.stdout
        assert stdout is not None
        rest = b""
        # Whole pieces (read waits until it has ``size`` bytes): git keeps writing into the
        # pipe while a piece is checked, and no time goes on slivers.
        while chunk := stdout.read(size):
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            rest = chunk[cut:]
            if cut:
                yield chunk[:cut].decode("utf-8", "surrogateescape")
        if rest:
            yield rest.decode("utf-8", "surrogateescape")
        self._ended = True

    def finish(self) -> bool:
        """Whether git succeeded; if the caller stopped reading early, git is stopped (and
        that counts as success)."""
        if not self._ended and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            return True
        return self.proc.wait() == 0
