"""``--format github``: which findings become annotations, how they are escaped, and where they
point when the dataset is a folder of the repository."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bia_hooks.findings import Finding, Level
from bia_hooks.reporters import GithubReporter, github_command, github_path_prefix, spread
from tests.conftest import PROJECT, git, write


def report(findings: list[Finding], reporter: GithubReporter | None = None) -> list[str]:
    out = io.StringIO()
    (reporter or GithubReporter()).report(findings, out)
    return out.getvalue().splitlines()


def annotations(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("::")]


def test_ten_of_one_code_never_hide_another() -> None:
    findings = [Finding("BIA101", "masks/a#1.tif", f"bad {i}", line=i) for i in range(30)]
    findings.append(Finding("BIA102", "z/./b.tif", "bad form"))  # sorts last
    shown = annotations(report(findings))
    assert len(shown) == 10
    assert any("title=BIA102 " in line for line in shown)


def test_one_code_is_spread_over_files_before_repeating_one() -> None:
    findings = [Finding("BIA101", "a#.tif", "x", line=i) for i in range(5)]
    findings += [Finding("BIA101", "b#.tif", "x"), Finding("BIA101", "c#.tif", "x")]
    paths = [f.path for f in spread(findings, 3)]
    assert sorted(paths) == ["a#.tif", "b#.tif", "c#.tif"]


def test_what_the_archive_refuses_comes_before_what_is_risky() -> None:
    # Spaces made errors by the configuration: risky, even at level error.
    findings = [Finding("BIA103", f"s {i}.tif", "space", level=Level.ERROR) for i in range(5)]
    findings += [Finding("BIA110", ".DS_Store", "junk", level=Level.ERROR)]
    findings += [Finding("BIA101", "z#.tif", "refused")]
    assert [f.code for f in spread(findings, 1)] == ["BIA101"]
    assert {f.code for f in spread(findings, 3)} == {"BIA101", "BIA103", "BIA110"}


def test_at_most_ten_per_level_errors_first_then_one_count_line() -> None:
    findings = [Finding("BIA103", f"w {i}.tif", "space") for i in range(15)]
    findings += [Finding("BIA101", f"e#{i}.tif", "refused") for i in range(15)]
    findings += [Finding("BIA103", f"n {i}.tif", "space", level=Level.INFO) for i in range(15)]
    lines = report(findings)
    kinds = [line.split(" ", 1)[0] for line in annotations(lines)]
    assert kinds == ["::error"] * 10 + ["::warning"] * 10 + ["::notice"] * 10
    assert lines[-1] == (
        "bia-hooks: 15 error(s), 15 warning(s), 15 note(s); 30 shown as annotations, 15 more in"
        " the job summary and the JSON report"
    )
    assert len(lines) == 31


def test_a_clean_run_prints_only_the_count() -> None:
    assert report([]) == ["bia-hooks: 0 error(s), 0 warning(s)"]


@pytest.mark.parametrize(
    ("finding", "command"),
    [
        (Finding("BIA101", "a,b:c%d.tif", "refused", fix="rename to 'a-b-c-d.tif'"),
         "::error file=a%2Cb%3Ac%25d.tif,title=BIA101 path holds characters the archive refuses"
         "::refused. Fix: rename to 'a-b-c-d.tif'."),
        (Finding("BIA101", "x\ny.tif", "line\r\nbreak 100%"),
         "::error file=x%0Ay.tif,title=BIA101 path holds characters the archive refuses"
         "::line%0D%0Abreak 100%25."),
        (Finding("BIA103", "list.xlsx", "space.", line=12, cell="A12"),
         "::warning file=list.xlsx,line=12,title=BIA103 space in a path::space (A12)."),
        (Finding("BIA103", "", "space", level=Level.INFO),
         "::notice title=BIA103 space in a path::space."),
    ],
)  # fmt: skip
def test_each_finding_is_one_escaped_command(finding: Finding, command: str) -> None:
    assert github_command(finding) == command
    assert "\n" not in command and "\r" not in command


@pytest.mark.parametrize(
    ("workspace", "root", "prefix"),
    [("w", "w", ""), ("w", "w/data", "data/"), ("w", "w/data/set", "data/set/"),
     ("w", "elsewhere", ""), (None, "w/data", "")],
)  # fmt: skip
def test_annotations_name_files_from_the_repositorys_top(
    tmp_path: Path, workspace: str | None, root: str, prefix: str
) -> None:
    (tmp_path / root).mkdir(parents=True, exist_ok=True)
    environ = {"GITHUB_WORKSPACE": str(tmp_path / workspace)} if workspace else {}
    assert github_path_prefix(tmp_path / root, environ) == prefix


def test_the_cli_annotates_a_dataset_in_a_folder(repo: Path) -> None:
    write(repo, "data/masks/a#1.tif")
    git(repo, "add", "-A")
    env = dict(os.environ, PYTHONPATH=str(PROJECT), GITHUB_WORKSPACE=str(repo))
    result = subprocess.run(
        [sys.executable, "-m", "bia_hooks", "check-names", "--root", "data", "--format", "github"],
        cwd=repo, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=data/masks/a#1.tif,title=BIA101 ")
