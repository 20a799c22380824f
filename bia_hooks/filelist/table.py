"""A file list as the archive will read it: a header and rows of text cells."""

from __future__ import annotations

from collections.abc import Sequence

FORMATS = ("tsv", "xlsx", "json")


class Table:
    """What the archive reads from one file list, whatever its format.

    ``header[0]`` is ``Files``. Each row holds at most ``len(header)`` cells, exactly as the archive
    reads them (never trimmed); a row shorter than the header lacks those attributes (the archive
    accepts that). ``refs[i]`` locates row ``i`` in the source: the TSV line number, the XLSX row
    number, or the index in the JSON array. ``lookups[i]``: the path the archive looks up for row
    ``i``, where it is not the row's path (a JSON directory entry ``masks.zip`` names ``masks``).

    A table is held as rows, or as ``columns`` (one list of cells per header cell, every row full
    width: the TSV fast reader's form, which a million-row list needs in a third of the memory);
    ``cells`` reads a column of either form, ``rows`` turns the columns into rows when asked.
    """

    def __init__(self, path: str, format: str, header: list[str],
                 rows: list[list[str]] | None = None, refs: Sequence[int] | None = None,
                 lookups: dict[int, str] | None = None, *,
                 columns: list[list[str]] | None = None) -> None:  # fmt: skip
        self.path = path  # the file list, from the dataset root
        self.format = format  # tsv | xlsx | json
        self.header = header
        self.refs: Sequence[int] = refs if refs is not None else []
        self.lookups: dict[int, str] = lookups if lookups is not None else {}
        self._rows = rows if rows is not None or columns is not None else []
        self._columns = columns if rows is None else None

    @property
    def rows(self) -> list[list[str]]:
        if self._rows is None:
            assert self._columns is not None
            self._rows = list(map(list, zip(*self._columns, strict=True)))
            self._columns = None  # one form at a time: the rows are the table now
        return self._rows

    @property
    def full_width(self) -> bool:
        """Does every row hold a cell for every column? True of a table held as columns."""
        return self._columns is not None

    @property
    def n_rows(self) -> int:
        if self._columns is not None:
            return len(self._columns[0])
        return len(self.rows)

    def cells(self, index: int) -> Sequence[str | None]:
        """The cells of column ``index``, None where a row is too short to hold one. Read only: a
        columnar table hands out its own list."""
        if self._columns is not None:
            return self._columns[index]
        rows = self.rows
        if rows and min(map(len, rows)) > index:  # no short row: the fast path
            return [row[index] for row in rows]
        return [row[index] if index < len(row) else None for row in rows]

    def column(self, name: str) -> list[str]:
        """The cells of one column, '' where a row is short (the archive: attribute absent)."""
        i = self.header.index(name)
        if self._columns is not None:
            return list(self._columns[i])
        return [row[i] if i < len(row) else "" for row in self.rows]

    @property
    def paths(self) -> list[str]:
        if self._columns is not None:
            return list(self._columns[0])
        return [row[0] if row else "" for row in self.rows]

    @property
    def targets(self) -> list[str]:
        """The paths the archive looks up in the upload, row by row: what the list names."""
        paths = self.paths
        for i, target in self.lookups.items():
            paths[i] = target
        return paths

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (self.path, self.format, self.header, self.rows, list(self.refs), self.lookups) == (
            other.path, other.format, other.header, other.rows, list(other.refs), other.lookups
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return (
            f"Table(path={self.path!r}, format={self.format!r}, header={self.header!r}, "
            f"rows={self.rows!r}, refs={list(self.refs)!r}, lookups={self.lookups!r})"
        )


def column_letters(index: int) -> str:
    """The spreadsheet's name of a column: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
