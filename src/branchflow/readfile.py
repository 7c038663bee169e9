"""Reading a policy file from disk without trusting what the path is.

A cloned repository decides what ``.branchflow.yaml`` is: a link to ``/dev/zero``
or ``/dev/urandom``, a FIFO nobody writes, a directory, a gigabyte of YAML. A file
is read only when it is a regular file, and only up to ``MAX_POLICY_BYTES``; the
check is made on the descriptor that is read (no race with a swap of the path),
and opening never waits for a FIFO's writer. Standard library only: the cache
uses it on every hook's fast path.
"""

from __future__ import annotations

import os
import stat

MAX_POLICY_BYTES = 1 << 20  # 1 MiB: a policy is a few kilobytes; this is a hundred times that


class UnreadableFile(Exception):
    """A path that is there but is not a file branchflow reads; the message says what it is."""


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular(path: str, limit: int = MAX_POLICY_BYTES) -> bytes:
    """The bytes of the regular file at ``path``. Raises FileNotFoundError (and other
    OSErrors) as ``open`` does, and UnreadableFile when the path names something else
    or a file larger than ``limit``."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise UnreadableFile(f"is {kind}, not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(_too_large(info.st_size, limit))
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # it grew while being read
            raise UnreadableFile(_too_large(len(data), limit))
        return data
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> str:
    return f"is larger than {limit:,} bytes ({size:,}); a policy file is at most that"
