"""One module per git event: gather facts, call the checks, report."""
