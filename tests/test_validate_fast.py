"""Validation's fast paths against the exact code they stand in for: a sorted list's folders found
by bisection (BIA308, BIA307), a columnar table's columns not scanned for short rows, and
``minLength: 1`` as a search for an empty cell. The same findings on every list; the fast paths
taken on the usual list."""

from __future__ import annotations

import itertools
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks.filelist import columnwise, validate
from bia_hooks.filelist.table import Table
from bia_hooks.filelist.tsv import read_tsv_exact

# Where the folder search branches: a folder and names sorting between it and 'a/' ('a.tif',
# 'a-b', 'a b'), an empty path, a leading or doubled '/', a trailing '/', non-ASCII.
NAMES = ["a", "a.tif", "a-b", "a b", "b", "d0", "caf\u00e9", "\u00e9", "x.tif", "", "0"]
paths = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4).map("/".join)
columns = st.lists(st.one_of(paths, st.none()), max_size=12)


def _exact_sorted(column: list[str | None]) -> bool:
    pairs = itertools.pairwise(column)
    return None not in column and all(a < b for a, b in pairs)  # type: ignore[operator]


@settings(max_examples=600, deadline=None)
@given(st.lists(paths, max_size=14), st.sampled_from([1, 2, 64]))
def test_a_sorted_lists_folders_are_the_exact_codes(listed: list[str], run: int) -> None:
    ordered = sorted(set(listed))
    assert validate._strictly_sorted(ordered)
    fast = list(validate._sorted_folders(ordered, run))
    assert fast == list(validate._listed_folders(ordered))


@settings(max_examples=400, deadline=None)
@given(columns)
def test_strictly_sorted_is_each_once_in_order_without_a_short_row(column: list) -> None:
    assert validate._strictly_sorted(column) == _exact_sorted(column)
    ordered = sorted({p for p in column if p is not None})
    assert validate._strictly_sorted(ordered) == _exact_sorted(ordered)


def _tsv(rows: list[tuple[str, str, str]]) -> bytes:
    lines = ["Files\tAnnotation type\tSource image", *("\t".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


rows = st.lists(
    st.tuples(
        paths,
        st.sampled_from(["segmentation_mask", "tracks", "", "mask", "tracks,"]),
        st.sampled_from(["i/a.tif", "", " ", "S-BIAD1/x.tif"]),
    ),
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(rows, st.booleans())
def test_validation_finds_what_the_exact_code_finds(given_rows: list, in_order: bool) -> None:
    if in_order:  # as the sync writes a list: the fast paths' case
        given_rows = sorted({r[0]: r for r in given_rows}.values())
    table, _ = read_tsv_exact(_tsv(given_rows), "l.tsv")
    assert table is not None
    cells = [list(c) for c in zip(*table.rows, strict=True)] or [[], [], []]
    columnar = Table("l.tsv", "tsv", table.header, refs=table.refs, columns=cells)
    found = validate.validate_table(table)
    assert validate.validate_table(columnar) == found
    with mock.patch.object(validate, "_strictly_sorted", return_value=False):
        assert validate.validate_table(table) == found
        assert validate.validate_table(columnar) == found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab ", max_size=3), max_size=8), st.sampled_from([-1, 0, 1, 2]))
def test_min_length_over_a_column_is_the_shortest_cells(column: list[str], length: int) -> None:
    exact = [] if min(map(len, column), default=length) >= length else None
    assert columnwise._at_least(length)(column) == exact


def test_the_usual_list_takes_the_fast_paths() -> None:
    files = [f"data/d{i // 1000:04d}/f{i:07d}.tif" for i in range(20_000)]
    table = Table("l.tsv", "tsv", ["Files", "Annotation type", "Source image"],
                  refs=range(2, len(files) + 2),
                  columns=[files, ["segmentation_mask"] * len(files), files])  # fmt: skip
    assert table.full_width
    with mock.patch.object(validate, "_listed_folders", side_effect=AssertionError):
        assert validate.validate_table(table) == []
    listed = ["data", "data/a.tif", "data/b.tif"]
    folder_too = Table("l.tsv", "tsv", table.header, refs=range(2, 5),
                       columns=[listed, ["tracks"] * 3, ["i"] * 3])  # fmt: skip
    with mock.patch.object(validate, "_listed_folders", side_effect=AssertionError):
        [circular] = validate.validate_table(folder_too)
    assert (circular.code, circular.value, circular.line) == ("BIA308", "data", 2)
