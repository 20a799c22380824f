"""The study as the archive reads a submission: page-tab, in JSON and in TSV.

The format is EBIBioStudies/page-tab-specification (its specification and its examples, which
this follows); the names are the template ``BioImages.MIFA.v1``'s, as its web form writes them
(EBIBioStudies/submission-tool; study.py has the fields):

- the submission: Title, ReleaseDate (the backend requires it here), Template (the direct-upload
  page picks the template it checks by it) and AttachTo (the template's collection, BioImages);
- the root section ``Study``: Title, Description, ReleaseDate, Keywords (one attribute each),
  Acknowledgements, and its links: the image dataset first, then the others;
- a subsection per contact, ``Author`` (Name, E-mail, Role, ORCID) with an ``affiliation``
  reference per organisation to an ``Organization`` subsection (accno o1, o2, ...; Name): the
  specification's way, and the form's;
- ``Funding`` (Agency, grant_id) and ``Publication`` subsections, one per entry;
- an ``Annotation`` subsection per section (accno Annotation-1, ...: the archive's ingest names
  its records after it), whose ``File List`` attribute names the section's file list.

A reference attribute is flagged ``"reference": true``: the specification's example writes
``"isReference"``, but the archive's backend reads ``reference`` (biostudies-backend-services,
``SerializationFields.kt``), which is also what the form writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from bia_hooks.errors import UsageError
from bia_hooks.study import (
    ANNOTATION_FIELDS,
    COLLECTION,
    CONTACT_FIELDS,
    FUNDING_FIELDS,
    IMAGE_DATASET,
    PUBLICATION_FIELDS,
    STUDY_FIELDS,
    TEMPLATE,
    Field,
    annotation_types,
    as_list,
    comma_separated,
)

__all__ = ["pagetab", "tsv_cell", "tsv_text"]

Attribute = dict[str, Any]

_URL = re.compile(r"(?:https?|ftp)://", re.IGNORECASE)
_ACCESSION = re.compile(r"S-[A-Z]+[0-9]+")
# The backend's TSV reader escapes each pair of quotes on a line before it parses the cells
# (TsvChunkGenerator.SIMPLE_QUOTE_REGEX, as written there: '|' is no "or" in a class).
_PAIRED_QUOTES = re.compile(r'(")([^\n|\t|"]*)(")')


def _attribute(name: str, value: str, reference: bool = False) -> Attribute:
    attribute: Attribute = {"name": name, "value": value}
    if reference:
        attribute["reference"] = True
    return attribute


def _attributes(entry: Mapping[str, Any], fields: Sequence[Field]) -> list[Attribute]:
    """One attribute per filled-in field, in the template's order; a list gives one each."""
    out = []
    for f in fields:
        value = entry.get(f.key)
        if value in (None, "", []):
            continue
        if f.key == "types":
            out.append(_attribute(f.name, ", ".join(annotation_types(value))))
        elif f.key == "keywords" and isinstance(value, str):  # 'a, b' typed on one line: two
            out += [_attribute(f.name, k) for k in comma_separated(value)]
        else:
            out += [_attribute(f.name, str(v)) for v in as_list(value)]
    return out


def _link(value: str, description: str | None) -> dict[str, Any]:
    """An address as it is; an accession or ``prefix:id`` as the form writes an identifier: the
    id as the url, the prefix as its Type (an accession is a BioStudies one)."""
    attributes = [_attribute("Description", description)] if description else []
    if _URL.match(value):
        return {"url": value, "attributes": attributes}
    if _ACCESSION.fullmatch(value):
        kind, url = "biostudies", value
    else:
        kind, _, url = value.partition(":")
    return {"url": url.strip(), "attributes": [*attributes, _attribute("Type", kind.strip())]}


