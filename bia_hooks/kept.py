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
import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path

from bia_hooks.atomic import load_remembered, read_if_regular, write_remembered
from bia_hooks.filelist.linediff import MOST_LINES, LineChange, changed_lines
from bia_hooks.gitcmd import git_output
from bia_hooks.verified import blob_id, is_object_id

FOLDER = "kept"
_NEEDS = ".needs"  # an owner's file: the blob ids it needs, one a line
_CHANGES = "changes.json"  # the last few line changes found, by the blob ids of both versions
_MOST_CHANGES = 8


def keep(gitdir: Path, owner: str, versions: Mapping[str, bytes | Path]) -> None:
    """Keep each version ``owner`` needs (blob id -> its bytes, or a file that held them), and
    none that no owner needs. Failing to keep is no error: git is asked next time."""
    folder = gitdir / "bia-hooks" / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_remembered(folder / f"{owner}{_NEEDS}", "".join(f"{b}\n" for b in versions).encode())
        for blob, source in versions.items():
            copy = folder / blob
            if not is_object_id(blob) or copy.exists():
                continue
            data = source if isinstance(source, bytes) else source.read_bytes()
            if isinstance(source, bytes) or _id_like(blob, data) == blob:
                write_remembered(copy, data)
        needed = _needed(folder)
        for name in os.listdir(folder):
            if is_object_id(name) and name not in needed:
                os.unlink(folder / name)
    except OSError:
        pass


def read(root: Path, gitdir: Path, blob: str, hash_name: str) -> bytes | None:
    """The bytes whose blob id is ``blob`` (an object id: see ``verified.is_object_id``): the
    kept copy, or else git's; None when neither has them."""
    data = read_if_regular(gitdir / "bia-hooks" / FOLDER / blob)
    if data is not None and blob_id(data, hash_name) == blob:
        return data
    return git_output(root, "cat-file", "blob", blob)


def line_change(root: Path, gitdir: Path, old_blob: str, new: bytes, new_blob: str,
                hash_name: str) -> LineChange | None:  # fmt: skip
    """``changed_lines`` from the version ``old_blob`` to ``new`` (whose blob id is ``new_blob``):
    found before for these two versions (the sync finds it, then validate asks for it), or from
    the kept copy, or from git's; None when the change is not a few whole lines, or the old
    version is nowhere. Two blob ids name two contents: what was found for them holds."""
    known = remembered_change(gitdir, old_blob, new_blob)
    if known is not None:
        return known
    old = read(root, gitdir, old_blob, hash_name)
    found = changed_lines(old, new) if old is not None else None
    if found is not None and found.size() <= MOST_LINES:
        remember_change(gitdir, old_blob, new_blob, found)
    return found


def remembered_change(gitdir: Path, old_blob: str, new_blob: str) -> LineChange | None:
    """The line change from ``old_blob`` to ``new_blob`` found before, if it is remembered."""
    return _changes(gitdir).get(f"{old_blob} {new_blob}")


def remember_change(gitdir: Path, old_blob: str, new_blob: str, change: LineChange) -> None:
    """Keep ``change`` (from ``old_blob`` to ``new_blob``) for the next hook that asks."""
    known = _changes(gitdir)
    known.pop(f"{old_blob} {new_blob}", None)
    known[f"{old_blob} {new_blob}"] = change
    body = {k: dataclasses.asdict(c) for k, c in list(known.items())[-_MOST_CHANGES:]}
    with contextlib.suppress(OSError):
        (gitdir / "bia-hooks" / FOLDER).mkdir(parents=True, exist_ok=True)
        write_remembered(gitdir / "bia-hooks" / FOLDER / _CHANGES, json.dumps(body).encode())


def _changes(gitdir: Path) -> dict[str, LineChange]:
    raw = load_remembered(gitdir / "bia-hooks" / FOLDER / _CHANGES)
    if not isinstance(raw, dict):
        return {}
    try:
        return {
            key: LineChange(c["header"], list(c["old"]), list(c["new"]))
            for key, c in raw.items()
            if isinstance(key, str)
            and isinstance(c["header"], str)
            and all(isinstance(line, str) for line in [*c["old"], *c["new"]])
        }
    except (KeyError, TypeError, AttributeError):
        return {}  # absent, or not as written


def _needed(folder: Path) -> set[str]:
    needed: set[str] = set()
    for name in os.listdir(folder):
        if name.endswith(_NEEDS):
            needed.update(
                (read_if_regular(folder / name) or b"").decode("ascii", "replace").split()
            )
    return needed


def _id_like(blob: str, data: bytes) -> str:
    """``data``'s blob id in the hash ``blob`` is written in (40 hex digits: SHA-1)."""
    return blob_id(data, "sha1" if len(blob) == 40 else "sha256")
