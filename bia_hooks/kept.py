"""Each file list's bytes as a hook last found them, kept in the repository's git directory, so
that the next hook compares a list with that version without asking git for it: for a
million-row list git takes a quarter of a second to inflate it, and a version the sync wrote
and nobody staged yet is not in git at all.

A copy per version, named by its blob id (``verified.blob_id``), used only while its bytes still
have that id. Each user of the copies (``owner``: the sync's state, the validate memo) names the
versions it needs in a file of its own; a copy no owner names is removed. Deleting the folder is
always safe: git is asked instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from bia_hooks.gitcmd import git_output
from bia_hooks.verified import blob_id, is_object_id

FOLDER = "kept"
_NEEDS = ".needs"  # an owner's file: the blob ids it needs, one a line


def keep(gitdir: Path, owner: str, versions: Mapping[str, bytes | Path]) -> None:
    """Keep each version ``owner`` needs (blob id -> its bytes, or a file that held them), and
    none that no owner needs. Failing to keep is no error: git is asked next time."""
    folder = gitdir / "bia-hooks" / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _replace(folder / f"{owner}{_NEEDS}", "".join(f"{b}\n" for b in versions).encode())
        for blob, source in versions.items():
            copy = folder / blob
            if not is_object_id(blob) or copy.exists():
                continue
            data = source if isinstance(source, bytes) else source.read_bytes()
            if isinstance(source, bytes) or _id_like(blob, data) == blob:
                _replace(copy, data)
        needed = _needed(folder)
        for name in os.listdir(folder):
            if is_object_id(name) and name not in needed:
                os.unlink(folder / name)
    except OSError:
        pass


def read(root: Path, gitdir: Path, blob: str, hash_name: str) -> bytes | None:
    """The bytes whose blob id is ``blob`` (an object id: see ``verified.is_object_id``): the
    kept copy, or else git's; None when neither has them."""
    with contextlib.suppress(OSError):
        data = (gitdir / "bia-hooks" / FOLDER / blob).read_bytes()
        if blob_id(data, hash_name) == blob:
            return data
    return git_output(root, "cat-file", "blob", blob)


def _replace(file: Path, data: bytes) -> None:
    """Write ``file`` whole or not at all; not synced to the disk (a copy torn by a crash has
    another blob id, and is not used)."""
    temporary = file.with_name(f".{file.name}.{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, file)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _needed(folder: Path) -> set[str]:
    needed: set[str] = set()
    for name in os.listdir(folder):
        if name.endswith(_NEEDS):
            needed.update((folder / name).read_text("ascii", "replace").split())
    return needed


def _id_like(blob: str, data: bytes) -> str:
    """``data``'s blob id in the hash ``blob`` is written in (40 hex digits: SHA-1)."""
    return blob_id(data, "sha1" if len(blob) == 40 else "sha256")
