"""The one place a policy's regular expressions are compiled and run.

A policy's patterns are written by whoever can commit a policy file, and on a
server that is any pusher; Python's ``re`` backtracks, so ``(a+)+b`` against a
name of thirty ``a``s pins a core for minutes. Every regex a policy can shape
(raw ``{regex: ...}`` patterns, placeholders of its own, exempt globs) therefore
runs on RE2, whose matching time grows linearly with the name, and must be RE2
syntax: no back-references, no look-arounds, repetition counts up to 1000. RE2
is refused what it cannot run when the policy loads, with the reason.

Regexes built only from branchflow's own pieces (literal text, optional parts,
at most two of the built-in placeholders) run on ``re``, which is many times
faster per match for short names: they hold no repetition outside the built-in
placeholders, which cannot overlap themselves, and two of them split one name
component (under 256 bytes) in at most quadratically many ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

MAX_REGEX = 2_000  # characters; a policy's regex longer than this is refused
_RE2_MEMORY = 8 << 20  # bytes RE2 may use for one compiled regex


class PatternError(ValueError):
    """A regex branchflow will not run; the message says why, in words."""


class Matcher(Protocol):
    def fullmatch(self, text: str) -> Any: ...


def problem(regex: str) -> str | None:
    """Why ``regex`` cannot be a policy's pattern, worded to follow "the regex ...": "does
    not compile: ...", "cannot be used: RE2 cannot run it ..."; None when it can."""
    try:
        compile_pattern(regex)
    except PatternError as exc:
        return str(exc)
    return None


_CACHE: dict[str, Matcher] = {}


def compile_pattern(regex: str) -> Matcher:
    """The compiled regex, on the engine that runs it in linear time (see the module)."""
    found = _CACHE.get(regex)
    if found is None:
        if len(_CACHE) > 4096:
            _CACHE.clear()
        found = _CACHE[regex] = re.compile(regex) if is_own(regex) else _re2(regex)
    return found


def fullmatcher(regex: str) -> Callable[[str], Any]:
    return compile_pattern(regex).fullmatch


_GLOB_WILDCARDS = ("(?:.*/)?", ".*", "[^/]*")  # what glob_to_regex makes of **/, **, *
_GLOB_ONE = "[^/]"  # and of ?
_LITERAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-")
_BODIES: list[str] = []


def _plain(text: str) -> bool:
    """Whether ``text`` is only literal characters (as re.escape writes them) and the
    brackets of optional parts, ``(?:`` and ``)?``. String work, not a regex: this module
    is imported on every hook's path, and compiling regexes costs milliseconds there."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and not text[i + 1].isalnum():
            i += 2
        elif text.startswith("(?:", i):
            i += 3
        elif text.startswith(")?", i):
            i += 2
        elif ch in _LITERAL:
            i += 1
        else:
            return False
    return True


def _bodies() -> list[str]:
    """The built-in placeholders' regexes, longest first (imported when first needed)."""
    if not _BODIES:
        from branchflow.policy.template import BUILTIN_PLACEHOLDERS

        _BODIES.extend(sorted({p.regex for p in BUILTIN_PLACEHOLDERS.values()}, key=len)[::-1])
    return _BODIES


def _without_placeholders(regex: str) -> str | None:
    """``regex`` with its built-in placeholder groups taken out; None when it has a group
    of another kind."""
    out, rest = [], regex
    while (start := rest.find("(?P<")) >= 0:
        close = rest.find(">", start)
        if close < 0:
            return None
        out.append(rest[:start])
        after = rest[close + 1 :]
        body = next((b for b in _bodies() if after.startswith(b + ")")), None)
        if body is None:
            return None
        rest = after[len(body) + 1 :]
    out.append(rest)
    return "".join(out)


MAX_OPTIONAL = 3  # optional parts a regex may have and still run on Python's matcher


def is_own(regex: str) -> bool:
    """Whether ``regex`` is made only of branchflow's own pieces (see the module): literal
    text, optional parts and at most two built-in placeholders, as templates compile to;
    or an exempt glob's literal text around a single wildcard (one repetition: linear)."""
    if len(regex) > MAX_REGEX:
        return False
    if any(w in regex for w in _GLOB_WILDCARDS) or _GLOB_ONE in regex:
        rest, wildcards = regex, 0
        for wildcard in _GLOB_WILDCARDS:
            wildcards += rest.count(wildcard)
            rest = rest.replace(wildcard, "")
        rest = rest.replace(_GLOB_ONE, "")
        return wildcards <= 1 and rest.count("(?:") <= MAX_OPTIONAL and _plain(rest)
    # Placeholders side by side may split a name in many ways; none of the built-in ones
    # spans a '/', so two in one name of components git keeps under 256 bytes cost at
    # most 256 squared steps, and more than two go to RE2.
    if regex.count("(?P<") > 2:
        return False
    # Optional parts side by side are choices too: Python's matcher may try each
    # combination before it gives up (47 of them before a letter that never matches hung a
    # server for minutes). Templates have a few; more go to RE2.
    literal = _without_placeholders(regex)
    if literal is None or literal.count("(?:") > MAX_OPTIONAL:
        return False
    return _plain(literal)


def _re2(regex: str) -> Matcher:
    if len(regex) > MAX_REGEX:
        raise PatternError(f"is {len(regex):,} characters long (at most {MAX_REGEX:,})")
    try:
        import re2
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise PatternError(
            "RE2 (the google-re2 package) is not installed, and branchflow runs a policy's "
            "own regular expressions only on it; reinstall branchflow"
        ) from None
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MEMORY
    try:
        compiled = re2.compile(regex, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        syntax = _python_syntax_error(regex)
        if syntax:
            raise PatternError(f"does not compile: {syntax}") from None
        raise PatternError(
            f"cannot be used: RE2 cannot run it ({reason}); patterns are RE2 syntax, which "
            "matches in linear time: no back-references (\\1, (?P=name)), no look-arounds "
            "((?=...), (?!...)), \\z rather than \\Z, repetition counts up to 1000"
        ) from None
    names = re.findall(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>", regex)
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PatternError(
            f"cannot be used: the group name {twice[0]!r} is used twice (a placeholder of "
            "the same name makes a group of that name: name the regex's groups otherwise, or "
            "use (?:...))"
        )
    return _Re2Matcher(compiled)


class _Re2Matcher:
    """RE2 matches UTF-8 text; a name that is not UTF-8 (git allows any bytes) has its
    undecodable bytes stand as '?', which git allows in no name: no template's text matches it."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled

    def fullmatch(self, text: str) -> Any:
        try:
            return self._compiled.fullmatch(text)
        except UnicodeEncodeError:
            clean = text.encode("utf-8", "replace").decode("utf-8")
            return self._compiled.fullmatch(clean)


def _python_syntax_error(regex: str) -> str | None:
    """Python's own words for a regex that is not one at all (unbalanced, a bad escape)."""
    try:
        re.compile(regex)
    except re.error as exc:
        return str(exc)
    except (OverflowError, RecursionError):
        return None  # a regex, but one RE2 refuses for its size or depth
    return None
