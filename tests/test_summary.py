"""The job summary: a JSON report as Markdown, read back through a Markdown renderer, as GitHub
shows it; and the ``bia-hooks summary`` command."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bia_hooks.summary import (
    MAX_FINDINGS,
    MAX_PATHS,
    SUMMARY_LIMIT,
    render_summary,
    report_problem,
)
from tests.conftest import run_cli

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


class _Tables(HTMLParser):
    """Cells of every table row, as the reader sees their text; and every element seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def rendered(markdown: str) -> _Tables:
    parser = _Tables()
    parser.feed(_MARKDOWN.render(markdown))
    return parser


def finding(
    path: str = "a.tif", code: str = "BIA101", level: str = "error", **more: Any
) -> dict[str, Any]:
    kind = "server" if code in ("BIA101", "BIA102") else "risky"
    return {"code": code, "level": level, "kind": kind, "path": path, "message": "bad", **more}


def report(
    findings: Sequence[dict[str, Any]] = (), filelists: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    by_code: dict[str, int] = {}
    for f in findings:
        by_code[f["code"]] = by_code.get(f["code"], 0) + 1
    levels = [f["level"] for f in findings]
    return {
        "version": 1,
        "tool": {"name": "bia-hooks", "version": "0.1.0"},
        "summary": {
            "errors": levels.count("error"),
            "warnings": levels.count("warning"),
            "infos": levels.count("info"),
            "by_code": by_code,
        },
        "findings": list(findings),
        "filelists": list(filelists),
    }


@pytest.mark.parametrize(
    ("findings", "headline", "says"),
    [
        ([], "## ✅ bia-hooks: ready for the BioImage Archive", "No errors and no warnings."),
        ([finding(code="BIA103", level="warning")], "## ⚠️ bia-hooks: no errors, 1 warning",
         "The archive accepts this"),
        ([finding(), finding("b.tif")], "## ❌ bia-hooks: 2 errors, 0 warnings",
         "the archive will refuse 2 of them"),
        ([finding(code="BIA103", level="error")], "## ❌ bia-hooks: 1 error, 0 warnings",
         "the archive's ingest or curators need them"),
    ],
)  # fmt: skip
def test_the_headline_gives_the_verdict(
    findings: list[dict[str, Any]], headline: str, says: str
) -> None:
    text = render_summary(report(findings))
    assert text.splitlines()[0] == headline
    assert says in text


FILELIST = {
    "path": "annotations/filelist.tsv", "format": "tsv", "schema": "annotations", "rows": 120,
    "annotation_types": {"point_annotations": 20, "segmentation_mask": 100},
    "unlisted": ["annotations/masks/new.tif"], "missing": ["annotations/masks/gone.tif", "x.tif"],
}  # fmt: skip


def test_each_file_list_has_its_rows_types_and_sync() -> None:
    tables = rendered(render_summary(report(filelists=[FILELIST])))
    header, row = tables.rows[0], tables.rows[1]
    assert header == ["File list", "Format", "Rows", "Annotation types", "Not in the list",
                      "Listed, not found"]  # fmt: skip
    assert row == ["annotations/filelist.tsv", "tsv", "120",
                   "segmentation_mask 100, point_annotations 20", "1", "2"]  # fmt: skip
    text = render_summary(report(filelists=[FILELIST]))
    assert "1 row" not in text and "1 file list · 120 rows" in text


def test_long_path_lists_are_capped_and_counted() -> None:
    many = dict(FILELIST, unlisted=[f"masks/m{i}.tif" for i in range(MAX_PATHS + 5)], missing=[])
    text = render_summary(report(filelists=[many]))
    assert "masks/m19.tif" in text and "masks/m20.tif" not in text
    assert "… and 5 more (every one is in the JSON report)" in text
    assert "25 dataset files not in the list" in text


def test_counts_past_the_reports_cap_are_the_reports_counts() -> None:
    # The report lists at most 1,000 paths per kind; its *_count fields hold the true numbers.
    capped = dict(FILELIST, unlisted=[f"masks/m{i}.tif" for i in range(1000)],
                  unlisted_count=5000, missing=["gone.tif"], missing_count=1)  # fmt: skip
    text = render_summary(report(filelists=[capped]))
    assert rendered(text).rows[1][4:] == ["5,000", "1"]
    assert "5,000 dataset files not in the list" in text
    assert f"… and {5000 - MAX_PATHS:,} more" in text


def test_findings_are_counted_by_code_with_what_the_code_means() -> None:
    findings = [finding(), finding("b.tif"), finding("c d.tif", "BIA103", "warning")]
    rows = rendered(render_summary(report(findings))).rows
    by_code = rows[rows.index(["Code", "Level", "Count", "What it means", "Why it matters"]) + 1 :][
        :2
    ]
    refused = "the archive will refuse this"
    assert by_code == [
        ["BIA101", "❌ error", "2", "path holds characters the archive refuses", refused],
        ["BIA103", "⚠️ warning", "1", "space in a path", "accepted by the archive, but risky"],
    ]


def test_the_first_findings_are_listed_errors_first() -> None:
    findings = [finding(f"w{i}.tif", "BIA103", "warning") for i in range(MAX_FINDINGS)]
    findings.append(finding("e.tif", fix="rename to 'e-1.tif'", line=3, column="Files"))
    text = render_summary(report(findings))
    assert f"### First {MAX_FINDINGS} findings of {MAX_FINDINGS + 1}" in text
    rows = rendered(text).rows
    first = rows[rows.index(["", "Code", "Where", "Problem", "Fix"]) + 1]
    assert first == ["❌", "BIA101", "e.tif line 3 column Files", "bad", "rename to 'e-1.tif'"]
    assert render_summary(report(findings), max_findings=0).count("### First") == 0


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("a|b.tif", "a|b.tif"),
        ("a*b*c _d_ e.tif", "a*b*c _d_ e.tif"),
        ("<script>alert(1)</script>.tif", "<script>alert(1)</script>.tif"),
        ("a`b`.tif", "a`b`.tif"),
        ("$x$ and $y$.tif", "$x$ and $y$.tif"),
        ("[link](https://example.org).tif", "[link](https://example.org).tif"),
        ("~~struck~~.tif", "~~struck~~.tif"),
        ("back\\slash.tif", "back\\slash.tif"),
        ("&amp;.tif", "&amp;.tif"),
        ("line\nbreak\t.tif", "line\\nbreak\\t.tif"),
        ("latin1-\udce9.tif", "latin1-\\udce9.tif"),
    ],
)
def test_a_path_is_shown_as_itself_never_as_markdown(path: str, shown: str) -> None:
    text = render_summary(report([finding(path, value=path, fix=f"rename '{path}'")]))
    tables = rendered(text)
    row = tables.rows[-1]
    assert row == ["❌", "BIA101", shown, f"bad (value {shown})", f"rename '{shown}'"]
    assert "script" not in tables.tags and "a" not in tables.tags and "del" not in tables.tags


