"""Load the policy that applies to a repository: from the cache when nothing changed.

The cache hit path imports neither pydantic nor PyYAML; a miss discovers,
reads, merges and validates the policy files, then stores the result.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from branchflow.policy import cache
from branchflow.policy.compiled import CompiledPolicy

if TYPE_CHECKING:
    from collections.abc import Iterator

    from branchflow.policy.layers import Layer


class LoadedPolicy(NamedTuple):
    policy: CompiledPolicy
    warnings: tuple[str, ...]
    entry: cache.CacheEntry  # where verdicts about branches are remembered


def load_policy(
    root: str | None, *, config: str | None = None, preset: str | None = None
) -> LoadedPolicy:
    """The policy for the repository at ``root`` (None outside a repository)."""
    env_config = os.environ.get("BRANCHFLOW_CONFIG") or None
    key = cache.policy_key(root, config, preset, env_config)
    entry = cache.lookup(key)
    if entry is not None:
        cached = CompiledPolicy.from_cache(entry.policy)
        if cached is not None:
            return LoadedPolicy(cached, entry.warnings, entry)
    policy, warnings, inputs = build_policy(
        root, config=config, preset=preset, env_config=env_config
    )
    entry = cache.CacheEntry(key, inputs, policy.to_data(), warnings, {})
    cache.store(entry)
    return LoadedPolicy(policy, warnings, entry)


def build_policy(
    root: str | None,
    *,
    config: str | None = None,
    preset: str | None = None,
    env_config: str | None = None,
) -> tuple[CompiledPolicy, tuple[str, ...], cache.Inputs]:
    """Discover, read, merge and validate the policy; no cache involved."""
    from branchflow.policy.discover import discover
    from branchflow.policy.layers import read_layer, read_preset, stack

    found = discover(root, config=config, preset=preset, env_config=env_config)
    if found.path is None:
        assert found.preset is not None
        top = read_preset(found.preset)
    else:
        label = _label(found.path, root)
        if found.pyproject:
            label += " [tool.branchflow]"
        top = read_layer(found.path, label, pyproject=found.pyproject)
    layers = stack(top)
    inputs = cache.snapshot([*found.candidates, *(layer.path for layer in layers)])
    return compile_layers(layers), found.warnings, inputs


def compile_text(text: str, path: str, label: str) -> CompiledPolicy:
    """A policy written by branchflow itself (a suggested or fitted one), loaded exactly as
    the file ``path`` holding ``text`` would be (once per content: an audit that suggests
    the same change again needs no validation)."""
    from branchflow.policy.layers import parse_layer, stack

    return compiled_once(stack(parse_layer(text.encode(), path, label)), (), ())


def compile_layers(layers: list[Layer]) -> CompiledPolicy:
    """Merge an ``extends`` chain (base first) and validate it into the policy."""
    from pydantic import ValidationError

    from branchflow.errors import ConfigError
    from branchflow.policy.diagnose import describe
    from branchflow.policy.layers import merge
    from branchflow.policy.model import FlowPolicy

    data, origin = merge(layers)
    _within_limits(data, layers[-1].label)
    try:
        model = FlowPolicy.model_validate(data)
    except ValidationError as exc:
        lines = describe(exc, data, origin)
        noun = "problem" if len(lines) == 1 else "problems"
        raise ConfigError(
            f"{layers[-1].label}: the policy has {len(lines)} {noun}:\n"
            + "\n".join(f"  {line}" for line in lines)
        ) from None
    return model.to_compiled(" extends ".join(layer.label for layer in reversed(layers)))


# What one policy may hold: far above any team's, and small enough that loading it and
# judging a push with it stays quick (a server judges every push with it, in a time limit).
LIMITS = {"branches": 200, "placeholders": 100, "exempt": 1000}
PATTERNS_PER_TYPE = 50
PATTERNS_IN_ALL = 300  # templates and regexes of every branch type together, and of tags


def _within_limits(data: dict[str, object], label: str) -> None:
    from branchflow.errors import ConfigError

    for key, most in LIMITS.items():
        value = data.get(key)
        if isinstance(value, (dict, list)) and len(value) > most:
            raise ConfigError(
                f"{label}: {key}: {len(value):,} entries; a policy holds at most {most}"
            )
    branches = data.get("branches")
    total = 0
    for name, spec in (branches or {}).items() if isinstance(branches, dict) else ():
        for key in ("pattern", "examples"):
            value = spec.get(key) if isinstance(spec, dict) else None
            if isinstance(value, list) and len(value) > PATTERNS_PER_TYPE:
                raise ConfigError(
                    f"{label}: branches.{name}.{key}: {len(value):,} entries; a branch type "
                    f"holds at most {PATTERNS_PER_TYPE}"
                )
            if key == "pattern":
                total += len(value) if isinstance(value, list) else 1
    if total > PATTERNS_IN_ALL:
        raise ConfigError(
            f"{label}: branches: {total:,} patterns in all; a policy holds at most "
            f"{PATTERNS_IN_ALL}, so that every push is judged quickly"
        )
    tags = data.get("tags")
    tag_patterns = tags.get("pattern") if isinstance(tags, dict) else None
    for key, value in (
        ("pattern", tag_patterns),
        ("examples", tags.get("examples") if isinstance(tags, dict) else None),
    ):
        if isinstance(value, list) and len(value) > PATTERNS_PER_TYPE:
            raise ConfigError(
                f"{label}: tags.{key}: {len(value):,} entries; at most {PATTERNS_PER_TYPE}"
            )


def _label(path: str, root: str | None) -> str:
    if root:
        rel = os.path.relpath(path, root)
        if not rel.startswith(".."):
            return rel
    return path


def compiled_once(
    layers: list[Layer], warnings: tuple[str, ...], inputs: cache.Inputs, remember: bool = True
) -> CompiledPolicy:
    """Validated once per content: the key covers every byte read and every label shown."""
    key = cache.content_key(_digest(layers, inputs))
    entry = cache.lookup(key)
    cached = CompiledPolicy.from_cache(entry.policy) if entry is not None else None
    if cached is not None:
        return cached
    policy = compile_layers(layers)
    if remember:
        cache.store(cache.CacheEntry(key, (), policy.to_data(), warnings, {}))
    return policy


def _digest(layers: list[Layer], inputs: cache.Inputs) -> str:
    import hashlib  # not on the hooks' fast path, which never compiles

    digest = hashlib.sha256()
    for part in _parts(layers, inputs):
        digest.update(b"-" if part is None else (b"%d:" % len(part)) + part)
    return digest.hexdigest()


def _parts(layers: list[Layer], inputs: cache.Inputs) -> Iterator[bytes | None]:
    for path, raw in inputs:
        yield path.encode("utf-8", "surrogateescape")
        yield raw
    for layer in layers:
        yield layer.label.encode("utf-8", "surrogateescape")
        yield layer.raw
