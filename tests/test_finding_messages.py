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


# --- a message that lists things lists ten, then counts the rest ------------------------------

SHORT = 1000  # characters: a finding stays one readable line whatever the input


def test_bia209_of_half_a_million_blank_headers_is_one_short_line(tmp_path: Path) -> None:
    [message] = messages(tmp_path, "list.tsv", b"Files" + b"\t" * 500_000 + b"\na.tif\n", "BIA209")
    assert message == (
        "the header line ends with a tab, which makes a column without a name; columns 2, 3, 4, "
        "5, 6, 7, 8, 9, 10, 11 and 499,990 more have no header, and the archive refuses the list"
    )


def test_bia101_of_a_path_of_many_refused_characters(tmp_path: Path) -> None:
    from bia_hooks.names import NameSettings, check_path

    [finding] = [f for f in check_path("#" * 4000 + ".tif", NameSettings()) if f.code == "BIA101"]
    assert finding.message.startswith(
        "the archive refuses the character(s) '#' (number sign) at 1, "
    )
    assert finding.message.endswith(" and 3,990 more")
    assert len(finding.message) < SHORT


def test_bia301_of_a_listed_path_of_many_refused_characters(tmp_path: Path) -> None:
    path = "#" * 5000 + ".tif"
    (tmp_path / "list.tsv").write_text(
        f"Files\tAnnotation type\tSource image\n{path}\tsegmentation_mask\tS-BIAD1/a.tif\n"
    )
    from bia_hooks.filelist.validate import validate_table

    table, _ = read_filelist(tmp_path, "list.tsv")
    assert table is not None
    [finding] = [f for f in validate_table(table) if f.code == "BIA301"]
    assert finding.message.endswith("it holds '#' (number sign) at 10 and 4,990 more")
    assert len(finding.message) - len(path) < SHORT


def test_bia107_of_many_names_that_differ_by_case(tmp_path: Path) -> None:
    import itertools

    from bia_hooks.names import check_collisions

    paths = ["".join(p) + ".tif" for p in itertools.product("aA", repeat=8)]  # 256 twins
    [finding] = check_collisions(paths[:1], paths)
    assert finding.message.endswith(" and 245 more differ only by letter case or Unicode form: "
                                    "they collide on macOS and Windows")  # fmt: skip
    assert len(finding.message) < SHORT


def test_bia304_of_a_cell_of_many_wrong_types(tmp_path: Path) -> None:
    from bia_hooks.filelist.validate import _annotation_type_problem

    _, message, _ = _annotation_type_problem(",".join(f"t{i}" for i in range(5000)))
    assert message.startswith("'t0', 't1', ")
    assert "'t9' and 4,990 more are not in the archive's list" in message
    assert len(message) < SHORT


def test_bia422_and_bia426_of_a_file_many_lists_could_hold() -> None:
    from bia_hooks.ownership import _ambiguous, _named_twice

    lists = [f"list{i}.tsv" for i in range(500)]
    for finding in (_named_twice("a.tif", lists), _ambiguous("a.tif", lists, None)):
        assert "list0.tsv, list1.tsv, " in finding.message
        assert "list9.tsv and 490 more" in finding.message
        assert len(finding.message) < SHORT


def test_bia512_of_many_wrong_types_in_study_yaml() -> None:
    from bia_hooks.studyrules import _types_finding

    value = ",".join(f"t{i}" for i in range(5000))
    finding = _types_finding(["annotations", 0, "types"], value, {})
    assert finding.message.startswith("'t0', 't1', ")
    assert "'t9' and 4,990 more: not in the archive's controlled list" in finding.message
    assert len(finding.message) < SHORT


def test_bia209_annotation_on_github_is_one_short_line(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    (tmp_path / "list.tsv").write_bytes(b"Files" + b"\t" * 500_000 + b"\na.tif\n")
    (tmp_path / "a.tif").write_text("pixels\n")
    result = run_cli("validate", "list.tsv", "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    [annotation] = [line for line in result.stdout.splitlines() if "BIA209" in line]
    assert annotation.startswith("::error file=list.tsv,line=1,") and len(annotation) < SHORT
    assert "columns 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 499,990 more have no header" in annotation