def test_a_report_of_another_shape_still_renders() -> None:
    text = render_summary({"version": 1, "findings": [{"code": "BIA999", "level": "error"}, "junk"],
                           "filelists": [{"path": "f.tsv"}, 3]})  # fmt: skip
    assert text.startswith("## ✅")  # no summary counts: no verdict to give but "clean"
    assert "BIA999" in text and "<code>f.tsv</code>" in text


def test_the_summary_stays_under_githubs_limit() -> None:
    long = "a_b|" * 75  # 300 characters, each _ and | escaped: the worst case per character
    filelists = [dict(FILELIST, path=f"{i}/{long}.tsv", unlisted=[f"{long}{j}" for j in range(40)],
                      missing=[f"{long}{j}" for j in range(40)]) for i in range(50)]  # fmt: skip
    findings = [finding(long + str(i), value=long, fix=long) for i in range(5000)]
    text = render_summary(report(findings, filelists), max_findings=5000)
    assert len(text.encode()) <= SUMMARY_LIMIT
    assert text.rstrip().endswith("Every finding is in the JSON report.")
    assert "The summary was cut here" in text
    assert text.count("<details>") == text.count("</details>")
    assert rendered(text).rows  # still valid Markdown with tables


def test_a_large_clean_report_is_not_cut() -> None:
    lists = [dict(FILELIST, path=f"list{i}.tsv") for i in range(60)]
    text = render_summary(report(filelists=lists))
    assert "The summary was cut" not in text
    assert "… and 10 more file lists (every one is in the JSON report)." in text


