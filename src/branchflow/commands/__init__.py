"""The subcommands of ``branchflow`` other than ``hook``."""
