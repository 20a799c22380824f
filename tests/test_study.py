"""study.yaml checked against the archive's annotations template (pure: text in, findings out),
and the shipped schema against the template's own fields and marks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import study
from bia_hooks.filelist.vocabulary import ANNOTATION_TYPES
from bia_hooks.findings import Finding, Level
from bia_hooks.resources import load_schema
from bia_hooks.study import StudyContext, check_study, orcid_checksum_ok

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE = json.loads((FIXTURES / "BioImages.MIFA.v1.fields.json").read_text())
TODAY = date(2026, 6, 15)
LISTS = ("masks_filelist.tsv", "points_filelist.tsv")

COMPLETE = """\
version: 1
title: Nuclei segmentation masks and centroids for the HeLa set
description: |
  Instance masks of every nucleus, and one point per nucleus,
  drawn by two experts.
release_date: 2026-09-01
keywords: [segmentation, nuclei]
acknowledgements: The imaging facility.
image_dataset: S-BIAD123
contacts:
  - name: Jane Doe
    email: jane.doe@example.org
    organisation: [EMBL-EBI, University of Somewhere]
    role: corresponding author
    orcid: 0000-0002-1825-0097
  - name: John Roe
    email: john@example.org
    organisation: EMBL-EBI
    role: data analyst
    orcid: 0000-0001-5109-3700
funding:
  - agency: Wellcome Trust
    grant_id: 221349/Z/20/Z
publications:
  - pubmed_id: 12345678
    title: Counting nuclei
    authors: Jane Doe, John Roe
    doi: 10.1038/s41592-021-01234-5
    year: 2025
links:
  - link: https://github.com/lab/nuclei
    description: Image analysis code
annotations:
  - title: Nuclei masks
    file_list: masks_filelist.tsv
    types: [segmentation_mask]
    overview: Instance masks of nuclei
    method: Drawn in napari by two experts, then merged
    criteria: Only nuclei in focus
    coverage: Every image
    confidence: Two annotators agree on 95% of the pixels
  - title: Nuclei centroids
    file_list: points_filelist.tsv
    types: point_annotations
    overview: One point per nucleus
    method: Computed from the masks
    criteria: The centroid of each mask
    coverage: Every image
    confidence: As the masks
