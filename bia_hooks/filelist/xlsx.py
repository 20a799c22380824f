"""XLSX file lists as the archive reads them (domain.md §2; BioStudies ``ExcelReader`` over
excel-streaming-reader and Apache POI).

The archive converts the first sheet to TSV, then parses that. This module does the same, in two
parts: :func:`load_sheet` streams the workbook's XML (zipfile + regular expressions over the sheet,
fast and with the exact cell types: s/n/b/e/str/inlineStr, ``<f>`` without ``<v>``, hidden sheets,
merged cells), and :func:`sheet_to_table` (pure) turns rows of cells into the TSV lines the
archive writes, parses them with :func:`bia_hooks.filelist.tsv.table_from_lines`, and reports each
cell the conversion alters.
"""

from __future__ import annotations

import codecs
import operator
import posixpath
import re
import shlex
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from bia_hooks import limits
from bia_hooks.advice import Advice, command
from bia_hooks.filelist.shown import KEPT_AS_TEXT, shown_text
from bia_hooks.filelist.table import Table, column_letters
from bia_hooks.filelist.tsv import LINE_END, is_blank, table_from_lines
from bia_hooks.findings import Finding, Level
from bia_hooks.limits import LimitExceeded, exceeded

__all__ = [
    "Sheet",
    "check_parts",
    "column_letters",
    "first_row",
    "load_sheet",
    "read_xlsx",
    "sheet_to_table",
]

INT_MAX = 2147483647
INT_MIN = -2147483648
CHUNK = 1 << 22

# A row start, or a whole cell (its column when r= comes first, as every writer puts it).
_ITEM = re.compile(
    r"<row\b([^>]*?)/?>"
    r"|<c\b(?: r=\"([A-Z]+)\d+\")?([^>]*?)"
    r"(?:/>|><v>([^<]*)</v></c>|><is><t>([^<]*)</t></is></c>|>(.*?)</c>)",
    re.S,
)
_T = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_SI = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_V = re.compile(r"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
_IS = re.compile(r"<is\b[^>]*>(.*?)</is>", re.S)
_MERGE = re.compile(r"<mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Z]+\d+(?::[A-Z]+\d+)?)[\"']")
_PREFIX = re.compile(r"<(/?)[A-Za-z_][\w.-]*:")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"([A-Z]+)(\d+)")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# Built-in number formats that are dates or times (POI's DateUtil.isInternalDateFormat).
_DATE_FORMATS = frozenset([*range(14, 23), 45, 46, 47])
_DATE_CODE = re.compile(r"[ymdhs]", re.I)
_NOT_DATE_PART = re.compile(r'"[^"]*"|\\.|\[(?![hms]+\])[^\]]*\]|_.|\*.', re.I)


@dataclass
class Sheet:
    """The first sheet of a workbook, as the archive's reader sees it."""

    name: str
    hidden: bool = False
    active: str | None = None  # the sheet Excel opens on, when it is not this one
    rows: list[tuple[int, str]] = field(default_factory=list)  # (row number, converted TSV line)
    # (row, column, code, what the user wrote, what the archive reads) for each altered cell
    altered: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    date1904: bool = False  # day numbers count from 1904 (old Mac workbooks), not from 1900


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class NotText(ValueError):
    """Text that is no character: ``what`` names it, ``where`` locates it (Finding keywords)."""

    def __init__(self, what: str, **where: Any) -> None:
        super().__init__(what)
        self.what = what
        self.where = where

    def finding(self, path: str) -> Finding:
        return Finding(
            "BIA234",
            path,
            f"{self.what}: this is no character, and the archive cannot read it as text",
            fix="delete it, or type the character it stands for",
            **self.where,
        )


def _is_xml_char(code: int) -> bool:
    """XML 1.0's Char: what a character reference may stand for (no NUL, no lone surrogate)."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        digits = name[2:] if name[1] in "xX" else name[1:]
        code = int(digits, 16 if name[1] in "xX" else 10) if len(digits) <= 8 else -1
        if not _is_xml_char(code):
            # The archive's XML parser refuses the whole workbook (and chr() would raise).
            raise NotText(
                f"the character reference {m.group(0)[:20]!r} is outside XML's characters"
            )
        return chr(code)
    return _ENTITIES[name]


def xml_text(raw: str) -> str:
    """Character data as an XML parser reports it: line ends normalized, entities decoded."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def decode_escapes(text: str) -> str:
    """POI decodes ``_xHHHH_`` in text cells: ``a_x0023_b`` is read as ``a#b``."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


# Characters a cell cannot hold as they are, written as the escape POI decodes: those XML 1.0
# refuses (openpyxl too), and CR, which an XML reader turns into LF.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def encode_escapes(text: str) -> str:
    """The stored text a cell needs for the archive to read ``text``: the inverse of
    ``decode_escapes`` (``a_x0023_b`` is stored ``a_x005F_x0023_b``, ESC as ``_x001B_``)."""
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _UNWRITABLE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def surprising_escape(text: str) -> bool:
    """An escape other than _x005F_ (the escaped underscore Excel itself writes): Excel shows the
    decoded text too, so only files written by scripts surprise their authors."""
    return any(m.group(1).upper() != "005F" for m in _ESCAPE.finditer(text))


def number_text(value: str, is_date: bool) -> tuple[str, str | None]:
    """The text the archive reads from a number cell (its integer part: Double.toInt()), and the
    code that says it altered what the cell shows: a date (BIA223), a fraction (BIA222)."""
    x = float(value)
    n = to_int(x)
    return str(n), "BIA223" if is_date else "BIA222" if n != x else None


def to_int(x: float) -> int:
    """Kotlin's Double.toInt(): toward zero, NaN -> 0, capped to a 32-bit int."""
    if x != x:
        return 0
    if x >= INT_MAX:
        return INT_MAX
    if x <= INT_MIN:
        return INT_MIN
    return int(x)


