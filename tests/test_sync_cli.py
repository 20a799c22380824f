"""``bia-hooks sync`` on real git repositories: the file list on disk after it ran."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import git, run_cli, write

CONFIG = """\
version: 1
filelists:
  - path: annotations/filelist.{ext}
    include: ["annotations/**"]
    exclude: ["**/README.md"]
    defaults:
      - match: "annotations/masks/**"
        values: {{annotation type: segmentation_mask}}
      - match: "annotations/points/**"
        values: {{annotation type: point_annotations}}
    source_image:
      pattern: '(?P<plate>plate\\d+)_(?P<well>[A-H]\\d\\d)'
      format: "S-BIAD999/{{plate}}/{{well}}.tif"
"""

HEADER = ["Files", "Annotation type", "Source image", "annotator"]


def read_rows(file: Path) -> list[list[str]]:
    """The file list's rows as a person reads them, whatever its format."""
    if file.suffix == ".tsv":
        lines = [line.split("\t") for line in file.read_text().splitlines()]
        return [r[: max(i + 1 for i, c in enumerate(r) if c)] for r in lines]
    if file.suffix == ".json":
        rows = [["Files", *HEADER[1:]]]
        for entry in json.loads(file.read_text()):
            attributes = {a["name"]: a["value"] for a in entry["attributes"] or []}
            rows.append([entry["path"], *(attributes.get(h, "") for h in HEADER[1:])])
        return [r[: max(i + 1 for i, c in enumerate(r) if c)] for r in rows]
    sheet = openpyxl.load_workbook(file).worksheets[0]
    out = []
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    return out


def write_filelist(file: Path, rows: list[list[str]]) -> None:
    if file.suffix == ".tsv":
        file.write_text("".join("\t".join(r) + "\n" for r in rows))
    elif file.suffix == ".json":
        entries = [
            {
                "path": r[0],
                "type": "file",
                "attributes": [
                    {"name": h, "value": v} for h, v in zip(rows[0][1:], r[1:], strict=False) if v
                ],
            }
            for r in rows[1:]
        ]
        file.write_text(json.dumps(entries, indent=2))
    else:
        wb = openpyxl.Workbook()
        sheet = wb.active
        assert sheet is not None
        for r in rows:
            sheet.append(r)
        wb.save(file)


