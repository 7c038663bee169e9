"""What every subcommand starts from: the repository (if any) and its policy."""

from __future__ import annotations

import argparse
import os
from typing import NamedTuple

from branchflow.policy.load import LoadedPolicy, load_policy
from branchflow.repo.state import RepoLocation, locate
from branchflow.report import note

# Files nearly every repository has, in the order a report names one when it has no other.
USUAL_FILES = ("pyproject.toml", "README.md", ".pre-commit-config.yaml")


class CommandContext(NamedTuple):
    location: RepoLocation | None
    root: str  # the work tree, or the current directory outside a repository
    loaded: LoadedPolicy


def command_context(args: argparse.Namespace) -> CommandContext:
    location = locate()
    root = work_root(location)
    loaded = load_policy(root, config=args.config, preset=args.preset)
    for warning in loaded.warnings:
        note(f"warning: {warning}")
    return CommandContext(location, root, loaded)


def work_root(location: RepoLocation | None) -> str:
    return location.work_tree if location and location.work_tree else os.getcwd()


def policy_file(root: str, args: argparse.Namespace) -> str | None:
    """The policy file the command uses, relative to the work tree; None for a preset or a
    file outside the work tree."""
    from branchflow.policy.discover import discover

    env_config = os.environ.get("BRANCHFLOW_CONFIG") or None
    found = discover(root, config=args.config, preset=args.preset, env_config=env_config)
    return inside(root, found.path) if found.path else None


def inside(root: str, path: str) -> str | None:
    """``path`` relative to ``root`` (with ``/``), or None when it lies outside."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if rel in (os.curdir, os.pardir) or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


def report_file(root: str, preferred: str | None) -> str:
    """A file of the repository that a SARIF result can point at (code scanning refuses
    results without one): ``preferred`` (the policy file) when the work tree has it, else a
    file most repositories have, else the first file git tracks."""
    from branchflow.policy.discover import ROOT_FILES
    from branchflow.repo.gitcmd import tracked_files

    for name in (preferred, *USUAL_FILES):
        if name and os.path.isfile(os.path.join(root, name)):
            return name
    tracked = (p for p in tracked_files(root) if os.path.isfile(os.path.join(root, p)))
    return next(tracked, preferred or ROOT_FILES[0])
