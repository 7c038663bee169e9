"""Reading policy files and stacking them along ``extends``.

Each file becomes a ``Layer``, parsed from its bytes, wherever they came from
(a file on disk, a preset, a blob of a commit). Layers merge base first:
mappings merge key by key, anything else replaces, and ``null`` removes an
inherited key (a branch type, the tag rule). Every key of the result remembers
the layer it came from, so an error names the file, and for YAML the line,
that holds the bad key.
"""

from __future__ import annotations

import copy
import os
import re
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml

from branchflow.errors import ConfigError
from branchflow.policy.presets import preset_names, preset_path
from branchflow.readfile import UnreadableFile, read_regular
from branchflow.report import did_you_mean

Loc = tuple[str | int, ...]


class Layer(NamedTuple):
    label: str  # how messages name it: ".branchflow.yaml", "preset 'gitflow'"
    path: str  # the file: on disk, or inside a commit's tree; `extends` is relative to it
    data: dict[str, Any]
    text: str | None  # the YAML source, for line numbers in messages
    table: Loc  # where the policy sits inside the file: ("tool", "branchflow") in pyproject
    raw: bytes  # the file's bytes, which decided everything above


if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def read_file(path: str, label: str) -> bytes:
    try:
        return read_regular(path)
    except UnreadableFile as exc:
        raise ConfigError(f"{label}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot be read: {exc.strerror}") from None


def read_toml(path: str) -> dict[str, Any]:
    return parse_toml(read_file(path, path), path)


