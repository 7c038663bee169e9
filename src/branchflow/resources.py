"""Files shipped beside the code: the presets (top-level ``policy/``) and the native hook
scripts (top-level ``hooks/``). A wheel carries them inside the package; a source
checkout (an editable install) reads them from the repository root."""

from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def resource_dir(packaged: str, in_checkout: str) -> str:
    inside = os.path.join(_PACKAGE, packaged)
    if os.path.isdir(inside):
        return inside
    return os.path.join(os.path.dirname(os.path.dirname(_PACKAGE)), in_checkout)
