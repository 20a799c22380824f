"""The archive's controlled list of annotation types, and what users type instead (domain.md §3).

Source: MIFA model ``AnnotationType``, bia-integrator ``AnnotationMethodType`` and the
annotations-only submission template: exact lower-case strings, several comma-separated (the
ingest splits the cell on ',' and strips each part).

A suggestion is only the fix hint of a finding: what the archive accepts is decided by the row
schema, never here. Free text is read the way a person reads it: the whole value first, so that
"Segmentation mask (binary, 16-bit)" is one mask and "masks, 16-bit" is masks too; then its parts
("masks, points"). Where a value could mean two things, there is no suggestion rather than a wrong
one.
"""

from __future__ import annotations

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

# Free text seen in file lists -> the controlled value meant. A value is read by its last words
# (its head: "nuclei segmentation masks" is masks), so only heads are listed. Absent on purpose:
# "label(s)" (a label image or class labels?), "annotation(s)", "detection" (boxes or points?),
# "ground truth", "network" (a neural network's masks?).
_HEADS = """
segmentation_mask: segmentation mask, segmentation, segmented, mask, label mask, label map
segmentation_mask: label image, labeled image, labelled image, labeled mask, labelled mask
segmentation_mask: labelmap, label field, label volume, instance label, semantic label
segmentation_mask: segmentation label
point_annotations: point annotation, point, keypoint, key point, centroid, centre, center
point_annotations: landmark, spot, dot
bounding_boxes: bounding box, bbox, box, roi box
class_labels: class label, class, classification, category
counts: count, counting
tracks: track, tracking, tracklet, trajectory, lineage, lineage tree
graphs: graph, skeleton, connectivity graph
weak_annotations: weak annotation, weak label, weak, weakly, scribble
derived_annotations: derived annotation, derived, point spread function, psf
geometrical_annotations: geometrical annotation, geometric annotation, geometry, polygon, polyline
geometrical_annotations: shape, roi, region of interest, outline, contour, ellipse, mesh
other: other
"""

# Words that say how, with what or in what a type is stored, not which type: "masks (binary)",
# "point coordinates", "tracks, 3D", "cell tracks, TrackMate" name the type of their other words.
_QUALIFIER_WORDS = """
annotation annotated data dataset file coordinate image img stack volume table list array format
layer set binary instance semantic manual manually automatic predicted prediction ground truth gt
csv tsv json geojson xml tif tiff png jpg npy npz numpy h5 hdf5 zarr ome txt coco bit
cellpose stardist ilastik fiji imagej napari qupath cvat labelme trackmate mastodon omero
"""
_QUALIFIERS = frozenset(_QUALIFIER_WORDS.split())
_NUMERIC = re.compile(r"\d+|\d+d|\d+bit|u?int\d+|float\d+")  # 16, 3d, 8bit, uint16, float32

# A value that doubts or negates itself gets no suggestion: "masks?", "no masks", "masks or points".
_DOUBT_WORDS = "no not without or either maybe possibly"
_DOUBT = frozenset(_DOUBT_WORDS.split())

# Several types in one part of a cell, joined otherwise than by the archive's comma.
_JOINS = re.compile(r"\s*(?:;|\+|&|/|\band\b|\bplus\b|\bwith\b)\s*")
_OPEN, _CLOSE = "([{", ")]}"


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us")) or (word.endswith("is") and len(word) > 4):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("xes", "sses", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _words(text: str) -> tuple[str, ...]:
    """'Segmentation-Masks ' -> ('segmentation', 'mask'): case, punctuation and plurals ignored."""
    return tuple(_singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()))


def _meanings() -> dict[tuple[str, ...], str]:
    table = {_words(t): t for t in ANNOTATION_TYPES}
    for line in _HEADS.strip().splitlines():
        meant, phrases = line.split(":")
        table.update((_words(phrase), meant) for phrase in phrases.split(","))
    return table


_MEANING = _meanings()
_KNOWN = {w for phrase in _MEANING for w in phrase} | _QUALIFIERS | _DOUBT


