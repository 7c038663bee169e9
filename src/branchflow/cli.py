"""The ``branchflow`` command: argument parsing, dispatch, and the one error handler.

``branchflow hook ...`` is dispatched before argparse is imported: hooks run on
every commit and their start-up time is the product.
"""

from __future__ import annotations

import sys

from branchflow.errors import EXIT_INTERNAL, BranchflowError

TYPE_CHECKING = False  # mypy treats the name as true; hooks must not pay for `typing`
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
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
    except BrokenPipeError:
        return 0  # the reader went away (`branchflow explain | head`)
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
