"""TSV file lists: what the archive reads, and every difference from what the user wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from bia_hooks.filelist.read import read_filelist

GOOD = b"Files\tSource image\ta.tif\n"


def read(tmp_path: Path, data: bytes, name: str = "list.tsv"):  # type: ignore[no-untyped-def]
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return read_filelist(tmp_path, name)


def codes(findings) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.code for f in findings}


@pytest.mark.parametrize(
    ("data", "code", "readable"),
    [
        (b"Files\tType\na.tif\tx\n", None, True),
        (b"\xef\xbb\xbfFiles\tType\na.tif\tx\n", "BIA206", False),
        ("Files\tType\na.tif\tx\n".encode("utf-16"), "BIA205", False),
        ("Files\tType\na.tif\tx\n".encode("utf-16-le"), "BIA205", False),
        (b"\nFiles\tType\na.tif\tx\n", "BIA207", False),
        (b"# my list\nFiles\tType\na.tif\tx\n", "BIA207", False),
        (b"files\tType\na.tif\tx\n", "BIA208", False),
        (b" Files\tType\na.tif\tx\n", "BIA208", False),
        (b"Files\tType\t\na.tif\tx\n", "BIA209", False),
        (b"Files\t\tType\na.tif\tx\n", "BIA209", False),
        (b"Files\tType\tType\na.tif\tx\ty\n", "BIA210", True),
        (b"Files\tType\na.tif\tx\tnote\n", "BIA211", True),
        (b"Files\tType\n\na.tif\tx\n\n", "BIA212", True),
        (b'Files\tType\na.tif\t"x"\n', "BIA213", True),
        (b"Files\tType\na.tif\tx \n", "BIA214", True),
        (b"Files\tType \na.tif\tx\n", "BIA214", True),
        (b"Files\tType\n# comment\tx\na.tif\tx\n", "BIA215", True),
        (b"Files\tType\n\xe9.tif\tx\n", "BIA216", True),
        (b"Files\tType\na.tif\tcaf\xe9\n", "BIA217", True),
        (b"Files\tType\ra.tif\tx\r", "BIA218", True),
        (b"Files\tType\n \tx\n", "BIA219", True),
        (b"Files\tType\n\tx\n", "BIA219", True),
        (b"Files\tType\n", "BIA204", True),
        (b"", "BIA204", False),
    ],
)
def test_tsv_cases(tmp_path: Path, data: bytes, code: str | None, readable: bool) -> None:
    table, findings = read(tmp_path, data)
    if code is None:
        assert findings == []
    else:
        assert code in codes(findings), findings
    assert (table is not None) == readable
    if table is None:
        assert any(f.level.value == "error" for f in findings)


def test_rows_as_the_archive_reads_them(tmp_path: Path) -> None:
    data = b"Files\tA\tB\r\na.tif\t1\r\n\r\nb.tif\t \t2\textra\rc.tif\n"
    table, findings = read(tmp_path, data)
    assert table is not None
    assert table.header == ["Files", "A", "B"]
    assert table.rows == [["a.tif", "1"], ["b.tif", " ", "2"], ["c.tif"]]
    assert table.refs == [2, 4, 5]
    assert table.format == "tsv"
    assert {f.code for f in findings} == {"BIA211", "BIA212", "BIA218"}


def test_blank_path_counts_rows_as_the_archive(tmp_path: Path) -> None:
    _, findings = read(tmp_path, b"Files\tA\n\na.tif\t1\n\n  \t2\n")
    [blank] = [f for f in findings if f.code == "BIA219"]
    assert blank.line == 5
    assert "Error at row 3: File Path is required" in blank.message


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("list.csv", "BIA201"),
        ("list.xls", "BIA201"),
        ("list.TSV", "BIA201"),
        ("filelist", "BIA201"),
        ("list.tsv ", "BIA201"),
        ("my list#1.tsv", "BIA202"),
        ("lists/é.tsv", "BIA202"),
    ],
)
def test_list_names(tmp_path: Path, name: str, code: str) -> None:
    _, findings = read(tmp_path, GOOD, name)
    assert code in codes(findings)
    assert all(f.fix for f in findings if f.code == code)


def test_missing_list(tmp_path: Path) -> None:
    table, findings = read_filelist(tmp_path, "nope.tsv")
    assert table is None
    assert codes(findings) == {"BIA203"}
