"""Who owns each file: what a list names it owns; only unnamed files are assigned, never on a
guess."""

from __future__ import annotations

import pytest

from bia_hooks.config import FileListConfig
from bia_hooks.ownership import share_out

DATA = ["gt/a.tif", "images/a.tif", "images/b.tif", "masks/a.tif", "masks/b.tif"]


def test_lists_side_by_side_own_what_they_name() -> None:
    lists = [FileListConfig("images.tsv"), FileListConfig("masks.tsv")]
    listed = {"images.tsv": ["images/a.tif", "images/b.tif"],
              "masks.tsv": ["masks/b.tif", "gt/a.tif", "masks/a.tif"]}  # fmt: skip
    owners = share_out(DATA, lists, listed)
    assert owners.members == {
        "images.tsv": ["images/a.tif", "images/b.tif"],
        "masks.tsv": ["gt/a.tif", "masks/a.tif", "masks/b.tif"],
    }
    assert owners.findings == [] and owners.unclaimed == [] and owners.ambiguous == {}


@pytest.mark.parametrize(
    ("lists", "new", "owner"),
    [
        # nearest list above the file takes it
        (["filelist.tsv", "masks/filelist.tsv"], "masks/c.tif", "masks/filelist.tsv"),
        (["filelist.tsv", "masks/filelist.tsv"], "images/c.tif", "filelist.tsv"),
        # two lists in the same folder: nobody guesses
        (["images.tsv", "masks.tsv"], "masks/c.tif", None),
        # no list above it
        (["masks/filelist.tsv"], "images/c.tif", None),
    ],
)
def test_a_file_no_list_names_goes_to_the_nearest_list_or_to_none(
    lists: list[str], new: str, owner: str | None
) -> None:
    configs = [FileListConfig(p) for p in lists]
    owners = share_out(sorted([*DATA, new]), configs, {p: [] for p in lists})
    holders = [name for name, files in owners.members.items() if new in files]
    assert holders == ([owner] if owner else [])
    if owner is None and len(lists) == 2:
        assert owners.ambiguous[new] == lists
        assert [f.code for f in owners.findings if f.path == new] == ["BIA426"]
    elif owner is None:
        assert owners.unclaimed.count(new) == 1


def test_include_globs_choose_and_two_matching_globs_are_ambiguous() -> None:
    images = FileListConfig("images.tsv", include=("images/**",))
    masks = FileListConfig("masks.tsv", include=("masks/**", "gt/**"))
    everything = FileListConfig("all.tsv", include=("**/*.tif",))
    owners = share_out(DATA, [images, masks], {"images.tsv": [], "masks.tsv": []})
    assert owners.members["masks.tsv"] == ["gt/a.tif", "masks/a.tif", "masks/b.tif"]
    owners = share_out(DATA, [images, everything], {"images.tsv": [], "all.tsv": []})
    assert owners.ambiguous["images/a.tif"] == ["images.tsv", "all.tsv"]
    assert owners.members["all.tsv"] == ["gt/a.tif", "masks/a.tif", "masks/b.tif"]


def test_a_file_named_twice_stays_in_both_and_is_reported() -> None:
    lists = [FileListConfig("a.tsv"), FileListConfig("b.tsv")]
    owners = share_out(["x.tif"], lists, {"a.tsv": ["x.tif"], "b.tsv": ["x.tif"]})
    assert owners.members == {"a.tsv": ["x.tif"], "b.tsv": ["x.tif"]}
    assert [(f.code, f.path) for f in owners.findings] == [("BIA422", "x.tif")]


def test_a_renamed_file_stays_with_the_list_that_named_it() -> None:
    lists = [FileListConfig("images.tsv"), FileListConfig("masks.tsv")]
    data = ["images/a.tif", "masks/a_v2.tif"]
    listed = {"images.tsv": ["images/a.tif"], "masks.tsv": ["masks/a.tif"]}
    owners = share_out(data, lists, listed, {"masks.tsv": {"masks/a.tif": "masks/a_v2.tif"}})
    assert owners.members["masks.tsv"] == ["masks/a_v2.tif"]
    assert owners.moves == {}


