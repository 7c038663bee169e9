"""stdout and stderr whose failures never decide a verdict.

A hook's stderr may be a pipe nobody reads any more (`git branch x 2>&1 | head -1`)
or a full disk. A write that fails is dropped and the work goes on to its verdict.
The stream's file descriptor is then pointed at the null device, so that what is
still buffered, later writes, git's children and Python's own flush at exit all
succeed quietly (instead of "Exception ignored" and exit status 120)."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # mypy treats the name as true; `typing` is not imported on hook paths
if TYPE_CHECKING:
    from typing import TextIO


class UnheardStream:
    """A text stream that keeps going when nobody can hear it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except (OSError, ValueError):
            self._lose()
            return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except (OSError, ValueError):
            self._lose()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)

    def _lose(self) -> None:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self.stream.fileno())
            finally:
                os.close(null)
            self.stream.flush()  # the buffered rest goes to the null device
        except (OSError, ValueError):
            pass  # no descriptor (an in-memory stream): nothing is left to flush at exit


class UnheardOutput:
    """sys.stdout and sys.stderr made unheard-proof for the length of one command."""

    def __init__(self) -> None:
        self.saved = (sys.stdout, sys.stderr)
        self.streams = (_unheard(sys.stdout), _unheard(sys.stderr))
        sys.stdout, sys.stderr = self.streams

    def restore(self) -> None:
        for stream in self.streams:
            stream.flush()
        sys.stdout, sys.stderr = self.saved


def _unheard(stream: TextIO | None) -> UnheardStream:
    if stream is None:  # its descriptor was closed before Python started (`2>&-`)
        stream = open(os.devnull, "w")  # noqa: SIM115 (it lives as long as the process)
    return UnheardStream(stream)