def _rich_text(body: str) -> str:
    if "<rPh" in body:
        body = _RPH.sub("", body)
    return "".join(xml_text(m.group(1) or "") for m in _T.finditer(body))


def _attr(attrs: str, name: str) -> str | None:
    i = attrs.find(f" {name}=")
    if i < 0:
        i = attrs.find(f"\t{name}=") if "\t" in attrs or "\n" in attrs else -1
        if i < 0:
            m = re.search(rf"\s{name}\s*=\s*[\"']([^\"']*)", attrs)
            return m.group(1) if m else None
    start = i + len(name) + 2
    quote = attrs[start]
    return attrs[start + 1 : attrs.find(quote, start + 1)]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _check_part(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """The part's entry, when its declared sizes are within what the archive's reader (Apache
    POI) inflates: checked before inflating a byte. Raises KeyError when the part is absent."""
    info = zf.getinfo(name)
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > limits.XLSX_PART_BYTES:
        raise exceeded(
            f"the workbook's part {name} inflates to {size:,} bytes",
            limits.XLSX_PART_BYTES,
            "bytes per part",
            "Apache POI's, the archive's reader",
        )
    if size > limits.XLSX_RATIO_GRACE_BYTES and size > packed * limits.XLSX_INFLATE_RATIO:
        raise LimitExceeded(
            f"the workbook's part {name} inflates {size // packed:,} times ({packed:,} bytes to "
            f"{size:,}): a zip bomb for the archive's reader (Apache POI), which refuses a part "
            f"that inflates more than {limits.XLSX_INFLATE_RATIO} times; bia-hooks does not "
            "read it either",
            fix="save the workbook again from Excel or LibreOffice",
        )
    return info


def check_parts(file: Path | IO[bytes]) -> None:
    """Every part of the workbook within the limits of _check_part (for a reader that inflates
    them all, as openpyxl does; the archive reads only the parts of the first sheet)."""
    with zipfile.ZipFile(file) as zf:
        for info in zf.infolist():
            _check_part(zf, info.filename)


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    _check_part(zf, name)
    with zf.open(name) as stream:
        data = stream.read(limits.XLSX_PART_BYTES + 1)  # headers can lie: count what inflates
    if len(data) > limits.XLSX_PART_BYTES:
        raise exceeded(
            f"the workbook's part {name}",
            limits.XLSX_PART_BYTES,
            "bytes per part",
            "Apache POI's, the archive's reader",
        )
    return data


def _xml(zf: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(_read_part(zf, name))
    except KeyError:
        return None


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) for ``part``."""
    folder, _, name = part.rpartition("/")
    root = _xml(zf, f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter() if root is not None else ():
        if _local(rel.tag) == "Relationship":
            target = rel.get("Target", "")
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], target)
    return out


def _workbook_part(zf: zipfile.ZipFile) -> str:
    for kind, target in _rels(zf, "").values():
        if kind == "officeDocument":
            return target
    return "xl/workbook.xml"


def _is_date_format(code: str) -> bool:
    """POI's DateUtil.isADateFormat, simplified: y m d h s outside quotes, escapes and [colors]."""
    stripped = _NOT_DATE_PART.sub("", code.split(";", 1)[0])
    return bool(_DATE_CODE.search(stripped)) and "General" not in stripped


def _date_styles(zf: zipfile.ZipFile, part: str | None) -> set[int]:
    """Indices of the cell styles (``s=``) whose number format shows a date or time."""
    root = _xml(zf, part) if part else None
    if root is None:
        return set()
    custom = {
        int(e.get("numFmtId", "-1")): e.get("formatCode", "")
        for e in root.iter()
        if _local(e.tag) == "numFmt"
    }
    dates: set[int] = set()
    for holder in root.iter():
        if _local(holder.tag) != "cellXfs":
            continue
        for i, xf in enumerate(x for x in holder if _local(x.tag) == "xf"):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in _DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                dates.add(i)
    return dates


def _shared_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in zf.namelist():
        return []
    text = _read_part(zf, part).decode("utf-8")
    if _PREFIX.search(text[:2000]):
        text = _PREFIX.sub(r"<\1", text)
    return [_rich_text(m.group(1) or "") for m in _SI.finditer(text)]


def _chunks(stream: IO[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    inflated = 0
    while True:
        data = stream.read(CHUNK)
        inflated += len(data)
        if inflated > limits.XLSX_PART_BYTES:  # headers can lie: count what inflates
            raise exceeded(
                "the sheet",
                limits.XLSX_PART_BYTES,
                "bytes per part",
                "Apache POI's, the archive's reader",
            )
        if not data:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        yield decoder.decode(data)


_NAME = re.compile(r"[A-Za-z_][\w.-]*")


def _after_last_row(buffer: str, start: int) -> int:
    """The index just after the last ``</row>`` (or ``</x:row>``) that ends at or after
    ``start``, 0 when there is none. Each look is bounded: a long text costs linear time."""
    i = len(buffer)
    while True:
        i = buffer.rfind("row>", start, i)
        if i < 2:
            return 0
        if buffer[i - 2 : i] == "</":
            return i + 4
        if buffer[i - 1] == ":":
            j = buffer.rfind("</", max(start, i - 64), i)
            if j >= 0 and _NAME.fullmatch(buffer, j + 2, i - 1):
                return i + 4


def _row_chunks(stream: IO[bytes], merged: list[str]) -> Iterator[str]:
    """The sheet's XML a few MB at a time, each piece ending after a row (prefixes dropped)."""
    buffer = ""
    prefixed: bool | None = None
    for chunk in _chunks(stream):
        start = max(0, len(buffer) - 80)  # the rest holds no row end, but may hold half of one
        buffer += chunk
        if prefixed is None:
            prefixed = bool(re.search(r"<[A-Za-z_][\w.-]*:(?:worksheet|sheetData)\b", buffer))
        cut = _after_last_row(buffer, start)
        done, buffer = buffer[:cut], buffer[cut:]
        if len(buffer) > limits.XLSX_ROW_XML_CHARS:
            raise exceeded(
                "a row's XML",
                limits.XLSX_ROW_XML_CHARS,
                "characters per row",
                "2,000 cells as long as Excel's longest",
                line=None,
                cell=None,
            )
        if prefixed:
            done = _PREFIX.sub(r"<\1", done)
        yield done
        if "<mergeCell" in done:
            merged.extend(_MERGE.findall(done))
    if prefixed:
        buffer = _PREFIX.sub(r"<\1", buffer)
    yield buffer
    merged.extend(_MERGE.findall(buffer))


def load_sheet(file: Path | IO[bytes], max_rows: int | None = None) -> Sheet:
    """The first sheet in workbook order, each row as the TSV line the archive's converter writes.

    Raises zipfile.BadZipFile, KeyError or ElementTree.ParseError for a file that is not a workbook,
    LimitExceeded for one beyond bia-hooks' limits, NotText for text that is no character.
    """
    with zipfile.ZipFile(file) as zf:
        book_part = _workbook_part(zf)
        book = _xml(zf, book_part)
        if book is None:
            raise KeyError(book_part)
        rels = _rels(zf, book_part)
        sheets = [e for e in book.iter() if _local(e.tag) == "sheet"]
        if not sheets:
            raise KeyError("no sheet")
        first = sheets[0]
        rid = next((v for k, v in first.attrib.items() if _local(k) == "id"), "")
        if rid not in rels:  # the archive's reader finds no sheet either
            raise KeyError(
                f"no part for the first sheet: {book_part} names {rid!r}, its rels do not"
            )
        sheet_part = rels[rid][1]
        view = next((e for e in book.iter() if _local(e.tag) == "workbookView"), None)
        active = int(view.get("activeTab", "0")) if view is not None else 0
        parts = {kind: target for kind, target in rels.values()}
        properties = next((e for e in book.iter() if _local(e.tag) == "workbookPr"), None)
        sheet = Sheet(
            name=first.get("name", "Sheet1"),
            hidden=first.get("state", "visible") != "visible",
            active=sheets[active].get("name") if 0 < active < len(sheets) else None,
            date1904=properties is not None and properties.get("date1904") in ("1", "true"),
        )
        strings = _shared_strings(zf, parts.get("sharedStrings"))
        dates = _date_styles(zf, parts.get("styles"))
        _check_part(zf, sheet_part)
        with zf.open(sheet_part) as stream:
            _read_rows(stream, sheet, strings, dates, max_rows)
    return sheet


def _cell_kind(attrs: str, dates: set[int]) -> tuple[str, bool, int | None]:
    """(type, is a date style, column from an r= that was not first) from a cell's attributes."""
    t = _attr(attrs, "t") or "n"
    s = _attr(attrs, "s")
    r = _attr(attrs, "r")
    m = _REF.match(r) if r else None
    return (
        t,
        s is not None and s.isdigit() and int(s) in dates,
        _column_index(m.group(1)) if m else None,
    )


def _read_rows(
    stream: IO[bytes], sheet: Sheet, strings: list[str], dates: set[int], max_rows: int | None
) -> None:
    escaped = {i for i, s in enumerate(strings) if "_x" in s and surprising_escape(s)}
    decoded = [decode_escapes(s) for s in strings]
    broken = {i for i in escaped if _SURROGATE.search(decoded[i])}
    altered = sheet.altered
    rows = sheet.rows
    kinds: dict[str, tuple[str, bool, int | None]] = {}
    columns: dict[str, int] = {}
    number = 0
    texts: list[str] = []
    started = False
    col: int | None = None
    plain = _PlainRows(strings, decoded, escaped, broken, dates) if max_rows is None else None
    try:
        for text in _row_chunks(stream, sheet.merged):
            read = plain.read(text, started, number, texts) if plain else None
            if read is not None:  # every row in a plain form: read at C speed
                more_rows, more_altered, started, number, texts = read
                rows.extend(more_rows)
                altered.extend(more_altered)
                continue
            for m in _ITEM.finditer(text):
                row_attrs, letters, attrs, v, inline, body = m.groups()
                if row_attrs is not None:  # a new row
                    if started:
                        rows.append((number, _join(_within_columns(texts), number, altered)))
                        if max_rows is not None and len(rows) >= max_rows:
                            return
                    started = True
                    r = _attr(row_attrs, "r")
                    number = int(r) if r and len(r) <= 20 else number + 1 if not r else INT_MAX
                    if number > limits.XLSX_ROWS:  # the gap before it would be as many blank lines
                        shown = f"{r[:20]}..." if r and len(r) > 20 else f"{number:,}"
                        raise exceeded(f"row {shown}", limits.XLSX_ROWS, "rows", "Excel's last row",
                                       line=number, cell=None)  # fmt: skip
                    texts = []
                    continue
                kind = kinds.get(attrs)
                if kind is None:
                    kind = kinds[attrs] = _cell_kind(attrs, dates)
                t, is_date, r_col = kind
                if letters is not None:
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = _column_index(letters)
                else:
                    col = r_col if r_col is not None else len(texts)
                code: str | None = None
                wrote = ""
                has_f = False
                if t == "inlineStr":
                    if inline is not None:
                        raw = xml_text(inline)
                    else:
                        im = _IS.search(body or "")
                        raw = _rich_text(im.group(1)) if im else ""
                    text = decode_escapes(raw)
                    if text != raw and surprising_escape(raw):
                        code, wrote = "BIA229", raw
                        _refuse_surrogate(raw, text)
                else:
                    if v is None and body:
                        has_f = "<f" in body
                        vm = _V.search(body)
                        v = vm.group(1) if vm else None
                    if t == "s":
                        k = int(v) if v else -1
                        text = decoded[k] if 0 <= k < len(decoded) else ""
                        if k in escaped:
                            code, wrote = "BIA229", strings[k]
                            if k in broken:
                                _refuse_surrogate(wrote, text)
                    elif t == "n":
                        if not v:
                            text = ""
                            if has_f:
                                code = "BIA226"
                        else:
                            text, altered_as = number_text(v, is_date)
                            if altered_as is not None:
                                code, wrote = altered_as, v
                    elif t == "str":
                        text = xml_text(v) if v else ""
                        if v is None and has_f:
                            code = "BIA226"
                    elif t == "b":
                        text = "1" if v in ("1", "true") else "0"
                        code, wrote = "BIA224", "TRUE" if text == "1" else "FALSE"
                    elif t == "e":
                        wrote = xml_text(v or "")
                        text = f"ERROR:  {wrote}"
                        code = "BIA225"
                    else:  # 'd' (ISO 8601 dates, strict OOXML), anything unknown: as written
                        text = xml_text(v or "")
                if code:
                    altered.append((number, col, code, wrote, text))
                if col == len(texts):
                    texts.append(text)
                elif col > len(texts):
                    if col >= limits.XLSX_COLUMNS:
                        raise _column_limit(col)
                    texts.extend([""] * (col - len(texts)))
                    texts.append(text)
                else:
                    texts[col] = text
    except (NotText, LimitExceeded) as e:  # located at the cell it was reading
        where = _locate(number, col)
        raise (NotText(e.what, **where) if isinstance(e, NotText) else e.at(**where)) from None
    if started:
        rows.append((number, _join(_within_columns(texts), number, altered)))


# The fast path (benches/bench_xlsx_read.py: 100,000 rows read 3 times faster). Writers put
# every row of a list in a few plain forms: a row start with r= first, then cells with r=, s=, t=
# in that order holding a shared string, an inline string without entities or CR, a number, or
# nothing. A row is matched whole by an expression made for its shape (the columns, styles and
# types of its cells), and its cells converted as the loop above converts them. A piece of the
# sheet holding anything else (another form, an escape, a formula, text outside the rows) is left
# to that loop, from the same state: the fast path reads nothing the loop would read differently.
_ROW_HEAD = r'<row r="(\d{1,7})"(?: [\w:]+="[^"<>]*")*'
_PLAIN_ROW = re.compile(_ROW_HEAD + "(/?)>")
_PLAIN_CELL = re.compile(
    r'<c r="([A-Z]{1,3})\d+"((?: s="\d{1,9}")?)'
    r'(?:( t="s")><v>\d{1,9}</v></c>|( t="inlineStr")><is><t>[^<&\r]*</t></is></c>'
    r'|( t="n")?(>)<v>[-+.\dEe]{1,30}</v></c>|/>)'
)
_PLAIN_FORMS = {
    "s": r'<c r="{}\d+"{} t="s"><v>(\d{{1,9}})</v></c>',
    "i": r'<c r="{}\d+"{} t="inlineStr"><is><t>([^<&\r]*)</t></is></c>',
    "n": r'<c r="{}\d+"{} t="n"><v>([-+.\dEe]{{1,30}})</v></c>',
    "N": r'<c r="{}\d+"{}><v>([-+.\dEe]{{1,30}})</v></c>',
    "e": r'<c r="{}\d+"{}/>()',
}
_PLAIN_TAGS = {"s": 4, "i": 6, "n": 4, "N": 4, "e": 1}  # the '<' of each form
_ITEM_START = re.compile(r"<(?:row|c)\b")
_Shape = tuple[bool, tuple[tuple[str, str, str], ...]]  # self-closing; (letters, s=, kind) each
_Altered = tuple[int, int, str, str, str]  # as Sheet.altered


@dataclass
class _Plan:
    """How to read rows of one shape: the expression, and (column, kind, is a date) per cell."""

    pattern: re.Pattern[str]
    cells: list[tuple[int, str, bool]]
    same: str  # the kind of every cell, when they fill columns A, B, C... ("" otherwise)


class _NotPlain(Exception):
    """A row the fast path does not read: the loop reads the piece."""


class _PlainRows:
    """Rows of the plain forms, read as ``_read_rows``' loop reads them."""

    def __init__(self, strings: list[str], decoded: list[str], escaped: set[int],
                 broken: set[int], dates: set[int]) -> None:  # fmt: skip
        self.strings, self.decoded, self.escaped, self.broken = strings, decoded, escaped, broken
        self.dates = dates
        self.plans: dict[_Shape, _Plan] = {}
        self.plan = _Plan(re.compile("(?!)"), [], "")  # the plan of the row being read

    def _shape(self, text: str, pos: int) -> _Shape:
        row = _PLAIN_ROW.match(text, pos)
        if row is None:
            raise _NotPlain
        if row.group(2):
            return True, ()
        cells = []
        at = row.end()
        while (cell := _PLAIN_CELL.match(text, at)) is not None:
            letters, style, s, inline, n, number = cell.groups()
            kind = "s" if s else "i" if inline else "n" if n else "N" if number else "e"
            cells.append((letters, style, kind))
            at = cell.end()
        if not text.startswith("</row>", at):
            raise _NotPlain
        return False, tuple(cells)

    def _plan(self, shape: _Shape) -> _Plan:
        plan = self.plans.get(shape)
        if plan is None:
            if len(self.plans) >= 64:  # a sheet of ever new shapes: the loop reads it as fast
                raise _NotPlain
            closing, cells = shape
            cells_re = "".join(_PLAIN_FORMS[k].format(c, re.escape(s)) for c, s, k in cells)
            row_re = _ROW_HEAD + ("/>" if closing else f">{cells_re}</row>")
            columns = [_column_index(c) for c, _, _ in cells]
            if columns and max(columns) >= limits.XLSX_COLUMNS:
                raise _NotPlain
            dated = [k in "nN" and int(s[4:-1]) in self.dates if s else False for _, s, k in cells]
            kinds = {k for _, _, k in cells}
            # Cells of one kind in columns A, B, C...: the row's texts in one step.
            same = kinds.pop() if len(kinds) == 1 and columns == list(range(len(columns))) else ""
            plan = self.plans[shape] = _Plan(
                re.compile(row_re),
                [(col, k, d) for col, (_, _, k), d in zip(columns, cells, dated, strict=True)],
                same,
            )
        return plan

    def read(self, text: str, started: bool, number: int, texts: list[str]) -> (
        tuple[list[tuple[int, str]], list[_Altered], bool, int, list[str]]
        | None
    ):  # fmt: skip
        """The rows ``text`` completes, the cells they alter, and the row left open (the loop's
        state: ``started``, ``number``, ``texts``); None when a row is not in a plain form."""
        start = text.find("<row ")
        if start < 0:
            start = len(text)
        if _ITEM_START.search(text, 0, start):
            return None
        rows: list[tuple[int, str]] = []
        altered: list[_Altered] = []
        texts = list(texts)  # _join quotes cells in place: the loop's own row stays as it is
        escapes = "_x" in text  # else no inline string needs decoding
        try:
            found = self._one_shape(text, start)
            quiet = found and self._quiet(found, text, escapes)
            if quiet:  # no cell altered, none quoted: the rows' lines at C speed
                numbers, lines = quiet
                if started:
                    rows.append((number, _plain_line(texts) or _join(texts, number, altered)))
                rows.extend(zip(numbers[:-1], lines[:-1], strict=True))
                return rows, altered, True, numbers[-1], lines[-1].split("\t")
            for values in found or self._rows(text, start):
                if started:
                    rows.append((number, _plain_line(texts) or _join(texts, number, altered)))
                started = True
                number = int(values[0])
                if number > limits.XLSX_ROWS:
                    return None
                texts = self._texts(values, number, altered, escapes)
        except (_NotPlain, ValueError):  # ValueError: float() refuses it; the loop says so
            return None
        return rows, altered, started, number, texts

    def _one_shape(self, text: str, start: int) -> list[tuple[str, ...]] | None:
        """Every row's number and cell values when all rows have the first one's shape and at
        least one cell, as in most lists: one findall. Else None; _NotPlain when the first row
        is in no plain form."""
        if start == len(text):
            return None
        plan = self.plan = self._plan(self._shape(text, start))
        if not plan.cells:
            return None
        found = plan.pattern.findall(text, start)
        # Nothing between the rows found holds a '<' (the rows' own '<' counted by their form).
        end = text.rfind("</row>") + 6
        tags = 2 + sum(_PLAIN_TAGS[kind] for _, kind, _ in plan.cells)
        if text.count("<", start, end) != len(found) * tags or _ITEM_START.search(text, end):
            return None
        return found

    def _quiet(self, found: list[tuple[str, ...]], text: str,
               escapes: bool) -> tuple[list[int], list[str]] | None:  # fmt: skip
        """The numbers and lines of rows of one kind of text cells in columns A, B, C... when
        none is altered or quoted and the last cell of each is not blank (else None)."""
        same = self.plan.same
        if "\t" in text or "\n" in text:
            return None
        if same == "i" and not escapes:
            lines = ["\t".join(v[1:]) for v in found]
        elif same == "s" and not self.escaped:
            if any(map(_QUOTED.search, self.decoded)):
                return None
            pick = self.decoded.__getitem__
            try:  # (an index past the strings: the exact way reads an empty cell)
                lines = ["\t".join([pick(int(k)) for k in v[1:]]) for v in found]
            except IndexError:
                return None
        elif (columns := self._in_columns(found, escapes)) is not None:
            lines = list(map("\t".join, zip(*columns, strict=True)))
        else:
            return None
        if '"' in "".join(lines) or not all(map(str.strip, (t.rpartition("\t")[2] for t in lines))):
            return None  # (strip() takes U+0085 for blank too: then the exact way is taken)
        numbers = [int(v[0]) for v in found]
        if max(numbers) > limits.XLSX_ROWS:
            return None
        return numbers, lines

    def _in_columns(self, found: list[tuple[str, ...]], escapes: bool) -> list[list[str]] | None:
        """Rows of cells of several kinds in columns A, B, C..., converted a column at a time,
        when no cell is altered (no date, no number with a fraction, no escape); else None."""
        if self.plan.cells != [
            (col, kind, False) for col, (_, kind, _) in enumerate(self.plan.cells)
        ]:
            return None
        columns = []
        for k, (_, kind, _) in enumerate(self.plan.cells, start=1):
            values = [v[k] for v in found]
            if (kind == "i" and escapes) or (kind == "s" and self.escaped):
                return None
            if kind == "s":
                count, decoded = len(self.decoded), self.decoded
                values = [decoded[i] if (i := int(v)) < count else "" for v in values]
                joined = "".join(values)
                if "\t" in joined or "\n" in joined or "\r" in joined:
                    return None  # the row is split or quoted: the exact way says so
            elif kind in "nN":
                numbers = list(map(float, values))
                whole = list(map(to_int, numbers))
                if any(map(operator.ne, whole, numbers)):
                    return None
                values = list(map(str, whole))
            elif kind == "e":
                values = [""] * len(found)
            columns.append(values)
        return columns

    def _rows(self, text: str, start: int) -> Iterator[tuple[str, ...]]:
        """Each row's number and cell values, its plan in ``self.plan``; _NotPlain when an
        item the loop reads (a row, a cell) is not in a plain row."""
        pos = start
        plan = self.plan
        while text.startswith("<row ", pos):
            m = plan.pattern.match(text, pos)
            if m is None:
                plan = self.plan = self._plan(self._shape(text, pos))
                m = plan.pattern.match(text, pos)
                if m is None:
                    raise _NotPlain
            pos = m.end()
            yield m.groups()
        if _ITEM_START.search(text, pos):
            raise _NotPlain

    def _texts(
        self, values: tuple[str, ...], number: int, altered: list[_Altered], escapes: bool
    ) -> list[str]:
        same = self.plan.same
        if same == "i" and not escapes:
            return list(values[1:])
        if same == "s" and not self.escaped:
            decoded, count = self.decoded, len(self.decoded)
            return [decoded[k] if (k := int(v)) < count else "" for v in values[1:]]
        return self._cells(number, self.plan.cells, values[1:], altered)

    def _cells(self, number: int, cells: list[tuple[int, str, bool]], values: tuple[str, ...],
               altered: list[_Altered]) -> list[str]:  # fmt: skip
        texts: list[str] = []
        for (col, kind, is_date), v in zip(cells, values, strict=True):
            if kind == "i":
                if "_x" in v:
                    raise _NotPlain
                text = v
            elif kind == "s":
                k = int(v)
                text = self.decoded[k] if k < len(self.decoded) else ""
                if k in self.escaped:
                    if k in self.broken:
                        raise _NotPlain
                    altered.append((number, col, "BIA229", self.strings[k], text))
            elif kind == "e":
                text = ""
            else:
                text, altered_as = number_text(v, is_date)
                if altered_as is not None:
                    altered.append((number, col, altered_as, v, text))
            if col == len(texts):
                texts.append(text)
            elif col > len(texts):
                texts.extend([""] * (col - len(texts)))
                texts.append(text)
            else:
                texts[col] = text
        return texts


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogate(raw: str, text: str) -> None:
    """POI decodes an escape of half a UTF-16 pair (``_xD800_``) to a lone surrogate, which is
    no character: the archive cannot write it to its TSV."""
    if _SURROGATE.search(text):
        shown = next(
            m.group(0) for m in _ESCAPE.finditer(raw) if _SURROGATE.match(chr(int(m.group(1), 16)))
        )
        raise NotText(f"the escape {shown} stands for half of a UTF-16 pair")


def _column_limit(col: int) -> LimitExceeded:
    return exceeded(
        f"column {col + 1:,}", limits.XLSX_COLUMNS, "columns", "Excel's last column, XFD", cell=None
    )


def _within_columns(texts: list[str]) -> list[str]:
    if len(texts) > limits.XLSX_COLUMNS:
        raise _column_limit(len(texts) - 1)
    return texts


# The archive's converter quotes a cell holding one of these (PoiExt.kt, specialCharRegex): a
# line feed, a tab or '"', never doubled; a CR alone is not quoted, and still ends the line.
_QUOTED = re.compile(r'[\n\t"]')


def _plain_line(texts: list[str]) -> str | None:
    """The row as ``_join`` writes it when no cell needs quoting and the last is not blank."""
    if not texts or not texts[-1] or texts[-1].isspace():
        return None
    line = "\t".join(texts)
    if '"' in line or "\n" in line or "\r" in line or line.count("\t") >= len(texts):
        return None
    return line


def _join(texts: list[str], number: int, altered: list[tuple[int, int, str, str, str]]) -> str:
    """The row as the converter writes it (BioStudies ``PoiExt.kt``, ``Row.asString``): trailing
    blank cells dropped, whitespace-only ones too (Kotlin's isBlank), inner ones kept; then each
    cell holding a line feed, tab or '"' wrapped in quotes. Each cell it alters is noted."""
    while texts and is_blank(texts[-1]):
        texts.pop()
    line = "\t".join(texts)
    if '"' not in line and "\n" not in line and "\r" not in line and line.count("\t") < len(texts):
        return line  # no cell to quote: the common row, checked at C speed
    for col, text in enumerate(texts):
        if "\r" in text or _QUOTED.search(text):
            split = "\n" in text or "\r" in text
            altered.append((number, col, "BIA227" if split else "BIA228", text, text))
            if _QUOTED.search(text):
                texts[col] = f'"{text}"'
    return "\t".join(texts)


def first_row(file: Path) -> list[str]:
    """The cells of row 1 of the first sheet, [] when it has none (cheap: stops after row 1)."""
    sheet = load_sheet(file, max_rows=1)
    if not sheet.rows or sheet.rows[0][0] != 1:
        return []
    return sheet.rows[0][1].split("\t")


def sheet_lines(sheet: Sheet) -> tuple[list[str], list[int]]:
    """The TSV text the archive's converter writes, line by line, each with its sheet row.

    Absent rows are empty rows: blank lines (before the first row, one per row, since the header
    must be on row 1; further down one blank line stands for the gap, as blank lines are skipped).
    """
    lines: list[str] = []
    refs: list[int] = []
    expected = 1
    for number, line in sheet.rows:
        if number > expected:
            gap = range(expected, number) if not lines else range(expected, expected + 1)
            lines.extend("" for _ in gap)
            refs.extend(gap)
        expected = number + 1
        if "\n" in line or "\r" in line:
            parts = LINE_END.split(line)
            lines.extend(parts)
            refs.extend([number] * len(parts))
        else:
            lines.append(line)
            refs.append(number)
    return lines, refs


def _locate(ref: int, col: int | None) -> dict[str, Any]:
    if col is None:
        return {"line": ref}
    return {"line": ref, "cell": f"{column_letters(col)}{ref}"}


_ALTERED = {
    "BIA222": "the number {wrote} is read as {text}: the archive cuts numbers to whole numbers",
    "BIA223": "the date {shown} is read as the day number {text}",
    "BIA224": "the boolean {wrote} is read as {text}",
    "BIA225": "the error {wrote} is read as the text {text!r}",
    "BIA226": "the formula has no saved result (files written by scripts often have none): "
    "the archive reads an empty cell",
    "BIA229": "the escape in {wrote!r} is decoded: the archive reads {text!r}",
}
_ALTERED_FIX = {
    "BIA225": "fix the formula, or replace it with its value",
    "BIA226": "open and save the file in Excel, or replace formulas with values",
    "BIA229": "write the character itself, or escape the underscore as _x005F_",
}


def sheet_to_table(
    sheet: Sheet, path: str, keep_shown: bool = False
) -> tuple[Table | None, list[Finding]]:
    """Pure: the archive's table from the sheet, and every cell it reads differently.

    ``keep_shown`` (export): a number, date or boolean the archive would alter is read as the
    text the cell shows (0.65, 2024-01-15, TRUE), which the export writes as text; an info
    finding says so for each.
    """
    findings: list[Finding] = []
    if sheet.hidden:
        findings.append(
            Finding(
                "BIA220",
                path,
                f"the first sheet, {sheet.name!r}, is hidden, and the archive reads it "
                "anyway (the first sheet in workbook order)",
                fix="unhide it, and keep the file list on the first sheet",
            )
        )
    if sheet.active:
        findings.append(
            Finding(
                "BIA221",
                path,
                f"the workbook opens on sheet {sheet.active!r}, but the archive reads "
                f"only the first sheet, {sheet.name!r}",
                fix="move the file list to the first sheet, or delete the other sheets",
            )
        )
    lines, refs = sheet_lines(sheet)
    table, more = table_from_lines(
        path, "xlsx", lines, refs, _locate, quote_check=False, files_at=_files_cell(sheet)
    )
    findings.extend(more)
    if table is None:
        return None, findings
    width = len(table.header)
    row_of = {ref: i for i, ref in reversed(list(enumerate(table.refs)))} if sheet.altered else {}
    for number, col, code, wrote, text in sheet.altered:
        if col >= width:
            continue
        shown = shown_text(code, wrote, sheet.date1904) if code in KEPT_AS_TEXT else None
        row = table.rows[row_of[number]] if number in row_of else []
        if keep_shown and shown is not None and col < len(row) and row[col] == text:
            row[col] = shown
            findings.append(_kept(path, table, number, col, code, text, shown))
        else:
            findings.append(_altered(path, table, number, col, code, wrote, text, shown))
    findings.extend(_merged(sheet, path, width))
    findings.extend(_below(sheet, path, width))
    return table, findings


def _cell(table: Table, number: int, col: int) -> dict[str, Any]:
    return {"line": number, "cell": f"{column_letters(col)}{number}", "column": table.header[col]}


def _kept(path: str, table: Table, number: int, col: int, code: str, text: str,
          shown: str) -> Finding:  # fmt: skip
    return Finding(
        code,
        path,
        f"the cell shows {shown}, which the archive would read as {text}: exported as the "
        f"text '{shown}'",
        level=Level.INFO,
        value=shown,
        **_cell(table, number, col),
    )


def _altered(
    path: str,
    table: Table,
    number: int,
    col: int,
    code: str,
    wrote: str,
    text: str,
    shown: str | None = None,
) -> Finding:
    where = _cell(table, number, col)
    if code in ("BIA227", "BIA228"):
        split = code == "BIA227"
        return Finding(
            code,
            path,
            "the cell holds a line break: the archive wraps it in quotes and splits the row, "
            "and reads the second part as a path"
            if split
            else "the cell holds a tab or '\"': the archive wraps it in quotes, which stay"
            + (" (and the tab splits the cell)" if "\t" in text else ""),
            value=text,
            fix="remove the line break" if split else "remove the tab or '\"'",
            **where,
        )
    if code in KEPT_AS_TEXT:
        message = _ALTERED[code].format(wrote=wrote, text=text, shown=shown or "in this cell")
        fix = _as_text_fix(path, shown) if shown is not None else _CANNOT_SHOW
        return Finding(code, path, message, value=text, fix=fix, **where)
    return Finding(
        code,
        path,
        _ALTERED[code].format(wrote=wrote, text=text),
        value=text,
        fix=_ALTERED_FIX[code],
        **where,
    )


_CANNOT_SHOW = "format the cells as Text in Excel and type the value again"


def _as_text_fix(path: str, shown: str) -> Advice:
    """A cell holding text is read as it is: Excel stores it so when the cells are formatted as
    Text, or the value typed after an apostrophe; export writes what the cell shows as text."""
    return Advice(
        lambda s: (
            f"format the cells as Text in Excel and type {shown} again, or type it with a "
            f"leading apostrophe ('{shown}); or "
            f"{command(s, 'export', f'{shlex.quote(path)} --output NEW.xlsx')} writes it as the "
            f"text {shown}"
        )
    )


def _files_cell(sheet: Sheet) -> str | None:
    """Where a 'Files' header is, when it is not in A1."""
    for number, line in sheet.rows[:20]:
        for col, text in enumerate(line.split("\t")):
            if text.strip() == "Files" and (number, col) != (1, 0):
                return f"{column_letters(col)}{number}"
    return None


def _merged(sheet: Sheet, path: str, width: int) -> Iterator[Finding]:
    for ref in sheet.merged:
        first, _, last = ref.partition(":")
        m1, m2 = _REF.match(first), _REF.match(last or first)
        if m1 is None or m2 is None or _column_index(m1.group(1)) >= width or len(ref) > 40:
            continue
        yield Finding(
            "BIA231",
            path,
            f"cells {ref} are merged: the archive reads the value in {first} only, "
            "and the other cells as empty",
            line=int(m1.group(2)),
            cell=first,
            value=ref,
            fix="unmerge the cells and fill each one",
        )


def _below(sheet: Sheet, path: str, width: int) -> Iterator[Finding]:
    """Notes below the table: after an empty row, a lone cell, or a short last block of rows."""
    blocks: list[list[tuple[int, str]]] = []
    previous = 0
    for n, line in sheet.rows:
        if not line:
            continue
        if not blocks or n > previous + 1:
            blocks.append([])
        blocks[-1].append((n, line))
        previous = n
    for k, block in enumerate(blocks[1:], 1):
        last_short = k == len(blocks) - 1 and len(block) <= 3
        for n, line in block:
            cells = [(col, text) for col, text in enumerate(line.split("\t")) if text]
            if cells and (last_short or (len(cells) == 1 and width > 1)):
                col, text = cells[0]
                yield Finding(
                    "BIA230",
                    path,
                    f"row {n} comes after an empty row: if it is a note below the "
                    "table, the archive reads it as a file",
                    line=n,
                    cell=f"{column_letters(col)}{n}",
                    value=text,
                    fix="move notes to another sheet (after the first one)",
                )


def read_xlsx(
    file: Path | IO[bytes], path: str, keep_shown: bool = False
) -> tuple[Table | None, list[Finding]]:
    """Read ``file`` (the file list ``path``, or its bytes) as the archive reads it
    (``keep_shown``: see :func:`sheet_to_table`)."""
    try:
        sheet = load_sheet(file)
    except LimitExceeded as e:
        return None, [e.finding(path)]
    except NotText as e:
        return None, [e.finding(path)]
    except (
        zipfile.BadZipFile,
        KeyError,
        ElementTree.ParseError,
        ValueError,
        UnicodeDecodeError,
    ) as e:
        return None, [
            Finding(
                "BIA203",
                path,
                f"the file is not an Excel .xlsx workbook the archive can read ({e})",
                fix="save it from Excel (or LibreOffice) as 'Excel Workbook (.xlsx)'",
            )
        ]
    return sheet_to_table(sheet, path, keep_shown)
