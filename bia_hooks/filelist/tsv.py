"""TSV file lists as the archive reads them (domain.md §2; BioStudies
``FileListTsvStreamDeserializer``).

Pure logic: bytes in, a :class:`Table` and findings out. :func:`table_from_lines` is the archive's
TSV parse itself; the XLSX reader feeds it the lines the archive's converter writes.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bia_hooks import advice, limits
from bia_hooks.filelist.table import Table, column_letters
from bia_hooks.findings import Finding, Level
from bia_hooks.wording import first_few

# Java's BufferedReader.readLine: only CR, LF and CRLF end a line (not VT, FF, U+2028, ...).
LINE_END = re.compile(r"\r\n|\r|\n")
LONE_CR = re.compile(r"\r(?!\n)")
FILES = "Files"

# Where a row/column is, as Finding keyword arguments: TSV line, or XLSX row and cell.
Locate = Callable[[int, int | None], dict[str, Any]]


# The lines git writes around the two sides of a conflict it could not merge, at a line start
# as the archive sees one (after CR, LF or CRLF).
CONFLICT_MARKER = re.compile(r"(?:^|(?<=\r))(?:<{7} |={7}(?:\r|$)|>{7} )", re.MULTILINE)


def _conflict(path: str, line: int) -> Finding:
    return Finding(
        "BIA232",
        path,
        "an unresolved merge conflict: the marker lines of a merge (<<<<<<<, =======, >>>>>>>) "
        "are in the file list, and the archive would read them as paths",
        line=line,
        fix=advice.resolve_conflict(),
    )


def locate_line(ref: int, col: int | None) -> dict[str, Any]:
    return {"line": ref}


def split_lines(text: str) -> list[str]:
    """The lines readLine() returns: no empty line after a final line end."""
    lines = text.split("\n") if "\r" not in text else LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Every character but LF that Kotlin's isWhitespace() takes (see ``is_blank``).
_SPACES_BUT_LF = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\n\x85")
_BLANK_INNER_LINE = re.compile(f"\n[{re.escape(_SPACES_BUT_LF)}]*\n")


def may_hold_blank_line(text: str, lines: Sequence[str]) -> bool:
    """Could a line after the first of ``text`` (split into ``lines``) be blank? False means
    surely not, found at C speed: a million rows are not tested one by one."""
    if "\r" in text:
        return True
    return bool(_BLANK_INNER_LINE.search(text)) or (len(lines) > 1 and is_blank(lines[-1]))


def is_blank(text: str) -> bool:
    """Kotlin's isBlank(): empty or whitespace only, whitespace as Kotlin's Char.isWhitespace()
    says (Java's isWhitespace or isSpaceChar). Of all code points, Python's isspace() differs only
    on U+0085 (next line), which the archive reads as text: a line of it is a row, not blank."""
    return not text or (text.isspace() and "\x85" not in text)


def decode(data: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """The text the archive reads: UTF-8, invalid bytes become U+FFFD; UTF-16/32 refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or looks_utf16(data):
        return None, [
            Finding(
                "BIA205",
                path,
                "the file is UTF-16 (or UTF-32) text; the archive reads file lists as UTF-8 "
                "and refuses this one",
                line=1,
                fix=advice.runs(
                    "export",
                    f"{path} --format tsv --output NEW.tsv",
                    before="save it as 'UTF-8' (not 'Unicode' or 'UTF-16'), or run ",
                ),
            )
        ]
    return data.decode("utf-8", errors="replace"), []


def looks_utf16(data: bytes) -> bool:
    head = data[:4096]
    # ASCII text in UTF-16 has a NUL in every other byte; UTF-8 text has none.
    return len(head) >= 4 and head.count(0) * 3 >= len(head)


def read_tsv_bytes(
    data: bytes, path: str, repair: bool = False
) -> tuple[Table | None, list[Finding]]:
    """The archive's table and findings. ``repair`` (for export): read a UTF-16 file or one with a
    byte-order mark as its author meant it, and report those as info: the export fixes them."""
    fast = None if repair else plain_table(data, path)
    return fast if fast is not None else read_tsv_exact(data, path, repair)


def read_tsv_exact(
    data: bytes, path: str, repair: bool = False
) -> tuple[Table | None, list[Finding]]:
    """``read_tsv_bytes`` line by line: the source of truth, for every file."""
    text, findings = decode(data, path)
    if repair and (text is None or text.startswith("\ufeff")):
        if text is None:
            bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))
            text = data.decode("utf-16" if bom else "utf-16-le",
                               errors="replace")  # fmt: skip
        else:
            findings.append(Finding("BIA206", path, "the byte-order mark is dropped in the export"))
        text = text.lstrip("\ufeff")
        findings = [f.with_level(Level.INFO) for f in findings]
    if text is None:
        return None, findings
    # The marker search is a slow scan: look for it only where a marker's text is.
    conflict = CONFLICT_MARKER.search(text) if _may_hold_markers(text) else None
    if conflict is not None:  # git's markers would be read as paths: the list is half-merged
        line = len(LINE_END.findall(text, 0, conflict.start())) + 1
        return None, [*findings, _conflict(path, line)]
    if "\r" in text and LONE_CR.search(text):
        findings.append(
            Finding(
                "BIA218",
                path,
                "lines end with a lone CR (old Mac line ends): the archive reads them, "
                "but git, diff and most tools see a single line",
                fix="save the file with LF line ends",
            )
        )
    table, more = table_from_lines(path, "tsv", split_lines(text))
    return table, findings + more


