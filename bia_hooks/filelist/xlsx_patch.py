"""A file list workbook edited in its XML: the sheet's rows rewritten, every other part kept.

openpyxl loads a whole workbook and writes it again, which costs seconds per 100,000 rows
(benches/bench_sync.py --xlsx: 10-13 s for a sync after 1% renames). ``direct_editor`` reads the
first sheet's rows straight from its XML and writes back only that sheet; every other part of the
zip (styles, comments, themes, other sheets) is copied as it is.

It does what ``edit.XlsxEditor`` does to the cells, and no more: a row keeps its cells and their
styles, a renamed file's row gets its new path as text in its first cell, a new row takes the
styles of the last data row, rows are written from row 2 in their new order (blank rows dropped),
and a new column's header takes the style of A1. It is used only when that is provably the same as
openpyxl's result; anything else in the workbook makes ``direct_editor`` return None, and the
caller takes openpyxl's way: cells of another form (formulas, booleans, errors, rich inline text,
escapes ``_xHHHH_``, numbers in a number format other than General), row attributes other than
heights, merged cells, hyperlinks, tables, comments below the header, ranges of conditional
formatting or data validation that moving rows would change, defined names, pivot tables, and
formulas in other sheets.
"""

from __future__ import annotations

import io
import operator
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from bia_hooks.errors import UsageError
from bia_hooks.filelist.edit import Editor, _check_header
from bia_hooks.filelist.table import column_letters
from bia_hooks.filelist.tsv import is_blank
from bia_hooks.filelist.workbook_look import LAST_ROW
from bia_hooks.filelist.xlsx import (
    NotText,
    _column_index,
    _local,
    _rels,
    _workbook_part,
    _xml,
    check_parts,
    decode_escapes,
    encode_escapes,
    xml_text,
)

__all__ = ["direct_editor"]

_NUMBER = r"-?\d{1,15}(?:\.\d{1,17})?(?:[eE][-+]?\d{1,3})?"
# A row start: r= first, and only the attributes openpyxl moves with a row (its height) or that
# say nothing about it (spans, Excel's font descent); a hidden row, an outline level or a row
# style stays where it is in openpyxl's way, so such a row is not moved here.
_ROW = re.compile(
    r'<row r="(\d{1,7})"((?: (?:spans|ht|customHeight|x14ac:dyDescent)="[^"<>]*")*)( ?/)?>'
)
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d{1,7})"((?: s="\d{1,9}")?)'
    r'(?:( t="s")><v>\d{1,9}</v></c>'
    r'|( t="inlineStr")><is><t( xml:space="preserve")?>[^<]*</t></is></c>'
    rf'|( t="n")?(>)<v>{_NUMBER}</v></c>|((?: t="n")? ?)/>)'
)
# Each form: the rest of a cell after its style, as an expression (one group: the value), as the
# text around the value when it is written back, and the '<' it holds. 's' shared string, 'i'
# inline string ('p': its spaces kept), 'n' number typed, 'N' number untyped, 'e' no value.
_FORMS = {
    "s": (r' t="s"><v>(\d{1,9})</v></c>', ' t="s"><v>', "</v></c>", 4),
    "i": (
        r' t="inlineStr"><is><t>([^<]*)</t></is></c>',
        ' t="inlineStr"><is><t>',
        "</t></is></c>",
        6,
    ),
    "p": (
        r' t="inlineStr"><is><t xml:space="preserve">([^<]*)</t></is></c>',
        ' t="inlineStr"><is><t xml:space="preserve">',
        "</t></is></c>",
        6,
    ),
    "n": (rf' t="n"><v>({_NUMBER})</v></c>', ' t="n"><v>', "</v></c>", 4),
    "N": (rf"><v>({_NUMBER})</v></c>", "><v>", "</v></c>", 4),
    "e": (r'((?: t="n")? ?)/>', "", "/>", 1),  # the value: what openpyxl writes before "/>"
}
_SQREF = re.compile(r'<(?:conditionalFormatting|dataValidation)\b[^>]*\bsqref="([^"]*)"')
_RANGE = re.compile(
    r"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?|[A-Z]{1,3}:[A-Z]{1,3}"
)
_ENTITIES = re.compile(r"(?:[^&]|&(?:lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)*")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


