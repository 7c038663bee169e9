"""``branchflow init [--preset NAME]``: a starter policy file and the pre-commit snippet.

Writes ``.branchflow.yaml`` at the repository root and never overwrites one.
"""

from __future__ import annotations

import argparse
import os

from branchflow import __version__
from branchflow.errors import ConfigError
from branchflow.formats import PROJECT_URL
from branchflow.policy.discover import ROOT_FILES
from branchflow.policy.presets import DEFAULT_PRESET, preset_path
from branchflow.repo.state import locate

STARTER = """\
# The branching policy of this repository, enforced by branchflow.
#   branchflow explain     the policy as a table
#   branchflow graph       the flow graph (Mermaid; --format dot for Graphviz)
#   branchflow schema      every key this file may hold
# Keys given here override the preset's; `null` removes an inherited key.
extends: {preset}

# branches:
#   feature:                       # change a preset type: only the keys you give
#     pattern: ["feature/{{slug}}", "feature/{{ticket}}-{{slug}}"]
#   experiment:                    # add a type of your own
#     pattern: "exp/{{user}}/{{slug}}"
#     description: An ML experiment; document its results in the branch.
#     from: [develop]
#     into: [develop]
# exempt:                         # replaces the preset's list: keep what you still want
#   [gh-pages, "dependabot/**", "renovate/**", "gh-readonly-queue/**", docs-site]
"""

# The README shows these two verbatim (a test holds them together).
PRE_COMMIT_CONFIG = """\
# .pre-commit-config.yaml
default_install_hook_types: [pre-commit, pre-merge-commit, post-checkout, pre-push]
repos:
  - repo: {url}
    rev: v{version}                  # a release tag of branchflow, or a commit
    hooks:
      - id: branchflow           # pre-commit: names, protected branches, the base
      - id: branchflow-merge     # pre-merge-commit: merge direction
      - id: branchflow-checkout  # post-checkout: warns when a branch is created wrong
      - id: branchflow-push      # pre-push: the first pushed ref only
"""

INSTALL_STEPS = """\
pre-commit install     # the four hooks above
branchflow install     # native pre-push (every ref) and reference-transaction
"""


def run(args: argparse.Namespace) -> int:
    if args.config:
        raise ConfigError("init writes .branchflow.yaml; --config does not apply")
    if getattr(args, "from_history", False):
        from branchflow.commands.init_history import run as from_history

        return from_history(args)
    preset = args.preset or DEFAULT_PRESET
    if preset_path(preset) is None:
        from branchflow.policy.layers import unknown_preset

        raise ConfigError(unknown_preset(preset))
    location = locate()
    root = location.work_tree if location and location.work_tree else os.getcwd()
    for name in ROOT_FILES:
        existing = os.path.join(root, name)
        if os.path.exists(existing):
            raise ConfigError(f"{existing} already exists; init does not overwrite it")
    path = os.path.join(root, ROOT_FILES[0])
    with open(path, "x", encoding="utf-8") as f:
        f.write(STARTER.format(preset=preset))
    print(f"wrote {path} (extends the {preset!r} preset)")
    print("add branchflow to pre-commit with this in .pre-commit-config.yaml:\n")
    print(PRE_COMMIT_CONFIG.format(url=PROJECT_URL, version=__version__))
    print("then install the hooks:\n")
    print(INSTALL_STEPS, end="")
    return 0
