"""File lists beyond the limits (limits.py): a located finding for every command, never a hang,
a MemoryError or a traceback; the sync leaves such a list byte for byte as it is."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import openpyxl
import pytest

from bia_hooks import limits
from bia_hooks.filelist.read import read_filelist
from tests.conftest import git, run_cli, write
from tests.hostile import HEADER, SHEET, cell, deadline, edit_part, row, sheet, workbook

CONFIG = "filelists:\n  - path: {name}\n    schema: general\n"


def _dataset(repo: Path, name: str, data: bytes) -> Path:
    write(repo, "a.tif")
    (repo / name).write_bytes(data)
    (repo / ".bia-hooks.yaml").write_text(CONFIG.format(name=name))
    git(repo, "add", ".")
    return repo / name


def _openpyxl_workbook() -> bytes:
    """A real workbook, as openpyxl writes it: shared strings, styles, a header and a row."""
    book = openpyxl.Workbook()
    book.active.append(["Files", "Note"])
    book.active.append(["a.tif", "fine"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_CASES = {
    # what was tried: (file list bytes, the code, where, words the message holds)
    "a row numbered 300,000,000 (6.6 GB of blank lines before)": (
        workbook(sheet(row(300_000_000, cell("A300000000", "Files")))),
        "BIA233",
        "l.xlsx:300000000:",
        "1,048,576 rows (Excel's last row)",
    ),
    "a cell in column ZZZZZZZ (a MemoryError)": (
        workbook(sheet(HEADER, row(2, cell("ZZZZZZZ2", "a.tif")))),
        "BIA233",
        "l.xlsx:2:",
        "16,384 columns (Excel's last column, XFD)",
    ),
    "a character reference past Unicode, &#99999999999999;": (
        workbook(sheet(HEADER, row(2, cell("A2", "a.tif"), cell("B2", "x&#99999999999999;")))),
        "BIA234",
        "l.xlsx:B2:",
        "'&#99999999999999;' is outside XML's characters",
    ),
    "a character reference to a lone surrogate, &#xD800;": (
        workbook(sheet(HEADER, row(2, cell("A2", "a.tif"), cell("B2", "x&#xD800;")))),
        "BIA234",
        "l.xlsx:B2:",
        "'&#xD800;' is outside XML's characters",
    ),
    "an escape of a lone surrogate, _xD800_ (POI decodes it)": (
        workbook(sheet(HEADER, row(2, cell("A2", "a.tif"), cell("B2", "x_xD800_")))),
        "BIA234",
        "l.xlsx:B2:",
        "the escape _xD800_ stands for half of a UTF-16 pair",
    ),
    "a cell of 40,000 characters": (
        workbook(sheet(HEADER, row(2, cell("A2", "a.tif"), cell("B2", "x" * 40_000)))),
        "BIA233",
        "l.xlsx:B2:",
        "a cell of 40,000 characters: bia-hooks reads at most 32,767 characters per cell",
    ),
    "a workbook whose first sheet has no part": (
        workbook(
            sheet(HEADER, row(2, cell("A2", "a.tif"))),
            {"xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships/>'},
        ),
        "BIA203",
        "l.xlsx:",
        "no part for the first sheet",
    ),
    "a real openpyxl workbook with its row renumbered 300,000,000": (
        edit_part(_openpyxl_workbook(), SHEET, 'r="2"', 'r="300000000"'),
        "BIA233",
        "l.xlsx:300000000:",
        "1,048,576 rows",
    ),
    "a real openpyxl workbook with a cell moved to column ZZZZZZZ": (
        edit_part(_openpyxl_workbook(), SHEET, 'r="A2"', 'r="ZZZZZZZ2"'),
        "BIA233",
        "l.xlsx:2:",
        "16,384 columns",
    ),
}


@pytest.mark.parametrize("case", XLSX_CASES)
def test_a_hostile_workbook_is_a_located_finding_and_left_alone(repo: Path, case: str) -> None:
    data, code, where, words = XLSX_CASES[case]
    listed = _dataset(repo, "l.xlsx", data)
    with deadline(60):
        validated = run_cli("validate", "l.xlsx", cwd=repo)
        synced = run_cli("sync", cwd=repo)
    assert validated.returncode == 1, validated.stderr
    assert f"{where} error {code}" in validated.stdout and words in validated.stdout
    assert synced.returncode == 1 and f"{code}" in synced.stdout, synced.stdout + synced.stderr
    assert "Traceback" not in validated.stderr + synced.stderr
    assert listed.read_bytes() == data


def test_a_zip_bomb_is_refused_before_it_inflates(repo: Path) -> None:
    data = workbook(sheet(HEADER, row(2, cell("A2", "a.tif")), tail=" " * (200 << 20)))
    assert len(data) < 1 << 20  # under 1 MB on disk
    listed = _dataset(repo, "l.xlsx", data)
    started = time.monotonic()
    with deadline(60):
        results = [run_cli(*command, cwd=repo) for command in (
            ["check"], ["validate", "l.xlsx"], ["sync"],
            ["export", "l.xlsx", "--format", "tsv", "--output", "out.tsv"],
        )]  # fmt: skip
    assert time.monotonic() - started < 30
    for result in results:
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert "l.xlsx: error BIA233 the workbook's part xl/worksheets/sheet1.xml inflates" in (
        results[1].stdout
    )
    assert "more than 100 times" in results[1].stdout
    assert listed.read_bytes() == data
    assert not (repo / "out.tsv").exists()


def test_a_zip_bomb_in_another_sheet_is_not_opened_to_edit_the_list(repo: Path) -> None:
    # The archive reads the first sheet only, and so does the check; openpyxl, which edits the
    # workbook for the sync, would inflate the second sheet's 200 MB.
    book = openpyxl.Workbook()
    book.active.append(["Files", "Note"])
    book.active.append(["a.tif", "fine"])
    book.create_sheet("notes").append(["x"])
    out = io.BytesIO()
    book.save(out)
    second = "xl/worksheets/sheet2.xml"
    data = edit_part(out.getvalue(), second, "</worksheet>", " " * (200 << 20) + "</worksheet>")
    listed = _dataset(repo, "l.xlsx", data)
    write(repo, "b.tif")
    git(repo, "add", "b.tif")
    assert run_cli("validate", "l.xlsx", cwd=repo).returncode == 0
    with deadline(60):
        synced = run_cli("sync", cwd=repo)
    assert synced.returncode == 2, synced.stdout + synced.stderr
    assert f"cannot open the workbook: the workbook's part {second} inflates" in synced.stderr
    assert listed.read_bytes() == data


def test_declared_sizes_are_checked_before_reading(tmp_path: Path) -> None:
    # A part whose header says it inflates 1,000 times is refused without inflating a byte.
    (tmp_path / "l.xlsx").write_bytes(
        workbook(sheet(HEADER, row(2, cell("A2", "a.tif")), tail=" " * (20 << 20)))
    )
    table, findings = read_filelist(tmp_path, "l.xlsx")
    assert table is None
    assert [f.code for f in findings] == ["BIA233"]


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "l.json:", "nested too deep: bia-hooks reads at most 64"),
        (
            b'[{"path": "a.tif", "attributes": [], "size": ' + b"9" * 5000 + b"}]",
            "l.json:1:",
            "a number of 5,000 digits: bia-hooks reads at most 1,000 digits",
        ),
        (
            b'[{"path": "a.tif", "attributes": [{"name": "N", "value": "x\\ud800"}]}]',
            "l.json#/0/attributes/0/value:",
            "holds \\ud800, half of a UTF-16 pair",
        ),
        (
            b'[{"path": "a\\udfff.tif", "attributes": []}]',
            "l.json#/0/path:",
            "holds \\udfff, half of a UTF-16 pair",
        ),
        (
            b'[{"path": "a.tif", "attributes": [], "\\ud800": 1}]',
            "l.json#/0/\\ud800:",
            "holds \\ud800",
        ),
        (
            b'[{"path": "a.tif", "attributes": [{"name": "N", "value": "'
            + b"x" * 40_000
            + b'"}]}]',
            "l.json#/0/attributes/0/value:",
            "a text of 40,000 characters",
        ),
    ],
    ids=["nested 100,000 deep", "a 5,000-digit integer", "a lone surrogate in a value",
         "a lone surrogate in a path", "a lone surrogate in a key", "a 40,000-character value"],
)  # fmt: skip
def test_a_hostile_json_list_is_a_located_finding_and_left_alone(
    repo: Path, data: bytes, where: str, words: str
) -> None:
    listed = _dataset(repo, "l.json", data)
    with deadline(60):
        validated = run_cli("validate", "l.json", cwd=repo)
        synced = run_cli("sync", cwd=repo)
    for result in (validated, synced):
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert where in validated.stdout and words in validated.stdout, validated.stdout
    assert listed.read_bytes() == data


def test_json_nested_100000_deep_is_one_finding_for_every_command(repo: Path) -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    listed = _dataset(repo, "l.json", data)
    with deadline(60):
        results = [run_cli(*command, cwd=repo) for command in (
            ["check"], ["validate", "l.json"], ["sync"], ["sync", "--check"],
            ["export", "l.json", "--format", "tsv", "--output", "out.tsv"],
        )]  # fmt: skip
    for result in results:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "l.json: error BIA233 arrays and objects nested too deep" in result.stdout
        assert "Traceback" not in result.stderr
    assert listed.read_bytes() == data
    assert not (repo / "out.tsv").exists()


def test_a_deep_json_list_is_not_taken_for_a_list_without_configuration(repo: Path) -> None:
    write(repo, "a.tif")
    (repo / "l.json").write_bytes(b'[{"path": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]")
    git(repo, "add", ".")
    result = run_cli("check", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "BIA425" in result.stdout  # no file list


@pytest.mark.parametrize(
    ("line", "where", "words"),
    [
        ("a.tif\t" + "x" * 40_000, "l.tsv:2:", "a cell of 40,000 characters: bia-hooks reads at "
         "most 32,767 characters per cell (Excel's longest cell)"),
        ("a.tif" + "\tx" * 600_000, "l.tsv:2:", "line 2 holds 1,200,005 characters: bia-hooks "
         "reads at most 1,048,576 characters per line"),
    ],
    ids=["a 40,000-character cell", "a 1.2-million-character line"],
)  # fmt: skip
def test_a_tsv_beyond_the_limits_is_a_located_finding_and_left_alone(
    repo: Path, line: str, where: str, words: str
) -> None:
    data = f"Files\tNote\n{line}\n".encode()
    listed = _dataset(repo, "l.tsv", data)
    validated = run_cli("validate", "l.tsv", cwd=repo)
    synced = run_cli("sync", cwd=repo)
    assert validated.returncode == 1
    assert f"{where} error BIA233 {words}" in validated.stdout, validated.stdout
    assert synced.returncode == 1 and "BIA233" in synced.stdout
    assert listed.read_bytes() == data


def test_a_cell_at_the_limit_is_read(tmp_path: Path) -> None:
    (tmp_path / "l.tsv").write_text("Files\tNote\na.tif\t" + "x" * limits.CELL_CHARS + "\n")
    table, findings = read_filelist(tmp_path, "l.tsv")
    assert table is not None and findings == []


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        (b"[]", False),
        (b"[" * 64 + b"]" * 64, False),
        (b"[" * 65 + b"]" * 65, True),
        (b"[" * 100_000, True),  # never closed: Python's parser recurses all the same
        (b'{"a":' * 64 + b"1" + b"}" * 64, False),
        (b'{"a":' * 65 + b"1" + b"}" * 65, True),
        (b'["' + b"[" * 1000 + b'"]', False),  # brackets in a string
        (json.dumps(['\\"' + "[" * 100, "\\" * 7]).encode(), False),  # escapes before them
        (b'["\\\\"' + b"," + b"[" * 70 + b"]" * 70 + b"]", True),  # an escaped backslash ends it
    ],
)
def test_json_nesting_is_measured_without_parsing(text: bytes, deeper: bool) -> None:
    assert limits.json_nesting_over(text) is deeper
