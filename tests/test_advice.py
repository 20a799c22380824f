"""Advice fits the setting: no git words in a plain folder, git's steps in a repository, and the
commands pre-commit runs when bia-hooks runs as a pre-commit hook (PRE_COMMIT=1, which pre-commit
sets for every hook it runs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bia_hooks import advice
from tests.conftest import PROJECT, git, write

GIT_WORDS = re.compile(
    r"\bgit\b|\.gitignore|\bstag(?:e|ed|es|ing)\b|\bcommit|\bhooks?\b|\bindex\b", re.IGNORECASE
)


def git_words(text: str) -> list[str]:
    """Git's words in what bia-hooks printed (its own name, and its configuration's, aside)."""
    return GIT_WORDS.findall(text.replace(".bia-hooks.yaml", "").replace("bia-hooks", ""))


def bia(root: Path, *args: str, hook: bool = False) -> str:
    """Everything ``bia-hooks ARGS`` prints; as a pre-commit hook when ``hook``."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    env.pop("PRE_COMMIT", None)
    if hook:
        env["PRE_COMMIT"] = "1"
    done = subprocess.run([sys.executable, "-m", "bia_hooks", *args], cwd=root,
                          capture_output=True, text=True, env=env)  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout + done.stderr


HEADER = "Files\tAnnotation type\tSource image\n"


def problems(root: Path) -> None:
    """A dataset with each kind of problem whose advice names a step of git."""
    write(root, "masks/a.tif", "masks/new.tif", "masks/.DS_Store", "masks/b#1.tif")
    (root / "masks" / "filelist.tsv").write_text(
        HEADER
        + "masks/a.tif\tsegmentation_mask\timages/a.tif\n"
        + "masks/gone.tif\tsegmentation_mask\timages/gone.tif\n"  # typed values, file gone
    )
    (root / "broken.dvc").write_text("outs: 12\n")  # a DVC file that cannot be read
    (root / ".bia-hooks.yaml").write_text(
        "version: 1\nfilelists:\n  - path: masks/filelist.tsv\n  - path: points/filelist.tsv\n"
    )  # the second list does not exist yet


def everything(root: Path, hook: bool = False) -> str:
    out = bia(root, "check", hook=hook)
    out += bia(root, "check-names", hook=hook)
    out += bia(root, "sync", "--check", hook=hook)
    out += bia(root, "fix-names", hook=hook)
    out += bia(root, "sync", hook=hook)  # writes: a row added, a row with typed values removed
    out += bia(root, "fix-names", "--apply", hook=hook)
    out += bia(root, "restore", "masks/gone.tif", "masks/new.tif", hook=hook)
    return out


def test_a_plain_folder_gets_no_git_words(tmp_path: Path) -> None:
    problems(tmp_path)
    out = everything(tmp_path)
    # Every kind of problem was there, and said.
    for said in ("BIA420", "BIA421", "BIA424", "BIA110", "BIA402", "BIA101", "restore"):
        assert said in out
    assert git_words(out) == [], out


def test_a_plain_folder_without_a_file_list(tmp_path: Path) -> None:
    write(tmp_path, "masks/a.tif")
    out = bia(tmp_path, "check") + bia(tmp_path, "sync")
    assert "BIA425" in out
    assert git_words(out) == [], out


def test_a_conflicted_list_in_a_plain_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.tif")
    (tmp_path / "filelist.tsv").write_text(
        HEADER + "<<<<<<< ours\na.tif\tx\ti\n=======\na.tif\ty\ti\n>>>>>>> theirs\n"
    )
    out = bia(tmp_path, "check")
    assert "BIA232" in out
    assert git_words(out) == [], out


def test_a_repository_keeps_gits_advice(repo: Path) -> None:
    problems(repo)
    git(repo, "add", "-A")
    out = everything(repo)
    assert "stage the file list" in out
    assert "git rm --cached" in out
    assert "review and stage it (git add masks/filelist.tsv)" in out
    assert "the bia-sync-filelist hook does it at commit" in out


# --- as a pre-commit hook: the commands pre-commit runs, not a command that may be missing ---


def test_hooks_name_the_pre_commit_command(repo: Path) -> None:
    problems(repo)
    (repo / "masks" / "filelist.tsv").write_text(
        HEADER + "masks/b#1.tif\tsegmentation_mask\timages/b.tif\n"
    )
    git(repo, "add", "-A")
    out = bia(repo, "validate", "--changed", "masks/filelist.tsv", hook=True)
    assert "BIA301" in out
    assert "(pre-commit run bia-fix-names --hook-stage manual)" in out
    assert "bia-hooks fix-names" not in out
    out = bia(repo, "check", hook=True)
    assert "run 'pre-commit run bia-sync-filelist --all-files'" in out
    assert "'bia-hooks sync'" not in out


def test_a_hook_names_what_pre_commit_cannot_run_with_how_to_install_it(repo: Path) -> None:
    write(repo, "masks/gone.tif")
    (repo / "masks" / "filelist.tsv").write_text(
        HEADER + "masks/gone.tif\tsegmentation_mask\timages/gone.tif\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    git(repo, "rm", "-q", "masks/gone.tif")
    out = bia(repo, "sync", hook=True)
    assert "'bia-hooks restore masks/gone.tif NEW_PATH'" in out
    assert f"({advice.NOT_A_HOOK}: {advice.INSTALL})" in out


def test_no_file_list_as_a_hook(repo: Path) -> None:
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    out = bia(repo, "sync", hook=True)
    assert "BIA425" in out
    assert f"'bia-hooks init' ({advice.NOT_A_HOOK}: {advice.INSTALL})" in out
    assert "'bia-hooks sync'" not in out


def test_the_hooks_advice_names_are_the_manifests() -> None:
    """Each subcommand advice names with a hook is that hook's entry, at its stage."""
    hooks = {h["id"]: h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    for subcommand, hook_id in advice.HOOKS.items():
        hook = hooks[hook_id]
        assert hook["entry"].split()[:2] == ["bia-hooks", subcommand]
        manual = hook.get("stages") == ["manual"]
        assert (subcommand in advice.MANUAL) == manual
        said = advice.command(advice.Setting(in_hook=True), subcommand)
        stage = "--hook-stage manual" if manual else "--all-files"
        assert said == f"'pre-commit run {hook_id} {stage}'"
    assert sorted(advice.HOOKS.values()) == sorted(hooks)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (advice.Setting(), "'bia-hooks export a.tsv -o b.tsv'"),
        (advice.Setting(in_git=False), "'bia-hooks export a.tsv -o b.tsv'"),
        (
            advice.Setting(in_hook=True),
            f"'bia-hooks export a.tsv -o b.tsv' ({advice.NOT_A_HOOK}: {advice.INSTALL})",
        ),
    ],
)
def test_a_command_without_a_hook(setting: advice.Setting, said: str) -> None:
    assert advice.command(setting, "export", "a.tsv -o b.tsv") == said


def test_the_setting_is_read_from_the_environment(tmp_path: Path, repo: Path) -> None:
    assert advice.detect(tmp_path, {}) == advice.Setting(in_git=False, in_hook=False)
    assert advice.detect(repo, {"PRE_COMMIT": "1"}) == advice.Setting(in_git=True, in_hook=True)
