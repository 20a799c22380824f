"""Where two versions of a TSV file list differ, as whole lines: the few rows a person edited in
a million-row list, found at C speed, so that what was known of the old version (in step, clean)
is carried to the new one by looking at those rows alone. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bia_hooks.filelist.tsv import is_blank, looks_utf16

_CHUNK = 1 << 16
# More lines come or gone than this and a list is read in full: the carried verdicts are for a
# person's few edits, not for a list rewritten.
MOST_LINES = 64
# Lines between the first and the last that differ: a row moved far (a renamed file's row to its
# sorted place in another folder) still spans few; more, and the list is read in full.
MOST_SPAN = 10_000


@dataclass(frozen=True)
class LineChange:
    """The lines of the old version that became the new version's lines, at the same place; the
    header (first line) and every other line are byte for byte the same."""

    header: str
    old: list[str]
    new: list[str]

    def added(self) -> list[str]:
        """The new version's lines that the old one lacks: a row moved (a renamed file's row
        goes to its place in a sorted list) is in both, and is no change."""
        return list((Counter(self.new) - Counter(self.old)).elements())

    def removed(self) -> list[str]:
        return list((Counter(self.old) - Counter(self.new)).elements())

    def size(self) -> int:
        """How many lines came or went."""
        return len(self.added()) + len(self.removed())

    def rows_delta(self) -> int:
        """How many more rows the new version has (blank lines are no rows)."""
        return _rows(self.new) - _rows(self.old)


def paths_of(lines: list[str]) -> list[str]:
    """The paths the rows among ``lines`` name (blank lines are no rows)."""
    return [line.partition("\t")[0] for line in lines if not is_blank(line)]


def _rows(lines: list[str]) -> int:
    return sum(1 for line in lines if not is_blank(line))


def changed_lines(old: bytes, new: bytes) -> LineChange | None:
    """The change from ``old`` to ``new``, or None when it is not confined to whole lines below
    the header of plain text: LF line ends only, UTF-8 throughout the change, no NUL, no UTF-16
    look (which the reader decides from the file's start)."""
    if b"\r" in old or b"\r" in new or looks_utf16(new) or looks_utf16(old):
        return None
    start = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - start)
    header_end = old.find(b"\n")
    if header_end < 0 or start <= header_end:
        return None  # the header changed, or the list has no line end at all
    begin = old.rfind(b"\n", 0, start) + 1
    end_old, end_new = len(old) - suffix, len(new) - suffix
    if not (_at_line_end(old, begin, end_old) and _at_line_end(new, begin, end_new)):
        # Both go on to the end of the line, in the part they share.
        line_end = old.find(b"\n", end_old)
        extend = (line_end + 1 if line_end >= 0 else len(old)) - end_old
        end_old += extend
        end_new += extend
    if old.count(b"\n", begin, end_old) > MOST_SPAN or new.count(b"\n", begin, end_new) > MOST_SPAN:
        return None  # a list rewritten, not edited (counted in place: no copy of 72 MB twice)
    old_part, new_part = old[begin:end_old], new[begin:end_new]
    if b"\0" in new_part:
        return None
    try:
        return LineChange(old[:header_end].decode("utf-8"), _lines(old_part), _lines(new_part))
    except UnicodeDecodeError:
        return None  # the reader replaces invalid bytes: read in full


def _at_line_end(data: bytes, begin: int, end: int) -> bool:
    return end == begin or data[end - 1 : end] == b"\n"


def _lines(part: bytes) -> list[str]:
    lines = part.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common start of ``a`` and ``b``: compared a chunk at a time in C, then the
    differing chunk by halves."""
    n = min(len(a), len(b))
    at = 0
    while at < n and a[at : at + _CHUNK] == b[at : at + _CHUNK]:
        at += _CHUNK
    if at >= n:
        return n
    low, high = at, min(at + _CHUNK, n)  # a[:low] == b[:low]; they differ before high
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: bytes, b: bytes, most: int) -> int:
    """Length of the common end of ``a`` and ``b``, at most ``most``."""
    at = 0
    la, lb = len(a), len(b)
    while at < most:
        step = min(_CHUNK, most - at)
        if a[la - at - step : la - at] != b[lb - at - step : lb - at]:
            break
        at += step
    else:
        return most
    low, high = at, min(at + _CHUNK, most)
    while low < high:
        mid = (low + high + 1) // 2
        if a[la - mid : la - low] == b[lb - mid : lb - low]:
            low = mid
        else:
            high = mid - 1
    return low
