"""A progress bar on stderr for long runs (tqdm, imported only when a bar may show).

Shown after two seconds (tqdm's ``delay``), only when stderr is a terminal (``disable=None``),
and never in a hook, with ``--format json`` or ``github``, or with ``-q``: there the output is
read by a program or a log, and stderr stays exactly what it was.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from bia_hooks.advice import in_hook

__all__ = ["Stages", "enable", "steps"]

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
    tqdm = _bar_class()
    bar: Iterable[T] = tqdm(items, desc=what, total=total, delay=DELAY, disable=None, leave=False)
    return bar


def _bar_class() -> Any:
    from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

    # No monitor thread: ``check`` forks a child while its bar shows, and forks only when no
    # other thread runs (``forked.may_fork``). The bars are moved by hand; none needs it.
    tqdm.monitor_interval = 0
    return tqdm


class Stages:
    """A bar over the stages of one long run (listing a million files, reading a million-row
    list, ...), for the runs whose time goes into a few big steps rather than many small ones.

        with Stages(["files listed", "names checked"], "check") as stage:
            ...; stage.done()  # the first stage is over
    """

    def __init__(self, labels: Sequence[str], what: str) -> None:
        self.labels = list(labels)
        self.what = what
        self.bar: Any = None
        if _enabled and sys.stderr.isatty():
            tqdm = _bar_class()
            self.bar = tqdm(total=len(self.labels), desc=self._desc(0), delay=DELAY,
                            disable=None, leave=False)  # fmt: skip

    def _desc(self, done: int) -> str:
        label = self.labels[done] if done < len(self.labels) else "done"
        return f"{self.what}: {label}"

    def done(self) -> None:
        """The current stage is over: the bar moves on to the next."""
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_description_str(self._desc(self.bar.n), refresh=False)

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        if self.bar is not None:
            self.bar.close()
