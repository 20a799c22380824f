"""The hooks as a dataset uses them: real pre-commit, real git commits, real git-annex."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT, commit, git, pre_commit, use_hooks, write

HOOK_IDS = [hook["id"] for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())]


@pytest.fixture
def dataset(repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> Path:
    """A dataset repository whose commits run bia-check-names."""
    use_hooks(repo, hook_repo, "bia-check-names")
    result = pre_commit(repo, pre_commit_home, "install")
    assert result.returncode == 0, result.stdout + result.stderr
    write(repo, "README.txt")
    git(repo, "add", "-A")
    first = commit(repo, pre_commit_home, "start")
    assert first.returncode == 0, first.stdout + first.stderr
    return repo


def test_a_bad_name_is_refused_with_the_path_and_a_new_name(
    dataset: Path, pre_commit_home: Path
) -> None:
    write(dataset, "masks/plate1_A03#2.tif")
    git(dataset, "add", "-A")
    result = commit(dataset, pre_commit_home)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "masks/plate1_A03#2.tif: error BIA101" in out
    assert "rename to 'masks/plate1_A03-2.tif'" in out
    assert git(dataset, "rev-list", "--count", "HEAD").strip() == "1"


def test_a_good_commit_passes(dataset: Path, pre_commit_home: Path) -> None:
    write(dataset, "masks/plate1_A03_2.tif", "points/a b.csv")  # a space is only a warning
    git(dataset, "add", "-A")
    result = commit(dataset, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(dataset, "rev-list", "--count", "HEAD").strip() == "2"


def test_a_locked_git_annex_file_with_a_bad_name_is_refused(
    dataset: Path, pre_commit_home: Path
) -> None:
    subprocess.run(["git", "annex", "init", "-q", "test"], cwd=dataset, check=True,
                   capture_output=True)  # fmt: skip
    write(dataset, "masks/big#1.tif", content="pixels\n" * 100)
    subprocess.run(["git", "annex", "add", "masks/big#1.tif"], cwd=dataset, check=True,
                   capture_output=True)  # fmt: skip
    assert (dataset / "masks/big#1.tif").is_symlink()  # locked: what types: [file] would skip
    result = commit(dataset, pre_commit_home)
    assert result.returncode != 0
    assert "masks/big#1.tif: error BIA101" in result.stdout + result.stderr


def test_a_new_file_colliding_by_case_with_a_tracked_one(
    dataset: Path, pre_commit_home: Path
) -> None:
    write(dataset, "masks/y.tif")
    git(dataset, "add", "-A")
    assert commit(dataset, pre_commit_home).returncode == 0
    write(dataset, "Masks/x.tif")
    git(dataset, "add", "-A")
    result = pre_commit(dataset, pre_commit_home, "run", "bia-check-names", "--files",
                        "Masks/x.tif", "--verbose")  # fmt: skip
    out = result.stdout + result.stderr
    assert "Masks/x.tif: warning BIA107 'Masks' and 'masks'" in out


def test_a_case_collision_fails_a_commit_when_warnings_fail(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    use_hooks(repo, hook_repo, "bia-check-names", args="--fail-on=warning")
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    write(repo, "masks/y.tif")
    git(repo, "add", "-A")
    assert commit(repo, pre_commit_home).returncode == 0
    write(repo, "Masks/x.tif")
    git(repo, "add", "-A")
    result = commit(repo, pre_commit_home)
    assert result.returncode != 0
    assert "'Masks' and 'masks' differ only by letter case" in result.stdout + result.stderr


def test_the_names_hook_receives_symlinks() -> None:
    (hook,) = [h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
               if h["id"] == "bia-check-names"]  # fmt: skip
    # pre-commit keeps a file only if it has every tag of `types` (default [file]) and one of
    # `types_or`: a symlink passes only with `types` emptied.
    assert set(hook["types_or"]) == {"file", "symlink"}
    assert hook["types"] == []


def test_the_fix_names_hook_runs_only_when_asked(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """Someone with only pre-commit (no bia-hooks command) renames through the manual hook."""
    use_hooks(repo, hook_repo, "bia-check-names", "bia-fix-names")
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    write(repo, "masks/a#1.tif")
    (repo / "filelist.tsv").write_text(
        "Files\tAnnotation type\tSource image\nmasks/a#1.tif\tsegmentation_mask\tS-BIAD1/a.tif\n"
    )
    git(repo, "add", "-A")
    refused = commit(repo, pre_commit_home)
    assert refused.returncode != 0
    assert "masks/a#1.tif: error BIA101" in refused.stdout + refused.stderr
    assert (repo / "masks/a#1.tif").exists()  # the fixer does not run at commit
    fixed = pre_commit(repo, pre_commit_home, "run", "bia-fix-names", "--hook-stage", "manual")
    out = fixed.stdout + fixed.stderr
    assert fixed.returncode == 1, out  # a fixer: files changed, review them
    assert "1 file(s) renamed; the renames are staged." in out
    assert not (repo / "masks/a#1.tif").exists() and (repo / "masks/a-1.tif").exists()
    assert (repo / "filelist.tsv").read_text().splitlines()[1] == (
        "masks/a-1.tif\tsegmentation_mask\tS-BIAD1/a.tif"
    )
    git(repo, "add", "filelist.tsv")
    done = commit(repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_fix_names_hook_is_manual() -> None:
    (hook,) = [h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
               if h["id"] == "bia-fix-names"]  # fmt: skip
    assert hook["stages"] == ["manual"]
    assert hook["entry"] == "bia-hooks fix-names --apply"


def test_a_commit_with_a_warning_shows_it_with_its_count_and_is_made(
    dataset: Path, pre_commit_home: Path
) -> None:
    """pre-commit hides the output of a hook that passes, unless the hook is verbose."""
    write(dataset, "masks/a b.tif")  # a space: a warning, not an error
    git(dataset, "add", "-A")
    result = commit(dataset, pre_commit_home)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "masks/a b.tif: warning BIA103" in out
    assert "0 error(s), 1 warning(s)" in out
    assert "1 name checked: the archive accepts it; 1 warning" in out
    assert git(dataset, "rev-list", "--count", "HEAD").strip() == "2"


def test_a_clean_commit_gets_one_line_of_each_hook(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """A hook with nothing to say says so in one line: under pre-commit's own lines (`- hook
    id`, `- duration`), its verdict and nothing else."""
    use_hooks(repo, hook_repo, "bia-check-names", "bia-sync-filelist", "bia-validate-filelist")
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    write(repo, "masks/a.tif")
    (repo / "filelist.tsv").write_text(
        "Files\tAnnotation type\tSource image\nmasks/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\n"
    )
    git(repo, "add", "-A")
    result = commit(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    # What the hooks print comes on stderr, after pre-commit's line per hook and its own lines.
    said = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(("- ", "[INFO]")) and not line.endswith("Passed")
    ]
    assert said == [
        "3 names checked: the archive accepts them all",
        "file lists in step: nothing to change",
        "1 file list, 1 row checked: no errors",
    ]


def test_a_hook_names_the_command_pre_commit_runs(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """Whoever set up only pre-commit has no bia-hooks command: the fix names the manual hook."""
    use_hooks(repo, hook_repo, "bia-validate-filelist")
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    (repo / "filelist.tsv").write_text(
        "Files\tAnnotation type\tSource image\nmasks/a#1.tif\tsegmentation_mask\tS-BIAD1/a.tif\n"
    )
    git(repo, "add", "-A")
    result = commit(repo, pre_commit_home)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "rename the file to 'masks/a-1.tif' (pre-commit run bia-fix-names --hook-stage manual)"
        in out
    )
    assert "bia-hooks fix-names" not in out


def test_every_hook_is_verbose() -> None:
    """A warning at commit, or the manual fixer's 'Nothing to rename', is shown when it passes."""
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks if h.get("verbose") is not True] == []
