"""The policy as committed: found, read and stacked from one commit's tree, in memory.

Discovery is the one used on disk (``.branchflow.yaml``, ``.branchflow.yml``,
``.branchflow.toml``, ``[tool.branchflow]`` in ``pyproject.toml``, else the
default preset), and so are parsing, merging and validation; only the bytes
come from git objects. ``extends`` names a preset or a file of the same commit,
relative to the file that names it: a path that is absolute or climbs out of
the tree is refused, never looked up on disk. Messages name files as git does,
``origin/develop:.branchflow.yaml``.
"""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING, NamedTuple, Protocol

from branchflow.errors import ConfigError
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.discover import PYPROJECT, choose_root_file, holds_tool_table
from branchflow.policy.load import compiled_once, load_policy
from branchflow.policy.presets import DEFAULT_PRESET

if TYPE_CHECKING:
    from branchflow.policy.layers import Layer

Inputs = tuple[tuple[str, bytes | None], ...]
_ONLY_INSIDE = (
    "a committed policy extends only a preset or a file of its own commit, named relative "
    "to the file that extends it"
)


class TreeFiles(Protocol):
    """A commit's files (``repo.committed.CommitFiles``)."""

    @property
    def name(self) -> str: ...  # how messages name the commit: "origin/develop"

    def read(self, path: str) -> bytes | None: ...


class CommittedPolicy(NamedTuple):
    policy: CompiledPolicy
    warnings: tuple[str, ...]
    revision: str  # the commit, as messages name it
    file: str | None  # the root file that holds the policy; None: the default preset
    inputs: Inputs  # every file of the commit that decided the policy (None: absent)


class _Reads:
    """A commit's files, each read once; what was read (or found absent) is remembered."""

    def __init__(self, files: TreeFiles) -> None:
        self.name = files.name
        self._files = files
        self.seen: dict[str, bytes | None] = {}

    def read(self, path: str) -> bytes | None:
        if path not in self.seen:
            self.seen[path] = self._files.read(path)
        return self.seen[path]


def load_committed_policy(files: TreeFiles, *, remember: bool = True) -> CommittedPolicy:
    """The policy the commit holds, exactly as discovery would find it in its checkout.
    ``remember``: keep the compiled policy in the cache (not for a policy a push only
    proposes: a refused push leaves nothing behind)."""
    reads = _Reads(files)

    def has_table(name: str) -> bool:
        return holds_tool_table(reads.read(name) or b"", f"{files.name}:{name}")

    name, warnings = choose_root_file(lambda name: reads.read(name) is not None, has_table)
    if name is None:  # the preset's own cache entry; no YAML to read
        policy = load_policy(None, preset=DEFAULT_PRESET).policy
        return CommittedPolicy(policy, (), files.name, None, tuple(reads.seen.items()))
    from branchflow.policy.layers import parse_layer, stack

    label = f"{files.name}:{name}" + (" [tool.branchflow]" if name == PYPROJECT else "")
    top = parse_layer(reads.read(name) or b"", name, label, pyproject=name == PYPROJECT)
    layers = stack(top, functools.partial(_file_in_tree, reads))
    inputs = tuple(reads.seen.items())
    policy = compiled_once(layers, warnings, inputs, remember)
    return CommittedPolicy(policy, warnings, files.name, name, inputs)


def _file_in_tree(reads: _Reads, value: str, current: Layer) -> Layer:
    where = f"{current.label}: extends: {value!r}"
    if posixpath.isabs(value):
        raise ConfigError(f"{where} is an absolute path; {_ONLY_INSIDE}")
    path = posixpath.normpath(posixpath.join(posixpath.dirname(current.path), value))
    if path == ".." or path.startswith("../") or posixpath.isabs(path):
        raise ConfigError(f"{where} leads outside the repository; {_ONLY_INSIDE}")
    raw = reads.read(path)
    if raw is None:
        raise ConfigError(f"{current.label}: extends: the file {path!r} is not in {reads.name}")
    from branchflow.policy.layers import parse_layer

    return parse_layer(raw, path, f"{reads.name}:{path}")