class _NotDirect(Exception):
    """Something the direct edit cannot prove it keeps as openpyxl's way does."""


@dataclass
class _Plan:
    """Rows of one shape: their expression, their format, and per cell (column, kind, style)."""

    pattern: re.Pattern[str]
    format: str
    cells: list[tuple[int, str, str]]
    tags: int  # the '<' of one row
    kinds: str  # each cell's kind, in order

    def texts(self, values: tuple[str, ...], strings: list[str], width: int) -> list[str]:
        """Each cell as openpyxl reads it, as ``XlsxEditor._text`` shows it ("" for none)."""
        texts = [""] * width
        for (col, kind, _), v in zip(self.cells, values[2:], strict=True):
            texts[col] = _text(kind, v, strings)
        return texts


def _text(kind: str, v: str, strings: list[str]) -> str:
    if kind == "s":
        return strings[int(v)]
    if kind in "ip":
        return xml_text(v)
    if kind in "nN":  # openpyxl's _cast_number, then str()
        return str(float(v) if "." in v or "e" in v or "E" in v else int(v))
    return ""


class _Renamed:
    """A row with a new path (stored text, escapes encoded) in its first cell."""

    __slots__ = ("path", "row")

    def __init__(self, row: tuple[_Plan, tuple[str, ...], str], path: str) -> None:
        self.row, self.path = row, path


class _New:
    """A new row: (stored text or None, style attribute) per column."""

    __slots__ = ("cells",)

    def __init__(self, cells: list[tuple[str | None, str]]) -> None:
        self.cells = cells


_Row = tuple[_Plan, tuple[str, ...], str]  # a row as read: its plan, values and path
_Read = tuple[_Plan, tuple[str, ...]]


