"""``bia-hooks export``: as a user runs it, files on disk and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_cli


def test_tsv_to_xlsx_to_json_to_tsv(tmp_path: Path) -> None:
    original = "Files\tSource image\tn\na.tif\ts.tif\t1.50\nb c.tif\t\t=1\n"
    (tmp_path / "list.tsv").write_text(original)
    for source, args in [
        ("list.tsv", ["--format", "xlsx", "--output", "list.xlsx"]),
        ("list.xlsx", ["--output", "list.json"]),
        ("list.json", ["--format", "tsv", "-o", "back.tsv"]),
    ]:
        result = run_cli("export", source, *args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr + result.stdout
        assert "wrote " in result.stderr
    wb = openpyxl.load_workbook(tmp_path / "list.xlsx")
    assert [c.value for c in wb.worksheets[0][3]] == ["b c.tif", None, "=1"]
    assert json.loads((tmp_path / "list.json").read_text())[0]["attributes"][1]["value"] == "1.50"
    assert (tmp_path / "back.tsv").read_text() == original


def test_refuses_a_list_the_archive_refuses(tmp_path: Path) -> None:
    (tmp_path / "list.tsv").write_text("Files\tA\n\tx\n")
    result = run_cli("export", "list.tsv", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "BIA219" in result.stdout and "File Path is required" in result.stdout
    assert "not exported" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_xlsx_export_writes_the_number_the_cell_shows_not_the_cut_one(tmp_path: Path) -> None:
    """The archive would read 1 from the workbook; the export keeps 1.5, as text (info)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Files", "n"])
    ws.append(["a.tif", 1.5])
    wb.save(tmp_path / "list.xlsx")
    result = run_cli(
        "export", "list.xlsx", "-o", "list.tsv", "--report-format", "json", cwd=tmp_path
    )
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["summary"]["by_code"] == {"BIA222": 1}
    assert report["summary"]["infos"] == 1
    assert report["exported"] == "list.tsv"
    assert (tmp_path / "list.tsv").read_text() == "Files\tn\na.tif\t1.5\n"


@pytest.mark.parametrize(
    "data", ["\ufeffFiles\tA\na.tif\tx\n".encode(), "Files\tA\na.tif\tx\n".encode("utf-16")]
)
def test_repairs_bom_and_utf16_in_place(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "list.tsv").write_bytes(data)
    result = run_cli("export", "list.tsv", "-o", "list.tsv", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "list.tsv").read_bytes() == b"Files\tA\na.tif\tx\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-o", "out.csv"], "name it .tsv, .xlsx or .json"),
        (["--format", "xlsx", "-o", "out.tsv"], "must be named *.xlsx"),
        (["-o", "out.TSV"], "name it .tsv"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], said: str) -> None:
    (tmp_path / "list.tsv").write_text("Files\na.tif\n")
    result = run_cli("export", "list.tsv", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert said in result.stderr


def test_value_the_target_cannot_carry(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        '[{"path": "a.tif", "attributes": [{"name": "N", "value": "a\\nb"}]}]'
    )
    result = run_cli("export", "list.json", "-o", "list.tsv", cwd=tmp_path)
    assert result.returncode == 2
    assert "row 1 ('a.tif'), column 'N'" in result.stderr
    assert not (tmp_path / "list.tsv").exists()


def test_missing_source(tmp_path: Path) -> None:
    # A usage error, as `validate nope.tsv` says it: exit 2, one line, nothing written.
    result = run_cli("export", "nope.tsv", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "bia-hooks export: nope.tsv: no such file\n"
    assert not (tmp_path / "out.json").exists()
