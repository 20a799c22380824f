"""A file list's blob id known by its stat (``fileids``): the hooks of a commit read a list that
stays as it was no more, an edit that keeps the list's size is seen, and a list changed just
before it was read is not vouched for."""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import git

from bia_hooks import fileids, incremental, kept, verified
from bia_hooks.cli import main
from bia_hooks.filelist.linediff import MOST_LINES

HEADER = "Files\tAnnotation type\tSource image\n"
ROWS = [f"masks/m{i}.tif\tsegmentation_mask\timages/m{i}.tif\n" for i in range(20)]
CLEAN = "1 file list, 20 rows checked: no errors\n"
CLEAN21 = CLEAN.replace("20 rows", "21 rows")


def settle() -> None:
    """Let the last change to the files fall further back than a timestamp's grain."""
    time.sleep(fileids._GRAIN_NS / 1e9 + 0.05)


def bia(repo: Path, *args: str) -> tuple[int, str]:
    """A command as a hook runs it, in this process (its reads can be watched)."""
    out = io.StringIO()
    here = os.getcwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = main(list(args))
    finally:
        os.chdir(here)
    return status, out.getvalue()


@contextlib.contextmanager
def reads_of(name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each time a command reads the file ``name`` whole."""
    seen: list[str] = []
    real = fileids.read_if_regular

    def spy(path: Path) -> bytes | None:
        if Path(path).name == name:
            seen.append(str(path))
        return real(path)

    monkeypatch.setattr(fileids, "read_if_regular", spy)
    yield seen


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / ".bia-hooks.yaml").write_text(
        "version: 1\nfilelists:\n  - path: list.tsv\n    include: ['masks/**']\n"
        "    defaults:\n      - match: 'masks/**'\n"
        "        values: {annotation type: segmentation_mask}\n"
        "    source_image:\n      format: 'images/{stem}.tif'\n"
    )
    (tmp_path / "masks").mkdir()
    for i in range(20):
        (tmp_path / "masks" / f"m{i}.tif").write_text("mask")
    (tmp_path / "list.tsv").write_text(HEADER + "".join(ROWS))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    return tmp_path


@pytest.mark.parametrize("full", [False, True])  # the row written by a full sync, or not
def test_the_hooks_read_a_list_that_stayed_as_it_was_no_more(
    repo: Path, monkeypatch: pytest.MonkeyPatch, full: bool
) -> None:
    settle()
    assert bia(repo, "sync") == (0, "file lists in step: nothing to change\n")
    assert bia(repo, "validate", "--changed", "list.tsv") == (0, CLEAN)
    (repo / "masks" / "m20.tif").write_text("mask")  # a commit that adds a file, not the list
    git(repo, "add", "masks/m20.tif")
    with reads_of("list.tsv", monkeypatch) as seen:
        status, said = bia(repo, "sync", *(["--full"] if full else []))
    assert status == 1 and "1 row(s) added" in said
    assert len(seen) == (0 if full else 1)  # the sync read the list to write its new row
    settle()
    git(repo, "add", "list.tsv")
    with reads_of("list.tsv", monkeypatch) as seen:
        said_by = [bia(repo, "sync"), bia(repo, "validate", "--changed", "list.tsv")]
        read_by = [seen.pop() for _ in list(seen)]
        said_by += [bia(repo, "sync"), bia(repo, "validate", "--changed", "list.tsv")]
    assert said_by == [(0, "file lists in step: nothing to change\n"), (0, CLEAN21)] * 2
    # Once, by the sync, as it wrote the list just before (no stat vouched for it yet). Not by
    # validate: the list's stat shows the version the sync found in step, each row a file of its
    # own, and the new row is validated from the line change the sync remembered. Then by
    # neither: their stat says it.
    assert len(read_by) == 1
    assert seen == []
    assert "masks/m20.tif\tsegmentation_mask" in (repo / "list.tsv").read_text()


@pytest.mark.parametrize("added", [1, MOST_LINES + 1])
@pytest.mark.parametrize("full", [False, True])
def test_a_sync_looks_for_the_line_change_only_when_it_may_remember_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch, added: int, full: bool
) -> None:
    """A sync that writes a list remembers the line change from the version the last state
    named, for validate. A change of more rows than a remembered change holds (MOST_LINES) is
    not looked for: a full sync does not read that version (72 MB at 1M rows), the incremental
    one does not compare the two."""
    assert bia(repo, "sync") == (0, "file lists in step: nothing to change\n")  # a state
    before = verified.blob_id((repo / "list.tsv").read_bytes(), "sha1")
    for i in range(added):
        (repo / "masks" / f"new{i}.tif").write_text("mask")
    git(repo, "add", "masks")
    asked: list[str] = []
    read, compare = kept.read, incremental.changed_lines
    monkeypatch.setattr(kept, "read", lambda *a: asked.append("read") or read(*a))
    monkeypatch.setattr(
        incremental, "changed_lines", lambda *a: asked.append("compared") or compare(*a)
    )
    status, said = bia(repo, "sync", *(["--full"] if full else []))
    assert status == 1 and f"{added} row(s) added" in said
    after = verified.blob_id((repo / "list.tsv").read_bytes(), "sha1")
    remembered = kept.remembered_change(repo / ".git", before, after)
    if added <= MOST_LINES:
        assert asked == ["read" if full else "compared"]
        assert remembered is not None and len(remembered.added()) == added
    else:
        assert asked == [] and remembered is None


def test_an_edit_that_keeps_the_size_is_seen(repo: Path) -> None:
    settle()
    assert bia(repo, "validate", "--changed", "list.tsv") == (0, CLEAN)
    gitdir = repo / ".git"
    data = (repo / "list.tsv").read_bytes()
    assert fileids.known(gitdir, repo / "list.tsv", "sha1") == verified.blob_id(data, "sha1")
    edited = data.replace(b"masks/m3.tif", b"masks/m3?tif")  # a character the archive refuses
    assert len(edited) == len(data)
    (repo / "list.tsv").write_bytes(edited)  # in place: the same file, the same size
    assert fileids.known(gitdir, repo / "list.tsv", "sha1") is None
    status, said = bia(repo, "validate", "--changed", "list.tsv")
    assert status == 1 and "masks/m3?tif" in said and "BIA3" in said


def test_a_list_changed_just_before_it_is_read_is_not_vouched_for(tmp_path: Path) -> None:
    gitdir, file = tmp_path / "git", tmp_path / "list.tsv"
    file.write_bytes(b"Files\nx.tif\n")
    found = fileids.read(gitdir, file, "sha1")
    assert found == (b"Files\nx.tif\n", verified.blob_id(b"Files\nx.tif\n", "sha1"))
    assert fileids.known(gitdir, file, "sha1") is None  # a change in the same grain could hide
    settle()
    assert fileids.read(gitdir, file, "sha1") == found
    assert fileids.known(gitdir, file, "sha1") == found[1]
    assert fileids.known(gitdir, file, "sha256") is None  # another object format: not this id
    os.utime(file, ns=(0, 0))  # a time set back by a tool: the change time still moves
    assert fileids.known(gitdir, file, "sha1") is None


def test_a_file_the_sync_wrote_is_vouched_for_once_read_back_past_the_grain(tmp_path: Path) -> None:
    gitdir, file = tmp_path / "git", tmp_path / "list.tsv"
    data = b"Files\nx.tif\n"
    blob = verified.blob_id(data, "sha1")
    file.write_bytes(data)
    fileids.note_written(gitdir, file, data, blob)
    assert fileids.known(gitdir, file, "sha1") is None  # written just now
    settle()
    fileids.note_written(gitdir, file, b"Files\ny.tif\n", blob)  # not what the file holds
    assert fileids.known(gitdir, file, "sha1") is None
    fileids.note_written(gitdir, file, data, blob)
    assert fileids.known(gitdir, file, "sha1") == blob


def test_full_runs_trust_no_note_for_what_a_stat_cannot_show(repo: Path) -> None:
    """An edit written through a shared memory map may leave the stat as it was (git's index
    misses it too): ``--full`` trusts nothing noted, and the hooks see the edit after it."""
    file = repo / "list.tsv"
    with file.open("r+b") as opened, mmap.mmap(opened.fileno(), 0) as mapped:
        at = mapped.find(b"masks/m12.tif")
        mapped[at] = mapped[at]  # the page is written now: the stat moves now, not later
        settle()
        assert bia(repo, "validate", "--changed", "list.tsv") == (0, CLEAN)  # noted
        before = os.stat(file)
        mapped[at + 7 : at + 9] = b"11"  # masks/m11.tif twice, masks/m12.tif gone
    after = os.stat(file)
    if (after.st_mtime_ns, after.st_ctime_ns) != (before.st_mtime_ns, before.st_ctime_ns):
        pytest.skip("this system's stat shows an edit through a memory map")
    assert bia(repo, "validate", "--changed", "list.tsv") == (0, CLEAN)  # the blind spot
    status, said = bia(repo, "validate", "--full", "list.tsv")
    assert status == 1 and "BIA307" in said
    assert bia(repo, "validate", "--changed", "list.tsv") == (status, said)
    assert bia(repo, "sync", "--full")[0] == 1
    assert "masks/m12.tif\tsegmentation_mask" in file.read_text()


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        ((b"masks/m5.tif\tsegmentation_mask", b"masks/m5.tif\tsegmentation_masx"), "BIA304"),
        ((b"masks/m6.tif\tsegmentation_mask\timages/m6.tif\n", b""), "+ masks/m6.tif"),
        ((b"masks/m7.tif\t", b"masks/m7.tif\tsegmentation_mask\timages/m7.tif\nmasks/m7.tif\t"),
         "BIA307"),
    ],
)  # fmt: skip
def test_validate_carries_no_verdict_the_edited_lines_do_not_earn(
    repo: Path, edit: tuple[bytes, bytes], code: str
) -> None:
    """A value typed wrong, a row deleted, a row typed twice: what validate says of the list
    after the hooks of that commit, by the stat and the sync's state, is what ``--full`` says."""
    settle()
    assert bia(repo, "validate", "--changed", "list.tsv") == (0, CLEAN)
    file = repo / "list.tsv"
    file.write_bytes(file.read_bytes().replace(*edit))
    git(repo, "add", "list.tsv")
    settle()
    synced = bia(repo, "sync")
    said = bia(repo, "validate", "--changed", "list.tsv")
    full = bia(repo, "validate", "--full", "list.tsv")
    assert said == full
    assert code in said[1] + synced[1], (synced, said)


def test_a_row_inside_a_listed_folder_is_seen_though_the_sync_is_in_step(tmp_path: Path) -> None:
    """The sync finds a list with a folder row in step, and says nothing when a file inside the
    folder gets a row too; that list does not name each file once, so validate reads it (the
    archive refuses the two rows, BIA308)."""
    git(tmp_path, "init", "-q")
    (tmp_path / ".bia-hooks.yaml").write_text(
        "version: 1\nfilelists:\n  - path: list.tsv\n    include: ['masks/**']\n"
    )
    (tmp_path / "masks").mkdir()
    for i in range(3):
        (tmp_path / "masks" / f"m{i}.tif").write_text("mask")
    (tmp_path / "list.tsv").write_text(HEADER + "masks\tsegmentation_mask\timages/all.tif\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    settle()
    assert bia(tmp_path, "sync")[0] == 0
    assert bia(tmp_path, "validate", "--changed", "list.tsv")[0] == 0
    with (tmp_path / "list.tsv").open("a") as listed:
        listed.write("masks/m1.tif\tsegmentation_mask\timages/m1.tif\n")
    git(tmp_path, "add", "list.tsv")
    settle()
    assert bia(tmp_path, "sync") == (0, "file lists in step: nothing to change\n")
    status, said = bia(tmp_path, "validate", "--changed", "list.tsv")
    assert status == 1 and "BIA308" in said
