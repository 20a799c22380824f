"""XLSX file lists made with openpyxl: what the archive reads, and each cell it reads otherwise."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bia_hooks.filelist.read import looks_like_filelist, read_filelist
from bia_hooks.findings import Finding

Build = Callable[[openpyxl.Workbook, Worksheet], None]


def save(root: Path, build: Build, name: str = "list.xlsx") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "files"
    build(wb, ws)
    wb.save(root / name)


def rows(*rows: list[object]) -> Build:
    def build(wb: openpyxl.Workbook, ws: Worksheet) -> None:
        for row in rows:
            ws.append(row)

    return build


def hidden_first(wb: openpyxl.Workbook, ws: Worksheet) -> None:
    rows(["Files", "Type"], ["a.tif", "x"])(wb, ws)
    wb.create_sheet("visible")
    ws.sheet_state = "hidden"
    wb.active = 1


def active_second(wb: openpyxl.Workbook, ws: Worksheet) -> None:
    rows(["Files", "Type"], ["a.tif", "x"])(wb, ws)
    wb.create_sheet("notes")
    wb.active = 1


def merged(wb: openpyxl.Workbook, ws: Worksheet) -> None:
    rows(["Files", "Type", "Plate"], ["a.tif", "x", "p1"], ["b.tif"])(wb, ws)
    ws.merge_cells("C2:C3")


def at_b2(wb: openpyxl.Workbook, ws: Worksheet) -> None:
    ws["B2"] = "Files"
    ws["B3"] = "a.tif"


def formula_saved(wb: openpyxl.Workbook, ws: Worksheet) -> None:
    rows(["Files", "Type"], ["a.tif", "=1+1"])(wb, ws)


GOOD = rows(["Files", "Type", "Plate"], ["a.tif", "x", "007"], ["b.tif", "", "12"], ["c.tif"])


@pytest.mark.parametrize(
    ("build", "code", "where"),
    [
        (GOOD, None, None),
        (rows(["Files", "n"], ["a.tif", 12]), None, None),
        (hidden_first, "BIA220", None),
        (active_second, "BIA221", None),
        (rows(["Files", "n"], ["a.tif", 1.5]), "BIA222", "B2"),
        (rows(["Files", "n"], ["a.tif", 3e12]), "BIA222", "B2"),
        (rows(["Files", "d"], ["a.tif", datetime.date(2024, 1, 15)]), "BIA223", "B2"),
        (rows(["Files", "b"], ["a.tif", True]), "BIA224", "B2"),
        (formula_saved, "BIA226", "B2"),
        (rows(["Files", "t"], ["a.tif", "x\ny"]), "BIA227", "B2"),
        (rows(["Files", "t"], ["a.tif", 'say "x"']), "BIA228", "B2"),
        (rows(["Files", "t"], ["a.tif", "a\tb"]), "BIA228", "B2"),
        (rows(["Files", "t"], ["a_x0023_b.tif", "x"]), "BIA229", "A2"),
        (rows(["Files", "t"], ["a.tif", "x"], [], ["note: done"]), "BIA230", "A4"),
        (merged, "BIA231", "C2"),
        (rows(["Files", "t"], ["a.tif", "x", None, "stray"]), "BIA211", "D2"),
        (rows(["Files", "t"], ["a.tif", "x"], [None, None, None, "stray"]), "BIA219", "A3"),
        (rows([], ["Files", "t"], ["a.tif", "x"]), "BIA207", None),
        (at_b2, "BIA207", None),
        (rows(["files", "t"], ["a.tif", "x"]), "BIA208", "A1"),
        (rows(["Files", None, "t"], ["a.tif", "x"]), "BIA209", "B1"),
        (rows(["Files", "t", "t"], ["a.tif", "x", "y"]), "BIA210", "B1"),
        (rows(["Files", "t"], ["#a.tif", "x"]), "BIA215", "A2"),
        (rows(["Files", "t"]), "BIA204", None),
    ],
)
def test_xlsx_cases(tmp_path: Path, build: Build, code: str | None, where: str | None) -> None:
    save(tmp_path, build)
    table, findings = read_filelist(tmp_path, "list.xlsx")
    if code is None:
        assert findings == []
        assert table is not None
        return
    hits = [f for f in findings if f.code == code]
    assert hits, findings
    if where:
        assert hits[0].cell == where
    assert all(f.fix for f in hits)


def cell(findings: list[Finding], code: str) -> Finding:
    [hit] = [f for f in findings if f.code == code]
    return hit


def test_values_as_the_archive_reads_them(tmp_path: Path) -> None:
    save(tmp_path, rows(
        ["Files", "n", "neg", "big", "date", "bool", "text", "esc"],
        ["a.tif", 1.99, -1.5, 1e300, datetime.date(2024, 1, 15), False, "1.50", "_x0041_"],
        [],
        ["b.tif", None, None, None, None, None, None, "a_x005F_x0023_b"],
    ))  # fmt: skip
    table, findings = read_filelist(tmp_path, "list.xlsx")
    assert table is not None
    assert table.rows == [
        ["a.tif", "1", "-1", "2147483647", "45306", "0", "1.50", "A"],
        ["b.tif", "", "", "", "", "", "", "a_x0023_b"],
    ]
    assert table.refs == [2, 4]
    assert cell(findings, "BIA223").value == "45306"
    # _x005F_ is the escaped underscore Excel itself writes: no surprise, no finding
    assert [f.cell for f in findings if f.code == "BIA229"] == ["H2"]


def test_formula_without_saved_value_reads_empty(tmp_path: Path) -> None:
    save(tmp_path, formula_saved)
    table, findings = read_filelist(tmp_path, "list.xlsx")
    assert table is not None
    assert table.rows == [["a.tif"]]  # the empty result is a trailing blank cell: dropped
    assert cell(findings, "BIA226").column == "Type"


def test_line_break_splits_the_row(tmp_path: Path) -> None:
    save(tmp_path, rows(["Files", "t", "u"], ["a.tif", "x\ny", "z"]))
    table, _ = read_filelist(tmp_path, "list.xlsx")
    assert table is not None
    assert table.rows == [["a.tif", '"x'], ['y"', "z"]]
    assert table.refs == [2, 2]


def test_hidden_rows_and_columns_are_read(tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook, ws: Worksheet) -> None:
        rows(["Files", "t"], ["a.tif", "x"], ["b.tif", "y"])(wb, ws)
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["B"].hidden = True

    save(tmp_path, build)
    table, findings = read_filelist(tmp_path, "list.xlsx")
    assert table is not None and table.rows == [["a.tif", "x"], ["b.tif", "y"]]
    assert findings == []


def test_shared_strings_from_excel_style_file(tmp_path: Path) -> None:
    # openpyxl's normal (not write-only) mode writes a shared string table, as Excel does.
    save(tmp_path, rows(["Files", "t"], ["a.tif", "x & <y>"], ["b.tif", "x & <y>"]))
    table, _ = read_filelist(tmp_path, "list.xlsx")
    assert table is not None and table.rows == [["a.tif", "x & <y>"], ["b.tif", "x & <y>"]]


def test_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "list.xlsx").write_text("Files\ta.tif\n")
    table, findings = read_filelist(tmp_path, "list.xlsx")
    assert table is None
    assert [f.code for f in findings] == ["BIA203"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.tsv", b"Files\tType\n", True),
        ("a.tsv", b"\xef\xbb\xbfFiles\n", True),
        ("a.csv", b"Files,Type\n", True),
        ("a.tsv", b"path\tType\n", False),
        ("a.tsv", b"Plate\tWell\tFiles\n", True),  # found; validation says to move the column
        # JSON only in the archive's own form: annotation data with a "path" is not a file list
        ("a.json", b'[{"path": "a.tif"}]', False),
        ("a.json", b'[{"path": "S-BIAD1/a.tif", "x": 1, "y": 2}]', False),
        ("a.json", b'  [\n  {"attributes": [], "path": "a.tif"}]', True),
        ("a.json", b'[{"path": "a.tif", "attributes": [{"name": "x", "value": "1"}]}]', True),
        ("a.json", b'[{"path": "a.tif", "attributes": null}]', False),
        ("a.json", b"[]", False),
        ("a.json", b'{"path": "a.tif"}', False),
        ("a.json", b'[{"name": "x"}]', False),
        ("a.txt", b"", False),
    ],
)
def test_looks_like_filelist(tmp_path: Path, name: str, content: bytes, expected: bool) -> None:
    (tmp_path / name).write_bytes(content)
    assert looks_like_filelist(tmp_path, name) is expected


@pytest.mark.parametrize(("build", "expected"), [(GOOD, True), (at_b2, False)])
def test_looks_like_filelist_xlsx(tmp_path: Path, build: Build, expected: bool) -> None:
    save(tmp_path, build)
    assert looks_like_filelist(tmp_path, "list.xlsx") is expected
