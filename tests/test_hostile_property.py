"""Property: a hostile repository (file names, list cells, configuration values chosen by a
stranger) gets findings or a usage error from every command, never a traceback; nothing outside the
dataset is touched, even through a symlinked folder; what reaches a terminal or a CI log cannot
forge a line or a workflow command; and a sync that rewrites a list keeps every cell a person
typed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bia_hooks import rowlog
from bia_hooks.cli import main
from bia_hooks.filelist.read import read_filelist

# Pieces a stranger would try: option look-alikes, workflow commands, escape sequences, spreadsheet
# formulas, characters the archive refuses, Unicode line separators, percent escapes.
PIECES = [
    "a",
    "mask",
    "01",
    " ",
    "-o",
    "--help",
    "::warning title=X::",
    "::stop-commands::tok",
    "%0A",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\u0085",
    "\u2028",
    "\u202e",
    '=HYPERLINK("http://x")',
    "+1",
    "@SUM(A1)",
    "#",
    "é",
    "..",
    "~$",
    ".~lock.",
    "\t",
    "\n",
    "\r",
    "\\",
    ",",
    '"',
    "{path}",
]
LEGAL_NAME = re.compile(r"^[^/\x00]+$")


def hostile_text(min_pieces: int = 1) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PIECES), min_size=min_pieces, max_size=4).map("".join)


def file_name() -> st.SearchStrategy[str]:
    return hostile_text().filter(
        lambda s: (
            LEGAL_NAME.match(s) is not None
            and s not in (".", "..")
            and len(s.encode()) < 200
            and not s.startswith(".git")
        )
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below FOLDER with its bytes and modification time (symlinks not followed)."""
    out: dict[str, tuple[bytes, int]] = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            p = Path(dirpath, name)
            out[str(p.relative_to(folder))] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out


@contextlib.contextmanager
def workspace() -> Iterator[tuple[Path, Path]]:
    top = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        repo, outside = top / "dataset", top / "outside"
        repo.mkdir()
        outside.mkdir()
        (outside / "victim.tsv").write_text("Files\tAnnotation type\nx.tif\tpoint\n")
        (outside / "masks").mkdir()
        yield repo, outside
    finally:
        shutil.rmtree(top, ignore_errors=True)


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as e:  # argparse: a usage error
            status = e.code if isinstance(e.code, int) else 2
    return status, out.getvalue(), err.getvalue()


# One line of a log may hold only printable text: no control character, no C1 code, no Unicode
# line or paragraph separator, no bidirectional override that would disguise a name.
UNSAFE_IN_A_LINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
OUR_COMMANDS = re.compile(r"^::(error|warning|notice)( [^:]*)?::")


def assert_safe_output(text: str, what: str) -> None:
    for line in text.split("\n"):
        assert not UNSAFE_IN_A_LINE.search(line), (what, line)
        if line.startswith("::"):
            assert OUR_COMMANDS.match(line), (what, line)


def write_list(file: Path, fmt: str, header: list[str], rows: list[list[str]]) -> None:
    if fmt == "tsv":
        lines = ["\t".join(header)] + ["\t".join(r) for r in rows]
        file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    elif fmt == "json":
        entries = [
            {
                "path": r[0],
                "attributes": [
                    {"name": h, "value": v} for h, v in zip(header[1:], r[1:], strict=True)
                ],
                "type": "file",
            }
            for r in rows
        ]
        file.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for r in [header, *rows]:
            sheet.append(r)
        for row in sheet.iter_rows():
            for cell in row:
                cell.data_type = "s"  # typed text, as a person types it: never a formula
        book.save(file)


