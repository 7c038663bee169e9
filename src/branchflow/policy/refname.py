"""Git's own rules for branch names (``git check-ref-format --branch``).

Kept free of ``re`` so the hook fast path can call it without the import.
"""

from __future__ import annotations

# The longest file name ext4, XFS, btrfs and APFS hold: git keeps a branch as a file.
COMPONENT_BYTES = 255

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
    for part in name.split("/"):
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > COMPONENT_BYTES:
            return (
                f"the component {part[:24]!r}... is {size} bytes; file systems hold at most "
                f"{COMPONENT_BYTES}, so git cannot store the branch"
            )
        if part.startswith("."):
            return f"the component {part!r} begins with '.'"
        if part.endswith(".lock"):
            return f"the component {part!r} ends with '.lock'"
    return None