class WorkbookRows(Editor):
    """The first sheet of a workbook, its rows edited in the sheet's XML."""

    def __init__(self, data: bytes, sheet_part: str, text: str, strings: list[str],
                 general: list[bool]) -> None:  # fmt: skip
        self.data, self.sheet_part, self.strings = data, sheet_part, strings
        self.general = general  # per style index: its number format is General
        self.plans: dict[tuple[Any, ...], _Plan] = {}
        start = text.find("<sheetData>")
        end = text.find("</sheetData>")
        if start < 0 or end < 0 or text.count("<sheetData") != 1:
            raise _NotDirect
        start += len("<sheetData>")
        self.head, self.tail = text[:start], text[end:]
        rows = self._rows(text, start, end)
        if not rows or rows[0][1][0] != "1":
            raise _NotDirect  # no header row: openpyxl's way says what is wrong
        numbers = [int(values[0]) for _, values in rows]
        if not all(map(operator.lt, numbers, numbers[1:])):
            raise _NotDirect
        self._check_values(rows, "&" in text)
        self.width = max(
            (col + 1 for plan in {id(p): p for p, _ in rows}.values() for col, _, _ in plan.cells),
            default=0,
        )
        self.header_row = rows[0]
        header = rows[0][0].texts(rows[0][1], strings, self.width)
        while header and is_blank(header[-1]):  # as the archive's converter drops them
            header.pop()
        _check_header(header)
        self.header = header
        self.width = max(self.width, len(header))
        self.header_cells: dict[int, str] = {}  # columns added: their stored name
        # Each kept row with its path, read once (the sync asks for every row's path twice).
        plain = "&" not in text and "\r" not in text  # an inline string's text is as stored
        kept: list[_Row] = []
        for plan, values in rows[1:]:
            if self._blank(plan, values):
                continue
            if not plan.cells or plan.cells[0][0] != 0:
                path = ""
            elif plan.kinds[0] in "ip" and plain:
                path = values[2]
            else:  # (no escapes: direct_editor checked)
                path = _text(plan.kinds[0], values[2], strings)
            kept.append((plan, values, path))
        self.rows: list[Any] = kept
        self.refs = [int(values[0]) for _, values, _ in kept]

    # --- reading

    def _rows(self, text: str, start: int, end: int) -> list[_Read]:
        """Every row, with its plan; _NotDirect when one is not in a plain form."""
        if start == end:
            return []
        plan = self._plan(text, start)
        found = plan.pattern.findall(text, start, end)
        if text.count("<", start, end) == len(found) * plan.tags:  # one shape (tags: nothing else)
            return [(plan, values) for values in found]
        rows: list[_Read] = []
        pos = start
        while pos < end:
            m = plan.pattern.match(text, pos, end)
            if m is None:
                plan = self._plan(text, pos)
                m = plan.pattern.match(text, pos, end)
                if m is None:
                    raise _NotDirect
            rows.append((plan, m.groups()))
            pos = m.end()
        return rows

    def _plan(self, text: str, pos: int) -> _Plan:
        row = _ROW.match(text, pos)
        if row is None:
            raise _NotDirect
        cells: list[tuple[str, str, str]] = []
        at = row.end()
        while not row.group(3) and (cell := _CELL.match(text, at)) is not None:
            letters, number, style, s, inline, preserve, n, value, _ = cell.groups()
            if number != row.group(1):
                raise _NotDirect  # a cell outside its row
            kind = (
                "s"
                if s
                else ("p" if preserve else "i")
                if inline
                else "n"
                if n
                else "N"
                if value
                else "e"
            )
            cells.append((letters, style, kind))
            at = cell.end()
        if not row.group(3) and not text.startswith("</row>", at):
            raise _NotDirect
        closing = row.group(3) or ""
        shape = (closing, tuple(cells))
        plan = self.plans.get(shape)
        if plan is None:
            if len(self.plans) >= 256:
                raise _NotDirect
            plan = self.plans[shape] = self._make_plan(closing, cells)
        return plan

    def _make_plan(self, closing: str, cells: list[tuple[str, str, str]]) -> _Plan:
        columns = [_column_index(letters) for letters, _, _ in cells]
        if columns != sorted(set(columns)):
            raise _NotDirect  # openpyxl keeps the last of two cells in one place
        for _, style, kind in cells:
            index = int(style[4:-1]) if style else 0
            if style and index >= len(self.general):
                raise _NotDirect  # openpyxl refuses the workbook: its way says so
            if kind in "nN" and not self.general[index]:
                raise _NotDirect  # openpyxl reads a number in a date format as a date
        pattern = r'<row r="(\d{1,7})"((?: (?:spans|ht|customHeight|x14ac:dyDescent)="[^"<>]*")*)'
        layout = '<row r="{0}"{1}'
        tags = 1 if closing else 2
        if closing:
            pattern += re.escape(closing) + ">"
            layout += closing + ">"
        else:
            pattern += ">"
            layout += ">"
            for k, (letters, style, kind) in enumerate(cells):
                expression, before, after, count = _FORMS[kind]
                pattern += rf'<c r="{letters}\1"{re.escape(style)}' + expression
                layout += f'<c r="{letters}{{0}}"{style}{before}{{{k + 2}}}{after}'
                tags += count
            pattern += "</row>"
            layout += "</row>"
        return _Plan(
            re.compile(pattern),
            layout,
            [(col, kind, style) for col, (_, style, kind) in zip(columns, cells, strict=True)],
            tags,
            "".join(kind for _, _, kind in cells),
        )

    def _check_values(self, rows: list[_Read], entities: bool) -> None:
        """Every value reads as openpyxl reads it: shared strings that exist, entities XML knows
        (``entities``: the sheet holds a '&')."""
        if not entities and not any("s" in plan.kinds for plan in self.plans.values()):
            return
        by_plan: dict[int, list[tuple[str, ...]]] = {}
        for plan, values in rows:
            by_plan.setdefault(id(plan), []).append(values)
        for plan in self.plans.values():
            mine = by_plan.get(id(plan), [])
            for k, kind in enumerate(plan.kinds, start=2):
                if (
                    kind == "s"
                    and mine
                    and max(int(values[k]) for values in mine) >= len(self.strings)
                ):
                    raise _NotDirect  # openpyxl refuses the workbook: its way says so
                if kind in "ip" and entities:
                    for values in mine:
                        v = values[k]
                        if "&" in v and not _ENTITIES.fullmatch(v):
                            raise _NotDirect
                        try:
                            xml_text(v)
                        except NotText:
                            raise _NotDirect from None

    def _blank(self, plan: _Plan, values: tuple[str, ...]) -> bool:
        """openpyxl's way drops a row whose cells hold nothing or empty text."""
        if not plan.kinds.strip("ip"):  # text that is written is never empty
            return not any(values[2:])
        return all(
            _text(k, v, self.strings) == "" for k, v in zip(plan.kinds, values[2:], strict=True)
        )

    # --- the Editor

    def where(self, ref: int) -> str:
        return f"row {ref}"

    def path_of(self, row: Any) -> str:
        if isinstance(row, tuple):
            path: str = row[2]
            return path
        if isinstance(row, _Renamed):
            return decode_escapes(row.path)
        value = row.cells[0][0] if row.cells else None
        return decode_escapes(value) if value else ""

    def with_path(self, row: Any, path: str) -> Any:
        if isinstance(row, tuple):
            return _Renamed(row, encode_escapes(path))
        if isinstance(row, _Renamed):
            return _Renamed(row.row, encode_escapes(path))
        return _New([(encode_escapes(path), row.cells[0][1]), *row.cells[1:]])

    def _texts(self, row: Any) -> list[str]:
        if isinstance(row, tuple):
            plan: _Plan = row[0]
            return plan.texts(row[1], self.strings, self.width)
        if isinstance(row, _Renamed):
            texts = self._texts(row.row)
            texts[0] = row.path
            return [decode_escapes(t) for t in texts]
        texts = [decode_escapes(v) if v else "" for v, _ in row.cells]
        return texts + [""] * (self.width - len(texts))

    def values_of(self, row: Any) -> dict[str, str]:
        texts = self._texts(row)
        return self._by_column(row, zip(self.header[1:], texts[1:], strict=False))

    def new_row(self, values: Mapping[str, str]) -> Any:
        # As XlsxEditor.new_row: the styles of the last data row (as read), no comments.
        model = self._styles(self.rows[-1]) if self.rows else {}
        cells = []
        for col in range(self.width):
            name = self.header[col] if col < len(self.header) else ""
            value = encode_escapes(values[name]) if values.get(name) else None
            cells.append((value, model.get(col, "")))
        return _New(cells)

    def _styles(self, row: Any) -> dict[int, str]:
        if isinstance(row, tuple):
            return {col: style for col, _, style in row[0].cells}
        if isinstance(row, _Renamed):
            return self._styles(row.row)
        return {col: style for col, (_, style) in enumerate(row.cells) if style}

    def add_column(self, name: str) -> None:
        width = len(self.header)
        for row in self.rows:
            if any(not is_blank(t) for t in self._texts(row)[width:]):
                raise UsageError(
                    f"cannot add the column '{name}': the row of '{self.path_of(row)}' has a "
                    "value right of the last header cell, which the new column would take over; "
                    "give that column a header first"
                )
        self.header.append(name)
        self.header_cells[len(self.header) - 1] = encode_escapes(name)
        self.width = max(self.width, len(self.header))
        for row in self.rows:
            if isinstance(row, _New):
                row.cells.extend([(None, "")] * (self.width - len(row.cells)))

    # --- writing

    def render(self) -> bytes:
        parts = [self._header_xml()]
        strings = self.strings
        for target, row in enumerate(self.rows, start=2):
            if isinstance(row, tuple):
                plan, values, _ = row
                parts.append(plan.format.format(target, *values[1:]))
            elif isinstance(row, _Renamed):
                parts.append(self._renamed_xml(row, target, strings))
            else:
                parts.append(
                    _row_xml(target, "", [(c, v, s) for c, (v, s) in enumerate(row.cells)])
                )
        last = len(self.rows) + 1
        head = _DIMENSION.sub(
            f'<dimension ref="A1:{column_letters(max(self.width, 1) - 1)}{last}"/>',
            self.head,
            count=1,
        )
        sheet = head + "".join(parts) + self.tail
        return _replace_part(self.data, self.sheet_part, sheet.encode("utf-8"))

    def _header_xml(self) -> str:
        plan, values = self.header_row
        if not self.header_cells:
            return plan.format.format(1, *values[1:])
        cells: dict[int, tuple[str | None, str, str | None]] = {}  # col -> (text, style, raw xml)
        for k, (col, kind, style) in enumerate(plan.cells, start=2):
            cells[col] = (None, style, _cell_xml(col, 1, kind, style, values[k]))
        a1_style = next((style for col, _, style in plan.cells if col == 0), "")
        for col, stored in self.header_cells.items():
            cells[col] = (stored, a1_style, None)
        body = "".join(
            raw if raw is not None else _text_cell(col, 1, style, text)
            for col, (text, style, raw) in sorted(cells.items())
        )
        return f'<row r="1"{values[1]}>{body}</row>'

    def _renamed_xml(self, row: _Renamed, target: int, strings: list[str]) -> str:
        plan, values, _ = row.row
        cells = []
        first = True
        for k, (col, kind, style) in enumerate(plan.cells, start=2):
            if col == 0:
                cells.append(_text_cell(0, target, style, row.path))
                first = False
            else:
                cells.append(_cell_xml(col, target, kind, style, values[k]))
        if first:
            cells.insert(0, _text_cell(0, target, "", row.path))
        return f'<row r="{target}"{values[1]}>{"".join(cells)}</row>'


