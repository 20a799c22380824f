"""Atomic writes: a reader sees the old file or the new one, never half of one.

The new content is written to a temporary file next to the target, then renamed over it. A write
killed before the rename leaves that temporary file behind: ``is_leftover`` knows its name, so
that it is never taken for a file of the dataset.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from pathlib import Path

from bia_hooks.errors import WriteError

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


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data``; a WriteError says why the system refused (the old file
    stays as it was, and no temporary file is left)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _replace(path, payload)
    except OSError as e:
        raise WriteError(cannot_write(path, e)) from None


def _replace(path: Path, payload: bytes) -> None:
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
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
