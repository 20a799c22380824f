"""Rows the sync removed with values a person typed: saved where ``bia-hooks restore`` finds them.

In a git repository the log lives in the git directory (never committed, never uploaded); in a
plain folder, in the user's cache folder, keyed by the dataset's path. One JSON object a line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bia_hooks.errors import UsageError, WriteError

LOG_NAME = "removed-rows.jsonl"


@dataclass(frozen=True)
class RemovedRow:
    filelist: str
    path: str
    values: dict[str, str]
    time: str


def log_file(root: Path) -> Path:
    from bia_hooks.gitcmd import git_common_dir, is_git_work_tree

    if is_git_work_tree(root):
        return git_common_dir(root) / "bia-hooks" / LOG_NAME
    from bia_hooks.userdirs import cache_folder

    key = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:16]
    return cache_folder() / key / LOG_NAME


def save(root: Path, filelist: str, lost: Mapping[str, Mapping[str, str]]) -> Path:
    """Append the removed rows of ``filelist``; the log's path. A log that cannot be written is
    a UsageError before any list is written (the caller saves first)."""
    file = log_file(root)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    lines = "".join(
        json.dumps({"filelist": filelist, "path": p, "values": dict(v), "time": stamp},
                   ensure_ascii=False) + "\n"
        for p, v in lost.items()
    )  # fmt: skip
    _append(file, lines)
    return file


def _append(file: Path, lines: str) -> None:
    data = lines.encode("utf-8", "surrogateescape")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            size = os.fstat(fd).st_size
            try:
                rest = memoryview(data)
                while rest:
                    rest = rest[os.write(fd, rest) :]
                os.fsync(fd)
            except OSError:
                # A full disk may have taken half a line: cut it, or the next line would join it.
                os.ftruncate(fd, size)
                raise
        finally:
            os.close(fd)
    except OSError as e:
        from bia_hooks.atomic import cannot_write

        raise WriteError(
            f"cannot save the values of the rows the sync removes: {cannot_write(file, e)}; "
            "no file list was changed"
        ) from None


def mark_restored(root: Path, row: RemovedRow) -> None:
    """Record that ``row`` was put back: ``read`` no longer offers it. Called after the list was
    written: a log that cannot be written then only leaves the row on offer, not an error."""
    record = {"restored": row.path, "filelist": row.filelist, "time": row.time}
    with contextlib.suppress(UsageError):
        _append(log_file(root), json.dumps(record) + "\n")


def read(root: Path) -> list[RemovedRow]:
    """Every saved row not restored yet, oldest first (a damaged line is skipped: the others
    stay readable)."""
    file = log_file(root)
    try:
        if not file.is_file() and file.exists():  # a pipe would be read forever
            raise UsageError(f"cannot read {file}: not a regular file; move it away")
        text = file.read_text(encoding="utf-8", errors="surrogateescape")
    except (FileNotFoundError, NotADirectoryError):  # no log, or no folder to hold one
        return []
    except OSError as e:
        raise UsageError(f"cannot read {file}: {e.strerror}") from None
    rows: list[RemovedRow] = []
    for line in text.split("\n"):  # not splitlines: a value may hold U+0085 or U+2028
        try:
            data = json.loads(line)
            if "restored" in data:
                done = (data["restored"], data["filelist"], data["time"])
                rows = [r for r in rows if (r.path, r.filelist, r.time) != done]
                continue
            rows.append(RemovedRow(str(data["filelist"]), str(data["path"]),
                                   {str(k): str(v) for k, v in data["values"].items()},
                                   str(data.get("time", ""))))  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
    return rows
