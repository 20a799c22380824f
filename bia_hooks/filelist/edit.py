"""File lists opened for editing: rows re-pathed, removed, added and sorted, and nothing else
changed. A TSV keeps its line ends, byte-order mark and every cell (even past the header); a JSON
list keeps every key of every entry; an XLSX workbook is edited in place, so styles, widths,
comments and data validation stay."""

from __future__ import annotations

import bisect
import io
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from bia_hooks import advice
from bia_hooks.atomic import Fingerprint, read_bytes, write_atomic
from bia_hooks.errors import UsageError
from bia_hooks.filelist.jsonlist import looked_up, parse, repeated_keys
from bia_hooks.filelist.tsv import is_blank, looks_utf16, may_hold_blank_line, split_lines
from bia_hooks.junk import ensure_closed
from bia_hooks.pathsets import is_sorted
from bia_hooks.safe_text import set_text_cell

BOM = "\ufeff"
_RENDERED_AT_ONCE = 1 << 16  # rows of a TSV list
_JSON_SPACE = re.compile(r"[ \t\n\r]*")  # what JSON calls whitespace (not U+2028, U+0085...)


class Editor(ABC):
    """One file list: ``header`` and ``rows``, each row a format's own record with a path."""

    header: list[str]
    rows: list[Any]
    refs: Sequence[int]  # where each row was when read: TSV line, XLSX row, JSON index
    name = "the file list"  # for messages: open_editor() sets the file's path
    # The file as read (open_editor() sets it): saved only while it still holds those bytes.
    fingerprint: Fingerprint | None = None

    @abstractmethod
    def path_of(self, row: Any) -> str: ...

    def paths(self) -> list[str]:
        """Each row's path, in order: worked out once for the rows as they are (a million rows
        are asked for their paths by every step of a sync). Replace ``rows`` rather than edit a
        row's path in place."""
        cached: tuple[list[Any], list[str]] | None = self.__dict__.get("_paths")
        if cached is not None and cached[0] is self.rows:
            return cached[1]
        paths = list(map(self.path_of, self.rows))
        self.__dict__["_paths"] = (self.rows, paths)
        return paths

    def names_as(self, listed: Sequence[str]) -> bool:
        """Do the rows name ``listed``, row by row (the paths a reader of the same list gave)?
        If so, ``paths`` gives ``listed`` itself: a million rows' paths are not held twice
        (60 MB). Compared a slice at a time, so that no second million paths is ever made."""
        rows = self.rows
        if len(rows) != len(listed):
            return False
        step = 1 << 16
        for start in range(0, len(rows), step):
            if list(map(self.path_of, rows[start : start + step])) != listed[start : start + step]:
                return False
        self.__dict__["_paths"] = (rows, list(listed))
        return True

    def where(self, ref: int) -> str:
        """A row's place as the user sees it."""
        return f"line {ref}"

    @abstractmethod
    def with_path(self, row: Any, path: str) -> Any: ...

    @abstractmethod
    def values_of(self, row: Any) -> dict[str, str]:
        """The row's non-empty values by column, its path (``Files``) left out."""

    @abstractmethod
    def new_row(self, values: Mapping[str, str]) -> Any:
        """A row with ``values`` keyed by header names; the path is under ``Files``."""

    def _by_column(self, row: Any, cells: Iterable[tuple[str, Any]]) -> dict[str, str]:
        """``values_of`` from (column, value) pairs. A column named twice (BIA210) with two
        different values in this row stops the command: carried to another row, the row would
        keep one of them and lose the other."""
        values: dict[str, str] = {}
        for column, value in cells:
            if column and value and values.setdefault(column, value) != value:
                raise UsageError(
                    f"{self.name}: the row of '{self.path_of(row)}' has two values for the "
                    f"column '{column}' ({values[column]!r} and {value!r}), and a row carried "
                    "elsewhere keeps one value per column; merge the two columns (the archive's "
                    "ingest refuses a column named twice), then run the command again. Nothing "
                    "was written"
                )
        return values

    def with_values(self, row: Any, values: Mapping[str, str]) -> Any:
        """``row`` with ``values`` (by header name) in its cells; its path and the rest kept."""
        return self.new_row({**self.values_of(row), **values, self.header[0]: self.path_of(row)})

    @abstractmethod
    def add_column(self, name: str) -> None: ...

    @abstractmethod
    def render(self) -> bytes:
        """The file list's new content."""

    def render_final(self) -> bytes:
        """``render``, by an editor done with: it holds no row after. A TSV editor lets its rows
        go as it renders them (a million rows' lines are not held beside their bytes)."""
        data = self.render()
        self.rows = []
        return data

    def save(self, file: Path) -> None:
        """Write the list to ``file``, atomically, unless another program changed it since it was
        read (``atomic.FileChanged``: nothing is written)."""
        write_atomic(file, self.render(), self.fingerprint)

    def apply(
        self, removed: set[str], renamed: Mapping[str, str], added: list[Mapping[str, str]]
    ) -> None:
        """Drop, re-path and add rows, then sort by path (stable: equal paths keep their order).

        A row without a path is never dropped: its other cells are the user's, and only the user
        knows which file they describe.
        """
        paths = self.paths()
        for path, ref in zip(paths, self.refs, strict=False):
            if path in removed and is_blank(path):
                raise UsageError(
                    f"{self.name}: the row at {self.where(ref)} has no path, so the sync would "
                    "delete it and its values; write its file's path in the first column (or "
                    "delete the row yourself), then run the sync again"
                )
        if self._apply_in_order(paths, removed, renamed, added):
            return
        kept = [
            (renamed[p], self.with_path(r, renamed[p])) if p in renamed else (p, r)
            for p, r in zip(paths, self.rows, strict=True)
            if p not in removed
        ]
        kept.extend((self.path_of(row), row) for row in map(self.new_row, added))
        kept.sort(key=itemgetter(0))
        self.rows = [row for _, row in kept]
        self.__dict__["_paths"] = (self.rows, [path for path, _ in kept])  # not a million anew

    def _apply_in_order(
        self,
        paths: list[str],
        removed: set[str],
        renamed: Mapping[str, str],
        added: list[Mapping[str, str]],
    ) -> bool:
        """``apply`` for a few changes to rows sorted by path (as a sync leaves them): rows are
        found by bisection and put in place, with the result of the stable sort, and a million
        rows are not sorted again for one new row. False (nothing done) otherwise."""
        changes = len(removed) + len(renamed) + len(added)
        if changes * 64 > len(paths) or not is_sorted(paths):
            return False
        rows = list(self.rows)
        keys = list(paths)
        gone: list[int] = []
        arriving: list[tuple[str, Any]] = []
        for old in sorted(removed.union(renamed)):
            i = bisect.bisect_left(keys, old)
            while i < len(keys) and keys[i] == old:
                gone.append(i)
                if old not in removed:  # removal wins, as in the sort above
                    arriving.append((renamed[old], self.with_path(rows[i], renamed[old])))
                i += 1
        for i in sorted(gone, reverse=True):
            del rows[i], keys[i]
        arriving += [(self.path_of(row), row) for row in map(self.new_row, added)]
        # Equal paths keep their order in a stable sort: an arrival goes after those it equals.
        for key, row in arriving:
            i = bisect.bisect_right(keys, key)
            keys.insert(i, key)
            rows.insert(i, row)
        self.rows = rows
        self.__dict__["_paths"] = (rows, keys)
        return True


