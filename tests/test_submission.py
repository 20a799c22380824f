"""study.yaml through the CLI (``check``, ``init``) and the submission package ``export
--submission OUT/`` writes: the page-tab against a schema written from the page-tab
specification, against the structure of its examples and the template's required fields, the TSV
page-tab read back as the archive's reader reads it, and the file lists as the archive reads
them."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks.filelist.table import Table
from bia_hooks.pagetab import tsv_cell
from bia_hooks.submission import package_files, version_record
from tests.conftest import git, run_cli, write
from tests.test_study import COMPLETE, FIXTURES, TEMPLATE, line_of

PAGETAB_SCHEMA = json.loads((FIXTURES / "pagetab.schema.json").read_text())
RELEASE = (date.today() + timedelta(days=60)).isoformat()
STUDY = COMPLETE.replace("2026-09-01", RELEASE)
MASKS = "Files\tAnnotation type\tSource image\nmasks/a.tif\tsegmentation_mask\timages/a.tif\n"
POINTS = "Files\tAnnotation type\tSource image\npoints/a.csv\tpoint_annotations\timages/a.tif\n"


@pytest.fixture
def dataset(repo: Path) -> Path:
    """A dataset whose two file lists are in step, with a complete study.yaml, committed."""
    write(repo, "masks/a.tif", "points/a.csv")
    (repo / "masks_filelist.tsv").write_text(MASKS)
    (repo / "points_filelist.tsv").write_text(POINTS)
    (repo / "study.yaml").write_text(STUDY)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dataset")
    return repo


def report(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(*args, "--format", "json", cwd=root)
    assert result.stderr == "" or result.returncode != 2, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_check_passes_a_complete_study_and_it_is_no_file_to_list(dataset: Path) -> None:
    status, found = report(dataset, "check")
    assert (status, found["findings"]) == (0, [])  # study.yaml is not data: no row asked for it


# The mistakes the issue names, through the CLI: one located error each.
MISTAKES = [
    ("title: Nuclei segmentation masks and centroids for the HeLa set\n", "", "BIA503", "title",
     None),
    ("segmentation masks and centroids for the HeLa set", "masks", "BIA504", "title", "title:"),
    ("0000-0002-1825-0097", "0000-0002-1825-0098", "BIA507", "contacts[0].orcid", "-0098"),
    ("image_dataset: S-BIAD123\n", "", "BIA510", "image_dataset", None),
    ("types: [segmentation_mask]", "types: [masks]", "BIA512", "annotations[0].types[0]",
     "types: [masks]"),
    ("    file_list: points_filelist.tsv\n", "", "BIA503", "annotations[1].file_list",
     "title: Nuclei centroids"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "code", "key", "near"), MISTAKES,
                         ids=[m[2] + " " + m[3] for m in MISTAKES])  # fmt: skip
def test_each_mistake_is_one_located_error_through_the_cli(
    dataset: Path, old: str, new: str, code: str, key: str, near: str | None
) -> None:
    text = STUDY.replace(old, new)
    line = None if near is None else line_of(text, near)
    (dataset / "study.yaml").write_text(text)
    status, found = report(dataset, "check")
    assert status == 1
    errors = [f for f in found["findings"] if f["level"] == "error"]
    assert [(f["code"], f["path"], f.get("column"), f.get("line")) for f in errors] == [
        (code, "study.yaml", key, line)
    ]
    text = run_cli("check", cwd=dataset).stdout
    where = f"study.yaml:{line}:" if line else "study.yaml:"
    assert f"{where} [{key}] error {code} " in text


def test_check_says_nothing_of_a_dataset_without_study_yaml(dataset: Path) -> None:
    (dataset / "study.yaml").unlink()
    git(dataset, "rm", "-q", "--cached", "study.yaml")
    status, found = report(dataset, "check")
    assert (status, found["findings"]) == (0, [])


def test_the_configured_image_dataset_and_the_study_agree(dataset: Path) -> None:
    (dataset / "images.tsv").write_text("Files\nimages/a.tif\n")
    (dataset / ".bia-hooks.yaml").write_text(
        "version: 1\nignore: [images.tsv]\nfilelists:\n"
        "  - path: masks_filelist.tsv\n    include: ['masks/**']\n"
        "    image_dataset: {filelist: images.tsv, accession: S-BIAD999}\n"
        "  - path: points_filelist.tsv\n    include: ['points/**']\n"
    )
    status, found = report(dataset, "check")
    assert status == 1
    assert [(f["code"], f.get("column")) for f in found["findings"]] == [
        ("BIA510", "image_dataset")
    ]
    (dataset / "study.yaml").write_text(STUDY.replace("S-BIAD123", "S-BIAD999"))
    assert report(dataset, "check")[0] == 0


# --- export --submission ---------------------------------------------------------------------


def export(root: Path, out: Path, *args: str) -> Any:
    return run_cli("export", "--submission", str(out), *args, cwd=root)


def test_the_package(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "package"
    result = export(dataset, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote " in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "masks_filelist.json", "masks_filelist.tsv", "pagetab.json", "pagetab.tsv",
        "points_filelist.json", "points_filelist.tsv", "version.json",
    ]  # fmt: skip
    # The file lists as the archive reads them: what export writes for each.
    assert (out / "masks_filelist.tsv").read_text() == MASKS
    entries = json.loads((out / "points_filelist.json").read_text())
    jsonschema.validate(entries, {**PAGETAB_SCHEMA, "$ref": "#/$defs/filelist"})
    assert entries[0]["path"] == "points/a.csv"
    pagetab = json.loads((out / "pagetab.json").read_text())
    jsonschema.validate(pagetab, PAGETAB_SCHEMA)
    assert_spec_structure(pagetab)
    assert_template_fields(pagetab)
    assert read_pagetab_tsv((out / "pagetab.tsv").read_text()) == with_lists(pagetab, ".tsv")
    # Again into the same folder: the same package, replaced.
    assert export(dataset, out).returncode == 0


def attrs(element: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["name"], a["value"]) for a in element.get("attributes", [])]


def assert_spec_structure(pagetab: dict[str, Any]) -> None:
    """As the specification's examples (AllInOneExample, FileListExample) lay a submission out,
    with the names the template's form writes."""
    assert pagetab["type"] == "submission"
    assert attrs(pagetab) == [
        ("Title", "Nuclei segmentation masks and centroids for the HeLa set"),
        ("ReleaseDate", RELEASE), ("Template", "BioImages.MIFA.v1"), ("AttachTo", "BioImages"),
    ]  # fmt: skip
    study = pagetab["section"]
    assert study["type"] == "Study"
    assert [s["type"] for s in study["subsections"]] == [
        "Author", "Author", "Organization", "Organization", "Funding", "Publication",
        "Annotation", "Annotation",
    ]  # fmt: skip
    assert study["links"][0] == {
        "url": "S-BIAD123",
        "attributes": [
            {"name": "Description", "value": "The image dataset these annotations belong to"},
            {"name": "Type", "value": "biostudies"},
        ],
    }
    assert study["links"][1]["url"] == "https://github.com/lab/nuclei"
    jane = study["subsections"][0]
    organisations = {s["accno"]: attrs(s) for s in study["subsections"] if "accno" in s}
    refs = [a["value"] for a in jane["attributes"] if a.get("reference")]
    assert [organisations[r] for r in refs] == [[("Name", "EMBL-EBI")],
                                                [("Name", "University of Somewhere")]]  # fmt: skip
    assert [a["name"] for a in jane["attributes"] if a.get("reference")] == ["affiliation"] * 2
    masks = study["subsections"][6]
    assert masks["accno"] == "Annotation-1"
    assert ("File List", "masks_filelist.json") in attrs(masks)
    assert ("Annotation Type", "segmentation_mask") in attrs(masks)
    assert ("Keywords", "segmentation") in attrs(study) and ("Keywords", "nuclei") in attrs(study)


