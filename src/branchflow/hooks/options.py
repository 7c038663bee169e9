"""Options every hook accepts, parsed without argparse (its import alone costs ~15 ms)."""

from __future__ import annotations

from branchflow.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class HookOptions:
    __slots__ = ("args", "config", "preset", "verbose")

    def __init__(
        self, config: str | None, preset: str | None, verbose: bool, args: tuple[str, ...]
    ) -> None:
        self.config = config
        self.preset = preset
        self.verbose = verbose
        self.args = args  # what git passed to the hook


def parse_hook_options(argv: Sequence[str]) -> HookOptions:
    config = preset = None
    verbose = False
    args: list[str] = []
    items = iter(argv)
    for item in items:
        if item in ("--config", "--preset"):
            value = next(items, None)
            if value is None:
                raise UsageError(f"{item} needs a value")
            if item == "--config":
                config = value
            else:
                preset = value
        elif item.startswith(("--config=", "--preset=")):
            key, _, value = item.partition("=")
            if key == "--config":
                config = value
            else:
                preset = value
        elif item in ("-v", "--verbose"):
            verbose = True
        elif item == "--":
            args.extend(items)
        else:
            args.append(item)
    return HookOptions(config, preset, verbose, tuple(args))
