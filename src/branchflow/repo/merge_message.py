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
- Gerrit: ``Merge "<change subject>" into main``, ``Merge changes I1a2b,I3c4d`` and
  ``Merge changes from topic "x"``: reviewed changes, whose branches it never names

Old and decorated forms are read too: GitHub's ``Merged pull request #119 from x/y.``,
git's ``Merge remote branch 'r/x'``, and a leading ``[ci skip] ``. A source that came
from another repository (a pull request's owner, the owner in ``of <url>``, a remote
other than this clone's) carries that ``owner``: it may be a fork.

Platforms also merge pull requests without a merge commit, by squashing them into one
commit (``squash_source``): GitHub's ``Title (#123)``, GitLab's ``See merge request
group/project!12``, Bitbucket's and Azure's merge lines on a single-parent commit, and
``git merge --squash``'s ``Squashed commit of the following:``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from branchflow.facts import MergeSource

_KINDS = re.compile(
    r"(remote-tracking branch|remote branch|branch|tag|commit)(?:e?s)?\s+"
    r"((?:'[^']*'(?:\s*,\s*|\s+and\s+)?)+)(?:\s*of\s+(\S+))?"
)
_QUOTED = re.compile(r"'([^']*)'")


_GITHUB = re.compile(r"Merged? pull request #(\d+) from ([^/\s]+)/(\S+?)\.?$")
_BITBUCKET_CLOUD = re.compile(r"Merged in (\S+) \(pull request #(\d+)\)")
_BITBUCKET_SERVER = re.compile(r"Merge pull request #(\d+) in \S+ from (?:\S+:)?(\S+) to \S+")
_AZURE = re.compile(r"Merged PR (\d+):")
_GERRIT = re.compile(
    r'Merge (?:"(.*)"|changes (I[0-9a-f]{6,}(?:,I[0-9a-f]{6,})*)'
    r'|changes from topic "([^"]*)")(?: into \S+)?$'
)
_DECORATION = re.compile(r"^(?:\[[^\]\n]*\]\s*)+")
# A hosted repository's URL: scheme://host/.../owner/repo, user@host:owner/repo or
# host.tld:owner/repo (local paths and file:// URLs name no owner).
_URL_OWNER = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://(?!/)[^/\s]+/|[^/@:\s]+@[^:/\s]+:|[^/:@\s]+\.[^/:@\s]+:)"
    r"(?:[^\s]*/)?([^/\s]+)/[^/\s]+?/?$"
)
_GITHUB_SQUASH = re.compile(r"\(#(\d+)\)$")
_GITLAB_REFERENCE = re.compile(r"^See merge request (\S+?)?!(\d+)\s*$", re.MULTILINE)
SQUASHED = "Squashed commit of the following:"


_TARGET = re.compile(r" into '?([^'\s]+)'?\s*$| to (\S+)\s*$")


def merge_target(message: str) -> str | None:
    """The branch a merge message says it merged into (git: ``into develop``, GitLab:
    ``into 'main'``, Bitbucket Data Center: ``to main``), or None."""
    first = message.split("\n", 1)[0]
    if not first.startswith("Merge"):
        return None
    found = _TARGET.search(first)
    return (found.group(1) or found.group(2)) if found else None


def first_line(message: str) -> str:
    """A commit message's first line, without decorations such as ``[ci skip] ``."""
    first = message.split("\n", 1)[0].strip()
    if first.startswith("["):
        first = _DECORATION.sub("", first)
    return first


def url_owner(url: str) -> str:
    """The owner part of a repository URL or ``host:owner/repo``; "" when there is none."""
    found = _URL_OWNER.search(url)
    return found.group(1) if found else ""


def repository_owners(urls: Iterable[str], environ: Mapping[str, str]) -> frozenset[str]:
    """Who a repository belongs to, lowercase: the owners in its remotes' URLs, and the
    owner a CI system names (GitHub's GITHUB_REPOSITORY, GitLab's CI_PROJECT_NAMESPACE)."""
    owners = {url_owner(url) for url in urls}
    owners.add(environ.get("GITHUB_REPOSITORY", "").partition("/")[0])
    owners.add(environ.get("CI_PROJECT_NAMESPACE", "").rpartition("/")[2])
    return frozenset(o.lower() for o in owners if o)


def parse_merge_message(message: str, remotes: tuple[str, ...] = ()) -> tuple[MergeSource, ...]:
    """The sources named by a merge message's first line; () when it is not one."""
    first = message.split("\n", 1)[0].strip()
    if first.startswith("Merge branch '") and first.count("'") == 2 and " of " not in first:
        return (MergeSource(first.split("'")[1], "branch"),)  # git's own, by far the most common
    first = first_line(message)
    if first.startswith(("Merge pull request #", "Merged pull request #")):
        github = _GITHUB.match(first)
        if github:
            return (MergeSource(github.group(3), "branch", owner=github.group(2)),)
        server = _BITBUCKET_SERVER.match(first)
        if server:
            return (MergeSource(server.group(2), "branch"),)
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
    if first.startswith(('Merge "', "Merge changes ")):
        gerrit = _GERRIT.match(first)
        if gerrit:
            change, ids, topic = gerrit.groups()
            said = f"topic {topic}" if topic is not None else ids or f'"{change}"'
            return (MergeSource(said, "pull-request"),)
    sources = []
    for found in _KINDS.finditer(first[len("Merge ") :]):
        kind, names = found.group(1), _QUOTED.findall(found.group(2))
        url = found.group(3) or ""
        owner = (url_owner(url) or url) if url else ""  # another repository's: its owner
        for name in names:
            if kind in ("remote-tracking branch", "remote branch"):
                sources.append(_remote_branch(name, remotes))
            else:
                sources.append(MergeSource(name, kind, owner=owner))
    return tuple(sources)


def _remote_branch(name: str, remotes: tuple[str, ...]) -> MergeSource:
    """``origin/x`` of one of this clone's remotes is ours; another remote's is its owner's."""
    branch = strip_remote(name, remotes)
    if branch != name or not remotes:
        return MergeSource(branch, "branch")
    remote, slash, rest = name.partition("/")
    return MergeSource(rest, "branch", owner=remote) if slash else MergeSource(name, "branch")


def squash_source(message: str) -> MergeSource | None:
    """The pull request a single-parent commit says it squashed, or None when it does not
    say so: the branch when the message names it, else the pull request's number."""
    first = first_line(message)
    named = parse_merge_message(first)
    if named and first.startswith(("Merged in ", "Merged PR ", "Merge pull request #")):
        return named[0]  # Bitbucket and Azure squash with their merge line
    github = _GITHUB_SQUASH.search(first)
    if github:
        return MergeSource(f"#{github.group(1)}", "pull-request")
    gitlab = _GITLAB_REFERENCE.search(message)
    if gitlab:
        return MergeSource(f"!{gitlab.group(2)}", "pull-request")
    if first == SQUASHED:
        return MergeSource("(squashed commits)", "pull-request")
    return None


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
