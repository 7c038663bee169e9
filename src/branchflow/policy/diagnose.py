"""Turn pydantic's validation errors into one line each: file, line, key path, fix."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from branchflow.policy.layers import Layer, Loc, yaml_line
from branchflow.policy.model import FlowPolicy
from branchflow.report import did_you_mean

_EXPECTED = {
    "pattern": "a template string such as 'feature/{slug}', a {regex: ...} mapping, "
    "or a list of them",
    "protected": "true, false, 'merges' or 'pull-request'",
    "long_lived": "true or false",
}


def describe(exc: ValidationError, data: dict[str, Any], origin: dict[Loc, Layer]) -> list[str]:
    lines: list[str] = []
    seen: set[Loc] = set()
    errors = exc.errors()
    real = [_real_loc(e["loc"], data) for e in errors]
    for error, loc in zip(errors, real, strict=False):
        if error["type"] == "flow_graph":
            ctx = error.get("ctx") or {}
            for problem_loc, message in ctx.get("problems", []):
                lines.append(_line(tuple(problem_loc), message, origin))
            continue
        if any(len(other) > len(loc) and other[: len(loc)] == loc for other in real):
            continue  # a union failed as a whole; the error inside it says more
        if error["type"] == "extra_forbidden":
            message = _unknown_key(loc)
        elif loc in seen:
            continue  # one line per location: a union reports each alternative
        elif error["type"] == "missing":
            message = f"the key {error['loc'][-1]!r} is required"
        else:
            message = _mismatch(loc, error)
        seen.add(loc)
        lines.append(_line(loc, message, origin))
    return lines


def _line(loc: Loc, message: str, origin: dict[Loc, Layer]) -> str:
    layer = None
    for cut in range(len(loc), 0, -1):
        layer = origin.get(loc[:cut])
        if layer is not None:
            break
    path = dotted(loc) or "(top level)"
    if layer is None:
        return f"{path}: {message}"
    where = layer.label
    if layer.text is not None:
        line = yaml_line(layer.text, (*layer.table, *loc))
        if line is not None:
            where = f"{where}:{line}"
    return f"{where}: {path}: {message}"


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = str(part).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        out += f".{key}" if out else key
    return out


def _real_loc(loc: tuple[str | int, ...], data: Any) -> Loc:
    """Drop the union-member tags pydantic adds ('str', 'RawRegex', ...) from a location."""
    real: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
            real.append(part)
    return tuple(real)


def _mismatch(loc: Loc, error: Any) -> str:
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    got = error.get("input")
    if field in _EXPECTED and (not loc or loc[-1] == field or isinstance(loc[-1], int)):
        return f"expected {_EXPECTED[field]}, got {got!r}"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    message = f"{message[:1].lower()}{message[1:]}"
    return message if repr(got) in message else f"{message} (got {got!r})"


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    allowed = sorted(allowed_keys(loc[:-1]))
    if not allowed:
        return f"unknown key {key!r}"
    return f"unknown key {key!r}{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})"


def allowed_keys(loc: Loc) -> set[str]:
    """The keys a mapping at ``loc`` may hold, read from the model itself."""
    candidates: list[Any] = [FlowPolicy]
    for part in loc:
        following: list[Any] = []
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                for name, field in candidate.model_fields.items():
                    if (field.alias or name) == part:
                        following.extend(_members(field.annotation))
            elif typing.get_origin(candidate) in (list, dict):
                following.extend(_members(typing.get_args(candidate)[-1]))
        candidates = following
    keys: set[str] = set()
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            keys.update(field.alias or name for name, field in candidate.model_fields.items())
    return keys


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]
