"""The look of every workbook bia-hooks creates: ``init --format xlsx``, the sync creating a
configured list, ``export`` to XLSX. One sheet named ``Files``; a bold, frozen header with a note on
each of the archive's columns saying what it holds; widths from the header and the values; a
drop-down of the archive's annotation types on that column.

None of it is what the archive reads (the first sheet's cell values, from A1: domain.md §2): it is
for the person filling the list in a spreadsheet. A workbook a person made keeps its own look (the
sync edits it in place, ``filelist.edit``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bia_hooks.filelist.columns import ANNOTATION_TYPE, FILES, SOURCE_IMAGE, identify
from bia_hooks.filelist.table import column_letters
from bia_hooks.filelist.vocabulary import ANNOTATION_TYPES
from bia_hooks.filelist.xlsx import encode_escapes
from bia_hooks.safe_text import set_text_cell

__all__ = ["SHEET", "dress", "header_cell", "lay_out"]

SHEET = "Files"
LAST_ROW = 1048576  # Excel's: the drop-down covers the rows a person adds later too
MIN_WIDTH, MAX_WIDTH = 10, 60  # in characters; a longer value wraps out of sight, not the sheet

NOTES = {
    FILES: "The file's path from the root of the upload (not from this list's folder), "
    "folders separated by '/', e.g. masks/plate1/A01_mask.tif.",
    ANNOTATION_TYPE: "One or more of the archive's annotation types, comma-separated: pick one "
    "from the list, or type several, e.g. segmentation_mask,point_annotations.",
    SOURCE_IMAGE: "The image this annotation belongs to: its path in this upload, "
    "S-BIAD123/path in the image study, or the archive's address "
    "https://www.ebi.ac.uk/biostudies/files/S-BIAD123/path. Several: comma-separated.",
}
# Excel takes a list of at most 255 characters typed in the rule (its quotes left out).
_CHOICES = ",".join(ANNOTATION_TYPES)
assert len(_CHOICES) <= 255


def header_cell(cell: Any, name: str) -> Any:
    """A header cell (an openpyxl cell, write-only too): the name as text, bold, and a note on
    what the column holds when it is one of the archive's columns."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    set_text_cell(cell, encode_escapes(name))
    cell.font = Font(bold=True)
    identity = identify(name)
    note = NOTES.get(identity.column) if identity else None
    if note is not None:
        cell.comment = Comment(note, "bia-hooks", width=320, height=110)
    return cell


def lay_out(sheet: Any, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """The sheet's name, frozen header, widths (from ``header`` and the cells of ``rows``, as the
    archive reads them) and drop-down. A write-only sheet takes them before its first row."""
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet.title = SHEET
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(header, rows)):
        sheet.column_dimensions[column_letters(index)].width = width
    letters = [
        column_letters(i)
        for i, name in enumerate(header)
        if (identity := identify(name)) is not None and identity.column == ANNOTATION_TYPE
    ]
    if letters:
        # Several types in one cell are not in the list: no error message, so Excel and
        # LibreOffice keep what is typed ("segmentation_mask,point_annotations").
        drop_down = DataValidation(
            type="list",
            formula1=f'"{_CHOICES}"',
            allow_blank=True,
            showErrorMessage=False,
            errorStyle="information",
        )
        for letter in letters:
            drop_down.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.data_validations.append(drop_down)


def dress(sheet: Any, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """The whole look on a sheet in memory whose row 1 holds ``header``."""
    for index, name in enumerate(header, start=1):
        header_cell(sheet.cell(row=1, column=index), name)
    lay_out(sheet, header, rows)


def _widths(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[float]:
    longest = [len(name) + 3 for name in header]  # a bold name, and the note's red corner
    for row in rows:
        for index, value in enumerate(row[: len(longest)]):
            if len(value) + 1 > longest[index]:
                longest[index] = len(value) + 1
    return [float(min(max(n, MIN_WIDTH), MAX_WIDTH)) for n in longest]
