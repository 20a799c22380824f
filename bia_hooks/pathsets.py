"""Paths as a tree, in sorted lists and sets: the few questions the sync, the ownership and the
names check ask of folders. Pure; '/'-separated paths from the dataset root."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Container, Iterator, Sequence


def ancestors(path: str) -> Iterator[str]:
    """The folders above ``path``, nearest first: ``a/b/c`` -> ``a/b``, ``a``."""
    cut = path.rfind("/")
    while cut > 0:
        yield path[:cut]
        cut = path.rfind("/", 0, cut)


def at_or_below(path: str, folder: str) -> bool:
    """Is ``path`` the folder ``folder`` or inside it?"""
    return bool(folder) and (path == folder or path.startswith(folder + "/"))


def inside(path: str, folders: Container[str]) -> bool:
    """Is ``path`` below one of ``folders``?"""
    return any(folder in folders for folder in ancestors(path))


def first_below(sorted_paths: Sequence[str], folder: str) -> str | None:
    """The first path of ``sorted_paths`` inside ``folder``, if any."""
    prefix = folder + "/"
    i = bisect.bisect_left(sorted_paths, prefix)
    return sorted_paths[i] if i < len(sorted_paths) and sorted_paths[i].startswith(prefix) else None


def has_below(sorted_paths: Sequence[str], folder: str) -> bool:
    """Is some path of ``sorted_paths`` inside ``folder``?"""
    return first_below(sorted_paths, folder) is not None


def in_sorted(sorted_paths: Sequence[str], path: str) -> bool:
    i = bisect.bisect_left(sorted_paths, path)
    return i < len(sorted_paths) and sorted_paths[i] == path


def entries_at_or_below(sorted_paths: Sequence[str], path: str) -> list[str]:
    """``path`` and the entries below it, from a sorted listing, without scanning it all."""
    start = bisect.bisect_left(sorted_paths, path)
    found = []
    for entry in itertools.islice(sorted_paths, start, None):
        if not at_or_below(entry, path):
            if not entry.startswith(path):  # 'masks-x' sorts between 'masks' and 'masks/'
                break
            continue
        found.append(entry)
    return found