def assert_template_fields(pagetab: dict[str, Any]) -> None:
    """Every field the template marks required is there, and none it does not know (the
    direct-upload page refuses custom attributes in this template)."""
    study = pagetab["section"]
    names = {n for n, _ in attrs(study)}
    required = {n for n, mark in TEMPLATE["Study"]["fields"].items() if mark == "required"}
    assert required <= names <= set(TEMPLATE["Study"]["fields"])
    for section in study["subsections"]:
        kind = section["type"]
        names = {n for n, _ in attrs(section)}
        if kind == "Annotation":
            fields = TEMPLATE["Annotation"]["fields"]
        elif kind == "Author":  # the Contact table, as the form writes a row of it
            contact = TEMPLATE["Study"]["tables"]["Contact"]["columns"]
            fields = {("affiliation" if n == "Organisation" else n): m for n, m in contact.items()}
        elif kind == "Organization":
            fields = {n: "required" for n in TEMPLATE["hidden sections"]["Organization"][:1]}
        else:
            fields = TEMPLATE["Study"]["tables"][kind]["columns"]
        assert {n for n, m in fields.items() if m == "required"} <= names <= set(fields), kind


def with_lists(pagetab: dict[str, Any], extension: str) -> dict[str, Any]:
    text = json.dumps(pagetab).replace('_filelist.json"', f'_filelist{extension}"')
    result: dict[str, Any] = json.loads(text)
    return result


