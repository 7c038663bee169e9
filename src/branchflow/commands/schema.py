"""``branchflow schema``: the JSON Schema every policy file is validated against."""

from __future__ import annotations

import argparse
import json
from typing import Any


def policy_schema() -> dict[str, Any]:
    from branchflow.policy.model import FlowPolicy

    schema = FlowPolicy.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "branchflow policy"
    return schema


def render_schema() -> str:
    return json.dumps(policy_schema(), indent=2, sort_keys=False) + "\n"


def run(_: argparse.Namespace) -> int:
    print(render_schema(), end="")
    return 0
