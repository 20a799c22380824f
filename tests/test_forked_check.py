"""``check`` on two cores: a child process lists the dataset and checks its names while the lists
are read. What the user sees is what the run on one core shows, whatever the dataset, and
whatever happens to the child."""

from __future__ import annotations

import _thread
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bia_hooks import childlisting, forked, session
from bia_hooks.cli import main
from tests.conftest import PROJECT, git, run_on_terminal, write

POOL = ("masks/a.tif", "masks/A.tif", "masks/b c.tif", "masks/d#1.tif", "masks/sub/e.tif",
        "images/x.tif", "images/y.tif", "images/ü.tif", "notes/readme.txt", ".gitattributes",
        ".DS_Store", "masks/.DS_Store")  # fmt: skip
ROWS = (*POOL[:8], "masks/gone.tif", "images/gone.tif")
TYPES = ("segmentation_mask", "Segmentation masks", "")
CONFIG = """\
version: 1
filelists:
  - path: masks.tsv
    include: ["masks/**"]
  - path: images.tsv
    include: ["images/**"]
"""


def _check(repo: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", "--root", str(repo), *args])
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _children(on: bool) -> Iterator[list[bool]]:
    """A child for every dataset (``on``) or none; yields, per child, whether its result came."""
    came: list[bool] = []
    real = forked.Child.result

    def result(self: forked.Child[object]) -> object:
        sent = real(self)
        came.append(sent is not None)
        return sent

    big = 0 if on else 10**12
    with (
        mock.patch.object(childlisting, "FORK_FROM_BYTES", big),
        mock.patch.object(childlisting, "FORK_FROM_ENTRIES", big),
        mock.patch.object(forked.Child, "result", result),
    ):
        yield came


def _both_ways(repo: Path, *args: str) -> tuple[tuple[int, str, str], list[bool]]:
    """The run on one core and on two, which must say the same; and what the children sent."""
    with _children(on=False):
        alone = _check(repo, *args)
    with _children(on=True) as came:
        beside = _check(repo, *args)
    assert beside == alone
    return alone, came


def _dataset(root: Path, files: list[str], lists: dict[str, list[tuple[str, str]]],
             configured: bool) -> None:  # fmt: skip
    git(root, "init", "-q")
    write(root, *files)
    for name, rows in lists.items():
        body = "".join(f"{path}\t{kind}\n" for path, kind in rows)
        (root / name).write_text(f"Files\tAnnotation type\n{body}", encoding="utf-8")
    if configured:
        (root / ".bia-hooks.yaml").write_text(CONFIG)
    git(root, "add", "-A")


rows = st.lists(st.tuples(st.sampled_from(ROWS), st.sampled_from(TYPES)), max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    files=st.lists(st.sampled_from(POOL), max_size=10, unique=True),
    lists=st.dictionaries(st.sampled_from(["masks.tsv", "images.tsv"]), rows, max_size=2),
    configured=st.booleans(),
    committed=st.booleans(),
    broken=st.sampled_from([None, "index", "twice"]),
)
def test_two_cores_say_what_one_says(files: list[str], lists: dict[str, list[tuple[str, str]]],
                                     configured: bool, committed: bool,
                                     broken: str | None) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _dataset(root, files, lists, configured)
        if committed:
            git(root, "commit", "-qm", "dataset", "--allow-empty")
            if "masks/a.tif" in files:
                git(root, "mv", "masks/a.tif", "masks/moved.tif")
        if broken == "index":  # git cannot list the files: exit 2, git's error
            (root / ".git" / "index").write_bytes(b"not an index")
        elif broken == "twice" and configured:  # the lists' error, unless the listing's first
            (root / ".bia-hooks.yaml").write_text(CONFIG + CONFIG.split("filelists:\n")[1])
        (status, out, err), came = _both_ways(root)
        _both_ways(root, "--format", "json")
        assert status in (0, 1, 2)
        assert (status == 2) == (broken == "index" or (broken == "twice" and configured))
        if broken == "index":
            assert "ls-files" in err
        assert "Traceback" not in out + err
        if broken == "index":  # no child's result: git's error is met again, as on one core
            assert came == [False]
        else:
            assert came == [True]


@pytest.mark.parametrize("block", [3, 4096])
def test_the_paths_and_data_files_come_back_as_listed(repo: Path, block: int) -> None:
    """The paths, and the data files among them (without the repository's own files), as the
    listing in this process gives them, however the child compares them."""
    names = [f"masks/{i:03}.tif" for i in range(40)]
    write(repo, *names, ".gitattributes", "masks/.gitignore", "masks/x/.gitattributes", "zz.dvc")
    (repo / "masks.tsv").write_text("Files\n" + "".join(f"{n}\n" for n in names[::3]))
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    git(repo, "add", "-A")
    with _children(on=False):
        alone = session.open_session(_config(repo), check_names=True)
    with _children(on=True) as came, mock.patch.object(childlisting, "_BLOCK", block):
        beside = session.open_session(_config(repo), check_names=True)
    assert came == [True]
    assert (beside.paths, beside.data, beside.findings) == (alone.paths, alone.data, alone.findings)
    assert beside.name_findings() == alone.name_findings()


def _config(repo: Path) -> object:
    from bia_hooks.config import load_config

    return load_config(repo)


@pytest.mark.parametrize(
    "trouble",
    [
        pytest.param(RuntimeError("a bug"), id="raised"),
        pytest.param(SystemExit(0), id="exited-without-a-result"),
        pytest.param(lambda *a: os._exit(0), id="died-silently"),
        pytest.param(lambda *a: os.kill(os.getpid(), 9), id="killed"),
    ],
)
def test_a_child_in_trouble_leaves_the_work_to_the_parent(repo: Path, trouble: object) -> None:
    write(repo, "masks/a#1.tif", "masks/b.tif")
    (repo / "masks.tsv").write_text("Files\nmasks/a#1.tif\nmasks/gone.tif\n")
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    git(repo, "add", "-A")
    with _children(on=False):
        alone = _check(repo)
    with (
        _children(on=True) as came,
        mock.patch.object(childlisting, "listed_apart", side_effect=trouble),
    ):
        assert _check(repo) == alone
    assert came == [False]
    assert alone[0] == 1 and "BIA101" in alone[1] and "BIA421" in alone[1]


def test_no_child_beside_a_thread_on_one_core_or_without_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert forked.may_fork() == (forked.cores() > 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.may_fork()
    finally:
        stop.set()
        other.join()
    if os.path.isdir("/proc/self/task"):  # a library's thread, which Python does not count
        held, done = _thread.allocate_lock(), _thread.allocate_lock()
        held.acquire()
        done.acquire()
        _thread.start_new_thread(lambda: (held.acquire(), done.release()), ())
        try:
            assert threading.active_count() == 1 and not forked.may_fork()
        finally:
            held.release()
            done.acquire()
            while forked._threads() > 1:  # the thread's own end, for the tests that follow
                time.sleep(0.001)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not forked.may_fork()
    monkeypatch.undo()
    monkeypatch.delattr(os, "fork")
    assert not forked.may_fork()
    with forked.Child(lambda: (1, b""), start=forked.may_fork()) as child:
        assert child.result() is None


CHILD = """\
import atexit, sys
from bia_hooks import forked
atexit.register(lambda: print("the parent's exit"))
sys.stdout.write("written before, not flushed; ")
def work():
    print("the child prints"); print("to stderr", file=sys.stderr)
    return {"found": 1}, b"paths\\0"
with forked.Child(work) as child:
    header, blob = child.result()
print(header, bytes(blob))
"""


def test_the_child_prints_nothing_and_runs_no_exit_handler() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(PROJECT)))  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    said = "written before, not flushed; {'found': 1} b'paths\\x00'\nthe parent's exit\n"
    assert done.stdout == said


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param(lambda found: found, id="right"),
        pytest.param(lambda found: [], id="none-found"),
        pytest.param(lambda found: found[:1], id="one-missed"),
        pytest.param(lambda found: [*found, session.FileListConfig("notes/x.tsv")], id="one-more"),
        pytest.param(lambda found: found[::-1], id="out-of-order"),
    ],
)
def test_lists_guessed_wrong_from_git_are_read_again(repo: Path, wrong: object) -> None:
    """Without a configuration, the lists are guessed from git's listing, read while the child
    lists the files, and read again when the lists found among the data files differ."""
    write(repo, "masks/a#1.tif", "images/b.tif", "notes/x.tsv")
    (repo / "masks.tsv").write_text("Files\nmasks/a#1.tif\nmasks/gone.tif\n")
    (repo / "images.tsv").write_text("Files\tAnnotation type\nimages/b.tif\tnot a type\n")
    git(repo, "add", "-A")
    with _children(on=False):
        alone = _check(repo), _check(repo, "--format", "json")
    guessed = session._guessed_lists

    def guess(*args: object) -> object:
        found = guessed(*args)  # type: ignore[arg-type]
        return None if found is None else wrong(found)  # type: ignore[operator]

    reads = mock.Mock(side_effect=session._read_lists)
    with (
        _children(on=True) as came,
        mock.patch.object(session, "_guessed_lists", guess),
        mock.patch.object(session, "_read_lists", reads),
    ):
        assert (_check(repo), _check(repo, "--format", "json")) == alone
    assert came == [True, True]
    right = wrong(["a", "b"]) == ["a", "b"]  # type: ignore[operator]
    assert reads.call_count == (2 if right else 4)  # two runs: the lists read once, or twice
    assert alone[0][0] == 1 and "BIA304" in alone[0][1] and "BIA421" in alone[0][1]


