"""What every subcommand starts from: the repository (if any) and its policy."""

from __future__ import annotations

import argparse
import os
from typing import NamedTuple

from branchflow.policy.load import LoadedPolicy, load_policy
from branchflow.repo.state import RepoLocation, locate
from branchflow.report import note


class CommandContext(NamedTuple):
    location: RepoLocation | None
    root: str  # the work tree, or the current directory outside a repository
    loaded: LoadedPolicy


def command_context(args: argparse.Namespace) -> CommandContext:
    location = locate()
    root = location.work_tree if location and location.work_tree else os.getcwd()
    loaded = load_policy(root, config=args.config, preset=args.preset)
    for warning in loaded.warnings:
        note(f"warning: {warning}")
    return CommandContext(location, root, loaded)