def parse_toml(raw: bytes, label: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting without end
        raise ConfigError(f"{label}: not a policy branchflow reads: {_limit(exc)}") from None


def _limit(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(exc):
        return f"a number longer than {sys.get_int_max_str_digits():,} digits"
    return str(exc)


# libyaml's parser where PyYAML was built with it (many times faster on a large file)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last),
    and a key that is not a plain scalar (a list or mapping as a key)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ConfigError(
                    f"{self.name}:{line}: YAML merge keys ('<<') are not read here: write the "
                    "keys out, or put the shared part in a file this one extends"
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise ConfigError(
                    f"{self.name}:{line}: a key must be a word, not a "
                    f"{'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'}"
                )
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise ConfigError(
                    f"{self.name}:{line}: the key {key!r} is given twice in one mapping "
                    f"(first on line {seen[key]}); keep one"
                )
            seen[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


# YAML 1.2 booleans only: in YAML 1.1 the keys `on`, `no`, `off` and `y` are
# booleans, which would turn `tags: {on: [main]}` or a branch named `no` into True/False.
_BOOL = "tag:yaml.org,2002:bool"
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: str, label: str) -> tuple[dict[str, Any], str]:
    return parse_yaml(read_file(path, label), label)


def parse_yaml(raw: bytes, label: str) -> tuple[dict[str, Any], str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not UTF-8 text") from None
    loader = None
    try:
        loader = _UniqueKeyLoader(text)
        loader.name = label
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark else label
        raise ConfigError(f"{where}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: not valid YAML: {_one_line(exc)}") from None
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{label}: not a policy branchflow reads: {_limit(exc)}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if _too_large(data):
        raise ConfigError(
            f"{label}: the policy expands to more than {_MAX_NODES} values "
            "(YAML aliases nested inside each other?)"
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"{label}: the policy must be a mapping of keys (branches, exempt, ...), "
            f"not a {type(data).__name__}"
        )
    return data, text


_MAX_NODES = 100_000


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).replace('in "<unicode string>",', "at").split())


def _too_large(data: Any) -> bool:
    """Whether walking ``data`` visits more than _MAX_NODES values (aliases count each time)."""
    budget = _MAX_NODES
    stack = [data]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def read_layer(path: str, label: str, *, pyproject: bool = False) -> Layer:
    return parse_layer(read_file(path, label), path, label, pyproject=pyproject)


def parse_layer(raw: bytes, path: str, label: str, *, pyproject: bool = False) -> Layer:
    """The layer in ``raw``, the bytes of the file ``path``: TOML by its name, else YAML."""
    if pyproject:
        tool = parse_toml(raw, label).get("tool")
        table = tool.get("branchflow") if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            raise ConfigError(f"{label}: [tool.branchflow] must be a table")
        return Layer(label, path, table, None, ("tool", "branchflow"), raw)
    if path.endswith(".toml"):
        return Layer(label, path, parse_toml(raw, label), None, (), raw)
    data, text = parse_yaml(raw, label)
    return Layer(label, path, data, text, (), raw)


def read_preset(name: str) -> Layer:
    path = preset_path(name)
    if path is None:
        raise ConfigError(unknown_preset(name))
    return read_layer(path, f"preset '{name}'")


def unknown_preset(name: str) -> str:
    names = preset_names()
    return f"unknown preset {name!r}{did_you_mean(name, names)} (presets: {', '.join(names)})"


# Reads the layer a path named by ``extends`` stands for: (the path as written, the layer
# that names it) -> the layer. Presets are found the same way whatever the reader.
ExtendedFile = Callable[[str, Layer], Layer]
MAX_DEPTH = 32  # layers in one extends chain


def stack(top: Layer, extended_file: ExtendedFile | None = None) -> list[Layer]:
    """The layers of ``top``'s ``extends`` chain, base first; paths are files on disk unless
    ``extended_file`` reads them from elsewhere."""
    chain = [top]
    while True:
        current = chain[-1]
        parent = current.data.get("extends")
        if parent is None:
            return chain[::-1]
        if not isinstance(parent, str) or not parent:
            raise ConfigError(
                f"{current.label}: extends: expected a preset name or a path, got {parent!r}"
            )
        if len(chain) >= MAX_DEPTH:
            raise ConfigError(f"{top.label}: extends goes more than {MAX_DEPTH} files deep")
        layer = _resolve_extends(parent, current, extended_file or _file_on_disk)
        if any(layer.path == seen.path for seen in chain):
            cycle = " -> ".join([*(c.label for c in chain), layer.label])
            raise ConfigError(f"{current.label}: extends forms a cycle: {cycle}")
        chain.append(layer)


def extends_path(value: object) -> str | None:
    """The path an ``extends:`` value names, or None when it names a preset (or nothing)."""
    if not isinstance(value, str) or not value or preset_path(value) is not None:
        return None
    looks_like_path = "/" in value or os.sep in value or value.endswith((".yaml", ".yml", ".toml"))
    return value if looks_like_path else None


def _resolve_extends(value: str, current: Layer, extended_file: ExtendedFile) -> Layer:
    if preset_path(value) is not None:
        return read_preset(value)
    if extends_path(value) is None:
        raise ConfigError(f"{current.label}: extends: {unknown_preset(value)}")
    return extended_file(value, current)


def _file_on_disk(value: str, current: Layer) -> Layer:
    path = os.path.normpath(os.path.join(os.path.dirname(current.path), value))
    if not os.path.isfile(path):
        raise ConfigError(f"{current.label}: extends: the file {path!r} does not exist")
    return read_layer(path, os.path.relpath(path))


def merge(layers: list[Layer]) -> tuple[dict[str, Any], dict[Loc, Layer]]:
    """The merged policy data, and for every key path the layer that set it.

    Two rules keep an override short: a layer that gives a type (or the tag rule) a
    new ``pattern`` without ``examples`` drops the inherited examples, which were
    written for the old pattern; and removing a type with ``null`` also removes it
    from the edges and tag rule inherited from earlier layers.
    """
    merged: dict[str, Any] = {}
    origin: dict[Loc, Layer] = {}
    for depth, layer in enumerate(layers):
        for path in _repatterned(layer.data):
            _drop(merged, (*path, "examples"))
        removed = _removed_types(layer.data, merged)
        _merge_into(merged, layer.data, layer, origin, ())
        if removed:
            _forget_edges(merged, origin, removed, layers[:depth])
    merged.pop("extends", None)
    return merged, origin


def _repatterned(data: dict[str, Any]) -> list[Loc]:
    paths: list[Loc] = []
    branches = data.get("branches")
    if isinstance(branches, dict):
        for name, spec in branches.items():
            if isinstance(spec, dict) and "pattern" in spec and "examples" not in spec:
                paths.append(("branches", name))
    tags = data.get("tags")
    if isinstance(tags, dict) and "pattern" in tags and "examples" not in tags:
        paths.append(("tags",))
    return paths


def _drop(data: dict[str, Any], path: Loc) -> None:
    node: Any = data
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(path[-1], None)


def _removed_types(data: dict[str, Any], merged: dict[str, Any]) -> set[str]:
    branches = data.get("branches")
    inherited = merged.get("branches")
    if not isinstance(branches, dict) or not isinstance(inherited, dict):
        return set()
    return {name for name, spec in branches.items() if spec is None and name in inherited}


def _forget_edges(
    merged: dict[str, Any], origin: dict[Loc, Layer], removed: set[str], earlier: list[Layer]
) -> None:
    lists: list[Loc] = [("tags", "on")]
    for name in merged.get("branches") or {}:
        lists += [("branches", name, "from"), ("branches", name, "into")]
    for path in lists:
        node: Any = merged
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, list) and origin.get(path) in earlier:
            node[:] = [item for item in node if item not in removed]


def _merge_into(
    base: dict[str, Any], over: dict[str, Any], layer: Layer, origin: dict[Loc, Layer], at: Loc
) -> None:
    for key, value in over.items():
        path = (*at, key)
        if value is None and key in base:
            del base[key]
            continue
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            origin[path] = layer
            _merge_into(base[key], value, layer, origin, path)
            continue
        base[key] = copy.deepcopy(value)
        _mark(value, layer, origin, path)


def _mark(value: Any, layer: Layer, origin: dict[Loc, Layer], path: Loc) -> None:
    origin[path] = layer
    if isinstance(value, dict):
        for key, item in value.items():
            _mark(item, layer, origin, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _mark(item, layer, origin, (*path, i))


def yaml_line(text: str, loc: Loc) -> int | None:
    """The line of the deepest key along ``loc`` in a YAML document."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
