"""Each preset's compiled policy, built once for the checks' tests."""

from __future__ import annotations

import functools

from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.load import build_policy


@functools.cache
def preset(name: str) -> CompiledPolicy:
    return build_policy(None, preset=name)[0]


# Git Flow with personal branches: users/<who pushes>/<slug> (BF103).
PERSONAL = """\
extends: gitflow
branches:
  personal:
    pattern: "users/{pusher}/{slug}"
    from: [develop]
    into: [develop]
"""
