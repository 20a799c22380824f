"""Editing file lists in place: the rows change, nothing else does."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bia_hooks.errors import UsageError
from bia_hooks.filelist import edit
from bia_hooks.filelist.edit import JsonEditor, TsvEditor, XlsxEditor, open_editor


def test_tsv_keeps_bom_line_ends_and_every_cell(tmp_path: Path) -> None:
    source = "\ufeffFiles\tType\tnote\r\nb.tif\tx\tkeep\textra past header\r\n\r\na.tif\t\t\r\n"
    file = tmp_path / "l.tsv"
    file.write_bytes(source.encode())
    editor = open_editor(file)
    assert editor.refs == [2, 4]
    editor.apply(
        removed=set(), renamed={"a.tif": "c.tif"}, added=[{"Files": "a2.tif", "Type": "y"}]
    )
    editor.save(file)
    assert file.read_bytes().decode() == (
        "\ufeffFiles\tType\tnote\r\na2.tif\ty\t\r\n"  # a new row: as wide as the header
        "b.tif\tx\tkeep\textra past header\r\nc.tif\t\t\r\n"
    )


def test_tsv_refuses_a_column_that_would_take_over_stray_cells() -> None:
    editor = TsvEditor(b"Files\tType\na.tif\tx\tstray\n")
    with pytest.raises(UsageError, match="past the last header"):
        editor.add_column("Source image")


def test_tsv_new_column_replaces_a_trailing_blank_header() -> None:
    editor = TsvEditor(b"Files\tType\t\na.tif\tx\n")
    editor.add_column("Source image")
    editor.apply(set(), {}, [{"Files": "b.tif", "Source image": "s.tif"}])
    assert editor.render() == b"Files\tType\tSource image\na.tif\tx\nb.tif\t\ts.tif\n"


def test_new_rows_are_as_wide_as_the_header() -> None:
    # The archive takes a short row too, but a row the sync wrote must not read as cut short.
    tsv = TsvEditor(b"Files\tType\tnote\n")
    tsv.apply(set(), {}, [{"Files": "a.tif", "Type": "x"}])
    assert tsv.render() == b"Files\tType\tnote\na.tif\tx\t\n"
    json_list = JsonEditor(b'[{"path": "b.tif", "attributes": [{"name": "note", "value": "n"}]}]')
    json_list.apply(set(), {}, [{"Files": "a.tif"}])
    assert json_list.rows[0] == {
        "path": "a.tif", "attributes": [{"name": "note", "value": ""}], "type": "file"
    }  # fmt: skip


def test_json_keeps_unknown_keys_and_attributes() -> None:
    data = [
        {
            "path": "b.tif",
            "attributes": [{"name": "Type", "value": "x"}],
            "type": "file",
            "size": 3,
        },
        {"path": "gone.tif", "attributes": None, "type": "file"},
    ]
    editor = JsonEditor(json.dumps(data).encode())
    assert editor.header == ["Files", "Type"]
    editor.apply({"gone.tif"}, {"b.tif": "a.tif"}, [{"Files": "c.tif", "Type": "y"}])
    assert editor.rows == [
        {
            "path": "a.tif",
            "attributes": [{"name": "Type", "value": "x"}],
            "type": "file",
            "size": 3,
        },
        {"path": "c.tif", "attributes": [{"name": "Type", "value": "y"}], "type": "file"},
    ]


def _styled_workbook(file: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Annotations"
    ws.append(["Files", "Annotation type", "Source image", "annotator"])
    ws.append(["masks/b.tif", "segmentation_mask", "img/b.tif", "AB"])
    ws.append(["masks/gone.tif", "segmentation_mask", "img/gone.tif", "AB"])
    ws.append(["masks/a.tif", "segmentation_mask", "img/a.tif", "CD"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws["A2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["D4"].comment = Comment("checked twice", "CD")
    ws.column_dimensions["A"].width = 42
    validation = DataValidation(type="list", formula1='"segmentation_mask,point_annotations"')
    validation.add("B2:B1000")
    ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    wb.create_sheet("Notes")["A1"] = "free notes"
    wb.save(file)


def test_xlsx_edit_keeps_styles_widths_comments_and_validation(tmp_path: Path) -> None:
    file = tmp_path / "filelist.xlsx"
    _styled_workbook(file)
    editor = open_editor(file)
    assert isinstance(editor, XlsxEditor)
    assert editor.refs == [2, 3, 4]
    editor.apply(
        {"masks/gone.tif"}, {}, [{"Files": "masks/c.tif", "Annotation type": "segmentation_mask"}]
    )
    editor.save(file)

    wb = openpyxl.load_workbook(file)
    ws = wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows == [
        ["Files", "Annotation type", "Source image", "annotator"],
        ["masks/a.tif", "segmentation_mask", "img/a.tif", "CD"],
        ["masks/b.tif", "segmentation_mask", "img/b.tif", "AB"],
        ["masks/c.tif", "segmentation_mask", None, None],
    ]
    assert ws["A1"].font.bold
    assert ws["A3"].fill.fgColor.rgb == "00FFFF00"  # the yellow row moved with its file
    assert ws["D2"].comment is not None and ws["D2"].comment.text == "checked twice"
    assert ws.column_dimensions["A"].width == 42
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["B2:B1000"]
    assert ws.freeze_panes == "A2"
    assert wb.sheetnames == ["Annotations", "Notes"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Files\tType\na.tif\n".encode("utf-16"), "not UTF-8 text"),
        (b"Path\tType\na.tif\n", "first header cell is not 'Files'"),
        (b"", "empty"),
        (b"\n", "first header cell is not"),
    ],
)
def test_a_tsv_the_archive_cannot_read_is_never_rewritten(
    tmp_path: Path, content: bytes, message: str
) -> None:
    file = tmp_path / "filelist.tsv"
    file.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        open_editor(file)
    assert file.read_bytes() == content


def test_an_xlsx_without_files_header_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["Notes", "for the lab"])
    wb.save(tmp_path / "list.xlsx")
    with pytest.raises(UsageError, match=r"list\.xlsx: its first header cell is not 'Files'"):
        open_editor(tmp_path / "list.xlsx")


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("l.tsv", b"Files\tType\na.tif\tx\n\tforgot the path\n", "line 3"),
        ("l.tsv", b"Files\tType\na.tif\tx\n  \tforgot the path\n", "line 3"),
        (
            "l.json",
            b'[{"path": "a.tif"}, {"attributes": [{"name": "T", "value": "v"}]}]',
            "entry 1",
        ),
        ("l.json", b'[{"path": 7, "attributes": [{"name": "T", "value": "v"}]}]', "entry 0"),
    ],
)
def test_a_row_without_a_path_is_never_deleted(
    tmp_path: Path, name: str, content: bytes, where: str
) -> None:
    # The sync plans to remove every listed path that is not a file: a blank one included.
    file = tmp_path / name
    file.write_bytes(content)
    editor = open_editor(file)
    with pytest.raises(UsageError, match=f"the row at {where} has no path"):
        editor.apply({editor.path_of(row) for row in editor.rows}, {}, [])


def test_tsv_whitespace_only_lines_are_blank_lines_not_rows() -> None:
    editor = TsvEditor(b"Files\tType\n \t \na.tif\tx\n")
    assert editor.rows == ["a.tif\tx"]
    assert editor.refs == [3]


def test_tsv_new_column_does_not_take_over_cells_under_a_blank_header() -> None:
    editor = TsvEditor(b"Files\tType\t\na.tif\tx\tstray note\n")
    with pytest.raises(UsageError, match="line 2 has a value past the last header"):
        editor.add_column("Source image")
    assert editor.header == ["Files", "Type", ""]


@pytest.mark.parametrize("path", ["a\tb.tif", "a\nb.tif", "a\rb.tif"])
def test_tsv_refuses_a_path_that_would_split_the_row(path: str) -> None:
    editor = TsvEditor(b"Files\tType\nold.tif\tx\n")
    with pytest.raises(UsageError, match="tab or line break"):
        editor.apply(set(), {}, [{"Files": path}])
    with pytest.raises(UsageError, match="tab or line break"):
        editor.apply(set(), {"old.tif": path}, [])


@pytest.mark.parametrize("attributes", ["5", '"text"', '{"name": "T"}'])
def test_json_attributes_that_are_no_array_do_not_crash(attributes: str) -> None:
    editor = JsonEditor(f'[{{"path": "a.tif", "attributes": {attributes}}}]'.encode())
    assert editor.header == ["Files"]
    editor.apply(set(), {}, [{"Files": "b.tif"}])
    assert [editor.path_of(r) for r in editor.rows] == ["a.tif", "b.tif"]
    assert editor.rows[0]["attributes"] == json.loads(attributes)


@pytest.mark.parametrize("cell", ["A3", "C2", "B1"])
def test_xlsx_with_a_formula_is_not_rewritten(tmp_path: Path, cell: str) -> None:
    # openpyxl reads a formula as its text ('=...' would look like a stale path and be deleted)
    # and saves it without the result the archive reads.
    file = tmp_path / "filelist.xlsx"
    _styled_workbook(file)
    wb = openpyxl.load_workbook(file)
    wb.worksheets[0][cell] = '="masks/"&"b.tif"'
    wb.save(file)
    before = file.read_bytes()
    with pytest.raises(UsageError, match=f"cell {cell} holds a formula"):
        open_editor(file)
    assert file.read_bytes() == before


def test_xlsx_with_merged_rows_is_refused_not_a_traceback(tmp_path: Path) -> None:
    file = tmp_path / "filelist.xlsx"
    _styled_workbook(file)
    wb = openpyxl.load_workbook(file)
    wb.worksheets[0].merge_cells("C2:C3")
    wb.save(file)
    with pytest.raises(UsageError, match="cells C2:C3 are merged"):
        open_editor(file)


@pytest.mark.parametrize("indent", [None, 2, 4, "\t"])
def test_json_keeps_its_layout(tmp_path: Path, indent: int | str | None) -> None:
    entries = [{"path": "b.tif", "attributes": [{"name": "Type", "value": "x"}], "type": "file"}]
    file = tmp_path / "list.json"
    file.write_text(json.dumps(entries, indent=indent) + "\n")
    editor = open_editor(file)
    editor.apply(set(), {}, [{"Files": "a.tif", "Type": "y"}])
    editor.save(file)
    new = {"path": "a.tif", "attributes": [{"name": "Type", "value": "y"}], "type": "file"}
    assert file.read_text() == json.dumps([new, *entries], indent=indent) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.text(st.sampled_from("ab\t é\udcff"), max_size=6), max_size=12),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_tsv_rendered_a_slice_at_a_time_is_the_whole_text(
    rows: list[str], bom: bool, newline: str
) -> None:
    """The bytes ``render`` writes a few rows at a time (the BOM once, a line end after every
    line, surrogate escapes kept) are those of the whole text encoded at once; ``render_final``
    writes the same, letting the rows go."""
    editor = TsvEditor(b"Files\tType\n")
    editor.rows, editor.bom, editor.newline = rows, bom, newline
    whole = ("\ufeff" if bom else "") + newline.join(["Files\tType", *rows]) + newline
    with mock.patch.object(edit, "_RENDERED_AT_ONCE", 3):
        assert editor.render() == whole.encode("utf-8", "surrogateescape")
        assert editor.rows == rows  # rendered again, the same
        assert editor.render_final() == whole.encode("utf-8", "surrogateescape")
    assert editor.rows == [] and editor.paths() == []  # done with: its rows went as rendered


def test_rows_that_name_what_a_reader_read_share_its_paths() -> None:
    """``names_as``: the rows' paths are the reader's own strings when every row names the same
    path in the same place; any difference (one path, the order, a row more) and they are not."""
    editor = TsvEditor(b"Files\tType\n" + b"".join(b"p%d.tif\tx\n" % i for i in range(70_000)))
    listed = [f"p{i}.tif" for i in range(70_000)]  # past one slice of the comparison
    for other in ([*listed[:-1], "q.tif"], listed[::-1], [*listed, "r.tif"], listed[:-1]):
        assert not editor.names_as(other)
    assert editor.names_as(listed)
    assert editor.paths() == listed
    assert all(mine is theirs for mine, theirs in zip(editor.paths(), listed, strict=True))
