"""``validate`` from its memo (the same bytes, or a clean list edited in a few lines) says what
validating every row says: the same exit status and the same words, over random edits."""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import git
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bia_hooks import validated
from bia_hooks.cli import main
from bia_hooks.filelist.linediff import changed_lines

HEADER = "Files\tAnnotation type\tSource image\tAnnotator\n"
CELLS = ["segmentation_mask", "point_annotations", "Segmentation masks", "", "x y", "\u00e9"]


def validate(repo: Path, *args: str) -> tuple[int, str, str]:
    """As the hook runs it: from the repository's top folder, given the staged list."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["validate", "--changed", "list.tsv", *args])
    finally:
        os.chdir(here)
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def watched() -> Iterator[list[str]]:
    """How each verdict was found: 'same bytes' (by the file's stat: 'same stat'), 'carried' or
    'full'."""
    seen: list[str] = []
    memo = validated.Memo
    content, recall, carried = memo.content, memo.recall, memo._carried

    def spy_content(self, *args):  # type: ignore[no-untyped-def]
        found = content(self, *args)
        if isinstance(found, validated.Verdict):
            seen.append("same stat")
        return found

    def spy_recall(self, *args):  # type: ignore[no-untyped-def]
        found = recall(self, *args)
        if found is not None and seen[-1:] != ["carried"]:
            seen.append("same bytes")
        elif found is None:
            seen.append("full")
        return found

    def spy_carried(self, *args):  # type: ignore[no-untyped-def]
        found = carried(self, *args)
        if found is not None:
            seen.append("carried")
        return found

    validated.Memo.content = spy_content  # type: ignore[method-assign]
    validated.Memo.recall = spy_recall  # type: ignore[method-assign]
    validated.Memo._carried = spy_carried  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        validated.Memo.content = content  # type: ignore[method-assign]
        validated.Memo.recall = recall  # type: ignore[method-assign]
        validated.Memo._carried = carried  # type: ignore[method-assign]


def row(rnd: random.Random, i: int) -> str:
    path = rnd.choice([f"masks/m{i}.tif", f"masks/m{rnd.randrange(30)}.tif", "masks", "a#b.tif",
                       "other", f"other/o{i}.tif", "masks/m3.tif/x", f"deep/d/e{i}.tif",
                       "deep/d"])  # fmt: skip
    if rnd.random() < 0.6:
        path = f"masks/m{i}.tif"
    cells = ["segmentation_mask", f"images/i{i}.tif", f"ann{i}"]
    if rnd.random() < 0.1:
        cells[rnd.randrange(3)] = rnd.choice(CELLS)
    return "\t".join([path, *cells]) + "\n"


def edit(lines: list[str], rnd: random.Random) -> list[str]:
    lines = list(lines)
    op = rnd.choice(["cell", "add", "remove", "blank", "duplicate", "crlf", "header", "swap"])
    at = rnd.randrange(1, len(lines) + 1)
    if op == "add":
        lines.insert(at, row(rnd, 100 + rnd.randrange(100)))
    elif op == "remove" and len(lines) > 1 and at < len(lines):
        del lines[at]
    elif op == "blank":
        lines.insert(at, rnd.choice(["\n", "  \n", "\t\n"]))
    elif op == "duplicate" and len(lines) > 1:
        lines.insert(at, lines[rnd.randrange(1, len(lines))])
    elif op == "crlf" and at < len(lines):
        lines[at] = lines[at].replace("\n", "\r\n")
    elif op == "header":
        lines[0] = rnd.choice([HEADER, HEADER.replace("Annotator", "Note"), "Files\tx\n"])
    elif op == "swap" and at < len(lines) - 1:
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    elif at < len(lines):  # a cell edited
        cells = lines[at].rstrip("\n").split("\t")
        cells[rnd.randrange(len(cells))] = rnd.choice([*CELLS, f"masks/m{rnd.randrange(30)}.tif"])
        lines[at] = "\t".join(cells) + "\n"
    return lines


@settings(
    max_examples=int(os.environ.get("BIA_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(seed=st.integers(0, 10**6), edits=st.integers(1, 5))
def test_the_memo_says_what_validating_every_row_says(seed: int, edits: int) -> None:
    rnd = random.Random(seed)
    repo = Path(tempfile.mkdtemp(prefix="memo-"))
    try:
        git(repo, "init", "-q")
        lines = [HEADER] + [f"masks/m{i}.tif\tsegmentation_mask\timages/i{i}.tif\tann{i}\n"
                            for i in range(rnd.randrange(1, 12))]  # fmt: skip
        for _ in range(edits):
            (repo / "list.tsv").write_text("".join(lines), newline="")
            git(repo, "add", "list.tsv")
            with watched() as seen:
                remembered = validate(repo)
            event(seen[0] if seen else "no memo")
            assert remembered == validate(repo, "--full")
            lines = edit(lines, rnd)
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def test_an_edited_cell_is_carried_and_a_duplicate_is_not(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    rows = [f"masks/m{i}.tif\tsegmentation_mask\timages/i{i}.tif\n" for i in range(50)]
    (repo / "list.tsv").write_text(HEADER.replace("\tAnnotator", "") + "".join(rows))
    git(repo, "add", "list.tsv")
    with watched() as seen:
        assert validate(repo) == (0, "", "1 file list, 50 rows checked: no errors\n")
        rows[20] = "masks/m20.tif\tsegmentation_mask\timages/other.tif\n"
        (repo / "list.tsv").write_text(HEADER.replace("\tAnnotator", "") + "".join(rows))
        git(repo, "add", "list.tsv")
        assert validate(repo) == (0, "", "1 file list, 50 rows checked: no errors\n")
        rows.append("masks/m3.tif\tsegmentation_mask\timages/i3.tif\n")
        (repo / "list.tsv").write_text(HEADER.replace("\tAnnotator", "") + "".join(rows))
        git(repo, "add", "list.tsv")
        status, out, _ = validate(repo)
    assert status == 1 and "BIA307 'masks/m3.tif' is listed again (first on line 5)" in out
    assert seen == ["full", "carried", "full"]


def test_a_row_moved_by_a_rename_is_no_change(tmp_path: Path) -> None:
    """A renamed file's row goes to its place in the sorted list: the lines between are the
    same, and only the renamed row is validated."""
    repo = tmp_path
    git(repo, "init", "-q")
    header = HEADER.replace("\tAnnotator", "")
    rows = sorted(f"masks/m{i:03}.tif\tsegmentation_mask\timages/i{i}.tif\n" for i in range(300))
    (repo / "list.tsv").write_text(header + "".join(rows))
    git(repo, "add", "list.tsv")
    with watched() as seen:
        validate(repo)
        rows[0] = "masks/z000.tif\tsegmentation_mask\timages/i0.tif\n"
        (repo / "list.tsv").write_text(header + "".join(sorted(rows)))
        git(repo, "add", "list.tsv")
        assert validate(repo) == (0, "", "1 file list, 300 rows checked: no errors\n")
    assert seen == ["full", "carried"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("H\nA\nB\n", "H\nA\nX\nB\n", ([], ["X"])),
        ("H\nAB\n", "H\nAXB\n", (["AB"], ["AXB"])),
        ("H\nX\nC\n", "H\nYYC\n", (["X", "C"], ["YYC"])),
        ("H\nA\n", "H\nA\nB", ([], ["B"])),
        ("H\nA\nB\n", "H\nB\n", (["A"], [])),
    ],
)
def test_changed_lines_are_whole_lines(old: str, new: str, expected: tuple[list[str], ...]) -> None:
    change = changed_lines(old.encode(), new.encode())
    assert change is not None
    assert (change.old, change.new) == expected


@given(
    st.lists(st.text("ab\t\n\u00e9", max_size=6), min_size=1, max_size=12),
    st.data(),
)
def test_changed_lines_rebuild_the_new_version(lines: list[str], data: st.DataObject) -> None:
    old = "H\t1\n" + "\n".join(lines)
    at = data.draw(st.integers(0, len(old)))
    cut = data.draw(st.integers(0, 3))
    new = old[:at] + data.draw(st.text("ab\t\n\u00e9", max_size=4)) + old[at + cut :]
    change = changed_lines(old.encode(), new.encode())
    if change is None:
        assert not new.startswith("H\t1\n") or old[: old.index("\n")] != new[: new.index("\n")]
        return
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for version in (old_lines, new_lines):
        if version[-1] == "":
            version.pop()
    rebuilt = [
        old_lines[:a] + change.new + old_lines[a + len(change.old) :]
        for a in range(1, len(old_lines) + 1)
        if old_lines[a : a + len(change.old)] == change.old
    ]
    assert new_lines in rebuilt


def test_words_said_for_a_hook_are_said_again_for_a_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    (repo / "list.tsv").write_text(HEADER + "masks/a#1.tif\tsegmentation_mask\tx.tif\tme\n")
    git(repo, "add", "list.tsv")
    monkeypatch.setenv("PRE_COMMIT", "1")
    first = validate(repo)
    assert first[0] == 1 and "pre-commit run" in first[1]
    assert validate(repo) == first == validate(repo, "--full")


def test_a_changed_image_dataset_list_validates_the_lists_checked_against_it(
    tmp_path: Path,
) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: list.tsv\n    image_dataset: {filelist: ext/imgs.tsv}\n"
        "ignore: ['ext/**']\n"
    )
    (repo / "ext").mkdir()
    (repo / "ext/imgs.tsv").write_text("Files\nimages/a.tif\nimages/b.tif\n")
    (repo / "list.tsv").write_text(
        HEADER.replace("\tAnnotator", "") + "masks/a.tif\tsegmentation_mask\timages/b.tif\n"
    )
    git(repo, "add", "-A")
    assert validate(repo)[0] == 0
    (repo / "ext/imgs.tsv").write_text("Files\nimages/a.tif\n")
    git(repo, "add", "ext/imgs.tsv")
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["validate", "--changed", "ext/imgs.tsv"])
    finally:
        os.chdir(here)
    assert status == 1
    assert "list.tsv:2: [Source image] error BIA310 'images/b.tif'" in out.getvalue()


def test_a_memo_not_as_written_is_ignored(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    (repo / "list.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\tx.tif\tme\n")
    git(repo, "add", "list.tsv")
    first = validate(repo)
    memo = repo / ".git" / "bia-hooks" / validated.MEMO_NAME
    for damage in ('{"list.tsv": {"key": "k", "blob": "--output=x", "rows": 1, "findings": []}}',
                   '[]', '{"list.tsv": 5}', '{"list.tsv": {"key": 1}}'):  # fmt: skip
        memo.write_text(damage)
        (repo / "list.tsv").write_text(HEADER + "masks/b.tif\tsegmentation_mask\tx.tif\tme\n")
        git(repo, "add", "list.tsv")
        assert validate(repo) == first
        assert not (repo / "x").exists()


def test_a_list_rewritten_from_end_to_end_is_not_counted_line_by_line() -> None:
    rows = [f"masks/m{i}.tif\tsegmentation_mask\n" for i in range(20_001)]
    old = ("Files\tAnnotation type\n" + "".join(rows)).encode()
    far = [*rows[1:-1], rows[0], rows[-1]]  # two rows moved far: every line between moved
    assert changed_lines(old, ("Files\tAnnotation type\n" + "".join(far)).encode()) is None
    near = [rows[1], rows[0], *rows[2:]]  # a renamed file's row moved next door
    change = changed_lines(old, ("Files\tAnnotation type\n" + "".join(near)).encode())
    assert change is not None and change.size() == 0
