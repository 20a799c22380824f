"""Atomic writes: a reader sees the old file or the new one, never half of one.

The new content is written to a temporary file next to the target, then renamed over it. A write
killed before the rename leaves that temporary file behind: ``is_leftover`` knows its name, so
that it is never taken for a file of the dataset.

And no lost edit: a file read to be rewritten (a file list) is read with its ``Fingerprint``, and
replaced only while it still holds the bytes that were read. A person who saves the list while a
command runs keeps the edit: the command writes nothing and says so (``FileChanged``, exit 2).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from bia_hooks.errors import UsageError, WriteError

TEMP_SUFFIX = ".tmp"
# mkstemp's name: the prefix, 8 characters of [a-z0-9_], the suffix: ".filelist.tsv.k2x_9abc.tmp".
_LEFTOVER = re.compile(
    r"(?P<folder>(?:.*/)?)\.(?P<name>[^/]+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX), re.DOTALL
)


def is_leftover(path: str) -> bool:
    """Is ``path`` (from the dataset root) the temporary file of an interrupted ``write_atomic``?"""
    return path.endswith(TEMP_SUFFIX) and _LEFTOVER.fullmatch(path) is not None


def leftover_of(path: str) -> str | None:
    """The file an interrupted write was replacing (``a/.list.tsv.k2x_9abc.tmp`` -> ``a/list.tsv``),
    or None when ``path`` is no leftover."""
    found = _LEFTOVER.fullmatch(path)
    return found["folder"] + found["name"] if found else None


class Fingerprint(NamedTuple):
    """A file as it was read: the SHA-256 of its bytes; None (``ABSENT``): there was no file (a
    file list the command creates)."""

    digest: bytes | None


ABSENT = Fingerprint(None)


class FileChanged(UsageError):
    """The file is no longer what was read: nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} changed while this command ran (another program saved it); nothing was "
            "written, and your change is kept; run the command again"
        )
        self.path = path


def read_bytes(path: Path) -> tuple[bytes, Fingerprint]:
    """The file's bytes, and its fingerprint (of those very bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    return data, Fingerprint(hashlib.sha256(data).digest())


def write_atomic(path: Path, data: bytes | str, expect: Fingerprint | None = None) -> None:
    """Replace ``path`` with ``data``; with ``expect``, only while the file is still as read.

    An output the user named that is no regular file is written into, not replaced: a device
    (``--report /dev/null``), a pipe; a symbolic link is followed, and its target replaced.
    """
    if expect is None and _special(path):
        try:
            with open(path, "wb") as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
        except OSError as e:
            raise WriteError(cannot_write(path, e)) from None
        return
    write_all([(Path(os.path.realpath(path)) if os.path.islink(path) else path, data, expect)])


def read_if_regular(path: Path) -> bytes | None:
    """The bytes of ``path``, or None when there is no regular file to read there (absent, a
    folder, a pipe that would wait for a writer forever, a device)."""
    fd = _open_regular(path)
    if fd is None:
        return None
    try:
        with open(fd, "rb", closefd=False) as file:
            return file.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def holds(path: Path, data: bytes) -> bool:
    """Does ``path`` hold exactly ``data`` (a regular file, as ``read_if_regular`` reads)? Read a
    megabyte at a time: a million-row list just written is not held twice to be checked."""
    fd = _open_regular(path)
    if fd is None:
        return False
    step = 1 << 20
    view = memoryview(data)
    try:
        with open(fd, "rb", closefd=False) as file:
            for at in range(0, len(data), step):
                if file.read(step) != view[at : at + step]:
                    return False
            return file.read(1) == b""
    except OSError:
        return False
    finally:
        os.close(fd)


def _open_regular(path: Path) -> int | None:
    """A descriptor to read ``path`` with, or None when it is not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def load_remembered(path: Path) -> object:
    """A JSON file bia-hooks kept for itself, or None when it cannot be read back as JSON (any
    damage, however deep its nesting): the caller checks every field of what it gets."""
    data = read_if_regular(path)
    if data is None:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def write_remembered(path: Path, data: bytes) -> None:
    """Replace a file bia-hooks keeps for itself (what a run found, to spare the next one work):
    whole or not at all, but not synced to the disk. A file lost to a crash is asked for anew, and
    every reader checks what it reads. Raises OSError."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _special(path: Path) -> bool:
    """A device, a pipe or a socket (followed through symbolic links)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def write_all(files: Iterable[tuple[Path, bytes | str, Fingerprint | None]]) -> None:
    """Replace each file atomically, or none: each is staged in a temporary file first (taken one
    by one from ``files``, so a generator renders one at a time); then every file with a
    fingerprint must still hold the bytes read, or ``FileChanged`` is raised and nothing is
    replaced; then each is replaced, after a last look at its stat (microseconds before)."""
    staged: list[tuple[Path, str, Fingerprint | None]] = []
    path: Path | None = None
    try:
        for path, data, expect in files:
            staged.append((path, _stage(path, data), expect))
        seen = [(p, ensure_unchanged(p, expect)) for p, _, expect in staged if expect is not None]
        for path, stat in seen:
            if _stat_of(path) != stat:  # saved while the others were compared
                raise FileChanged(path)
        while staged:
            path, tmp, _ = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
    except OSError as e:  # a WriteError says why the system refused; the old files stay as were
        for _, tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise WriteError(cannot_write(path, e) if path else str(e)) from None
    except BaseException:
        for _, tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise


