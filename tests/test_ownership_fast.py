"""share_out's fast path (one list naming exactly the dataset's files) against the exact code it
stands in for: the same Ownership for every dataset, list, glob and rename, and the fast path
taken on the usual dataset."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import ownership
from bia_hooks.config import FileListConfig
from bia_hooks.ownership import share_out

# Names where the exact code branches: folders and files inside them, a name every folder has,
# non-ASCII, a name sorting between 'a' and 'a/' ('a.tif', 'a-b'), one-object folders.
NAMES = ["a", "a.tif", "a-b", "b", "data", "d0", "x.tif", "caf\u00e9", "\u00e9t\u00e9.tif",
         "img.zarr", "A01.tif", "masks", "0"]  # fmt: skip
LISTS = ["a.tsv", "masks/l.tsv", "data/l.tsv", "all.json"]
GLOBS = ["**", "data/**", "*.tif", "**/*.tif", "a/**", "masks", "d*/**", "**/a.tif", "caf*/**"]

paths = st.lists(st.sampled_from(NAMES), min_size=1, max_size=3).map("/".join)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[str], list[FileListConfig], dict, dict, tuple]:
    data = sorted(set(draw(st.lists(paths, max_size=12))))
    names = draw(st.lists(st.sampled_from(LISTS), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):  # the lists are files of the dataset too, sometimes listed
        data = sorted({*data, *names[: draw(st.integers(0, len(names)))]})
    lists = [
        FileListConfig(
            name,
            include=tuple(draw(st.lists(st.sampled_from(GLOBS), max_size=2))),
            exclude=tuple(draw(st.lists(st.sampled_from(GLOBS), max_size=1))),
        )
        for name in names
    ]
    listed: dict[str, list[str] | None] = {}
    for i, name in enumerate(names):
        kind = draw(st.sampled_from(["all", "some", "empty", "unreadable"]))
        if kind == "all" or (i == 0 and draw(st.booleans())):  # often exactly the dataset
            rows = [p for p in data if p not in names or draw(st.booleans())]
            rows = draw(st.permutations(rows)) if rows else rows
        elif kind == "some":  # a subset, gone files, folder rows, duplicates
            rows = draw(st.lists(st.sampled_from(data) if data else paths, max_size=8))
            rows += draw(st.lists(paths, max_size=3))
        else:
            rows = [] if kind == "empty" else None  # type: ignore[assignment]
        listed[name] = rows
    renames: dict[str, dict[str, str]] = {}
    if data and draw(st.booleans()):
        renames[names[0]] = {draw(paths): draw(st.sampled_from(data))}
    ignore = tuple(draw(st.lists(st.sampled_from(GLOBS), max_size=1)))
    return data, lists, listed, renames, ignore


@settings(max_examples=400, deadline=None)
@given(_cases())
def test_the_fast_path_shares_out_as_the_exact_code(case: tuple) -> None:
    data, lists, listed, renames, ignore = case
    exact = ownership._share_out_exact(data, lists, listed, renames, ignore)
    assert share_out(data, lists, listed, renames, ignore) == exact


def test_the_usual_dataset_takes_the_fast_path() -> None:
    files = [f"data/d{i // 1000:04d}/f{i:07d}.tif" for i in range(20_000)]
    data = sorted(["annotations.tsv", *files])  # the list is a file of the dataset
    lists = [FileListConfig("annotations.tsv", include=("data/**",))]
    with mock.patch.object(ownership, "_share_out_exact", side_effect=AssertionError):
        owners = share_out(data, lists, {"annotations.tsv": list(reversed(files))})
    assert owners.members == {"annotations.tsv": files}
    assert owners.findings == [] and owners.unclaimed == [] and owners.ambiguous == {}
