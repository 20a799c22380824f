"""The sync's incremental run (from the state the last run recorded) gives the full run's result:
the same exit status, the same words, the same file lists on disk and the same saved rows, over
random changes a person makes between commits."""

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
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from bia_hooks import fileids, incremental, rowlog, verified
from bia_hooks.cli import main

CONFIG = """\
filelists:
  - path: masks.tsv
    include: ["masks/**"]
    defaults:
      - match: "masks/**"
        values: {annotation type: segmentation_mask}
    source_image:
      format: "images/{stem}.tif"
  - path: points.tsv
    include: ["points/**", "shared/*.csv"]
ignore: ["notes/**"]
"""
HEADER = "Files\tAnnotation type\tSource image\tAnnotator\n"
# Files the lists take (or the configuration ignores): the sync finds nothing to say of them.
CLEAN = (("masks", "a.tif"), ("masks/sub", "b.tif"), ("points", "c.csv"), ("shared", "d.csv"),
         ("notes", "e.txt"), ("masks", "e f.tif"))  # fmt: skip
# Files nobody lists, or no files of the dataset: findings, which the full run says.
ODD = (("other", "a.tif"), ("shared", "b.tif"), ("points", "Thumbs.db"))


def sync(repo: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["sync", *args, "--root", str(repo)])
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def watched() -> Iterator[list[bool]]:
    """Whether each sync run took the incremental path."""
    taken: list[bool] = []
    real = incremental.open_delta_session

    def spy(config):  # type: ignore[no-untyped-def]
        opened = real(config)
        taken.append(opened is not None)
        return opened

    incremental.open_delta_session = spy  # type: ignore[assignment]
    try:
        yield taken
    finally:
        incremental.open_delta_session = real  # type: ignore[assignment]


def start(rnd: random.Random) -> Path:
    repo = Path(tempfile.mkdtemp(prefix="incr-"))
    git(repo, "init", "-q")
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    for _ in range(6):
        add(repo, rnd, odd=False)
    git(repo, "add", "-A")
    assert sync(repo, "--full")[0] in (0, 1)
    for name in ("masks.tsv", "points.tsv"):  # a column for values a person types
        listed = repo / name
        if listed.exists():
            text = listed.read_text()
            header, _, rows = text.partition("\n")
            listed.write_text(header + "\tAnnotator\n" + rows)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    sync(repo, "--full")  # records the state
    return repo


def files(repo: Path) -> list[str]:
    return [p for p in git(repo, "ls-files").splitlines() if "/" in p]


def add(repo: Path, rnd: random.Random, odd: bool) -> None:
    folder, name = rnd.choice(ODD if odd else CLEAN)
    path = f"{folder}/{rnd.randrange(5)}{name}"
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"content of {path} {rnd.random()}\n")
    git(repo, "add", "--", path)


def change(repo: Path, rnd: random.Random, op: str) -> None:
    present = files(repo)
    victim = rnd.choice(present) if present else None
    if op == "add" or victim is None:
        add(repo, rnd, odd=rnd.random() < 0.2)
    elif op == "delete":
        DELETED[repo] = (repo / victim).read_bytes()
        git(repo, "rm", "-q", "-f", "--", victim)
    elif op == "re-add" and repo in DELETED:  # a deleted file back under another name
        folder, name = rnd.choice(CLEAN)
        path = f"{folder}/back{rnd.randrange(3)}_{name}"
        (repo / folder).mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes(DELETED[repo])
        git(repo, "add", "--", path)
    elif op == "rename":
        folder = rnd.choice([f for f, _ in CLEAN] + ["other"])
        (repo / folder).mkdir(parents=True, exist_ok=True)
        new = f"{folder}/r{rnd.randrange(9)}_{victim.rsplit('/', 1)[1]}"
        if new not in present:
            git(repo, "mv", "--", victim, new)
    elif op == "unstage":  # on disk, not staged: the sync keeps its row
        git(repo, "rm", "-q", "-f", "--cached", "--", victim)
    elif op == "modify":
        (repo / victim).write_text(f"new content {rnd.random()}\n")
        git(repo, "add", "--", victim)
    elif op == "type":  # a person types a value in a list
        name = rnd.choice(["masks.tsv", "points.tsv"])
        lines = (repo / name).read_text().splitlines(keepends=True)
        if len(lines) > 1:
            i = rnd.randrange(1, len(lines))
            cells = lines[i].rstrip("\n").split("\t")
            cells += [""] * (4 - len(cells))
            cells[3] = f"typed{rnd.randrange(99)}"
            lines[i] = "\t".join(cells) + "\n"
            (repo / name).write_text("".join(lines))
    elif op == "stage lists":
        git(repo, "add", "--", "masks.tsv", "points.tsv")
    elif op == "commit":
        git(repo, "add", "--", "masks.tsv", "points.tsv")
        git(repo, "commit", "-qm", "step", "--allow-empty")


