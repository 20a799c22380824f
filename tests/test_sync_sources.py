"""The sync over every kind of dataset: git-annex, DVC, one-object folders, copies, two lists.

Real git-annex and DVC (from PyPI); the file list on disk after ``bia-hooks sync`` ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write

HEADER = "Files\tAnnotation type\tSource image\n"


def run(repo: Path, *args: str) -> None:
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    done = subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


def listed(file: Path) -> list[str]:
    """The rows, their trailing empty cells left out (a new row has a cell for every column)."""
    return [line.rstrip("\t") for line in file.read_text().splitlines()[1:]]


def configure(repo: Path, *lists: str) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n" + "".join(f"  - path: {p}\n" for p in lists)
    )


@pytest.fixture
def annexed(repo: Path) -> Path:
    """Locked, unlocked and dropped annexed masks, listed with their metadata, committed."""
    run(repo, "git", "annex", "init", "-q", "test")
    write(repo, "masks/locked.tif", content="locked\n")
    write(repo, "masks/unlocked.tif", content="unlocked\n")
    write(repo, "masks/dropped.tif", content="dropped\n")
    run(repo, "git", "annex", "add", "-q", "masks")
    run(repo, "git", "annex", "unlock", "-q", "masks/unlocked.tif")
    (repo / "filelist.tsv").write_text(
        HEADER
        + "masks/dropped.tif\tsegmentation_mask\tS-BIAD1/c.tif\n"
        + "masks/locked.tif\tsegmentation_mask\tS-BIAD1/a.tif\n"
        + "masks/unlocked.tif\tsegmentation_mask\tS-BIAD1/b.tif\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "annexed masks")
    run(repo, "git", "annex", "drop", "-q", "--force", "masks/dropped.tif")
    return repo


def test_annexed_files_locked_unlocked_and_dropped_are_in_step(annexed: Path) -> None:
    result = run_cli("sync", "--check", cwd=annexed)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_annexed_file_moved_to_another_depth_keeps_its_row(annexed: Path) -> None:
    # git-annex rewrites the symlink for its new depth: git sees no similar content, the key does.
    (annexed / "masks/by-plate/p1").mkdir(parents=True)
    run(annexed, "git", "annex", "fix", "-q")
    git(annexed, "mv", "masks/locked.tif", "masks/by-plate/p1/locked.tif")
    run(annexed, "git", "annex", "fix", "-q", "masks/by-plate/p1/locked.tif")
    git(annexed, "add", "-A")
    result = run_cli("sync", cwd=annexed)
    assert result.returncode == 1, result.stderr
    assert "~ masks/locked.tif -> masks/by-plate/p1/locked.tif" in result.stdout
    assert "masks/by-plate/p1/locked.tif\tsegmentation_mask\tS-BIAD1/a.tif" in listed(
        annexed / "filelist.tsv"
    )


def test_a_copy_is_a_new_row_and_the_original_keeps_its_own(repo: Path) -> None:
    write(repo, "masks/a.tif", content="a\n")
    (repo / "filelist.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    shutil.copy(repo / "masks/a.tif", repo / "masks/a-copy.tif")
    git(repo, "add", ".")
    assert run_cli("sync", cwd=repo).returncode == 1
    assert listed(repo / "filelist.tsv") == [
        "masks/a-copy.tif",
        "masks/a.tif\tsegmentation_mask\tS-BIAD1/a.tif",
    ]


def test_two_file_lists_share_the_files_out(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n"
        "  - path: masks.tsv\n    include: ['masks/**']\n"
        "    defaults: [{match: '**', values: {annotation type: segmentation_mask}}]\n"
        "  - path: points.json\n    include: ['points/**']\n"
        "    defaults: [{match: '**', values: {annotation type: point_annotations}}]\n"
    )
    write(repo, "masks/a.tif", "points/p.csv", "README.md")
    (repo / "masks.tsv").write_text(HEADER)
    (repo / "points.json").write_text("[]")
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert listed(repo / "masks.tsv") == ["masks/a.tif\tsegmentation_mask"]
    assert '"path": "points/p.csv"' in (repo / "points.json").read_text()
    assert '"value": "point_annotations"' in (repo / "points.json").read_text()
    check = run_cli("sync", "--check", cwd=repo)
    assert check.returncode == 0  # README.md belongs to no list: a warning
    assert "README.md: warning BIA423" in check.stdout


def test_a_zarr_folder_is_one_row(repo: Path) -> None:
    configure(repo, "filelist.tsv")
    write(repo, "img.zarr/.zattrs", "img.zarr/0/0", "img.zarr/0/1", "masks/a.tif")
    (repo / "filelist.tsv").write_text(HEADER)
    git(repo, "add", ".")
    assert run_cli("sync", cwd=repo).returncode == 1
    assert listed(repo / "filelist.tsv") == ["img.zarr", "masks/a.tif"]


@pytest.fixture
def dvc_dataset(repo: Path) -> Path:
    run(repo, "dvc", "init", "-q")
    write(repo, "one.tif", content="one\n")
    write(repo, "masks/x.tif", "masks/sub/y.tif")
    run(repo, "dvc", "add", "-q", "one.tif", "masks")
    configure(repo, "filelist.tsv")
    (repo / "filelist.tsv").write_text(HEADER)
    git(repo, "add", ".")
    return repo


def test_dvc_file_and_folder_with_the_cache(dvc_dataset: Path) -> None:
    assert run_cli("sync", cwd=dvc_dataset).returncode == 1
    assert listed(dvc_dataset / "filelist.tsv") == ["masks/sub/y.tif", "masks/x.tif", "one.tif"]


def test_dvc_folder_without_the_cache_is_one_row_and_a_warning(dvc_dataset: Path) -> None:
    shutil.rmtree(dvc_dataset / ".dvc" / "cache")
    result = run_cli("sync", cwd=dvc_dataset)
    assert result.returncode == 1
    assert listed(dvc_dataset / "filelist.tsv") == ["masks", "one.tif"]
    assert "BIA401" in result.stdout and "dvc fetch" in result.stdout
    # A second run finds the list in step.
    assert run_cli("sync", "--check", cwd=dvc_dataset).returncode == 0


def test_a_file_moved_to_another_lists_folder_takes_its_values_along(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n"
        "  - path: masks.tsv\n    include: ['masks/**']\n"
        "  - path: points.tsv\n    include: ['points/**']\n"
    )
    write(repo, "masks/a.tif", content="a\n")
    write(repo, "points/p.csv", content="p\n")
    (repo / "masks.tsv").write_text(
        "Files\tAnnotation type\tSource image\tannotator\n"
        "masks/a.tif\tpoint_annotations\tS-BIAD1/a.tif\tAB\n"
    )
    (repo / "points.tsv").write_text(HEADER + "points/p.csv\tpoint_annotations\tS-BIAD1/p.tif\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "mv", "masks/a.tif", "points/a.tif")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "+ points/a.tif (its values: its row moved here from masks.tsv)" in result.stdout
    assert "column 'annotator' added" in result.stdout
    assert listed(repo / "masks.tsv") == []
    assert (repo / "points.tsv").read_text().splitlines() == [
        "Files\tAnnotation type\tSource image\tannotator",
        "points/a.tif\tpoint_annotations\tS-BIAD1/a.tif\tAB",
        "points/p.csv\tpoint_annotations\tS-BIAD1/p.tif",
    ]


def test_a_list_the_archive_cannot_read_is_left_alone_and_reported(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n"
        "  - path: masks.tsv\n    include: ['masks/**']\n"
        "  - path: points.tsv\n    include: ['points/**']\n"
    )
    write(repo, "masks/new.tif", "points/p.csv", "points/q.csv")
    (repo / "masks.tsv").write_text(HEADER)
    utf16 = (HEADER + "points/p.csv\n").encode("utf-16")
    (repo / "points.tsv").write_bytes(utf16)
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert "points.tsv:1: error BIA205" in result.stdout
    assert (repo / "points.tsv").read_bytes() == utf16  # never rewritten on a guess
    assert (repo / "masks.tsv").read_text() == HEADER + "masks/new.tif\t\t\n"


def test_a_list_that_cannot_be_edited_stops_the_sync_before_any_write(repo: Path) -> None:
    import openpyxl

    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n"
        "  - path: masks.tsv\n    include: ['masks/**']\n"
        "  - path: points.xlsx\n    include: ['points/**']\n"
    )
    write(repo, "masks/new.tif", "points/p.csv", "points/q.csv")
    (repo / "masks.tsv").write_text(HEADER)
    book = openpyxl.Workbook()
    book.active.append(["Files", "Annotation type", "Source image"])
    book.active.append(["points/p.csv", "point_annotations", '=CONCAT("a","b")'])
    book.save(repo / "points.xlsx")
    before = (repo / "points.xlsx").read_bytes()
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "points.xlsx" in result.stderr and "formula" in result.stderr
    assert (repo / "masks.tsv").read_text() == HEADER  # untouched: all lists, or none
    assert (repo / "points.xlsx").read_bytes() == before
