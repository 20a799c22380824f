"""Whatever is found where bia-hooks keeps what it remembers (.git/bia-hooks) is no error and no
hang: a file nested too deep for JSON, a named pipe that would wait for a writer forever. The
commands say what the undamaged repository makes them say."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, git

from bia_hooks import verified

LIST = b"Files\tAnnotation type\tSource image\nx.tif\tsegmentation_mask\ty.tif\n"
COMMANDS = [["sync"], ["sync", "--full"], ["validate", "--changed", "list.tsv"],
            ["check-names", "x.tif"], ["check"]]  # fmt: skip


def bia(repo: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bia_hooks", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,  # a pipe read forever fails the test, not the suite
        env=dict(os.environ, PYTHONPATH=str(PROJECT)),
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / ".bia-hooks.yaml").write_text("version: 1\nfilelists:\n  - path: list.tsv\n")
    (tmp_path / "list.tsv").write_bytes(LIST)
    (tmp_path / "x.tif").write_text("a")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    for command in COMMANDS:  # everything remembered
        assert bia(tmp_path, *command)[0] == 0
    return tmp_path


KEPT = verified.blob_id(LIST, "sha1")
PLACES = ["staged.json", "sync-state.json", "validated.json", "plain-tree.json",
          "kept/sync.needs", "kept/changes.json", f"kept/{KEPT}", "fileids.json"]  # fmt: skip


@pytest.mark.parametrize("damage", ["deep", "pipe"])
@pytest.mark.parametrize("place", PLACES)
def test_damage_where_state_is_kept_changes_nothing_said(
    repo: Path, place: str, damage: str
) -> None:
    expected = [bia(repo, *command) for command in COMMANDS]
    file = repo / ".git" / "bia-hooks" / place
    file.unlink(missing_ok=True)  # changes.json: none found yet
    if damage == "deep":
        file.write_text("[" * 100_000 + "]" * 100_000)
    else:
        os.mkfifo(file)
    assert [bia(repo, *command) for command in COMMANDS] == expected


def test_a_pipe_where_the_saved_rows_go_is_said_not_waited_on(repo: Path) -> None:
    log = repo / ".git" / "bia-hooks" / "removed-rows.jsonl"
    os.mkfifo(log)
    status, said = bia(repo, "sync")
    assert status == 2
    assert f"cannot read {log}: not a regular file; move it away" in said
    shutil.rmtree(repo / ".git" / "bia-hooks")
    assert bia(repo, "sync")[0] == 0