@pytest.fixture(params=["tsv", "xlsx", "json"])
def dataset(request: pytest.FixtureRequest, repo: Path) -> Path:
    ext = request.param
    (repo / ".bia-hooks.yaml").write_text(CONFIG.format(ext=ext))
    for path in (
        "annotations/masks/plate1_A01_mask.tif",
        "annotations/masks/plate1_A02_mask.tif",
        "annotations/masks/README.md",
    ):
        write(repo, path, content=f"content of {path}\n")  # distinct, for git's rename detection
    write_filelist(
        repo / f"annotations/filelist.{ext}",
        [
            HEADER,
            [
                "annotations/masks/plate1_A01_mask.tif",
                "segmentation_mask",
                "S-BIAD999/plate1/A01.tif",
                "AB",
            ],
            [
                "annotations/masks/plate1_A02_mask.tif",
                "segmentation_mask",
                "S-BIAD999/plate1/A02.tif",
                "CD",
            ],
        ],
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    return repo


def filelist_of(repo: Path) -> Path:
    return next((repo / "annotations").glob("filelist.*"))


def test_in_step_is_clean(dataset: Path) -> None:
    result = run_cli("sync", "--check", cwd=dataset)
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("sync", cwd=dataset).returncode == 0


def test_add_delete_rename_across_folders(dataset: Path) -> None:
    write(dataset, "annotations/points/plate2_B03_points.csv")
    (dataset / "annotations/moved").mkdir()
    git(
        dataset,
        "mv",
        "annotations/masks/plate1_A02_mask.tif",
        "annotations/moved/plate1_A02_mask.tif",
    )
    git(dataset, "rm", "-q", "annotations/masks/plate1_A01_mask.tif")
    git(dataset, "add", "-A")

    check = run_cli("sync", "--check", cwd=dataset)
    assert check.returncode == 1
    assert "BIA420" in check.stdout and "BIA421" in check.stdout

    before = filelist_of(dataset).read_bytes()
    result = run_cli("sync", cwd=dataset)
    assert result.returncode == 1, result.stderr
    assert "1 row(s) added, 1 removed, 1 rename(s) carried" in result.stdout
    assert filelist_of(dataset).read_bytes() != before
    assert read_rows(filelist_of(dataset)) == [
        HEADER,
        [
            "annotations/moved/plate1_A02_mask.tif",
            "segmentation_mask",
            "S-BIAD999/plate1/A02.tif",
            "CD",
        ],
        [
            "annotations/points/plate2_B03_points.csv",
            "point_annotations",
            "S-BIAD999/plate2/B03.tif",
        ],
    ]
    # A second run finds nothing to do.
    assert run_cli("sync", cwd=dataset).returncode == 0


def test_unstaged_files_are_not_listed(dataset: Path) -> None:
    write(dataset, "annotations/masks/plate1_A03_mask.tif")  # on disk, not staged
    assert run_cli("sync", "--check", cwd=dataset).returncode == 0


def test_new_rows_without_mandatory_values_are_named(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: annotations/filelist.tsv\n")
    write(repo, "annotations/x/cell.png")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert "created" in result.stdout
    assert "new row(s) need 'Annotation type' filled in: annotations/x/cell.png" in result.stdout
    assert (repo / "annotations/filelist.tsv").read_text() == (
        "Files\tAnnotation type\tSource image\nannotations/x/cell.png\t\t\n"
    )


def test_found_filelists_without_config(repo: Path) -> None:
    write(repo, "masks/a.tif", "points/p.csv")
    (repo / "masks/filelist.tsv").write_text("Files\tAnnotation type\tSource image\n")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert (repo / "masks/filelist.tsv").read_text().splitlines()[1] == "masks/a.tif\t\t"
    check = run_cli("sync", "--check", cwd=repo)
    assert "points/p.csv" in check.stdout and "BIA423" in check.stdout


def test_no_filelist_says_how_to_start(repo: Path) -> None:
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    result = run_cli("sync", "--check", cwd=repo)
    assert result.returncode == 1
    assert "BIA425" in result.stdout and "printf 'Files" in result.stdout


def test_plain_folder(tmp_path: Path) -> None:
    write(tmp_path, "annotations/a.tif")
    (tmp_path / "annotations/filelist.tsv").write_text("Files\tAnnotation type\tSource image\n")
    assert run_cli("sync", cwd=tmp_path).returncode == 1
    assert "annotations/a.tif" in (tmp_path / "annotations/filelist.tsv").read_text()


def test_rename_committed_without_the_hook_keeps_its_row(dataset: Path) -> None:
    (dataset / "annotations/moved").mkdir()
    git(
        dataset,
        "mv",
        "annotations/masks/plate1_A02_mask.tif",
        "annotations/moved/plate1_A02_mask.tif",
    )
    git(dataset, "commit", "-qm", "moved, and the file list not synced (--no-verify)")
    git(dataset, "commit", "-q", "--allow-empty", "-m", "later work")
    result = run_cli("sync", cwd=dataset)
    assert result.returncode == 1, result.stderr
    assert "0 row(s) added, 0 removed, 1 rename(s) carried" in result.stdout
    assert read_rows(filelist_of(dataset))[2] == [
        "annotations/moved/plate1_A02_mask.tif",
        "segmentation_mask",
        "S-BIAD999/plate1/A02.tif",
        "CD",
    ]


def test_xlsx_styling_survives_a_sync(repo: Path) -> None:
    from tests.test_edit import _styled_workbook

    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: filelist.xlsx\n    include: ['masks/**']\n"
    )
    _styled_workbook(repo / "filelist.xlsx")
    write(repo, "masks/a.tif", "masks/b.tif", "masks/c.tif")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "1 row(s) added, 1 removed" in result.stdout
    sheet = openpyxl.load_workbook(repo / "filelist.xlsx").worksheets[0]
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == [
        "Files",
        "masks/a.tif",
        "masks/b.tif",
        "masks/c.tif",
    ]
    assert sheet["A1"].font.bold and sheet.column_dimensions["A"].width == 42
    assert sheet["D2"].comment is not None
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["B2:B1000"]


def test_annexed_files_moved_keep_their_rows(repo: Path) -> None:
    """Locked, unlocked and dropped annexed files: sync lists their paths without reading their
    keys, and the keys of the moved ones still carry their rows (a move git cannot see too)."""
    import subprocess

    def annex(*args: str) -> None:
        subprocess.run(["git", "annex", *args], cwd=repo, check=True, capture_output=True)

    annex("init", "-q", "test")
    (repo / ".bia-hooks.yaml").write_text(CONFIG.format(ext="tsv"))
    names = ["plate1_A01_mask.tif", "plate1_A02_mask.tif", "plate1_A03_mask.tif"]
    for name in names:
        write(repo, f"annotations/masks/{name}", content=f"content of {name}\n")
    annex("add", "-q", "annotations/masks")
    annex("unlock", "-q", "annotations/masks/plate1_A02_mask.tif")
    write_filelist(
        repo / "annotations/filelist.tsv",
        [HEADER]
        + [
            [
                f"annotations/masks/{n}",
                "segmentation_mask",
                f"S-BIAD999/plate1/A0{i}.tif",
                f"by {i}",
            ]
            for i, n in enumerate(names, 1)
        ],
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    annex("drop", "-q", "--force", "annotations/masks/plate1_A03_mask.tif")
    assert run_cli("sync", "--check", cwd=repo).returncode == 0  # dropped: still listed, in step

    (repo / "annotations/moved/deeper").mkdir(parents=True)
    git(repo, "mv", "annotations/masks/plate1_A01_mask.tif", "annotations/moved/deeper/")
    annex("unlock", "-q", "annotations/moved/deeper/plate1_A01_mask.tif")  # symlink -> pointer
    git(repo, "mv", "annotations/masks/plate1_A03_mask.tif", "annotations/moved/")  # dropped
    annex("fix", "-q", "annotations/moved/plate1_A03_mask.tif")
    git(repo, "add", "-A")

    check = run_cli("sync", "--check", "--format", "json", cwd=repo)
    assert check.returncode == 1, check.stderr
    messages = sorted(f["message"] for f in json.loads(check.stdout)["findings"])
    assert messages == [
        "lists 'annotations/masks/plate1_A01_mask.tif', which was renamed to "
        "'annotations/moved/deeper/plate1_A01_mask.tif'",
        "lists 'annotations/masks/plate1_A03_mask.tif', which was renamed to "
        "'annotations/moved/plate1_A03_mask.tif'",
    ]
    result = run_cli("sync", cwd=repo)
    assert "0 row(s) added, 0 removed, 2 rename(s) carried" in result.stdout, result.stdout
    assert read_rows(repo / "annotations/filelist.tsv") == [
        HEADER,
        [
            "annotations/masks/plate1_A02_mask.tif",
            "segmentation_mask",
            "S-BIAD999/plate1/A02.tif",
            "by 2",
        ],
        [
            "annotations/moved/deeper/plate1_A01_mask.tif",
            "segmentation_mask",
            "S-BIAD999/plate1/A01.tif",
            "by 1",
        ],
        [
            "annotations/moved/plate1_A03_mask.tif",
            "segmentation_mask",
            "S-BIAD999/plate1/A03.tif",
            "by 3",
        ],
    ]


def test_rows_of_files_on_disk_but_not_staged_are_kept(dataset: Path) -> None:
    """Rows written before ``git add``: the sync keeps them and asks for the add."""
    git(dataset, "rm", "-q", "--cached", "annotations/masks/plate1_A02_mask.tif")
    before = read_rows(filelist_of(dataset))
    result = run_cli("sync", cwd=dataset)
    assert result.returncode == 1
    assert "which is on disk but not staged" in result.stdout
    assert "git add 'annotations/masks/plate1_A02_mask.tif'" in result.stdout
    assert read_rows(filelist_of(dataset)) == before


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("../outside.tsv", "must be inside the dataset root"),
        ("./b/filelist.tsv", "write it as 'b/filelist.tsv'"),
        ("a/filelist.tsv", "named twice under 'filelists'"),
    ],
)
@pytest.mark.parametrize("command", [["sync"], ["sync", "--check"], ["check"]])
def test_a_bad_filelist_path_stops_before_any_write(
    repo: Path, second: str, message: str, command: list[str]
) -> None:
    (repo / ".bia-hooks.yaml").write_text(
        f"filelists:\n  - path: a/filelist.tsv\n    include: ['a/**']\n  - path: {second}\n"
    )
    write(repo, "a/x.tif", "b/y.tif")
    (repo / "a/filelist.tsv").write_text("Files\n")
    git(repo, "add", "-A")
    result = run_cli(*command, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (repo / "a/filelist.tsv").read_text() == "Files\n"  # the first list is untouched


@pytest.mark.parametrize("command", [["sync", "--check"], ["check"]])
def test_check_fails_on_a_filelist_it_cannot_read(repo: Path, command: list[str]) -> None:
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: a/filelist.tsv\n")
    write(repo, "a/x.tif")
    (repo / "a/filelist.tsv").write_bytes("Files\na/x.tif\n".encode("utf-16"))
    git(repo, "add", "-A")
    result = run_cli(*command, cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BIA205" in result.stdout  # sync --check passed it before: the list is unreadable


def test_check_report_counts_rows_per_annotation_type(repo: Path) -> None:
    write(repo, "a/1.tif", "a/2.tif", "a/3.tif", "a/4.tif")
    (repo / "a/filelist.tsv").write_text(
        "Files\tAnnotation type\tSource image\n"
        "a/1.tif\tsegmentation_mask\tx.tif\n"
        "a/2.tif\ttracks, point_annotations\tx.tif\n"
        "a/3.tif\tsegmentation_mask\tx.tif\n"
        "a/4.tif\n"  # a short row: no type
    )
    git(repo, "add", "-A")
    run_cli("check", "--report", "report.json", cwd=repo)
    (filelist,) = json.loads((repo / "report.json").read_text())["filelists"]
    assert filelist["rows"] == 4
    assert filelist["annotation_types"] == {
        "segmentation_mask": 2,
        "tracks": 1,
        "point_annotations": 1,
    }


# --- the sync writes into the columns the list already has, whatever their accepted spelling ---

SPELLED_CONFIG = """\
filelists:
  - path: annotations/filelist.{ext}
    include: ["annotations/**"]
    defaults:
      - match: "annotations/masks/**"
        values: {{annotation type: segmentation_mask}}
      - match: "annotations/points/**"
        values: {{Annotation Type: point_annotations, source_image: S-BIAD999/points.tif}}
    source_image:
      pattern: '(?P<plate>plate\\d+)_(?P<well>[A-H]\\d\\d)'
      format: "S-BIAD999/{{plate}}/{{well}}.tif"
"""


def rows_on_disk(file: Path) -> list[list[str | None]]:
    """Every row exactly as the file holds it: TSV cells, XLSX cell values (None when empty), JSON
    attribute values in header order (None when the entry has no such attribute)."""
    if file.suffix == ".tsv":
        return [line.split("\t") for line in file.read_text().splitlines()]
    if file.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(file).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    entries = json.loads(file.read_text())
    header = ["Files", *dict.fromkeys(a["name"] for e in entries for a in e["attributes"])]
    rows: list[list[str | None]] = [list(header)]
    for entry in entries:
        attributes = {a["name"]: a["value"] for a in entry["attributes"]}
        rows.append([entry["path"], *(attributes.get(h) for h in header[1:])])
    return rows


@pytest.mark.parametrize("source", ["source_image_association", "Source Image"])
@pytest.mark.parametrize("ext", ["tsv", "xlsx", "json"])
def test_new_rows_fill_the_columns_the_list_has(repo: Path, ext: str, source: str) -> None:
    (repo / ".bia-hooks.yaml").write_text(SPELLED_CONFIG.format(ext=ext))
    header = ["Files", "Annotation Type", source, "annotator"]
    first = ["annotations/masks/plate1_A01_mask.tif", "segmentation_mask", "S-BIAD999/a.tif", "AB"]
    write(repo, "annotations/masks/plate1_A01_mask.tif")
    write_filelist(repo / f"annotations/filelist.{ext}", [header, first])
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    write(repo, "annotations/masks/plate1_A02_mask.tif", "annotations/points/p.csv")
    git(repo, "add", "-A")

    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "column" not in result.stdout and "filled in" not in result.stdout, result.stdout

    empty = None if ext == "xlsx" else ""
    assert rows_on_disk(repo / f"annotations/filelist.{ext}") == [
        header,
        first,
        ["annotations/masks/plate1_A02_mask.tif", "segmentation_mask", "S-BIAD999/plate1/A02.tif",
         empty],
        ["annotations/points/p.csv", "point_annotations", "S-BIAD999/points.tif", empty],
    ]  # fmt: skip

    check = run_cli("validate", f"annotations/filelist.{ext}", "--format", "json", cwd=repo)
    found = [(f["code"], f["column"]) for f in json.loads(check.stdout)["findings"]]
    # The user's own spelling keeps its warning (the newer ingest does not read it); the rows the
    # sync wrote add nothing: no second column, no short row.
    assert found == ([("BIA305", source)] if source == "source_image_association" else [])


@pytest.mark.parametrize("inner", ["m/a.tif", "m/a#.tif"])
def test_a_path_in_quotes_is_fixed_by_removing_the_quotes(repo: Path, inner: str) -> None:
    write(repo, inner)
    (repo / ".bia-hooks.yaml").write_text("version: 1\nfilelists:\n  - path: fl.tsv\n")
    (repo / "fl.tsv").write_text(
        f'Files\tAnnotation type\tSource image\n"{inner}"\tsegmentation_mask\tS-BIAD1/a.tif\n'
    )
    git(repo, "add", "-A")
    out = run_cli("check", cwd=repo).stdout
    quotes = (
        f"remove the quotes around the path in the file list: write '{inner}' (they are not "
        "part of the file's name: the archive keeps them, and the path then names no file)"
    )
    [bia301] = [line for line in out.splitlines() if "BIA301" in line]
    assert bia301.endswith(f"-> {quotes}" + (
        "; the name itself is refused too: rename the file to 'm/a-.tif' (bia-hooks fix-names) "
        "and list it under that name" if "#" in inner else ""
    ))  # fmt: skip
    assert "''" not in bia301
    [bia421] = [line for line in out.splitlines() if "BIA421" in line]
    assert bia421 == (
        f"fl.tsv:2: error BIA421 lists '\"{inner}\"', which is not in the dataset: the archive "
        f"keeps the quotes, and '{inner}' is the file -> remove the quotes in fl.tsv: write "
        f"'{inner}' (the row keeps its values)"
    )
    [bia420] = [line for line in out.splitlines() if "BIA420" in line]
    assert bia420 == (
        f"{inner}: error BIA420 not listed in fl.tsv: a row lists it in quotes ('\"{inner}\"'), "
        f"which the archive keeps -> remove the quotes in fl.tsv: write '{inner}'"
    )
