"""The errors branchflow reports to its user; each carries its exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATION = 1
EXIT_CONFIG = 2
EXIT_INTERNAL = 3


class BranchflowError(Exception):
    """An error with a message meant for the user, never a traceback."""

    exit_code = EXIT_INTERNAL


class ConfigError(BranchflowError):
    """The policy file, a preset name, or the way branchflow was called is wrong."""

    exit_code = EXIT_CONFIG


class UsageError(ConfigError):
    """The command line is wrong."""


class RepoError(BranchflowError):
    """The repository cannot be read for a reason the user can act on."""

    exit_code = EXIT_CONFIG