@pytest.mark.parametrize("configured", [True, False])
def test_a_small_dataset_is_checked_without_a_child(repo: Path, configured: bool) -> None:
    """Below FORK_FROM_ENTRIES entries and FORK_FROM_BYTES of lists, a fork costs what it saves."""
    write(repo, "masks/a.tif")
    (repo / "masks.tsv").write_text("Files\tAnnotation type\nmasks/a.tif\tsegmentation_mask\n")
    if configured:
        (repo / ".bia-hooks.yaml").write_text(CONFIG)
    git(repo, "add", "-A")
    with mock.patch.object(os, "fork", side_effect=AssertionError("forked")):
        status, out, err = _check(repo)
    assert (status, err) == (1, "") and "BIA302" in out  # no source image: checked all the same


TERMINAL_RUN = """\
import os, sys
from bia_hooks import childlisting, cli, forked, progress
progress.DELAY = 0.0
childlisting.FORK_FROM_BYTES = childlisting.FORK_FROM_ENTRIES = 0
real = forked.Child.result
came = []
def result(self):
    sent = real(self)
    came.append(sent is not None)
    return sent
forked.Child.result = result
status = cli.main(["check"])
with open(os.environ["CAME"], "w") as out:
    out.write(repr(came))
sys.exit(status)
"""


def test_on_a_terminal_the_bar_stays_with_the_parent_and_a_child_still_helps(
    repo: Path, tmp_path: Path
) -> None:
    """The bar (tqdm, without a thread of its own: a fork beside a thread is refused) shows as on
    one core, while a child lists the files."""
    write(repo, "masks/a.tif")
    (repo / "masks.tsv").write_text("Files\tAnnotation type\nmasks/a.tif\tsegmentation_mask\n")
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    git(repo, "add", "-A")
    came = tmp_path / "came"
    environ = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT"}
    environ.update(PYTHONPATH=str(PROJECT), CAME=str(came))
    status, err = run_on_terminal([sys.executable, "-c", TERMINAL_RUN], repo, environ)
    assert status == 1  # masks.tsv lacks its source images (BIA302)
    assert came.read_text() == "[True]"
    assert err.count(b"check: listing the files, reading and validating the lists") >= 1
    assert b"Traceback" not in err
