"""``bia-hooks validate`` and the ``bia-validate-filelist`` hook, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import commit, git, pre_commit, run_cli, use_hooks

GOOD = "Files\tAnnotation type\tSource image\nmasks/a.tif\tsegmentation_mask\timages/a.tif\n"
FREE_TEXT = "Files\tAnnotation type\tSource image\nmasks/a.tif\tSegmentation masks\timages/a.tif\n"
CONFIG = """\
version: 1
filelists:
  - path: masks.tsv
  - path: points.xlsx
"""


def xlsx(path: Path, *rows: list[object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)


@pytest.fixture
def dataset(repo: Path) -> Path:
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    (repo / "masks.tsv").write_text(GOOD)
    xlsx(
        repo / "points.xlsx",
        ["Files", "Annotation type", "Source image"],
        ["points/a.csv", "point_annotations", "images/a.tif"],
    )
    return repo


def test_configured_lists_pass(dataset: Path) -> None:
    result = run_cli("validate", cwd=dataset)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "2 file lists, 2 rows checked: no errors\n"


def test_findings_locate_the_cell(dataset: Path) -> None:
    xlsx(
        dataset / "points.xlsx",
        ["Files", "Annotation type", "Source image"],
        ["points/a.csv", "points", "images/a.tif"],
        ["points/b.csv", "point_annotations"],
    )
    result = run_cli("validate", cwd=dataset)
    assert result.returncode == 1
    assert (
        "points.xlsx:B2: [Annotation type] error BIA304 'points' is not in the archive's list of "
        "annotation types -> write 'point_annotations'"
    ) in result.stdout
    assert "points.xlsx:C3: [Source image] error BIA303" in result.stdout
    assert "the archive's ingest or curators need this" in result.stdout


def test_json_report(dataset: Path) -> None:
    (dataset / "list.json").write_text(
        json.dumps(
            [
                {
                    "path": "a.tif",
                    "attributes": [
                        {"name": "source_image", "value": "i.tif"},
                        {"name": "annotation type", "value": "bbox"},
                    ],
                },
                {"path": "a b#.tif", "attributes": []},
            ]
        )
    )
    result = run_cli("validate", "list.json", "--format", "json", cwd=dataset)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    found = {(f["code"], f.get("pointer"), f.get("line")) for f in report["findings"]}
    assert ("BIA304", "/0/attributes", None) in found
    assert ("BIA301", "/1/path", None) in found
    assert ("BIA303", "/1/attributes", None) in found
    assert report["filelists"] == [{"path": "list.json", "format": "json", "rows": 2}]
    # The report reads as check's does: summary makes its Markdown of it.
    (dataset / "report.json").write_text(result.stdout)
    summary = run_cli("summary", "report.json", cwd=dataset)
    assert summary.returncode == 0, summary.stderr
    assert "| <code>list.json</code> | json | 2 |" in summary.stdout
    assert {f["kind"] for f in report["findings"] if f["code"] == "BIA301"} == {"server"}


def test_schema_general_keeps_the_servers_verdict(dataset: Path) -> None:
    (dataset / "images.tsv").write_text("Files\tchannel\nimg/a.tif\tDAPI\nimg/a.tif\tGFP\n")
    annotations = run_cli("validate", "images.tsv", cwd=dataset)
    assert annotations.returncode == 1 and "BIA302" in annotations.stdout
    general = run_cli("validate", "images.tsv", "--schema", "general", cwd=dataset)
    assert general.returncode == 0, general.stdout
    assert "warning BIA307" in general.stdout
    refused = run_cli(
        "validate", "images.tsv", "--schema", "general", "--fail-on", "warning", cwd=dataset
    )
    assert refused.returncode == 1


def test_configured_schema_and_extra_schema(dataset: Path) -> None:
    (dataset / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: masks.tsv\n    extra_schema: schema/extra.yaml\n"
        "  - path: images.tsv\n    schema: general\n"
    )
    (dataset / "schema").mkdir()
    (dataset / "schema/extra.yaml").write_text("required: [annotator]\n")
    (dataset / "images.tsv").write_text("Files\nimg/a.tif\n")
    result = run_cli("validate", cwd=dataset)
    assert result.returncode == 1
    assert (
        "masks.tsv:1: [annotator] error BIA309 the extra schema requires a column 'annotator'"
        in result.stdout
    )
    assert "images.tsv" not in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("required: [a\n", "schema/extra.yaml:2:1: not valid YAML"),
        ("type: text\n", "schema/extra.yaml: not a valid JSON schema at type"),
        (None, "extra_schema schema/extra.yaml: no such file in the dataset"),
    ],
)
def test_broken_extra_schema_exits_2(dataset: Path, extra: str | None, message: str) -> None:
    (dataset / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: masks.tsv\n    extra_schema: schema/extra.yaml\n"
    )
    if extra is not None:
        (dataset / "schema").mkdir()
        (dataset / "schema/extra.yaml").write_text(extra)
    result = run_cli("validate", cwd=dataset)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no file list to validate"),
        (["nothere.tsv"], "nothere.tsv: no such file"),
        (["masks.tsv", "--schema", "images"], "invalid choice: 'images'"),
    ],
)
def test_usage_errors(repo: Path, args: list[str], message: str) -> None:
    (repo / "masks.tsv").write_text(GOOD)
    result = run_cli("validate", *args, cwd=repo)
    assert result.returncode == 2
    assert message in result.stderr


def test_changed_picks_the_lists_concerned(dataset: Path) -> None:
    (dataset / "masks.tsv").write_text(FREE_TEXT)
    (dataset / "points.json").write_text('[{"x": 1}]')  # data, not a file list
    unrelated = run_cli("validate", "--changed", "points.json", cwd=dataset)
    assert (unrelated.returncode, unrelated.stdout) == (0, "")
    listed = run_cli("validate", "--changed", "masks.tsv", "points.json", cwd=dataset)
    assert listed.returncode == 1 and "BIA304" in listed.stdout
    config = run_cli("validate", "--changed", ".bia-hooks.yaml", cwd=dataset)
    assert config.returncode == 1 and "BIA304" in config.stdout


def test_changed_without_configured_lists_validates_what_looks_like_one(repo: Path) -> None:
    (repo / "annotations.tsv").write_text(FREE_TEXT)
    (repo / "measurements.tsv").write_text("cell\tarea\n1\t20.5\n")
    result = run_cli("validate", "--changed", "annotations.tsv", "measurements.tsv", cwd=repo)
    assert result.returncode == 1
    assert "annotations.tsv:2:" in result.stdout and "measurements.tsv" not in result.stdout


def test_hook_end_to_end(dataset: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    use_hooks(dataset, hook_repo, "bia-validate-filelist")
    installed = pre_commit(dataset, pre_commit_home, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (dataset / "masks.tsv").write_text(FREE_TEXT)
    (dataset / "points.json").write_text('{"type": "FeatureCollection"}')
    git(dataset, "add", "-A")
    refused = commit(dataset, pre_commit_home)
    output = refused.stdout + refused.stderr  # git shows the hook's output on stderr
    assert refused.returncode == 1, output
    assert "BioImage Archive file lists" in output
    assert "masks.tsv:2: [Annotation type] error BIA304" in output
    assert "write 'segmentation_mask'" in output
    assert "points.json" not in output
    (dataset / "masks.tsv").write_text(GOOD)
    git(dataset, "add", "masks.tsv")
    accepted = commit(dataset, pre_commit_home)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    # A commit that touches no file list, configuration or schema does not run the check.
    (dataset / "notes.txt").write_text("hello\n")
    git(dataset, "add", "notes.txt")
    skipped = commit(dataset, pre_commit_home)
    assert skipped.returncode == 0
    assert "(no files to check)Skipped" in skipped.stdout + skipped.stderr
