"""A workbook edited in its sheet's XML (xlsx_patch) comes out as openpyxl's way makes it: the same
cells (values, types, looks), comments, validations, widths, panes and sheet names as openpyxl
reads them back, and the same table as the archive reads it. Anything the direct edit cannot
prove it keeps goes openpyxl's way."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bia_hooks.filelist.edit import Editor, XlsxEditor, open_editor
from bia_hooks.filelist.workbook_look import dress
from bia_hooks.filelist.xlsx import read_xlsx
from bia_hooks.filelist.xlsx_patch import WorkbookRows, direct_editor
from tests.hostile import edit_part

HEADERS = [["Files"], ["Files", "Annotation type"], ["Files", "Annotation type", "Source image"]]
VALUES = ["x", "segmentation_mask", " spaced ", "a&b<c>", 'q"uote', "1.50", "=A1", "é ü"]
FILL = PatternFill("solid", fgColor="FFFF00")


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, Any]:
    """A workbook as a plan (shown when a case fails): header, rows, look."""
    header = draw(st.sampled_from(HEADERS))
    extra = draw(st.sampled_from(["", "Note"]))  # a column of the user's, some numbers in it
    count = draw(st.integers(0, 12))
    paths = draw(st.lists(st.sampled_from([f"m/{c}.tif" for c in "abcdefghijklmnop"]),
                          min_size=count, max_size=count, unique=True))  # fmt: skip
    rows = []
    for path in paths:
        row = [path] + [draw(st.sampled_from([None, *VALUES])) for _ in header[1:]]
        if extra:
            row.append(draw(st.sampled_from([None, "note", 7, 2.5])))
        rows.append(row)
        if draw(st.integers(0, 5)) == 0:
            rows.append([])  # a blank row: openpyxl's way drops it
    styled = draw(st.booleans())
    fills = draw(st.lists(st.booleans(), min_size=4 * len(rows), max_size=4 * len(rows)))
    heights = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    return {
        "names": header + ([extra] if extra else []),
        "rows": rows,
        "fills": fills if styled else [],
        "heights": heights if styled else [],
        "dressed": draw(st.booleans()),  # the look bia-hooks gives: notes, widths, drop-down
        "shared": draw(st.booleans()),  # text in shared strings, as Excel writes it
    }


def build(plan: dict[str, Any]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(plan["names"])
    for row in plan["rows"]:
        ws.append(row)
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # '=A1' is text, as the sync writes it
    if plan["fills"]:  # a look of the user's: fills on some cells, a height on some rows
        ws["A1"].font = Font(bold=True, italic=True)
        for r, row in enumerate(ws.iter_rows(min_row=2, max_col=4)):
            for c, cell in enumerate(row):
                if plan["fills"][4 * r + c]:
                    cell.fill = FILL
            if plan["heights"][r]:
                ws.row_dimensions[r + 2].height = 30
    if plan["dressed"]:
        header = [n for n in plan["names"] if n != "Note"]
        dress(ws, header, ([str(c.value or "") for c in r] for r in ws.iter_rows(min_row=2)))
    out = io.BytesIO()
    wb.save(out)
    return _as_shared_strings(out.getvalue()) if plan["shared"] else out.getvalue()


_INLINE = re.compile(r'( t=)"inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)</t></is>')


def _as_shared_strings(data: bytes) -> bytes:
    """The workbook with its text cells in a shared string table, as Excel writes them."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read(sheet).decode()
    strings: dict[str, int] = {}
    text = _INLINE.sub(
        lambda m: f'{m.group(1)}"s"><v>{strings.setdefault(m.group(2), len(strings))}</v>', text
    )
    data = _with_strings(data, list(strings))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, text if info.filename == sheet else source.read(info))
    return out.getvalue()


@st.composite
def changes(draw: st.DrawFn) -> tuple[set[str], dict[str, str], list[dict[str, str]], str | None]:
    olds = [f"m/{c}.tif" for c in "abcdefghijklmnop"]
    removed = set(draw(st.lists(st.sampled_from(olds), max_size=4)))
    renamed = {
        old: f"r/{old[2]}{n}.tif"
        for n, old in enumerate(draw(st.lists(st.sampled_from(olds), max_size=4, unique=True)))
        if old not in removed
    }
    added = [
        {"Files": f"n/{n}.tif", **draw(st.sampled_from([{}, {"Annotation type": "tracks"}]))}
        for n in range(draw(st.integers(0, 4)))
    ]
    column = draw(st.sampled_from([None, "Source image", "Annotation type"]))
    return removed, renamed, added, column


