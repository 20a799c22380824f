"""What changed between two versions of the dataset: pure, from the file lists as the archive reads
them at each version and the renames git, git-annex and DVC show (``moves``).

A row is the row of its path: rows are compared path by path, whatever their order. A row whose
file was renamed between the versions, and whose list names the new path, is *renamed* (and may
have changed cells too); a row of a path the other version does not list is *added* or *removed*.
Cells are compared in the columns both versions have; columns one version lacks are named once,
not as a change of every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bia_hooks.dataset import folder_rename
from bia_hooks.filelist.table import Table
from bia_hooks.pathsets import ancestors

__all__ = [
    "CellChange",
    "ContentChange",
    "DatasetDiff",
    "ListDiff",
    "Row",
    "RowChange",
    "Stored",
    "diff_tables",
]


@dataclass(frozen=True)
class CellChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class Row:
    """A row added or removed: its path and its values (columns after ``Files``, non-empty)."""

    path: str
    values: Mapping[str, str]


@dataclass(frozen=True)
class RowChange:
    """A row in both versions: ``old_path`` is set when its file was renamed."""

    path: str
    cells: tuple[CellChange, ...] = ()
    old_path: str | None = None


ListStatus = Literal["added", "removed", "renamed", "changed"]


@dataclass
class ListDiff:
    """One file list between two versions. ``path`` is its path in the newer version (the older
    one when it was removed); ``old_path`` its path before, when it was renamed. ``unreadable``:
    side ("old" or "new") -> why the archive cannot read the list there (no rows are compared)."""

    path: str
    status: ListStatus
    old_path: str | None = None
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    renamed: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.renamed) + len(self.changed)


StoredKind = Literal["git blob", "annex key", "dvc md5"]


@dataclass(frozen=True)
class Stored:
    """How a file's content is known: git's blob id, the git-annex key, or DVC's md5."""

    kind: StoredKind
    id: str


@dataclass(frozen=True)
class ContentChange:
    """An annotation file whose content changed. ``old_path``: its path before, when it was
    renamed too. An object folder (``*.zarr``) is one change with ``parts`` files changed, and
    no ``old``/``new``."""

    path: str
    old: Stored | None
    new: Stored | None
    old_path: str | None = None
    parts: int | None = None


@dataclass
class DatasetDiff:
    """Everything that changed from the version ``old`` to ``new``: their names as the user gave
    them, and their commit ids (``new`` and ``new_commit`` None: the git index; ``old_commit`` None:
    before the first version)."""

    old: str
    new: str | None
    old_commit: str | None = None
    new_commit: str | None = None
    filelists: list[ListDiff] = field(default_factory=list)
    files: list[ContentChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.filelists and not self.files

    def counts(self) -> dict[str, int]:
        return {
            "filelists": len(self.filelists),
            "rows_added": sum(len(d.added) for d in self.filelists),
            "rows_removed": sum(len(d.removed) for d in self.filelists),
            "rows_renamed": sum(len(d.renamed) for d in self.filelists),
            "rows_changed": sum(len(d.changed) for d in self.filelists),
            "files_changed": len(self.files),
        }


def _named_cells(header: Sequence[str], row: Sequence[str]) -> dict[str, str]:
    """Column -> cell, after ``Files``; a short row's missing cells are '' (the archive: absent).
    A column name the header repeats is told apart as ``name (2)``."""
    cells: dict[str, str] = {}
    for i, name in enumerate(header[1:], start=1):
        key, n = name, 1
        while key in cells:
            n += 1
            key = f"{name} ({n})"
        cells[key] = row[i] if i < len(row) else ""
    return cells


def _rows_by_path(table: Table | None) -> dict[str, list[dict[str, str]]]:
    """path -> the cells of each row naming it, in order (a path may be listed twice)."""
    rows: dict[str, list[dict[str, str]]] = {}
    if table is None:
        return rows
    for row in table.rows:
        path = row[0] if row else ""
        rows.setdefault(path, []).append(_named_cells(table.header, row))
    return rows


def diff_tables(
    old: Table | None,
    new: Table | None,
    renames: Mapping[str, str],
    status: ListStatus,
    path: str,
    old_path: str | None = None,
) -> ListDiff:
    """The changes from ``old`` to ``new`` (None: the list is not in that version), rows following
    ``renames`` (old -> new file paths between the versions)."""
    result = ListDiff(path, status, old_path)
    old_columns = list(_named_cells(old.header, [])) if old is not None else []
    new_columns = list(_named_cells(new.header, [])) if new is not None else []
    if old is not None and new is not None:
        result.columns_added = [c for c in new_columns if c not in old_columns]
        result.columns_removed = [c for c in old_columns if c not in new_columns]
    common = [c for c in new_columns if c in old_columns]
    before, after = _rows_by_path(old), _rows_by_path(new)
    left_old: dict[str, list[dict[str, str]]] = {}
    for p, olds in before.items():
        news = after.get(p, [])
        for cells_old, cells_new in zip(olds, news, strict=False):
            cells = _changed_cells(cells_old, cells_new, common)
            if cells:
                result.changed.append(RowChange(p, cells))
        if len(olds) > len(news):
            left_old[p] = olds[len(news) :]
        if len(news) > len(olds):
            after[p] = news[len(olds) :]
        else:
            after.pop(p, None)
    moved = _moved_folders(renames) if left_old else set()
    for p, olds in left_old.items():
        target = renames.get(p) or (folder_rename(p, renames) if p in moved else None)
        news = after.get(target, []) if target is not None else []
        paired = min(len(olds), len(news))
        for cells_old, cells_new in zip(olds[:paired], news[:paired], strict=True):
            result.renamed.append(RowChange(target or p, _changed_cells(cells_old, cells_new,
                                                                        common), p))  # fmt: skip
        if paired and target is not None:
            rest = news[paired:]
            if rest:
                after[target] = rest
            else:
                del after[target]
        result.removed.extend(Row(p, _values(cells)) for cells in olds[paired:])
    for p, news in after.items():
        result.added.extend(Row(p, _values(cells)) for cells in news)
    for rows in (result.added, result.removed):
        rows.sort(key=lambda r: r.path)
    result.changed.sort(key=lambda r: r.path)
    result.renamed.sort(key=lambda r: r.path)
    return result


def _moved_folders(renames: Mapping[str, str]) -> set[str]:
    """The folders renamed files left: a row naming one may name the folder's new path."""
    return {folder for old in renames for folder in ancestors(old)}


def _changed_cells(
    old: Mapping[str, str], new: Mapping[str, str], columns: Sequence[str]
) -> tuple[CellChange, ...]:
    return tuple(CellChange(c, old[c], new[c]) for c in columns if old[c] != new[c])


def _values(cells: Mapping[str, str]) -> dict[str, str]:
    return {c: v for c, v in cells.items() if v}
