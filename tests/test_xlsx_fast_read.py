"""The XLSX reader's fast path (plain rows read a row shape at a time) reads every sheet as its
exact loop does: the same rows, altered cells, merges, and the same refusals."""

from __future__ import annotations

import io
import sys
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks.filelist import xlsx
from tests.hostile import PARTS, workbook

_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS = ["Files", "masks/a.tif", "x_x0041_y", "tab\there", 'a "quote"', "_xD800_", " ", ""]
NUMBERS = ["7", "-3", "2.5", "1e3", "1e999", "99999999999"]
TEXTS = ["masks/b.tif", "", " ", "\x85", "a\tb", 'q"', "l\nm", "_x0041_", "&amp;", "x_x005F_y"]
EXTRA = {
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}">'
    + "".join(f"<si><t>{escape(s)}</t></si>" for s in STRINGS)
    + "</sst>",
    "xl/styles.xml": f'<styleSheet xmlns="{_MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
    '<xf numFmtId="14"/></cellXfs></styleSheet>',
}


@st.composite
def cells(draw: st.DrawFn, number: int) -> str:
    letters = draw(st.sampled_from(["A", "B", "C", "D", "AA"]))
    ref = f"{letters}{number}"
    style = draw(st.sampled_from(["", ' s="0"', ' s="1"']))
    form = draw(st.integers(0, 9))
    if form <= 2:
        return (
            f'<c r="{ref}"{style} t="inlineStr"><is><t>{draw(st.sampled_from(TEXTS))}</t></is></c>'
        )
    if form <= 4:
        return f'<c r="{ref}"{style} t="s"><v>{draw(st.integers(0, len(STRINGS)))}</v></c>'
    if form == 5:
        value = draw(st.sampled_from(["1", "2.5", "1e3", "-0", "45000", "1e", "7"]))
        kind = draw(st.sampled_from(["", ' t="n"']))
        return f'<c r="{ref}"{style}{kind}><v>{value}</v></c>'
    if form == 6:
        return f'<c r="{ref}"{style}/>'
    return draw(
        st.sampled_from(
            [
                f'<c r="{ref}" t="b"><v>1</v></c>',
                f'<c r="{ref}"><f>1+1</f></c>',
                f'<c t="inlineStr" r="{ref}"><is><t>swapped</t></is></c>',
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve"> p </t></is></c>',
                f'<c r="{ref}" t="s"/>',
            ]
        )
    )


@st.composite
def sheets(draw: st.DrawFn) -> str:
    rows = []
    number = 0
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Files</t></is></c></row>'
    plain_rows = draw(st.sampled_from(["", "i", "s", "is", "in"]))  # the one-shape cases
    for _ in range(draw(st.integers(0, 12))):
        number += draw(st.sampled_from([1, 1, 1, 2, 0]))
        attrs = draw(st.sampled_from(["", ' spans="1:3"', ' ht="20" customHeight="1"']))
        if plain_rows:
            inline = draw(st.sampled_from(TEXTS[:3] if draw(st.booleans()) else TEXTS))
            shared = draw(st.integers(0, 1) if draw(st.booleans()) else st.integers(0, 9))
            body = "".join(
                f'<c r="{letter}{number}" t="inlineStr"><is><t>{inline}</t></is></c>'
                if kind == "i"
                else f'<c r="{letter}{number}" t="n"><v>{draw(st.sampled_from(NUMBERS))}</v></c>'
                if kind == "n"
                else f'<c r="{letter}{number}" t="s"><v>{shared}</v></c>'
                for letter, kind in zip("AB", plain_rows * 2, strict=False)
            )
        else:
            body = "".join(draw(st.lists(cells(number), max_size=4)))
        closing = draw(st.integers(0, 12))
        if closing == 0:
            rows.append(f'<row r="{number}"{attrs}/>')
        elif closing == 1:
            rows.append(f'<row r="{number}"{attrs}>{body}</row> <!-- note -->')
        elif closing == 2:
            rows.append(f"<row>{body}</row>")
        else:
            rows.append(f'<row r="{number}"{attrs}>{body}</row>')
    tail = draw(st.sampled_from(["", '<mergeCells><mergeCell ref="A2:B2"/></mergeCells>']))
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{header}{"".join(rows)}'
        f"</sheetData>{tail}</worksheet>"
    )


def _read(data: bytes, max_rows: int | None) -> object:
    try:
        sheet = xlsx.load_sheet(io.BytesIO(data), max_rows)
    except Exception as e:  # the same refusal, in the same words
        return type(e), str(e), getattr(e, "where", None)
    return sheet


@settings(max_examples=200, deadline=None)
@given(sheets(), st.sampled_from([64, 500, xlsx.CHUNK]))
def test_fast_path_reads_as_the_exact_loop(sheet_xml: str, chunk: int) -> None:
    data = workbook(sheet_xml, {**PARTS, **EXTRA})
    old = xlsx.CHUNK
    xlsx.CHUNK = chunk  # several pieces: the state handed between the two ways
    try:
        # max_rows set: the exact loop alone reads every row
        assert _read(data, None) == _read(data, sys.maxsize)
    finally:
        xlsx.CHUNK = old


@pytest.mark.parametrize(
    "row",
    [
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a.tif</t></is></c></row>',
        '<row r="2" spans="1:2"><c r="A2" s="1" t="s"><v>1</v></c><c r="B2" s="1"/></row>',
    ],
)
def test_plain_rows_take_the_fast_path(row: str) -> None:
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Files</t></is></c></row>'
    text = f"<sheetData>{header}{row * 3}</sheetData>"
    plain = xlsx._PlainRows(STRINGS, STRINGS, set(), set(), set())
    assert plain.read(text, False, 0, []) is not None
