"""The policy: a flow graph of branch types, its templates, presets and loading."""
