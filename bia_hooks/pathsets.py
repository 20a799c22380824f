"""Paths as a tree, in sorted lists and sets: the few questions the sync, the ownership and the
names check ask of folders. Pure; '/'-separated paths from the dataset root."""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Container, Iterable, Iterator, Sequence, Set


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


def is_sorted(paths: Sequence[str]) -> bool:
    """Are ``paths`` in order (equal neighbours allowed)? At C speed: a million in milliseconds."""
    return all(map(operator.le, paths, itertools.islice(paths, 1, None)))


def edited(sorted_paths: Sequence[str], remove: Set[str], add: Iterable[str]) -> list[str]:
    """``sorted_paths`` (sorted, each once) without ``remove`` and with ``add``, sorted, each
    once: by bisection for a few changes, so that a million paths are not sorted again."""
    adding = sorted(set(add).difference(remove))
    if (len(remove) + len(adding)) * 64 > len(sorted_paths):
        return sorted(set(sorted_paths).difference(remove).union(adding))
    out = list(sorted_paths)
    for path in remove:
        i = bisect.bisect_left(out, path)
        if i < len(out) and out[i] == path:
            del out[i]
    for path in adding:
        i = bisect.bisect_left(out, path)
        if i == len(out) or out[i] != path:
            out.insert(i, path)
    return out


def entries_below(sorted_paths: Sequence[str], folder: str) -> Iterator[str]:
    """The paths of ``sorted_paths`` inside ``folder``, in order, found by bisection."""
    prefix = folder + "/"
    for i in range(bisect.bisect_left(sorted_paths, prefix), len(sorted_paths)):  # not islice:
        entry = sorted_paths[i]  # it would step over every path before the first
        if not entry.startswith(prefix):
            return
        yield entry


def in_sorted(sorted_paths: Sequence[str], path: str) -> bool:
    i = bisect.bisect_left(sorted_paths, path)
    return i < len(sorted_paths) and sorted_paths[i] == path


def entries_at_or_below(sorted_paths: Sequence[str], path: str) -> list[str]:
    """``path`` and the entries below it, from a sorted listing, without scanning it all."""
    found = []
    for i in range(bisect.bisect_left(sorted_paths, path), len(sorted_paths)):
        entry = sorted_paths[i]
        if not at_or_below(entry, path):
            if not entry.startswith(path):  # 'masks-x' sorts between 'masks' and 'masks/'
                break
            continue
        found.append(entry)
    return found
