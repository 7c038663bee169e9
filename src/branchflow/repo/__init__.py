"""Everything that reads a git repository lives here, and nothing else touches git."""
