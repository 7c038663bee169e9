from __future__ import annotations

import json

import jsonschema

from branchflow.commands.schema import policy_schema, render_schema
from branchflow.policy.layers import read_yaml
from branchflow.policy.presets import preset_names, preset_path
from tests.conftest import PROJECT_ROOT

SCHEMA_FILE = PROJECT_ROOT / "policy" / "branchflow.schema.json"


def test_checked_in_schema_matches_the_model() -> None:
    assert SCHEMA_FILE.read_text() == render_schema(), (
        "policy/branchflow.schema.json is stale: run `branchflow schema > "
        "policy/branchflow.schema.json`"
    )


def test_schema_documents_every_field() -> None:
    schema = policy_schema()
    for definition in [schema, *schema["$defs"].values()]:
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), f"{definition.get('title')}.{name} has no description"


def test_presets_validate_against_the_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    for name in preset_names():
        path = preset_path(name)
        assert path is not None
        data, _ = read_yaml(path, name)
        jsonschema.validate(data, schema)
