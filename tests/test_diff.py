"""``bia-hooks diff`` and the version record, on real repositories tagged v1 and v2: renames (git
mv, a rename with a cell edit, an annexed file moved), deletions, cell edits in TSV, XLSX
(openpyxl) and JSON lists, content changes (git blob, git-annex key, DVC md5); what a user sees."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from bia_hooks import listdiff, versions
from bia_hooks.filelist.table import Table
from tests.conftest import git, run_cli, write

HEADER = "Files\tAnnotation type\tSource image\n"


def run(repo: Path, *args: str) -> None:
    done = subprocess.run(args, cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def commit(repo: Path, message: str, date: str, tag: str | None = None) -> None:
    env = dict(os.environ, GIT_COMMITTER_DATE=date, GIT_AUTHOR_DATE=date)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=repo, check=True, env=env)
    if tag:
        git(repo, "tag", tag)


def workbook(file: Path, rows: list[list[str]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(file)


def json_list(file: Path, rows: dict[str, dict[str, str]]) -> None:
    entries = [
        {"path": p, "attributes": [{"name": n, "value": v} for n, v in values.items()]}
        for p, values in rows.items()
    ]
    file.write_text(json.dumps(entries, indent=1))


@pytest.fixture
def tagged(repo: Path) -> Path:
    """v1 and v2 of a dataset with a TSV, an XLSX and a JSON file list."""
    write(repo, "masks/a.tif", content="a\n")
    write(repo, "masks/b.tif", content="b\n")
    write(repo, "masks/c.tif", content="c\n")
    write(repo, "masks/d.tif", content="d\n")
    write(repo, "masks/f.tif", content="f\n")
    (repo / "masks_filelist.tsv").write_text(
        HEADER
        + "masks/a.tif\tsegmentation_mask\timages/a.tif\n"
        + "masks/b.tif\tsegmentation_mask\timages/b.tif\n"
        + "masks/c.tif\tsegmentation_mask\timages/c.tif\n"
        + "masks/d.tif\tsegmentation_mask\timages/d.tif\n"
        + "masks/f.tif\tsegmentation_mask\timages/f.tif\n"
    )
    write(repo, "points/p1.csv", content="1,2\n")
    write(repo, "points/p2.csv", content="3,4\n")
    head = ["Files", "Annotation type", "Source image"]
    workbook(
        repo / "points_filelist.xlsx",
        [
            head,
            ["points/p1.csv", "point_annotations", "images/a.tif"],
            ["points/p2.csv", "point_annotations", "images/b.tif"],
        ],
    )
    write(repo, "boxes/x.json", content="{}\n")
    json_list(
        repo / "boxes_filelist.json",
        {"boxes/x.json": {"Annotation type": "bounding_boxes", "Source image": "images/a.tif"}},
    )
    commit(repo, "v1", "2026-03-01T10:00:00+01:00", tag="v1")

    git(repo, "mv", "masks/a.tif", "masks/a2.tif")  # renamed
    git(repo, "mv", "masks/f.tif", "masks/f2.tif")  # renamed, and its row edited
    git(repo, "rm", "-q", "masks/d.tif")  # deleted
    (repo / "masks/c.tif").write_text("c, drawn again\n")  # new content
    (repo / "masks_filelist.tsv").write_text(
        HEADER
        + "masks/a2.tif\tsegmentation_mask\timages/a.tif\n"
        + "masks/b.tif\tclass_labels\timages/b.tif\n"
        + "masks/c.tif\tsegmentation_mask\timages/c.tif\n"
        + "masks/f2.tif\tsegmentation_mask\timages/f2.tif\n"
    )
    write(repo, "points/p3.csv", content="5,6\n")
    workbook(
        repo / "points_filelist.xlsx",
        [
            head,
            ["points/p1.csv", "point_annotations", "images/a.tif"],
            ["points/p2.csv", "point_annotations", "images/c.tif"],
            ["points/p3.csv", "point_annotations", "images/d.tif"],
        ],
    )
    json_list(
        repo / "boxes_filelist.json",
        {"boxes/x.json": {"Annotation type": "bounding_boxes", "Source image": "images/x.tif"}},
    )
    commit(repo, "v2", "2026-04-02T09:30:00+02:00", tag="v2")
    return repo


EXPECTED_TEXT = """\
Changes from v1 to v2:
boxes_filelist.json: 1 row changed
  changed  boxes/x.json: [Source image] 'images/a.tif' -> 'images/x.tif'