def _may_hold_markers(text: str) -> bool:
    return "<<<<<<< " in text or "=======" in text or ">>>>>>> " in text


# --- the fast reader: a plain file's columns at C speed -----------------------------------------
# bench: `bia-hooks check` on a 1,000,000-row list (benches/): the line by line reader below takes
# seconds and three copies of the table; the columns of a plain file take a split of the text.

# Bytes the exact reader looks at that a plain file has none of: each may need a line's finding
# (spaces around a cell, U+00A0 and U+FFFD), make a row blank or its path a comment, or be a
# conflict marker. Each is looked for only where its first byte is in the file (a search for one
# byte is ten times faster than for two).
_NOT_PLAIN = (
    (b"#", (b"\n#",)),
    (b"\xc2", (b"\xc2\xa0",)),
    (b"\xef", (b"\xef\xbf\xbd",)),
    (b"\xe1", (b"\n\xe1",)),  # U+1680, a space
    (b"\xe2", (b"\n\xe2",)),  # U+2000-U+205F: spaces among them
    (b"\xe3", (b"\n\xe3",)),  # U+3000, a space
    (b"<", (b"<<<<<<<",)),
    (b"=", (b"=======",)),
    (b">", (b">>>>>>>",)),
)


_SPACED = (b" \t", b"\t ", b" \n")  # a cell that starts or ends with a space


def _holds_any(data: bytes, first: bytes, needles: tuple[bytes, ...]) -> bool:
    return first in data and any(needle in data for needle in needles)


def _spaced_cells(data: bytes, body: int) -> bool:
    """A cell that starts or ends with a space; the header's spaces ('Source image') do not
    make every row's cells looked at."""
    head = data[:body]
    return any(n in head for n in _SPACED) or (
        data.find(b" ", body) >= 0 and any(n in data for n in _SPACED)
    )


# Everything but tabs, line feeds, the other ASCII controls (CR, and the whitespace a blank line
# may hold) and quotes: what is left of a plain file is its tabs and line feeds.
_SKELETON_DELETE = bytes(b for b in range(256) if b >= 0x20 and b not in (0x22, 0x7F))


# What is left of a plain file of printable ASCII without _NOT_PLAIN's first bytes (or quotes):
# its tabs and line feeds too.
_ASCII_DELETE = bytes(
    b for b in range(0x20, 0x7F) if b not in b'"' + bytes(f[0] for f, _ in _NOT_PLAIN)
)