def outcome(repo: Path, ran: tuple[int, str, str]) -> tuple[object, ...]:
    status, out, err = ran
    lists = {n: (repo / n).read_bytes() for n in ("masks.tsv", "points.tsv") if (repo / n).exists()}
    saved = [(r.filelist, r.path, r.values) for r in rowlog.read(repo)]
    where = str(repo)
    return status, out.replace(where, "ROOT"), err.replace(where, "ROOT"), lists, saved


OPS = ["add", "delete", "rename", "modify", "type", "stage lists", "commit", "unstage", "re-add"]
DELETED: dict[Path, bytes] = {}  # each repository's last deleted file


@settings(
    max_examples=int(os.environ.get("BIA_EXAMPLES", 20)),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(seed=st.integers(0, 10**6), steps=st.lists(st.sampled_from(OPS), min_size=1, max_size=6))
# A file no list covers came, then a listed file went: the full run pairs them by name.
@example(seed=28, steps=["add", "delete"])
def test_incremental_sync_equals_the_full_run(seed: int, steps: list[str]) -> None:
    rnd = random.Random(seed)
    repo = start(rnd)
    twin = Path(tempfile.mkdtemp(prefix="incr-full-"))
    try:
        for op in steps:
            change(repo, rnd, op)
            shutil.rmtree(twin)
            shutil.copytree(repo, twin, symlinks=True)
            with watched() as taken:
                fast = outcome(repo, sync(repo))
            event(f"{op}: {'incremental' if taken[0] else 'full'}")
            full = outcome(twin, sync(twin, "--full"))
            assert fast == full, op
    finally:
        shutil.rmtree(repo, ignore_errors=True)
        shutil.rmtree(twin, ignore_errors=True)


@pytest.fixture
def dataset() -> Iterator[Path]:
    repo = start(random.Random(7))
    yield repo
    shutil.rmtree(repo, ignore_errors=True)


def test_a_new_file_a_rename_and_a_deletion_take_the_incremental_path(dataset: Path) -> None:
    repo = dataset
    assert sync(repo)[0] == 0
    with watched() as taken:
        (repo / "masks").mkdir(exist_ok=True)
        (repo / "masks/new.tif").write_text("a new mask\n")
        git(repo, "add", "masks/new.tif")
        status, out, _ = sync(repo)
        assert status == 1
        assert "masks.tsv: 1 row(s) added, 0 removed, 0 rename(s) carried" in out
        row = "masks/new.tif\tsegmentation_mask\timages/new.tif\t\n"
        assert row in (repo / "masks.tsv").read_text()
        git(repo, "add", "masks.tsv")
        assert sync(repo)[1:] == ("", "file lists in step: nothing to change\n")
        git(repo, "commit", "-qm", "new mask")
        git(repo, "mv", "masks/new.tif", "masks/renamed.tif")
        status, out, _ = sync(repo)
        assert "~ masks/new.tif -> masks/renamed.tif" in out
        git(repo, "add", "masks.tsv")
        git(repo, "rm", "-q", "-f", "masks/renamed.tif")
        status, out, _ = sync(repo)
        assert "- masks/renamed.tif" in out
    assert taken == [True, True, True, True]


def test_a_value_typed_in_a_list_keeps_the_incremental_path(dataset: Path) -> None:
    repo = dataset
    listed = (repo / "masks.tsv").read_text().splitlines(keepends=True)
    listed[1] = listed[1].replace("segmentation_mask", "segmentation_mask, point_annotations")
    (repo / "masks.tsv").write_text("".join(listed))
    git(repo, "add", "masks.tsv")
    with watched() as taken:
        assert sync(repo)[1:] == ("", "file lists in step: nothing to change\n")
        (repo / "masks/late.tif").write_text("a late mask\n")
        git(repo, "add", "masks/late.tif")
        status, out, _ = sync(repo)
    assert (status, taken) == (1, [True, True])
    assert "+ masks/late.tif" in out
    assert "segmentation_mask, point_annotations" in (repo / "masks.tsv").read_text()


def test_what_the_state_cannot_vouch_for_is_read_in_full(dataset: Path) -> None:
    repo = dataset
    with watched() as taken:
        sync(repo)  # the state holds
        (repo / "masks.tsv").write_text((repo / "masks.tsv").read_text() + "masks/x.tif\n")
        sync(repo)  # a list edited by hand: read in full (and a state recorded only if clean)
        (repo / ".bia-hooks.yaml").write_text(CONFIG + "# a comment\n")
        sync(repo)  # the configuration changed
        (repo / "notes").mkdir(exist_ok=True)
        (repo / "notes/.DS_Store").write_text("junk")
        git(repo, "add", "-f", "notes/.DS_Store")
        sync(repo)  # junk: its finding weighs the whole dataset
    assert taken[0] is True
    assert taken[1:] == [False, False, False]


def test_a_state_that_cannot_be_read_is_no_error(dataset: Path) -> None:
    gitdir = verified.git_dir(dataset)
    assert gitdir is not None
    verified.state_file(gitdir).write_text("{not json")
    status, _, err = sync(dataset)
    assert (status, err) == (0, "file lists in step: nothing to change\n")
    assert verified.load(gitdir) is not None  # recorded anew by the full run


def test_a_saved_row_comes_back_on_the_incremental_path(dataset: Path) -> None:
    """A row with a typed value goes with its file; the file comes back under another name (git
    sees the rename since the list's last commit): its values come back, as in the full run."""
    repo = dataset
    (repo / "masks/keep.tif").write_text("a mask someone described\n")
    git(repo, "add", "masks/keep.tif")
    sync(repo)
    text = (repo / "masks.tsv").read_text()
    (repo / "masks.tsv").write_text(text.replace("images/keep.tif\t", "images/keep.tif\tAda"))
    git(repo, "add", "masks.tsv")
    git(repo, "commit", "-qm", "described")
    sync(repo)  # records the state
    git(repo, "rm", "-q", "masks/keep.tif")
    assert "held values a person typed" in sync(repo)[1]
    (repo / "masks/kept.tif").write_text("a mask someone described\n")
    git(repo, "add", "masks/kept.tif")
    twin = repo.parent / (repo.name + "-full")
    shutil.copytree(repo, twin, symlinks=True)
    try:
        with watched() as taken:
            fast = outcome(repo, sync(repo))
        assert taken == [True]
        assert outcome(twin, sync(twin, "--full")) == fast
        assert (
            "masks/kept.tif\tsegmentation_mask\timages/keep.tif\tAda"
            in fast[3]["masks.tsv"].decode()
        )
    finally:
        shutil.rmtree(twin, ignore_errors=True)


def test_a_file_no_list_covers_is_said_again_on_the_incremental_path(dataset: Path) -> None:
    repo = dataset
    (repo / "other").mkdir(exist_ok=True)
    (repo / "other/readme.tif").write_text("nobody lists this\n")
    git(repo, "add", "other/readme.tif")
    status, out, _ = sync(repo)  # full: the state had no such file; records it
    assert "other/readme.tif: warning BIA423" in out
    (repo / "masks/more.tif").write_text("one more mask\n")
    git(repo, "add", "masks/more.tif")
    with watched() as taken:
        status, out, _ = sync(repo)
        again = sync(repo)
    assert taken == [True, True]
    assert status == 1 and "+ masks/more.tif" in out
    assert (
        "other/readme.tif: warning BIA423" in out and "other/readme.tif: warning BIA423" in again[1]
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("delta", []), ("delta", 5), ("delta", None), ("delta", {"a": [1, 2, 3]}),
        ("base", None), ("base", 5), ("base", []), ("base", "--output=/tmp/x"), ("base", "HEAD"),
        ("lists", {"masks.tsv": "--help"}), ("unclaimed", "x"), ("exact", "yes"), ("key", 1),
    ],
)  # fmt: skip
def test_a_state_not_as_written_is_ignored(dataset: Path, field: str, value: object) -> None:
    """A state is read back only as this version writes it: git is never given a field of it
    that is not an object id, and a damaged one means a full run, not a crash."""
    import json

    gitdir = verified.git_dir(dataset)
    assert gitdir is not None
    file = verified.state_file(gitdir)
    state = json.loads(file.read_text())
    state[field] = value
    file.write_text(json.dumps(state))
    assert verified.load(gitdir) is None
    with watched() as taken:
        assert sync(dataset)[::2] == (0, "file lists in step: nothing to change\n")
    assert taken == [False]
    assert verified.load(gitdir) is not None  # the full run recorded it anew


