"""The sync plan: which rows are added, removed and carried over a rename."""

from __future__ import annotations

import re

import pytest

from bia_hooks.config import Default, FileListConfig, SourceImageRule
from bia_hooks.syncplan import new_row_values, place_values, plan_sync


@pytest.mark.parametrize(
    ("listed", "members", "renames", "added", "removed", "renamed"),
    [
        pytest.param(["a.tif"], ["a.tif"], {}, [], [], {}, id="in step"),
        pytest.param(
            [], ["b.tif", "a.tif"], {}, ["a.tif", "b.tif"], [], {}, id="new files, sorted"
        ),
        pytest.param(["a.tif", "gone.tif"], ["a.tif"], {}, [], ["gone.tif"], {}, id="deleted file"),
        pytest.param(
            ["old/a.tif"],
            ["new/b.tif"],
            {"old/a.tif": "new/b.tif"},
            [],
            [],
            {"old/a.tif": "new/b.tif"},
            id="rename across folders carried",
        ),
        pytest.param(
            ["a.tif", "b.tif"],
            ["b.tif"],
            {"a.tif": "b.tif"},
            [],
            ["a.tif"],
            {},
            id="rename onto a listed path is a removal",
        ),
        pytest.param(
            ["masks"],
            ["masks/a.tif", "masks/b.tif"],
            {},
            [],
            [],
            {},
            id="a listed folder covers its files",
        ),
        pytest.param(
            ["data"],
            ["data2/x.tif"],
            {},
            ["data2/x.tif"],
            ["data"],
            {},
            id="shared prefix is not a folder",
        ),
        pytest.param(
            ["img.zarr/0/0"],
            ["img.zarr"],
            {},
            [],
            [],
            {},
            id="row inside a one-object folder is kept",
        ),
        pytest.param(["a.tif", "a.tif"], ["a.tif"], {}, [], [], {}, id="duplicate rows kept"),
        pytest.param(
            ["", "  ", "a.tif"], ["a.tif"], {}, [], [], {}, id="blank paths are no removal"
        ),
    ],
)
def test_plan(
    listed: list[str],
    members: list[str],
    renames: dict[str, str],
    added: list[str],
    removed: list[str],
    renamed: dict[str, str],
) -> None:
    plan = plan_sync(listed, members, renames)
    assert plan.added == added
    assert plan.removed == removed
    assert plan.renamed == renamed
    assert plan.changed == bool(added or removed or renamed)


def test_defaults_first_match_wins_per_column() -> None:
    config = FileListConfig(
        path="annotations/filelist.tsv",
        defaults=(
            Default("annotations/masks/**", {"annotation type": "segmentation_mask"}),
            Default("annotations/**", {"annotation type": "other", "annotator": "AB"}),
        ),
    )
    assert new_row_values("annotations/masks/a.tif", config) == {
        "Annotation type": "segmentation_mask",
        "annotator": "AB",
    }
    assert new_row_values("annotations/points/a.csv", config) == {
        "Annotation type": "other",
        "annotator": "AB",
    }


def test_defaults_name_a_column_in_any_spelling_once() -> None:
    # Two spellings of one column in two defaults: the first match still wins, and the source
    # image given by a default takes the place of the rule's.
    config = FileListConfig(
        path="l.tsv",
        defaults=(
            Default("masks/**", {"Annotation Type": "segmentation_mask", "source_image": "x.tif"}),
            Default("**", {"annotation_type": "other", "Source image association": "y.tif"}),
        ),
        source_image=SourceImageRule("{stem}.tif", None),
    )
    assert new_row_values("masks/a.tif", config) == {
        "Annotation type": "segmentation_mask",
        "Source image": "x.tif",
    }


@pytest.mark.parametrize(
    ("pattern", "format", "path", "expected"),
    [
        (
            r"masks/(?P<plate>\w+)_(?P<well>[A-H]\d\d)_mask",
            "S-BIAD1/{plate}/{well}.tif",
            "masks/P1_A01_mask.tif",
            "S-BIAD1/P1/A01.tif",
        ),
        (None, "images/{stem}.tif", "masks/x/cell1.mask.png", "images/cell1.tif"),
        (None, "{folder}/../{filename}", "m/a.tif", "m/../a.tif"),
        (r"nomatch(?P<x>\d)", "{x}", "masks/a.tif", None),
        (None, "{undefined}", "masks/a.tif", None),
    ],
)
def test_source_image_rule(
    pattern: str | None, format: str, path: str, expected: str | None
) -> None:
    rule = SourceImageRule(format, re.compile(pattern) if pattern else None)
    values = new_row_values(path, FileListConfig(path="l.tsv", source_image=rule))
    assert values.get("Source image") == expected


@pytest.mark.parametrize(
    "source", ["source_image", "Source Image Association", "sourceImage", "SOURCE IMAGE"]
)
def test_place_values_uses_the_headers_spelling(source: str) -> None:
    placed, missing = place_values(
        ["Files", "Annotation Type", source],
        {"annotation type": "tracks", "Source image": "x.tif", "annotator": "AB"},
    )
    assert placed == {"Annotation Type": "tracks", source: "x.tif", "annotator": "AB"}
    assert missing == ["annotator"]


def test_place_values_adds_a_missing_column_once_under_its_standard_name() -> None:
    # A row carried from another list (source_image_association) over the rule's value.
    placed, missing = place_values(
        ["Files", "Annotation type"],
        {"Source image": "rule.tif", "source_image_association": "carried.tif"},
    )
    assert placed == {"Source image": "carried.tif"}
    assert missing == ["Source image"]


@pytest.mark.parametrize(
    "listed",
    [["b.tif", "a.tif"], ["a.tif", "b.tif", "b.tif"], ("a.tif", "b.tif")],
    ids=["unsorted", "duplicate", "a tuple"],
)
def test_a_list_in_step_is_in_step_however_it_is_ordered(listed: list[str]) -> None:
    # Equal to the members, sorted, is a shortcut; every other list in step takes the long way.
    assert not plan_sync(listed, ["a.tif", "b.tif"], {}).changed


@pytest.mark.parametrize(
    ("header", "column"),
    [
        (["Files", "Annotator"], "Annotator"),  # a free column, however the config writes it
        (["Files", "annotator_name"], None),  # another column: added, not guessed
        (["Files", "Annotator", "ANNOTATOR"], None),  # two candidates: added, not guessed
    ],
)
def test_a_free_column_is_filled_whatever_its_letter_case(
    header: list[str], column: str | None
) -> None:
    placed, missing = place_values(header, {"annotator": "AB"})
    assert placed == {column or "annotator": "AB"}
    assert missing == ([] if column else ["annotator"])