def plain_table(data: bytes, path: str) -> tuple[Table, list[Finding]] | None:
    """The table ``read_tsv_bytes`` reads from ``data``, as columns, when the file is plain: UTF-8
    without a byte-order mark, LF line ends, every line as wide as the header, and nothing the
    line by line reader reports or skips (``_NOT_PLAIN``, control characters, quotes). None
    otherwise: the exact reader then reads it (tests/test_tsv_fast.py shows the two agree)."""
    body = data.find(b"\n") + 1  # where the rows start
    if (
        not body
        or data.startswith((b"\xef\xbb\xbf", b" ", b"\t", b"\n"))
        or data.endswith(b" ")
        or _spaced_cells(data, body)
    ):
        return None
    ended = data.endswith(b"\n")
    width = data.count(b"\t", 0, body) + 1
    # Printable ASCII but the first bytes of _NOT_PLAIN and quotes, in rows as wide as the header:
    # one pass shows what the searches below show, where they would each pass over the file.
    lines = _rows_of(data.translate(None, _ASCII_DELETE), width, ended)
    if lines is None:
        if any(_holds_any(data, first, needles) for first, needles in _NOT_PLAIN):
            return None
        lines = _rows_of(data.translate(None, _SKELETON_DELETE), width, ended)
    if lines is None or lines < 2:
        return None  # a ragged row, a control character, a quote; or no row
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    flat = text.replace("\n", "\t")
    del text  # the table is held once in cells, not twice more as text
    cells = flat.split("\t")
    del flat
    if ended:
        cells.pop()  # after the last line end
    header = cells[:width]
    paths = cells[width::width]
    if header[0] != FILES or "" in paths:  # an empty path: a blank line, or a blank path
        return None
    if not _lines_within(data, limits.CELL_CHARS):  # else no cell or line can be too long
        longest = max(map(len, cells))
        if longest > limits.CELL_CHARS or width * (longest + 1) > limits.LINE_CHARS:
            return None
    first_line = ["\t".join(header)]
    if _header_findings(path, "tsv", first_line, header, lambda i: i + 1, locate_line, None):
        return None  # blank or repeated column names: the exact reader says it
    columns = [paths, *(_shared(cells[j::width]) for j in range(width + 1, 2 * width))]
    return Table(path, "tsv", header, refs=range(2, lines + 1), columns=columns), []


def _rows_of(skeleton: bytes, width: int, ended: bool) -> int | None:
    """How many lines a file has whose tabs and line feeds are ``skeleton``, when each holds
    ``width - 1`` tabs (the last line's end may lack); None when one does not."""
    lines, rest = divmod(len(skeleton) + (0 if ended else 1), width)
    expected = (b"\t" * (width - 1) + b"\n") * lines
    return lines if not rest and skeleton == (expected if ended else expected[:-1]) else None


def _lines_within(data: bytes, most: int) -> bool:
    """Is every line of ``data`` at most ``most`` bytes (so characters) long? A line end in every
    stretch of ``most // 2`` bytes shows it in a few thousand searches, not a len() per cell (1M
    rows: 0.15 s)."""
    step = most // 2  # a longer line would hold a whole stretch: at most 2 * step - 2 bytes
    return all(data.find(b"\n", at, at + step) >= 0 for at in range(0, len(data) - step + 1, step))


def _shared(cells: list[str]) -> list[str]:
    """A column of few distinct values (a type column) holding each value once, not a million
    copies of it: a tenth of the memory."""
    sample = cells[:2000]
    if len(set(sample)) * 4 >= len(sample):
        return cells
    if cells.count(cells[0]) == len(cells):  # one value in every row: no dict lookup per cell
        return [cells[0]] * len(cells)
    seen: dict[str, str] = {}
    return list(map(seen.setdefault, cells, cells))


