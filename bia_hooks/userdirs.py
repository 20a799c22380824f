"""Where bia-hooks keeps what belongs to the user rather than to a dataset: one place."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path:
    """bia-hooks' folder in the user's cache (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "bia-hooks"
