"""The CLI's edge: a bug of ours is one message, exit status 3 and a saved report; standard output
that is closed, full or left early by its reader costs the output, never a traceback."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

import pytest

from bia_hooks import __version__, cli
from tests.conftest import PROJECT, git, run_cli, write


def boom(*args: object) -> int:
    raise RuntimeError("boom\n::warning::x")


MESSAGE = re.compile(
    r"bia-hooks check: internal error \(RuntimeError: boom\\n:\\x3awarning:\\x3ax\); this is a "
    r"bug in bia-hooks: please report it at https://github.com/bia-hooks/bia-hooks/issues with "
    r"the file (?P<report>\S+crash-\S+\.txt)\n"
)


def test_an_internal_error_is_one_message_and_a_report(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bia_hooks.commands import check

    monkeypatch.setattr(check, "run", boom)
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo.parent / "cache"))
    assert cli.main(["check", "--root", str(repo)]) == 3
    err = capsys.readouterr().err
    found = MESSAGE.fullmatch(err)
    assert found, err
    report = Path(found["report"])
    assert report.parent == repo.parent / "cache" / "bia-hooks"
    text = report.read_text()
    assert text.startswith(f"bia-hooks {__version__}: internal error (bia-hooks check)\n")
    assert f"argv: ['bia-hooks', 'check', '--root', '{repo}']" in text
    assert f"python: {sys.version.split()[0]}" in text and "platform: " in text
    assert "Traceback (most recent call last):" in text and 'raise RuntimeError("boom' in text
    assert report.stat().st_mode & 0o777 == 0o600  # it names the user's files


def test_the_report_falls_back_to_the_temporary_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bia_hooks.commands import check

    monkeypatch.setattr(check, "run", boom)
    (repo.parent / "cache").write_text("a file, not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo.parent / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(repo.parent))
    assert cli.main(["check", "--root", str(repo)]) == 3
    found = MESSAGE.fullmatch(capsys.readouterr().err)
    assert found and Path(found["report"]).parent == repo.parent


def test_without_any_folder_the_message_says_where_it_failed(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bia_hooks.commands import check

    monkeypatch.setattr(check, "run", boom)
    (repo.parent / "cache").write_text("a file, not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo.parent / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(repo.parent / "cache"))
    assert cli.main(["check", "--root", str(repo)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    line = boom.__code__.co_firstlineno + 1
    where = f"RuntimeError: boom\\n:\\x3awarning:\\x3ax at test_cli_edge.py:{line}"
    assert err.endswith(f"with this message ({where})\n"), err


def test_an_internal_error_in_a_real_process_exits_3_without_a_traceback(repo: Path) -> None:
    # The session breaks as a bug would: every command that opens one fails inside bia-hooks.
    script = (
        "import runpy, bia_hooks.session as s\n"
        "def broken(*a, **k): raise KeyError('no such thing')\n"
        "s.open_session = broken\n"
        "runpy.run_module('bia_hooks', run_name='__main__')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(PROJECT), XDG_CACHE_HOME=str(repo.parent / "cache"))
    done = subprocess.run([sys.executable, "-c", script, "sync"], cwd=repo, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 3
    assert done.stderr.startswith("bia-hooks sync: internal error (KeyError: 'no such thing');")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert len(list((repo.parent / "cache" / "bia-hooks").glob("crash-*.txt"))) == 1


def test_help_and_readme_document_exit_status_3(repo: Path) -> None:
    help_text = " ".join(run_cli("--help", cwd=repo).stdout.split())
    assert "3 internal error" in help_text
    readme = " ".join((PROJECT / "README.md").read_text().split())
    assert "3 an internal error" in readme


@pytest.mark.parametrize("columns", ["60", "200", "", "wide", "-3"])
@pytest.mark.parametrize("command", ["check-names", "sync", None])
def test_help_is_laid_out_as_argparse_lays_it_out(
    monkeypatch: pytest.MonkeyPatch, columns: str, command: str | None
) -> None:
    """The help, given the terminal's width (argparse would import shutil to find it), reads as
    argparse's own: $COLUMNS when it is a positive number, else the terminal's, else 80."""
    monkeypatch.setenv("COLUMNS", columns)
    ours = cli.build_parser(command)
    with mock.patch.object(cli, "_Formatter", argparse.HelpFormatter):
        theirs = cli.build_parser(command)
    for mine, its in [(ours, theirs), *zip(_subparsers(ours), _subparsers(theirs), strict=True)]:
        assert mine.format_help() == its.format_help()
    if columns == "60":
        assert max(map(len, ours.format_help().splitlines())) <= 60


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [sub for action in actions for sub in action.choices.values()]


# --- standard output closed, full, or left early -----------------------------------------------


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT), PY=sys.executable)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True)  # fmt: skip


@pytest.fixture
def broken(repo: Path) -> Path:
    # Findings (exit status 1), and a report longer than a pipe holds (64 KiB).
    write(repo, *[f"a#{i:04}.tif" for i in range(600)])
    git(repo, "add", "-A")
    return repo


@pytest.mark.parametrize(
    ("redirect", "reason"),
    [(">&-", "it is closed"), ("> /dev/full", "No space left on device")],
)
def test_output_that_cannot_be_written_is_one_message(
    broken: Path, redirect: str, reason: str
) -> None:
    done = shell(f'"$PY" -m bia_hooks check --max-per-code 0 --report r.json {redirect}', broken)
    assert done.returncode == 2
    assert done.stderr == (
        f"bia-hooks check: cannot write the output to standard output: {reason}; the command ran, "
        "only its output was lost\n"
    )
    assert (broken / "r.json").read_text().startswith("{")  # the rest of the work was done


def test_a_reader_that_leaves_early_is_no_error(broken: Path) -> None:
    done = shell('"$PY" -m bia_hooks check --max-per-code 0 | head -1; exit "${PIPESTATUS[0]}"',
                 broken)  # fmt: skip
    assert done.returncode == 1  # the findings' status
    assert done.stdout.count("\n") == 1 and done.stderr == ""


@pytest.mark.parametrize("redirect", ["2>&-", "2> /dev/full", "<&- 2>&-"])
def test_a_closed_or_full_error_stream_changes_nothing(broken: Path, redirect: str) -> None:
    done = shell(f'"$PY" -m bia_hooks check --report r.json > out.txt {redirect}', broken)
    assert done.returncode == 1
    assert "\na#0000.tif: error BIA101 " in (broken / "out.txt").read_text()
    assert (broken / "r.json").read_text().startswith("{")
