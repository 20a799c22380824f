"""Finding messages read as sentences: no 'this file is starts with', no 'column 2, 4 has'."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from bia_hooks.dataset import DvcOut
from bia_hooks.dvcrepo import _dvc_folder_unexpanded
from bia_hooks.filelist.read import read_filelist


def messages(tmp_path: Path, name: str, data: bytes, code: str) -> list[str]:
    (tmp_path / name).write_bytes(data)
    _, findings = read_filelist(tmp_path, name)
    return [f.message for f in findings if f.code == code]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('// list\n[{"path": "a.tif"}]', 'this file starts with \'// list\\n[{"path": "a\''),
        ('{"files": []}', "this file starts with '{\"files\": []}'"),
        ("  \n", "this file is empty"),
    ],
)
def test_bia241_says_what_the_json_file_starts_with(tmp_path: Path, text: str, says: str) -> None:
    [message] = messages(tmp_path, "list.json", text.encode(), "BIA241")
    assert message == f"the archive needs a JSON array of file entries; {says}"


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (b"Files\t\tType\n", "column 2 has no header"),
        (b"Files\t\tType\t\tX\n", "columns 2, 4 have no header"),
    ],
)
def test_bia209_counts_the_columns(tmp_path: Path, header: bytes, says: str) -> None:
    [message] = messages(tmp_path, "list.tsv", header + b"a.tif\tx\ty\tz\tw\n", "BIA209")
    assert message == f"{says}, and the archive refuses the list"


def test_bia209_names_workbook_columns_by_letter(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Files", None, "Type", None, "X"])
    ws.append(["a.tif", "x", "y", "z", "w"])
    wb.save(tmp_path / "list.xlsx")
    _, findings = read_filelist(tmp_path, "list.xlsx")
    assert [f.message for f in findings if f.code == "BIA209"] == [
        "columns B, D have no header, and the archive refuses the list"
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"a.tif\tx\n\nb.tif\ty\n", "1 blank line(s) are skipped by the archive (line 3)"),
        (b"a.tif\tx\n\nb.tif\ty\n\n", "2 blank line(s) are skipped by the archive (lines 3, 5)"),
    ],
)
def test_bia212_says_line_or_lines(tmp_path: Path, body: bytes, says: str) -> None:
    assert messages(tmp_path, "list.tsv", b"Files\tType\n" + body, "BIA212") == [says]


@pytest.mark.parametrize(("nfiles", "says"), [(1, "of 1 file "), (1200, "of 1,200 files ")])
def test_bia401_counts_the_files_of_a_dvc_folder(nfiles: int, says: str) -> None:
    out = DvcOut("masks", "masks.dvc", "d41d8cd98f00b204e9800998ecf8427e.dir", 10, nfiles)
    assert f"DVC-tracked folder {says}listed as one entry" in _dvc_folder_unexpanded(out).message
