"""Every command that succeeds ends with one line saying so, on stderr, never in the JSON report;
``-q`` leaves it out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write

LIST = "Files\tAnnotation type\tSource image\n{rows}"
ROW = "masks/{name}\tsegmentation_mask\timages/{name}\n"


@pytest.fixture
def dataset(repo: Path) -> Path:
    """A dataset in step: two masks, their list, every value filled in."""
    write(repo, "masks/a.tif", "masks/b.tif")
    rows = "".join(ROW.format(name=n) for n in ("a.tif", "b.tif"))
    (repo / "masks" / "filelist.tsv").write_text(LIST.format(rows=rows))
    git(repo, "add", "-A")
    return repo


VERDICTS = [
    (["check"], "ready for the archive: 1 file list, 2 rows, 0 errors, 0 warnings"),
    (["check-names"], "3 names checked: the archive accepts them all"),
    (["check-names", "masks/a.tif"], "1 name checked: the archive accepts it"),
    (["sync"], "file lists in step: nothing to change"),
    (["sync", "--check"], "file lists in step: nothing to change"),
    (["validate", "masks/filelist.tsv"], "1 file list, 2 rows checked: no errors"),
    (
        ["export", "masks/filelist.tsv", "-o", "out.json"],
        "wrote out.json: 2 file(s), 3 column(s), JSON",
    ),
]


@pytest.mark.parametrize(("args", "verdict"), VERDICTS)
def test_success_ends_with_one_verdict_line_on_stderr(
    dataset: Path, args: list[str], verdict: str
) -> None:
    result = run_cli(*args, cwd=dataset)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == verdict + "\n"


@pytest.mark.parametrize(("args", "verdict"), VERDICTS)
def test_quiet_says_nothing_when_all_is_well(dataset: Path, args: list[str], verdict: str) -> None:
    result = run_cli(*args, "-q", cwd=dataset)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    long = run_cli(*args, "--quiet", cwd=dataset)
    assert (long.returncode, long.stdout, long.stderr) == (0, "", "")


@pytest.mark.parametrize(("args", "verdict"), VERDICTS)
def test_json_output_stays_pure_json(dataset: Path, args: list[str], verdict: str) -> None:
    flag = "--report-format" if args[0] == "export" else "--format"
    result = run_cli(*args, flag, "json", cwd=dataset)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["summary"]["errors"] == 0  # nothing else on stdout
    assert result.stderr == verdict + "\n"


def test_github_format_the_verdict_is_a_plain_line_on_stderr(dataset: Path) -> None:
    """Not a ::notice: it would take one of the ten annotations GitHub shows per step."""
    result = run_cli("check", "--format", "github", cwd=dataset)
    assert result.returncode == 0
    assert result.stdout == "bia-hooks: 0 error(s), 0 warning(s)\n"
    assert result.stderr == "ready for the archive: 1 file list, 2 rows, 0 errors, 0 warnings\n"


def test_warnings_are_counted_in_the_verdict(dataset: Path) -> None:
    write(dataset, "masks/c d.tif")
    with (dataset / "masks" / "filelist.tsv").open("a") as f:
        f.write(ROW.format(name="c d.tif"))
    git(dataset, "add", "-A")
    result = run_cli("check", cwd=dataset)
    assert result.returncode == 0, result.stdout
    assert "warning BIA103" in result.stdout
    assert result.stderr == "ready for the archive: 1 file list, 3 rows, 0 errors, 1 warning\n"
    names = run_cli("check-names", cwd=dataset)
    assert names.stderr == "4 names checked: the archive accepts them all; 1 warning\n"


def test_no_verdict_when_the_command_fails(dataset: Path) -> None:
    write(dataset, "masks/c#1.tif")
    git(dataset, "add", "-A")
    result = run_cli("check", cwd=dataset)
    assert result.returncode == 1
    assert "ready" not in result.stdout + result.stderr


def test_a_run_that_passes_only_by_fail_on_never_does_not_say_ready(dataset: Path) -> None:
    write(dataset, "masks/c#1.tif")
    git(dataset, "add", "-A")
    result = run_cli("check", "--fail-on", "never", cwd=dataset)
    assert result.returncode == 0
    assert result.stderr.startswith("not ready for the archive: 1 file list, 2 rows, 2 errors")
    names = run_cli("check-names", "--fail-on", "never", cwd=dataset)
    assert names.stderr == "4 names checked: 1 error\n"


def test_a_sync_that_changed_a_list_says_so_and_no_verdict(dataset: Path) -> None:
    write(dataset, "masks/c.tif")
    git(dataset, "add", "-A")
    result = run_cli("sync", cwd=dataset)
    assert result.returncode == 1
    assert "masks/filelist.tsv: 1 row(s) added" in result.stdout
    assert "in step" not in result.stdout + result.stderr


def test_fix_names_says_nothing_to_rename_unless_quiet(dataset: Path) -> None:
    """Every hook takes --quiet, the manual fixer too."""
    said = run_cli("fix-names", cwd=dataset)
    assert (said.returncode, said.stdout) == (0, "Nothing to rename: every name is one the "
                                              "archive accepts.\n")  # fmt: skip
    quiet = run_cli("fix-names", "--apply", "-q", cwd=dataset)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