def _cell_xml(col: int, row: int, kind: str, style: str, value: str) -> str:
    _, before, after, _ = _FORMS[kind]
    return f'<c r="{column_letters(col)}{row}"{style}{before}{value}{after}'


def _text_cell(col: int, row: int, style: str, text: str | None) -> str:
    """A text cell as openpyxl writes one: an inline string, spaces kept."""
    ref = f"{column_letters(col)}{row}"
    if text is None:
        return f'<c r="{ref}"{style}/>'
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text.strip() and text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _row_xml(number: int, attrs: str, cells: list[tuple[int, str | None, str]]) -> str:
    body = "".join(
        _text_cell(col, number, style, text)
        for col, text, style in cells
        if text is not None or style
    )
    return f'<row r="{number}"{attrs}>{body}</row>'


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The zip ``data`` with the part ``name`` holding ``content``; every other part as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info)
            target.writestr(info, body, compress_type=info.compress_type)
    return out.getvalue()


# --- what the workbook holds beside the rows


def _typed_part(zf: zipfile.ZipFile, kind: str) -> str | None:
    """The part [Content_Types].xml gives the content type of ``kind`` (as openpyxl finds it)."""
    types = _xml(zf, "[Content_Types].xml")
    wanted = f"application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}+xml"
    for e in types.iter() if types is not None else ():
        if _local(e.tag) == "Override" and e.get("ContentType") == wanted:
            return e.get("PartName", "").lstrip("/")
    return None


