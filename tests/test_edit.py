"""Editing file lists in place: the rows change, nothing else does."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bia_hooks.errors import UsageError
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
        "\ufeffFiles\tType\tnote\r\na2.tif\ty\r\nb.tif\tx\tkeep\textra past header\r\nc.tif\t\t\r\n"
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
