"""``branchflow pre-receive`` and ``branchflow update REF OLD NEW``: the server's hooks."""

from __future__ import annotations

import argparse

from branchflow.hooks.pre_receive import run_pre_receive, run_update


def pre_receive(args: argparse.Namespace) -> int:
    return run_pre_receive(args.config, args.preset)


def update(args: argparse.Namespace) -> int:
    return run_update(args.config, args.preset, args.ref, args.old, args.new)