def table_from_lines(
    path: str,
    fmt: str,
    lines: Sequence[str],
    refs: Sequence[int] | None = None,
    locate: Locate = locate_line,
    quote_check: bool = True,
    files_at: str | None = None,
) -> tuple[Table | None, list[Finding]]:
    """The archive's TSV parse of ``lines`` (``refs[i]`` locates line i; default: line numbers).

    ``files_at`` (XLSX) names the cell where a 'Files' header was seen, when it is not A1.
    """

    def ref(i: int) -> int:
        return refs[i] if refs is not None else i + 1

    if not lines:
        return None, [
            Finding(
                "BIA204",
                path,
                "the file list is empty: it needs a header line starting "
                "with 'Files' and at least one file",
                fix="write the header 'Files' and one line per file",
            )
        ]
    too_long = _too_long(path, lines, ref, locate)
    if too_long is not None:
        return None, [too_long]
    header = lines[0].split("\t")
    findings = _header_findings(path, fmt, lines, header, ref, locate, files_at)
    if any(f.level.value == "error" and f.code != "BIA210" for f in findings):
        return None, findings
    width = len(header)
    header_quotes = quote_check and any('"' in h for h in header)
    findings.extend(_cell_findings(path, header, ref(0), locate, header, header_quotes, True))
    rows: list[list[str]] = []
    row_refs: list[int] = []
    blank: list[int] = []
    n = 1  # the archive counts non-blank rows, the header included
    numbers = refs[1:] if refs is not None else range(2, len(lines) + 1)
    for line, r in zip(itertools.islice(lines, 1, None), numbers, strict=True):
        if is_blank(line):
            blank.append(r)
            continue
        n += 1
        cells = line.split("\t")
        if len(cells) > width:
            extra = [(j, c) for j, c in enumerate(cells[width:], width) if c]
            if extra:
                shown = ", ".join(repr(c) for _, c in extra[:3])
                findings.append(
                    Finding(
                        "BIA211",
                        path,
                        f"the archive drops {len(extra)} cell(s) past the last column header: "
                        + shown,
                        value=extra[0][1],
                        **locate(r, extra[0][0]),
                        fix="give the column a header, or delete the cells",
                    )
                )
            cells = cells[:width]
        p = cells[0]
        if is_blank(p):
            findings.append(
                Finding(
                    "BIA219",
                    path,
                    "the path is blank; the archive refuses the list: "
                    f"'Error at row {n}: File Path is required'",
                    value=p,
                    column=FILES,
                    **locate(r, 0),
                    fix="write the file's path in the first column, or delete the row",
                )
            )
        elif p[0] == "#":
            findings.append(
                Finding(
                    "BIA215",
                    path,
                    "a file list has no comments: the archive reads this row as a path, "
                    "and refuses the '#'",
                    value=p,
                    column=FILES,
                    **locate(r, 0),
                    fix="delete the row",
                )
            )
        if (
            "\ufffd" in line
            or (quote_check and '"' in line)
            or " \t" in line
            or "\t " in line
            or line[-1] == " "
            or "\xa0" in line
        ):
            findings.extend(_cell_findings(path, cells, r, locate, header, quote_check, False))
        rows.append(cells)
        row_refs.append(r)
    if blank and fmt == "tsv":
        shown = ", ".join(map(str, blank[:5])) + (", ..." if len(blank) > 5 else "")
        findings.append(
            Finding(
                "BIA212",
                path,
                f"{len(blank)} blank line(s) are skipped by the archive "
                f"({'lines' if len(blank) > 1 else 'line'} {shown})",
                line=blank[0],
                fix="delete the blank lines",
            )
        )
    if not rows:
        findings.append(
            Finding(
                "BIA204",
                path,
                "the file list has a header but no file; the archive "
                "refuses it: 'A file list should contain at least one file'",
                **locate(ref(0), None),
                fix="add one line per file",
            )
        )
    return Table(path, fmt, header, rows, row_refs), findings


def _too_long(
    path: str, lines: Sequence[str], ref: Callable[[int], int], locate: Locate
) -> Finding | None:
    """The first line or cell over the limits (cheap: one pass over the line lengths)."""
    if max(map(len, lines)) <= limits.CELL_CHARS:
        return None
    for i, line in enumerate(lines):
        if len(line) <= limits.CELL_CHARS:
            continue
        if len(line) > limits.LINE_CHARS:
            what = f"line {ref(i)} holds {len(line):,} characters"
            error = limits.exceeded(
                what,
                limits.LINE_CHARS,
                "characters per line",
                "real rows hold a few hundred",
                **locate(ref(i), None),
            )
            return error.finding(path)
        for j, cell in enumerate(line.split("\t")):
            if len(cell) > limits.CELL_CHARS:
                what = f"a cell of {len(cell):,} characters"
                error = limits.exceeded(
                    what,
                    limits.CELL_CHARS,
                    "characters per cell",
                    "Excel's longest cell",
                    **locate(ref(i), j),
                )
                return error.finding(path)
    return None


def _files_column(header: Sequence[str]) -> int | None:
    """The index of a 'Files' header cell that is not the first, or None."""
    return next((i for i, h in enumerate(header) if i and h.strip() == FILES), None)


