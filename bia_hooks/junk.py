"""Files in the dataset's folder that are no files of the dataset, decided here once: junk an
operating system makes, the lock file an office program keeps next to a document it has open, and
the temporary file of an interrupted write (``atomic.is_leftover``).

The listing (``tree.dataset_files``) sets them apart: no row in a file list, no name to fix, one
finding each (BIA110 junk, BIA115 a lock file, BIA112 a leftover). A lock file also says that its
document is open: nothing writes a file list whose lock file is there (``ensure_closed``), since
the program's next save would overwrite what was written.

Sources: domain.md §1 (junk files: ``.DS_Store``, ``Thumbs.db``, ``desktop.ini``; macOS writes
``._NAME`` AppleDouble files on disks that are not its own). Microsoft Office's "owner file" is
``~$`` + the document's name (Excel, PowerPoint); Word replaces the first two characters of a long
name with ``~$`` instead (``OfficeReport.docx`` -> ``~$ficeReport.docx``). LibreOffice's lock file
is ``.~lock.`` + the document's name + ``#``. Both sit next to the document while it is open and
are deleted when it is closed; a crash leaves them behind.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

from bia_hooks import advice, atomic
from bia_hooks.errors import UsageError
from bia_hooks.findings import Finding

__all__ = [
    "CODES",
    "GITIGNORE",
    "Lock",
    "ensure_closed",
    "finding",
    "is_lock",
    "is_set_apart",
    "lock_named",
    "may_hold_set_apart",
]

# Made by an operating system, not data; compared ignoring case, as Windows and macOS do.
_SYSTEM_JUNK = {n.casefold(): n for n in (".DS_Store", "Thumbs.db", "ehthumbs.db", "desktop.ini")}
_SYSTEM_JUNK_TAILS = (".ds_store", "humbs.db", "desktop.ini")  # each name ends with one
_APPLE_DOUBLE = "._"  # ._NAME: a file's macOS metadata on a disk that is not macOS's own
_MS_LOCK = "~$"
_LO_LOCK, _LO_END = ".~lock.", "#"
_SPREADSHEETS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "xltx", "xltm", "csv"})

CODES = ("BIA110", "BIA112", "BIA115")  # the findings of what is set apart

# The .gitignore lines that keep them out of git (``bia-hooks init`` writes them); ehthumbs.db,
# Windows Media Center's, is recognised but left out: that program is gone since Windows 8.
GITIGNORE = (".DS_Store", "._*", "Thumbs.db", "desktop.ini", "~$*", ".~lock.*#")


class Lock(NamedTuple):
    """What a lock file's name says: the program that holds a document open, and the document's
    name as the lock file writes it (a long name may have lost its first two characters)."""

    program: str
    document: str
    gitignore: str  # the .gitignore line that keeps such lock files out
    shortened: bool  # the document's name may have lost its first two characters (Word)


def lock_named(name: str) -> Lock | None:
    """The lock a file named ``name`` is, if it is an office program's lock file."""
    if name.startswith(_MS_LOCK) and len(name) > len(_MS_LOCK):
        document = name[len(_MS_LOCK) :]
        suffix = document.rpartition(".")[2].lower()
        program = "Excel" if suffix in _SPREADSHEETS else "Microsoft Office"
        return Lock(program, document, "~$*", shortened=True)
    if name.startswith(_LO_LOCK) and name.endswith(_LO_END) and len(name) > len(_LO_LOCK) + 1:
        return Lock("LibreOffice", name[len(_LO_LOCK) : -len(_LO_END)], ".~lock.*#", False)
    return None


def _system_junk(name: str) -> str | None:
    """The .gitignore line of an operating system's junk file named ``name``, if it is one."""
    if name.casefold() in _SYSTEM_JUNK:
        return _SYSTEM_JUNK[name.casefold()]
    if name.startswith(_APPLE_DOUBLE) and len(name) > len(_APPLE_DOUBLE):
        return "._*"
    return None


def is_lock(path: str) -> bool:
    """Is ``path`` an office program's lock file?"""
    return lock_named(path.rpartition("/")[2]) is not None


