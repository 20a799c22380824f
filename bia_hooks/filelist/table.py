"""A file list as the archive will read it: a header and rows of text cells."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMATS = ("tsv", "xlsx", "json")


@dataclass
class Table:
    """What the archive reads from one file list, whatever its format.

    ``header[0]`` is ``Files``. Each row holds at most ``len(header)`` cells, exactly as the archive
    reads them (never trimmed); a row shorter than the header lacks those attributes (the archive
    accepts that). ``refs[i]`` locates row ``i`` in the source: the TSV line number, the XLSX row
    number, or the index in the JSON array. ``lookups[i]``: the path the archive looks up for row
    ``i``, where it is not the row's path (a JSON directory entry ``masks.zip`` names ``masks``).
    """

    path: str  # the file list, from the dataset root
    format: str  # tsv | xlsx | json
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)
    lookups: dict[int, str] = field(default_factory=dict)

    def column(self, name: str) -> list[str]:
        """The cells of one column, '' where a row is short (the archive: attribute absent)."""
        i = self.header.index(name)
        return [row[i] if i < len(row) else "" for row in self.rows]

    @property
    def paths(self) -> list[str]:
        return [row[0] if row else "" for row in self.rows]

    @property
    def targets(self) -> list[str]:
        """The paths the archive looks up in the upload, row by row: what the list names."""
        paths = self.paths
        for i, target in self.lookups.items():
            paths[i] = target
        return paths


def column_letters(index: int) -> str:
    """The spreadsheet's name of a column: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