def _header_findings(
    path: str,
    fmt: str,
    lines: Sequence[str],
    header: list[str],
    ref: Callable[[int], int],
    locate: Locate,
    files_at: str | None,
) -> list[Finding]:
    findings: list[Finding] = []
    first = header[0]
    where = "cell A1" if fmt == "xlsx" else "the first line"
    if first != FILES:
        found = next(
            (i for i, line in enumerate(lines[:200]) if line.split("\t", 1)[0].strip() == FILES),
            None,
        )
        if first.startswith("\ufeff"):
            findings.append(
                Finding(
                    "BIA206",
                    path,
                    "the file starts with a byte-order mark (U+FEFF), so its first header is not "
                    "exactly 'Files' for the archive",
                    **locate(ref(0), 0),
                    fix=advice.runs(
                        "export",
                        f"{path} --format tsv --output NEW.tsv",
                        before="save it as UTF-8 without BOM, or run ",
                    ),
                )
            )
        elif (column := _files_column(header)) is not None:
            # Real workbooks keep the paths in another column (domain.md §7): the columns before
            # it are the user's data, so the fix moves the column, never deletes the others.
            name = f"column {column_letters(column)}" if fmt == "xlsx" else f"column {column + 1}"
            findings.append(
                Finding(
                    "BIA208",
                    path,
                    f"the 'Files' column is {name}, not the first: the archive reads the first "
                    "column as the paths and refuses the list: 'First header value should be "
                    "Files'",
                    value=first,
                    **locate(ref(0), 0),
                    fix="move the 'Files' column to the first place"
                    + (" (cut it and insert it before column A)" if fmt == "xlsx" else "")
                    + ", keeping every other column",
                )
            )
        elif files_at or (found and found > 0) or is_blank(lines[0]) or first.startswith("#"):
            at = f" (it is on line {ref(found)})" if found else ""
            at = f" (it is in {files_at})" if files_at else at
            what = (
                "the header must start at cell A1"
                if fmt == "xlsx"
                else "the header must be the first line"
            )
            findings.append(
                Finding(
                    "BIA207",
                    path,
                    f"{what}{at}; the archive refuses anything before it",
                    **locate(ref(0), 0),
                    value=lines[0][:80],
                    fix="delete the lines (rows) above the header"
                    + (" and the columns left of it" if fmt == "xlsx" else ""),
                )
            )
        else:
            findings.append(
                Finding(
                    "BIA208",
                    path,
                    f"the first column header is {first!r}; the archive needs exactly 'Files' "
                    "(case and spaces count): 'First header value should be Files'",
                    value=first,
                    **locate(ref(0), 0),
                    fix=f"rename the column to 'Files' in {where}",
                )
            )
        return findings
    blank = [j for j, h in enumerate(header) if is_blank(h)]
    if blank:
        trailing = blank[-1] == len(header) - 1 and fmt == "tsv"
        names = first_few(blank, lambda j: column_letters(j) if fmt == "xlsx" else str(j + 1))
        which = f"columns {names} have" if len(blank) > 1 else f"column {names} has"
        findings.append(
            Finding(
                "BIA209",
                path,
                (
                    "the header line ends with a tab, which makes a column without a name; "
                    if trailing
                    else ""
                )
                + f"{which} no header, and the archive refuses the list",
                **locate(ref(0), blank[0]),
                fix="remove the trailing tab(s) from the header line"
                if trailing and len(blank) == 1
                else "name every column, or delete the empty ones",
            )
        )
    for name, count in Counter(header).items():
        if count > 1 and not is_blank(name):
            findings.append(
                Finding(
                    "BIA210",
                    path,
                    f"column {name!r} appears {count} times; the archive's ingest fails on a "
                    "repeated column",
                    column=name,
                    **locate(ref(0), header.index(name)),
                    fix="merge the columns or rename one of them",
                )
            )
    return findings


def _cell_findings(
    path: str,
    cells: Sequence[str],
    r: int,
    locate: Locate,
    header: Sequence[str],
    quote_check: bool,
    is_header: bool,
) -> list[Finding]:
    """Quotes, stray spaces and U+FFFD in the cells of one row (or the header)."""
    out: list[Finding] = []
    for j, c in enumerate(cells):
        column = header[j] if j < len(header) else None
        if "\ufffd" in c:
            in_path = j == 0 and not is_header
            out.append(
                Finding(
                    "BIA216" if in_path else "BIA217",
                    path,
                    "bytes that are not UTF-8 (Latin-1?) become '\ufffd': "
                    + (
                        "the archive refuses this path"
                        if in_path
                        else "the archive silently alters this value"
                    ),
                    value=c,
                    column=column,
                    **locate(r, j),
                    fix="save the file as UTF-8",
                )
            )
        if quote_check and len(c) >= 2 and c[0] == '"' and c[-1] == '"':
            out.append(
                Finding(
                    "BIA213",
                    path,
                    "the cell is wrapped in quotes: the archive never removes them"
                    + (", and refuses the '\"' in a path" if j == 0 and not is_header else ""),
                    value=c,
                    column=column,
                    **locate(r, j),
                    fix=f"write it without quotes: {c[1:-1]!r}",
                )
            )
        # A path's spaces are the path rule's business (BIA104); here, values and headers.
        if (j > 0 or is_header) and c != c.strip() and c.strip():
            what = "column header" if is_header else "value"
            out.append(
                Finding(
                    "BIA214",
                    path,
                    f"the {what} starts or ends with a space; the archive keeps it as is",
                    value=c,
                    column=column,
                    **locate(r, j),
                    fix=f"write {c.strip()!r}",
                )
            )
    return out
