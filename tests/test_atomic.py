"""write_atomic: the new content or the old, the file's mode kept, no temporary file left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bia_hooks.atomic import write_atomic
from bia_hooks.errors import WriteError


def test_replaces_the_content_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "list.tsv"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "Files\na.tif\n")
    assert target.read_text() == "Files\na.tif\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["list.tsv"]


def test_a_new_file_gets_the_usual_mode_not_a_private_one(tmp_path: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new" / "report.json", b"{}")
    finally:
        os.umask(old_mask)
    assert (tmp_path / "new" / "report.json").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(WriteError, match="folder: Is a directory; it is a folder"):
        write_atomic(tmp_path / "folder", "x")
    assert os.listdir(tmp_path) == ["folder"]