def _stage(path: Path, data: bytes | str) -> str:
    """The new content in a temporary file next to ``path``, flushed to disk, with the old file's
    mode (or the usual one)."""
    import tempfile  # here: a hook that writes nothing does not import it

    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    # The name _LEFTOVER recognises: ".NAME." + 8 random characters + TEMP_SUFFIX.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600): keep the old file's mode, or the usual one.
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


_Stat = tuple[int, int, int] | None  # size, mtime_ns, inode; None: no file


def _stat_of(path: Path) -> _Stat:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def ensure_unchanged(path: Path, expect: Fingerprint) -> _Stat:
    """Raise ``FileChanged`` unless ``path`` still holds the bytes read (or is still absent);
    its stat when compared, for the last look just before the replace.

    The bytes decide, not the stat: a file saved in the same clock tick with the same size keeps
    its stat, and a file only touched has lost nothing.
    """
    before = _stat_of(path)
    if expect.digest is None:
        if before is not None or os.path.lexists(path):
            raise FileChanged(path)
        return None
    if before is None or file_sha256(path) != expect.digest:
        raise FileChanged(path)
    return before


def file_sha256(path: Path) -> bytes | None:
    """The SHA-256 of the file's bytes, read a megabyte at a time; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.digest()


# What to do about the usual reasons a write fails.
_ADVICE = {
    errno.ENOSPC: "free some space on that disk, then run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run the command again",
    errno.EFBIG: "the file would be larger than this system lets a program write (see ulimit -f)",
    errno.EROFS: "that file system is mounted read-only: write it elsewhere, or remount it",
    errno.EACCES: "you may not write in that folder: check its permissions",
    errno.EPERM: "you may not write in that folder: check its permissions",
    errno.EISDIR: "it is a folder: give the path of a file",
    errno.ENOTDIR: "a part of its path is a file, not a folder",
    errno.EEXIST: "a part of its path is a file, not a folder",
    errno.ENOENT: "its folder does not exist",
    errno.ELOOP: "a symbolic link in its path points back to itself",
}


def cannot_write(path: Path, error: OSError) -> str:
    """One message: the file, the system's reason, what to do, and that nothing was lost."""
    advice = _ADVICE.get(error.errno or 0, "")
    for folder in [path.parent, *path.parent.parents]:
        if os.path.islink(folder) and not os.path.exists(folder):
            advice = f"its folder {folder} is a symbolic link to {os.readlink(folder)}, which " \
                     "does not exist"  # fmt: skip
            break
    then = "the file is unchanged" if os.path.isfile(path) else "nothing was written"
    return (
        f"cannot write {path}: {error.strerror or error}; {advice + '; ' if advice else ''}{then}"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
