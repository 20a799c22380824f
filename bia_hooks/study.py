"""study.yaml: the study's metadata, versioned with the data, checked against what the archive's
annotations template asks for (domain.md §4, §8).

The template is ``BioImages.MIFA.v1`` (EBIBioStudies/submission-tool,
``frontend/src/templates/BioImages.MIFA.v1.json.ts``, June 2026): what the web form asks, and what
the direct-upload page checks a page-tab against. The tables below are its fields and their marks,
under the key study.yaml gives each; the shipped schema (``schemas/study.v1.schema.json``) holds
the form each value takes. The help page asks for one more thing, the link to the image dataset
the annotations belong to: study.yaml requires it (``image_dataset``).

``check_study`` is pure (the text in, the findings out; studyrules.py has the rules);
``read_study`` reads the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bia_hooks import limits
from bia_hooks.errors import UsageError
from bia_hooks.findings import Finding

if TYPE_CHECKING:
    from bia_hooks.config import Config

STUDY_FILE = "study.yaml"
SCHEMA_NAME = "study.v1.schema.json"
TEMPLATE = "BioImages.MIFA.v1"
COLLECTION = "BioImages"  # the collection the template belongs to: the submission's AttachTo
IMAGE_DATASET = "The image dataset these annotations belong to"  # its link's description

REQUIRED, DESIRABLE = "required", "desirable"


@dataclass(frozen=True)
class Field:
    key: str  # in study.yaml
    name: str  # in the template, and so in the page-tab
    display: str  # the template's mark: required or desirable


def _fields(*rows: tuple[str, str, str]) -> tuple[Field, ...]:
    return tuple(Field(*row) for row in rows)


# The template's fields, in its order. Study fields are attributes of the root section.
STUDY_FIELDS = _fields(
    ("title", "Title", REQUIRED),
    ("description", "Description", REQUIRED),
    ("release_date", "ReleaseDate", REQUIRED),
    ("keywords", "Keywords", REQUIRED),
    ("acknowledgements", "Acknowledgements", DESIRABLE),
)
CONTACT_FIELDS = _fields(
    ("name", "Name", REQUIRED),
    ("email", "E-mail", REQUIRED),
    ("organisation", "Organisation", REQUIRED),
    ("role", "Role", REQUIRED),
    ("orcid", "ORCID", DESIRABLE),
)
FUNDING_FIELDS = _fields(("agency", "Agency", DESIRABLE), ("grant_id", "grant_id", DESIRABLE))
PUBLICATION_FIELDS = _fields(
    ("pubmed_id", "Pubmed ID", DESIRABLE),
    ("title", "Title", DESIRABLE),
    ("authors", "Authors", DESIRABLE),
    ("doi", "DOI", DESIRABLE),
    ("year", "Year", DESIRABLE),
)
LINK_FIELDS = _fields(("link", "Link", DESIRABLE), ("description", "Description", DESIRABLE))
ANNOTATION_FIELDS = _fields(
    ("title", "Title", REQUIRED),
    ("overview", "Annotation Overview", REQUIRED),
    ("types", "Annotation Type", REQUIRED),
    ("method", "Annotation Method", REQUIRED),
    ("confidence", "Annotation Confidence Level", DESIRABLE),
    ("criteria", "Annotation Criteria", DESIRABLE),
    ("coverage", "Annotation Coverage", DESIRABLE),
    ("file_list", "File List", REQUIRED),
)


@dataclass(frozen=True)
class Table:
    """A table of the template (one entry per row) or its Annotation sections."""

    name: str
    display: str
    fields: tuple[Field, ...]


TABLES = {
    "contacts": Table("Contact", REQUIRED, CONTACT_FIELDS),
    "funding": Table("Funding", DESIRABLE, FUNDING_FIELDS),
    "publications": Table("Publication", DESIRABLE, PUBLICATION_FIELDS),
    "links": Table("Link", DESIRABLE, LINK_FIELDS),
    "annotations": Table("Annotation", REQUIRED, ANNOTATION_FIELDS),
}

# YAML reads `year: 2024` as a number; the form takes these as text.
_NUMBER_AS_TEXT = frozenset({"pubmed_id", "year", "grant_id"})
_ACCESSION = re.compile(r"(?:^|[/:=])(S-[A-Z]+[0-9]+)(?=$|[/?#&])")
KeyPath = tuple[str | int, ...]  # where a value is: keys and list positions
_MESSAGE_AT = re.compile(r"study\.yaml(?::(\d+):\d+)?: (.*)", re.DOTALL)


@dataclass(frozen=True)
class StudyContext:
    """What study.yaml is checked against: the dataset's file lists, the image dataset its
    configuration names, and today's date (GMT, as the form reads the release date)."""

    filelists: Sequence[str]
    accessions: Sequence[str] = ()  # image_dataset.accession in .bia-hooks.yaml
    today: date = field(default_factory=lambda: datetime.now(timezone.utc).date())


