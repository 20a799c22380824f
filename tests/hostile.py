"""Hostile inputs built by hand, and a clock that fails a test instead of letting it hang."""

from __future__ import annotations

import contextlib
import io
import signal
import zipfile
from collections.abc import Iterator

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def cell(ref: str, text: str) -> str:
    """An inline-string cell; ``text`` is XML already (entities allowed)."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


HEADER = row(1, cell("A1", "Files"), cell("B1", "Note"))


def sheet(*rows: str, tail: str = "") -> str:
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows)}'
        f"</sheetData>{tail}</worksheet>"
    )


def workbook(sheet_xml: str | None, parts: dict[str, str] | None = None) -> bytes:
    """A minimal workbook with ``sheet_xml`` as its first sheet (None: no sheet part);
    ``parts`` replace or add parts by name."""
    content = {**PARTS, **(parts or {})}
    if sheet_xml is not None:
        content[SHEET] = sheet_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in content.items():
            zf.writestr(name, text)
    return out.getvalue()


def edit_part(data: bytes, name: str, old: str, new: str) -> bytes:
    """The workbook ``data`` with ``old`` replaced by ``new`` in its part ``name``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                text = content.decode()
                assert old in text, (old, text[:400])
                content = text.replace(old, new).encode()
            target.writestr(info, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail with TimeoutError after ``seconds`` (Python's re checks signals while it matches),
    so that a catastrophic input fails its test instead of hanging the run."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
