"""What git says changed between two versions of the dataset: one reading of its raw diff, shared
by rename detection (``moves``) and the diff between versions (``revdiff``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from bia_hooks import dataset, gitobjects
from bia_hooks.gitcmd import git, split_z
from bia_hooks.tree import POINTER_MAX

__all__ = ["RawChange", "annex_keys", "raw_diff"]


class RawChange(NamedTuple):
    """One entry of ``git diff --raw``: paths from the dataset root, ``old == new`` unless git
    paired two paths (status R or C, with its similarity score)."""

    old_mode: str
    new_mode: str
    old_oid: str
    new_oid: str
    status: str  # A, D, M, T, U, or R/C followed by the score
    old: str
    new: str


def raw_diff(root: Path, old: str, new: str | None) -> list[RawChange]:
    """The entries that differ from tree-ish ``old`` to ``new`` (None: the git index, what the
    next commit records), with git's rename detection. ``--relative``: a dataset in a folder of
    the repository sees its own files, with paths from its root."""
    if new is None:
        out = git(root, "diff-index", "--cached", "--relative", "-M", "-z", old).stdout
    else:
        out = git(root, "diff-tree", "-r", "--relative", "-M", "-z", old, new).stdout
    tokens = split_z(out)
    changes: list[RawChange] = []
    i = 0
    while i < len(tokens):
        old_mode, new_mode, old_oid, new_oid, status = tokens[i][1:].split(" ")
        if status[0] in "RC":
            first, second = tokens[i + 1], tokens[i + 2]
            i += 3
        else:
            first = second = tokens[i + 1]
            i += 2
        changes.append(RawChange(old_mode, new_mode, old_oid, new_oid, status, first, second))
    return changes


def annex_keys(
    root: Path, entries: Mapping[str, tuple[str, str]], also: Iterable[str] = ()
) -> tuple[dict[str, str | None], dict[str, bytes | None]]:
    """The git-annex key of each entry (path -> (mode, blob id)) that is an annexed file (a
    locked file's symlink, an unlocked file's pointer blob), else None; and the content of the
    blobs ``also`` names, read by the same git process.

    Only symlinks and small blobs are read: a pointer is ~100 bytes, bigger is content.
    """
    regular = [oid for mode, oid in entries.values() if mode.startswith("100")]
    sizes = gitobjects.blob_sizes(root, regular)
    wanted = [
        oid
        for mode, oid in entries.values()
        if mode == "120000" or (mode.startswith("100") and (sizes.get(oid) or 0) <= POINTER_MAX)
    ]
    blobs = gitobjects.read_blobs(root, [*wanted, *also])
    keys: dict[str, str | None] = {}
    for path, (mode, oid) in entries.items():
        content = blobs.get(oid)
        if content is None:
            keys[path] = None
        elif mode == "120000":
            keys[path] = dataset.annex_key_of_link(content.decode("utf-8", "surrogateescape"))
        else:
            keys[path] = dataset.annex_key_of_pointer(content)
    return keys, blobs
