"""Name templates: ``feature/{slug}``, ``release/v{semver}``, ``feature/[{ticket}-]{slug}``.

Syntax: literal text; ``{name}`` is a placeholder; ``[...]`` is an optional part
(git forbids ``[`` in ref names, so it can never be literal); ``{{`` and ``}}``
are literal braces. A template compiles to a regular expression (not anchored;
callers use ``fullmatch``) in which each placeholder is a named group.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Placeholder(NamedTuple):
    regex: str
    example: str
    description: str


_SEMVER_CORE = r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
_SEMVER_ID = r"(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
_SEMVER = (
    _SEMVER_CORE
    + rf"(?:-{_SEMVER_ID}(?:\.{_SEMVER_ID})*)?"
    + r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?"
)

BUILTIN_PLACEHOLDERS: dict[str, Placeholder] = {
    "slug": Placeholder(
        r"[a-z0-9]+(?:-[a-z0-9]+)*",
        "my-change",
        "lowercase words of letters and digits joined by single hyphens",
    ),
    "semver": Placeholder(_SEMVER, "1.2.0", "a Semantic Versioning 2.0.0 version"),
    "version": Placeholder(
        r"[0-9]+(?:\.(?:[0-9]+|x))*(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?",
        "1.2",
        "a dotted numeric version (1, 1.2, 2024.11, 1.x, 1.2.3-rc.1)",
    ),
    "ticket": Placeholder(
        r"[A-Z][A-Z0-9_]+-[0-9]+", "ABC-123", "an issue key: project letters, '-', a number"
    ),
    "number": Placeholder(r"[0-9]+", "42", "a number"),
    "date": Placeholder(
        r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])",
        "2026-01-31",
        "an ISO date, YYYY-MM-DD",
    ),
    # Who pushes, as the server's hosting software names them (hooks.identity): a branch
    # type with it is pushed only by the person its name holds (BF103).
    "pusher": Placeholder(
        r"[a-z0-9]+(?:[._-][a-z0-9]+)*",
        "jdoe",
        "the person pushing, as the server knows them (lowercase; an e-mail's local part)",
    ),
    "user": Placeholder(
        r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*",
        "jdoe",
        "a user name: letters, digits, '-', '_' and inner dots",
    ),
}

PLACEHOLDER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TemplateError(ValueError):
    """A template that cannot be compiled; the message says where and why."""


class CompiledTemplate(NamedTuple):
    source: str
    regex: str
    prefix: str  # the literal text every match begins with; lets callers skip regexes
    example: str | None  # a name the template accepts, when every placeholder has a sample


def compile_template(template: str, placeholders: dict[str, Placeholder]) -> CompiledTemplate:
    parser = _Parser(template, placeholders)
    regex, example = parser.parse_sequence(top=True)
    return CompiledTemplate(template, regex, parser.prefix, example)


class _Parser:
    def __init__(self, text: str, placeholders: dict[str, Placeholder]) -> None:
        self.text = text
        self.pos = 0
        self.placeholders = placeholders
        self.seen: dict[str, int] = {}
        self.prefix = ""
        self.prefix_open = True

    def fail(self, what: str, hint: str = "") -> TemplateError:
        where = f"at position {self.pos + 1} of template {self.text!r}"
        return TemplateError(f"{what} {where}{hint}")

    def parse_sequence(self, *, top: bool) -> tuple[str, str | None]:
        parts: list[str] = []
        example: list[str] | None = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            two = self.text[self.pos : self.pos + 2]
            if two in ("{{", "}}"):
                self._literal(ch, parts, example)
                self.pos += 2
            elif ch == "{":
                regex, sample = self._placeholder()
                parts.append(regex)
                example = None if example is None or sample is None else [*example, sample]
            elif ch == "[":
                self.pos += 1
                self.prefix_open = False
                inner, _ = self.parse_sequence(top=False)
                parts.append(f"(?:{inner})?")
            elif ch == "]":
                if top:
                    raise self.fail("unmatched ']'")
                self.pos += 1
                return "".join(parts), None
            elif ch == "}":
                raise self.fail("unmatched '}' (write '}}' for a literal brace)")
            else:
                self._literal(ch, parts, example)
                self.pos += 1
        if not top:
            raise self.fail("unclosed '['")
        return "".join(parts), None if example is None else "".join(example)

    def _literal(self, ch: str, parts: list[str], example: list[str] | None) -> None:
        parts.append(re.escape(ch))
        if example is not None:
            example.append(ch)
        if self.prefix_open:
            self.prefix += ch

    def _placeholder(self) -> tuple[str, str | None]:
        end = self.text.find("}", self.pos)
        if end < 0:
            raise self.fail("unclosed '{'")
        name = self.text[self.pos + 1 : end]
        if not PLACEHOLDER_NAME.fullmatch(name):
            raise self.fail(f"{{{name}}} is not a placeholder name")
        found = self.placeholders.get(name)
        if found is None:
            from branchflow.report import did_you_mean  # only for a template that is wrong

            hint = did_you_mean(name, self.placeholders, lambda close: f"{{{close}}}")
            known = ", ".join(f"{{{n}}}" for n in sorted(self.placeholders))
            raise self.fail(f"unknown placeholder {{{name}}}", f"{hint} (known: {known})")
        self.pos = end + 1
        self.prefix_open = False
        count = self.seen.get(name, 0) + 1
        self.seen[name] = count
        group = name if count == 1 else f"{name}_{count}"
        return f"(?P<{group}>{found.regex})", found.example or None