def read_pagetab_tsv(text: str) -> dict[str, Any]:
    """Page-tab TSV read as the specification says (README: blocks separated by blank lines;
    Submission first, then the root section; a Link goes to the section before it; any other
    block is a section, a subsection of the root without a parent accno; <name> a reference),
    with a CSV reader for the quoted text of several lines."""
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])

    def attributes(lines: list[list[str]]) -> list[dict[str, Any]]:
        out = []
        for name, value in lines:
            if name.startswith("<"):
                out.append({"name": name[1:-1], "value": value, "reference": True})
            else:
                out.append({"name": name, "value": value})
        return out

    head, root, *rest = blocks
    assert head[0] == ["Submission"]
    section: dict[str, Any] = {"attributes": attributes(root[1:]), "links": [], "subsections": []}
    section["type"] = root[0][0]
    for block in rest:
        kind, *ids = block[0]
        if kind == "Link":
            section["links"].append({"url": ids[0], "attributes": attributes(block[1:])})
        else:
            sub = {"attributes": attributes(block[1:]), "type": kind}
            section["subsections"].append({"accno": ids[0], **sub} if ids else sub)
    return {"attributes": attributes(head[1:]), "section": section, "type": "submission"}


def test_an_incomplete_study_writes_no_package(dataset: Path, tmp_path: Path) -> None:
    (dataset / "study.yaml").write_text(STUDY.replace("image_dataset: S-BIAD123\n", ""))
    result = export(dataset, tmp_path / "out")
    assert result.returncode == 1
    assert "BIA510" in result.stdout
    assert "no package written" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_template_not_filled_in_writes_no_package(dataset: Path, tmp_path: Path) -> None:
    (dataset / "study.yaml").write_text("# title: ...\n")
    result = export(dataset, tmp_path / "out", "--report-format", "json")
    assert result.returncode == 1
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "BIA511" not in codes and codes.count("BIA503") == 6
    assert not (tmp_path / "out").exists()


def test_a_list_the_archive_refuses_writes_no_package(dataset: Path, tmp_path: Path) -> None:
    (dataset / "points_filelist.tsv").write_text(POINTS + "\tx\tx\n")
    result = export(dataset, tmp_path / "out")
    assert result.returncode == 1
    assert "BIA219" in result.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["masks_filelist.tsv"], "give it without FILELIST, --output or --format"),
        (["--format", "json"], "give it without FILELIST, --output or --format"),
    ],
)
def test_usage_errors(dataset: Path, tmp_path: Path, args: list[str], said: str) -> None:
    result = export(dataset, tmp_path / "out", *args)
    assert result.returncode == 2
    assert said in result.stderr
    assert run_cli("export", cwd=dataset).stderr.startswith(
        "bia-hooks export: give the file list and where to write it"
    )


def test_no_study_yaml_is_a_usage_error(dataset: Path, tmp_path: Path) -> None:
    (dataset / "study.yaml").unlink()
    result = export(dataset, tmp_path / "out")
    assert result.returncode == 2
    assert "no study.yaml" in result.stderr and "bia-hooks init" in result.stderr


def test_a_folder_holding_other_files_is_refused(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "old/removed_filelist.json")
    result = export(dataset, out)
    assert result.returncode == 2
    assert "old/removed_filelist.json" in result.stderr and "Nothing was written" in result.stderr
    assert sorted(p.name for p in out.rglob("*")) == ["old", "removed_filelist.json"]


def test_the_version_record_goes_with_the_package(tmp_path: Path) -> None:
    """version.json: what package_files writes of the record it is given."""
    from bia_hooks.study import StudyContext, check_study

    study, _ = check_study(STUDY, StudyContext(["masks_filelist.tsv", "points_filelist.tsv"]))
    assert study is not None
    names = ("masks_filelist.tsv", "points_filelist.tsv")
    tables = {p: Table(p, "tsv", ["Files"], [["a.tif"]]) for p in names}
    record = {"version": "v2", "previous_version": "v1", "changes": "masks_filelist.tsv: 1 added"}
    files = package_files(study, tables, record)
    assert json.loads(files["version.json"]) == record
    assert "version.json" not in package_files(study, tables, None)


