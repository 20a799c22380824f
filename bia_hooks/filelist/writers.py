"""Write a file list in exactly the form the archive reads: TSV, XLSX or JSON (domain.md §2).

Each writer refuses (UsageError, naming row and column) a value its format cannot carry to the
archive unchanged, rather than lose it silently. Writes are atomic.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bia_hooks.atomic import Fingerprint, write_atomic
from bia_hooks.errors import UsageError, WriteError
from bia_hooks.filelist.table import Table
from bia_hooks.filelist.workbook_look import SHEET, header_cell, lay_out
from bia_hooks.filelist.xlsx import encode_escapes
from bia_hooks.safe_text import set_text_cell

__all__ = ["WRITERS", "json_text", "tsv_text", "write_json", "write_tsv", "write_xlsx"]

XLSX_MAX_CELL = 32767  # Excel's limit on the characters of one cell
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _where(table: Table, i: int | None, j: int) -> str:
    column = table.header[j] if j < len(table.header) else f"column {j + 1}"
    row = "the header" if i is None else f"row {i + 1} ({table.paths[i]!r})"
    return f"{row}, column {column!r}"


def _cells(table: Table) -> list[tuple[int | None, list[str]]]:
    return [(None, table.header), *enumerate(table.rows)]


def _refuse(table: Table, i: int | None, j: int, what: str, fmt: str) -> UsageError:
    return UsageError(
        f"{_where(table, i, j)}: the value holds {what}, which a {fmt} file list "
        "cannot carry to the archive unchanged; edit the value, or export as JSON"
    )


def tsv_text(table: Table) -> str:
    """UTF-8 text, LF line ends, no BOM, no quoting: what the archive reads back unchanged."""
    for i, row in _cells(table):
        for j, cell in enumerate(row):
            if "\t" in cell or "\n" in cell or "\r" in cell:
                raise _refuse(table, i, j, "a tab or line break", "TSV")
    if table.header[0] != "Files":
        raise UsageError(f"the first column must be 'Files', not {table.header[0]!r}")
    return "".join("\t".join(row) + "\n" for row in [table.header, *table.rows])


def write_tsv(table: Table, output: Path, expect: Fingerprint | None = None) -> None:
    write_atomic(output, tsv_text(table).encode("utf-8"), expect)


def write_json(table: Table, output: Path, expect: Fingerprint | None = None) -> None:
    write_atomic(output, json_text(table), expect)


def json_text(table: Table) -> str:
    """``[{"path": ..., "attributes": [{"name": ..., "value": ...}], "type": "file"}]``.

    Every column in every entry (an absent cell as ""), so that a column no row fills survives.
    """
    names = table.header[1:]
    entries = [
        {
            "path": row[0],
            "attributes": [
                {"name": n, "value": row[k] if k < len(row) else ""} for k, n in enumerate(names, 1)
            ],
            "type": "file",
        }
        for row in table.rows
    ]
    return json.dumps(entries, ensure_ascii=False, indent=1) + "\n"


@contextlib.contextmanager
def building_workbook() -> Iterator[None]:
    """openpyxl writes each sheet to a temporary file as it goes: a full disk or a file-size
    limit there is a WriteError, as for the file itself."""
    import tempfile

    from bia_hooks.atomic import cannot_write

    try:
        yield
    except OSError as e:
        where = Path(e.filename or tempfile.gettempdir())
        raise WriteError(f"cannot build the workbook: {cannot_write(where, e)}") from None


def workbook_bytes(workbook: Any) -> bytes:
    """The workbook's file, built in memory."""
    buffer = io.BytesIO()
    with building_workbook():
        workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(table: Table, output: Path, expect: Fingerprint | None = None) -> None:
    """One sheet, every cell text: '1.50' and '2024-01-15' stay text, '=A1' is no formula; the
    look of every workbook bia-hooks creates (``workbook_look``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    for i, row in _cells(table):
        for j, cell in enumerate(row):
            if "\t" in cell or "\n" in cell or "\r" in cell or '"' in cell:
                raise _refuse(
                    table, i, j, "a tab, line break or '\"' (the archive would quote it)", "XLSX"
                )
            if _CONTROL.search(cell):
                raise _refuse(table, i, j, "a control character", "XLSX")
            if len(cell) > XLSX_MAX_CELL:
                raise _refuse(table, i, j, f"more than {XLSX_MAX_CELL} characters", "XLSX")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    lay_out(ws, table.header, table.rows)  # before the first row: a write-only sheet streams

    def text(value: str) -> Any:
        cell = WriteOnlyCell(ws)
        set_text_cell(cell, encode_escapes(value))  # never a formula or a number
        return cell

    with building_workbook():
        ws.append([header_cell(WriteOnlyCell(ws), name) for name in table.header])
        for row in table.rows:
            ws.append([text(v) for v in row])
    write_atomic(output, workbook_bytes(wb), expect)


WRITERS = {"tsv": write_tsv, "xlsx": write_xlsx, "json": write_json}
