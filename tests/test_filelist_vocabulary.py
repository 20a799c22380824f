"""Free-text annotation types: the controlled value a person would recognise in what was typed, or
no suggestion where the text could mean two things. Through the CLI, the suggestion is the fix of
BIA304 in every output format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import resources
from bia_hooks.filelist import vocabulary
from bia_hooks.filelist.vocabulary import ANNOTATION_TYPES, correction
from tests.conftest import run_cli

# What the archive accepts in the column: the shipped row schema's pattern.
ACCEPTED = re.compile(
    resources.load_schema("annotation-filelist.v1.schema.json")["properties"]["Annotation type"][
        "pattern"
    ]
)


@pytest.mark.parametrize(
    ("cell", "suggestion"),
    [
        # the examples: the whole value is one type
        ("Segmentation mask (binary)", "segmentation_mask"),
        ("Point coordinates (NumPy array)", "point_annotations"),
        ("bounding boxes", "bounding_boxes"),
        ("Instance segmentation", "segmentation_mask"),
        ("cell tracks", "tracks"),
        ("class labels", "class_labels"),
        ("Masks", "segmentation_mask"),
        # a comma inside brackets describes one value: no split
        ("segmentation mask (binary, 16-bit)", "segmentation_mask"),
        ("Tracks [TrackMate, XML]", "tracks"),
        ("bounding boxes (COCO json)", "bounding_boxes"),
        # masks, whatever they are of
        ("mask", "segmentation_mask"),
        ("binary mask", "segmentation_mask"),
        ("instance masks", "segmentation_mask"),
        ("nuclear masks", "segmentation_mask"),
        ("label image", "segmentation_mask"),
        ("Label images (uint16)", "segmentation_mask"),
        ("semantic segmentation", "segmentation_mask"),
        ("nuclei segmentation", "segmentation_mask"),
        ("Segmentation-Masks", "segmentation_mask"),
        ("Labels (instance segmentation)", "segmentation_mask"),
        ("masks (Cellpose)", "segmentation_mask"),
        # points, boxes, tracks, classes, counts, the rest of the list
        ("points", "point_annotations"),
        ("point annotations", "point_annotations"),
        ("centroids", "point_annotations"),
        ("cell centroids (csv)", "point_annotations"),
        ("bounding box", "bounding_boxes"),
        ("bbox", "bounding_boxes"),
        ("boxes", "bounding_boxes"),
        ("tracks", "tracks"),
        ("tracking", "tracks"),
        ("Cell trajectories", "tracks"),
        ("class label", "class_labels"),
        ("classification", "class_labels"),
        ("weak annotations", "weak_annotations"),
        ("scribbles", "weak_annotations"),
        ("counts", "counts"),
        ("Cell counts", "counts"),
        ("polygons", "geometrical_annotations"),
        ("ImageJ ROIs", "geometrical_annotations"),
        ("skeletons", "graphs"),
        ("Other", "other"),
        ("Segmentation_Mask", "segmentation_mask"),
        ("semgentation mask", "segmentation_mask"),  # a typo
        # several types: per part, and within a part joined by 'and', ';', '/', '+' or 'with'
        ("masks, points", "segmentation_mask,point_annotations"),
        ("tracks,tracking", "tracks"),
        ("segmentation masks; points", "segmentation_mask,point_annotations"),
        ("masks and points", "segmentation_mask,point_annotations"),
        ("bounding boxes with class labels", "bounding_boxes,class_labels"),
        ("segmentation_mask, cell tracks", "segmentation_mask,tracks"),
        # a part that only says how the others are stored is no type of its own
        ("masks, 16-bit", "segmentation_mask"),
        ("cell tracks, TrackMate", "tracks"),
        ("tracks,", "tracks"),
        # anyone's guess: no suggestion rather than a wrong one
        ("labels", None),  # a label image, or class labels?
        ("annotations", None),
        ("ground truth", None),
        ("detection", None),  # boxes or points?
        ("cells", None),
        ("tracks,cells", None),
        ("masks or points", None),
        ("no masks", None),
        ("masks?", None),
        ("weak masks", None),  # weak annotations, or masks?
        ("Masks (for tracking)", None),
        ("neural network predictions", None),
        ("neuron tracing", None),  # not 'tracking'
        ("16-bit", None),
        ("N/A", None),
    ],
)
def test_free_text_gets_the_value_a_person_would_recognise(
    cell: str, suggestion: str | None
) -> None:
    assert correction(cell)[1] == suggestion


@pytest.mark.parametrize(
    ("cell", "wrong"),
    [
        ("segmentation mask (binary, 16-bit)", ["segmentation mask (binary, 16-bit)"]),
        ("masks, points", ["masks", "points"]),
        ("tracks, cell tracks (TrackMate, XML)", ["cell tracks (TrackMate, XML)"]),
        (" tracks", [" tracks"]),  # every part is controlled, the cell is not: shown whole
    ],
)
def test_the_wrong_parts_are_the_values_the_user_wrote(cell: str, wrong: list[str]) -> None:
    assert correction(cell)[0] == wrong


def test_every_phrase_means_a_controlled_value() -> None:
    assert set(vocabulary._MEANING.values()) == set(ANNOTATION_TYPES)


FREE_WORDS = ["masks", "Points", "cell", "tracks", "labels", "(binary, 16-bit)", "and", "or", "?"]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.sampled_from([*ANNOTATION_TYPES, *FREE_WORDS, ",", ";", " ", "bbox", "[", ")"]),
        max_size=8,
    ).map("".join)
    | st.text(max_size=30)
)
def test_a_suggestion_is_always_a_cell_the_archive_accepts(cell: str) -> None:
    suggestion = correction(cell)[1]
    assert suggestion is None or ACCEPTED.fullmatch(suggestion)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(ANNOTATION_TYPES), min_size=1, max_size=4),
    st.sampled_from([",", ", "]),
)
def test_controlled_values_are_kept_in_order(types: list[str], comma: str) -> None:
    wrong, suggestion = correction(comma.join(types))
    assert wrong == [comma.join(types)]  # nothing wrong in any part: the finding shows the cell
    assert suggestion == ",".join(dict.fromkeys(types))


LIST = (
    "Files\tAnnotation type\tSource image\n"
    "masks/a.tif\tSegmentation mask (binary, 16-bit)\timages/a.tif\n"
    "points/a.npy\tPoint coordinates (NumPy array)\timages/a.tif\n"
    "tracks/a.xml\tcell tracks, TrackMate\timages/a.tif\n"
    "labels/a.tif\tlabels\timages/a.tif\n"
    "tracks/b.xml\ttracks,\timages/a.tif\n"
)


@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_the_suggestion_is_the_fix_in_every_output(repo: Path, output: str) -> None:
    (repo / "annotations.tsv").write_text(LIST)
    result = run_cli("validate", "annotations.tsv", "--format", output, cwd=repo)
    assert result.returncode == 1, result.stderr
    assert (repo / "annotations.tsv").read_text() == LIST  # validate only reports
    expected = [
        (2, "'Segmentation mask (binary, 16-bit)' is not", "write 'segmentation_mask'"),
        (3, "'Point coordinates (NumPy array)' is not", "write 'point_annotations'"),
        (4, "'cell tracks', 'TrackMate' are not", "write 'tracks'"),
        (5, "'labels' is not", "use one or more of the archive's annotation types"),
        (6, "a stray comma leaves an empty annotation type", "write 'tracks'"),
    ]
    if output == "json":
        findings = json.loads(result.stdout)["findings"]
        assert [(f["code"], f["line"]) for f in findings] == [("BIA304", n) for n, _, _ in expected]
        for f, (_, message, fix) in zip(findings, expected, strict=True):
            assert f["message"].startswith(message) and f["fix"].startswith(fix)
        return
    lines = [line for line in result.stdout.splitlines() if "BIA304" in line]
    assert len(lines) == len(expected)
    for line, (n, message, fix) in zip(lines, expected, strict=True):
        if output == "text":
            assert line.startswith(f"annotations.tsv:{n}: [Annotation type] error BIA304 {message}")
            assert f" -> {fix}" in line
        else:
            assert line.startswith(f"::error file=annotations.tsv,line={n},title=BIA304 ")
            assert f"::{message}" in line and f"Fix: {fix}" in line