def is_set_apart(path: str) -> bool:
    """Is ``path`` (from the dataset root) no file of the dataset: junk, a lock file, or the
    temporary file of an interrupted write?"""
    name = path.rpartition("/")[2]
    return (
        _system_junk(name) is not None or lock_named(name) is not None or atomic.is_leftover(path)
    )


def may_hold_set_apart(joined: str) -> bool:
    """Could a path of ``joined`` (paths, each followed by a NUL) be set apart? False means
    surely not. Substring tests at C speed, so that a million clean paths cost no Python loop
    (``benches/bench_names.py``)."""
    if "~" in joined or "._" in joined or atomic.TEMP_SUFFIX + "\0" in joined:
        return True
    lowered = joined.lower()  # one pass, then one per name ('humbs.db' is in 'ehthumbs.db' too)
    return any(name + "\0" in lowered for name in _SYSTEM_JUNK_TAILS)


def finding(path: str, paths: Collection[str] = (), tracked: bool = True) -> Finding:
    """The one finding of a path that ``is_set_apart``, its fix in the words of the user's
    setting (advice.py). ``tracked``: git has it, when the dataset is in git (the listing's paths
    are); ``paths``: the dataset's, where a lock file's document is looked up."""
    if atomic.is_leftover(path):
        message = (
            f"a temporary file left over from an interrupted write of {atomic.leftover_of(path)} "
            "(a sync or export killed or out of space): not a file of the dataset, and not listed; "
            "the file it was written for is whole, as it was before or after that write"
        )
        return Finding(
            "BIA112", path, message, fix=advice.prefixed("delete it: ", advice.delete_file(path))
        )
    name = path.rpartition("/")[2]
    lock = lock_named(name)
    if lock is None:
        line = _system_junk(name) or name
        message = f"'{name}' is a file the operating system made, not data: it is not listed"
        return Finding("BIA110", path, message, fix=advice.remove_junk(path, line, tracked))
    document = _document(path, lock, paths)
    if document is None:
        message = (
            f"the lock file {lock.program} keeps while a document named like '{lock.document}' is "
            "open (or one a crash left behind): not data, so not listed"
        )
        close = f"close that document in {lock.program}"
    else:
        message = (
            f"{document} is open in {lock.program} (this is its lock file, or one a crash left "
            "behind): not data, so not listed"
        )
        close = f"close {document} in {lock.program}"
    fix = advice.close_document(close, path, lock.gitignore, tracked)
    return Finding("BIA115", path, message, fix=fix)


def _document(path: str, lock: Lock, paths: Collection[str]) -> str | None:
    """The dataset's path of the document a lock file locks, if the dataset has it: the name the
    lock file writes, or a name whose first two characters the lock file replaced."""
    folder = path.rpartition("/")[0]
    exact = posixpath.join(folder, lock.document)
    if exact in paths:
        return exact
    if not lock.shortened:
        return None
    prefix = folder + "/" if folder else ""
    candidates = [
        p
        for p in paths
        if p.startswith(prefix)
        and "/" not in p[len(prefix) :]
        and p[len(prefix) + 2 :] == lock.document
        and not is_set_apart(p)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _lock_on_disk(file: Path) -> tuple[Lock, str] | None:
    """The lock file next to ``file`` that says a program has it open, and its name."""
    name = file.name
    names = [_MS_LOCK + name, f"{_LO_LOCK}{name}{_LO_END}"]
    # Word's form for a long name, unless the shorter name is a document of its own.
    if len(name) > 2 and not os.path.lexists(file.with_name(name[2:])):
        names.append(_MS_LOCK + name[2:])
    for lock_name in names:
        lock = lock_named(lock_name)
        if lock is not None and os.path.lexists(file.with_name(lock_name)):
            return lock, lock_name
    return None


def ensure_closed(file: Path, shown: str | None = None) -> None:
    """Refuse to write ``file`` while a program has it open (its lock file is next to it): the
    program's next save would overwrite what was written. ``shown``: its name in the message."""
    found = _lock_on_disk(file)
    if found is None:
        return
    lock, lock_name = found
    shown = shown or str(file)
    raise UsageError(
        f"{shown} is open in {lock.program} (lock file {lock_name} next to it): close it first "
        f"(save your changes), then try again; nothing was written. If {lock.program} does "
        "not have it open, a crash left the lock file behind: delete it"
    )