def test_a_renamed_file_the_globs_give_to_another_list_moves_there() -> None:
    masks = FileListConfig("masks.tsv", include=("masks/**",))
    points = FileListConfig("points.tsv", include=("points/**",))
    listed = {"masks.tsv": ["masks/a.tif"], "points.tsv": []}
    renames = {"masks.tsv": {"masks/a.tif": "points/a.tif"}}
    owners = share_out(["points/a.tif"], [masks, points], listed, renames)
    assert owners.members == {"masks.tsv": [], "points.tsv": ["points/a.tif"]}
    assert owners.moves == {"points/a.tif": ("masks.tsv", "masks/a.tif", "points.tsv")}


def test_a_file_moved_under_its_own_name_is_paired_only_when_alone() -> None:
    lists = [FileListConfig("images.tsv"), FileListConfig("masks.tsv")]
    listed = {"images.tsv": [], "masks.tsv": ["masks/b.tif", "masks/c.tif"]}
    owners = share_out(["gt/b.tif", "gt/c.tif", "x/c.tif"], lists, listed)
    assert owners.same_name == {"masks.tsv": {"masks/b.tif": "gt/b.tif"}}
    assert owners.members["masks.tsv"] == ["gt/b.tif"]
    assert set(owners.ambiguous) == {"gt/c.tif", "x/c.tif"}  # two candidates: no guess


def test_folder_rows_and_rows_inside_objects_own_their_files() -> None:
    lists = [FileListConfig("a.tsv"), FileListConfig("b.tsv")]
    listed = {"a.tsv": ["data"], "b.tsv": ["img.zarr/0/0"]}
    owners = share_out(["data/x.tif", "img.zarr"], lists, listed)
    assert owners.members == {"a.tsv": ["data/x.tif"], "b.tsv": ["img.zarr"]}


def test_a_folder_in_one_list_and_a_file_inside_it_in_another_is_circular() -> None:
    lists = [FileListConfig("a.tsv"), FileListConfig("b.tsv")]
    listed = {"a.tsv": ["data"], "b.tsv": ["data/x.tif", "data2/y.tif"]}
    owners = share_out(["data/x.tif", "data2/y.tif"], lists, listed)
    circular = [f for f in owners.findings if f.code == "BIA308"]
    assert len(circular) == 1
    assert circular[0].path == "a.tsv" and "'data/x.tif'" in circular[0].message


def test_an_unreadable_list_owns_nothing_known_but_still_blocks_guesses() -> None:
    lists = [FileListConfig("images.tsv"), FileListConfig("masks.tsv")]
    owners = share_out(["masks/a.tif"], lists, {"images.tsv": [], "masks.tsv": None})
    assert owners.ambiguous == {"masks/a.tif": ["images.tsv", "masks.tsv"]}
    assert owners.members == {"images.tsv": [], "masks.tsv": []}


def test_the_lists_themselves_are_nobodys_files() -> None:
    lists = [FileListConfig("filelist.tsv")]
    owners = share_out(["filelist.tsv", "x.tif"], lists, {"filelist.tsv": []})
    assert owners.members == {"filelist.tsv": ["x.tif"]}


def test_a_file_name_every_folder_has_is_no_evidence_of_a_move() -> None:
    lists = [FileListConfig("masks.tsv")]
    listed = {"masks.tsv": ["plate1/A01.tif", "plate3/A01.tif"]}
    owners = share_out(["plate2/A01.tif", "plate3/A01.tif"], lists, listed)
    assert owners.same_name == {}
    assert owners.members["masks.tsv"] == ["plate2/A01.tif", "plate3/A01.tif"]  # a new row
