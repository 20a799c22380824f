"""File list content: good and broken annotation file lists, each with the finding expected."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bia_hooks.config import Config, FileListConfig
from bia_hooks.filelist.columns import standard_name
from bia_hooks.filelist.rowschemas import builtin_schema
from bia_hooks.filelist.table import Table
from bia_hooks.filelist.validate import validate_table
from bia_hooks.findings import Finding
from bia_hooks.validation import validate_filelist

HEAD = "Files\tAnnotation type\tSource image\n"


def tsv(*lines: str, head: str = HEAD) -> str:
    return head + "".join(line + "\n" for line in lines)


def run(tmp_path: Path, text: str, schema: str = "annotations", extra: str | None = None,
        name: str = "annotations.tsv") -> list[Finding]:  # fmt: skip
    (tmp_path / name).write_text(text, encoding="utf-8")
    config = Config(root=tmp_path, filelists=(FileListConfig(name, schema, extra),))
    table, findings = validate_filelist(config, name)
    assert table is not None
    return findings


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


GOOD = [
    pytest.param(tsv("masks/a.tif\tsegmentation_mask\timages/a.tif"), id="one-row"),
    pytest.param(
        tsv("a.tif\tsegmentation_mask,point_annotations\tS-BIAD123/a.tif"), id="two-types"
    ),
    pytest.param(
        tsv("a.tif\tclass_labels, tracks\thttps://www.ebi.ac.uk/biostudies/files/S-BIAD1/a.tif"),
        id="type-list-with-space",
    ),
    pytest.param(
        tsv("data/x.tif\tother\ti", "data2/y.tif\tother\ti"), id="shared-prefix-not-parent"
    ),
    pytest.param(
        tsv("a b/(1)!.tif\tcounts\ti\tme", head=HEAD.strip() + "\tannotator\n"), id="free-columns"
    ),
    pytest.param(
        tsv("a.tif\ti\tgraphs", head="Files\tSource image\tAnnotation type\n"), id="any-order"
    ),
    pytest.param(
        tsv("a.tif\tother\ti", head="Files\tAnnotation Type\tSource Image\n"),
        id="help-page-spellings",
    ),
    pytest.param(
        tsv("a.tif\tother\ti", head="Files\tannotation_type\tSource Image Association\n"),
        id="spellings-both-ingests-read",
    ),
]


@pytest.mark.parametrize("text", GOOD)
def test_good_annotation_lists_have_no_finding(tmp_path: Path, text: str) -> None:
    assert run(tmp_path, text) == []


BROKEN = [
    # (TSV, expected codes, line of the first finding)
    pytest.param(
        tsv("a.tif\tsegmentation_mask", "b.tif\tother", head="Files\tAnnotation type\n"),
        ["BIA302"],
        1,
        id="source-image-column-missing-once",
    ),
    pytest.param(
        tsv("a.tif\ti", head="Files\tSourceImage\n"),
        ["BIA302", "BIA302"],
        1,
        id="spelling-the-ingest-does-not-know",
    ),
    pytest.param(
        tsv("a.tif\tother\ti", head="Files\tAnnotation type\tsource_image\n"),
        ["BIA305"],
        1,
        id="source-image-alias",
    ),
    pytest.param(
        tsv("a.tif\tother\ti", head="Files\tAnnotation type\tsourceImage\n"),
        ["BIA305"],
        1,
        id="the-newer-ingests-own-name",
    ),
    pytest.param(
        tsv("a.tif\tother\ti", head="Files\tAnnotation type\tSOURCE IMAGE\n"),
        ["BIA305"],
        1,
        id="upper-case",
    ),
    pytest.param(
        tsv("a.tif\tother\ti\tj", head=HEAD.strip() + "\tSource Image\n"),
        ["BIA306"],
        1,
        id="source-image-twice-both-read",
    ),
    pytest.param(
        tsv("a.tif\tother\ti\tj", head=HEAD.strip() + "\tsource_image\n"),
        ["BIA305", "BIA306"],
        1,
        id="source-image-twice-two-spellings",
    ),
    pytest.param(
        tsv("a.tif\tother\ti\tj", head=HEAD.strip() + "\tSource image\n"),
        ["BIA210"],
        1,
        id="same-column-twice-is-the-readers",
    ),
    pytest.param(tsv("a.tif\tSegmentation masks\ti"), ["BIA304"], 2, id="free-text-type"),
    pytest.param(tsv("a.tif\tsegmentation_mask,\ti"), ["BIA304"], 2, id="stray-comma"),
    pytest.param(tsv("a.tif\t\ti"), ["BIA303"], 2, id="empty-type"),
    pytest.param(tsv("a.tif\tother\t"), ["BIA303"], 2, id="empty-source-image"),
    pytest.param(tsv("a.tif\tother\t  "), ["BIA303"], 2, id="blank-source-image"),
    pytest.param(tsv("ok.tif\tother\ti", "a.tif\tother"), ["BIA303"], 3, id="short-row"),
    pytest.param(tsv("a#b.tif\tother\ti"), ["BIA301"], 2, id="refused-character"),
    pytest.param(tsv("./a.tif\tother\ti"), ["BIA301"], 2, id="leading-dot-slash"),
    pytest.param(tsv("a/../b.tif\tother\ti"), ["BIA301"], 2, id="dot-dot"),
    pytest.param(tsv("masks/\tother\ti"), ["BIA301"], 2, id="trailing-slash"),
    pytest.param(
        tsv("a.tif\tother\ti", "b.tif\tother\ti", "a.tif\tother\ti"),
        ["BIA307"],
        4,
        id="same-path-twice",
    ),
    pytest.param(
        tsv("data\tother\ti", "data/x.tif\tother\ti"), ["BIA308"], 2, id="folder-and-file-inside"
    ),
    pytest.param(tsv("#a.tif\tother\ti"), ["BIA215"], 2, id="hash-row-reported-once"),
    pytest.param(tsv("\tother\ti"), ["BIA219"], 2, id="blank-path-reported-once"),
    pytest.param(tsv(), ["BIA204"], 1, id="empty-list-reported-once"),
]


@pytest.mark.parametrize(("text", "expected", "line"), BROKEN)
def test_broken_annotation_lists(tmp_path: Path, text: str, expected: list[str], line: int) -> None:
    findings = run(tmp_path, text)
    assert codes(findings) == expected
    assert min(f.line or 0 for f in findings) == line
    assert all(f.path == "annotations.tsv" for f in findings)


@pytest.mark.parametrize(
    ("cell", "fix"),
    [
        ("Segmentation masks", "write 'segmentation_mask'"),
        ("points", "write 'point_annotations'"),
        ("bbox", "write 'bounding_boxes'"),
        ("Class labels", "write 'class_labels'"),
        ("masks, points", "write 'segmentation_mask,point_annotations'"),
        ("tracking", "write 'tracks'"),
    ],
)
def test_free_text_names_the_controlled_value_meant(tmp_path: Path, cell: str, fix: str) -> None:
    [finding] = run(tmp_path, tsv(f"a.tif\t{cell}\ti"))
    assert (finding.code, finding.fix, finding.value, finding.column) == (
        "BIA304",
        fix,
        cell,
        "Annotation type",
    )


def test_a_type_nobody_can_guess_lists_the_controlled_values(tmp_path: Path) -> None:
    [finding] = run(tmp_path, tsv("a.tif\tcells\ti"))
    assert "'cells' is not in the archive's list" in finding.message
    assert finding.fix is not None and "segmentation_mask" in finding.fix


def test_a_missing_column_is_one_finding_however_many_rows(tmp_path: Path) -> None:
    rows = [f"f{i}.tif\tother" for i in range(500)]
    findings = run(tmp_path, tsv(*rows, head="Files\tAnnotation type\n"))
    assert [(f.code, f.column, f.line) for f in findings] == [("BIA302", "Source image", 1)]


@pytest.mark.parametrize(
    ("written", "reads", "misses"),
    [("source_image", "older", "newer"), ("sourceImage", "newer", "older")],
)
def test_a_spelling_one_ingest_misses_names_that_ingest(tmp_path: Path, written: str, reads: str,
                                                        misses: str) -> None:  # fmt: skip
    head = f"Files\tAnnotation type\t{written}\n"
    [f] = run(tmp_path, tsv("a.tif\tother\ti", head=head))
    assert (f.code, f.level.value, f.column, f.line) == ("BIA305", "warning", written, 1)
    assert f"by the archive's {reads} ingest" in f.message
    assert f"its {misses} ingest" in f.message and "does not read this spelling" in f.message
    assert f.fix == "rename the column to 'Source image'"


def test_the_near_miss_is_named(tmp_path: Path) -> None:
    findings = run(tmp_path, tsv("a.tif\tother\ti", head="Files\tAnnotation type\tSource-Image\n"))
    [f] = findings
    assert f.fix == "rename the column 'Source-Image' to 'Source image'"


def test_refused_path_says_why_and_proposes_a_name(tmp_path: Path) -> None:
    [f] = run(tmp_path, tsv("plate 1/A01#2.tif\tother\ti"))
    assert "The given file path contains invalid characters: plate 1/A01#2.tif" in f.message
    assert "'#' (number sign) at 12" in f.message
    assert f.fix is not None and "'plate_1/A01-2.tif'" in f.fix


def test_duplicate_and_circular_findings_point_at_both_rows(tmp_path: Path) -> None:
    findings = run(tmp_path, tsv("a/x.tif\tother\ti", "a\tother\ti", "a/x.tif\tother\ti"))
    by_code = {f.code: f for f in findings}
    assert by_code["BIA307"].line == 4 and "first on line 2" in by_code["BIA307"].message
    assert by_code["BIA308"].line == 3 and "'a/x.tif'" in by_code["BIA308"].message


# Under `general` the archive's verdict counts: what it accepts passes (warnings at most).
GENERAL = [
    pytest.param(tsv("a.tif", head="Files\n"), [], id="files-only"),
    pytest.param(
        tsv("a.tif\tfree text", head="Files\tAnnotation type\n"), [], id="no-annotation-rules"
    ),
    pytest.param(
        tsv("a.tif", "a.tif", head="Files\n"), [("BIA307", "warning")], id="duplicate-is-a-warning"
    ),
    pytest.param(
        tsv("a.tif\tx\ty", head="Files\tc\tc\n"), [("BIA210", "warning")], id="same-column-twice"
    ),
    pytest.param(tsv("a&b.tif", head="Files\n"), [("BIA301", "error")], id="refused-path"),
    pytest.param(tsv("d", "d/x", head="Files\n"), [("BIA308", "error")], id="circular"),
    pytest.param(tsv(head="Files\n"), [("BIA204", "error")], id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), GENERAL)
def test_general_schema_follows_the_server(
    tmp_path: Path, text: str, expected: list[tuple[str, str]]
) -> None:
    findings = run(tmp_path, text, schema="general")
    assert sorted((f.code, f.level.value) for f in findings) == expected


EXTRA = """\
$schema: https://json-schema.org/draft/2020-12/schema
required: [annotator]
properties:
  plate:
    pattern: "^P[0-9]{3}$"
    description: a plate barcode such as P001
