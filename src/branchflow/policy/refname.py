"""Git's own rules for branch names (``git check-ref-format --branch``).

Kept free of ``re`` so the hook fast path can call it without the import.
"""

from __future__ import annotations

# The longest file name ext4, XFS, btrfs and APFS hold: git keeps a branch as a file.
COMPONENT_BYTES = 255
# The longest branch name judged: thousands of names of kilobytes each would keep a server
# busy past its time limit without a word to the pusher.
MAX_NAME_BYTES = 1024

_FORBIDDEN_CHARS = frozenset(" ~^:?*[\\\x7f")


def ref_format_problem(name: str) -> str | None:
    """Why git would refuse ``name`` as a branch name, or None when it is valid."""
    if not name:
        return "the name is empty"
    if name == "HEAD":
        return "'HEAD' is reserved by git"
    if name.startswith("-"):
        return "a branch name cannot begin with '-'"
    for ch in name:
        if ch < " " or ch in _FORBIDDEN_CHARS:
            shown = repr(ch) if ch != " " else "space"
            return f"git does not allow {shown} in a ref name"
    if name.startswith("/") or name.endswith("/"):
        return "a ref name cannot begin or end with '/'"
    if "//" in name:
        return "a ref name cannot contain '//'"
    if ".." in name:
        return "a ref name cannot contain '..'"
    if "@{" in name:
        return "a ref name cannot contain '@{'"
    if name.endswith("."):
        return "a ref name cannot end with '.'"
    why = too_long(name)
    if why is not None:
        return why
    for part in name.split("/"):
        if part.startswith("."):
            return f"the component {part!r} begins with '.'"
        if part.endswith(".lock"):
            return f"the component {part!r} ends with '.lock'"
    return None


def too_long(name: str) -> str | None:
    """Why ``name`` is too long to be a branch, if it is: longer than MAX_NAME_BYTES in all,
    or with a component longer than a file name may be (only a name of more than
    COMPONENT_BYTES // 4 characters can be either: UTF-8 spends at most 4 bytes on one)."""
    if len(name) <= COMPONENT_BYTES // 4:
        return None
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > MAX_NAME_BYTES:
        return f"the name is {size:,} bytes; a branch name here is at most {MAX_NAME_BYTES:,}"
    for part in name.split("/"):
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > COMPONENT_BYTES:
            return (
                f"the component {part[:24]!r}... is {size} bytes; file systems hold at most "
                f"{COMPONENT_BYTES}, so git cannot store the branch"
            )
    return None
