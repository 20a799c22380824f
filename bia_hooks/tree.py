"""Which files the dataset holds: the git index (the staged state) or, outside git, the folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bia_hooks.errors import UsageError


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; install git, or run on a plain folder") from None
    if check and result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise UsageError(f"git {' '.join(args)} failed in {root}: {message}")
    return result


def is_git_work_tree(root: Path) -> bool:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return False
    return result.returncode == 0 and result.stdout.strip() == b"true"


def split_z(output: bytes) -> list[str]:
    # Paths are bytes to git; surrogateescape keeps a non-UTF-8 name intact for reporting.
    return [p.decode("utf-8", "surrogateescape") for p in output.split(b"\0") if p]


def index_files(root: Path) -> list[str]:
    """Every path in the git index below ``root``, relative to it: what the next commit records."""
    return split_z(git(root, "ls-files", "-z", "--cached").stdout)


def walk_files(root: Path) -> list[str]:
    """Every file (and symlink) below ``root``, '/'-separated, without version-control folders."""
    out: list[str] = []
    skip = {".git", ".dvc", ".pre-commit-cache"}

    def visit(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in skip:
                        visit(entry.path, rel + "/")
                else:
                    out.append(rel)

    visit(os.fspath(root), "")
    out.sort()
    return out


def dataset_paths(root: Path) -> list[str]:
    """The dataset's files: from the git index in a repository, else from the folder."""
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    return index_files(root) if is_git_work_tree(root) else walk_files(root)
