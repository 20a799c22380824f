"""write_atomic: the new content or the old, the file's mode kept, no temporary file left; and
the temporary file a killed write leaves is no file of the dataset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import atomic
from bia_hooks.atomic import write_atomic
from bia_hooks.errors import WriteError
from tests.conftest import PROJECT, git, run_cli, write

HEADER = "Files\tAnnotation type\tSource image\n"


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


# --- the temporary file of a killed write (issue 9) -------------------------------------------


def _leftover(folder: Path, name: str, content: str = "Files\tAnno") -> Path:
    """A temporary file as write_atomic names it, left behind."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=atomic.TEMP_SUFFIX, dir=folder)
    os.write(fd, content.encode())
    os.close(fd)
    return Path(tmp)


def test_a_leftover_in_a_plain_folder_is_no_row(tmp_path: Path) -> None:
    write(tmp_path, "a/x.tif")
    (tmp_path / "a/filelist.tsv").write_text(HEADER + "a/x.tif\tother\tS\n")
    tmp = _leftover(tmp_path / "a", "filelist.tsv")
    rel = f"a/{tmp.name}"
    result = run_cli("sync", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "a/filelist.tsv").read_text() == HEADER + "a/x.tif\tother\tS\n"
    assert f"{rel}: warning BIA112" in result.stdout
    assert "interrupted write of a/filelist.tsv" in result.stdout
    assert f"delete it: rm {rel}" in result.stdout and "git" not in result.stdout
    names = run_cli("fix-names", cwd=tmp_path)
    assert tmp.name not in names.stdout and names.returncode == 0


def test_a_staged_leftover_is_no_file_of_the_dataset(repo: Path) -> None:
    write(repo, "a/x.tif")
    (repo / "a/filelist.tsv").write_text(HEADER + "a/x.tif\tother\tS\n")
    tmp = _leftover(repo / "a", "filelist.tsv")
    git(repo, "add", "-A")  # what `git add .` does with it
    rel = f"a/{tmp.name}"
    report = json.loads(run_cli("check", "--format", "json", cwd=repo).stdout)
    about = [(f["code"], f["path"], f["fix"]) for f in report["findings"] if tmp.name in f["path"]]
    assert about == [("BIA112", rel, f"delete it: git rm -f {rel}")]
    names = run_cli("check-names", rel, cwd=repo)  # as the hook passes it: its one finding
    assert names.returncode == 0
    assert [line.split()[:3] for line in names.stdout.splitlines()[:-1]] == [
        [f"{rel}:", "warning", "BIA112"]
    ]
    # A row the old sync added for it goes, and nobody is told to `git add` it.
    with (repo / "a/filelist.tsv").open("a") as f:
        f.write(f"{rel}\t\t\n")
    result = run_cli("sync", cwd=repo)
    assert (repo / "a/filelist.tsv").read_text() == HEADER + "a/x.tif\tother\tS\n"
    assert "on disk but not staged" not in result.stdout, result.stdout


def test_a_sync_killed_mid_write_leaves_a_file_the_next_sync_sets_apart(tmp_path: Path) -> None:
    """SIGKILL while the new list is in its temporary file, before the rename."""
    write(tmp_path, "a/x.tif", "a/y.tif")
    (tmp_path / "a/filelist.tsv").write_text(HEADER + "a/x.tif\tother\tS\n")
    stall = (
        "import os, sys, time\n"
        "def fsync(fd): open(sys.argv[1], 'w').close(); time.sleep(60)\n"
        "os.fsync = fsync\n"
        "from bia_hooks.cli import main\n"
        "sys.exit(main(['sync']))\n"
    )
    mark = tmp_path.parent / "writing"
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    proc = subprocess.Popen([sys.executable, "-c", stall, str(mark)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mark.exists(), "the sync never reached its write"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    [tmp] = [p for p in (tmp_path / "a").iterdir() if p.name.endswith(".tmp")]
    assert atomic.is_leftover(f"a/{tmp.name}")
    assert (tmp_path / "a/filelist.tsv").read_text() == HEADER + "a/x.tif\tother\tS\n"
    result = run_cli("sync", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = (tmp_path / "a/filelist.tsv").read_text().splitlines()[1:]
    assert [r.split("\t")[0] for r in rows] == ["a/x.tif", "a/y.tif"]
    assert f"a/{tmp.name}: warning BIA112" in result.stdout


@settings(max_examples=30, deadline=None)
@given(name=st.text(st.characters(blacklist_characters="/\0", blacklist_categories=["Cs"]),
                    min_size=1, max_size=40).filter(lambda n: n not in (".", "..")))  # fmt: skip
def test_every_temporary_name_is_known_for_what_it_is(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            tmp = _leftover(Path(folder), name)
        except OSError:  # a name too long for the file system
            return
        assert atomic.is_leftover(f"x/{tmp.name}")
        assert atomic.leftover_of(f"x/{tmp.name}") == f"x/{name}"


def test_holds_compares_a_file_with_bytes_a_megabyte_at_a_time(tmp_path: Path) -> None:
    data = os.urandom(3 << 20) + b"tail"  # past three slices of the comparison
    file = tmp_path / "list.tsv"
    file.write_bytes(data)
    assert atomic.holds(file, data)
    for other in (data[:-1], data + b"x", data[:-2] + b"xl", b"x" + data[1:], b""):
        assert not atomic.holds(file, other)
    file.write_bytes(b"")
    assert atomic.holds(file, b"") and not atomic.holds(file, b"x")
    os.mkfifo(tmp_path / "pipe")  # no writer: reading it would wait forever
    assert not atomic.holds(tmp_path / "pipe", b"")
    assert not atomic.holds(tmp_path, b"") and not atomic.holds(tmp_path / "absent", b"")