class TsvEditor(Editor):
    """Rows are kept as the lines they were read from: a row the sync does not touch is written
    back byte for byte, and a million rows are not split into cells for nothing."""

    def __init__(self, data: bytes) -> None:
        if looks_utf16(data):  # as the reader decides: a NUL in a path is the path rule's business
            raise UsageError(
                advice.runs(
                    "export",
                    "FILE --format tsv --output FILE",
                    before="the file list is not UTF-8 text (UTF-16?), which the archive cannot "
                    "read; save it as UTF-8 (",
                    after=" converts it)",
                    quote="",
                )
            )
        text = data.decode("utf-8", "surrogateescape")
        self.bom = text.startswith(BOM)
        text = text[1:] if self.bom else text
        first_end = re.search(r"\r\n|\r|\n", text)
        self.newline = first_end.group() if first_end else "\n"
        lines = split_lines(text)  # the archive ends lines at CR, LF or CRLF, and nowhere else
        if not lines:
            raise UsageError("the file list is empty: write a header line starting with 'Files'")
        self.header = lines[0].split("\t")
        _check_header(self.header)
        # Blank lines (whitespace only) are skipped by the archive, and dropped here.
        if not may_hold_blank_line(text, lines):
            self.rows = lines[1:]
            self.refs = range(2, len(lines) + 1)
            return
        numbered = [(n, line) for n, line in enumerate(lines[1:], start=2) if not is_blank(line)]
        self.refs = [n for n, _ in numbered]
        self.rows = [line for _, line in numbered]

    def path_of(self, row: str) -> str:
        return row.partition("\t")[0]

    def with_path(self, row: str, path: str) -> str:
        _, tab, rest = row.partition("\t")
        return _one_cell(path) + tab + rest

    def values_of(self, row: str) -> dict[str, str]:
        cells = row.split("\t")[1 : len(self.header)]
        return self._by_column(row, zip(self.header[1:], cells, strict=False))

    def new_row(self, values: Mapping[str, str]) -> str:
        # A cell for every column, empty ones too: the row is as wide as the header.
        return "\t".join(_one_cell(values.get(h, "")) for h in self.header)

    def add_column(self, name: str) -> None:
        # The new column replaces the blank header cells a trailing tab makes, and takes over the
        # cells below them: refuse when any of those cells (or one further right) holds a value.
        width = len(self.header)
        while width and self.header[width - 1] == "":
            width -= 1
        for row, ref in zip(self.rows, self.refs, strict=True):
            if any(row.split("\t")[width:]):
                raise UsageError(
                    f"cannot add the column '{name}': line {ref} has a value past the last header "
                    "cell, which the new column would take over; give that column a header first"
                )
        del self.header[width:]
        self.header.append(name)

    def render(self) -> bytes:
        return self._encoded(list(self.rows))

    def render_final(self) -> bytes:
        rows, self.rows = self.rows, []
        return self._encoded(rows)

    def _encoded(self, rows: list[str]) -> bytes:
        """The header and ``rows`` (emptied) as the file's bytes, a slice of rows at a time: a
        million rows' text is never held beside its bytes (70 MB of a sync's peak), nor, when the
        rows are the editor's last, the lines beside them (100 MB). ``getvalue`` hands the buffer
        over without a copy."""
        out = io.BytesIO()
        header = (BOM if self.bom else "") + "\t".join(self.header) + self.newline
        out.write(header.encode("utf-8", "surrogateescape"))
        while rows:
            text = self.newline.join(rows[:_RENDERED_AT_ONCE]) + self.newline
            del rows[:_RENDERED_AT_ONCE]
            out.write(text.encode("utf-8", "surrogateescape"))
        return out.getvalue()


