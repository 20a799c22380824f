"""How a message names many things: the first few, then how many more.

A finding or a message that lists items a repository controls (columns, characters, files,
values) stays short whatever the input: half a million blank header cells make one line, not
megabytes of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["first_few"]

T = TypeVar("T")


def first_few(
    items: Sequence[T], show: Callable[[T], str] = str, limit: int = 10, sep: str = ", "
) -> str:
    """The first ``limit`` of ``items``, each as ``show`` says, joined by ``sep``; then 'and N
    more'. Only the items shown are turned into text."""
    shown = sep.join(show(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")