def test_a_file_where_the_state_folder_goes_is_no_error(dataset: Path) -> None:
    repo = dataset
    shutil.rmtree(repo / ".git" / "bia-hooks")
    (repo / ".git" / "bia-hooks").write_text("not a folder")
    assert sync(repo) == (0, "", "file lists in step: nothing to change\n")
    assert sync(repo, "--full") == (0, "", "file lists in step: nothing to change\n")
    assert (repo / ".git" / "bia-hooks").read_text() == "not a folder"


def validate(repo: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["validate", *args, "--root", str(repo), "masks.tsv", "points.tsv"])
    return (
        status,
        out.getvalue().replace(str(repo), "ROOT"),
        err.getvalue().replace(str(repo), "ROOT"),
    )


STAMPS = iter(range(10**18, 2 * 10**18, 10**9))  # a time each version of a list is given


def restamp(repo: Path) -> None:
    """Each version of a list a step leaves gets a time of its own (the stat shows every edit,
    whenever made), so that the notes can be taken at once (``fileids``: no grain to wait)."""
    for name in ("masks.tsv", "points.tsv"):
        if (repo / name).exists():
            stamp = next(STAMPS)
            os.utime(repo / name, ns=(stamp, stamp))


@settings(
    max_examples=int(os.environ.get("BIA_EXAMPLES", 15)),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(seed=st.integers(0, 10**6), steps=st.lists(st.sampled_from(OPS), min_size=1, max_size=6))
def test_the_hooks_by_stat_equal_the_full_runs(seed: int, steps: list[str]) -> None:
    """The sync and validate hooks, with every list's blob id known by its stat as soon as read,
    say and write what the full runs say and write."""
    rnd = random.Random(seed)
    repo = start(rnd)
    twin = Path(tempfile.mkdtemp(prefix="incr-full-"))
    grain, coarse = fileids._GRAIN_NS, fileids._COARSE_GRAIN_NS
    fileids._GRAIN_NS = fileids._COARSE_GRAIN_NS = 0
    try:
        restamp(repo)
        validate(repo, "--changed")  # remembered
        for op in steps:
            change(repo, rnd, op)
            restamp(repo)
            shutil.rmtree(twin)
            shutil.copytree(repo, twin, symlinks=True)
            with watched() as taken:
                fast = outcome(repo, sync(repo))
            checked = validate(repo, "--changed")
            event(f"{op}: {'incremental' if taken[0] else 'full'}")
            full = outcome(twin, sync(twin, "--full"))
            assert fast == full, op
            assert checked == validate(twin, "--full"), op
    finally:
        fileids._GRAIN_NS, fileids._COARSE_GRAIN_NS = grain, coarse
        shutil.rmtree(repo, ignore_errors=True)
        shutil.rmtree(twin, ignore_errors=True)
