"""Reuse a validated policy, and what it said about each branch, across runs.

Validating a policy needs pydantic and PyYAML, which cost ten times more to
import than a whole hook run. An entry is keyed by how branchflow was asked to
find the policy and holds the bytes of every file that decided the outcome
(files read, and candidate files that were absent); it is used only when all of
them are unchanged, for the same branchflow and Python versions.

An entry also remembers the branches already found in order ("verdicts"): the
type of a name is a pure function of the policy, so a later commit on the same
branch needs neither the policy nor ``re``. Entries live in the user's cache
directory; only a server hook whose user has no writable home keeps them in the
repository's git directory (``fallback_dir``). This module imports nothing beyond the
standard library's fastest modules: it is on every hook's fast path.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

from branchflow import __version__
from branchflow.readfile import UnreadableFile, read_regular

TYPE_CHECKING = False  # mypy treats the name as true; `typing` is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    Inputs = tuple[tuple[str, bytes | None], ...]

# Bump FORMAT when CompiledPolicy.to_data() or the entry layout changes: an entry of an
# older layout would unpack into the wrong fields. tests/policy/test_cache.py pins FORMAT
# to a digest of the compiled types' fields and says when it is due.
FORMAT = 6
MAX_VERDICTS = 512  # branches remembered per policy; the oldest go first


class CacheEntry:
    __slots__ = ("files", "inputs", "key", "policy", "verdicts", "warnings")

    def __init__(
        self,
        key: str,
        inputs: Inputs,
        policy: tuple[Any, ...],
        warnings: tuple[str, ...],
        verdicts: dict[str, str],
        *,
        files: tuple[str, ...] = (),
    ) -> None:
        self.key = key
        self.inputs = inputs  # (path, bytes or None when absent) for every deciding file
        self.policy = policy  # CompiledPolicy.to_data()
        self.warnings = warnings  # what loading said (several policy files found, ...)
        self.verdicts = verdicts  # branch name -> "ok"
        # for a policy read from a commit: the paths of its tree that decided it (found or
        # not), never looked for on disk
        self.files = files


def _key(*parts: str) -> str:
    """Every key: the layout, branchflow's and Python's versions, then what is cached."""
    return "\0".join((str(FORMAT), __version__, sys.implementation.cache_tag, *parts))


def policy_key(
    root: str | None, config: str | None, preset: str | None, env_config: str | None
) -> str:
    """How branchflow was asked to find the policy; the same question gets the same entry."""
    paths = [os.path.abspath(p) if p else "" for p in (root, config, env_config)]
    return _key(*paths, preset or "")


def content_key(digest: str) -> str:
    """The key of a policy read from git objects: ``digest`` covers every byte that decided
    it, so an entry can never be stale and needs no files to check."""
    return _key("committed", digest)


# Where a server hook keeps entries when its user has no home it may write in (a web
# server's CGI user; www-data's home is root's /var/www): the repository's own git
# directory, which that user owns. Set by the server hooks only.
fallback_dir: str | None = None


def cache_dir() -> str | None:
    """Where entries live: an absolute directory only (a relative one would follow the
    working directory into repositories); None when there is none, and nothing is cached.
    The home's cache when it can be written, else a server hook's ``fallback_dir``."""
    if os.environ.get("BRANCHFLOW_NO_CACHE"):
        return None
    explicit = os.environ.get("BRANCHFLOW_CACHE_DIR")
    if explicit:
        return explicit if os.path.isabs(explicit) else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is to be ignored
        return os.path.join(xdg, "branchflow")
    home = os.path.expanduser("~")
    if not os.path.isabs(home) or not os.path.isdir(home):
        return fallback_dir  # no home ("~" stays "~"), or one that is not there (/nonexistent)
    found = os.path.join(home, ".cache", "branchflow")
    if fallback_dir is None or _writable(found, home):
        return found
    return fallback_dir


def _writable(directory: str, home: str) -> bool:
    """Whether entries can be written in ``directory`` (or made there: its nearest existing
    parent up to ``home`` may be written)."""
    for path in (directory, os.path.dirname(directory), home):
        if os.path.isdir(path):
            return os.access(path, os.W_OK | os.X_OK)
    return False


def ruling_key(repository: str, head: str, ref: str, commit: str) -> str:
    """The key of the policy that rules a server's pushes while HEAD names ``head`` and the
    ruling branch ``ref`` is at ``commit``: all it depends on (the commit's bytes decide the
    committed policy), so the server's quick path can take it without reading the commit."""
    return _key("ruling", repository, head, ref, commit)


