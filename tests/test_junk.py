"""Junk and lock files: no files of the dataset (one finding each, never a row nor a rename), and
no file list written while a spreadsheet program has it open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, run_cli, write
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import junk

HEADER = "Files\tAnnotation type\tSource image\n"

CASES = [
    ("masks/.DS_Store", "BIA110"),
    ("Thumbs.db", "BIA110"),
    ("THUMBS.DB", "BIA110"),  # as an old FAT card shows it
    ("x/desktop.ini", "BIA110"),
    ("x/ehthumbs.db", "BIA110"),
    ("x/._cell.tif", "BIA110"),  # macOS's AppleDouble twin of x/cell.tif
    ("~$filelist.xlsx", "BIA115"),  # Excel
    ("docs/~$ficeReport.docx", "BIA115"),  # Word, for a long name
    ("masks/.~lock.filelist.xlsx#", "BIA115"),  # LibreOffice
    ("a/.filelist.tsv.k2x_9abc.tmp", "BIA112"),  # an interrupted write
    ("masks/cell.tif", None),
    ("._", None),
    ("~$", None),
    (".~lock.#", None),
    ("a~b.tif", None),
    ("cell._x.tif", None),
    ("DS_Store", None),
    (".DS_Store/cell.tif", None),  # a folder of that name holds data
    ("x/filelist.xlsx#", None),
    ("a/filelist.tsv.k2x_9abc.tmp", None),
]


@pytest.mark.parametrize(("path", "code"), CASES, ids=[repr(c[0]) for c in CASES])
def test_what_is_set_apart(path: str, code: str | None) -> None:
    assert junk.is_set_apart(path) == (code is not None)
    if code is not None:
        assert junk.finding(path).code == code
        assert junk.may_hold_set_apart(path + "\0")


NAMES = st.sampled_from(
    ["a", "cell.tif", ".DS_Store", "thumbs.DB", "EHthumbs.db", "Desktop.INI", "._x", "~$b.xlsx",
     ".~lock.c#", "~",
     "._", ".x.tsv.abcdefgh.tmp", "e.tmp", "f#"]
)  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(NAMES, min_size=1, max_size=3).map("/".join), max_size=6))
def test_the_quick_test_misses_nothing(paths: list[str]) -> None:
    """``may_hold_set_apart`` is how a million clean paths skip the per-path test: it may say yes
    for nothing, never no for something."""
    if any(map(junk.is_set_apart, paths)):
        assert junk.may_hold_set_apart("".join(p + "\0" for p in paths))


def _junk_and_locks(root: Path) -> None:
    write(root, "masks/a.tif", "masks/.DS_Store", "masks/._a.tif", "Thumbs.db", "masks/n.xlsx")
    write(root, "masks/~$n.xlsx", content="\x04user" + " " * 50)  # Excel's owner file
    write(root, "masks/.~lock.n.xlsx#", content="User,user,host,01.12.2026 10:00,;")
    (root / "masks/filelist.tsv").write_text(HEADER)


JUNK = {"masks/.DS_Store", "masks/._a.tif", "Thumbs.db"}
LOCKS = {"masks/~$n.xlsx", "masks/.~lock.n.xlsx#"}
ROWS = HEADER + "masks/a.tif\t\t\nmasks/n.xlsx\t\t\n"  # the data, none of the rest


def test_in_git_each_staged_junk_file_is_one_finding_and_no_row(repo: Path) -> None:
    _junk_and_locks(repo)
    git(repo, "add", "-A")
    report = json.loads(run_cli("check", "--format", "json", cwd=repo).stdout)
    about = {f["path"]: f for f in report["findings"] if f["path"] in JUNK | LOCKS}
    assert sorted((p, f["code"]) for p, f in about.items()) == sorted(
        [(p, "BIA110") for p in JUNK] + [(p, "BIA115") for p in LOCKS]
    )
    assert sum(f["path"] in JUNK | LOCKS for f in report["findings"]) == 5  # no BIA101, BIA420
    assert about["masks/.DS_Store"]["fix"] == (
        "remove it from git (git rm --cached masks/.DS_Store) and keep such files out of git "
        "with the .gitignore line '.DS_Store' (bia-hooks init writes it)"
    )
    excel = about["masks/~$n.xlsx"]
    assert excel["message"].startswith("masks/n.xlsx is open in Excel (this is its lock file")
    assert excel["fix"].startswith("close masks/n.xlsx in Excel, and the lock file goes with it")
    assert "git rm --cached 'masks/~$n.xlsx'" in excel["fix"] and "'~$*'" in excel["fix"]
    assert "masks/n.xlsx is open in LibreOffice" in about["masks/.~lock.n.xlsx#"]["message"]

    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert (repo / "masks/filelist.tsv").read_text() == ROWS
    plan = run_cli("fix-names", cwd=repo)
    assert "-Sn.xlsx" not in plan.stdout and "lock" not in plan.stdout, plan.stdout


def test_the_names_hook_reports_staged_junk_once(repo: Path) -> None:
    _junk_and_locks(repo)
    git(repo, "add", "-A")
    staged = ["masks/a.tif", "masks/.DS_Store", "masks/~$n.xlsx"]
    result = run_cli("check-names", *staged, cwd=repo)
    assert result.returncode == 0, result.stdout  # warnings
    lines = result.stdout.splitlines()
    assert [line.split()[:3] for line in lines[:-1]] == [
        ["masks/.DS_Store:", "warning", "BIA110"],
        ["masks/~$n.xlsx:", "warning", "BIA115"],
    ]
    assert lines[-1] == "0 error(s), 2 warning(s)"


def test_a_junk_name_not_yet_made_is_said_to_be_junk(repo: Path) -> None:
    result = run_cli("check-names", "x/Thumbs.db", cwd=repo)
    assert result.stdout.splitlines()[0] == (
        "x/Thumbs.db: warning BIA110 'Thumbs.db' is a file the operating system made, not data: "
        "it is not listed -> delete it, or keep such files out of git with the .gitignore line "
        "'Thumbs.db' (bia-hooks init writes it)"
    )


def test_in_a_plain_folder_junk_is_to_delete_and_no_git_words(tmp_path: Path) -> None:
    _junk_and_locks(tmp_path)
    write(tmp_path, "docs/OfficeReport.docx", "docs/~$ficeReport.docx")
    result = run_cli("sync", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / "masks/filelist.tsv").read_text() == ROWS
    out = {line.split(":")[0]: line for line in result.stdout.splitlines()}
    assert out["masks/.DS_Store"].endswith("-> delete it (masks/.DS_Store) before the upload")
    word = out["docs/~$ficeReport.docx"]
    assert "docs/OfficeReport.docx is open in Microsoft Office" in word
    junk_lines = [out[p] for p in [*JUNK, *LOCKS, "docs/~$ficeReport.docx"]]
    assert not [line for line in junk_lines if "git" in line]


def test_a_row_the_old_sync_gave_a_junk_file_goes(repo: Path) -> None:
    write(repo, "masks/a.tif", "masks/.DS_Store")
    (repo / "masks/filelist.tsv").write_text(
        HEADER + "masks/.DS_Store\t\t\nmasks/a.tif\tother\tS\n"
    )
    git(repo, "add", "masks/a.tif", "masks/filelist.tsv")  # .DS_Store on disk, not staged
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert (repo / "masks/filelist.tsv").read_text() == HEADER + "masks/a.tif\tother\tS\n"
    assert "git add" not in result.stdout.replace("stage them (git add)", "")


# --- nothing is written while a spreadsheet program has the file list open ----------------------


def excel_owner_file(folder: Path, document: str, user: str = "Ada") -> Path:
    """What Excel writes next to a workbook it opens: ``~$`` + its name, holding the user's name
    (a length byte, the name, padding: 165 bytes). Only the name matters here."""
    lock = folder / f"~${document}"
    body = bytes([len(user)]) + user.encode() + b" " * (53 - len(user))
    lock.write_bytes((body + b"\0" * 165)[:165])
    return lock


def libreoffice_lock(folder: Path, document: str) -> Path:
    """What LibreOffice writes next to a document it opens: ``.~lock.NAME#``, one CSV line."""
    lock = folder / f".~lock.{document}#"
    lock.write_text("Ada Lovelace,ada,lab-pc,01.12.2026 10:00,file:///home/ada/.config/lo/4;")
    return lock


