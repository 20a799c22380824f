"""No lost edit: a file list saved by a person while a command rewrites it keeps the person's
edit. The command notices the list is no longer what it read, writes nothing, and says so (exit 2).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from bia_hooks import atomic
from bia_hooks.atomic import ABSENT, FileChanged, read_bytes, write_all, write_atomic
from bia_hooks.cli import main
from bia_hooks.filelist import edit
from tests.conftest import PROJECT, git, write

HEADER = "Files\tAnnotation type\tSource image\n"
EDIT = "EDITED BY HAND"


def _edit(file: Path) -> None:
    """What a person's editor does: write the list back with one value changed."""
    if file.suffix == ".xlsx":
        book = openpyxl.load_workbook(file)
        book.worksheets[0]["C2"] = EDIT
        book.save(file)
    else:
        text = file.read_text()
        file.write_text(text.replace("S-BIAD1/a.tif", EDIT, 1))


def _dataset(repo: Path, fmt: str) -> Path:
    """A list of a.tif, and a new file b.tif the sync will add: the sync has a list to write."""
    write(repo, "a.tif", "b.tif")
    file = repo / f"list.{fmt}"
    if fmt == "tsv":
        file.write_text(HEADER + "a.tif\tsegmentation_mask\tS-BIAD1/a.tif\n")
    elif fmt == "json":
        file.write_text(
            '[{"path": "a.tif", "attributes": [{"name": "Annotation type", "value": '
            '"segmentation_mask"}, {"name": "Source image", "value": "S-BIAD1/a.tif"}]}]\n'
        )
    else:
        book = openpyxl.Workbook()
        sheet = book.worksheets[0]
        sheet.append(HEADER.rstrip("\n").split("\t"))
        sheet.append(["a.tif", "segmentation_mask", "S-BIAD1/a.tif"])
        book.save(file)
    (repo / ".bia-hooks.yaml").write_text(f"filelists:\n  - path: list.{fmt}\n")
    git(repo, "add", "-A")
    return file