masks_filelist.tsv: 1 row removed, 2 renamed, 1 changed
  removed  masks/d.tif
  renamed  masks/a.tif -> masks/a2.tif
  renamed  masks/f.tif -> masks/f2.tif: [Source image] 'images/f.tif' -> 'images/f2.tif'
  changed  masks/b.tif: [Annotation type] 'segmentation_mask' -> 'class_labels'
points_filelist.xlsx: 1 row added, 1 changed
  added    points/p3.csv
  changed  points/p2.csv: [Source image] 'images/b.tif' -> 'images/c.tif'
Annotation files whose content changed: 1
"""


def test_diff_between_two_tags_as_text(tagged: Path) -> None:
    result = run_cli("diff", "v1", "v2", cwd=tagged)
    assert result.returncode == 0, result.stderr
    blob = git(tagged, "rev-parse", "v1:masks/c.tif").strip()
    new_blob = git(tagged, "rev-parse", "v2:masks/c.tif").strip()
    assert result.stdout == (
        EXPECTED_TEXT + f"  masks/c.tif: git blob {blob} -> git blob {new_blob}\n"
    )
    assert result.stderr == ""


def test_diff_reads_git_not_the_working_tree(tagged: Path) -> None:
    """REV2 defaults to the staged files; what is only on disk is not part of any version."""
    (tagged / "masks_filelist.tsv").write_text(HEADER + "masks/zzz.tif\tx\ty\n")
    (tagged / "points_filelist.xlsx").unlink()
    result = run_cli("diff", "v1", cwd=tagged)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Changes from v1 to the staged files (git index):\n")
    assert result.stdout.splitlines()[1:-1] == EXPECTED_TEXT.splitlines()[1:]
    assert "zzz" not in result.stdout
    git(tagged, "add", "masks_filelist.tsv")
    staged = run_cli("diff", "v2", cwd=tagged)
    assert "masks_filelist.tsv: 1 row added, 4 removed" in staged.stdout
    assert "  added    masks/zzz.tif" in staged.stdout


def test_diff_as_json(tagged: Path) -> None:
    result = run_cli("diff", "v1", "v2", "--format", "json", cwd=tagged)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["from"] == {"revision": "v1", "commit": git(tagged, "rev-parse", "v1").strip()}
    assert report["to"] == {"revision": "v2", "commit": git(tagged, "rev-parse", "v2").strip()}
    assert report["summary"] == {
        "filelists": 3,
        "rows_added": 1,
        "rows_removed": 1,
        "rows_renamed": 2,
        "rows_changed": 3,
        "files_changed": 1,
    }
    tsv = next(d for d in report["filelists"] if d["path"] == "masks_filelist.tsv")
    assert tsv["status"] == "changed"
    assert tsv["rows"]["removed"] == [
        {
            "path": "masks/d.tif",
            "values": {"Annotation type": "segmentation_mask", "Source image": "images/d.tif"},
        }
    ]
    assert tsv["rows"]["renamed"] == [
        {"path": "masks/a2.tif", "old_path": "masks/a.tif", "cells": []},
        {
            "path": "masks/f2.tif",
            "old_path": "masks/f.tif",
            "cells": [{"column": "Source image", "old": "images/f.tif", "new": "images/f2.tif"}],
        },
    ]
    (change,) = report["files"]
    assert change["path"] == "masks/c.tif"
    assert change["old"]["kind"] == change["new"]["kind"] == "git blob"


def test_diff_as_markdown_is_short(tagged: Path) -> None:
    result = run_cli("diff", "v1", "v2", "--format", "markdown", "--most", "3", cwd=tagged)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Changes from v1 to v2:\n"
        "\n"
        "- `boxes_filelist.json`: 1 row changed\n"
        "  - changed `boxes/x.json`: Source image `images/a.tif` → `images/x.tif`\n"
        "- `masks_filelist.tsv`: 1 row removed, 2 renamed, 1 changed\n"
        "  - removed `masks/d.tif`\n"
        "  - renamed `masks/a.tif` to `masks/a2.tif`\n"
        "  - and 2 more\n"
        "- `points_filelist.xlsx`: 1 row added, 1 changed\n"
        "  - and 2 more\n"
        "- 1 annotation file with new content\n"
    )


def test_a_renamed_file_list_is_followed(tagged: Path) -> None:
    git(tagged, "mv", "masks_filelist.tsv", "segmentation.tsv")
    commit(tagged, "renamed list", "2026-05-01T00:00:00Z")
    result = run_cli("diff", "v2", "HEAD", cwd=tagged)
    assert result.stdout == (
        "Changes from v2 to HEAD:\nsegmentation.tsv (renamed from masks_filelist.tsv): "
        "no row changed\n"
    )


def test_no_change(tagged: Path) -> None:
    result = run_cli("diff", "v2", cwd=tagged)
    assert (result.returncode, result.stdout) == (
        0,
        "No change to the file lists or the annotation files from v2 to the staged files "
        "(git index).\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "'nope' names no commit of this repository: give a tag, a branch or a commit"),
        (["v1", "v9"], "'v9' names no commit of this repository"),
        (["--", "-x"], "'-x' is not a version"),
        ([], "give one or two versions"),
        (["v1", "v2", "v3"], "give one or two versions"),
    ],
)
def test_a_bad_revision_is_a_usage_error(tagged: Path, args: list[str], message: str) -> None:
    result = run_cli("diff", *args, cwd=tagged)
    assert result.returncode == 2
    assert result.stderr.startswith("bia-hooks diff: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_outside_git_diff_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("diff", "v1", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not in a git repository" in result.stderr


def test_a_list_the_archive_cannot_read_at_one_version(tagged: Path) -> None:
    """Its rows are not compared: an empty side would read as every row removed."""
    (tagged / "masks_filelist.tsv").write_bytes(b"\xef\xbb\xbf" + HEADER.encode())
    git(tagged, "add", "masks_filelist.tsv")
    result = run_cli("diff", "v2", cwd=tagged)
    assert result.returncode == 0
    assert result.stdout == (
        "Changes from v2 to the staged files (git index):\n"
        "masks_filelist.tsv: rows not compared: the archive cannot read it at the staged files "
        "(git index): the file starts with a byte-order mark (U+FEFF), so its first header is not "
        "exactly 'Files' for the archive\n"
    )
    report = json.loads(run_cli("diff", "v2", "--format", "json", cwd=tagged).stdout)
    assert report["filelists"][0]["unreadable"] == {"new": ANY_TEXT}
    assert report["filelists"][0]["rows"]["removed"] == []


class _AnyText:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)


ANY_TEXT = _AnyText()


def test_annotation_json_is_no_file_list(repo: Path) -> None:
    """Without a configuration, lists are found by their content, as the sync finds them: points
    saved as JSON that mention ``path`` are annotation files whose content changed."""
    write(repo, "points/p.json", content='[{"path": "images/a.tif", "x": 1}]\n')
    (repo / "list.tsv").write_text(HEADER + "points/p.json\tpoint_annotations\timages/a.tif\n")
    commit(repo, "v1", "2026-03-01T10:00:00Z", tag="v1")
    write(repo, "points/p.json", content='[{"path": "images/a.tif", "x": 2}]\n')
    commit(repo, "v2", "2026-03-02T10:00:00Z", tag="v2")
    result = run_cli("diff", "v1", "v2", cwd=repo)
    assert result.stdout.splitlines()[:3] == [
        "Changes from v1 to v2:",
        "Annotation files whose content changed: 1",
        "  points/p.json: git blob "
        + git(repo, "rev-parse", "v1:points/p.json").strip()
        + " -> git blob "
        + git(repo, "rev-parse", "v2:points/p.json").strip(),
    ]


def test_a_dataset_in_a_folder_of_the_repository(repo: Path) -> None:
    ds = repo / "ds"
    write(ds, "masks/a.tif", content="a\n")
    (ds / ".bia-hooks.yaml").write_text("filelists:\n  - path: list.tsv\n")
    (ds / "list.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\timages/a.tif\n")
    write(repo, "elsewhere/list.tsv", content=HEADER + "x\ty\tz\n")
    commit(repo, "v1", "2026-03-01T10:00:00Z", tag="v1")
    git(repo, "mv", "ds/masks/a.tif", "ds/masks/b.tif")
    (ds / "list.tsv").write_text(HEADER + "masks/b.tif\tsegmentation_mask\timages/a.tif\n")
    write(repo, "elsewhere/list.tsv", content=HEADER + "x2\ty\tz\n")
    commit(repo, "v2", "2026-03-02T10:00:00Z", tag="v2")
    result = run_cli("diff", "v1", "v2", cwd=ds / "masks")
    assert result.stdout == (
        "Changes from v1 to v2:\nlist.tsv: 1 row renamed\n  renamed  masks/a.tif -> masks/b.tif\n"
    )


# --- git-annex and DVC ------------------------------------------------------------------------


def test_annexed_content_changes_and_moves(repo: Path) -> None:
    run(repo, "git", "annex", "init", "-q", "test")
    (repo / ".gitattributes").write_text("*.tsv annex.largefiles=nothing\n")
    write(repo, "masks/a.tif", content="a\n")
    write(repo, "masks/b.tif", content="b\n")
    run(repo, "git", "annex", "add", "-q", "masks")
    (repo / "list.tsv").write_text(
        HEADER + "masks/a.tif\tsegmentation_mask\timages/a.tif\n"
        "masks/b.tif\tsegmentation_mask\timages/b.tif\n"
    )
    commit(repo, "v1", "2026-03-01T10:00:00Z", tag="v1")
    old_key = os.path.basename(os.readlink(repo / "masks/b.tif"))
    # a moved to another depth: git-annex rewrites the link, git pairs nothing, the key does
    (repo / "masks/plate1").mkdir()
    git(repo, "mv", "masks/a.tif", "masks/plate1/a.tif")
    run(repo, "git", "annex", "fix", "-q", "masks/plate1/a.tif")
    # b drawn again: a new key
    run(repo, "git", "annex", "unlock", "-q", "masks/b.tif")
    (repo / "masks/b.tif").write_text("b, drawn again\n")
    run(repo, "git", "annex", "add", "-q", "masks/b.tif")
    (repo / "list.tsv").write_text(
        HEADER + "masks/plate1/a.tif\tsegmentation_mask\timages/a.tif\n"
        "masks/b.tif\tsegmentation_mask\timages/b.tif\n"
    )
    commit(repo, "v2", "2026-03-02T10:00:00Z", tag="v2")
    result = run_cli("diff", "v1", "v2", "--format", "json", cwd=repo)
    report = json.loads(result.stdout)
    (listed,) = report["filelists"]
    assert listed["rows"]["renamed"] == [
        {"path": "masks/plate1/a.tif", "old_path": "masks/a.tif", "cells": []}
    ]
    (change,) = report["files"]
    assert change["path"] == "masks/b.tif"
    assert change["old"] == {"kind": "annex key", "id": old_key}
    assert change["new"]["kind"] == "annex key"
    assert change["new"]["id"].startswith("SHA256E-s15--")


def test_a_file_list_git_annex_took_is_read_from_the_annex(repo: Path) -> None:
    """``git annex add .`` annexes a list too (a symlink in git): its content is read from the
    annex when this clone has it."""
    run(repo, "git", "annex", "init", "-q", "test")
    (repo / "list.tsv").write_text(HEADER + "a.tif\tsegmentation_mask\timages/a.tif\n")
    write(repo, "a.tif", content="a\n")
    run(repo, "git", "annex", "add", "-q", ".")
    commit(repo, "v1", "2026-03-01T10:00:00Z", tag="v1")
    run(repo, "git", "annex", "unlock", "-q", "list.tsv")
    (repo / "list.tsv").write_text(HEADER + "a.tif\tclass_labels\timages/a.tif\n")
    run(repo, "git", "annex", "add", "-q", "list.tsv")
    run(repo, "git", "annex", "lock", "-q", "list.tsv")
    commit(repo, "v2", "2026-03-02T10:00:00Z", tag="v2")
    assert (repo / "list.tsv").is_symlink()
    result = run_cli("diff", "v1", "v2", cwd=repo)
    assert result.stdout == (
        "Changes from v1 to v2:\nlist.tsv: 1 row changed\n"
        "  changed  a.tif: [Annotation type] 'segmentation_mask' -> 'class_labels'\n"
    )


def test_dvc_content_changes(repo: Path) -> None:
    run(repo, "dvc", "init", "-q")
    write(repo, "masks/big.tif", content="big\n")
    write(repo, "labels/l1.tif", content="l1\n")
    write(repo, "labels/l2.tif", content="l2\n")
    run(repo, "dvc", "add", "-q", "masks/big.tif", "labels")
    (repo / "list.tsv").write_text(
        HEADER + "masks/big.tif\tsegmentation_mask\timages/a.tif\nlabels\tclass_labels\timages\n"
    )
    commit(repo, "v1", "2026-03-01T10:00:00Z", tag="v1")
    (repo / "masks/big.tif").write_text("big, drawn again\n")
    (repo / "labels/l2.tif").write_text("l2, again\n")
    run(repo, "dvc", "add", "-q", "masks/big.tif", "labels")
    commit(repo, "v2", "2026-03-02T10:00:00Z", tag="v2")
    result = run_cli("diff", "v1", "v2", cwd=repo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Changes from v1 to v2:", "Annotation files whose content changed: 2"]
    # the folder's manifests are in the local cache: the file inside it that changed is named
    assert lines[2].startswith("  labels/l2.tif: dvc md5 ")
    assert lines[3].startswith("  masks/big.tif: dvc md5 ")


# --- the version record -----------------------------------------------------------------------


def test_the_record_at_a_tag_names_the_previous_one(tagged: Path) -> None:
    record = versions.version_record(tagged, "v2")
    assert record["version"] == "v2"
    assert record["status"] == "released"
    assert record["previous_version"] == "v1"
    assert record["timestamp"] == "2026-04-02T07:30:00Z"  # the commit's date, in UTC
    assert record["commit"] == git(tagged, "rev-parse", "v2").strip()
    assert record["changes_summary"] == {
        "filelists": 3,
        "rows_added": 1,
        "rows_removed": 1,
        "rows_renamed": 2,
        "rows_changed": 3,
        "files_changed": 1,
    }
    changes = str(record["changes"])
    assert changes.startswith("Changes since v1:\n\n- `boxes_filelist.json`: 1 row changed\n")
    assert "  - renamed `masks/f.tif` to `masks/f2.tif` (Source image `images/f.tif` → " in changes


def test_the_first_version_describes_the_whole_dataset(tagged: Path) -> None:
    record = versions.version_record(tagged, "v1")
    assert (record["version"], record["previous_version"]) == ("v1", None)
    assert str(record["changes"]).startswith(
        "First version:\n\n- `boxes_filelist.json` (new file list): 1 row added\n"
    )
    assert record["changes_summary"] == {
        "filelists": 3,
        "rows_added": 8,
        "rows_removed": 0,
        "rows_renamed": 0,
        "rows_changed": 0,
        "files_changed": 0,
    }


def test_an_untagged_commit_is_unreleased(tagged: Path) -> None:
    write(tagged, "masks/g.tif", content="g\n")
    commit(tagged, "more", "2026-05-01T00:00:00Z")
    record = versions.version_record(tagged)
    short = git(tagged, "rev-parse", "--short", "HEAD").strip()
    assert (record["version"], record["status"], record["previous_version"]) == (
        short,
        "unreleased",
        "v2",
    )
    staged = versions.version_record(tagged, None)
    assert (staged["version"], staged["status"], staged["commit"]) == (
        f"{short}+staged",
        "unreleased",
        None,
    )


def test_a_shallow_clone_does_not_pretend_to_be_the_first_version(
    tagged: Path, tmp_path: Path
) -> None:
    """CI checks out one commit by default: the previous tag is not there to compare with."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "v2", tagged.as_uri(), str(clone))
    record = versions.version_record(clone)
    assert (record["version"], record["previous_version"]) == ("v2", None)
    assert record["changes"] == versions.SHALLOW
    assert "fetch-depth: 0" in versions.SHALLOW
    assert record["changes_summary"] is None


