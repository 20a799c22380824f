"""Writers produce what the readers (the archive) read back; round trips keep every row and cell."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bia_hooks.errors import UsageError
from bia_hooks.filelist.read import read_filelist
from bia_hooks.filelist.table import Table
from bia_hooks.filelist.writers import WRITERS, write_json, write_tsv, write_xlsx

TRICKY = Table(
    "x.tsv", "tsv", ["Files", "Source image", "n", "when", "formula"],
    [
        ["a.tif", "s/a.tif", "1.50", "2024-01-15", "=A1"],
        ["b c.tif", " lead", "007", "", "a_x0023_b"],
        ["d.tif"],
        ["e.tif", "", "TRUE", "#N/A", "é ü 中"],
    ],
    [2, 3, 4, 5],
)  # fmt: skip


def normal(rows: list[list[str]]) -> list[list[str]]:
    """A trailing empty cell and an absent one are the same list to the archive (XLSX drops it)."""
    out = []
    for row in rows:
        row = list(row)
        while len(row) > 1 and row[-1] == "":
            row.pop()
        out.append(row)
    return out


@pytest.mark.parametrize("fmt", ["tsv", "xlsx", "json"])
def test_writer_output_reads_back_unchanged(tmp_path: Path, fmt: str) -> None:
    WRITERS[fmt](TRICKY, tmp_path / f"out.{fmt}")
    table, findings = read_filelist(tmp_path, f"out.{fmt}")
    assert table is not None
    assert table.header == TRICKY.header
    assert normal(table.rows) == normal(TRICKY.rows)
    # only the leading space of ' lead' is worth a word (in JSON it is plainly quoted)
    assert {f.code for f in findings} == (set() if fmt == "json" else {"BIA214"})


def test_tsv_bytes(tmp_path: Path) -> None:
    write_tsv(TRICKY, tmp_path / "out.tsv")
    data = (tmp_path / "out.tsv").read_bytes()
    assert data.startswith(b"Files\tSource image")  # no BOM
    assert b"\r" not in data and b'"' not in data.replace(b'"', b"")
    assert data.decode("utf-8").splitlines()[3] == "d.tif"


def test_xlsx_cells_are_text_never_formulas(tmp_path: Path) -> None:
    write_xlsx(TRICKY, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    ws = wb.worksheets[0]
    assert wb.sheetnames == ["Files"]
    assert [c.value for c in ws[2]] == ["a.tif", "s/a.tif", "1.50", "2024-01-15", "=A1"]
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value is not None)


def test_json_form(tmp_path: Path) -> None:
    write_json(TRICKY, tmp_path / "out.json")
    entries = json.loads((tmp_path / "out.json").read_text())
    assert entries[2]["attributes"][2] == {"name": "when", "value": ""}
    assert entries[0]["attributes"][0] == {"name": "Source image", "value": "s/a.tif"}


@pytest.mark.parametrize(
    ("fmt", "cell", "said"),
    [
        ("tsv", "a\tb", "row 1 ('a.tif'), column 'T'"),
        ("tsv", "a\nb", "tab or line break"),
        ("xlsx", "a\nb", "row 1 ('a.tif'), column 'T'"),
        ("xlsx", 'say "x"', "the archive would quote it"),
        ("xlsx", "bell\x07", "control character"),
        ("xlsx", "x" * 40000, "32767"),
    ],
)
def test_values_a_format_cannot_carry(tmp_path: Path, fmt: str, cell: str, said: str) -> None:
    table = Table("x", "json", ["Files", "T"], [["a.tif", cell]], [0])
    with pytest.raises(UsageError, match=said.replace("(", r"\(").replace(")", r"\)")):
        WRITERS[fmt](table, tmp_path / f"out.{fmt}")
    assert not (tmp_path / f"out.{fmt}").exists()


def test_json_carries_what_tsv_cannot(tmp_path: Path) -> None:
    table = Table("x", "tsv", ["Files", "T"], [["a.tif", "two\nlines\tand a tab"]], [2])
    write_json(table, tmp_path / "out.json")
    back, findings = read_filelist(tmp_path, "out.json")
    assert back is not None and back.rows == table.rows and findings == []


# Safe strings: what every format carries (no tab, line break, quote or control character), and
# no leading '#', blank path or leading/trailing space, which the readers rightly report.
_safe = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters='"\t'
    ),
    max_size=12,
).filter(lambda s: s == s.strip())
_name = _safe.filter(lambda s: s != "" and s != "Files")
_path = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_ ./()-]{0,20}[A-Za-z0-9_]", fullmatch=True)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    names = draw(st.lists(_name, min_size=0, max_size=4, unique=True))
    header = ["Files", *names]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        values = draw(st.lists(_safe, min_size=0, max_size=len(names)))
        rows.append([draw(_path), *values])
    return Table("x.tsv", "tsv", header, rows, list(range(2, 2 + len(rows))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_round_trip_tsv_xlsx_json_tsv(table: Table) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tsv(table, root / "a.tsv")
        current = table
        for fmt, name in (("xlsx", "b.xlsx"), ("json", "c.json"), ("tsv", "d.tsv")):
            WRITERS[fmt](current, root / name)
            back, findings = read_filelist(root, name)
            assert back is not None, findings
            assert [f for f in findings if f.level.value == "error"] == []
            assert back.header == table.header
            assert normal(back.rows) == normal(table.rows)
            current = back