# --- the command --------------------------------------------------------------------------------


def test_summary_command_prints_the_markdown(tmp_path: Path) -> None:
    file = tmp_path / "report.json"
    file.write_text(json.dumps(report([finding()], [FILELIST])))
    result = run_cli("summary", str(file), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == render_summary(report([finding()], [FILELIST]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "report.json: no such file"),
        ("{not json", "report.json:1: not a bia-hooks JSON report: "),
        ("[1, 2]", "not a bia-hooks JSON report (no version field)"),
        (b"\xff\xfe", "not a bia-hooks JSON report (not UTF-8 text)"),
    ],
)
def test_summary_command_refuses_what_is_not_a_report(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    file = tmp_path / "report.json"
    if isinstance(content, bytes):
        file.write_bytes(content)
    elif content is not None:
        file.write_text(content)
    result = run_cli("summary", "report.json", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"version": 2}', "(version 2; this bia-hooks reads version 1)"),
        ('{"version": "1"}', '(version "1"; this bia-hooks reads version 1)'),
        ('{"version": true}', "(version true; this bia-hooks reads version 1)"),
        ('{"version": 1, "findings": "x"}', "(findings is a string, not an array)"),
        ('{"version": 1, "findings": [1]}', "(findings[0] is a number, not an object)"),
        ('{"version": 1, "tool": []}', "(tool is an array, not an object)"),
        ('{"version": 1, "summary": {"by_code": [1]}}', "(summary.by_code is an array, not an"),
        ('{"version": 1, "filelists": [{"unlisted": 5}]}', "(filelists[0].unlisted is a number"),
        ('{"version": 1, "filelists": [{"annotation_types": "x"}]}', "annotation_types is a str"),
        pytest.param("[" * 100_000 + "]" * 100_000, "(nested too deeply)", id="deep"),
        pytest.param(
            '{"version": 1, "rows": 1' + "0" * 5000 + "}",
            "(a number of more than 4,300 digits)",
            id="long-number",
        ),
    ],
)
def test_summary_command_refuses_a_malformed_report(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "report.json").write_text(content)
    result = run_cli("summary", "report.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("bia-hooks summary: report.json: not a bia-hooks JSON report ")
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_summary_command_refuses_a_huge_report(tmp_path: Path) -> None:
    result = run_cli("summary", "/dev/zero", cwd=tmp_path)  # endless: read up to the limit only
    assert result.returncode == 2
    assert result.stderr == (
        "bia-hooks summary: /dev/zero: not read: a report of more than 1,073,741,824 bytes\n"
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=12,
)  # fmt: skip
report_keys = st.sampled_from(["version", "tool", "summary", "findings", "filelists", "by_code",
                               "errors", "path", "rows", "unlisted", "missing", "level", "code",
                               "annotation_types", "line", "value", "fix", "message"])  # fmt: skip
report_like = st.recursive(
    json_values,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(report_keys, inner, max_size=5),
    max_leaves=25,
).map(lambda r: {**r, "version": 1} if isinstance(r, dict) and len(r) % 2 else r)


@settings(max_examples=60, deadline=None)
@given(report_like)
def test_a_report_is_refused_with_a_reason_or_summarised(report: Any) -> None:
    if report_problem(report) is None:
        assert render_summary(report).startswith("## ")