def test_a_plain_folder_is_unversioned(tmp_path: Path) -> None:
    write(tmp_path, "masks/a.tif")
    record = versions.version_record(tmp_path)
    assert record["version"] == record["status"] == "unversioned"
    assert record["previous_version"] is record["changes"] is record["commit"] is None
    assert "git" not in json.dumps(record)
    result = run_cli("diff", "--record", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == "unversioned"


def test_the_record_on_the_command_line(tagged: Path) -> None:
    result = run_cli("diff", "--record", "v2", cwd=tagged)
    assert result.returncode == 0, result.stderr
    commit_id = git(tagged, "rev-parse", "v2").strip()
    assert result.stdout.startswith(
        "version: v2 (released)\n"
        "timestamp: 2026-04-02T07:30:00Z\n"
        "previous version: v1\n"
        f"commit: {commit_id}\n"
        "changes:\n"
        "Changes since v1:\n"
    )
    bad = run_cli("diff", "--record", "v9", cwd=tagged)
    assert bad.returncode == 2 and "'v9' names no commit" in bad.stderr


# --- the row diff, pure -----------------------------------------------------------------------


def table(rows: list[list[str]], header: tuple[str, ...] = ("Files", "Type")) -> Table:
    return Table("l.tsv", "tsv", list(header), rows, list(range(2, len(rows) + 2)))


def test_rows_follow_a_renamed_folder_and_duplicates_pair_in_order() -> None:
    old = table([["set1", "x"], ["a", "1"], ["a", "2"]])
    new = table([["set1_v2", "x"], ["a", "1"], ["a", "3"]])
    found = listdiff.diff_tables(old, new, {"set1/m.tif": "set1_v2/m.tif"}, "changed", "l.tsv")
    assert found.renamed == [listdiff.RowChange("set1_v2", (), "set1")]
    assert found.changed == [listdiff.RowChange("a", (listdiff.CellChange("Type", "2", "3"),))]
    assert found.added == found.removed == []


def test_a_new_column_is_named_once_not_as_a_change_of_every_row() -> None:
    old = table([["a", "1"], ["b", "2"]])
    new = table([["a", "1", "t"], ["b", "2", "t"]], ("Files", "Type", "Creation Time"))
    found = listdiff.diff_tables(old, new, {}, "changed", "l.tsv")
    assert (found.columns_added, found.row_count) == (["Creation Time"], 0)
