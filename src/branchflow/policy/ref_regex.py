"""Git's rules for branch names as regexes, for when only the verdict matters: an audit
classifies tens of thousands of names. ``refname`` says why a name is refused, without
``re``; a property test keeps the two in agreement."""

from __future__ import annotations

import functools
import re

from branchflow.policy.refname import too_long

# Names git always accepts: letters, digits, '_' and '-' in components joined by single
# slashes, dots only between them (v1.2.0), no component ending in ".lock", not "HEAD".
# Most names are such, and this answers them several times faster than ``_ref_bad``.
PLAIN_REF_BODY = (
    r"[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)*"
)
REF_PLAIN = re.compile(rf"(?!HEAD$)(?!.*\.lock(?:/|$)){PLAIN_REF_BODY}")


def plain_ref_before(end: str) -> str:
    """REF_PLAIN for a name inside a larger text, where ``end`` (one character that is not
    in a plain name) follows it: a lookahead, to put before what matches the name."""
    return rf"(?!HEAD{end})(?![^{end}\n]*\.lock[/{end}])(?={PLAIN_REF_BODY}{end})"


def ref_format_ok(name: str) -> bool:
    if too_long(name) is not None:
        return False  # a component longer than a file name may be
    if REF_PLAIN.fullmatch(name):
        return True
    return _ref_bad().search(name) is None


@functools.cache  # compiled when a name is not plain: most runs never need it
def _ref_bad() -> re.Pattern[str]:
    """``refname.ref_format_problem`` as one regex."""
    return re.compile(
        r"""[\x00-\x20~^:?*\[\\\x7f]   # characters git never allows
        | \.\. | @\{ | //             # sequences it never allows
        | ^[-/] | /$ | \.$             # how a name may not begin or end
        | (?:^|/)\.                    # a component beginning with '.'
        | \.lock(?:/|$)                # a component ending with '.lock'
        | ^HEAD$ | ^$""",
        re.VERBOSE,
    )