def last_loaded_key(repository: str, ref: str) -> str:
    """The key under which a server remembers the last policy that loaded from ``ref`` of
    the repository at ``repository`` (its fallback while a broken one is committed)."""
    return _key("last-loaded", repository, ref)


def _trusted(directory: str) -> bool:
    """Whether only this user can put entries in ``directory`` (an entry decides verdicts):
    its own, and writable by neither its group nor others. One not made yet is made so."""
    try:
        found = os.stat(directory)
    except FileNotFoundError:
        return True  # ``store`` makes it, 0700
    except OSError:
        return False
    return found.st_uid == os.geteuid() and not found.st_mode & 0o022


def read_bytes(path: str) -> bytes | None:
    """A deciding file's bytes (None: absent); what is not a regular file of a policy's
    size is never read, and stands for itself by what it is."""
    try:
        return read_regular(path)
    except UnreadableFile as exc:
        return b"\0" + str(exc).encode()
    except OSError:
        return None


def snapshot(paths: Iterable[str]) -> Inputs:
    return tuple((p, read_bytes(p)) for p in dict.fromkeys(paths))


def _entry_path(key: str) -> str | None:
    directory = cache_dir()
    if directory is None or not _trusted(directory):
        return None
    crc = zlib.crc32(key.encode("utf-8", "surrogateescape"))
    return os.path.join(directory, f"policy-{crc:08x}.marshal")


def lookup(key: str) -> CacheEntry | None:
    """The entry for ``key`` if every file it was built from is unchanged."""
    path = _entry_path(key)
    raw = read_bytes(path) if path else None
    if raw is None:
        return None
    try:
        stored_key, inputs, policy, warnings, verdicts, files = marshal.loads(raw)
        if stored_key != key:
            return None  # another key with the same checksum
        if not (
            isinstance(policy, tuple)
            and isinstance(warnings, tuple)
            and all(isinstance(w, str) for w in warnings)
            and isinstance(verdicts, dict)
            and isinstance(files, tuple)
            and all(isinstance(f, str) for f in files)
        ):
            return None
        for input_path, content in inputs:
            if read_bytes(input_path) != content:
                return None
    except (ValueError, TypeError, EOFError):
        return None  # a truncated, foreign or malformed entry is a miss, never an error
    return CacheEntry(key, inputs, policy, warnings, verdicts, files=files)


def store(entry: CacheEntry) -> None:
    path = _entry_path(entry.key)
    if path is None:
        return
    verdicts = entry.verdicts
    if len(verdicts) > MAX_VERDICTS:
        verdicts = dict(list(verdicts.items())[-MAX_VERDICTS:])
    payload = (entry.key, entry.inputs, entry.policy, tuple(entry.warnings), verdicts, entry.files)
    tmp = None
    try:
        import tempfile  # only when storing: not on the fast path

        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=directory)  # never a shared name
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps(payload))
        os.replace(tmp, path)
    except (OSError, ValueError):
        # A read-only home (CI, a git server's hook user) only costs speed.
        if tmp is not None:
            try:  # noqa: SIM105 - contextlib costs 5 ms to import on the hook path
                os.unlink(tmp)
            except OSError:
                pass


def remember(entry: CacheEntry, branch: str, verdict: str) -> None:
    if entry.verdicts.get(branch) != verdict:
        entry.verdicts.pop(branch, None)
        entry.verdicts[branch] = verdict
        store(entry)
