"""Pure rules: (policy, facts about refs) -> violations. No git access here."""
