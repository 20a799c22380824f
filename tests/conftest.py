"""Shared fixtures: real git repositories in temporary folders, and the CLI run as a process."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

# openpyxl imports numpy where it is installed, and numpy's OpenBLAS starts a thread per core:
# a process with a thread beside it makes no child (bia_hooks.forked), and the tests of the
# two-core check run in this process after others imported openpyxl.
for _pool in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_pool, "1")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user's global git configuration leaks in; commits have an author."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.org\n"
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
        "[annex]\n\tautocommit = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("DVC_NO_ANALYTICS", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository: the dataset."""
    path = tmp_path / "dataset"
    path.mkdir()
    git(path, "init", "-q")
    return path


def write(root: Path, *paths: str, content: str = "data\n") -> None:
    for p in paths:
        target = root / p
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)


def dvc(root: Path, *args: str) -> None:
    """``dvc ARGS`` in ``root``, as a user runs it."""
    done = subprocess.run(["dvc", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``bia-hooks ARGS`` as a user runs it: a separate process, the code of this checkout."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.run(
        [sys.executable, "-m", "bia_hooks", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """This checkout, uncommitted changes included, as a git repository pre-commit can install.

    Returns (path, rev). pre-commit's environments live in one folder for the whole session, so the
    hooks are installed once.
    """
    snapshot = tmp_path_factory.mktemp("hook-repo")
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, tracked):
        source = PROJECT / rel
        if source.is_symlink():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(source), snapshot / rel)
        elif source.is_file():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "snapshot"]):
        subprocess.run(["git", *args], cwd=snapshot, check=True, env=env, capture_output=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=snapshot, capture_output=True,
                         text=True, check=True, env=env).stdout.strip()  # fmt: skip
    yield snapshot, rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def use_hooks(repo: Path, hook_repo: tuple[Path, str], *hook_ids: str, args: str = "") -> None:
    """Write a .pre-commit-config.yaml that uses this project's hooks, as a dataset would."""
    path, rev = hook_repo
    hooks = "".join(
        f"      - id: {h}\n" + (f"        args: [{args}]\n" if args else "") for h in hook_ids
    )
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n{hooks}"
    )
    git(repo, "add", ".pre-commit-config.yaml")


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )


def commit(repo: Path, home: Path, message: str = "change") -> subprocess.CompletedProcess[str]:
    """``git commit`` with pre-commit installed as the git hook: what a user does."""
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        ["git", "commit", "-m", message], cwd=repo, capture_output=True, text=True, env=env
    )


@pytest.fixture
def dvc_repo(repo: Path) -> Path:
    """A DVC-tracked folder holding a bad name, and a DVC-tracked file with one, committed."""
    dvc(repo, "init", "-q")
    write(repo, "data/a#1.tif", content="pixels of a\n")
    write(repo, "data/ok.tif", content="pixels of ok\n")
    write(repo, "b#2.tif", content="pixels of b\n")
    dvc(repo, "add", "-q", "data", "b#2.tif")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dvc")
    return repo


def run_on_terminal(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """(exit status, what it wrote) of ``command`` with its stderr an 80-column terminal (a new
    pseudo-terminal has no width: tqdm would draw an empty bar); stdout goes nowhere."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    err = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        err += chunk
    os.close(leader)
    return proc.wait(), err
