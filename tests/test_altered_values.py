"""What the archive would store otherwise than the cell shows is an error, and its fix works.

In a workbook the archive cuts numbers to whole numbers (0.65 -> 0), reads a date as its day
number (2024-01-15 -> 45306) and a boolean as 1 or 0; a TSV in Latin-1 has its accents turned into
U+FFFD. Real workbooks written by openpyxl, checked, then exported as the fix says.
"""

from __future__ import annotations

import datetime
import json
import re
import shlex
from pathlib import Path

import openpyxl
import pytest

from bia_hooks.filelist.read import read_filelist
from tests.conftest import run_cli

# (the value typed, its code, what the archive reads, what the cell shows: the text to keep)
TYPED = [
    pytest.param(0.65, "BIA222", "0", "0.65", id="float"),
    pytest.param(12.5, "BIA222", "12", "12.5", id="float-above-one"),
    pytest.param(datetime.date(2024, 1, 15), "BIA223", "45306", "2024-01-15", id="date"),
    pytest.param(
        datetime.datetime(2024, 1, 15, 12, 30),
        "BIA223",
        "45306",
        "2024-01-15 12:30:00",
        id="date-and-time",
    ),
    pytest.param(True, "BIA224", "1", "TRUE", id="boolean"),
    pytest.param(False, "BIA224", "0", "FALSE", id="boolean-false"),
]


def workbook(file: Path, *rows: list[object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(file)


def report(result_stdout: str) -> dict[str, object]:
    data = json.loads(result_stdout)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("typed", "code", "archive_reads", "shown"), TYPED)
def test_a_value_the_archive_changes_is_an_error_with_a_fix_that_keeps_it(
    tmp_path: Path, typed: object, code: str, archive_reads: str, shown: str
) -> None:
    workbook(tmp_path / "list.xlsx", ["Files", "Score"], ["a.tif", typed])
    result = run_cli("validate", "list.xlsx", "--schema", "general", "--format", "json",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    [finding] = report(result.stdout)["findings"]  # type: ignore[misc]
    assert (finding["code"], finding["level"], finding["cell"]) == (code, "error", "B2")
    assert finding["value"] == archive_reads
    assert f"format the cells as Text in Excel and type {shown} again" in finding["fix"]
    assert f"leading apostrophe ('{shown})" in finding["fix"]
    # The fix names an export that keeps the value: run it as written, read back what it wrote.
    [command] = re.findall(r"'(bia-hooks export [^']*)'", finding["fix"])
    assert command == "bia-hooks export list.xlsx --output NEW.xlsx"
    exported = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert (
        f"list.xlsx:B2: [Score] info {code}" in exported.stdout
        and f"as the text '{shown}'" in exported.stdout
    )
    cell = openpyxl.load_workbook(tmp_path / "NEW.xlsx").worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == (shown, "s")
    table, findings = read_filelist(tmp_path, "NEW.xlsx")  # what the archive reads now
    assert table is not None and table.rows == [["a.tif", shown]] and findings == []


@pytest.mark.parametrize(("typed", "code", "archive_reads", "shown"), TYPED)
def test_export_to_tsv_and_json_keeps_what_the_cell_shows(
    tmp_path: Path, typed: object, code: str, archive_reads: str, shown: str
) -> None:
    workbook(tmp_path / "list.xlsx", ["Files", "Score"], ["a.tif", typed])
    for output in ("list.tsv", "list.json"):
        result = run_cli("export", "list.xlsx", "-o", output, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "list.tsv").read_text() == f"Files\tScore\na.tif\t{shown}\n"
    [entry] = json.loads((tmp_path / "list.json").read_text())
    assert entry["attributes"] == [{"name": "Score", "value": shown}]


def test_the_workbook_itself_is_left_as_it_is(tmp_path: Path) -> None:
    workbook(tmp_path / "list.xlsx", ["Files", "Score"], ["a.tif", 0.65])
    before = (tmp_path / "list.xlsx").read_bytes()
    assert run_cli("export", "list.xlsx", "-o", "list.tsv", cwd=tmp_path).returncode == 0
    assert (tmp_path / "list.xlsx").read_bytes() == before


def test_a_whole_number_and_text_are_not_findings(tmp_path: Path) -> None:
    workbook(tmp_path / "list.xlsx", ["Files", "n", "t"], ["a.tif", 12, "0.65"])
    result = run_cli("validate", "list.xlsx", "--schema", "general", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_check_fails_on_a_cut_number_by_default(tmp_path: Path) -> None:
    """The commit stops: what was a warning, which pre-commit hides when a hook passes."""
    (tmp_path / "a.tif").write_text("x")
    workbook(
        tmp_path / "list.xlsx",
        ["Files", "Annotation type", "Source image", "Threshold"],
        ["a.tif", "segmentation_mask", "img/a.tif", 0.65],
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "list.xlsx:D2: [Threshold] error BIA222 the number 0.65 is read as 0" in result.stdout


def test_a_latin1_value_is_an_error_and_export_does_not_write_it_altered(tmp_path: Path) -> None:
    (tmp_path / "list.tsv").write_bytes(b"Files\tAnnotator\na.tif\tJos\xe9\n")
    result = run_cli("validate", "list.tsv", "--schema", "general", cwd=tmp_path)
    assert result.returncode == 1
    assert "list.tsv:2: [Annotator] error BIA217" in result.stdout
    assert "save the file as UTF-8" in result.stdout
    exported = run_cli("export", "list.tsv", "-o", "list.json", cwd=tmp_path)
    assert exported.returncode == 1
    assert "not exported" in exported.stderr and "save it as UTF-8" in exported.stderr
    assert not (tmp_path / "list.json").exists()
