"""The fast TSV reader (a plain file's columns at C speed) against the exact reader (line by line,
the archive's parse): the same table and the same findings, read and validated, on every TSV file
the exact reader's tests hold and on generated ones. And the column-wide tests of the built-in
schemas' patterns against the patterns themselves."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import limits
from bia_hooks.filelist import columnwise
from bia_hooks.filelist.rowschemas import builtin_schema
from bia_hooks.filelist.tsv import _lines_within, plain_table, read_tsv_bytes, read_tsv_exact
from bia_hooks.filelist.validate import validate_table
from tests import test_archive_fidelity, test_filelist_tsv, test_filelist_validate


def _first(case: Any) -> Any:
    """The first value of a parametrized case (a ``pytest.param`` or a tuple)."""
    return case.values[0] if hasattr(case, "values") else case[0]


def _params(test: Any) -> list[Any]:
    [mark] = [m for m in test.pytestmark if m.name == "parametrize"]
    return [_first(case) for case in mark.args[1]]


def _encoded(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


EXACT_CASES = [
    *map(_encoded, _params(test_filelist_tsv.test_tsv_cases)),
    *(_encoded(case[0]) for case in test_archive_fidelity.TSV_CASES),
    *(_encoded(_first(case)) for case in test_filelist_validate.GOOD),
    *(_encoded(_first(case)) for case in test_filelist_validate.BROKEN),
    *(_encoded(_first(case)) for case in test_filelist_validate.GENERAL),
    b"Files\tA\tB\r\na.tif\t1\r\n\r\nb.tif\t \t2\textra\rc.tif\n",
    b"Files\tA\n\na.tif\t1\n\n  \t2\n",
    b"Files\tNote\na.tif\t" + b"x" * limits.CELL_CHARS + b"\n",
    b"Files\tNote\na.tif\t" + b"x" * 40_000 + b"\n",
    b"Files\tNote\na.tif" + b"\tx" * 600_000 + b"\n",
    # plain files, which the fast reader reads
    b"Files\tAnnotation type\tSource image\na.tif\tsegmentation_mask\ti/a.tif\n",
    b"Files\tAnnotation type\tSource image\na.tif\tsegmentation_mask\ti/a.tif",
    b"Files\na.tif\nb.tif\n",
    b"Files\tNote\na.tif\tcaf\xc3\xa9 \xc2\xb5m\nb.tif\t\n",
]


def _same(data: bytes) -> bool:
    """Does the fast reader read ``data`` as the exact reader does? True when it read it."""
    fast = plain_table(data, "l.tsv")
    exact = read_tsv_exact(data, "l.tsv")
    assert read_tsv_bytes(data, "l.tsv") == (fast if fast is not None else exact)
    if fast is None:
        return False
    assert fast == exact
    fast_table, exact_table = fast[0], exact[0]
    assert exact_table is not None
    assert validate_table(fast_table) == validate_table(exact_table)
    assert validate_table(fast_table, "general") == validate_table(exact_table, "general")
    return True


@pytest.mark.parametrize("data", EXACT_CASES)
def test_the_fast_reader_reads_as_the_exact_reader(data: bytes) -> None:
    _same(data)


def test_the_fast_reader_reads_plain_files() -> None:
    plain = [data for data in EXACT_CASES if _same(data)]
    assert len(plain) >= 10  # the cases above are not all left to the exact reader


# What a file list may hold that the exact reader looks at: each feature a few times per file.
_CELLS = st.sampled_from(
    ["a.tif", "d/b.tif", "x", "", " ", "a b", " a", "a ", '"q"', "#c", "\xa0", "\u3000", "\u2028",
     "\x85", "\x0b", "\ufffd", "\ufeff", "caf\xe9", "<<<<<<< HEAD", "=======", ">>>>>>> o",
     "segmentation_mask", "tracks,", "./a", "a/../b", "a/", "S-BIAD1/i.tif"]
)  # fmt: skip
_HEADERS = st.sampled_from(
    [["Files", "Annotation type", "Source image"], ["Files", "A"], ["Files"], ["files", "A"],
     [" Files", "A"], ["Files", "A", "A"], ["Files", "", "A"], ["\ufeffFiles", "A"]]
)  # fmt: skip


@st.composite
def _files(draw: st.DrawFn) -> bytes:
    header = draw(_HEADERS)
    width = len(header)
    plain = draw(st.booleans())  # half the files plain rows only: the fast reader's own
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        if plain:
            cells = [draw(st.sampled_from(["a.tif", "d/b.tif", "x", "tracks", "caf\xe9"]))]
            cells += [draw(st.sampled_from(["", "v", "tracks", "\xb5m"])) for _ in header[1:]]
        else:
            n = draw(st.integers(0, width + 1))
            cells = [draw(_CELLS) for _ in range(n)]
        rows.append("\t".join(cells))
    end = "\n" if plain else draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(["\t".join(header), *rows]) + draw(st.sampled_from([end, "", end + end]))
    data = text.encode("utf-8", "surrogatepass")
    if not plain and draw(st.booleans()):
        data = data.replace(b"\xc3\xa9", b"\xe9", 1)  # a byte that is no UTF-8
    return data


@settings(max_examples=50, deadline=None)
@given(_files())
def test_generated_files_read_as_the_exact_reader(data: bytes) -> None:
    _same(data)


def test_the_built_in_patterns_of_distinct_cells_have_their_column_tests() -> None:
    # (a type column holds a few distinct values: each is tested once, cell by cell)
    for name, column in [("annotations", "Files"), ("annotations", "Source image"),
                         ("general", "Files")]:  # fmt: skip
        pattern = builtin_schema(name)["properties"][column]["pattern"]
        assert pattern in columnwise._COLUMN_PATTERNS


_PATH_TEXT = st.text(st.sampled_from("ab/. -_()'!*#\n\t\xe9\u3000\x85"), max_size=8)


@settings(max_examples=50, deadline=None)
@given(st.lists(_PATH_TEXT, min_size=1, max_size=8))
def test_column_tests_fail_the_rows_the_patterns_fail(column: list[str]) -> None:
    for pattern, whole in columnwise._COLUMN_PATTERNS.items():
        search = re.compile(pattern).search
        failing = [i for i, cell in enumerate(column) if search(cell) is None]
        found = whole(column)
        assert found is None or found == failing, pattern
        if not failing:  # the speed: a column nothing fails is told at once
            assert found == []


@st.composite
def _long_plain_files(draw: st.DrawFn) -> bytes:
    """Plain files long enough for a column of repeated values to be held once per value."""
    many = ["x"] + [f"v{i}" for i in range(9)]
    values = draw(st.sampled_from([["segmentation_mask"], ["tracks", "segmentation_mask"],
                                   ["a", "b", "c", "d", "e"], many]))  # fmt: skip
    rows = [
        f"d/f{i}.tif\t{draw(st.sampled_from(values))}\t{draw(st.sampled_from(values))}"
        for i in range(draw(st.integers(5, 80)))
    ]
    return "\n".join(["Files\tAnnotation type\tNote", *rows, ""]).encode()


@settings(max_examples=50, deadline=None)
@given(_long_plain_files())
def test_long_plain_files_read_as_the_exact_reader(data: bytes) -> None:
    assert _same(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=30), st.integers(2, 24))
def test_lines_within_a_length_are_so(lengths: list[int], most: int) -> None:
    data = b"\n".join(b"x" * n for n in lengths)
    if _lines_within(data, most):
        assert max(lengths, default=0) <= most
    if max(lengths, default=0) * 2 + 2 <= most:  # short lines: the test sees it
        assert _lines_within(data, most)