def _workbook(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Files", "Annotation type", "Source image"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def _out_of_step(repo: Path, name: str = "filelist.xlsx") -> dict[str, bytes]:
    """A workbook list and a TSV list, each with a staged file not listed yet; their bytes."""
    write(repo, "masks/a.tif", "points/p.csv")
    _workbook(repo / name, [["masks/a.tif", "segmentation_mask", "img/a.tif"]])
    (repo / "points/filelist.tsv").write_text(HEADER + "points/p.csv\tpoint_annotations\tS\n")
    (repo / ".bia-hooks.yaml").write_text(
        f"filelists:\n  - path: {name}\n    include: ['masks/**']\n"
        "  - path: points/filelist.tsv\n    include: ['points/**']\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "lists")
    write(repo, "masks/b.tif", "points/q.csv")
    git(repo, "add", "-A")
    return {p: (repo / p).read_bytes() for p in (name, "points/filelist.tsv")}


@pytest.mark.parametrize(
    ("make_lock", "program"), [(excel_owner_file, "Excel"), (libreoffice_lock, "LibreOffice")]
)
def test_the_sync_writes_no_list_while_a_workbook_is_open(
    repo: Path, make_lock: object, program: str
) -> None:
    before = _out_of_step(repo)
    lock = make_lock(repo, "filelist.xlsx")  # type: ignore[operator]
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"bia-hooks sync: {repo / 'filelist.xlsx'} is open in {program} (lock file {lock.name} "
        "next to it): close it first (save your changes), then try again; nothing was written. "
        f"If {program} does not have it open, a crash left the lock file behind: delete it\n"
    )
    assert {p: (repo / p).read_bytes() for p in before} == before  # the TSV list too
    assert run_cli("sync", "--check", cwd=repo).returncode == 1  # reporting needs no write
    lock.unlink()  # Excel closed
    assert run_cli("sync", cwd=repo).returncode == 1
    assert (repo / "filelist.xlsx").read_bytes() != before["filelist.xlsx"]


def test_word_s_form_of_a_long_name_counts_unless_it_is_another_document_s(repo: Path) -> None:
    name = "annotations_filelist.xlsx"
    before = _out_of_step(repo, name)
    lock = repo / f"~${name[2:]}"  # ~$notations_filelist.xlsx
    lock.write_bytes(b"\x03Ada")
    assert run_cli("sync", cwd=repo).returncode == 2
    assert (repo / name).read_bytes() == before[name]
    (repo / name[2:]).write_bytes(b"")  # the lock is that document's: ours is not open
    assert run_cli("sync", cwd=repo).returncode == 1
    assert (repo / name).read_bytes() != before[name]


def test_restore_export_and_fix_names_write_no_open_workbook(repo: Path) -> None:
    write(repo, "masks/a.tif", "masks/b#1.tif")
    rows = [["masks/a.tif", "segmentation_mask", "typed by hand"],
            ["masks/b#1.tif", "segmentation_mask", "img/b.tif"]]  # fmt: skip
    _workbook(repo / "filelist.xlsx", rows)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "list")
    git(repo, "rm", "-q", "masks/a.tif")
    assert run_cli("sync", cwd=repo).returncode == 1  # the typed row is saved
    write(repo, "masks/a2.tif", content="a new mask\n")  # no rename git could see
    git(repo, "add", "-A")
    assert run_cli("sync", cwd=repo).returncode == 1  # a2 gets a row of its own
    before = (repo / "filelist.xlsx").read_bytes()
    lock = excel_owner_file(repo, "filelist.xlsx")

    restore = run_cli("restore", "masks/a.tif", "masks/a2.tif", cwd=repo)
    assert restore.returncode == 2 and "is open in Excel" in restore.stderr, restore.stderr
    assert "masks/a.tif" in run_cli("restore", "--list", cwd=repo).stdout  # still to restore

    fix = run_cli("fix-names", "--apply", cwd=repo)
    assert fix.returncode == 2 and "is open in Excel" in fix.stderr, fix.stdout + fix.stderr
    assert (repo / "masks/b#1.tif").exists()  # nothing renamed

    export = run_cli("export", "filelist.xlsx", "--output", "filelist.xlsx", cwd=repo)
    assert export.returncode == 2 and "filelist.xlsx is open in Excel" in export.stderr
    assert (repo / "filelist.xlsx").read_bytes() == before
    lock.unlink()
    assert run_cli("restore", "masks/a.tif", "masks/a2.tif", cwd=repo).returncode == 0
