"""How a message names many things: the first few, then how many more.

A finding or a message that lists items a repository controls (columns, rows, files) stays short
whatever the input: half a million blank header cells are one line, not megabytes of it.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["first_few"]


def first_few(items: Sequence[str], limit: int = 10, sep: str = ", ") -> str:
    """``items`` joined by ``sep``, at most ``limit`` of them, then 'and N more'."""
    shown = sep.join(items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")
