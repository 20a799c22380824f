"""One look for every workbook bia-hooks creates (init, a sync creating a list, export): the same
sheet name, a bold frozen header with notes on the archive's columns, widths, a drop-down of the
archive's annotation types, text cells; and the archive reads the same table as without it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from bia_hooks.filelist.read import read_filelist
from bia_hooks.filelist.vocabulary import ANNOTATION_TYPES
from tests.conftest import git, run_cli, write

LONG = "masks/plate1/" + "a_long_well_name_" * 3 + "mask.tif"


def assert_look(file: Path, header: list[str], rows: int) -> openpyxl.worksheet.worksheet.Worksheet:
    """The workbook's look, as a person opening it sees it; its one sheet returned."""
    workbook = openpyxl.load_workbook(file)
    assert workbook.sheetnames == ["Files"]
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == header
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    notes = {c.value: c.comment.text for c in sheet[1] if c.comment is not None}
    assert "root of the upload" in notes["Files"]
    if "Annotation type" in header:
        assert "comma-separated" in notes["Annotation type"]
        assert "segmentation_mask,point_annotations" in notes["Annotation type"]
    if "Source image" in header:
        assert "S-BIAD" in notes["Source image"] and "https://" in notes["Source image"]
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
    assert all(len(h) < w <= 60 for h, w in zip(header, widths, strict=True))
    assert sheet.max_row == rows + 1
    for row in sheet.iter_rows():
        assert all(c.data_type == "s" for c in row if c.value is not None)
    validations = sheet.data_validations.dataValidation
    assert len(validations) == ("Annotation type" in header)
    for validation in validations:
        letter = sheet.cell(row=1, column=header.index("Annotation type") + 1).column_letter
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(ANNOTATION_TYPES) + '"'
        assert str(validation.sqref) == f"{letter}2:{letter}1048576"  # rows added later too
        # 'segmentation_mask,point_annotations' is not in the list: no stop, no warning.
        assert validation.allow_blank
        assert not validation.showErrorMessage or validation.errorStyle == "information"
    return sheet


def test_export_writes_the_look_and_the_same_table(tmp_path: Path) -> None:
    source = (
        "Files\tAnnotation type\tSource image\tNotes\n"
        f"{LONG}\tsegmentation_mask,point_annotations\tS-BIAD1/images/a.tif\t1.50\n"
        "masks/b.tif\tsegmentation_mask\timages/b.tif\t=1+1\n"
        "masks/c.tif\n"
    )
    (tmp_path / "list.tsv").write_text(source)
    result = run_cli("export", "list.tsv", "-o", "list.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    header = ["Files", "Annotation type", "Source image", "Notes"]
    sheet = assert_look(tmp_path / "list.xlsx", header, rows=3)
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["D"].width
    before, _ = read_filelist(tmp_path, "list.tsv")
    after, findings = read_filelist(tmp_path, "list.xlsx")
    assert findings == []
    assert before is not None and after is not None
    assert (after.header, after.rows) == (before.header, before.rows)


def test_export_of_a_list_without_annotation_type_has_no_drop_down(tmp_path: Path) -> None:
    (tmp_path / "list.tsv").write_text("Files\tSource image\na.tif\timages/a.tif\n")
    assert run_cli("export", "list.tsv", "-o", "list.xlsx", cwd=tmp_path).returncode == 0
    assert_look(tmp_path / "list.xlsx", ["Files", "Source image"], rows=1)


def test_sync_creates_a_missing_xlsx_list_with_the_look(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: filelist.xlsx\n    include: ['masks/**']\n"
        "    defaults:\n      - match: 'masks/**'\n"
        "        values: {annotation type: segmentation_mask, Annotator: Ana}\n"
    )
    write(repo, LONG, "masks/b.tif")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr + result.stdout
    header = ["Files", "Annotation type", "Source image", "Annotator"]
    assert_look(repo / "filelist.xlsx", header, rows=2)
    table, findings = read_filelist(repo, "filelist.xlsx")
    assert findings == []
    assert table is not None
    assert (table.header, table.rows) == (
        header,
        [["masks/b.tif", "segmentation_mask", "", "Ana"], [LONG, "segmentation_mask", "", "Ana"]],
    )


def test_a_second_sync_keeps_the_look_and_the_drop_down_covers_new_rows(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: filelist.xlsx\n    include: ['masks/**']\n"
    )
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    assert run_cli("sync", cwd=repo).returncode == 1
    write(repo, "masks/b.tif")
    git(repo, "add", "-A")
    assert run_cli("sync", cwd=repo).returncode == 1
    assert_look(repo / "filelist.xlsx", ["Files", "Annotation type", "Source image"], rows=2)


def test_init_xlsx_writes_the_look(repo: Path) -> None:
    write(repo, "masks/A01_mask.tif", "masks/A02_mask.tif", "points/A01.csv")
    git(repo, "add", "-A")
    result = run_cli("init", "--format", "xlsx", cwd=repo)
    assert result.returncode == 0, result.stderr + result.stdout
    header = ["Files", "Annotation type", "Source image"]
    for name, rows in (
        ("masks_filelist.xlsx", [["masks/A01_mask.tif", "segmentation_mask"],
                                 ["masks/A02_mask.tif", "segmentation_mask"]]),
        ("points_filelist.xlsx", [["points/A01.csv", "point_annotations"]]),
    ):  # fmt: skip
        assert_look(repo / name, header, rows=len(rows))
        table, findings = read_filelist(repo, name)
        assert findings == []
        assert table is not None and (table.header, table.rows) == (header, rows)


def test_a_users_workbook_keeps_its_own_look(repo: Path) -> None:
    """Only workbooks bia-hooks creates are dressed; the sync edits a user's in place."""
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: filelist.xlsx\n    include: ['masks/**']\n"
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "My list"
    sheet.append(["Files", "Annotation type", "Source image"])
    workbook.save(repo / "filelist.xlsx")
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    assert run_cli("sync", cwd=repo).returncode == 1
    sheet = openpyxl.load_workbook(repo / "filelist.xlsx").worksheets[0]
    assert sheet.title == "My list"
    assert sheet.freeze_panes is None and sheet.data_validations.dataValidation == []
    assert not sheet["A1"].font.bold and sheet["A1"].comment is None
