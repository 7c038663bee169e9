"""Reuse a validated policy across runs, as mypy and ruff reuse their caches.

Validating a policy needs pydantic and PyYAML, which cost ten times more to
import than a whole hook run. An entry is keyed by how branchflow was asked to
find the policy and holds the bytes of every file that decided the outcome
(files read, and candidate files that were absent); it is used only when all of
them are unchanged, and for the same branchflow and Python versions. Nothing
here writes into a repository: entries live in the user's cache directory.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Iterable
from typing import Any

from branchflow import __version__
from branchflow.policy.compiled import CompiledPolicy

_FORMAT = 1
Inputs = tuple[tuple[str, bytes | None], ...]


def cache_dir() -> str | None:
    if os.environ.get("BRANCHFLOW_NO_CACHE"):
        return None
    explicit = os.environ.get("BRANCHFLOW_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "branchflow")


def read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def snapshot(paths: Iterable[str]) -> Inputs:
    return tuple((p, read_bytes(p)) for p in dict.fromkeys(paths))


def _entry_path(key: str) -> str | None:
    directory = cache_dir()
    if directory is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}"
    return os.path.join(directory, f"policy-{tag}.marshal")


def _full_key(key: str) -> str:
    return f"{_FORMAT}\0{__version__}\0{key}"


def lookup(key: str) -> tuple[CompiledPolicy, list[str]] | None:
    """The cached policy and its load warnings, if every input file is unchanged."""
    path = _entry_path(key)
    raw = read_bytes(path) if path else None
    if raw is None:
        return None
    try:
        stored_key, inputs, data, warnings = marshal.loads(raw)
        if stored_key != _full_key(key):
            return None
        for input_path, content in inputs:
            if read_bytes(input_path) != content:
                return None
        return CompiledPolicy.from_data(data), list(warnings)
    except (ValueError, TypeError, EOFError):
        return None  # a truncated or foreign entry is a miss, never an error


def store(key: str, inputs: Inputs, policy: CompiledPolicy, warnings: list[str]) -> None:
    path = _entry_path(key)
    if path is None:
        return
    payload: Any = (_full_key(key), inputs, policy.to_data(), tuple(warnings))
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(marshal.dumps(payload))
        os.replace(tmp, path)
    except OSError:
        # A read-only home (CI, a git server's hook user) only costs speed.
        try:
            os.unlink(tmp)
        except OSError:
            pass
