"""A file list's git blob id, known by the file's stat, kept in the repository's git directory:
the sync and validate hooks of a commit then read and hash a million-row list (72 MB, 0.1 s) once
between them, and not at all while it stays as it was.

An id is noted only when the file's last change lies further back than a timestamp's grain
before its bytes were read, so that any later change shows in its stat (git's rule for an index
entry that is racily clean). The change time is the one looked at: no tool can set it back. A
note holds while the file's device, inode, size, modification and change times are the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from bia_hooks.atomic import holds, load_remembered, read_if_regular, write_remembered
from bia_hooks.verified import blob_id, is_object_id

NAME = "fileids.json"
_GRAIN_NS = 100_000_000  # a change time's grain on the usual file systems, with room to spare
_COARSE_GRAIN_NS = 2_100_000_000  # file systems that keep whole seconds (FAT: two of them)
_MOST = 64  # files noted (a dataset has a handful of lists)
_HEX_DIGITS = {"sha1": 40, "sha256": 64}


def known(gitdir: Path, file: Path, hash_name: str) -> str | None:
    """The blob id noted for ``file``, while its stat is the one noted; else None."""
    noted = _notes(gitdir).get(os.fsdecode(file))
    stamp = _stamp(file)
    if noted is None or stamp is None or noted[:-1] != stamp:
        return None
    blob = str(noted[-1])
    return blob if len(blob) == _HEX_DIGITS.get(hash_name) else None


def read(gitdir: Path, file: Path, hash_name: str,
         by_stat: bool = True) -> tuple[bytes, str] | None:  # fmt: skip
    """The bytes of ``file`` (a regular file) and their blob id: noted, when ``by_stat`` and the
    file's stat after reading is the one noted, else hashed (and noted). None when it cannot be
    read."""
    began = time.time_ns()
    data = read_if_regular(file)
    if data is None:
        return None
    blob = known(gitdir, file, hash_name) if by_stat else None
    if blob is None:
        blob = blob_id(data, hash_name)
        note(gitdir, file, blob, began)
    return data, blob


def note_written(gitdir: Path, file: Path, data: bytes, blob: str) -> None:
    """After ``data`` (whose id is ``blob``) was written to ``file``: note it, when its change is
    already past the grain and the file, read back, holds it (no one wrote in the same grain)."""
    stamp = _stamp(file)
    if stamp is None or max(stamp[3], stamp[4]) >= time.time_ns() - _grain(stamp):
        return
    began = time.time_ns()
    if holds(file, data):
        note(gitdir, file, blob, began)


def note(gitdir: Path, file: Path, blob: str, read_at: int) -> None:
    """Note that the bytes of ``file`` read from ``read_at`` on have the id ``blob``, when its
    last change came long enough before (else a change in the same grain could hide)."""
    stamp = _stamp(file)
    if stamp is None:
        return
    if max(stamp[3], stamp[4]) >= read_at - _grain(stamp):
        return  # changed just before (or while) it was read: racy
    notes = _notes(gitdir)
    key = os.fsdecode(file)
    if notes.get(key) == [*stamp, blob]:
        return
    notes.pop(key, None)
    notes[key] = [*stamp, blob]
    body = dict(list(notes.items())[-_MOST:])
    with contextlib.suppress(OSError):
        (gitdir / "bia-hooks").mkdir(parents=True, exist_ok=True)
        write_remembered(gitdir / "bia-hooks" / NAME, json.dumps(body).encode())


def forget(gitdir: Path, files: list[Path]) -> None:
    """Forget what was noted of ``files`` (a run that trusts nothing remembered: ``--full``)."""
    notes = _notes(gitdir)
    if not notes.keys() & {os.fsdecode(f) for f in files}:
        return
    for file in files:
        notes.pop(os.fsdecode(file), None)
    with contextlib.suppress(OSError):
        write_remembered(gitdir / "bia-hooks" / NAME, json.dumps(notes).encode())


def _grain(stamp: list[int]) -> int:
    whole_seconds = stamp[3] % 1_000_000_000 == 0 and stamp[4] % 1_000_000_000 == 0
    return _COARSE_GRAIN_NS if whole_seconds else _GRAIN_NS


def _stamp(file: Path) -> list[int] | None:
    try:
        st = os.stat(file)
    except (OSError, ValueError):
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _notes(gitdir: Path) -> dict[str, list[int | str]]:
    raw = load_remembered(gitdir / "bia-hooks" / NAME)
    if not isinstance(raw, dict):
        return {}
    return {
        key: value
        for key, value in raw.items()
        if isinstance(value, list)
        and len(value) == 6
        and all(type(v) is int for v in value[:5])
        and isinstance(value[5], str)
        and is_object_id(value[5])
    }
