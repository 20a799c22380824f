"""What a sync changes in one file list: pure, from the listed paths and the dataset's files."""

from __future__ import annotations

import contextlib
import functools
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bia_hooks import globs
from bia_hooks.config import FileListConfig
from bia_hooks.dataset import folder_rename
from bia_hooks.filelist.columns import SOURCE_IMAGE, find_column, resolve, standard_name
from bia_hooks.pathsets import entries_below, has_below, inside, is_sorted


@dataclass
class SyncPlan:
    added: list[str] = field(default_factory=list)  # files that get a new row
    removed: list[str] = field(default_factory=list)  # listed paths that are gone
    renamed: dict[str, str] = field(default_factory=dict)  # listed path -> its new path

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.renamed)

    def size(self) -> int:
        """How many rows the plan adds, removes or re-paths."""
        return len(self.added) + len(self.removed) + len(self.renamed)

    def describe(self) -> str:
        return (
            f"{len(self.added)} row(s) added, {len(self.removed)} removed, "
            f"{len(self.renamed)} rename(s) carried"
        )


def plan_sync(
    listed: Sequence[str], members: Iterable[str], renames: Mapping[str, str]
) -> SyncPlan:
    """Rows to add, remove and re-path so that the list covers exactly ``members``.

    A listed folder covers the files below it (the archive accepts folders as rows), and a row
    inside a one-object folder (``a.zarr/0/0`` when ``a.zarr`` is the entry) is kept as it is.
    ``renames`` (old -> new path) lets a row follow its file and keep every cell.
    """
    if listed == members:  # in step and sorted, as a sync leaves it: one comparison, no sets
        return SyncPlan()
    member_set = set(members)
    listed_set = set(listed)
    # Set differences first: in a repository in step, nothing below runs on more than a few paths.
    # In list order, once each. A blank path names no file: it is not the sync's to remove (the
    # archive refuses it, and validation says so, BIA219), so its row and values stay.
    stale_set = listed_set.difference(member_set)
    if _sorted_list(listed) is not None:  # list order is sorted order: no loop over every row
        stale = sorted(p for p in stale_set if p.strip())
    else:
        stale = list(dict.fromkeys([p for p in listed if p in stale_set and p.strip()]))
    # Members come sorted from the ownership: sorting a million paths again costs a second.
    members_sorted = (_sorted_list(members) or sorted(member_set)) if stale else []
    plan = SyncPlan()
    for path in stale:
        if has_below(members_sorted, path) or inside(path, member_set):
            continue
        new = renames.get(path)
        if new is not None and new in member_set and new not in listed_set:
            plan.renamed[path] = new
            listed_set.add(new)
        elif (
            (folder := folder_rename(path, renames)) is not None
            and folder not in listed_set
            and (has_below(members_sorted, folder))
        ):  # a listed folder renamed: its row follows, as a file's does
            plan.renamed[path] = folder
            listed_set.add(folder)
        else:
            plan.removed.append(path)
    listed_set.difference_update(plan.removed)  # in place: no copy of a million paths
    covered = listed_set
    unlisted = member_set - covered
    # A one-object folder whose inside is listed row by row is covered too.
    below = _below_finder(covered, listed, plan) if unlisted else bool
    plan.added = sorted(p for p in unlisted if not (p in covered or inside(p, covered) or below(p)))
    return plan


def _sorted_list(paths: Iterable[str]) -> list[str] | None:
    """``paths`` itself when it is a list already sorted (checked at C speed), else None."""
    if not isinstance(paths, list):
        return None
    return paths if is_sorted(paths) else None


def _below_finder(
    covered: set[str], listed: Sequence[str], plan: SyncPlan
) -> Callable[[str], bool]:
    """Is some covered path below a folder? ``covered`` is the listed paths less the removed,
    plus the renamed ones' new paths: with the list sorted (as a sync leaves it), the listed paths
    below a folder are found by bisection, not by sorting a million paths."""
    in_order = _sorted_list(list(listed) if not isinstance(listed, list) else listed)
    if in_order is None:
        return functools.partial(has_below, sorted(covered))
    moved_in = sorted(plan.renamed.values())

    def below(folder: str) -> bool:
        if has_below(moved_in, folder):
            return True
        return any(p in covered for p in entries_below(in_order, folder))

    return below


def new_row_values(path: str, config: FileListConfig) -> dict[str, str]:
    """A new row's values by column (standard names, ``columns.standard_name``): the config's
    defaults (first match wins per column, whatever spelling names it), the source image."""
    values: dict[str, str] = {}
    for default in config.defaults:
        if not globs.matches(path, [default.match]):
            continue
        for column, value in default.values.items():
            values.setdefault(standard_name(column), value)
    rule = config.source_image
    if rule is not None and SOURCE_IMAGE not in values:
        parts = {
            "path": path,
            "folder": posixpath.dirname(path),
            "filename": posixpath.basename(path),
            "stem": posixpath.basename(path).split(".", 1)[0],
        }
        match = rule.pattern.search(path) if rule.pattern else None
        if rule.pattern is None or match is not None:
            parts.update(
                {k: v for k, v in (match.groupdict() if match else {}).items() if v is not None}
            )
            # A rule naming a part this path lacks gives no value: validation then asks for one.
            with contextlib.suppress(KeyError, IndexError, ValueError):
                values[SOURCE_IMAGE] = rule.format.format(**parts)
    return values


def place_values(
    header: Sequence[str], values: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Values keyed by the header's own spelling of their column, and the columns the header
    lacks (their standard names). Of two values for one column, the later wins."""
    columns = resolve(list(header))
    placed: dict[str, str] = {}
    missing: list[str] = []
    for name, value in values.items():
        column = standard_name(name)
        index = find_column(list(header), name, columns)
        if index is None and column not in missing:
            missing.append(column)
        placed[header[index] if index is not None else column] = value
    return placed, missing
