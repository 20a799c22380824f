"""The progress bar: on a terminal's stderr for a long run; nothing else anywhere else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, git, run_on_terminal, write

GOOD = "Files\tAnnotation type\tSource image\nmasks/a.tif\tsegmentation_mask\timages/a.tif\n"
# A run is long when it passes progress.DELAY: the test makes every run long.
RUN = (
    "import sys; from bia_hooks import progress, cli; progress.DELAY = {delay}; "
    "sys.exit(cli.main())"
)


def _run(repo: Path, *args: str, tty: bool, delay: float = 0.0,
         env: dict[str, str] | None = None) -> tuple[int, bytes]:  # fmt: skip
    """(exit status, stderr) of ``bia-hooks ARGS``, stderr a terminal or a pipe."""
    command = [sys.executable, "-c", RUN.format(delay=delay), *args]
    environ = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT"}
    environ.update(PYTHONPATH=str(PROJECT), **(env or {}))
    if not tty:
        done = subprocess.run(command, cwd=repo, capture_output=True, env=environ)
        return done.returncode, done.stderr
    return run_on_terminal(command, repo, environ)


@pytest.fixture
def lists(repo: Path) -> Path:
    names = [f"l{i}.tsv" for i in range(3)]
    config = "version: 1\nfilelists:\n" + "".join(f"  - path: {n}\n" for n in names)
    (repo / ".bia-hooks.yaml").write_text(config)
    for n in names:
        (repo / n).write_text(GOOD)
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    return repo


def test_a_long_run_on_a_terminal_shows_the_bar(lists: Path) -> None:
    status, err = _run(lists, "validate", tty=True)
    assert status == 0
    assert b"file lists validated" in err


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["check"], b"check: listing the files, reading and validating the lists"),
        (["sync", "--full"], b"sync: listing the files and reading the lists"),
    ],
)
def test_a_run_spent_in_a_few_big_steps_shows_its_stages(
    lists: Path, command: list[str], shown: bytes
) -> None:
    """A million-row list is one item: the bar of a full run counts its stages."""
    status, err = _run(lists, *command, tty=True)
    assert status in (0, 1)  # the three lists name one file (BIA422): a finding, no crash
    assert shown in err
    again, piped = _run(lists, *command, tty=False)
    assert again == status and b"listing the files" not in piped


@pytest.mark.parametrize(
    ("args", "env"),
    [
        ((), None),
        (("--format", "json"), None),
        (("--format", "github"), None),
        (("-q",), None),
        ((), {"PRE_COMMIT": "1"}),
    ],
)
def test_no_bar_where_a_program_or_a_log_reads(
    lists: Path, args: tuple[str, ...], env: dict[str, str] | None
) -> None:
    # On a pipe: stderr exactly as without bars (a run shorter than the delay shows none).
    _, quick = _run(lists, "validate", *args, tty=False, delay=1000.0, env=env)
    _, long = _run(lists, "validate", *args, tty=False, env=env)
    assert long == quick
    if args or env:  # on a terminal too, for the options and the hook
        _, on_tty = _run(lists, "validate", *args, tty=True, env=env)
        _, quick_on_tty = _run(lists, "validate", *args, tty=True, delay=1000.0, env=env)
        assert on_tty == quick_on_tty


def test_a_short_run_shows_no_bar(lists: Path) -> None:
    _, err = _run(lists, "validate", tty=True, delay=1000.0)
    assert b"file lists validated" not in err