"""


def test_extra_schema_applies_on_top(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(EXTRA)
    head = HEAD.strip() + "\tplate\tannotator\n"
    text = tsv(
        "a.tif\tother\ti\tP001\tme",
        "b.tif\tother\ti\tplate 1\tme",
        "c.tif\tother\ti\tP002",
        head=head,
    )
    findings = sorted(run(tmp_path, text, extra="extra.yaml"), key=Finding.sort_key)
    assert [(f.code, f.line, f.column) for f in findings] == [
        ("BIA309", 3, "plate"),
        ("BIA309", 4, "annotator"),
    ]
    assert (
        "expected to match the pattern ^P[0-9]{3}$ (a plate barcode such as P001)"
        in findings[0].message
    )


def test_extra_schema_column_missing_is_one_finding(tmp_path: Path) -> None:
    (tmp_path / "extra.json").write_text('{"required": ["annotator"]}')
    findings = run(tmp_path, tsv("a.tif\tother\ti", "b.tif\tother\ti"), extra="extra.json")
    assert [(f.code, f.column, f.line) for f in findings] == [("BIA309", "annotator", 1)]


def test_extra_schema_with_keywords_left_to_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(
        "if: {properties: {Annotation type: {const: tracks}}}\nthen: {required: [frame]}\n"
    )
    head = HEAD.strip() + "\tframe\n"
    text = tsv("a.tif\ttracks\ti\t1", "b.tif\ttracks\ti", "c.tif\tother\ti", head=head)
    findings = run(tmp_path, text, extra="extra.yaml")
    assert [(f.code, f.line) for f in findings] == [("BIA309", 3)]
    assert "'frame' is a required property" in findings[0].message


def test_extra_schema_errors_stay_errors_under_general(tmp_path: Path) -> None:
    (tmp_path / "extra.json").write_text('{"required": ["annotator"]}')
    findings = run(tmp_path, tsv("a.tif", head="Files\n"), schema="general", extra="extra.json")
    assert [(f.code, f.level.value) for f in findings] == [("BIA309", "error")]


def test_extra_schema_sees_standard_column_names(tmp_path: Path) -> None:
    (tmp_path / "extra.json").write_text('{"properties": {"Source image": {"pattern": "^S-BIAD"}}}')
    text = tsv("a.tif\tother\timages/a.tif", head="Files\tAnnotation type\tsource_image\n")
    findings = run(tmp_path, text, extra="extra.json")
    assert codes(findings) == ["BIA305", "BIA309"]


def test_json_and_xlsx_locations() -> None:
    rows = [["a.tif", "other", "i"], ["b#.tif", "points", ""]]
    header = ["Files", "Annotation type", "Source image"]
    json_findings = validate_table(Table("list.json", "json", header, rows, [0, 1]))
    assert sorted((f.code, f.pointer) for f in json_findings) == [
        ("BIA301", "/1/path"),
        ("BIA303", "/1/attributes"),
        ("BIA304", "/1/attributes"),
    ]
    xlsx_findings = validate_table(Table("list.xlsx", "xlsx", header, rows, [2, 3]))
    assert sorted((f.code, f.cell) for f in xlsx_findings) == [
        ("BIA301", "A3"),
        ("BIA303", "C3"),
        ("BIA304", "B3"),
    ]
    missing = validate_table(
        Table("list.xlsx", "xlsx", ["Files", "source_image"], [["a", "b"]], [2])
    )
    assert sorted((f.code, f.cell, f.line) for f in missing) == [
        ("BIA302", None, 1),
        ("BIA305", "B1", 1),
    ]


def test_long_columns_spelled_out_in_spreadsheet_letters() -> None:
    header = ["Files", *[f"c{i}" for i in range(27)], "source_image"]
    [f] = [f for f in validate_table(Table("l.xlsx", "xlsx", header, [], [])) if f.code == "BIA305"]
    assert f.cell == "AC1"


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("tsv", "this row ends before the column 'Source image'"),
        ("xlsx", "the cell of 'Source image' is empty"),  # the archive drops trailing empty cells
        ("json", "this entry has no attribute 'Source image'"),
    ],
)
def test_a_row_without_a_cell_is_said_as_its_format_shows_it(fmt: str, message: str) -> None:
    header = ["Files", "Annotation type", "Source image"]
    [f] = validate_table(Table(f"l.{fmt}", fmt, header, [["a", "other"]], [2]))
    assert (f.code, f.column, f.message) == ("BIA303", "Source image", message)


# --- the annotations schema, column-wise, against jsonschema row by row ---

CELLS = [
    "a.tif",
    "x/y.tif",
    "a#.tif",
    "",
    " ",
    "./a",
    "segmentation_mask",
    "tracks, other",
    "Masks",
    "i",
]


@st.composite
def annotation_tables(draw: st.DrawFn) -> Table:
    names = ["Files", "Annotation type", "annotation_type", "Source image", "source image", "other"]
    rest = draw(st.lists(st.sampled_from(names[1:]), max_size=4, unique_by=standard_name))
    header = ["Files", *rest]
    rows = draw(
        st.lists(st.lists(st.sampled_from(CELLS), min_size=1, max_size=len(header)), max_size=6)
    )
    return Table("l.tsv", "tsv", header, rows, list(range(2, len(rows) + 2)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=annotation_tables())
def test_annotation_verdicts_equal_jsonschema(table: Table) -> None:
    validator = jsonschema.Draft202012Validator(builtin_schema("annotations"))
    rows: list[dict[str, Any]] = [
        {standard_name(h): c for h, c in zip(table.header, row, strict=False)} for row in table.rows
    ]
    expected = {i + 2 for i, row in enumerate(rows) if not validator.is_valid(row)}
    findings = validate_table(table)
    schema_codes = {"BIA301", "BIA302", "BIA303", "BIA304"}
    if any(f.code == "BIA302" for f in findings):
        got = set(table.refs)
    else:
        got = {f.line for f in findings if f.code in schema_codes}
    assert got == expected


# --- XLSX file lists, made with openpyxl: what the archive reads from cells is what is checked ---

XLSX_HEAD = ["Files", "Annotation type", "Source image"]

XLSX_CASES = [
    pytest.param([["a.tif", "segmentation_mask", "i"]], [], [], id="good"),
    pytest.param([["a.tif", "Segmentation masks", "i"]], ["BIA304"], ["B2"], id="free-text-type"),
    pytest.param([["a.tif", "tracks", 12.5]], ["BIA222"], ["C2"], id="number-cut-but-present"),
    pytest.param(
        [["a.tif", datetime.date(2024, 1, 15), "i"]],
        ["BIA223", "BIA304"],
        ["B2", "B2"],
        id="date-read-as-day-number",
    ),
    pytest.param(
        [["a.tif", "tracks", "=A2"]],
        ["BIA226", "BIA303"],
        ["C2", "C2"],
        id="formula-without-saved-result",
    ),
    pytest.param(
        [["a.tif", "tracks", "i"], ["a.tif", "tracks", "j"]], ["BIA307"], ["A3"], id="duplicate"
    ),
]


@pytest.mark.parametrize(("rows", "expected", "cells"), XLSX_CASES)
def test_xlsx_annotation_lists(tmp_path: Path, rows: list[list[object]], expected: list[str],
                               cells: list[str]) -> None:  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in [XLSX_HEAD, *rows]:
        ws.append(row)
    wb.save(tmp_path / "annotations.xlsx")
    config = Config(root=tmp_path, filelists=(FileListConfig("annotations.xlsx"),))
    table, findings = validate_filelist(config, "annotations.xlsx")
    assert table is not None
    ordered = sorted(findings, key=lambda f: f.code)
    assert [f.code for f in ordered] == expected
    assert [f.cell for f in ordered] == cells
