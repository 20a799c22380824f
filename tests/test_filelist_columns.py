"""Column names the archive's ingest recognises, and annotation types users write."""

from __future__ import annotations

import pytest

from bia_hooks.filelist import vocabulary
from bia_hooks.filelist.columns import (
    Identity,
    identify,
    near_miss,
    resolve,
    spelling_message,
    standard_name,
)

SI, AT = "Source image", "Annotation type"


@pytest.mark.parametrize(
    ("written", "identity"),
    [
        # domain.md §3, row by row: (column, read by the older ingest, by the newer one)
        ("Source image", Identity(SI, True, True)),
        ("Source Image", Identity(SI, True, True)),
        ("source image", Identity(SI, True, True)),
        ("Source_Image", Identity(SI, True, True)),
        ("Source image association", Identity(SI, True, True)),
        ("Source Image Association", Identity(SI, True, True)),
        ("source_image", Identity(SI, True, False)),
        ("SOURCE IMAGE", Identity(SI, True, False)),
        ("source image association", Identity(SI, True, False)),
        ("source_image_association", Identity(SI, True, False)),
        ("sourceImage", Identity(SI, False, True)),
        ("SourceImage", None),
        ("Source-Image", None),
        # the older ingest ignores letter case
        ("SOURCE_IMAGE", Identity(SI, True, False)),
        ("Source image Association", Identity(SI, True, False)),
        # the annotation type: the help pages' spellings, any letter case; no ingest maps it
        ("Annotation Type", Identity(AT, True, True)),
        ("Annotation type", Identity(AT, True, True)),
        ("annotation type", Identity(AT, True, True)),
        ("annotation_type", Identity(AT, True, True)),
        ("Annotation_Type", Identity(AT, True, True)),
        ("AnnotationType", None),
        ("Files", Identity("Files", True, True)),
        ("files", None),
        ("Source  image", None),
        ("annotator", None),
    ],
)
def test_identify(written: str, identity: Identity | None) -> None:
    assert identify(written) == identity
    assert standard_name(written) == (identity.column if identity else written)


def test_resolve_reports_spellings_and_two_spellings_of_one_column() -> None:
    columns = resolve(["Files", "source_image", "Source Image", "Annotation Type", "sourceImage"])
    assert columns.names == ["Files", SI, SI, AT, SI]
    assert columns.first == {"Files": 0, SI: 1, AT: 3}
    assert [(i.kind, i.index) for i in columns.issues] == [
        ("spelling", 1),
        ("duplicate", 2),
        ("spelling", 4),
        ("duplicate", 4),
    ]


@pytest.mark.parametrize(
    ("written", "reads", "misses"),
    [
        ("source_image", "older ingest (bia-ingest)", "newer ingest (ro-crate-ingest)"),
        ("SOURCE IMAGE", "older ingest (bia-ingest)", "newer ingest (ro-crate-ingest)"),
        ("sourceImage", "newer ingest (ro-crate-ingest)", "older ingest (bia-ingest)"),
    ],
)
def test_spelling_message_says_which_ingest_misses_it(written: str, reads: str,
                                                      misses: str) -> None:  # fmt: skip
    assert spelling_message(written) == (
        f"the column '{written}' is read as 'Source image' by the archive's {reads}, "
        f"but its {misses} does not read this spelling"
    )


def test_near_miss() -> None:
    assert near_miss(["Files", "SourceImage"], SI) == "SourceImage"
    assert near_miss(["Files", "Source-Image"], SI) == "Source-Image"
    assert near_miss(["Files", "Annotation-Types"], AT) == "Annotation-Types"
    assert near_miss(["Files", "source_image"], SI) is None  # read by one ingest: no miss
    assert near_miss(["Files", "sourceImage"], SI) is None


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
