"""branchflow: Git hooks that enforce a team's branching model."""

__version__ = "0.1.0"