def read_study(root: Path) -> str | Finding | None:
    """The text of ROOT/study.yaml; None when there is none; a BIA501 finding when it cannot be
    read (not UTF-8, too large, a link out of the dataset)."""
    from bia_hooks.confine import inside_dataset
    from bia_hooks.textfiles import read_text

    file = root / STUDY_FILE
    if not (file.exists() or file.is_symlink()):
        return None
    try:
        inside_dataset(root, STUDY_FILE, "the study metadata")
        if file.is_file() and file.stat().st_size > limits.STUDY_BYTES:
            raise UsageError(
                f"{file.stat().st_size:,} bytes; bia-hooks reads at most "
                f"{limits.STUDY_BYTES:,} (a real one is a few kilobytes)"
            )
        return read_text(file, "study metadata", shown=STUDY_FILE)
    except (UsageError, OSError) as e:
        return Finding("BIA501", STUDY_FILE, _without_name(str(e)), fix=_READ_FIX)


_READ_FIX = "keep study.yaml a UTF-8 YAML file of a few kilobytes in the dataset itself"


def _without_name(message: str) -> str:
    return message.removeprefix(f"{STUDY_FILE}: ").removeprefix(STUDY_FILE).lstrip(": ")


def accessions_of(config: Config) -> list[str]:
    """The image studies ``.bia-hooks.yaml`` checks source images against (``image_dataset``)."""
    found = (fl.image_dataset.accession for fl in config.filelists if fl.image_dataset)
    return list(dict.fromkeys(a for a in found if a))


def accession_of(link: str) -> str | None:
    """The BioStudies accession a link names: S-BIAD123, biostudies:S-BIAD123, or an address
    with it as a part (https://www.ebi.ac.uk/biostudies/BioImages/studies/S-BIAD123)."""
    found = _ACCESSION.search(link)
    return found[1] if found else None


def as_list(value: Any) -> list[Any]:
    """A field study.yaml takes as one text or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def comma_separated(text: str) -> list[str]:
    """``'a, b'`` -> ``['a', 'b']``: one text holding several values, as people type them."""
    return [t.strip() for t in text.split(",") if t.strip()]


def annotation_types(value: Any) -> list[str]:
    """A section's types: a list, or one text with commas as the file lists write it."""
    if isinstance(value, str):
        return [t.strip(" ") for t in value.split(",")]
    return [str(t) for t in as_list(value)]


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 on the first 15 digits gives the last (10 is written X)."""
    digits = orcid.replace("-", "")
    total = 0
    for d in digits[:15]:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


# --- the check -------------------------------------------------------------------------------


def check_study(
    text: str, context: StudyContext, complete: bool = False
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """study.yaml checked: the study (keys as written, text trimmed) and every finding.

    A file without any key (only the comments ``init`` writes) is a template not filled in yet:
    one info, unless ``complete`` (the export needs the metadata: every required field is missing).
    """
    from bia_hooks.studyrules import study_findings
    from bia_hooks.textfiles import parse_yaml

    try:
        data = parse_yaml(text, STUDY_FILE)
    except UsageError as e:
        at = _MESSAGE_AT.fullmatch(str(e))
        line, message = (int(at[1]) if at and at[1] else None), (at[2] if at else str(e))
        fix = "correct the YAML at that place (indentation, a ':' or quote too many or too few)"
        return None, [Finding("BIA501", STUDY_FILE, message, line=line, fix=fix)]
    if data is None and not complete:
        message = "no field is filled in yet (every line is a comment)"
        fix = "uncomment the lines of study.yaml and fill them in"
        return None, [Finding("BIA511", STUDY_FILE, message, fix=fix)]
    data = {} if data is None else data
    if not isinstance(data, dict):
        message = "the study metadata must be a mapping of fields (title: ...), not a single value"
        if isinstance(data, list):
            message = "the study metadata must be a mapping of fields (title: ...), not a list"
        return None, [Finding("BIA501", STUDY_FILE, message, fix="write 'title: ...' and so on")]
    study: dict[str, Any] = _normalised(data)
    return study, study_findings(study, _key_lines(text), context)


def _normalised(value: Any, key: str | None = None) -> Any:
    """Keys as text, text trimmed (the form trims, the TSV reader too), a YAML date as
    YYYY-MM-DD, numbers where the form takes text as text; anything else as it is, for the
    schema to judge."""
    if isinstance(value, dict):
        return {str(k): _normalised(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v, key) for v in value]
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and key in _NUMBER_AS_TEXT:
        return str(value)
    return value


def _key_lines(text: str) -> dict[KeyPath, int]:
    """The line of each key and list item, by key path (the text has passed ``parse_yaml``,
    so its size and aliases are within the limits)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[KeyPath, int] = {}

    def walk(node: Any, path: KeyPath) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                lines.setdefault((*path, name), key.start_mark.line + 1)
                walk(value, (*path, name))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines.setdefault((*path, i), item.start_mark.line + 1)
                walk(item, (*path, i))

    walk(root, ())
    return lines