def _edit_when(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, file: Path
) -> Callable[[], int]:
    """Wrap ``module.name`` so that the person saves ``file`` right after its first call on a
    file of the dataset (not bia-hooks' own files elsewhere, such as a remembered configuration
    in the user's cache); the number of those calls so far."""
    original = getattr(module, name)
    calls = []

    def wrapped(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        if not _in_dataset(args[0], file):
            return result
        calls.append(1)
        if len(calls) == 1:
            _edit(file)
        return result

    monkeypatch.setattr(module, name, wrapped)
    return lambda: len(calls)


def _in_dataset(path: object, file: Path) -> bool:
    return isinstance(path, Path) and path.resolve().parent == file.resolve().parent


@pytest.mark.parametrize("fmt", ["tsv", "json", "xlsx"])
@pytest.mark.parametrize(
    "moment",
    [
        pytest.param((edit, "read_bytes"), id="after-the-list-was-read"),
        pytest.param((atomic, "_stage"), id="after-the-new-list-was-staged"),
    ],
)
def test_an_edit_saved_while_the_sync_runs_is_kept(
    repo: Path,
    fmt: str,
    moment: tuple[object, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = _dataset(repo, fmt)
    called = _edit_when(monkeypatch, *moment, file)
    status = main(["sync", "--root", str(repo)])
    assert called() == 1
    assert status == 2
    err = capsys.readouterr().err
    assert f"{file} changed while this command ran" in err
    assert "nothing was written" in err
    assert "run the command again" in err
    if fmt == "xlsx":
        assert openpyxl.load_workbook(file).worksheets[0]["C2"].value == EDIT
    else:
        assert EDIT in file.read_text() and "b.tif" not in file.read_text()
    assert sorted(os.listdir(repo)) == sorted([".git", ".bia-hooks.yaml", "a.tif", "b.tif",
                                               file.name])  # fmt: skip
    # Run again: the edit is read, and kept with the sync's change.
    monkeypatch.undo()
    assert main(["sync", "--root", str(repo)]) == 1
    if fmt != "xlsx":
        assert EDIT in file.read_text() and "b.tif" in file.read_text()


def test_no_list_is_written_when_one_of_them_changed(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A row moving from one list to the other must not leave one list and miss the other.
    write(repo, "a/x.tif", "b/y.tif")
    (repo / "a.tsv").write_text(HEADER + "a/x.tif\tsegmentation_mask\tS-BIAD1/a.tif\n")
    (repo / "b.tsv").write_text(HEADER + "b/y.tif\tsegmentation_mask\tS-BIAD1/a.tif\n")
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: a.tsv\n    include: ['a/**']\n"
        "  - path: b.tsv\n    include: ['b/**']\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    git(repo, "mv", "a/x.tif", "b/x.tif")
    before = (repo / "a.tsv").read_bytes()
    _edit_when(monkeypatch, atomic, "_stage", repo / "b.tsv")  # b.tsv is staged second
    assert main(["sync", "--root", str(repo)]) == 2
    assert (repo / "a.tsv").read_bytes() == before
    assert "EDITED" not in (repo / "a.tsv").read_text()


def test_a_list_created_meanwhile_is_not_overwritten(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "a.tif")
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: list.tsv\n")
    git(repo, "add", "-A")
    original = atomic._stage

    def person_creates_it(path: Path, data: bytes | str) -> str:
        if _in_dataset(path, repo / "list.tsv"):
            (repo / "list.tsv").write_text(HEADER + "a.tif\tmine\tS-BIAD1/a.tif\n")
        return original(path, data)

    monkeypatch.setattr(atomic, "_stage", person_creates_it)
    assert main(["sync", "--root", str(repo)]) == 2
    assert "mine" in (repo / "list.tsv").read_text()


def test_restore_keeps_an_edit_saved_meanwhile(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _dataset(repo, "tsv")
    git(repo, "commit", "-qm", "start")
    (repo / "a.tif").unlink()
    git(repo, "add", "-A")
    assert main(["sync", "--root", str(repo)]) == 1  # a.tif's row is removed and saved
    write(repo, "c.tif")
    git(repo, "add", "-A")
    file.write_text(HEADER + "b.tif\t\t\nc.tif\t\tS-BIAD1/a.tif\n")  # the value _edit changes
    _edit_when(monkeypatch, atomic, "_stage", file)
    monkeypatch.chdir(repo)
    assert main(["restore", "a.tif", "c.tif"]) == 2
    assert EDIT in file.read_text()
    assert "changed while this command ran" in capsys.readouterr().err


def test_write_all_compares_the_bytes_not_only_the_stat(tmp_path: Path) -> None:
    file = tmp_path / "list.tsv"
    file.write_text("Files\na.tif\n")
    data, fingerprint = read_bytes(file)
    stat = file.stat()
    file.write_text("Files\nb.tif\n")  # same size; the same mtime, as within one clock tick
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(FileChanged):
        write_atomic(file, "Files\nc.tif\n", fingerprint)
    assert file.read_text() == "Files\nb.tif\n"
    assert os.listdir(tmp_path) == ["list.tsv"]
    os.utime(file)  # touched, content as read: nothing is lost by writing
    file.write_bytes(data)
    write_atomic(file, "Files\nc.tif\n", fingerprint)
    assert file.read_text() == "Files\nc.tif\n"


def test_write_all_replaces_none_when_one_changed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text("a\n")
    second.write_text("b\n")
    expect_first, expect_second = read_bytes(first)[1], read_bytes(second)[1]
    second.write_text("b, edited\n")
    with pytest.raises(FileChanged, match=r"b\.tsv"):
        write_all([(first, "A\n", expect_first), (second, "B\n", expect_second)])
    assert first.read_text() == "a\n" and second.read_text() == "b, edited\n"
    assert (tmp_path / "new.tsv").exists() is False
    with pytest.raises(FileChanged):  # absent when read, present now
        second.write_text("x")
        write_atomic(second, "y", ABSENT)
    assert sorted(os.listdir(tmp_path)) == ["a.tsv", "b.tsv"]


# --- the real thing: a person saves a 200,000-row list while a sync runs in another process ---

ROWS = 200_000


def _big_repo(repo: Path) -> bytes:
    """ROWS files in the git index (none on disk: the index is what counts), a list of them, and
    one new file: the sync reads the whole list, and must write it."""
    paths = [f"data/d{i // 1000:04d}/f{i:07d}.tif" for i in range(ROWS)]
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=b"x",
                          capture_output=True, check=True).stdout.strip().decode()  # fmt: skip
    entries = "".join(f"100644 {blob} 0\t{p}\0" for p in [*paths, "data/new.tif"])
    subprocess.run(["git", "update-index", "-z", "--index-info"], cwd=repo,
                   input=entries.encode(), check=True)  # fmt: skip
    text = HEADER + "".join(f"{p}\tsegmentation_mask\tS-BIAD1/{i}.tif\n" for i, p in
                            enumerate(paths))  # fmt: skip
    (repo / "list.tsv").write_text(text)
    git(repo, "add", "list.tsv")
    return text.encode()


def test_an_edit_saved_at_any_moment_of_a_big_sync_survives(repo: Path) -> None:
    original = _big_repo(repo)
    file = repo / "list.tsv"
    edited = original.replace(b"\tS-BIAD1/5.tif\n", b"\tEDITED BY HAND\n", 1)
    env = dict(os.environ, PYTHONPATH=str(PROJECT))

    def sync_with_edit_after(delay: float | None) -> tuple[int, str, float]:
        file.write_bytes(original)
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bia_hooks", "sync"], cwd=repo,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        if delay is not None:
            time.sleep(delay)
            file.write_bytes(edited)  # in place, as many editors save
        _, err = process.communicate()
        return process.returncode, err, time.perf_counter() - start

    status, err, took = sync_with_edit_after(None)
    assert status == 1 and b"data/new.tif" in file.read_bytes(), err
    outcomes = []
    for k in range(1, 9):  # the edit lands at 1/8 ... 8/8 of the time a sync takes
        status, err, _ = sync_with_edit_after(took * k / 8)
        final = file.read_bytes()
        assert b"EDITED BY HAND" in final, (k, status, err)
        if status == 2:  # nothing written; read half-saved (truncated, not yet written), or after
            assert final == edited
            assert "changed while this command ran" in err or "the file list is empty" in err
        else:
            assert status == 1, err
        outcomes.append(status)
    assert not any(name.endswith(".tmp") for name in os.listdir(repo))


def test_export_in_place_keeps_an_edit_saved_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "list.tsv"
    file.write_text("\ufeff" + HEADER + "a.tif\tsegmentation_mask\tS-BIAD1/a.tif\n")  # a BOM
    _edit_when(monkeypatch, atomic, "_stage", file)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "list.tsv", "--format", "tsv", "--output", "list.tsv"]) == 2
    assert EDIT in file.read_text()  # what the person saved, not the export