class JsonEditor(Editor):
    def __init__(self, data: bytes) -> None:
        text = data.decode("utf-8-sig", "replace")
        # Written back in the user's layout (indent width, or one line), so the diff stays small.
        indent = re.search(r"\n([ \t]+)\S", text)
        self.indent: str | None = indent.group(1) if indent else None
        try:
            text = data.decode("utf-8-sig")
            document, end, repeats = parse(text, _after_space(text, 0))
            if _after_space(text, end) != len(text):
                # Written back, it would be gone: the archive ignores it, a person wrote it.
                raise ValueError(f"content after the array, at character {end}")
        except (UnicodeDecodeError, ValueError) as e:  # json.JSONDecodeError is a ValueError
            raise UsageError(f"not a JSON file list the archive can read: {e}") from None
        if repeats:
            # Written back, an object keeps one of them: the other's values would be gone.
            where = repeated_keys(document, repeats)
            shown = ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
            raise UsageError(
                f"a key appears twice in one object, at {shown}: the archive keeps only the last, "
                "and rewriting the list would lose the first with its values (BIA246); keep one "
                "of them, with the values you want, then run the command again. Nothing was "
                "written"
            )
        if not isinstance(document, list) or not all(isinstance(e, dict) for e in document):
            raise UsageError("a JSON file list is an array of objects with a 'path'")
        self.rows = document
        self.refs = range(len(document))
        self.header = ["Files"]
        for entry in document:
            attributes = entry.get("attributes")
            for attribute in attributes if isinstance(attributes, list) else []:
                name = attribute.get("name") if isinstance(attribute, dict) else None
                if isinstance(name, str) and name not in self.header:
                    self.header.append(name)

    def path_of(self, row: dict[str, Any]) -> str:
        # What the row names, as the archive looks it up (a directory entry 'masks.zip': 'masks').
        path = row.get("path")
        return looked_up(path, row.get("type")) if isinstance(path, str) else ""

    def where(self, ref: int) -> str:
        return f"entry {ref}"

    def with_path(self, row: dict[str, Any], path: str) -> dict[str, Any]:
        old = row.get("path")
        zipped = isinstance(old, str) and looked_up(old, row.get("type")) != old
        return {**row, "path": path + ".zip" if zipped else path}  # 'masks2.zip' names 'masks2'

    def values_of(self, row: dict[str, Any]) -> dict[str, str]:
        attributes = row.get("attributes")
        return self._by_column(
            row,
            (
                (a["name"], a.get("value"))
                for a in (attributes if isinstance(attributes, list) else [])
                if isinstance(a, dict) and isinstance(a.get("name"), str)
            ),
        )

    def new_row(self, values: Mapping[str, str]) -> dict[str, Any]:
        # An attribute for every column, empty ones too (the archive takes a string value).
        attributes = [{"name": h, "value": values.get(h, "")} for h in self.header[1:]]
        return {"path": values["Files"], "attributes": attributes, "type": "file"}

    def with_values(self, row: dict[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
        # The entry keeps its other keys ("type": "directory", "size", ...).
        merged = {**self.values_of(row), **{k: v for k, v in values.items() if k != "Files"}}
        attributes = [{"name": h, "value": merged.get(h, "")} for h in self.header[1:]]
        return {**row, "attributes": attributes}

    def add_column(self, name: str) -> None:
        self.header.append(name)

    def render(self) -> bytes:
        text = json.dumps(self.rows, indent=self.indent, ensure_ascii=False)
        return (text + "\n").encode("utf-8")


class XlsxEditor(Editor):
    """The first sheet in workbook order (the one the archive reads), edited in place."""

    def __init__(self, file: Path | IO[bytes] | None) -> None:
        import openpyxl

        if file is None:
            self.workbook = openpyxl.Workbook()
        else:
            from bia_hooks.filelist.xlsx import check_parts

            try:
                check_parts(file)  # openpyxl inflates every sheet, a zip bomb too
                self.workbook = openpyxl.load_workbook(file)
            except Exception as e:  # openpyxl raises many kinds for a damaged file
                raise UsageError(f"cannot open the workbook: {e}") from None
        self.sheet = self.workbook.worksheets[0]
        width = self.sheet.max_column
        header = [self._text(c.value) for c in self.sheet[1]] if self.sheet.max_row else []
        for c in self.sheet[1] if self.sheet.max_row else ():
            if c.data_type == "f":
                _refuse_formula(c.coordinate)
        while header and is_blank(header[-1]):  # as the archive's converter drops them
            header.pop()
        if file is not None:
            _check_header(header)
        self.header = header
        self.width = max(width, len(header))
        self.original_rows = self.sheet.max_row
        if file is not None:
            self._check_editable()
        numbered = [(r, self._snapshot(r)) for r in range(2, self.sheet.max_row + 1)]
        numbered = [(r, s) for r, s in numbered if any(c[0] not in (None, "") for c in s["cells"])]
        self.refs = [r for r, _ in numbered]
        self.rows = [s for _, s in numbered]

    created = False  # made by empty(): saved with the look of the workbooks bia-hooks creates

    @classmethod
    def empty(cls, header: list[str]) -> XlsxEditor:
        """A new workbook holding only ``header`` in its first row."""
        editor = cls(None)
        editor.created = True
        for column, name in enumerate(header, start=1):
            set_text_cell(editor.sheet.cell(row=1, column=column), name)
        editor.header = list(header)
        editor.width = len(header)
        editor.original_rows = 1
        return editor

    def _check_editable(self) -> None:
        """Refuse merged cells below the header: the sync cannot move them (openpyxl refuses
        to write into a merge)."""
        for merged in self.sheet.merged_cells.ranges:
            if merged.max_row >= 2:
                raise UsageError(
                    f"cells {merged.coord} are merged, and the sync cannot move merged rows; "
                    "unmerge them (the archive reads only the first cell of a merge anyway), "
                    "then run the sync again"
                )

    def where(self, ref: int) -> str:
        return f"row {ref}"

    @staticmethod
    def _text(value: Any) -> str:
        """A cell as the person sees it in the workbook: a date without a midnight time."""
        import datetime

        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, datetime.datetime):
            midnight = value.time() == datetime.time()
            return value.date().isoformat() if midnight else value.isoformat(sep=" ")
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        from bia_hooks.filelist.xlsx import decode_escapes  # XLSX only: not on a TSV hook's path

        return decode_escapes(str(value))  # what the archive reads, as the file list's reader

    def _snapshot(self, row: int) -> dict[str, Any]:
        cells = []
        for col in range(1, self.width + 1):
            cell = self.sheet.cell(row=row, column=col)
            if cell.data_type == "f":
                _refuse_formula(cell.coordinate)
            value = _ErrorValue(cell.value) if cell.data_type == "e" else cell.value
            cells.append((value, _style_of(cell), cell.comment, cell.hyperlink))
        height = self.sheet.row_dimensions[row].height
        # "origin": the row it was read from; a row that ends up there again is not rewritten.
        return {"cells": cells, "height": height, "origin": row}

    def path_of(self, row: dict[str, Any]) -> str:
        return self._text(row["cells"][0][0]) if row["cells"] else ""

    def with_path(self, row: dict[str, Any], path: str) -> dict[str, Any]:
        from bia_hooks.filelist.xlsx import encode_escapes

        _, style, comment, link = row["cells"][0]
        cells = [(encode_escapes(path), style, comment, link), *row["cells"][1:]]
        return {**row, "cells": cells, "origin": None}

    def values_of(self, row: dict[str, Any]) -> dict[str, str]:
        named = zip(self.header[1:], row["cells"][1:], strict=False)
        return self._by_column(row, ((h, self._text(cell[0])) for h, cell in named))

    def new_row(self, values: Mapping[str, str]) -> dict[str, Any]:
        from bia_hooks.filelist.xlsx import encode_escapes

        # A new row looks like the last data row (fonts, fills, borders), with no comments.
        model = self.rows[-1]["cells"] if self.rows else None
        cells = []
        for col in range(self.width):
            name = self.header[col] if col < len(self.header) else ""
            value = encode_escapes(values[name]) if values.get(name) else None
            style = model[col][1] if model and col < len(model) else None
            cells.append((value, style, None, None))
        return {"cells": cells, "height": None, "origin": None}

    def add_column(self, name: str) -> None:
        from bia_hooks.filelist.xlsx import encode_escapes

        # As in a TSV: the new column must not take over values right of the last header (the
        # archive drops them, and a person may have put notes there).
        width = len(self.header)
        for row in self.rows:
            if any(not _blank_cell(cell[0]) for cell in row["cells"][width:]):
                raise UsageError(
                    f"cannot add the column '{name}': the row of '{self.path_of(row)}' has a "
                    "value right of the last header cell, which the new column would take over; "
                    "give that column a header first"
                )
        self.header.append(name)
        column = len(self.header)
        cell = self.sheet.cell(row=1, column=column)
        set_text_cell(cell, encode_escapes(name))
        _set_style(cell, _style_of(self.sheet.cell(row=1, column=1)))
        if column > self.width:
            self.width = column
            for row in self.rows:
                row["cells"].append((None, None, None, None))

    def render(self) -> bytes:
        import copy

        last = max(self.original_rows, len(self.rows) + 1)
        for index in range(last - 1):
            target = index + 2
            record = self.rows[index] if index < len(self.rows) else None
            if record is not None and record["origin"] == target:
                continue
            for col in range(1, self.width + 1):
                cell = self.sheet.cell(row=target, column=col)
                value, style, comment, link = (
                    record["cells"][col - 1] if record else (None, None, None, None)
                )
                if isinstance(value, _ErrorValue):
                    cell.value, cell.data_type = str(value), "e"
                else:  # a string is text, even '=1+1' or '#N/A' (openpyxl would guess otherwise)
                    set_text_cell(cell, value)
                if style is not None:
                    _set_style(cell, style)
                else:  # the row has no cell here: none of the look of the row that was here stays
                    cell.style = "Normal"
                cell.comment = copy.copy(comment) if comment is not None else None
                cell.hyperlink = link
            self.sheet.row_dimensions[target].height = record["height"] if record else None
        if self.created:  # a workbook a person made keeps its own look
            from bia_hooks.filelist.workbook_look import dress

            cells = ([self._text(c[0]) for c in r["cells"]] for r in self.rows)
            dress(self.sheet, self.header, cells)
        from bia_hooks.filelist.writers import workbook_bytes

        return workbook_bytes(self.workbook)


def _blank_cell(value: Any) -> bool:
    return value is None or (isinstance(value, str) and is_blank(value))


def _after_space(text: str, pos: int) -> int:
    match = _JSON_SPACE.match(text, pos)
    return match.end() if match else pos


class _ErrorValue(str):
    """An error cell's value (``#N/A``, ``#REF!``): written back as an error, not as text."""


def _refuse_formula(cell: str) -> None:
    # openpyxl reads a formula as its text (a path '=A1&...' the sync would take for a stale row)
    # and writes it without its saved result, which is what the archive reads.
    raise UsageError(
        f"cell {cell} holds a formula; the sync cannot rewrite the workbook without losing its "
        "saved result, which is what the archive reads; replace the formulas with their values "
        "(copy, then Paste Special > Values), then run the sync again"
    )


def _one_cell(value: str) -> str:
    # A tab or line break would split the row or the cell: the list would no longer say the same.
    if "\t" in value or "\n" in value or "\r" in value:
        raise UsageError(
            advice.runs(
                "fix-names",
                before=f"{value!r} holds a tab or line break, which a TSV file list cannot hold "
                "in a cell; rename the file (",
                after=") or change the value",
                quote="",
            )
        )
    return value


def _check_header(header: list[str]) -> None:
    # Rows are only ever edited under a header the archive reads: nothing else is taken for one.
    if not header or header[0] != "Files":
        raise UsageError(
            advice.runs(
                "validate",
                before="its first header cell is not 'Files', so it is no file list the archive "
                "reads (and the sync will not edit it); ",
                after=" says what to fix",
                quote="",
            )
        )


def _style_of(cell: Any) -> Any:
    # A cell's whole style (font, fill, border, number format, ...) as openpyxl keeps it: a small
    # array of indices into the workbook's style tables. Copying it is how openpyxl's own docs copy
    # a style, and 100 times cheaper than copying each part (70 s -> 1 s on 100,000 rows).
    return cell._style


def _set_style(cell: Any, style: Any) -> None:
    import copy

    cell._style = copy.copy(style)


def _xlsx_editor(data: bytes) -> Editor:
    """A workbook edited in its sheet's XML when that provably gives what openpyxl's way gives
    (seconds faster on 100,000 rows: filelist.xlsx_patch), else with openpyxl."""
    import io

    from bia_hooks.filelist.xlsx_patch import direct_editor

    return direct_editor(data) or XlsxEditor(io.BytesIO(data))


def open_editor(file: Path) -> Editor:
    """The file list at ``file``, read once: its editor and the fingerprint of what was read. A
    list a spreadsheet program has open (its lock file is next to it) is refused before anything
    is read: the program's next save would write over the changes."""

    suffix = file.suffix
    opener: dict[str, Callable[[bytes], Editor]] = {
        ".tsv": TsvEditor,
        ".json": JsonEditor,
        ".xlsx": lambda data: _xlsx_editor(data),
    }
    if suffix not in opener:
        raise UsageError(f"{file}: a file list is .tsv, .xlsx or .json")
    ensure_closed(file)
    try:
        data, fingerprint = read_bytes(file)
        editor = opener[suffix](data)
    except OSError as e:
        raise UsageError(f"{file}: cannot read: {e.strerror}") from None
    except UsageError as e:
        raise UsageError(advice.prefixed(f"{file}: ", advice.text_of(e))) from None
    editor.name = str(file)
    editor.fingerprint = fingerprint
    return editor
