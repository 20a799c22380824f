"""An exception nobody expected (a bug of ours): one message for the user, exit status 3, and the
details saved in a file they can attach to a bug report."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from bia_hooks import __version__
from bia_hooks.safe_text import printable

INTERNAL_ERROR = 3  # the exit status
ISSUES = "https://github.com/bia-hooks/bia-hooks/issues"


def report_folders() -> list[Path]:
    """Where a report goes: the user's cache folder, else the temporary folder."""
    from bia_hooks.userdirs import cache_folder

    return [cache_folder(), Path(tempfile.gettempdir())]


def report_text(command: str, argv: Sequence[str], error: BaseException) -> str:
    return "".join(
        [
            f"bia-hooks {__version__}: internal error ({command})\n",
            f"time: {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n",
            f"argv: {['bia-hooks', *argv]!r}\n",
            f"python: {sys.version.splitlines()[0]} ({sys.executable})\n",
            f"platform: {platform.platform()}\n\n",
            *traceback.format_exception(type(error), error, error.__traceback__),
        ]
    )


def save_report(command: str, argv: Sequence[str], error: BaseException) -> Path | None:
    """The report's path, or None when no folder takes it."""
    text = report_text(command, argv, error)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in report_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Private (0600), as mkstemp makes it: the report names the user's files.
            fd, name = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".txt", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(text)
            return Path(name)
        except OSError:
            continue
    return None


def internal_error(command: str, argv: Sequence[str], error: BaseException) -> int:
    """Tell the user, in one message, that bia-hooks failed and where the details are.

    ``command`` starts the message: ``bia-hooks check``."""
    what = printable(f"{type(error).__name__}: {error}")
    if len(what) > 300:
        what = what[:299] + "…"
    report = save_report(command, argv, error)
    if report is not None:
        attach = f"please report it at {ISSUES} with the file {printable(report)}"
    else:  # no folder could take the report: the line where it happened, at least
        frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
        where = f" at {Path(frame[0].filename).name}:{frame[0].lineno}" if frame else ""
        attach = f"please report it at {ISSUES} with this message ({what}{where})"
    print(
        f"{command}: internal error ({what}); this is a bug in bia-hooks: {attach}",
        file=sys.stderr,
    )
    return INTERNAL_ERROR
