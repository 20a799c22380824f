"""The bia-sync-filelist hook through real pre-commit and real ``git commit``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import commit, git, pre_commit, use_hooks, write


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr  # git prints the hook's output on stderr


HEADER = "Files\tAnnotation type\tSource image\n"
CONFIG = """\
filelists:
  - path: annotations/filelist.tsv
    defaults:
      - match: "annotations/masks/**"
        values: {annotation type: segmentation_mask, source image: S-BIAD999/img.tif}
"""


@pytest.fixture
def dataset(repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> Path:
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    write(repo, "annotations/masks/a.tif", content="a\n")
    (repo / "annotations/filelist.tsv").write_text(
        HEADER + "annotations/masks/a.tif\tsegmentation_mask\tS-BIAD999/img.tif\n"
    )
    write(repo, "README.md", content="about\n")
    use_hooks(repo, hook_repo, "bia-sync-filelist", "bia-validate-filelist")
    git(repo, "add", "-A")
    installed = pre_commit(repo, pre_commit_home, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    first = commit(repo, pre_commit_home, "start")
    assert first.returncode == 0, first.stdout + first.stderr
    return repo


def test_new_file_gets_a_row_and_the_commit_stops_once(
    dataset: Path, pre_commit_home: Path
) -> None:
    write(dataset, "annotations/masks/b.tif", content="b\n")
    write(dataset, "annotations/masks/untracked.tif", content="u\n")  # not staged: not listed
    git(dataset, "add", "annotations/masks/b.tif")
    (dataset / "README.md").write_text("about, edited but not staged\n")

    refused = commit(dataset, pre_commit_home)
    assert refused.returncode == 1
    assert "1 row(s) added, 0 removed, 0 rename(s) carried" in output(refused)
    assert "+ annotations/masks/b.tif" in output(refused)
    assert (dataset / "annotations/filelist.tsv").read_text() == (
        HEADER
        + "annotations/masks/a.tif\tsegmentation_mask\tS-BIAD999/img.tif\n"
        + "annotations/masks/b.tif\tsegmentation_mask\tS-BIAD999/img.tif\n"
    )
    # pre-commit put the unstaged edit back.
    assert (dataset / "README.md").read_text() == "about, edited but not staged\n"

    git(dataset, "add", "annotations/filelist.tsv")
    accepted = commit(dataset, pre_commit_home)
    assert accepted.returncode == 0, output(accepted)
    assert "annotations/masks/untracked.tif" not in git(
        dataset, "show", "HEAD:annotations/filelist.tsv"
    )


def test_rename_carries_the_row(dataset: Path, pre_commit_home: Path) -> None:
    git(dataset, "mv", "annotations/masks/a.tif", "annotations/masks/renamed.tif")
    refused = commit(dataset, pre_commit_home)
    assert refused.returncode == 1
    assert "~ annotations/masks/a.tif -> annotations/masks/renamed.tif" in output(refused)
    git(dataset, "add", "annotations/filelist.tsv")
    assert commit(dataset, pre_commit_home).returncode == 0


def test_unstaged_edit_of_the_filelist_is_never_lost(dataset: Path, pre_commit_home: Path) -> None:
    write(dataset, "annotations/masks/b.tif", content="b\n")
    git(dataset, "add", "annotations/masks/b.tif")
    edited = (dataset / "annotations/filelist.tsv").read_text().replace("img.tif", "img2.tif")
    (dataset / "annotations/filelist.tsv").write_text(edited)  # the user's edit, not staged

    refused = commit(dataset, pre_commit_home)
    assert refused.returncode == 1
    assert (dataset / "annotations/filelist.tsv").read_text() == edited


def test_row_without_mandatory_values_fails_validation(
    dataset: Path, pre_commit_home: Path
) -> None:
    write(dataset, "annotations/points/p.csv", content="x,y\n")
    git(dataset, "add", "-A")
    assert commit(dataset, pre_commit_home).returncode == 1  # the sync adds the row
    git(dataset, "add", "-A")
    refused = commit(dataset, pre_commit_home)
    assert refused.returncode == 1
    assert "annotations/filelist.tsv:3: [Annotation type] error BIA303" in output(refused)


def test_commit_all_syncs_the_index_git_commits(dataset: Path, pre_commit_home: Path) -> None:
    # `git commit -a` stages into a temporary index (GIT_INDEX_FILE): the hook must read that one.
    write(dataset, "annotations/masks/b.tif", content="b\n")
    git(dataset, "add", "annotations/masks/b.tif")
    assert commit(dataset, pre_commit_home).returncode == 1
    git(dataset, "add", "annotations/filelist.tsv")
    assert commit(dataset, pre_commit_home).returncode == 0
    (dataset / "annotations/masks/a.tif").unlink()  # deleted, not staged: -a stages it

    env = dict(os.environ, PRE_COMMIT_HOME=str(pre_commit_home), PRE_COMMIT_COLOR="never")
    env.pop("PYTHONPATH", None)
    refused = subprocess.run(["git", "commit", "-a", "-m", "all"], cwd=dataset,
                             capture_output=True, text=True, env=env)  # fmt: skip
    assert refused.returncode == 1, output(refused)
    assert "- annotations/masks/a.tif" in output(refused)
    assert "annotations/masks/a.tif" not in (dataset / "annotations/filelist.tsv").read_text()
