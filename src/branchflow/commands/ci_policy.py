"""Which policy judges a CI build: a pull request is judged by its target branch's.

A pull request can edit the policy file; judged by its own checkout, it would
let itself in. So it is judged by the policy committed on the target branch
(``origin/<target>``, else the local ``<target>``, else the target commit the
provider names), read from git objects; the checkout's policy takes effect once
merged. ``--config``, ``--preset`` and ``BRANCHFLOW_CONFIG`` still win, and a
branch or tag build uses the checkout's policy, as the hooks do.
"""

from __future__ import annotations

import argparse
import os
import shlex
from typing import Any, NamedTuple

from branchflow.commands.context import inside, policy_file
from branchflow.errors import ConfigError, RepoError
from branchflow.policy.cache import read_bytes
from branchflow.policy.committed import CommittedPolicy, load_committed_policy
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.discover import PYPROJECT, ROOT_FILES, discover
from branchflow.policy.load import load_policy
from branchflow.providers import Build
from branchflow.repo.committed import CommitFiles
from branchflow.repo.objects import Repository


class BuildPolicy(NamedTuple):
    policy: CompiledPolicy
    said: str  # "policy: .branchflow.yaml on origin/develop"
    source: dict[str, Any]  # the same for JSON: kind, revision, commit, file, checkout_differs
    file: str | None  # the policy file, as the work tree names it
    notes: tuple[str, ...]


class Target(NamedTuple):
    files: CommitFiles
    kind: str  # "target branch", or "target commit" when only the provider's id was found


def find_target(repo: Repository, build: Build) -> Target | None:
    """The pull request's target as this clone has it: ``origin/<target>``, else the local
    branch, else the commit the provider names."""
    if build.target is None:
        return None
    for revision, name in (
        (f"refs/remotes/origin/{build.target}", f"origin/{build.target}"),
        (f"refs/heads/{build.target}", build.target),
    ):
        files = repo.files(revision, name)
        if files is not None:
            return Target(files, "target branch")
    if build.target_commit:
        files = repo.files(build.target_commit, build.target_commit[:12])
        if files is not None:
            return Target(files, "target commit")
    return None


def choose_policy(
    args: argparse.Namespace, root: str, build: Build, target: Target | None
) -> BuildPolicy:
    given = _given_by(args)
    if given or build.target is None:
        return _checkout_policy(args, root, given)
    if target is None:
        fetch = f"git fetch origin {shlex.quote(build.target)}"
        raise RepoError(
            f"the target branch {build.target} is not in this clone (neither "
            f"origin/{build.target} nor {build.target}), so the policy it holds cannot be read; "
            f"to fix: {build.unshallow}, or run `{fetch}` first"
        )
    return _target_policy(root, target)


def _given_by(args: argparse.Namespace) -> str | None:
    if args.config:
        return "--config"
    if args.preset:
        return "--preset"
    return "BRANCHFLOW_CONFIG" if os.environ.get("BRANCHFLOW_CONFIG") else None


def _checkout_policy(args: argparse.Namespace, root: str, given: str | None) -> BuildPolicy:
    loaded = load_policy(root, config=args.config, preset=args.preset)
    label = loaded.policy.label
    file = policy_file(root, args)
    if given:
        said = f"policy: {label} ({given})"
    elif file:
        said = f"policy: {file} in this checkout"
    else:
        said = f"policy: {label} (no policy file in this checkout)"
    source = _source(given or "checkout", None, None, file, [])
    notes = tuple(f"warning: {w}" for w in loaded.warnings)
    return BuildPolicy(loaded.policy, said, source, file, notes)


def _target_policy(root: str, target: Target) -> BuildPolicy:
    committed = load_committed_policy(target.files)
    where = committed.revision
    if committed.file:
        said = f"policy: {committed.file} on {where}"
    else:
        said = f"policy: {committed.policy.label} ({where} has no policy file)"
    notes = [f"warning: on {where}: {w}" for w in committed.warnings]
    changed, detail = checkout_change(root, committed)
    if changed:
        notes.append(
            f"note: the policy in this checkout differs from {where}'s ({detail}); a new policy "
            "takes effect after the merge and is not used to judge this pull request"
        )
    source = _source(target.kind, where, target.files.commit, committed.file, changed)
    return BuildPolicy(committed.policy, said, source, committed.file, tuple(notes))


def _source(
    kind: str, revision: str | None, commit: str | None, file: str | None, differs: list[str]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "revision": revision,
        "commit": commit,
        "file": file,
        "checkout_differs": differs,
    }


def checkout_change(root: str, committed: CommittedPolicy) -> tuple[list[str], str]:
    """The policy files in which the work tree differs from the commit, and how; nothing when
    the checkout would load the same policy."""
    where = committed.revision
    try:
        found = discover(root).path
    except ConfigError as exc:
        return [PYPROJECT], f"this checkout's policy files do not load: {exc}"
    here = inside(root, found) if found else None
    there = committed.file
    if here != there:
        has = (
            f"this checkout has {here or 'no policy file'}, {where} has {there or 'no policy file'}"
        )
        return [name for name in (here, there) if name], has
    raw = dict(committed.inputs)
    chain = [path for path in raw if path == there or path not in (*ROOT_FILES, PYPROJECT)]
    changed = [path for path in chain if _differs(os.path.join(root, path), raw[path], path)]
    return changed, f"changed: {', '.join(changed)}"


def _differs(path: str, committed: bytes | None, name: str) -> bool:
    here = read_bytes(path)
    if here == committed:
        return False
    if name != PYPROJECT or here is None or committed is None:
        return True
    return _policy_table(here) != _policy_table(committed)  # a new dependency is no new policy


def _policy_table(raw: bytes) -> object:
    from branchflow.policy.layers import parse_toml

    try:
        tool = parse_toml(raw, PYPROJECT).get("tool")
    except ConfigError:
        return raw
    return tool.get("branchflow") if isinstance(tool, dict) else None
