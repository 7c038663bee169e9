"""Which refs a merge commit merged, read from its message.

git writes ``Merge branch 'feature/x' into develop``, ``Merge branches 'a' and
'b'``, ``Merge remote-tracking branch 'origin/x'``, ``Merge tag 'v1.2.0'``,
``Merge commit '<id>'`` and, for ``git pull``, ``Merge branch 'x' of <url>``.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class MergeSource(NamedTuple):
    name: str  # a branch name without its remote ("feature/x"), a tag, or a commit id
    kind: str  # "branch", "tag" or "commit"


_KINDS = re.compile(
    r"(remote-tracking branch|branch|tag|commit)(?:e?s)?\s+((?:'[^']*'(?:\s*,\s*|\s+and\s+)?)+)"
)
_QUOTED = re.compile(r"'([^']*)'")


def parse_merge_message(message: str, remotes: tuple[str, ...] = ()) -> tuple[MergeSource, ...]:
    """The sources named by a git merge message's first line; () when it is not one."""
    first = message.split("\n", 1)[0].strip()
    if not first.startswith("Merge "):
        return ()
    sources = []
    for found in _KINDS.finditer(first[len("Merge ") :]):
        kind, names = found.group(1), _QUOTED.findall(found.group(2))
        for name in names:
            if kind == "remote-tracking branch":
                sources.append(MergeSource(strip_remote(name, remotes), "branch"))
            else:
                sources.append(MergeSource(name, kind))
    return tuple(sources)


def strip_remote(name: str, remotes: tuple[str, ...]) -> str:
    """``origin/feature/x`` -> ``feature/x`` when ``origin`` is a remote (longest remote wins)."""
    for remote in sorted(remotes, key=len, reverse=True):
        if name.startswith(f"{remote}/"):
            return name[len(remote) + 1 :]
    _head, slash, rest = name.partition("/")
    return rest if slash and not remotes else name
