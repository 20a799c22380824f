"""Input limits: how much of a file list or a configuration bia-hooks reads, at most.

A repository is untrusted input (a pull request from a stranger): a few hundred bytes can ask for
gigabytes (a row numbered 300,000,000, an XLSX zip bomb, a YAML alias bomb) or for a parse deeper
than Python's stack. Each limit is checked before the work it guards, and the message names it.
Each is the archive's own limit where one is known, else far above anything a real file list or
configuration holds.
"""

from __future__ import annotations

import re
from typing import Any

from bia_hooks.findings import Finding

# --- file lists: every format ---
CELL_CHARS = 32_767  # Excel's longest cell; a file list cell holds a path or a short value
LINE_CHARS = 1 << 20  # a TSV line: real rows are a few hundred characters, this is 1 Mi
NESTING = 64  # JSON and YAML: a file list entry nests 4 deep, a schema a dozen; Python stops ~1,000

# --- XLSX ---
XLSX_ROWS = 1_048_576  # Excel's last row: no workbook has more
XLSX_COLUMNS = 16_384  # Excel's last column, XFD
XLSX_ROW_XML_CHARS = 64 << 20  # one row's XML: 2,000 cells of CELL_CHARS; real rows are ~1 KB
# Apache POI 4.1 (the archive's reader, ZipSecureFile) refuses a part that inflates more than 100
# times ("Zip bomb detected"), unless it inflates to less than 100 KiB, and any part over 4 GiB.
XLSX_INFLATE_RATIO = 100
XLSX_RATIO_GRACE_BYTES = 100 * 1024
XLSX_PART_BYTES = 0xFFFFFFFF

# --- JSON ---
# Jackson (the archive's JSON parser) refuses longer numbers by default since 2.15; Python's own
# int() stops at 4,300 digits.
JSON_NUMBER_DIGITS = 1000

# --- configuration and schemas ---
YAML_NODES = 100_000  # values a YAML file expands to, aliases counted each time they are used
GLOB_CHARS = 1024  # a glob: real ones are a few folder names long
GLOBS = 1000  # globs under one key: real ones name a few folders
PATTERN_CHARS = 1000  # source_image.pattern: real ones match a plate, a well, a field
FORMAT_CHARS = 1000  # source_image.format: a path with a few {group} fields
STUDY_BYTES = 1 << 20  # study.yaml: a real one is a few kilobytes, a long description included


class LimitExceeded(ValueError):
    """Input beyond a limit: ``message`` says what, and names the limit; ``where`` locates it
    (Finding keyword arguments: line, cell, pointer, column)."""

    def __init__(self, message: str, **where: Any) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def at(self, **where: Any) -> LimitExceeded:
        """The same, located (keeps any location it already has)."""
        return LimitExceeded(self.message, **{**where, **self.where})

    def finding(self, path: str) -> Finding:
        """The error in the file list ``path``: it is left unread (and the sync leaves it)."""
        where = {
            "fix": "bring the file list within the limit; until then bia-hooks leaves it as it is",
            **self.where,
        }
        return Finding("BIA233", path, self.message, **where)


def exceeded(what: str, limit: int, unit: str, why: str, **where: Any) -> LimitExceeded:
    """``what`` is over ``limit``: the error, with the limit and its reason in the message."""
    return LimitExceeded(f"{what}: bia-hooks reads at most {limit:,} {unit} ({why})", **where)


_ONLY_BRACKETS_AND_QUOTES = bytes(set(range(256)) - set(b'[]{}"'))
_STRING = re.compile(rb'"[^"]*"')
_OPEN_CLOSE = bytes.maketrans(b"[]{}", b"()()")


def json_nesting_over(data: bytes, limit: int = NESTING) -> bool:
    """Does this JSON (UTF-8) nest arrays and objects deeper than ``limit``? Answered without
    parsing (Python's parser recurses once per level), in a few passes at C speed: strings are
    dropped, the brackets kept, then innermost pairs removed, one level per pass."""
    if len(data) <= 2 * limit:
        return False
    if b"\\" in data:  # escaped \\ and \" are neither brackets nor the end of a string
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = data.translate(None, _ONLY_BRACKETS_AND_QUOTES).replace(b'""', b"")
    if b'"' in brackets:  # strings that hold brackets
        brackets = _STRING.sub(b"", brackets)
    brackets = brackets.translate(_OPEN_CLOSE)
    levels = 0
    while b"()" in brackets:
        if levels == limit:
            return True
        brackets = brackets.replace(b"()", b"")
        levels += 1
    # What is left never closes (broken JSON): the parser still recurses into it.
    return levels + brackets.count(b"(") > limit
