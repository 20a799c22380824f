"""A progress bar on stderr for long runs (tqdm, imported only when a bar may show).

Shown after two seconds (tqdm's ``delay``), only when stderr is a terminal (``disable=None``),
and never in a hook, with ``--format json`` or ``github``, or with ``-q``: there the output is
read by a program or a log, and stderr stays exactly what it was.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TypeVar

from bia_hooks.advice import in_hook

__all__ = ["enable", "steps"]

T = TypeVar("T")
DELAY = 2.0  # seconds: a shorter run shows no bar
_enabled = False


def enable(args: argparse.Namespace) -> None:
    """Allow bars for this command, as its options say."""
    global _enabled
    text = getattr(args, "format", "text") == "text"
    _enabled = text and not getattr(args, "quiet", False) and not in_hook()


def steps(items: Iterable[T], what: str, total: int | None = None) -> Iterable[T]:
    """``items``, with a bar saying how many of ``what`` are done when the run is long."""
    if not _enabled or not sys.stderr.isatty():  # no bar: tqdm not even imported
        return items
    from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

    bar: Iterable[T] = tqdm(items, desc=what, total=total, delay=DELAY, disable=None, leave=False)
    return bar
