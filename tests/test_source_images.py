"""Source images checked against the image dataset's own file list (domain.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bia_hooks.filelist.validate import image_reference
from tests.conftest import run_cli

IMAGES = "Files\tChannel\nplate1/A01.tif\tDAPI\nplate1/A02.tif\tDAPI\n"
CONFIG = """\
filelists:
  - path: annotations.tsv
    image_dataset:
      filelist: images/filelist.tsv
      accession: S-BIAD123
"""


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("plate1/A01.tif", (None, "plate1/A01.tif")),
        ("S-BIAD123/plate1/A01.tif", ("S-BIAD123", "plate1/A01.tif")),
        (
            "https://www.ebi.ac.uk/biostudies/files/S-BIAD123/plate1/A01.tif",
            ("S-BIAD123", "plate1/A01.tif"),
        ),
        (" plate1/A01.tif ", (None, "plate1/A01.tif")),
        ("S-BIAD123", (None, "S-BIAD123")),
    ],
)
def test_the_three_ways_to_name_a_source_image(cell: str, expected: tuple[str | None, str]) -> None:
    assert image_reference(cell) == expected


def test_source_images_are_checked_against_the_image_file_list(tmp_path: Path) -> None:
    (tmp_path / ".bia-hooks.yaml").write_text(CONFIG)
    (tmp_path / "images").mkdir()
    (tmp_path / "images/filelist.tsv").write_text(IMAGES)
    (tmp_path / "annotations.tsv").write_text(
        "Files\tAnnotation type\tSource image\n"
        "m/1.tif\tsegmentation_mask\tplate1/A01.tif\n"
        "m/2.tif\tsegmentation_mask\tS-BIAD123/plate1/A02.tif\n"
        "m/3.tif\tsegmentation_mask\thttps://www.ebi.ac.uk/biostudies/files/S-BIAD123/plate1/A01.tif\n"
        "m/4.tif\tsegmentation_mask\tplate1/A01.tif, plate1/A02.tif\n"
        "m/5.tif\tsegmentation_mask\tplate1/a03.tif\n"
        "m/6.tif\tsegmentation_mask\tPlate1/A01.tif\n"
        "m/7.tif\tsegmentation_mask\tS-BIAD999/plate1/A01.tif\n"
    )
    result = run_cli("validate", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = [
        (f["line"], f["message"], f.get("fix"))
        for f in json.loads(result.stdout)["findings"]
        if f["code"] == "BIA310"
    ]
    assert found == [
        (
            6,
            "'plate1/a03.tif' is not in the image dataset's file list images/filelist.tsv",
            "check the path against the image dataset's file list",
        ),
        (
            7,
            "'Plate1/A01.tif' is not in the image dataset's file list images/filelist.tsv",
            "write 'plate1/A01.tif' (paths are case-sensitive)",
        ),
        (
            8,
            "'S-BIAD999/plate1/A01.tif' names the study S-BIAD999, "
            "but the image dataset is S-BIAD123",
            "write it as 'S-BIAD123/plate1/A01.tif', or fix image_dataset.accession",
        ),
    ]


def test_an_unreadable_image_file_list_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / ".bia-hooks.yaml").write_text(CONFIG)
    (tmp_path / "annotations.tsv").write_text(
        "Files\tAnnotation type\tSource image\nm/1.tif\tsegmentation_mask\tplate1/A01.tif\n"
    )
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "image_dataset.filelist images/filelist.tsv: cannot be read" in result.stderr


def test_a_malformed_accession_is_explained_not_shown_as_a_regex(tmp_path: Path) -> None:
    (tmp_path / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: a.tsv\n    image_dataset: {filelist: i.tsv, accession: BIAD1}\n"
    )
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "filelists[0].image_dataset.accession: 'BIAD1' is not what belongs here: "
        "The image study's accession (S-BIAD123)" in result.stderr
    )
