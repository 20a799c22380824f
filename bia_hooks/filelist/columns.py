"""Column names of an annotations file list, as the archive's ingest recognises them (domain.md §3).

The ingest finds the source-image column ignoring case under four spellings; a newer ingest matches
``Source image``, ``Source Image``, ``Source_Image`` and ``source image`` exactly. ``Source image``
is the one spelling both accept, so it is the standard. The annotation-type column follows the same
sentence-case convention (``Annotation type``), the spelling this project writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FILES = "Files"
SOURCE_IMAGE = "Source image"
ANNOTATION_TYPE = "Annotation type"

# Lower-cased spelling -> standard spelling.
ALIASES = {
    "source image": SOURCE_IMAGE,
    "source_image": SOURCE_IMAGE,
    "source image association": SOURCE_IMAGE,
    "source_image_association": SOURCE_IMAGE,
    "annotation type": ANNOTATION_TYPE,
    "annotation_type": ANNOTATION_TYPE,
}


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


# Source-image spellings the newer ingest matches exactly (the older one ignores case).
NEWER_INGEST = frozenset(["Source image", "Source Image", "Source_Image", "source image"])

# Spellings the ingest does not recognise but a person obviously meant (for the hint only).
_NEAR = {
    "sourceimage": SOURCE_IMAGE,
    "sourceimages": SOURCE_IMAGE,
    "sourceimageassociation": SOURCE_IMAGE,
    "annotationtype": ANNOTATION_TYPE,
    "annotationtypes": ANNOTATION_TYPE,
}


@dataclass(frozen=True)
class ColumnIssue:
    kind: str  # "alias" (non-standard spelling) | "duplicate" (same column again)
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


def standard_name(name: str) -> str:
    return ALIASES.get(name.lower(), name)


def resolve(header: list[str]) -> Columns:
    """Standard names for the header, with every non-standard spelling and every duplicate."""
    columns = Columns(names=[standard_name(h) for h in header])
    for i, (written, name) in enumerate(zip(header, columns.names, strict=True)):
        if name != written:
            columns.issues.append(ColumnIssue("alias", i, written, name))
        if name in columns.first:
            columns.issues.append(ColumnIssue("duplicate", i, written, name, columns.first[name]))
        else:
            columns.first[name] = i
    return columns


def near_miss(header: list[str], wanted: str) -> str | None:
    """A header cell that was surely meant as ``wanted`` but that the ingest will not recognise."""
    for h in header:
        if standard_name(h) != wanted and _NEAR.get(_squash(h)) == wanted:
            return h
    return None


def spelling_message(written: str, standard: str) -> str:
    """Why a recognised but non-standard column name deserves a rename."""
    if standard == SOURCE_IMAGE and written not in NEWER_INGEST:
        return (
            f"the column '{written}' is read as '{standard}' by the archive's older ingest, "
            f"but its newer ingest does not recognise this spelling"
        )
    return f"the column '{written}' is read as '{standard}'; '{standard}' is the standard spelling"
