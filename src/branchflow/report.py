"""How violations and notes reach the user: one greppable line each, then hints.

branchflow: <ref>: <RULE-ID> <rule-name>: <what is wrong>
  <detail lines>
  hint: <the exact command that fixes it>
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # mypy treats the name as true; `typing` is not imported on hook paths
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TextIO

    from branchflow.checks.violation import Violation


# Characters that would act on the reader's terminal instead of being read: C0 and C1
# controls (escape sequences, carriage returns), and marks that reorder text (bidi).
CONTROLS = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in (
        *range(0x00, 0x09),
        *range(0x0B, 0x20),  # not a newline: messages of several lines are ours
        *range(0x7F, 0xA0),
        0x200E,
        0x200F,
        *range(0x2028, 0x202F),
        *range(0x2066, 0x206A),
    )
}


def hidden(c: str) -> bool:
    """A character that acts on the terminal or does not show: a control, a mark that
    reorders text, a zero-width or other format character (U+200B, U+FEFF, U+00AD)."""
    return ord(c) in CONTROLS or (not c.isascii() and not c.isprintable())


def _escaped(c: str) -> str:
    code = ord(c)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def shown(name: str) -> str:
    """Text from a repository (ref names, commit summaries) as it can be printed safely:
    undecodable bytes, terminal controls and characters that do not show appear as
    escapes (\\xNN, \\uNNNN)."""
    if name.isascii() and name.isprintable():
        return name  # the common case: nothing to escape (no control is printable)
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = text.translate(CONTROLS)
    if text.isascii():
        return text
    return "".join(_escaped(c) if hidden(c) else c for c in text)


def one_line(text: str) -> str:
    """``shown``, with line breaks escaped too: a field that is one line stays one, whatever
    a name or key inside it holds (a forged ``remote:`` line, say)."""
    return shown(text).replace("\n", "\\n")


def format_violation(v: Violation) -> str:
    label = f"{v.rule.id} {v.rule.name}" + (" (warning)" if v.severity == "warn" else "")
    lines = [f"branchflow: {one_line(v.ref)}: {label}: {one_line(v.message)}"]
    lines.extend(f"  {one_line(line)}" for line in v.details)
    if v.hint:
        lines.append(f"  hint: {one_line(str(v.hint))}")
    return "\n".join(lines)


def print_violations(
    violations: Iterable[Violation], stream: TextIO | None = None, *, limit: int | None = None
) -> None:
    """Each violation in full; past ``limit`` of them, one line counting the rest by rule
    (a push of thousands of refused refs gets a screen of reasons, not megabytes)."""
    out = stream or sys.stderr
    rest: dict[str, int] = {}
    refs = set()
    for number, v in enumerate(violations):
        if limit is None or number < limit:
            print(format_violation(v), file=out)
        else:
            rest[v.rule.id] = rest.get(v.rule.id, 0) + 1
            refs.add(v.ref)
    if rest:
        counts = ", ".join(f"{rule} \u00d7{n}" for rule, n in sorted(rest.items()))
        print(
            f"branchflow: {sum(rest.values())} more finding(s) on {len(refs)} ref(s) not "
            f"shown: {counts}",
            file=out,
        )


def did_you_mean(word: str, choices: Iterable[str], show: Callable[[str], str] = repr) -> str:
    """ "; did you mean X?" for the choice closest to a mistyped ``word`` (as ``show``
    writes it), or "" when none is close: the one wording and cutoff of every such hint."""
    import difflib  # only when something was mistyped

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {show(close[0])}?" if close else ""


def note(message: str, stream: TextIO | None = None) -> None:
    print(f"branchflow: {shown(message)}", file=stream or sys.stderr)
