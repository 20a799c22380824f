"""One list of files for every command: DVC-tracked files and zarr stores are checked, fixed and
reported alike by ``check``, ``check-names`` and ``fix-names``."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git, run_cli, write

from bia_hooks.namecheck import checked_paths

OBJECTS = ("*.zarr", "*.ome.zarr")
EVERYTHING = [".gitignore", "img.zarr", "masks/a.tif", "masks/sub/b.tif", "other/c.tif"]


@pytest.mark.parametrize(
    ("given", "checked"),
    [
        (["img.zarr/0/0", "img.zarr/.zattrs"], ["img.zarr"]),  # the hook's chunks: the store, once
        (["img.zarr"], ["img.zarr"]),  # the store's folder: itself, one entry
        (["img.zarr/0"], ["img.zarr"]),  # a folder inside the store
        (["masks"], ["masks/a.tif", "masks/sub/b.tif"]),
        (["new name.tif", "masks/a.tif"], ["new name.tif", "masks/a.tif"]),
        (["."], EVERYTHING),
    ],
)
def test_checked_paths(tmp_path: Path, given: list[str], checked: list[str]) -> None:
    write(tmp_path, "img.zarr/0/0", "img.zarr/.zattrs", "masks/a.tif", "masks/sub/b.tif")
    assert checked_paths(tmp_path, given, EVERYTHING, OBJECTS) == checked


@pytest.mark.parametrize("command", ["check-names", "check", "fix-names"])
def test_every_command_sees_the_files_dvc_tracks(dvc_repo: Path, command: str) -> None:
    result = run_cli(command, cwd=dvc_repo)
    assert result.returncode == 1, result.stderr
    if command == "fix-names":
        assert "would rename 'data/a#1.tif' -> 'data/a-1.tif'" in result.stdout
        assert "would rename 'b#2.tif' -> 'b-2.tif'" in result.stdout
    else:
        assert "data/a#1.tif: error BIA101" in result.stdout
        assert "b#2.tif: error BIA101" in result.stdout
        assert "data.dvc" not in result.stdout  # its name is fine: only its files are named


def zarr_repo(repo: Path) -> Path:
    write(repo, "im#g.zarr/0/0", "im#g.zarr/0/1", "im#g.zarr/.zattrs", "ok.tif")
    git(repo, "add", "-A")
    return repo


@pytest.mark.parametrize(
    "args",
    [[], ["im#g.zarr/0/0", "im#g.zarr/0/1", "im#g.zarr/.zattrs"]],
    ids=["the whole dataset", "the chunks, as the hook gives them"],
)
def test_a_zarr_store_is_checked_once_as_the_store(repo: Path, args: list[str]) -> None:
    result = run_cli("check-names", *args, cwd=zarr_repo(repo))
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if " error " in line]
    assert errors == [line for line in errors if line.startswith("im#g.zarr: error BIA101")]
    assert len(errors) == 1 and "rename to 'im-g.zarr'" in errors[0]


def test_fix_names_renames_a_zarr_store_as_one(repo: Path) -> None:
    zarr_repo(repo)
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == "renamed 'im#g.zarr' -> 'im-g.zarr'"
    assert sorted(git(repo, "ls-files").split()) == [
        "im-g.zarr/.zattrs", "im-g.zarr/0/0", "im-g.zarr/0/1", "ok.tif"
    ]  # fmt: skip
    assert run_cli("check-names", cwd=repo).returncode == 0


def test_a_staged_dvc_file_brings_the_names_it_tracks(dvc_repo: Path) -> None:
    # What the hook is given when `dvc add data` re-tracked a folder: the .dvc file only.
    result = run_cli("check-names", "data.dvc", cwd=dvc_repo)
    assert result.returncode == 1
    assert "data/a#1.tif: error BIA101" in result.stdout
    assert "data/ok.tif" not in result.stdout
