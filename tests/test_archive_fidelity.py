"""Where bia-hooks read a file list otherwise than the archive does (domain.md §2), each rule as a
case table. The archive's code: BioStudies backend ``FileListTsvStreamDeserializer.kt`` (TSV lines
and blank rows), ``PoiExt.kt`` (the XLSX to TSV converter), ``FileJsonDeserializer.kt`` and
``FileCommons.kt`` (a JSON path), ``PathSource.kt`` (the lookup of a directory entry)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from bia_hooks import rowlog
from bia_hooks.errors import UsageError
from bia_hooks.filelist.edit import TsvEditor, XlsxEditor
from bia_hooks.filelist.jsonlist import read_json_bytes
from bia_hooks.filelist.read import looks_like_filelist, read_filelist
from bia_hooks.filelist.tsv import read_tsv_bytes
from tests.conftest import git, run_cli, write

# --- TSV: only CR, LF and CRLF end a line (BufferedReader.readLine); blank is Kotlin's isBlank ---

TSV_CASES = [
    # (text, header, rows, codes expected, codes that must not be there)
    ("Files\tA\na.tif\tx\u2028y\n", ["Files", "A"], [["a.tif", "x\u2028y"]], set(), set()),
    (
        "Files\tA\na.tif\tx\u2029y\x0bz\x0cw\n",
        None,
        [["a.tif", "x\u2029y\x0bz\x0cw"]],
        set(),
        set(),
    ),
    ("Files\tA\na\x1cb.tif\tx\x1dy\x1ez\n", None, [["a\x1cb.tif", "x\x1dy\x1ez"]], set(), set()),
    ("Files\tA\na\x85b.tif\tx\n", None, [["a\x85b.tif", "x"]], set(), set()),
    # U+0085 is no whitespace for Kotlin: a line of it is a row (whose path the rule refuses),
    # neither a blank line skipped nor a blank path, and a header of it is a name.
    ("Files\tA\n\x85\na.tif\tx\n", None, [["\x85"], ["a.tif", "x"]], set(), {"BIA212"}),
    ("Files\tA\n\x85\tx\n", None, [["\x85", "x"]], set(), {"BIA219"}),
    ("Files\t\x85\na.tif\tx\n", ["Files", "\x85"], [["a.tif", "x"]], set(), {"BIA209"}),
    ("Files\tA\n \u2028\xa0\t \na.tif\tx\n", None, [["a.tif", "x"]], {"BIA212"}, set()),
    ("Files\tA\n\u2028\tx\n", None, [["\u2028", "x"]], {"BIA219"}, set()),
    # git's conflict markers in a list with CR line ends (old Mac), as the archive splits it.
    ("Files\r<<<<<<< HEAD\ra.tif\r=======\rb.tif\r>>>>>>> other\r", None, None, {"BIA232"}, set()),
]


@pytest.mark.parametrize(("text", "header", "rows", "present", "absent"), TSV_CASES)
def test_tsv_lines_and_blanks_as_the_archive_reads_them(
    text: str,
    header: list[str] | None,
    rows: list[list[str]] | None,
    present: set[str],
    absent: set[str],
) -> None:
    table, findings = read_tsv_bytes(text.encode(), "l.tsv")
    codes = {f.code for f in findings}
    assert present <= codes and not (absent & codes), findings
    if rows is None:
        assert table is None
        assert [f.line for f in findings if f.code == "BIA232"] == [2]
        return
    assert table is not None
    assert table.rows == rows
    if header is not None:
        assert table.header == header


def test_the_editor_keeps_every_line_the_archive_reads() -> None:
    source = "Files\tA\n\x85\na.tif\tx\u2028y\x0bz\nc.tif\t\x1c\n"
    editor = TsvEditor(source.encode())
    assert editor.rows == ["\x85", "a.tif\tx\u2028y\x0bz", "c.tif\t\x1c"]
    editor.apply(set(), {}, [{"Files": "b.tif", "A": "v\u2029"}])
    assert editor.render().decode() == (
        "Files\tA\na.tif\tx\u2028y\x0bz\nb.tif\tv\u2029\nc.tif\t\x1c\n\x85\n"
    )


@pytest.mark.parametrize(
    ("first_line", "found"),
    [
        ("Notes\u2028x\tFiles\tType\n", True),  # one header line, with a Files cell
        ("Files\u2028notes\tType\n", False),  # its first cell is not Files
        ("Files\tType\r\n", True),
    ],
)
def test_discovery_reads_the_first_line_as_the_archive(
    tmp_path: Path, first_line: str, found: bool
) -> None:
    (tmp_path / "l.tsv").write_text(first_line + "a.tif\tx\n", newline="")
    assert looks_like_filelist(tmp_path, "l.tsv") is found


def test_a_saved_value_with_a_unicode_line_separator_can_be_restored(repo: Path) -> None:
    write(repo, "a.tif", "c.tif")
    (repo / "list.tsv").write_text(
        "Files\tAnnotation type\tSource image\n"
        "a.tif\tsegmentation_mask\tS-BIAD1/a\u2028b.tif\n"
        "c.tif\tsegmentation_mask\t\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    git(repo, "rm", "-q", "a.tif")
    assert run_cli("sync", cwd=repo).returncode == 1  # a.tif's row removed, its values saved
    (saved,) = rowlog.read(repo)
    assert saved.values["Source image"] == "S-BIAD1/a\u2028b.tif"
    assert run_cli("restore", "a.tif", "c.tif", cwd=repo).returncode == 0
    assert "c.tif\tsegmentation_mask\tS-BIAD1/a\u2028b.tif\n" in (repo / "list.tsv").read_text()


# --- XLSX: the converter drops trailing blank cells, whitespace-only ones too, header included;
# --- then quotes a cell holding a line feed, tab or '"' (not doubling '"') --------------------

XLSX_CASES = [
    # (rows written, header read, rows read, codes expected, codes that must not be there)
    (
        [["Files", "Type", " "], ["a.tif", "x"]],
        ["Files", "Type"],
        [["a.tif", "x"]],
        set(),
        {"BIA209"},
    ),
    (
        [["Files", "Type", "\xa0\u2028"], ["a.tif", "x"]],
        ["Files", "Type"],
        [["a.tif", "x"]],
        set(),
        {"BIA209"},
    ),
    (
        [["Files", "Type", "\x85"], ["a.tif", "x"]],
        ["Files", "Type", "\x85"],
        [["a.tif", "x"]],
        set(),
        {"BIA209"},
    ),
    ([["Files", "Type"], ["a.tif", "x", "   "]], None, [["a.tif", "x"]], set(), {"BIA211"}),
    ([["Files", "A", "B"], ["a.tif", "", "\n"]], None, [["a.tif"]], set(), {"BIA227"}),
    ([["Files", "A", "B"], ["a.tif", " ", "b"]], None, [["a.tif", " ", "b"]], set(), set()),
    ([["Files", "A"], ["a.tif", 'say "x"']], None, [["a.tif", '"say "x""']], {"BIA228"}, set()),
    # '_x000D_' is a CR: not quoted by the converter, and a line end for the TSV reader.
    ([["Files", "A"], ["a.tif", "a_x000D_b"]], None, [["a.tif", "a"], ["b"]], {"BIA227"}, set()),
]


@pytest.mark.parametrize(("written", "header", "rows", "present", "absent"), XLSX_CASES)
def test_xlsx_cells_as_the_archive_converts_them(
    tmp_path: Path,
    written: list[list[str]],
    header: list[str] | None,
    rows: list[list[str]],
    present: set[str],
    absent: set[str],
) -> None:
    book = openpyxl.Workbook()
    for row in written:
        book.worksheets[0].append(row)
    book.save(tmp_path / "l.xlsx")
    table, findings = read_filelist(tmp_path, "l.xlsx")
    codes = {f.code for f in findings}
    assert present <= codes and not (absent & codes), findings
    assert table is not None
    assert table.rows == rows
    if header is not None:
        assert table.header == header


def test_the_workbook_editor_reads_the_header_as_the_archive(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(["Files", "Type", " "])
    sheet.append(["a.tif", "x"])
    book.save(tmp_path / "l.xlsx")
    editor = XlsxEditor(tmp_path / "l.xlsx")
    assert editor.header == ["Files", "Type"]
    editor.add_column("Source image")  # where the blank header cell was
    editor.apply(set(), {}, [{"Files": "b.tif", "Source image": "s.tif"}])
    (tmp_path / "l.xlsx").write_bytes(editor.render())
    values = list(openpyxl.load_workbook(tmp_path / "l.xlsx").worksheets[0].values)
    assert values == [("Files", "Type", "Source image"), ("a.tif", "x", None),
                      ("b.tif", None, "s.tif")]  # fmt: skip
    sheet["C2"] = "a note"  # right of the last header: the archive drops it, a person wrote it
    book.save(tmp_path / "l.xlsx")
    with pytest.raises(UsageError, match=r"the row of 'a\.tif' has a value right of the last"):
        XlsxEditor(tmp_path / "l.xlsx").add_column("Source image")


# --- JSON: a path of spaces passes parsing, and is looked up as a name (missing) ---------------


@pytest.mark.parametrize(
    ("path", "code"),
    [("  ", "BIA247"), (" ", "BIA247"), ("", "BIA242"), ("\t", None), ("a.tif", None)],
)
def test_a_json_path_of_spaces_is_a_missing_file(path: str, code: str | None) -> None:
    data = json.dumps([{"path": path, "attributes": [{"name": "A", "value": "v"}]}]).encode()
    table, findings = read_json_bytes(data, "l.json")
    assert [f.code for f in findings] == ([code] if code else [])
    if code == "BIA247":
        (finding,) = findings
        assert finding.pointer == "/0/path" and finding.level.value == "error"
        assert "looks for a file of that name" in finding.message
        assert table is not None and table.paths == [path]  # the archive takes the entry


def test_check_reports_a_path_of_spaces_and_the_sync_keeps_its_entry(repo: Path) -> None:
    write(repo, "a.tif", "b.tif")
    entries = [
        {"path": "a.tif", "attributes": [{"name": "note", "value": "x"}], "type": "file"},
        {"path": "  ", "attributes": [{"name": "note", "value": "typed"}], "type": "file"},
    ]
    (repo / "list.json").write_text(json.dumps(entries))
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: list.json\n    schema: general\n")
    git(repo, "add", "-A")
    result = run_cli("check", "--format", "json", cwd=repo)
    assert result.returncode == 1
    found = [(f["code"], f.get("pointer")) for f in json.loads(result.stdout)["findings"]]
    assert ("BIA247", "/1/path") in found
    assert run_cli("sync", cwd=repo).returncode == 1  # b.tif added; the entry of spaces kept
    paths = [e["path"] for e in json.loads((repo / "list.json").read_text())]
    assert sorted(paths) == ["  ", "a.tif", "b.tif"]


# --- JSON: a directory entry drops '.zip' before the lookup -------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "target"),
    [
        ("masks.zip", "directory", "masks"),
        ("masks.zip", "file", "masks.zip"),
        ("masks.zip", None, "masks.zip"),
        ("masks.ZIP", "directory", "masks.ZIP"),
        ("masks", "directory", "masks"),
        ("a/masks.zip.zip", "directory", "a/masks.zip"),
    ],
)
def test_a_directory_entry_names_the_folder_without_zip(path: str, kind: str | None,
                                                        target: str) -> None:  # fmt: skip
    entry = {"path": path, "attributes": [], "type": kind}
    table, _ = read_json_bytes(json.dumps([entry]).encode(), "l.json")
    assert table is not None
    assert (table.paths, table.targets) == ([path], [target])


def test_a_zipped_directory_entry_covers_its_folder_and_follows_its_rename(repo: Path) -> None:
    write(repo, "masks/a.tif", "masks/b.tif")
    attributes = [{"name": "Annotation type", "value": "segmentation_mask"},
                  {"name": "Source image", "value": "S-BIAD1/x.tif"}]  # fmt: skip
    entries = [{"path": "masks.zip", "attributes": attributes, "type": "directory"}]
    source = json.dumps(entries, indent=2) + "\n"
    (repo / "list.json").write_text(source)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    check = run_cli("check", "--format", "json", cwd=repo)
    codes = {f["code"] for f in json.loads(check.stdout)["findings"]}
    assert not codes & {"BIA420", "BIA421", "BIA423"}, check.stdout
    assert run_cli("sync", cwd=repo).returncode == 0
    assert (repo / "list.json").read_text() == source
    git(repo, "mv", "masks", "masks2")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    (entry,) = json.loads((repo / "list.json").read_text())
    assert entry == {"path": "masks2.zip", "attributes": attributes, "type": "directory"}


# --- the list file is an ordinary file of the upload: a list may name itself -------------------


def _self_listing(root: Path, fmt: str) -> str:
    name = f"list.{fmt}"
    rows = [["a.tif", "segmentation_mask", "S-BIAD1/a.tif"], [name, "other", "S-BIAD1/a.tif"]]
    header = ["Files", "Annotation type", "Source image"]
    if fmt == "tsv":
        (root / name).write_text("".join("\t".join(r) + "\n" for r in [header, *rows]))
    elif fmt == "json":
        entries = [
            {"path": r[0], "attributes": [{"name": h, "value": v} for h, v in zip(header[1:], r[1:],
                                                                                   strict=True)]}
            for r in rows
        ]  # fmt: skip
        (root / name).write_text(json.dumps(entries))
    else:
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.worksheets[0].append(row)
        book.save(root / name)
    return name


@pytest.mark.parametrize("fmt", ["tsv", "json", "xlsx"])
@pytest.mark.parametrize("in_git", [True, False])
@pytest.mark.parametrize("configured", [True, False])
def test_a_list_that_names_itself_is_in_step(
    tmp_path: Path, fmt: str, in_git: bool, configured: bool
) -> None:
    write(tmp_path, "a.tif")
    name = _self_listing(tmp_path, fmt)
    if configured:
        (tmp_path / ".bia-hooks.yaml").write_text(f"filelists:\n  - path: {name}\n")
    if in_git:
        git(tmp_path, "init", "-q")
        git(tmp_path, "add", "-A")
    before = (tmp_path / name).read_bytes()
    check = run_cli("check", "--format", "json", cwd=tmp_path)
    codes = {f["code"] for f in json.loads(check.stdout)["findings"]}
    assert not codes & {"BIA420", "BIA421", "BIA422", "BIA423", "BIA425"}, check.stdout
    assert check.returncode == 0, check.stdout
    sync = run_cli("sync", cwd=tmp_path)
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert (tmp_path / name).read_bytes() == before


def test_a_zipped_directory_entry_and_a_file_inside_it_are_a_circular_reference() -> None:
    from bia_hooks.filelist.validate import validate_table

    entries = [
        {"path": "masks.zip", "type": "directory", "attributes": []},
        {"path": "masks/a.tif", "type": "file", "attributes": []},
    ]
    table, _ = read_json_bytes(json.dumps(entries).encode(), "l.json")
    assert table is not None
    (finding,) = [f for f in validate_table(table, "general") if f.code == "BIA308"]
    assert (finding.pointer, finding.value) == ("/0/path", "masks")
