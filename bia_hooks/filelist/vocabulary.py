"""The archive's controlled list of annotation types, and what users type instead (domain.md §3).

Source: MIFA model ``AnnotationType``, bia-integrator ``AnnotationMethodType`` and the
annotations-only submission template: exact lower-case strings, several comma-separated.
"""

from __future__ import annotations

import difflib
import re

ANNOTATION_TYPES = (
    "class_labels",
    "bounding_boxes",
    "counts",
    "derived_annotations",
    "geometrical_annotations",
    "graphs",
    "point_annotations",
    "segmentation_mask",
    "tracks",
    "weak_annotations",
    "other",
)


# Free text seen in file lists -> the controlled value meant. Keys are normalised by _key().
def _key(text: str) -> str:
    """'Segmentation-Masks ' -> 'segmentation mask': case, separators and a plural 's' ignored."""
    words = re.sub(r"[\s_\-./]+", " ", text.strip().lower()).split()
    singular = [
        w[:-2] if w.endswith("xes") else w[:-1] if w.endswith("s") and len(w) > 3 else w
        for w in words
    ]
    return " ".join(singular)


_FREE_TEXT = {
    "segmentation mask": "segmentation_mask",
    "segmentation": "segmentation_mask",
    "segmentations": "segmentation_mask",
    "mask": "segmentation_mask",
    "label image": "segmentation_mask",
    "label mask": "segmentation_mask",
    "instance segmentation": "segmentation_mask",
    "semantic segmentation": "segmentation_mask",
    "binary mask": "segmentation_mask",
    "point": "point_annotations",
    "point annotation": "point_annotations",
    "keypoint": "point_annotations",
    "centroid": "point_annotations",
    "landmark": "point_annotations",
    "spot": "point_annotations",
    "bbox": "bounding_boxes",
    "bounding box": "bounding_boxes",
    "box": "bounding_boxes",
    "roi box": "bounding_boxes",
    "class label": "class_labels",
    "class": "class_labels",
    "classification": "class_labels",
    "label": "class_labels",
    "count": "counts",
    "counting": "counts",
    "track": "tracks",
    "tracking": "tracks",
    "trajectory": "tracks",
    "lineage": "tracks",
    "graph": "graphs",
    "skeleton": "graphs",
    "network": "graphs",
    "weak annotation": "weak_annotations",
    "weak label": "weak_annotations",
    "weak": "weak_annotations",
    "scribble": "weak_annotations",
    "derived annotation": "derived_annotations",
    "derived": "derived_annotations",
    "geometrical annotation": "geometrical_annotations",
    "geometric annotation": "geometrical_annotations",
    "geometry": "geometrical_annotations",
    "polygon": "geometrical_annotations",
    "shape": "geometrical_annotations",
    "roi": "geometrical_annotations",
    "outline": "geometrical_annotations",
    "contour": "geometrical_annotations",
}
_SYNONYMS = {_key(k): v for k, v in _FREE_TEXT.items()}
_SYNONYMS.update({_key(t): t for t in ANNOTATION_TYPES})


def meant(text: str) -> str | None:
    """The controlled value a free-text annotation type means, or None when it is anyone's guess."""
    if text in ANNOTATION_TYPES:
        return text
    key = _key(text)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    close = difflib.get_close_matches(key, list(_SYNONYMS), n=1, cutoff=0.8)
    return _SYNONYMS[close[0]] if close else None


def named_by(text: str) -> str | None:
    """The controlled value a name means word for word ('masks', 'points'), never a near
    spelling: what ``init`` may write into a configuration ('annotations' means no type)."""
    return _SYNONYMS.get(_key(text))


def correction(cell: str) -> tuple[list[str], str | None]:
    """The parts of a cell that are not controlled values, and the cell as it should read.

    The corrected cell is None when some part cannot be guessed. Empty parts (a stray comma) are
    dropped from the correction.
    """
    parts = [p.strip(" ") for p in cell.split(",")]
    wrong = [p for p in parts if p not in ANNOTATION_TYPES]
    guesses = [meant(p) for p in parts if p]
    if not guesses or None in guesses:
        return wrong, None
    return wrong, ",".join(dict.fromkeys(g for g in guesses if g is not None))
