"""Untrusted text meeting an output channel: terminal and log lines, workflow commands, Markdown,
XLSX cells. Each channel's escaping, and the commands that print or write file names through it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks.filelist.read import read_filelist
from bia_hooks.safe_text import (
    escape_data,
    escape_property,
    inert_json,
    markdown,
    printable,
    set_text_cell,
)
from tests.conftest import git, run_cli, write

# What a terminal or a log reader acts on: C0 and C1 controls, DEL, Unicode line and paragraph
# separators, bidirectional controls, lone surrogates.
ACTIVE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("one\ntwo\rthree\tfour", "one\\ntwo\\rthree\\tfour"),
        ("c1\x9b31m and \x85", "c1\\x9b31m and \\x85"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("not utf-8 \udcff", "not utf-8 \\udcff"),
        ("::warning title=X::y.tsv", ":\\x3awarning title=X:\\x3ay.tsv"),
        ("x ##[error]y", "x ##\\x5berror]y"),
        ("a:b #c [d] é 中", "a:b #c [d] é 中"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


@settings(max_examples=30, deadline=None)
@given(st.text())
def test_printable_text_is_one_inert_line(text: str) -> None:
    shown = printable(text)
    assert not ACTIVE.search(shown)
    assert "::" not in shown and "##[" not in shown
    shown.encode("utf-8")  # no lone surrogate left to fail an encoder


@settings(max_examples=30, deadline=None)
@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_inert_json_means_the_same_and_is_inert(value: object) -> None:
    text = inert_json(json.dumps(value, indent=2, ensure_ascii=False))
    assert json.loads(text) == value
    assert not ACTIVE.search(text.replace("\n", "")) and "##[" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())


def test_workflow_command_escapes_are_the_runners() -> None:
    assert escape_data("50%\r\nx") == "50%25%0D%0Ax"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_markdown_is_inert_and_one_line() -> None:
    assert markdown("a|b*c*\n<img src=x>", 100) == r"a\|b\*c\*\\n\<img src=x\>"
    assert markdown("x" * 10, 5) == "xxxx…"
    assert markdown("\x1b\u2028", 10) == "\\\\x1b\\\\u2028"


FORMULA_LIKE = ["=1+1", "=HYPERLINK(A1)", "+1", "-1", "@SUM(A1)", "#N/A", "=", "#REF!"]


@pytest.mark.parametrize("value", FORMULA_LIKE)
def test_a_text_cell_stays_text(tmp_path: Path, value: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    set_text_cell(ws["A1"], "Files")
    set_text_cell(ws["A2"], value)
    wb.save(tmp_path / "list.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "list.xlsx").worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == (value, "s")
    table, _ = read_filelist(tmp_path, "list.xlsx")  # as the archive reads it
    assert table is not None and table.rows == [[value]]


# --- the commands ------------------------------------------------------------------------------

# A name a terminal would act on: an escape sequence, a C1 CSI, a line separator, a bidi override.
HOSTILE = "masks/a\x1b]0;owned\x07b\x9b2J\u2028c\u202ed.tif"
SHOWN = "masks/a\\x1b]0;owned\\x07b\\x9b2J\\u2028c\\u202ed.tif"


def test_sync_prints_file_names_escaped(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: list.tsv\n")
    (repo / "list.tsv").write_text("Files\n")
    write(repo, HOSTILE)
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert f"  + {SHOWN}" in result.stdout.splitlines()
    assert not ACTIVE.search((result.stdout + result.stderr).replace("\n", ""))
    assert (repo / "list.tsv").read_text() == f"Files\n{HOSTILE}\n"  # the list holds the name


def test_fix_names_prints_file_names_escaped(repo: Path) -> None:
    write(repo, HOSTILE)
    git(repo, "add", "-A")
    plan = run_cli("fix-names", cwd=repo)
    assert plan.returncode == 1, plan.stderr
    assert f"would rename '{SHOWN}' -> " in plan.stdout
    applied = run_cli("fix-names", "--apply", cwd=repo)
    assert f"renamed '{SHOWN}' -> " in applied.stdout
    for result in (plan, applied):
        assert not ACTIVE.search((result.stdout + result.stderr).replace("\n", ""))


def test_export_prints_the_names_escaped(repo: Path) -> None:
    name = "::warning title=X::y\x1b.tsv"
    (repo / name).write_text("Files\na.tif\n")
    write(repo, "a.tif")
    result = run_cli("export", "--output", "out.tsv", "--", name, cwd=repo)
    assert result.returncode == 1  # the archive refuses the list's name (BIA202)
    assert ":\\x3awarning title=X:\\x3ay\\x1b.tsv: error BIA202 " in result.stdout
    assert result.stderr.startswith("wrote out.tsv: 1 file(s)")
    out = run_cli("export", "--output", name.replace("y", "z"), "--", name, cwd=repo)
    assert "wrote :\\x3awarning title=X:\\x3az\\x1b.tsv: 1 file(s)" in out.stderr
    for line in (result.stdout + out.stdout + result.stderr + out.stderr).splitlines():
        assert not line.lstrip().startswith("::"), line


def test_a_json_report_on_standard_output_is_inert(repo: Path) -> None:
    name = "a ##[warning title=J]j\x9b\u2028.tif"
    write(repo, name)
    git(repo, "add", "-A")
    result = run_cli("check-names", "--format", "json", cwd=repo)
    assert result.returncode == 1
    assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {name}
    assert "##[" not in result.stdout and not ACTIVE.search(result.stdout.replace("\n", ""))


def test_a_configuration_error_quoting_a_key_is_escaped(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text('severity: {"x\\n::warning::y\\u2028\\e[31m": bogus}\n')
    result = run_cli("check", cwd=repo)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("bia-hooks check: ") for line in lines), lines
    assert "severity.x\\n:\\x3awarning:\\x3ay\\u2028\\x1b[31m: 'bogus' is not one of" in lines[1]
    assert not ACTIVE.search(result.stderr.replace("\n", ""))


def test_sync_writes_formula_like_names_and_defaults_as_text(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: list.xlsx\n    schema: general\n    defaults:\n"
        "      - match: '**'\n"
        '        values: {Annotation type: \'=HYPERLINK("http://x","y")\'}\n'
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Files", "Annotation type", "Note"])
    ws.append(["z.tif", "other"])
    set_text_cell(ws["C2"], "=1+1")  # text that looks like a formula
    ws["D2"] = "#N/A"  # an error value
    assert ws["D2"].data_type == "e"
    wb.save(repo / "list.xlsx")
    write(repo, "z.tif", "=cmd.tif", "@a.tif")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    sheet = openpyxl.load_workbook(repo / "list.xlsx").worksheets[0]
    cells = {(c.coordinate, c.value, c.data_type) for row in sheet.iter_rows() for c in row}
    link = '=HYPERLINK("http://x","y")'
    # '=cmd.tif' and '@a.tif' sort before 'z.tif': its row moved, and kept its cells' types.
    assert {("A2", "=cmd.tif", "s"), ("B2", link, "s"), ("A3", "@a.tif", "s"), ("B3", link, "s"),
            ("A4", "z.tif", "s"), ("C4", "=1+1", "s"), ("D4", "#N/A", "e")} <= cells  # fmt: skip
