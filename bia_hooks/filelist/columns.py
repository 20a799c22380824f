"""The columns of an annotations file list: which column a header cell is, and which of the
archive's two ingests reads it as that column (domain.md §3). Validation and the sync both ask
``identify``; nothing else decides that two spellings are one column.

Checked in bia-integrator:

- the older ingest, bia-ingest (``file_reference.py``, ``get_source_image``), lower-cases a header
  and looks it up among four spellings of the source image;
- the newer ingest, ro-crate-ingest (``file_list_generator.py``, ``_normalise_headers``), renames
  six exact spellings to its own name, ``sourceImage``, which it reads as well.

``Source image`` is read by both, so it is the standard, and what this project writes. Neither
ingest maps the annotation type by name: the archive's help pages spell it ``Annotation Type``
and ``annotation_type``, and curators read it in any letter case; this project writes
``Annotation type``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

FILES = "Files"
SOURCE_IMAGE = "Source image"
ANNOTATION_TYPE = "Annotation type"

OLDER = "bia-ingest"  # the archive's older ingest
NEWER = "ro-crate-ingest"  # its newer ingest


class Identity(NamedTuple):
    column: str  # the standard name
    older: bool  # read as that column by the older ingest
    newer: bool  # read as that column by the newer ingest


# The older ingest: lower-cased spelling -> column.
_OLDER = {
    "source image": SOURCE_IMAGE,
    "source_image": SOURCE_IMAGE,
    "source image association": SOURCE_IMAGE,
    "source_image_association": SOURCE_IMAGE,
}
# The newer ingest: exact spelling -> column.
_NEWER = {
    "Source image": SOURCE_IMAGE,
    "Source Image": SOURCE_IMAGE,
    "source image": SOURCE_IMAGE,
    "Source_Image": SOURCE_IMAGE,
    "Source image association": SOURCE_IMAGE,
    "Source Image Association": SOURCE_IMAGE,
    "sourceImage": SOURCE_IMAGE,
}
# Read by both (the curators, for the annotation type): lower-cased spelling -> column.
_BOTH = {"annotation type": ANNOTATION_TYPE, "annotation_type": ANNOTATION_TYPE}


def identify(name: str) -> Identity | None:
    """The column the header cell ``name`` is, or None when it is none the archive names."""
    if name == FILES:
        return Identity(FILES, True, True)
    lower = name.lower()
    if lower in _BOTH:
        return Identity(_BOTH[lower], True, True)
    older, newer = _OLDER.get(lower), _NEWER.get(name)
    column = older or newer
    return Identity(column, older is not None, newer is not None) if column else None


def standard_name(name: str) -> str:
    """The column a header cell is: its standard name, or the cell itself (a free column)."""
    identity = identify(name)
    return identity.column if identity else name


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


# Spellings no ingest reads but a person obviously meant (for the hint only).
_NEAR = {
    "sourceimage": SOURCE_IMAGE,
    "sourceimages": SOURCE_IMAGE,
    "sourceimageassociation": SOURCE_IMAGE,
    "annotationtype": ANNOTATION_TYPE,
    "annotationtypes": ANNOTATION_TYPE,
}


@dataclass(frozen=True)
class ColumnIssue:
    kind: str  # "spelling" (one ingest does not read it) | "duplicate" (same column again)
    index: int  # in the header
    name: str  # as written
    standard: str  # the column it is read as
    first: int | None = None  # duplicate: index of the first occurrence


@dataclass
class Columns:
    """The header read with standard names: ``names[i]`` is the column header[i] is taken as."""

    names: list[str]
    first: dict[str, int] = field(default_factory=dict)  # standard name -> first index
    issues: list[ColumnIssue] = field(default_factory=list)


def resolve(header: list[str]) -> Columns:
    """Standard names for the header, with every spelling one ingest misses and every duplicate."""
    identities = [identify(h) for h in header]
    columns = Columns(names=[i.column if i else h for h, i in zip(header, identities, strict=True)])
    for i, (written, identity) in enumerate(zip(header, identities, strict=True)):
        name = columns.names[i]
        if identity is not None and not (identity.older and identity.newer):
            columns.issues.append(ColumnIssue("spelling", i, written, name))
        if name in columns.first:
            columns.issues.append(ColumnIssue("duplicate", i, written, name, columns.first[name]))
        else:
            columns.first[name] = i
    return columns


def find_column(header: list[str], name: str, columns: Columns | None = None) -> int | None:
    """Where a value for the column ``name`` (as a person wrote it in the configuration) goes in
    ``header``: the cell of the same column (any accepted spelling of the archive's columns), or
    of a free column written the same but for letter case, spaces and '_' (``annotator`` fills
    ``Annotator``) when exactly one cell is. None when the header lacks it."""
    columns = columns or resolve(header)
    index = columns.first.get(standard_name(name))
    if index is not None or identify(name) is not None:
        return index
    loose = [i for i, h in enumerate(header) if _loose(h) == _loose(name)]
    return loose[0] if len(loose) == 1 else None


def _loose(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip()).casefold()


def near_miss(header: list[str], wanted: str) -> str | None:
    """A header cell that was surely meant as ``wanted`` but that no ingest reads as it."""
    for h in header:
        if identify(h) is None and _NEAR.get(_squash(h)) == wanted:
            return h
    return None


def spelling_message(written: str) -> str:
    """Which ingest does not read ``written`` (a spelling the other one reads)."""
    identity = identify(written)
    assert identity is not None and not (identity.older and identity.newer)
    reads, misses = (OLDER, NEWER) if identity.older else (NEWER, OLDER)
    age = {OLDER: "older", NEWER: "newer"}
    return (
        f"the column '{written}' is read as '{identity.column}' by the archive's {age[reads]} "
        f"ingest ({reads}), but its {age[misses]} ingest ({misses}) does not read this spelling"
    )