def pagetab(study: Mapping[str, Any], list_name: Callable[[str], str]) -> dict[str, Any]:
    """The submission as page-tab JSON; ``list_name`` gives the name a section's file list has
    in the package (the JSON page-tab names the JSON lists, the TSV one the TSV lists)."""
    title, release = study["title"], study["release_date"]
    images = study.get("image_dataset")
    links = [_link(v, IMAGE_DATASET) for v in (as_list(images) if images else [])]
    links += [_link(e["link"], e.get("description")) for e in study.get("links", [])]
    organisations: dict[str, str] = {}  # name -> accno, in the order they first appear
    authors = []
    for contact in study["contacts"]:
        attributes = _attributes(contact, [f for f in CONTACT_FIELDS if f.key != "organisation"])
        for name in as_list(contact["organisation"]):
            accno = organisations.setdefault(name, f"o{len(organisations) + 1}")
            attributes.append(_attribute("affiliation", accno, reference=True))
        authors.append({"attributes": attributes, "type": "Author"})
    subsections: list[dict[str, Any]] = [
        *authors,
        *({"accno": accno, "attributes": [_attribute("Name", name)], "type": "Organization"}
          for name, accno in organisations.items()),
        *({"attributes": _attributes(e, FUNDING_FIELDS), "type": "Funding"}
          for e in study.get("funding", [])),
        *({"attributes": _attributes(e, PUBLICATION_FIELDS), "type": "Publication"}
          for e in study.get("publications", [])),
    ]  # fmt: skip
    for i, section in enumerate(study["annotations"], start=1):
        named = {**section, "file_list": list_name(section["file_list"])}
        subsections.append(
            {"accno": f"Annotation-{i}", "attributes": _attributes(named, ANNOTATION_FIELDS),
             "type": "Annotation"}
        )  # fmt: skip
    return {
        "attributes": [
            _attribute("Title", title),
            _attribute("ReleaseDate", release),
            _attribute("Template", TEMPLATE),
            _attribute("AttachTo", COLLECTION),
        ],
        "section": {
            "attributes": _attributes(study, STUDY_FIELDS),
            "links": links,
            "subsections": subsections,
            "type": "Study",
        },
        "type": "submission",
    }


# --- TSV ------------------------------------------------------------------------------------


def tsv_cell(value: str) -> str | None:
    """The TSV cell that the archive's reader reads back as ``value`` (text of several lines in
    double quotes, as the specification says), or None when it would read something else."""
    cell = f'"{value}"' if ("\n" in value or "\r" in value) else value
    return cell if _backend_reads(cell) == value else None


def _backend_reads(cell: str) -> str | None:
    """What the backend's TSV reader (TsvChunkGenerator) makes of one value cell: paired quotes
    escaped, then Commons CSV (tab separated, '"' quoting, surrounding spaces ignored), then the
    escapes undone; None when the cell does not stay one cell."""
    text = _PAIRED_QUOTES.sub(lambda m: f'\\"{m[2]}\\"', cell)
    if "\t" in text:
        return None
    if text.startswith('"'):
        if text.find('"', 1) != len(text) - 1:
            return None  # the quoted text ends early, or never
        text = text[1:-1]
    elif "\n" in text or "\r" in text:
        return None
    else:
        text = text.strip(" ")
    return text.replace('\\"', '"')


def _chunk(header: Sequence[str | None], attributes: Sequence[Attribute]) -> str:
    lines = ["\t".join(h for h in header if h)]
    for a in attributes:
        cell = tsv_cell(a["value"])
        if cell is None:
            raise UsageError(
                f"{a['name']}: {a['value']!r}: the TSV page-tab cannot carry this text (a tab, or "
                "a '\"' the archive's reader would change); edit it"
            )
        lines.append(f"<{a['name']}>\t{cell}" if a.get("reference") else f"{a['name']}\t{cell}")
    return "".join(line + "\n" for line in lines)


def _chunks(submission: Mapping[str, Any]) -> Iterator[str]:
    """Submission, root section, its links (the specification attaches a Link to the section
    before it, so they come before any subsection), then each subsection of the root."""
    yield _chunk(["Submission", submission.get("accno")], submission["attributes"])
    root = submission["section"]
    yield _chunk([root["type"], root.get("accno")], root.get("attributes", []))
    for link in root.get("links", []):
        yield _chunk(["Link", link["url"]], link.get("attributes", []))
    for section in root.get("subsections", []):
        yield _chunk([section["type"], section.get("accno")], section.get("attributes", []))


def tsv_text(submission: Mapping[str, Any]) -> str:
    """The page-tab JSON ``pagetab`` builds, as page-tab TSV: one block per element, blocks
    separated by a blank line."""
    return "\n".join(_chunks(submission))
