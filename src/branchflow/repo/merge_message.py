"""Which refs a merge commit merged, read from its message.

git writes ``Merge branch 'feature/x' into develop``, ``Merge branches 'a' and
'b'``, ``Merge remote-tracking branch 'origin/x'``, ``Merge tag 'v1.2.0'``,
``Merge commit '<id>'`` and, for ``git pull``, ``Merge branch 'x' of <url>``.
Hosting platforms write their own first lines:

- GitHub: ``Merge pull request #12 from owner/feature/x``
- GitLab: ``Merge branch 'feature/x' into 'main'`` (git's form)
- Bitbucket Cloud: ``Merged in feature/x (pull request #12)``
- Bitbucket Data Center: ``Merge pull request #12 in PROJ/repo from feature/x to main``
- Azure DevOps: ``Merged PR 12: <title>``, which does not name the source branch
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple


class MergeSource(NamedTuple):
    name: str  # a branch name without its remote ("feature/x"), a tag, a commit id, "#12"
    kind: str  # "branch", "tag", "commit", or "pull-request" (a merge naming no source)
    on: tuple[str, ...] = ()  # for a tag: the long-lived branches that hold its commit


_KINDS = re.compile(
    r"(remote-tracking branch|branch|tag|commit)(?:e?s)?\s+((?:'[^']*'(?:\s*,\s*|\s+and\s+)?)+)"
)
_QUOTED = re.compile(r"'([^']*)'")


_GITHUB = re.compile(r"Merge pull request #(\d+) from [^/\s]+/(\S+)$")
_BITBUCKET_CLOUD = re.compile(r"Merged in (\S+) \(pull request #(\d+)\)")
_BITBUCKET_SERVER = re.compile(r"Merge pull request #(\d+) in \S+ from (?:\S+:)?(\S+) to \S+")
_AZURE = re.compile(r"Merged PR (\d+):")


_TARGET = re.compile(r" into '?([^'\s]+)'?\s*$| to (\S+)\s*$")


def merge_target(message: str) -> str | None:
    """The branch a merge message says it merged into (git: ``into develop``, GitLab:
    ``into 'main'``, Bitbucket Data Center: ``to main``), or None."""
    first = message.split("\n", 1)[0]
    if not first.startswith("Merge"):
        return None
    found = _TARGET.search(first)
    return (found.group(1) or found.group(2)) if found else None


def parse_merge_message(message: str, remotes: tuple[str, ...] = ()) -> tuple[MergeSource, ...]:
    """The sources named by a merge message's first line; () when it is not one."""
    first = message.split("\n", 1)[0].strip()
    if first.startswith("Merge branch '") and first.count("'") == 2:
        return (MergeSource(first.split("'")[1], "branch"),)  # git's own, by far the most common
    if first.startswith("Merge pull request #"):
        found = _GITHUB.match(first) or _BITBUCKET_SERVER.match(first)
        if found:
            return (MergeSource(found.group(2), "branch"),)
    elif first.startswith("Merged in "):
        found = _BITBUCKET_CLOUD.match(first)
        if found:
            return (MergeSource(found.group(1), "branch"),)
    elif first.startswith("Merged PR "):
        azure = _AZURE.match(first)
        if azure:
            return (MergeSource(f"#{azure.group(1)}", "pull-request"),)
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


@functools.lru_cache(maxsize=8)
def _remote_prefixes(remotes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{r}/" for r in sorted(remotes, key=len, reverse=True))


def strip_remote(name: str, remotes: tuple[str, ...]) -> str:
    """``origin/feature/x`` -> ``feature/x`` when ``origin`` is a remote (longest remote wins)."""
    for prefix in _remote_prefixes(remotes):
        if name.startswith(prefix):
            return name[len(prefix) :]
    _head, slash, rest = name.partition("/")
    return rest if slash and not remotes else name
