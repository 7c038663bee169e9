"""``branchflow hook <event> [--config P] [--preset N] [-v] [git's hook arguments]``."""

from __future__ import annotations

from branchflow.errors import UsageError
from branchflow.hooks.options import parse_hook_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

HOOK_EVENTS = (
    "pre-commit",
    "pre-merge-commit",
    "post-checkout",
    "pre-push",
    "reference-transaction",
)


def run_hook(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in HOOK_EVENTS:
        given = argv[0] if argv else "nothing"
        raise UsageError(f"hook: expected one of {', '.join(HOOK_EVENTS)}, got {given}")
    options = parse_hook_options(argv[1:])
    event = argv[0]
    if event == "pre-commit":
        from branchflow.hooks import pre_commit

        return pre_commit.run(options)
    if event == "reference-transaction":
        from branchflow.hooks import reference_transaction

        return reference_transaction.run(options)
    if event == "post-checkout":
        from branchflow.hooks import post_checkout

        return post_checkout.run(options)
    if event == "pre-merge-commit":
        from branchflow.hooks import pre_merge_commit

        return pre_merge_commit.run(options)
    from branchflow.hooks import pre_push

    return pre_push.run(options)


def run_server_hook(argv: Sequence[str]) -> int:
    """``pre-receive [--config P] [--preset N]`` or ``update REF OLD NEW [...]``."""
    options = parse_hook_options(argv[1:])
    if argv[0] == "pre-receive":
        if options.args:
            raise UsageError(f"pre-receive takes no arguments, got {' '.join(options.args)}")
        import sys

        from branchflow.hooks import quick_receive

        raw = sys.stdin.buffer.read()
        try:
            if quick_receive.accepted(raw, options.config, options.preset):
                return 0
        except Exception:  # the quick path only saves time: any failure, judge in full
            pass
        from branchflow.hooks.pre_receive import run_pre_receive

        return run_pre_receive(options.config, options.preset, raw)
    from branchflow.hooks.pre_receive import run_update

    if len(options.args) != 3:
        raise UsageError("update: expected REF OLD NEW")
    ref, old, new = options.args
    return run_update(options.config, options.preset, ref, old, new)