"""


def check(
    text: str, accessions: tuple[str, ...] = (), complete: bool = False
) -> tuple[dict[str, Any] | None, list[Finding]]:
    return check_study(text, StudyContext(LISTS, accessions, TODAY), complete=complete)


def errors(text: str, **options: Any) -> list[Finding]:
    return [f for f in check(text, **options)[1] if f.level == Level.ERROR]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_complete_study_has_no_finding() -> None:
    data, findings = check(COMPLETE, accessions=("S-BIAD123",))
    assert findings == []
    assert data is not None
    assert data["release_date"] == "2026-09-01"  # a YAML date, as the form writes it
    assert data["publications"][0]["year"] == "2025"  # a YAML number, as text
    assert data["description"].endswith("experts.")  # the block's final line break trimmed


CONTACTS = COMPLETE[COMPLETE.index("contacts:") : COMPLETE.index("funding:")]

# Each kind of mistake: one located error, with its code, the key, and the line (of the text
# given; None: a key missing at the top level).
MISTAKES = [
    ("missing title", ("title: Nuclei segmentation masks and centroids for the HeLa set\n", ""),
     "BIA503", "title", None),
    ("short title", ("segmentation masks and centroids for the HeLa set", "masks"), "BIA504",
     "title", "title:"),
    ("bad ORCID check digit", ("0000-0002-1825-0097", "0000-0002-1825-0098"), "BIA507",
     "contacts[0].orcid", "0000-0002-1825-0098"),
    ("ORCID as an address", ("0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"),
     "BIA507", "contacts[0].orcid", "orcid.org"),
    ("no image-dataset link", ("image_dataset: S-BIAD123\n", ""), "BIA510", "image_dataset", None),
    ("type outside the list", ("types: [segmentation_mask]", "types: [Segmentation masks]"),
     "BIA512", "annotations[0].types[0]", "Segmentation masks"),
    ("types as text outside the list", ("types: point_annotations", "types: points, tracks"),
     "BIA512", "annotations[1].types", "points, tracks"),
    ("section without a file list", ("    file_list: points_filelist.tsv\n", ""), "BIA503",
     "annotations[1].file_list", "title: Nuclei centroids"),
    ("file list not of the dataset", ("file_list: points_filelist.tsv", "file_list: points.tsv"),
     "BIA513", "annotations[1].file_list", "points.tsv"),
    ("misspelt key", ("keywords:", "keywrods:"), "BIA502", "keywrods", "keywrods"),
    ("bad e-mail", ("jane.doe@example.org", "jane.doe at example"), "BIA508",
     "contacts[0].email", "jane.doe at"),
    ("role outside the list", ("role: data analyst", "role: PI"), "BIA509", "contacts[1].role",
     "role: PI"),
    ("release date past", ("2026-09-01", "2026-06-14"), "BIA506", "release_date", "release_date"),
    ("release date too far", ("2026-09-01", "2028-06-16"), "BIA506", "release_date",
     "release_date"),
    ("release date not a day", ("2026-09-01", "'2026-02-30'"), "BIA505", "release_date",
     "release_date"),
    ("keywords as a mapping", ("keywords: [segmentation, nuclei]", "keywords: {a: b}"), "BIA505",
     "keywords", "keywords"),
    ("placeholder left", ("method: Computed from the masks", "method: ..."), "BIA503",
     "annotations[1].method", "method: ..."),
    ("empty contacts", (CONTACTS, "contacts: []\n"), "BIA503", "contacts", "contacts: []"),
    ("two sections, one list", ("file_list: points_filelist.tsv", "file_list: masks_filelist.tsv"),
     "BIA513", "annotations[1].file_list", "masks_filelist.tsv\n    types: point"),
    ("text the TSV page-tab cannot carry", ("drawn by two experts.", 'drawn by "two" experts.'),
     "BIA505", "description", "description"),
]  # fmt: skip


@pytest.mark.parametrize(("mistake", "edit", "code", "key", "near"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])  # fmt: skip
def test_each_mistake_is_one_located_error(
    mistake: str, edit: tuple[str, str], code: str, key: str, near: str | None
) -> None:
    assert edit[0] in COMPLETE
    text = COMPLETE.replace(*edit)
    found = errors(text)
    assert [(f.code, f.column) for f in found] == [(code, key)], found
    assert found[0].line == (None if near is None else line_of(text, near))
    assert found[0].fix


def test_a_yaml_mistake_is_located() -> None:
    (found,) = errors(COMPLETE.replace("[segmentation, nuclei]", "[segmentation, nuclei"))
    assert found.code == "BIA501"
    assert found.line == line_of(COMPLETE, "acknowledgements:")  # where the parser stops
    assert "not valid YAML" in found.message


@pytest.mark.parametrize(("text", "code"), [("- a\n- b\n", "BIA501"), ("just text\n", "BIA501")])
def test_not_a_mapping(text: str, code: str) -> None:
    assert [f.code for f in errors(text)] == [code]


def test_the_template_init_writes_is_a_note_until_filled_in() -> None:
    data, findings = check("# title: ...\n# annotations:\n")
    assert data is None
    assert [(f.code, f.level) for f in findings] == [("BIA511", Level.INFO)]
    # The export needs it filled in: every required field is then missing.
    codes = [f.code for f in errors("# title: ...\n", complete=True)]
    assert codes.count("BIA503") == 6 and codes.count("BIA510") == 1


def test_the_image_dataset_must_be_the_one_the_configuration_names() -> None:
    (found,) = errors(COMPLETE, accessions=("S-BIAD999",))
    assert (found.code, found.column) == ("BIA510", "image_dataset")
    assert "S-BIAD999" in found.message and "S-BIAD999" in (found.fix or "")
    links = ["https://www.ebi.ac.uk/biostudies/BioImages/studies/S-BIAD999", "biostudies:S-BIAD999",
             "[S-BIAD999, https://idr.openmicroscopy.org/x]"]  # fmt: skip
    for link in links:
        text = COMPLETE.replace("image_dataset: S-BIAD123", f"image_dataset: {link}")
        assert errors(text, accessions=("S-BIAD999",)) == [], link


def test_a_file_list_no_section_names_is_a_warning() -> None:
    text = COMPLETE[: COMPLETE.index("  - title: Nuclei centroids")]
    findings = check(text)[1]
    assert [(f.code, f.level, f.line) for f in findings] == [
        ("BIA514", Level.WARNING, line_of(text, "annotations:"))
    ]
    assert "points_filelist.tsv" in findings[0].message


def test_a_misspelt_required_key_is_said_once() -> None:
    (found,) = errors(COMPLETE.replace("title: Nuclei segmentation", "titel: Nuclei segmentation"))
    assert found.code == "BIA502"
    assert found.fix is not None and found.fix.startswith("did you mean 'title'?")


def test_desirable_fields_left_empty_are_notes() -> None:
    text = COMPLETE.replace("    orcid: 0000-0001-5109-3700\n", "")
    text = text.replace("acknowledgements: The imaging facility.\n", "")
    findings = check(text)[1]
    assert [(f.code, f.level, f.column) for f in findings] == [
        ("BIA515", Level.INFO, None),
        ("BIA515", Level.INFO, "contacts[1]"),
    ]
    assert findings[0].message == "not filled in: acknowledgements"


def test_numbers_yaml_reads_where_text_belongs() -> None:
    text = COMPLETE.replace("grant_id: 221349/Z/20/Z", "grant_id: 221349")
    assert errors(text) == []  # a grant number is text to the form
    (found,) = errors(COMPLETE.replace("name: John Roe", "name: 1234"))
    assert (found.code, found.column) == ("BIA505", "contacts[1].name")
    assert found.fix == 'quote it: name: "1234"'


# --- the ORCID check digit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_real_orcids_pass(orcid: str) -> None:
    assert orcid_checksum_ok(orcid)


@settings(max_examples=30, deadline=None)
@given(digits=st.text("0123456789", min_size=15, max_size=15), at=st.integers(0, 14),
       other=st.integers(1, 9))  # fmt: skip
def test_one_digit_typed_wrong_is_caught(digits: str, at: int, other: int) -> None:
    total = 0
    for d in digits:
        total = (total + int(d)) * 2
    check_digit = (12 - total % 11) % 11
    full = digits + ("X" if check_digit == 10 else str(check_digit))
    orcid = "-".join(full[i : i + 4] for i in range(0, 16, 4))
    assert orcid_checksum_ok(orcid)
    wrong = list(full)
    wrong[at] = str((int(wrong[at]) + other) % 10)
    typo = "-".join("".join(wrong)[i : i + 4] for i in range(0, 16, 4))
    assert not orcid_checksum_ok(typo)


# --- the schema and the template ---------------------------------------------------------------


def test_the_schema_is_valid_2020_12_and_passes_check_jsonschema() -> None:
    schema = load_schema(study.SCHEMA_NAME)
    jsonschema.Draft202012Validator.check_schema(schema)
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--check-metaschema",
         str(FIXTURES.parent.parent / "schemas" / study.SCHEMA_NAME)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_fields_are_the_templates_with_its_marks() -> None:
    def marks(fields: tuple[study.Field, ...]) -> dict[str, str]:
        return {f.name: f.display for f in fields}

    assert marks(study.STUDY_FIELDS) == TEMPLATE["Study"]["fields"]
    tables = {t.name: {"display": t.display, "columns": marks(t.fields)}
              for k, t in study.TABLES.items() if k != "annotations"}  # fmt: skip
    assert tables == TEMPLATE["Study"]["tables"]
    annotation = study.TABLES["annotations"]
    assert {"display": annotation.display, "fields": marks(annotation.fields)} == TEMPLATE[
        "Annotation"
    ]


def test_the_schema_requires_what_the_template_requires() -> None:
    schema = load_schema(study.SCHEMA_NAME)
    top = {f.key for f in study.STUDY_FIELDS if f.display == "required"}
    top |= {k for k, t in study.TABLES.items() if t.display == "required"}
    assert set(schema["required"]) == top | {"image_dataset"}  # the help page asks for it
    for key, table in study.TABLES.items():
        item = schema["properties"][key]["items"]["$ref"].rsplit("/", 1)[-1]
        required = {f.key for f in table.fields if f.display == "required"}
        if key == "links":
            required.add("link")  # the archive's backend refuses a link without its address
        assert set(schema["$defs"][item].get("required", [])) == required, key
    assert schema["properties"]["title"]["minLength"] == TEMPLATE["Title minlength"]
    assert schema["$defs"]["contact"]["properties"]["role"]["enum"] == TEMPLATE["Role values"]
    types = schema["$defs"]["annotation"]["properties"]["types"]["items"]["enum"]
    assert types == TEMPLATE["Annotation Type values"] == list(ANNOTATION_TYPES)


def test_the_release_date_window() -> None:
    for day, ok in [(TODAY, True), (TODAY - timedelta(days=1), False),
                    (date(2028, 6, 15), True), (date(2028, 6, 16), False)]:  # fmt: skip
        text = COMPLETE.replace("2026-09-01", day.isoformat())
        assert (errors(text) == []) is ok, day


def test_the_readme_example_is_a_complete_study() -> None:
    readme = (FIXTURES.parent.parent / "README.md").read_text()
    (example,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
                  if "contacts:" in b]  # fmt: skip
    context = StudyContext(["masks_filelist.tsv"], ("S-BIAD123",), TODAY)
    data, findings = check_study(example, context)
    assert data is not None and findings == []
    assert data["contacts"][0]["organisation"] == ["EMBL-EBI", "University of Somewhere"]


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i > 1 else '*a'] * 10)}]\n" for i in range(1, 7)
)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda f: f.write_text(BOMB), "expand it to more values"),
        (lambda f: f.write_text("title: " + "[" * 100 + "]" * 100), "nested too deep"),
        (lambda f: f.write_bytes(b"title: \xff\n"), "not UTF-8"),
        (lambda f: f.symlink_to("/etc/hostname"), "leads outside the dataset"),
        (lambda f: f.mkdir(), "cannot read"),
        (lambda f: f.write_text("title: " + "x" * (1 << 20)), "bia-hooks reads at most 1,048,576"),
    ],
    ids=["alias bomb", "nesting", "not UTF-8", "link out", "a folder", "too large"],
)
def test_a_hostile_study_yaml_is_one_finding(tmp_path: Path, make: Any, said: str) -> None:
    make(tmp_path / "study.yaml")
    text = study.read_study(tmp_path)
    found = [text] if isinstance(text, Finding) else errors(text or "")
    assert [f.code for f in found] == ["BIA501"]
    assert said in found[0].message
