"""Column names the archive's ingest recognises, and annotation types users write."""

from __future__ import annotations

import pytest

from bia_hooks.filelist import vocabulary
from bia_hooks.filelist.columns import near_miss, resolve, spelling_message, standard_name


@pytest.mark.parametrize(
    ("written", "standard"),
    [
        ("Source image", "Source image"),
        ("source image", "Source image"),
        ("SOURCE_IMAGE", "Source image"),
        ("Source Image Association", "Source image"),
        ("source_image_association", "Source image"),
        ("annotation type", "Annotation type"),
        ("Annotation Type", "Annotation type"),
        ("annotation_type", "Annotation type"),
        ("Source  image", "Source  image"),  # not what the ingest recognises
        ("annotator", "annotator"),
        ("Files", "Files"),
    ],
)
def test_standard_name(written: str, standard: str) -> None:
    assert standard_name(written) == standard


def test_resolve_reports_spellings_and_two_spellings_of_one_column() -> None:
    columns = resolve(["Files", "source_image", "Source image", "Annotation type"])
    assert columns.names == ["Files", "Source image", "Source image", "Annotation type"]
    assert columns.first == {"Files": 0, "Source image": 1, "Annotation type": 3}
    assert [(i.kind, i.index) for i in columns.issues] == [("alias", 1), ("duplicate", 2)]


@pytest.mark.parametrize(
    ("written", "newer_ingest_too"),
    [
        ("Source Image", True),
        ("source image", True),
        ("Source_Image", True),
        ("source_image", False),
        ("source image association", False),
    ],
)
def test_spelling_message_says_which_ingest_misses_it(written: str, newer_ingest_too: bool) -> None:
    message = spelling_message(written, "Source image")
    assert ("newer ingest does not recognise" in message) is not newer_ingest_too


def test_near_miss() -> None:
    assert near_miss(["Files", "SourceImage"], "Source image") == "SourceImage"
    assert near_miss(["Files", "Annotation-Types"], "Annotation type") == "Annotation-Types"
    assert near_miss(["Files", "source_image"], "Source image") is None  # recognised: no miss


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("segmentation_mask", "segmentation_mask"),
        ("Segmentation masks", "segmentation_mask"),
        ("instance segmentation", "segmentation_mask"),
        ("points", "point_annotations"),
        ("Point Annotations", "point_annotations"),
        ("bbox", "bounding_boxes"),
        ("Bounding-Boxes", "bounding_boxes"),
        ("class", "class_labels"),
        ("tracking", "tracks"),
        ("polygons", "geometrical_annotations"),
        ("semgentation mask", "segmentation_mask"),  # a typo
        ("cells", None),
        ("", None),
    ],
)
def test_free_text_annotation_types(text: str, meant: str | None) -> None:
    assert vocabulary.meant(text) == meant


def test_correction_of_a_whole_cell() -> None:
    assert vocabulary.correction("masks, points") == (
        ["masks", "points"],
        "segmentation_mask,point_annotations",
    )
    assert vocabulary.correction("tracks,tracking") == (["tracking"], "tracks")
    assert vocabulary.correction("tracks,cells") == (["cells"], None)