def change(editor: Editor, removed: set[str], renamed: dict[str, str],
           added: list[dict[str, str]], column: str | None) -> bytes:  # fmt: skip
    """What the sync does to a list: a missing column added, then rows removed, re-pathed, added."""
    if column is not None and column not in editor.header:
        editor.add_column(column)
        added = [{**row, column: "given"} for row in added]
    paths = set(map(editor.path_of, editor.rows))
    editor.apply({p for p in removed if p in paths}, renamed, added)
    return editor.render()


def _look(cell: Any) -> tuple[Any, ...]:
    return (
        cell.number_format,
        copy.copy(cell.font),
        copy.copy(cell.fill),
        copy.copy(cell.border),
        copy.copy(cell.alignment),
        copy.copy(cell.protection),
    )


def as_openpyxl_reads(data: bytes) -> dict[str, Any]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    cells = {}
    for r in range(1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(r, c)
            comment = (cell.comment.text, cell.comment.author) if cell.comment else None
            entry = (cell.value, cell.data_type, _look(cell), comment)
            if entry != (None, "n", _look(openpyxl.Workbook().active["Z99"]), None):  # type: ignore[index]
                cells[(r, c)] = entry
    heights = {
        r: d.height
        for r, d in ws.row_dimensions.items()
        if d.height is not None and r <= ws.max_row
    }
    return {
        "sheets": wb.sheetnames,
        "cells": cells,
        "heights": {r: h for r, h in heights.items() if any(k[0] == r for k in cells)},
        "validations": [
            (str(v.sqref), v.formula1, v.type) for v in ws.data_validations.dataValidation
        ],
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "panes": ws.freeze_panes,
    }


def as_the_archive_reads(data: bytes) -> tuple[Any, ...]:
    table, findings = read_xlsx(io.BytesIO(data), "l.xlsx")
    assert table is not None
    return table.header, table.rows, sorted(f.code for f in findings)


@settings(max_examples=25, deadline=None)
@given(workbooks(), changes())
def test_the_direct_edit_gives_what_openpyxl_gives(plan: dict[str, Any], edit: Any) -> None:
    data = build(plan)
    direct = direct_editor(data)
    assert isinstance(direct, WorkbookRows)  # every workbook here is one it can prove
    exact = XlsxEditor(io.BytesIO(data))
    assert (direct.header, direct.refs, direct.width) == (exact.header, exact.refs, exact.width)
    assert [direct.values_of(r) for r in direct.rows] == [exact.values_of(r) for r in exact.rows]
    mine, theirs = change(direct, *edit), change(exact, *edit)
    assert list(map(direct.path_of, direct.rows)) == list(map(exact.path_of, exact.rows))
    assert as_openpyxl_reads(mine) == as_openpyxl_reads(theirs)
    assert as_the_archive_reads(mine) == as_the_archive_reads(theirs)


def test_the_sync_of_a_workbook_keeps_every_other_part(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Files", "Annotation type"])
    ws.append(["b.tif", "x"])
    wb.create_sheet("Notes")["A1"] = "keep me"
    file = tmp_path / "l.xlsx"
    wb.save(file)
    before = _parts(file.read_bytes())
    editor = open_editor(file)
    assert isinstance(editor, WorkbookRows)
    editor.apply(set(), {"b.tif": "c.tif"}, [{"Files": "a.tif"}])
    editor.save(file)
    after = _parts(file.read_bytes())
    sheet = "xl/worksheets/sheet1.xml"
    assert {k: v for k, v in after.items() if k != sheet} == {
        k: v for k, v in before.items() if k != sheet
    }
    assert [[c.value for c in r] for r in openpyxl.load_workbook(file).worksheets[0]] == [
        ["Files", "Annotation type"], ["a.tif", None], ["c.tif", "x"]
    ]  # fmt: skip


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _saved(build: Callable[[Worksheet], None]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Files", "Annotation type"])
    ws.append(["a.tif", "x"])
    ws.append(["b.tif", "y"])
    build(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _defined_name(ws: Worksheet) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    ws.parent.defined_names["paths"] = DefinedName("paths", attr_text="Sheet!$A$2:$A$3")


def _table(ws: Worksheet) -> None:
    from openpyxl.worksheet.table import Table

    ws.add_table(Table(displayName="T", ref="A1:B3"))


def _formula_elsewhere(ws: Worksheet) -> None:
    ws.parent.create_sheet("Sums")["A1"] = "=COUNTA(Sheet!A2:A3)"


def _validation(ws: Worksheet) -> None:
    dv = DataValidation(type="list", formula1='"x,y"')
    dv.add("B2:B3")  # moving rows would need it shifted
    ws.add_data_validation(dv)


def _conditional(ws: Worksheet) -> None:
    from openpyxl.formatting.rule import CellIsRule

    ws.conditional_formatting.add("B2:B3", CellIsRule(operator="equal", formula=['"x"'], fill=FILL))


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda ws: ws.merge_cells("B1:C1"), id="merged cells"),
        pytest.param(lambda ws: ws.cell(2, 2, "=1+1"), id="a formula"),
        pytest.param(lambda ws: ws.cell(2, 2, True), id="a boolean"),
        pytest.param(lambda ws: setattr(ws.cell(2, 2), "hyperlink", "https://x.org"), id="a link"),
        pytest.param(_table, id="a table"),
        pytest.param(
            lambda ws: setattr(ws["B2"], "comment", Comment("n", "me")), id="a note below"
        ),
        pytest.param(_validation, id="a validation of some rows"),
        pytest.param(_conditional, id="conditional formatting of some rows"),
        pytest.param(_defined_name, id="a defined name"),
        pytest.param(_formula_elsewhere, id="a formula in another sheet"),
        pytest.param(
            lambda ws: ws.cell(2, 2, __import__("datetime").date(2024, 1, 15)), id="a date"
        ),
        pytest.param(lambda ws: setattr(ws.row_dimensions[2], "hidden", True), id="a hidden row"),
        pytest.param(lambda ws: ws.row_dimensions.group(2, 3, outline_level=1), id="an outline"),
        pytest.param(lambda ws: ws.cell(2, 2, "a_x0041_b"), id="an escape"),
        pytest.param(
            lambda ws: ws.cell(2, 2, 5).__setattr__("number_format", "0.00"), id="a number format"
        ),
    ],
)
def test_what_the_direct_edit_cannot_prove_goes_openpyxls_way(
    build: Callable[[Worksheet], None],
) -> None:
    assert direct_editor(_saved(build)) is None


def test_a_workbook_excel_wrote_is_edited_directly() -> None:
    # Excel writes shared strings, styles on every cell and row spans.
    data = _saved(lambda ws: None)
    sheet = "xl/worksheets/sheet1.xml"
    for old, new in [
        ('<row r="1">', '<row r="1" spans="1:2" x14ac:dyDescent="0.25">'),
        ('<c r="A2" t="inlineStr"><is><t>a.tif</t></is></c>', '<c r="A2" s="0" t="s"><v>0</v></c>'),
    ]:
        data = edit_part(data, sheet, old, new)
    data = _with_strings(data, ["a.tif"])
    editor = direct_editor(data)
    assert editor is not None and list(map(editor.path_of, editor.rows)) == ["a.tif", "b.tif"]
    editor.apply({"b.tif"}, {"a.tif": "c.tif"}, [{"Files": "d.tif"}])
    assert as_the_archive_reads(editor.render())[:2] == (
        ["Files", "Annotation type"], [["c.tif", "x"], ["d.tif"]]
    )  # fmt: skip


def _with_strings(data: bytes, strings: list[str]) -> bytes:
    """``data`` with a shared string table of ``strings`` (XML already)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sst = (
        f'<sst xmlns="{main}">'
        + "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
        + "</sst>"
    )
    rel = (
        '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    data = edit_part(data, "xl/_rels/workbook.xml.rels", "</Relationships>", rel)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
    data = edit_part(data, "[Content_Types].xml", "</Types>", override)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def test_shared_strings_openpyxl_would_not_find_go_its_way() -> None:
    # openpyxl finds the shared strings by their content type, the archive by the workbook's
    # relationships: a workbook where the two differ is left to openpyxl's way.
    data = _with_strings(_saved(lambda ws: None), ["a.tif"])
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
    assert direct_editor(data) is not None
    assert direct_editor(edit_part(data, "[Content_Types].xml", override, "")) is None