def _slips(word: str) -> set[str]:
    """The word and the words one deletion away: two words one slip apart (a letter missing, added,
    changed or two letters swapped) share one of them."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _slip_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for known in _KNOWN:
        if len(known) >= 7:
            for slip in _slips(known):
                index.setdefault(slip, set()).add(known)
    return index


_SLIPS = _slip_index()


def _spelt(word: str) -> str:
    """A long word one slip away from one word of the vocabulary, as that word ('semgentation')."""
    if len(word) < 8 or word in _KNOWN:  # short words are too close to each other to guess
        return word
    near = set().union(*(_SLIPS.get(slip, set()) for slip in _slips(word)))
    return near.pop() if len(near) == 1 else word


def _is_qualifier(word: str) -> bool:
    return word in _QUALIFIERS or _NUMERIC.fullmatch(word) is not None


def _head_type(words: tuple[str, ...]) -> str | None:
    """The type named by the last words, if no other word names another type."""
    while words:
        for n in (3, 2, 1):
            meant = _MEANING.get(words[-n:]) if len(words) >= n else None
            if meant is not None:
                rest = words[:-n]
                others = {
                    _MEANING.get(rest[i : i + k]) for k in (1, 2, 3) for i in range(len(rest))
                }
                return meant if others <= {None, meant} else None
        if not _is_qualifier(words[-1]):
            return None
        words = words[:-1]  # 'masks data' is masks
    return None


def _types(text: str) -> tuple[str, ...] | None:
    """The types a text without brackets names: as one value, else as values joined by 'and', ';',
    '/', '+', '&' or 'with'; None when some piece names none."""
    words = tuple(_spelt(w) for w in _words(text))
    if not words or _DOUBT.intersection(words):
        return None
    whole = _head_type(words)
    if whole is not None:
        return (whole,)
    pieces = [p for p in _JOINS.split(text) if p.strip()]
    if len(pieces) < 2:
        return None
    found = [_types(p) for p in pieces]
    if any(t is None or len(t) != 1 for t in found):
        return None
    return tuple(dict.fromkeys(t[0] for t in found if t))


def _brackets(text: str) -> tuple[str, str]:
    """The text outside brackets, and inside them: 'masks (binary)' -> ('masks ', 'binary')."""
    outside: list[str] = []
    inside: list[str] = []
    depth = 0
    for c in text:
        if c in _OPEN:
            depth += 1
            inside.append(" ; " if depth == 1 else " ")
        elif c in _CLOSE:
            depth = max(depth - 1, 0)
        else:
            (inside if depth else outside).append(c)
    return "".join(outside), "".join(inside)


def _parts(cell: str) -> list[str]:
    """The cell split at its commas outside brackets: a comma inside '(binary, 16-bit)' is part of
    one value's description."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for c in cell:
        if c == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(depth - 1, 0)
        current.append(c)
    return [*parts, "".join(current)]


def _value_types(value: str) -> tuple[str, ...] | None:
    """The types one value of a cell names: its words outside brackets, unless they name none and
    the words inside do ('Labels (instance segmentation)'); None when the two disagree."""
    if value.strip(" ") in ANNOTATION_TYPES:
        return (value.strip(" "),)
    if "?" in value:
        return None
    outside, inside = _brackets(value)
    named, detail = _types(outside), _types(inside)
    if named and detail and not set(detail) <= set(named):
        return None
    return named or detail


def meant(text: str) -> str | None:
    """The one controlled value a free-text annotation type means, or None when it is anyone's
    guess (or names several)."""
    types = _value_types(text)
    return types[0] if types is not None and len(types) == 1 else None


def named_by(text: str) -> str | None:
    """The controlled value a name means word for word ('masks', 'points'), never a near
    spelling: what ``init`` may write into a configuration ('annotations' means no type). A
    folder named 'labels' is class labels here: init asks a person when it holds images."""
    words = _words(text)
    return "class_labels" if words == ("label",) else _MEANING.get(words)


def correction(cell: str) -> tuple[list[str], str | None]:
    """The parts of a cell that are not controlled values, and the cell as it should read.

    The corrected cell is None when some part cannot be guessed. Parts that only qualify the
    others ('masks, binary') and empty parts (a stray comma) are dropped from the correction.
    """
    parts = [p.strip(" ") for p in _parts(cell)]
    wrong = [p for p in parts if p not in ANNOTATION_TYPES] or [cell]
    meaningful = [p for p in parts if not all(map(_is_qualifier, _words(p)))]
    guesses = [_value_types(p) for p in meaningful]
    if not guesses or any(g is None for g in guesses):
        return wrong, None
    return wrong, ",".join(dict.fromkeys(t for g in guesses if g for t in g))
