"""A write the system refuses (full disk, file-size limit, read-only folder, a folder that is a
symbolic link to nothing, an output that is a folder) is one message naming the file, the reason
and what to do, exit status 2, and the old file byte for byte as it was. The faults are real: a
file-size limit (RLIMIT_FSIZE), a full or read-only file system (a tmpfs, when allowed to mount)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, git, run_cli, write

CONFIG = "filelists:\n  - path: lists/list.tsv\n    include: ['masks/**']\n"
HEADER = "Files\tAnnotation type\tSource image\tNote\n"
TOO_LARGE = (
    "File too large; the file would be larger than this system lets a program write "
    "(see ulimit -f); the file is unchanged"
)


def row(path: str, note: str = "") -> str:
    return f"{path}\tsegmentation_mask\tS-BIAD1/{path}\t{note}\n"


def dataset(repo: Path, files: list[str], rows: list[str]) -> Path:
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    write(repo, "lists/list.tsv", content=HEADER + "".join(rows))
    write(repo, *files)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dataset")
    return repo / "lists" / "list.tsv"


def limited(*args: str, cwd: Path, max_bytes: int) -> subprocess.CompletedProcess[str]:
    """``bia-hooks ARGS`` unable to write past ``max_bytes`` in any file: the write fails with
    EFBIG (SIGXFSZ ignored, as a shell's ``ulimit -f`` with a trap does)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, resource.RLIM_INFINITY))

    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.run([sys.executable, "-m", "bia_hooks", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, preexec_fn=limit)  # fmt: skip


def leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_sync_past_the_file_size_limit(repo: Path) -> None:
    target = dataset(repo, [f"masks/{'m' * 60}_{i:02}.tif" for i in range(40)], [])
    before = target.read_bytes()
    done = limited("sync", cwd=repo, max_bytes=2048)
    assert done.returncode == 2
    assert done.stderr == f"bia-hooks sync: cannot write {target}: {TOO_LARGE}\n"
    assert target.read_bytes() == before and leftovers(target.parent) == []


def test_the_removed_rows_log_past_the_file_size_limit(repo: Path) -> None:
    target = dataset(repo, ["masks/a.tif"], [row("masks/a.tif"), row("masks/b.tif", "n" * 300)])
    log = repo / ".git" / "bia-hooks" / "removed-rows.jsonl"
    write(repo, ".git/bia-hooks/removed-rows.jsonl", content='{"x": 1}\n' * 100)
    before, logged = target.read_bytes(), log.read_bytes()
    done = limited("sync", cwd=repo, max_bytes=len(logged) + 100)
    assert done.returncode == 2
    assert done.stderr == (
        f"bia-hooks sync: cannot save the values of the rows the sync removes: cannot write {log}: "
        f"{TOO_LARGE}; no file list was changed\n"
    )
    # Half a line written before the disk refused the rest is cut again: the next line stays whole.
    assert log.read_bytes() == logged and target.read_bytes() == before


def test_export_past_the_file_size_limit(repo: Path) -> None:
    rows = [row(f"masks/{i:03}.tif", "x" * 100) for i in range(30)]
    dataset(repo, [f"masks/{i:03}.tif" for i in range(30)], rows)
    write(repo, "out/list.json", content="old\n")
    done = limited("export", "lists/list.tsv", "-o", "out/list.json", cwd=repo, max_bytes=1024)
    assert done.returncode == 2
    assert done.stderr == f"bia-hooks export: cannot write {repo / 'out/list.json'}: {TOO_LARGE}\n"
    assert (repo / "out/list.json").read_text() == "old\n" and leftovers(repo / "out") == []


def test_restore_past_the_file_size_limit(repo: Path) -> None:
    rows = [row(f"masks/{i:03}.tif", "x" * 100) for i in range(30)]
    target = dataset(repo, [f"masks/{i:03}.tif" for i in range(30)], rows)
    git(repo, "rm", "-q", "masks/000.tif")
    assert run_cli("sync", cwd=repo).returncode == 1  # its row is removed, its values saved
    write(repo, "masks/new.tif", content="another file\n")
    git(repo, "add", "-A")
    assert run_cli("sync", cwd=repo).returncode == 1  # a new, blank row for masks/new.tif
    before = target.read_bytes()
    done = limited("restore", "masks/000.tif", "masks/new.tif", cwd=repo, max_bytes=1024)
    assert done.returncode == 2
    assert done.stderr == f"bia-hooks restore: cannot write {target}: {TOO_LARGE}\n"
    assert target.read_bytes() == before
    assert "masks/000.tif" in run_cli("restore", "--list", cwd=repo).stdout  # still on offer


def test_fix_names_that_cannot_carry_the_rows_says_what_is_done(repo: Path) -> None:
    files = ["masks/a#1.tif", "masks/b.tif"]
    target = dataset(repo, files, [row(f, "x" * 2000) for f in files])
    before = target.read_bytes()
    done = limited("fix-names", "--apply", cwd=repo, max_bytes=3000)
    assert done.returncode == 2
    assert done.stderr.endswith(
        f"bia-hooks fix-names: the files are renamed, but cannot write {target}: {TOO_LARGE}: its "
        "rows still name the old paths. Once it can be written, run 'bia-hooks sync' (the values "
        "of a row it cannot carry over are saved for 'bia-hooks restore')\n"
    )
    assert target.read_bytes() == before and (repo / "masks/a-1.tif").is_file()


def test_an_output_that_is_a_folder(repo: Path) -> None:
    dataset(repo, ["masks/a.tif"], [row("masks/a.tif")])
    write(repo, "out.tsv/keep.txt")
    done = run_cli("export", "lists/list.tsv", "-o", "out.tsv", cwd=repo)
    assert done.returncode == 2
    assert done.stderr == (
        f"bia-hooks export: cannot write {repo / 'out.tsv'}: Is a directory; it is a folder: give "
        "the path of a file; nothing was written\n"
    )
    assert os.listdir(repo / "out.tsv") == ["keep.txt"]


def test_a_folder_that_is_a_symbolic_link_to_nothing(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: out/list.tsv\n")
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    (repo / "out").symlink_to("gone")
    done = run_cli("sync", cwd=repo)
    assert done.returncode == 2
    assert done.stderr == (
        f"bia-hooks sync: cannot write {repo / 'out/list.tsv'}: File exists; its folder "
        f"{repo / 'out'} is a symbolic link to gone, which does not exist; nothing was written\n"
    )
    assert not (repo / "gone").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_read_only_folder(repo: Path) -> None:
    target = dataset(repo, ["masks/a.tif", "masks/b.tif"], [row("masks/a.tif")])
    before = target.read_bytes()
    target.parent.chmod(0o555)
    try:
        done = run_cli("sync", cwd=repo)
    finally:
        target.parent.chmod(0o755)
    assert done.returncode == 2
    assert done.stderr == (
        f"bia-hooks sync: cannot write {target}: Permission denied; you may not write in that "
        "folder: check its permissions; the file is unchanged\n"
    )
    assert target.read_bytes() == before


# --- a full or read-only file system: a small tmpfs over the lists' folder ---------------------


def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "mount", "-t", "tmpfs", "tmpfs", "/mnt"],
                           capture_output=True)  # fmt: skip
    return probe.returncode == 0


def on_small_disk(repo: Path, command: str, read_only: bool = False) -> tuple[int, str, bytes]:
    """Run ``bia-hooks COMMAND`` with ``lists/`` on a full (or read-only) tmpfs, in a mount
    namespace of its own; (status, stderr, the list's bytes after)."""
    saved, out = repo.parent / "saved", repo.parent / "out"
    shutil.copytree(repo / "lists", saved)
    out.mkdir()
    script = f"""
        set -e
        mount -t tmpfs -o size=64k tmpfs lists
        cp -a "$SAVED"/. lists/
        head -c 1M /dev/zero > lists/.filler 2>/dev/null || true
        {"mount -o remount,ro lists" if read_only else ""}
        set +e
        "$PY" -m bia_hooks {command} 2> "$OUT/stderr"
        echo $? > "$OUT/status"
        cp lists/list.tsv "$OUT/list.tsv"
        ls -a lists > "$OUT/ls"
    """
    env = dict(os.environ, PYTHONPATH=str(PROJECT), PY=sys.executable, SAVED=str(saved),
               OUT=str(out))  # fmt: skip
    subprocess.run(["unshare", "-m", "bash", "-c", script], cwd=repo, env=env, check=True)
    assert "tmp" not in (out / "ls").read_text()  # no temporary file left
    return (
        int((out / "status").read_text()),
        (out / "stderr").read_text(),
        (out / "list.tsv").read_bytes(),
    )


@pytest.mark.skipif(not can_mount(), reason="needs root and a mount namespace")
@pytest.mark.parametrize(
    ("read_only", "reason"),
    [
        (False, "No space left on device; free some space on that disk, then run the command "
                "again"),
        (True, "Read-only file system; that file system is mounted read-only: write it "
               "elsewhere, or remount it"),
    ],
)  # fmt: skip
def test_a_full_or_read_only_disk(repo: Path, read_only: bool, reason: str) -> None:
    target = dataset(repo, [f"masks/{i:03}.tif" for i in range(100)], [row("masks/000.tif")])
    status, stderr, after = on_small_disk(repo, "sync", read_only)
    assert status == 2
    assert stderr == f"bia-hooks sync: cannot write {target}: {reason}; the file is unchanged\n"
    assert after == target.read_bytes()


def workbook_list(folder: Path, rows: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Files", "Annotation type", "Source image"])
    for i in range(rows):
        sheet.append([f"masks/{i:05}.tif", "segmentation_mask", f"S-BIAD1/{i:05}.tif"])
    book.save(folder / "list.xlsx")
    return folder / "list.xlsx"


@pytest.mark.parametrize("openpyxls_way", [True, False])
def test_a_workbook_past_the_file_size_limit(repo: Path, openpyxls_way: bool) -> None:
    """openpyxl writes each sheet to a temporary file before the workbook exists: a limit there
    is the same one message, not an internal error or a traceback from its finalizer. A workbook
    edited in its XML (filelist.xlsx_patch) is built in memory: the limit is met writing it."""
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: list.xlsx\n    include: ['masks/**']\n"
    )
    target = workbook_list(repo, 2000)
    if openpyxls_way:  # a link: the sync edits the workbook with openpyxl
        import openpyxl

        book = openpyxl.load_workbook(target)
        book.worksheets[0]["A1"].hyperlink = "https://www.ebi.ac.uk/bioimage-archive/"
        book.save(target)
    write(repo, *(f"masks/{i:05}.tif" for i in range(2001)))
    git(repo, "add", "-A")
    before = target.read_bytes()
    for args in (["sync"], ["export", "list.xlsx", "-o", str(repo.parent / "copy.xlsx")]):
        result = limited(*args, cwd=repo, max_bytes=30_000)
        assert result.returncode == 2, result.stderr
        built = openpyxls_way or args[0] == "export"
        said = "cannot build the workbook" if built else f"cannot write {target}: File too large"
        assert said in result.stderr and "see ulimit -f" in result.stderr
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
        assert target.read_bytes() == before
    assert not (repo.parent / "copy.xlsx").exists()


def test_a_report_into_a_device_or_through_a_link(repo: Path, tmp_path: Path) -> None:
    """An output the user names that is no regular file is written into, never replaced."""
    link, target = tmp_path / "report.json", tmp_path / "elsewhere.json"
    link.symlink_to(target)
    result = run_cli("check", "--report", str(link), cwd=repo)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and '"version": 1' in target.read_text()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    result = run_cli("check", "--report", str(fifo), cwd=repo)
    assert result.returncode == 0, result.stderr
    assert '"version": 1' in reader.communicate(timeout=30)[0]
    assert fifo.exists() and not fifo.is_file()  # still the pipe, not a file put in its place
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        return  # only root makes device nodes
    assert run_cli("check", "--report", str(device), cwd=repo).returncode == 0
    assert device.is_char_device()