def typed_cells(table_rows: list[list[str]], header: list[str]) -> set[tuple[str, str, str]]:
    return {
        (row[0], header[i], cell)
        for row in table_rows
        for i, cell in enumerate(row)
        if i > 0 and cell.strip()
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(
    names=st.lists(file_name(), min_size=1, max_size=4, unique=True),
    values=st.lists(hostile_text(), min_size=4, max_size=4),
    list_name=file_name(),
    fmt=st.sampled_from(["tsv", "xlsx", "json"]),
    in_git=st.booleans(),
    default=hostile_text(),
    through_link=st.booleans(),
)
def test_hostile_repository(
    names: list[str],
    values: list[str],
    list_name: str,
    fmt: str,
    in_git: bool,
    default: str,
    through_link: bool,
) -> None:
    with workspace() as (repo, outside):
        (repo / "masks").mkdir()
        for name in names:
            (repo / "masks" / name).write_bytes(name.encode("utf-8", "surrogateescape") + b"\n")
        # A symlinked folder pointing out of the dataset, and (sometimes) the list configured in it.
        (repo / "link").symlink_to(outside / "masks", target_is_directory=True)
        list_path = f"link/{list_name}.{fmt}" if through_link else f"{list_name}.{fmt}"
        header = ["Files", "Annotation type", "Annotator", "Notes"]
        # A workbook cell with a tab, a line break or '"' is read by the archive as other cells
        # (BIA227, BIA228): typed cells hold none, so that what was typed is what the archive read.
        clean = (
            (lambda s: re.sub('[\t\r\n"]', "", ILLEGAL_CHARACTERS_RE.sub("", s)))
            if fmt == "xlsx"
            else (lambda s: s)
        )
        if fmt == "tsv":  # a TSV cell cannot hold a tab or a line break: the structure would change
            clean = lambda s: re.sub("[\t\r\n]", "", s)  # noqa: E731
        cells = [clean(v) for v in values]
        rows = [[f"masks/{n}", cells[0], cells[1 + i % 3], cells[(2 + i) % 4]] for i, n in
                enumerate(names[:-1])]  # fmt: skip
        # A path the list's format cannot hold as it is (a line break in a TSV, a control character
        # in a workbook) is left for the sync to add: what it writes is part of the property.
        rows = [r for r in rows if clean(r[0]) == r[0]]
        if not through_link:
            write_list(repo / list_path, fmt, header, rows)
        config = {
            "filelists": [
                {
                    "path": list_path,
                    "include": ["masks/**"],
                    "defaults": [{"match": "masks/**", "values": {"Annotator": default}}],
                }
            ]
        }
        (repo / ".bia-hooks.yaml").write_text(json.dumps(config), encoding="utf-8")
        if in_git:
            git(repo, "init", "-q")
            git(repo, "add", "-A")
        before_outside = snapshot(outside)
        before_list = (repo / list_path).read_bytes() if not through_link else None
        before_table = read_filelist(repo, list_path)[0] if not through_link else None

        root = ["--root", str(repo)]
        outputs: list[tuple[str, int, str, str]] = []
        for command in (
            ["check", *root],
            ["check", *root, "--format", "github"],
            ["sync", *root, "--check"],
            ["validate", *root, "--", list_path],
            ["check-names", *root, "--", *(f"masks/{n}" for n in names)],
            ["export", *root, "-o", str(repo / f"exported.{fmt}"), "--", list_path],
            ["sync", *root],
            ["check", *root, "--format", "json"],
        ):
            status, out, err = run(repo, *command)
            outputs.append((command[0], status, out, err))
            assert status in (0, 1, 2), (command, status, out, err)
            assert "Traceback" not in err, (command, err)
            if "json" not in command:
                assert_safe_output(out, " ".join(command))
            assert_safe_output(err, " ".join(command))

        if not through_link:  # the configuration is sound: the commands ran, not refused it
            assert outputs[0][1] in (0, 1), outputs[0]
        assert snapshot(outside) == before_outside, "a file outside the dataset was touched"
        if before_table is not None and before_list is not None:
            after_bytes = (repo / list_path).read_bytes()
            if after_bytes != before_list:
                after, _ = read_filelist(repo, list_path)
                assert after is not None
                kept = typed_cells(after.rows, after.header)
                # Saved under the row as the sync saw it: a workbook cell with a line break is one
                # row to the sync and two to the archive, so the saved value is matched by column.
                saved = {(c, v) for e in rowlog.read(repo) for c, v in e.values.items()}
                for cell in typed_cells(before_table.rows, before_table.header):
                    assert cell in kept or cell[1:] in saved, (cell, outputs[-2])