def _openpyxl_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    """The shared strings as openpyxl reads them (``Text.content``: the plain text, then each
    run's, phonetic runs left out; before its own replace of 'x005F_', which the caller refuses)."""
    root = _xml(zf, part) if part else None
    strings: list[str] = []
    for si in root if root is not None else ():
        if _local(si.tag) != "si":
            continue
        plain = [t.text or "" for t in si if _local(t.tag) == "t"][:1]
        runs = [t.text or "" for r in si if _local(r.tag) == "r" for t in r if _local(t.tag) == "t"]
        strings.append("".join(plain + runs))
    return strings


def _general_styles(zf: zipfile.ZipFile, part: str | None) -> list[bool]:
    """Per cell style index (cellXfs): is its number format General (id 0)?"""
    root = _xml(zf, part) if part else None
    if root is None:
        return [True]
    for holder in root.iter():
        if _local(holder.tag) == "cellXfs":
            return [x.get("numFmtId", "0") == "0" for x in holder if _local(x.tag) == "xf"]
    return [True]


def _ranges_stay(text: str) -> bool:
    """Conditional formatting and data validation ranges that rows moving below the header leave
    as they are: within the header, or from row 2 to the last row (workbook_look's drop-down)."""
    for m in _SQREF.finditer(text):
        for part in m.group(1).split():
            r = _RANGE.fullmatch(part)
            if r is None:
                return False
            if r.group(1) is None:  # whole columns
                continue
            first, last = int(r.group(2)), int(r.group(4) or r.group(2))
            if not (last == 1 or (first == 2 and last == LAST_ROW)):
                return False
    return True


