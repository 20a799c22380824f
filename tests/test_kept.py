"""A file list's last verified bytes, kept in the git directory (``kept``): the next hook compares
the list with them without asking git, even for a version git never stored, and a kept copy
whose bytes changed is never trusted."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import git
from test_incremental import dataset, sync, watched  # noqa: F401 (a fixture)
from test_validated import HEADER
from test_validated import validate as validate_as_the_hook
from test_validated import watched as watched_memo

from bia_hooks import kept, verified
from bia_hooks.cli import main


def validate(repo: Path, *args: str) -> tuple[int, str]:
    status, out, err = validate_as_the_hook(repo, *args)
    return status, out + err


def kept_files(repo: Path) -> list[Path]:
    folder = repo / ".git" / "bia-hooks" / kept.FOLDER
    return sorted(f for f in folder.iterdir() if verified.is_object_id(f.name))


def rows(n: int) -> str:
    return "".join(
        f"masks/m{i}.tif\tsegmentation_mask\timages/i{i}.tif\tann{i}\n" for i in range(n)
    )


def test_a_list_git_never_stored_is_compared_with_its_kept_bytes(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    listed = repo / "list.tsv"
    listed.write_text(HEADER + rows(5))  # never staged: git has no copy of these bytes
    assert validate(repo) == (0, "1 file list, 5 rows checked: no errors\n")
    [copy] = kept_files(repo)
    assert copy.read_bytes() == listed.read_bytes()
    listed.write_text(listed.read_text().replace("ann2", "Ann Other"))  # a value typed
    with watched_memo() as seen:
        assert validate(repo) == (0, "1 file list, 5 rows checked: no errors\n")
    assert seen == ["carried"]
    assert validate(repo, "--full") == (0, "1 file list, 5 rows checked: no errors\n")
    [copy] = kept_files(repo)  # the version before is no longer needed
    assert copy.read_bytes() == listed.read_bytes()


def test_a_kept_copy_whose_bytes_changed_is_not_used(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    listed = repo / "list.tsv"
    listed.write_text(HEADER + rows(5))
    assert validate(repo)[0] == 0
    [copy] = kept_files(repo)
    bad = "masks/m9.tif\t\timages/i9.tif\tann9\n"  # no annotation type
    copy.write_text(listed.read_text() + bad)  # not the version the memo found clean
    listed.write_text(listed.read_text() + bad)  # trusted, the copy would hide the new row
    with watched_memo() as seen:
        status, out = validate(repo)
    assert seen == ["full"]  # git has no copy either: every row is validated
    assert status == 1 and "list.tsv:7: [Annotation type]" in out
    assert (status, out) == validate(repo, "--full")


def test_the_sync_follows_a_value_typed_in_a_list_it_wrote(dataset: Path) -> None:  # noqa: F811
    repo = dataset
    (repo / "masks").mkdir(exist_ok=True)
    (repo / "masks/new.tif").write_text("a new mask\n")
    git(repo, "add", "masks/new.tif")
    with watched() as taken:
        assert sync(repo)[0] == 1  # the list written, not staged: git has no copy of it
        listed = repo / "masks.tsv"
        text = listed.read_text()
        listed.write_text(text.replace("images/new.tif\t\n", "images/new.tif\tme\n"))
        assert sync(repo)[1:] == ("", "file lists in step: nothing to change\n")
    assert taken == [True, True]
    assert "masks/new.tif\tsegmentation_mask\timages/new.tif\tme\n" in listed.read_text()


def test_a_copy_is_kept_while_an_owner_needs_it(tmp_path: Path) -> None:
    gitdir = tmp_path / ".git"
    a, b = verified.blob_id(b"a", "sha1"), verified.blob_id(b"b", "sha1")
    (tmp_path / "b.tsv").write_bytes(b"b")
    (tmp_path / "changed.tsv").write_bytes(b"not what the owner saw")
    changed = verified.blob_id(b"what the owner saw", "sha1")
    kept.keep(gitdir, "sync", {a: b"a", b: tmp_path / "b.tsv", changed: tmp_path / "changed.tsv"})
    kept.keep(gitdir, "validate", {a: b"a"})
    assert [f.name for f in kept_files(tmp_path)] == sorted([a, b])  # not a file's new bytes
    kept.keep(gitdir, "sync", {b: tmp_path / "b.tsv"})
    assert [f.name for f in kept_files(tmp_path)] == sorted([a, b])  # validate needs a
    kept.keep(gitdir, "validate", {})
    assert [f.name for f in kept_files(tmp_path)] == [b]
    assert kept.read(tmp_path, gitdir, b, "sha1") == b"b"
    assert kept.read(tmp_path, gitdir, a, "sha1") is None  # not kept, and no git here


def test_validate_carries_over_the_rows_the_sync_wrote_without_the_old_copy(
    dataset: Path,  # noqa: F811
) -> None:
    repo = dataset
    here = os.getcwd()
    os.chdir(repo)
    try:
        assert main(["validate", "--changed", "masks.tsv"]) == 0  # clean: remembered
        before = (repo / "masks.tsv").read_bytes()
        (repo / "masks/new.tif").write_text("a new mask\n")
        git(repo, "add", "masks/new.tif")
        assert sync(repo)[0] == 1  # writes the new file's row
        # The version validate found clean is gone from the kept copies (and git never had it
        # staged): the change the sync wrote is what validate carries its verdict over.
        (repo / ".git/bia-hooks/kept" / verified.blob_id(before, "sha1")).unlink()
        git(repo, "gc", "-q", "--prune=now")
        with watched_memo() as seen:
            assert main(["validate", "--changed", "masks.tsv"]) == 0
        assert seen == ["carried"]
    finally:
        os.chdir(here)
