"""The malformed-policy corpus: every policy file here is wrong in its own way, and each
must end in a message naming the file (exit 2), never an internal error (exit 3) nor a
hang. Run in-process through the command line's own entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchflow.cli import main

BASE = "extends: gitflow\n"


def _branch(body: str) -> str:
    return BASE + "branches:\n  spike:\n" + "".join(f"    {line}\n" for line in body.split("\n"))


YAML_SYNTAX = {
    "unclosed-list": "branches: [a, b\n",
    "unclosed-map": "branches: {a: 1\n",
    "bad-indent": "branches:\n  feature:\n   pattern: x\n  into: []\n",
    "tab-indent": "branches:\n\tfeature: {}\n",
    "unterminated-quote": "exempt: ['gh-pages\n",
    "colon-colon": "a: b: c\n",
    "lone-bracket": "[\n",
    "lone-brace": "{\n",
    "two-documents": "exempt: []\n---\nexempt: []\n",
    "python-tag": "exempt: !!python/object/apply:os.system ['true']\n",
    "unknown-tag": "exempt: !custom x\n",
    "binary-tag": "exempt: !!binary aGVsbG8=\n",
    "undefined-alias": "exempt: *nothing\n",
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    ),
    "deep-lists": "exempt: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "deep-maps": "exempt: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
    "complex-key": "? [a, b]\n: c\n",
    "unhashable-flow-key": "{[1]: 2}\n",
    "mapping-key": "{a: 1}: 2\n",
    "complex-type-key": "branches:\n  ? [x]\n  : {pattern: x}\n",
    "nul-byte": "exempt: [a\0b]\n",
    "huge-int": "stale_after_days: " + "9" * 5_000 + "\n",
    "inf": "stale_after_days: .inf\n",
    "nan": "stale_after_days: .nan\n",
    "negative": "stale_after_days: -1\n",
    "days-as-text": "stale_after_days: soon\n",
    "days-as-list": "stale_after_days: [1]\n",
    "merge-key": "base: &base {exempt: [a]}\n<<: *base\n",
    "duplicate-top-key": "exempt: []\nexempt: [a]\n",
    "duplicate-type": "branches:\n  x: {pattern: x}\n  x: {pattern: y}\n",
    "top-level-list": "- a\n- b\n",
    "top-level-scalar": "just words\n",
    "top-level-int": "42\n",
    "directive": "%YAML 9.9\n---\nexempt: []\n",
    "anchor-cycle": "a: &a [*a]\n",
    "control-char": BASE + 'exempt: ["\\x07"]\n',
    "bom-then-garbage": "\ufeff: :\n",
}

SCHEMA = {
    "unknown-top-key": "branchs: {}\n",
    "unknown-type-key": _branch("patern: spike/{slug}"),
    "pattern-int": _branch("pattern: 1"),
    "pattern-empty-list": _branch("pattern: []"),
    "pattern-empty-string": _branch("pattern: ''"),
    "pattern-map-without-regex": _branch("pattern: {example: x}"),
    "pattern-list-of-ints": _branch("pattern: [1, 2]"),
    "examples-text": _branch("pattern: spike/{slug}\nexamples: spike/x"),
    "examples-ints": _branch("pattern: spike/{slug}\nexamples: [1]"),
    "from-text": _branch("pattern: spike/{slug}\nfrom: develop"),
    "into-ints": _branch("pattern: spike/{slug}\ninto: [1]"),
    "into-unknown": _branch("pattern: spike/{slug}\ninto: [devlop]"),
    "from-unknown": _branch("pattern: spike/{slug}\nfrom: [nowhere]"),
    "protected-yes": _branch("pattern: spike/{slug}\nprotected: 'yes'"),
    "protected-int": _branch("pattern: spike/{slug}\nprotected: 2"),
    "long-lived-text": _branch("pattern: spike/{slug}\nlong_lived: sometimes"),
    "merge-method-unknown": _branch("pattern: spike/{slug}\nmerge_methods: [fast]"),
    "squash-without-pull-request": _branch("pattern: spike/{slug}\nmerge_methods: [squash]"),
    "rules-unknown": "rules: {BF999: error}\n",
    "rules-bad-severity": "rules: {BF101: maybe}\n",
    "rules-not-per-type": _branch("pattern: spike/{slug}\nrules: {BF101: warn}"),
    "rules-list": "rules: [BF101]\n",
    "exempt-text": "exempt: gh-pages\n",
    "exempt-ints": "exempt: [1]\n",
    "exempt-map": "exempt: {a: b}\n",
    "tags-list": "tags: [v1]\n",
    "tags-pattern-int": "tags: {pattern: 1}\n",
    "tags-on-unknown": "tags: {pattern: 'v{semver}', on: [mian]}\n",
    "tags-unknown-key": "tags: {pattern: 'v{semver}', where: [main]}\n",
    "tags-pattern-empty": "tags: {pattern: []}\n",
    "tags-example-wrong": "tags: {pattern: 'v{semver}', examples: [release-1]}\n",
    "forks-list": "forks: [develop]\n",
    "forks-into-unknown": "forks: {into: [devel]}\n",
    "forks-into-text": "forks: {into: develop}\n",
    "placeholders-int-name": "placeholders: {1: x}\n",
    "placeholders-int-value": "placeholders: {team: 1}\n",
    "placeholders-bad-name": "placeholders: {bad-name: x}\n",
    "placeholders-unknown-key": "placeholders: {team: {regex: x, sample: y}}\n",
    "branches-list": "branches: [feature]\n",
    "branches-text": "branches: feature\n",
    "type-name-digit": "branches:\n  1abc: {pattern: x}\n",
    "type-name-space": "branches:\n  'a b': {pattern: x}\n",
    "type-is-list": "branches:\n  spike: [x]\n",
    "no-types": "branches: {}\n",
    "documented-in-text": _branch("pattern: spike/{slug}\ndocumented_in: docs/**"),
    "description-list": _branch("pattern: spike/{slug}\ndescription: [a]"),
}

TEMPLATES = {
    "unclosed-brace": _branch("pattern: 'spike/{slug'"),
    "stray-close-brace": _branch("pattern: 'spike/slug}'"),
    "unclosed-optional": _branch("pattern: 'spike/[{slug}'"),
    "stray-close-bracket": _branch("pattern: 'spike/{slug}]'"),
    "unknown-placeholder": _branch("pattern: 'spike/{slg}'"),
    "empty-placeholder": _branch("pattern: 'spike/{}'"),
    "placeholder-not-a-name": _branch("pattern: 'spike/{a-b}'"),
    "example-not-of-type": _branch("pattern: spike/{slug}\nexamples: [other/x]"),
    "example-bad-ref": _branch("pattern: spike/{slug}\nexamples: ['spike/a..b']"),
    "example-captured-earlier": BASE
    + "branches:\n  early: {pattern: 'feature/{slug}', examples: [feature/x], into: [develop]}\n",
}

REGEXES = {
    "unbalanced": "placeholders: {team: '(ml|data'}\n",
    "group-clash": "placeholders: {slug: '(?P<slug>[a-z]+)'}\n",
    "mid-pattern-flag-python": _branch("pattern: {regex: 'spike/(?P<x>a)(?P=x)'}"),
    "backreference": _branch("pattern: {regex: '(a)\\1'}"),
    "back-reference-open-group": _branch("pattern: {regex: '(a\\1)'}"),
    "lookahead": _branch("pattern: {regex: 'spike/(?!x).*'}"),
    "lookbehind": _branch("pattern: {regex: 'spike/.*(?<=x)'}"),
    "huge-repeat": "placeholders: {slug: 'a{1,4294967295}'}\n",
    "repeat-over-1000": "placeholders: {slug: 'a{1,1001}'}\n",
    "python-only-escape": _branch("pattern: {regex: 'spike/x\\Z'}"),
    "verbose-flag": _branch("pattern: {regex: '(?x) spike/ x'}"),
    "conditional": _branch("pattern: {regex: '(a)?(?(1)b|c)'}"),
    "very-long": _branch("pattern: {regex: '" + "a" * 3_000 + "'}"),
    "deep-groups": _branch("pattern: {regex: '" + "(" * 3_000 + ")" * 3_000 + "'}"),
    "bad-escape": _branch("pattern: {regex: '\\q'}"),
    "nothing-to-repeat": _branch("pattern: {regex: '*spike'}"),
    "bad-range": _branch("pattern: {regex: '[z-a]'}"),
    "exempt-glob-too-long": "exempt: ['" + "a*" * 1_500 + "']\n",
    "tag-regex-lookahead": "tags: {pattern: {regex: 'v(?=1).*'}}\n",
    "placeholder-spec-bad-regex": "placeholders: {team: {regex: '(', example: x}}\n",
}

EXTENDS = {
    "unknown-preset": "extends: gitflo\n",
    "extends-int": "extends: 1\n",
    "extends-list": "extends: [gitflow]\n",
    "extends-self": "extends: policy.yaml\n",
    "extends-missing-file": "extends: ./nowhere.yaml\n",
    "extends-directory": "extends: ./\n",
    "extends-dev-zero": "extends: /dev/zero\n",
    "extends-not-a-policy": "extends: /etc/hostname\n",
    "extends-null-byte": 'extends: "a\\0b"\n',
}


def _extending(cases: dict[str, str]) -> dict[str, str]:
    """Each case on top of a preset, so that what it gets wrong is all that is wrong."""
    return {k: v if v.startswith(("extends", "branches")) else BASE + v for k, v in cases.items()}


CASES: dict[str, str | bytes] = {
    **{f"yaml/{k}": v for k, v in YAML_SYNTAX.items()},
    **{f"schema/{k}": v for k, v in _extending(SCHEMA).items()},
    **{f"template/{k}": v for k, v in TEMPLATES.items()},
    **{f"regex/{k}": v for k, v in _extending(REGEXES).items()},
    **{f"extends/{k}": v for k, v in EXTENDS.items()},
    "bytes/not-utf8": b"exempt: [caf\xe9]\n",
    "bytes/utf16": "exempt: []\n".encode("utf-16"),
    "bytes/only-nul": b"\0\0\0",
    "bytes/too-large": b"exempt: []\n" + b"# padding\n" * 120_000,
}

TOML_CASES: dict[str, tuple[str, bytes]] = {
    "toml/bad-syntax": (".branchflow.toml", b"[branches\n"),
    "toml/not-utf8": (".branchflow.toml", b"exempt = ['caf\xe9']\n"),
    "toml/wrong-type": (".branchflow.toml", b"exempt = 'gh-pages'\n"),
    "toml/unknown-key": (".branchflow.toml", b"branchs = {}\n"),
    "toml/huge-int": (".branchflow.toml", b"stale_after_days = " + b"9" * 5_000 + b"\n"),
    "pyproject/not-utf8": ("pyproject.toml", b"[tool.branchflow]\nexempt = ['caf\xe9']\n"),
    "pyproject/bad-syntax": ("pyproject.toml", b"[tool.branchflow\n"),
    "pyproject/wrong-type": ("pyproject.toml", b"[tool.branchflow]\nexempt = 1\n"),
    "pyproject/table-not-table": ("pyproject.toml", b"[tool]\nbranchflow = 1\n"),
}


def _run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["explain", "--config", str(path)])
    return code, capsys.readouterr().err


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) + len(TOML_CASES) >= 100


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_policy_is_a_message(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = CASES[name]
    path = tmp_path / "policy.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, said = _run(path, capsys)
    assert code == 2, said
    assert "internal error" not in said
    assert any(f in said for f in ("policy.yaml", "preset", "/dev/zero", "hostname")), said


@pytest.mark.parametrize("name", sorted(TOML_CASES))
def test_a_malformed_toml_policy_is_a_message(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_name, content = TOML_CASES[name]
    path = tmp_path / file_name
    path.write_bytes(content)
    code, said = _run(path, capsys)
    assert code == 2, said
    assert "internal error" not in said
    assert file_name in said, said
