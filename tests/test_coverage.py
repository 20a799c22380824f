"""Sharing the dataset's files out among file lists."""

from __future__ import annotations

from bia_hooks.config import FileListConfig
from bia_hooks.coverage import assign

FILES = [  # data files: the repository's own (.gitattributes, *.dvc) never reach the coverage
    "README.md",
    "annotations/filelist.tsv",
    "annotations/masks/a.tif",
    "annotations/masks/README.md",
    "annotations/points/p.csv",
    "other/x.tif",
]


def test_configured_lists_take_their_globs() -> None:
    masks = FileListConfig(
        "annotations/masks.tsv", include=("annotations/masks/**",), exclude=("**/README.md",)
    )
    points = FileListConfig("annotations/points.tsv", include=("annotations/points/**",))
    coverage = assign(FILES, [masks, points], ignore=("/README.md",))
    assert coverage.members == {
        "annotations/masks.tsv": ["annotations/masks/a.tif"],
        "annotations/points.tsv": ["annotations/points/p.csv"],
    }
    # Neither list takes these; the file list of the old layout is a file like any other.
    assert sorted(coverage.unclaimed) == [
        "annotations/filelist.tsv",
        "annotations/masks/README.md",
        "other/x.tif",
    ]
    assert coverage.findings == []


def test_a_file_claimed_twice_is_reported() -> None:
    a = FileListConfig("a.tsv", include=("annotations/**",))
    b = FileListConfig("b.tsv", include=("**/*.tif",))
    coverage = assign(["annotations/masks/a.tif"], [a, b])
    assert [f.code for f in coverage.findings] == ["BIA422"]
    assert "a.tsv, b.tsv" in coverage.findings[0].message


def test_found_lists_nearest_folder_wins() -> None:
    top = FileListConfig("filelist.tsv")
    masks = FileListConfig("annotations/masks/filelist.tsv")
    coverage = assign(FILES, [top, masks], nearest_wins=True)
    assert coverage.members["annotations/masks/filelist.tsv"] == [
        "annotations/masks/README.md",
        "annotations/masks/a.tif",
    ]
    assert "annotations/masks/a.tif" not in coverage.members["filelist.tsv"]
    assert "annotations/masks/filelist.tsv" not in coverage.members["filelist.tsv"]
    assert coverage.findings == []
