"""argparse for the subcommands; each subcommand lives in its own module."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from branchflow import __version__
from branchflow.errors import UsageError
from branchflow.hooks.run import HOOK_EVENTS


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Accepted before and after the subcommand; SUPPRESS keeps a later default from erasing
    # a value given earlier.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--config", metavar="PATH", default=default, help="the policy file to use")
    parser.add_argument(
        "--preset", metavar="NAME", default=default, help="use a built-in preset policy"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="say what matched and why",
    )


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _days(text: str) -> int:
    """A number of days: 0 or more."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more days, got {days}")
    return days


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="branchflow",
        description="Enforce a team's branching model: names, bases, merge directions, "
        "protected branches.",
    )
    parser.add_argument("--version", action="version", version=f"branchflow {__version__}")
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, top=False)
        return p

    check = command("check", "check branch names, or the current branch, against the policy")
    check.add_argument("names", nargs="*", metavar="NAME", help="branch names to check")
    check.add_argument(
        "--all", action="store_true", help="check every local and remote-tracking branch"
    )
    command("explain", "show the policy as a table")
    graph = command("graph", "draw the flow graph")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.add_argument(
        "--observed",
        action="store_true",
        help="with the merges the history shows: counts, forbidden flows, unused edges",
    )
    command("schema", "print the JSON Schema of policy files")
    init = command("init", "write a starter .branchflow.yaml (extending --preset, default gitflow)")
    init.add_argument(
        "--from-history",
        action="store_true",
        help="fit the policy to what the repository's history shows",
    )
    command("rules", "list every rule with its id")
    command("presets", "list the built-in presets")
    for name, text, default in (
        ("install", "install native git hooks (default: pre-push, reference-transaction)", ""),
        ("uninstall", "remove branchflow's native hooks and restore what they chained", ""),
    ):
        sub_parser = command(name, text + default)
        sub_parser.add_argument(
            "--hook",
            action="append",
            metavar="NAME",
            help="pre-commit, pre-merge-commit, post-checkout, pre-push, "
            "reference-transaction; pre-receive or update on a server; or all (the client hooks; "
            "pre-receive on a server) (repeatable)",
        )
    start = command("start", "create a correctly named branch from the correct base")
    start.add_argument("type", help="the branch type, e.g. feature")
    start.add_argument("name", help="the name's variable part, e.g. model-tuning")
    start.add_argument("--from", dest="base", metavar="BRANCH", help="the base to use")
    ci = command("ci", "judge the pull request (or branch) a CI pipeline builds")
    ci.add_argument("--source", help="the pull request's source branch (outside known CI)")
    ci.add_argument("--target", help="the pull request's target branch")
    ci.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    audit = command("audit", "report where the repository stands against its policy")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="only what happened after this day")
    audit.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    audit.add_argument(
        "--all",
        action="store_true",
        dest="every",
        help="show every finding (text output folds long runs of one rule on one branch)",
    )
    audit.add_argument(
        "--baseline",
        metavar="FILE",
        help="record today's findings in FILE (when it does not exist), then report only new ones",
    )
    audit.add_argument(
        "--update-baseline", action="store_true", help="rewrite FILE with today's findings"
    )
    audit.add_argument(
        "--stale-days",
        type=_days,
        metavar="N",
        help="idle days before a topic branch is stale (0: no such check)",
    )
    # Dispatched before argparse (cli.main); listed here for --help.
    command("pre-receive", "judge a push on the server (stdin: <old> <new> <ref> lines)")
    update = command("update", "judge one ref of a push on the server (git's update hook)")
    update.add_argument("ref")
    update.add_argument("old")
    update.add_argument("new")
    hook = command("hook", "run as a git hook (what .pre-commit-hooks.yaml calls)")
    hook.add_argument("event", help=", ".join(HOOK_EVENTS))
    hook.add_argument("hook_args", nargs="*")
    return parser


COMMANDS = {
    "check": ("check", "run"),
    "explain": ("explain", "run"),
    "graph": ("graph", "run"),
    "schema": ("schema", "run"),
    "init": ("init", "run"),
    "rules": ("rules", "run"),
    "presets": ("presets", "run"),
    "install": ("install", "run_install"),
    "uninstall": ("install", "run_uninstall"),
    "start": ("start", "run"),
    "ci": ("ci", "run"),
    "audit": ("audit", "run"),
}


def run_command(argv: Sequence[str]) -> int:
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if args.command == "hook":  # reached only when global options precede it
        from branchflow.hooks.run import run_hook

        extra = [f"--config={args.config}"] if args.config else []
        extra += [f"--preset={args.preset}"] if args.preset else []
        extra += ["-v"] if args.verbose else []
        return run_hook([args.event, *extra, *args.hook_args])
    import importlib

    module_name, function = COMMANDS[args.command]
    module = importlib.import_module(f"branchflow.commands.{module_name}")
    result: int = getattr(module, function)(args)
    return result
