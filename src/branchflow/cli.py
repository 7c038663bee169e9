"""The ``branchflow`` command: argument parsing, dispatch, and the one error handler.

``branchflow hook ...`` is dispatched before argparse is imported: hooks run on
every commit and their start-up time is the product.
"""

from __future__ import annotations

import sys

from branchflow.errors import EXIT_INTERNAL, BranchflowError
from branchflow.streams import UnheardOutput

TYPE_CHECKING = False  # mypy treats the name as true; hooks must not pay for `typing`
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # A verdict never depends on whether its message could be written: a write nobody can
    # read is dropped and the command goes on (`branchflow explain | head -1` ends with 0
    # because explain does, not because the pipe closed).
    output = UnheardOutput()
    try:
        if args[:1] in (["pre-receive"], ["update"]):  # a pusher decides what they work on
            return _bounded(args)
        return _run(args)
    finally:
        output.restore()


def console() -> None:
    """The installed command: ``main``, its output flushed, and out at once. Python's own
    teardown frees every object one by one, tens of milliseconds after an audit of a large
    history that nobody waits for usefully. Nothing branchflow writes is left open: files
    are written whole and closed before ``main`` returns."""
    import contextlib
    import os

    code = main()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed before Python started (`>&-`)
            continue
        # nobody can hear it: the exit status is the verdict (see streams)
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _bounded(args: list[str]) -> int:
    try:
        from branchflow.deadline import within_time_limit

        return within_time_limit(lambda: _run(args), "this push")
    except BranchflowError as exc:
        print(f"branchflow: error: {exc}", file=sys.stderr)
        return exc.exit_code


def _run(args: list[str]) -> int:
    try:
        if args[:1] == ["hook"]:
            from branchflow.hooks.run import run_hook

            return run_hook(args[1:])
        if args[:1] in (["pre-receive"], ["update"]):  # a server's hooks: no argparse either
            from branchflow.hooks.run import run_server_hook

            return run_server_hook(args)
        from branchflow.commands.parser import run_command

        return run_command(args)
    except BranchflowError as exc:
        print(f"branchflow: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one place a bug becomes a message
        import os
        import traceback

        if os.environ.get("BRANCHFLOW_DEBUG"):
            traceback.print_exc()
        print(
            f"branchflow: internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in branchflow; rerun with BRANCHFLOW_DEBUG=1 for the traceback "
            "and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
