"""``bia-hooks check-names`` as a user runs it: a process, in a real repository or folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, git, run_cli, write


def test_no_args_checks_the_index_not_untracked_files(repo: Path) -> None:
    write(repo, "staged#1.tif", "untracked#2.tif", "good.tif")
    git(repo, "add", "staged#1.tif", "good.tif")
    result = run_cli("check-names", cwd=repo)
    assert result.returncode == 1
    assert "staged#1.tif" in result.stdout and "untracked" not in result.stdout


def test_the_staged_name_counts_not_the_committed_one(repo: Path) -> None:
    write(repo, "a#.tif")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bad")
    git(repo, "mv", "a#.tif", "a.tif")  # fixed in the index, not yet committed
    result = run_cli("check-names", cwd=repo)
    assert result.returncode == 0, result.stdout


def test_a_deleted_but_staged_file_still_counts(repo: Path) -> None:
    write(repo, "gone#.tif")
    git(repo, "add", "-A")
    (repo / "gone#.tif").unlink()  # as a dropped git-annex file: the path is still tracked
    assert run_cli("check-names", cwd=repo).returncode == 1


def test_plain_folder_walk(tmp_path: Path) -> None:
    write(tmp_path, "a/b#.tif", "a/ok.tif", ".git-not/x#.tif", ".git/y#.tif")
    result = run_cli("check-names", "--root", str(tmp_path), cwd=PROJECT.parent)
    assert result.returncode == 1
    assert "a/b#.tif: error BIA101" in result.stdout and "ok.tif" not in result.stdout
    # Only git's own folder is skipped, not a folder whose name starts the same.
    assert ".git-not/x#.tif: error BIA101" in result.stdout and "y#.tif" not in result.stdout


def test_explicit_paths_and_folders(tmp_path: Path) -> None:
    write(tmp_path, "masks/a#.tif", "points/b#.csv")
    result = run_cli("check-names", "masks", "new name.tif", cwd=tmp_path)
    assert result.returncode == 1
    assert "masks/a#.tif" in result.stdout and "new name.tif" in result.stdout
    assert "points" not in result.stdout


def test_the_root_with_a_name_to_be(tmp_path: Path) -> None:
    write(tmp_path, "masks/a#.tif")
    result = run_cli("check-names", ".", "new name.tif", cwd=tmp_path)
    assert "masks/a#.tif" in result.stdout and "new name.tif: warning BIA103" in result.stdout


def test_explicit_paths_from_a_subfolder(repo: Path) -> None:
    write(repo, "masks/a#.tif")
    git(repo, "add", "-A")
    result = run_cli("check-names", "--root", "..", "a#.tif", cwd=repo / "masks")
    assert result.returncode == 1 and "masks/a#.tif" in result.stdout


def test_a_path_outside_the_root_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    result = run_cli("check-names", str(tmp_path / "elsewhere.tif"), cwd=repo)
    assert result.returncode == 2 and "outside the dataset root" in result.stderr


def test_a_symlinked_working_folder_is_still_inside_the_root(repo: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(repo)
    write(repo, "a#.tif")
    result = run_cli("check-names", "a#.tif", cwd=link)
    assert result.returncode == 1 and "a#.tif: error BIA101" in result.stdout


def test_json_report(repo: Path, tmp_path: Path) -> None:
    write(repo, "a#.tif", "b c.tif", "ok.tif")
    git(repo, "add", "-A")
    report = tmp_path / "out" / "report.json"
    result = run_cli("check-names", "--format", "json", "--report", str(report), cwd=repo)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data == json.loads(report.read_text())
    assert data["version"] == 1 and data["tool"]["name"] == "bia-hooks"
    assert data["summary"]["errors"] == 1 and data["summary"]["warnings"] == 1
    assert data["summary"]["by_code"] == {"BIA101": 1, "BIA103": 1}
    first = data["findings"][0]
    assert first["code"] == "BIA101" and first["level"] == "error" and first["kind"] == "server"
    assert first["path"] == "a#.tif" and first["fix"] == "rename to 'a-.tif'"


@pytest.mark.parametrize(
    ("files", "args", "status"),
    [
        (["ok.tif"], [], 0),
        (["a b.tif"], [], 0),  # a warning alone passes
        (["a b.tif"], ["--fail-on", "warning"], 1),
        (["a#.tif"], [], 1),
        (["a#.tif"], ["--fail-on", "never"], 0),
        (["ok.tif"], ["--root", "no-such-folder"], 2),
        (["ok.tif"], ["--config", "missing.yaml"], 2),
        (["ok.tif"], ["--format", "xml"], 2),
        (["ok.tif"], ["--max-per-code", "-1"], 2),
        (["ok.tif"], ["--max-per-code", "many"], 2),
    ],
)
def test_exit_status(repo: Path, files: list[str], args: list[str], status: int) -> None:
    write(repo, *files)
    git(repo, "add", "-A")
    result = run_cli("check-names", *args, cwd=repo)
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("report", [".", "masks", "a#.tif/report.json"])
def test_a_report_that_cannot_be_written_is_one_message(repo: Path, report: str) -> None:
    write(repo, "a#.tif", "masks/b.tif")
    git(repo, "add", "-A")
    result = run_cli("check-names", "--report", report, cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--report {report}: cannot write " in result.stderr
    assert (repo / "a#.tif").is_file() and (repo / "masks/b.tif").is_file()


def test_many_findings_of_one_code_are_capped_in_text(repo: Path) -> None:
    write(repo, *[f"a#{i}.tif" for i in range(60)])
    git(repo, "add", "-A")
    out = run_cli("check-names", cwd=repo).stdout
    assert out.count("error BIA101") == 50 and "... and 10 more BIA101" in out
    assert run_cli("check-names", "--max-per-code", "0", cwd=repo).stdout.count("BIA101 ") == 60


def bytes_name_repo(repo: Path) -> None:
    os.close(os.open(os.path.join(os.fsencode(repo), b"caf\xe9.tif"), os.O_CREAT | os.O_WRONLY))
    os.close(os.open(os.path.join(os.fsencode(repo), b"ok.tif"), os.O_CREAT | os.O_WRONLY))


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes only on Linux")
@pytest.mark.parametrize("in_git", [True, False])
def test_a_name_that_is_not_utf8(repo: Path, tmp_path: Path, in_git: bool) -> None:
    root = repo if in_git else tmp_path / "plain"
    root.mkdir(exist_ok=True)
    bytes_name_repo(root)
    if in_git:
        git(root, "add", "-A")
    report = tmp_path / "r.json"
    text = run_cli("check-names", cwd=root)
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert "caf\\udce9.tif: error BIA101" in text.stdout
    assert "byte 0xE9 (not UTF-8 text) at 4" in text.stdout
    assert "rename to 'caf.tif'" in text.stdout
    js = run_cli("check-names", "--format", "json", "--report", str(report), cwd=root)
    assert js.returncode == 1 and "Traceback" not in js.stderr
    assert json.loads(js.stdout)["findings"][0]["path"] == "caf\udce9.tif"
    assert json.loads(report.read_text())["findings"][0]["path"] == "caf\udce9.tif"


def test_a_name_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    write(tmp_path, "a\nb.tif")
    out = run_cli("check-names", cwd=tmp_path).stdout
    assert out.splitlines()[0].startswith("a\\nb.tif: error BIA101")
    assert "U+000A (line feed) at 2" in out


def test_unresolved_merge_lists_a_path_once(repo: Path) -> None:
    write(repo, "x#.tif", content="base\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "side")
    write(repo, "x#.tif", content="side\n")
    git(repo, "commit", "-qam", "side")
    git(repo, "checkout", "-q", "main")
    write(repo, "x#.tif", content="main\n")
    git(repo, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "side"], cwd=repo, capture_output=True)
    out = run_cli("check-names", cwd=repo).stdout
    assert out.count("x#.tif: error BIA101") == 1


# --- start-up: a hook on a few paths must not pay for pandas ---

HEAVY = ("pandas", "openpyxl", "numpy", "jsonschema")


def imported(cwd: Path, *args: str) -> set[str]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bia_hooks", "check-names", *args],
        cwd=cwd, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    lines = [line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    return {name.split(".")[0] for name in lines}


def test_without_a_config_no_heavy_import(repo: Path) -> None:
    assert imported(repo, "x").isdisjoint(HEAVY)


def test_with_a_config_only_jsonschema(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("names:\n  spaces: warn\n")
    modules = imported(repo, "x")
    assert "jsonschema" in modules  # validating the configuration is worth it
    assert modules.isdisjoint({"pandas", "openpyxl", "numpy"})