def test_the_package_of_a_tagged_commit_is_that_version(dataset: Path, tmp_path: Path) -> None:
    git(dataset, "tag", "v1")
    write(dataset, "masks/b.tif")
    (dataset / "masks_filelist.tsv").write_text(
        MASKS + MASKS.splitlines()[1].replace("a.tif", "b.tif") + "\n"
    )
    git(dataset, "add", "-A")
    git(dataset, "commit", "-qm", "a second mask")
    git(dataset, "tag", "v2")
    out = tmp_path / "package"
    assert export(dataset, out).returncode == 0
    record = json.loads((out / "version.json").read_text())
    assert (record["version"], record["status"], record["previous_version"]) == (
        "v2",
        "released",
        "v1",
    )
    assert record["changes_summary"]["rows_added"] == 1
    assert "masks/b.tif" in record["changes"]
    # A change not committed yet: the package is the staged state's, unreleased.
    (dataset / "study.yaml").write_text((dataset / "study.yaml").read_text() + "\n")
    git(dataset, "add", "study.yaml")
    assert export(dataset, out).returncode == 0
    record = json.loads((out / "version.json").read_text())
    assert record["status"] == "unreleased" and record["version"].endswith("+staged")
    # Edited and not staged: what the package holds is no staged state either.
    (dataset / "study.yaml").write_text((dataset / "study.yaml").read_text() + "\n")
    assert export(dataset, out).returncode == 0
    record = json.loads((out / "version.json").read_text())
    assert record["status"] == "unreleased" and record["version"].endswith("+modified")
    assert version_record(dataset)["previous_version"] == "v2"


def test_a_plain_folder_package_is_unversioned(dataset: Path, tmp_path: Path) -> None:
    shutil.rmtree(dataset / ".git")
    out = tmp_path / "package"
    assert export(dataset, out).returncode == 0
    record = json.loads((out / "version.json").read_text())
    assert (record["version"], record["status"]) == ("unversioned", "unversioned")


# --- the TSV page-tab carries the text, or the check says it cannot ---------------------------


def backend_reads(cell: str) -> str:
    """The archive's TSV reader on one value cell (TsvChunkGenerator): each pair of quotes on a
    line escaped, then Commons CSV (tab, '"', surrounding spaces ignored), the escapes undone."""
    escaped = re.sub(r'(")([^\n|\t|"]*)(")', lambda m: f'\\"{m[2]}\\"', cell)
    (row,) = list(csv.reader(io.StringIO("Name\t" + escaped), delimiter="\t", quotechar='"'))
    value = row[1] if escaped.startswith('"') else row[1].strip(" ")
    return value.replace('\\"', '"')


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet='ab "\t\n\\|#', min_size=1, max_size=12).map(str.strip).filter(bool))
def test_tsv_cells_read_back_as_written(value: str) -> None:
    cell = tsv_cell(value)
    if cell is not None:
        assert backend_reads(cell) == value
    if not set(value) & set('"\t\\'):
        assert cell is not None  # plain text, one line or several, always goes


# --- init -------------------------------------------------------------------------------------


def test_init_writes_a_commented_study_yaml_and_never_over_one(repo: Path) -> None:
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 0, result.stderr
    text = (repo / "study.yaml").read_text()
    assert all(line.startswith("#") for line in text.splitlines())
    assert "#   - file_list: masks_filelist.tsv" in text
    assert "#     types: [segmentation_mask]   # required (guessed from the folder's name)" in text
    assert "fill in study.yaml (uncomment its lines)" in result.stdout
    assert "study.yaml" in git(repo, "diff", "--cached", "--name-only").split()
    # Uncommented as it is, every '...' is said, and check names each one.
    (repo / "study.yaml").write_text(re.sub(r"(?m)^# ?", "", text))
    status, found = report(repo, "check")
    placeholders = [f for f in found["findings"] if f["message"].startswith("'...'")]
    assert status == 1 and len(placeholders) >= 10
    (repo / "study.yaml").write_text("title: mine\n")
    run_cli("init", cwd=repo)
    assert (repo / "study.yaml").read_text() == "title: mine\n"


def test_keywords_typed_on_one_line_with_commas_are_several(dataset: Path, tmp_path: Path) -> None:
    study = (dataset / "study.yaml").read_text()
    assert "keywords: [segmentation, nuclei]" in study
    (dataset / "study.yaml").write_text(
        study.replace("keywords: [segmentation, nuclei]", "keywords: segmentation, nuclei")
    )
    out = tmp_path / "package"
    assert export(dataset, out).returncode == 0
    pagetab = json.loads((out / "pagetab.json").read_text())
    keywords = [v for n, v in attrs(pagetab["section"]) if n == "Keywords"]
    assert keywords == ["segmentation", "nuclei"]