def _header_comments_only(zf: zipfile.ZipFile, sheet_part: str) -> bool:
    for kind, target in _rels(zf, sheet_part).values():
        if kind == "comments":
            refs = re.findall(
                r'<comment\b[^>]*\bref="[A-Z]{1,3}(\d+)"', zf.read(target).decode("utf-8")
            )
            if any(r != "1" for r in refs):
                return False
    return True


def direct_editor(data: bytes) -> WorkbookRows | None:
    """The workbook's editor that edits its first sheet's XML, or None when openpyxl's way must
    edit it (see the module's docstring)."""
    try:
        check_parts(io.BytesIO(data))  # no part inflates beyond the limits
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/calcChain.xml" in names or any("pivot" in n for n in names):
                return None
            book_part = _workbook_part(zf)
            book_text = zf.read(book_part).decode("utf-8")
            if "<definedName " in book_text or "<definedName>" in book_text:
                return None
            book = _xml(zf, book_part)
            rels = _rels(zf, book_part)
            sheets = (
                [e for e in book.iter() if _local(e.tag) == "sheet"] if book is not None else []
            )
            if not sheets:
                return None
            rid = next((v for k, v in sheets[0].attrib.items() if _local(k) == "id"), "")
            if rid not in rels or rels[rid][0] != "worksheet":
                return None
            sheet_part = rels[rid][1]
            for kind, target in rels.values():  # formulas elsewhere may point at moved rows
                if kind == "worksheet" and target != sheet_part and b"<f" in zf.read(target):
                    return None
            text = zf.read(sheet_part).decode("utf-8")
            parts = {kind: target for kind, target in rels.values()}
            strings_part = parts.get("sharedStrings")
            if _typed_part(zf, "sharedStrings") != strings_part or parts.get("styles") not in (
                None,
                "xl/styles.xml",
            ):
                return None  # openpyxl finds these parts its own way: by type, at a fixed name
            strings = _openpyxl_strings(zf, strings_part)
            if "_x" in text or any("_x" in s or "x005F_" in s for s in strings):
                return None  # escapes: openpyxl decodes some of them, in its own way
            declared = re.match(r"<\?xml[^>]*?encoding=[\"']([^\"']+)", text)
            if declared and declared.group(1).lower() not in ("utf-8", "utf8"):
                return None  # read as UTF-8 here
            if not _plain_outside_rows(text) or not _header_comments_only(zf, sheet_part):
                return None
            general = _general_styles(zf, parts.get("styles"))
        return WorkbookRows(data, sheet_part, text, strings, general)
    except (
        _NotDirect,
        UsageError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        ElementTree.ParseError,
    ):
        return (
            None  # (ValueError: UnicodeDecodeError, NotText, LimitExceeded too) openpyxl's way says
        )


def _plain_outside_rows(text: str) -> bool:
    end = text.find("</sheetData>")
    outside = text[: text.find("<sheetData>")] + text[end:]
    if any(tag in outside for tag in ("<mergeCell", "<hyperlink", "<tablePart", "xm:sqref")):
        return False
    return _ranges_stay(outside)
