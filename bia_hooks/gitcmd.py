"""Running git: one place that turns a missing git or a failed call into a clear message."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import IO, NamedTuple

from bia_hooks.errors import UsageError


def git(root: Path, *args: str, check: bool = True,
        input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            capture_output=True,
            check=False,
            input=input,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; install git, or run on a plain folder") from None
    if check and result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise UsageError(f"git {' '.join(args)} failed in {root}: {message}")
    return result


def git_output(root: Path, *args: str) -> bytes | None:
    """What a git call writes, or None when it fails (the caller then goes the long way, where
    ``git`` says why). One pipe, read at once: a million paths come 30% faster than through
    ``git``'s two pipes, which are polled 32 KiB at a time (``benches/``: check-names)."""
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


class Repository(NamedTuple):
    """What git says of the work tree holding a folder."""

    top: Path  # its top folder, resolved
    git_dir: Path  # its own git directory (a worktree has its own index)
    common_dir: Path  # the git directory its worktrees share
    index_file: Path  # the index git uses now (a commit of given files uses another one)
    object_format: str  # how git names objects here: sha1, sha256, or '' when git cannot say


_REPOSITORY_QUESTIONS = (
    ("--is-inside-work-tree",), ("--show-toplevel",), ("--absolute-git-dir",),
    ("--git-common-dir",), ("--git-path", "index"), ("--show-object-format",),
)  # fmt: skip
_known: dict[Path, Repository] = {}


def repository(folder: Path) -> Repository | None:
    """The git work tree holding ``folder``, asked of git once (one process, not one a fact):
    None outside a work tree, or without git. A work tree found is remembered until
    ``forget_repositories`` (each run starts so)."""
    key = Path(os.path.abspath(folder))
    if key in _known:
        return _known[key]
    asked = [a for question in _REPOSITORY_QUESTIONS for a in question]
    answers = _rev_parse(folder, "--path-format=absolute", *asked)
    if answers is not None and len(answers) != len(_REPOSITORY_QUESTIONS):
        # A path holding a line feed: one question at a time.
        each = [_rev_parse(folder, "--path-format=absolute", *q) for q in _REPOSITORY_QUESTIONS]
        answers = [a[0] for a in each if a is not None and len(a) == 1]
    if answers is None or len(answers) != len(_REPOSITORY_QUESTIONS):
        return None
    inside, top, git_dir, common_dir, index_file, object_format = answers
    if inside != "true" or not top:
        return None
    found = Repository(
        Path(top).resolve(),
        Path(git_dir),
        Path(common_dir),
        Path(index_file),
        object_format if object_format in ("sha1", "sha256") else "",
    )
    _known[key] = found
    return found


def forget_repositories() -> None:
    _known.clear()


def _rev_parse(folder: Path, *questions: str) -> list[str] | None:
    """The lines ``git rev-parse`` answers with, or None when it fails."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", *questions], cwd=folder, capture_output=True, check=False
        )
    except (FileNotFoundError, NotADirectoryError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "surrogateescape").removesuffix("\n").split("\n")


def is_git_work_tree(root: Path) -> bool:
    return repository(root) is not None


def git_common_dir(root: Path) -> Path:
    """The repository's git directory (shared by its worktrees): where git-annex keeps its objects
    and bia-hooks its own records."""
    found = repository(root)
    if found is None:
        raise UsageError(f"{root} is not in a git work tree")
    return found.common_dir


def git_toplevel(folder: Path) -> Path | None:
    """The top folder of the git work tree holding ``folder``, or None outside git."""
    found = repository(folder)
    return None if found is None else found.top


def split_z(output: bytes) -> list[str]:
    # Paths are bytes to git; surrogateescape keeps a non-UTF-8 name intact for reporting.
    # Decoding once and splitting is the same (NUL is never inside a UTF-8 sequence) and faster.
    return [p for p in output.decode("utf-8", "surrogateescape").split("\0") if p]


def has_commit(root: Path, rev: str) -> bool:
    """Does ``rev`` name a commit (False in a repository without commits yet)?"""
    done = git(root, "rev-parse", "-q", "--verify", f"{rev}^{{commit}}", check=False)
    return done.returncode == 0


class Started:
    """A git call started now and read later (``output``): git works in its own process while
    Python does something else. Its output goes to a temporary file, not a pipe, so that git never
    waits for a reader. Use it as a context manager: the process is always waited for."""

    def __init__(self, root: Path, *args: str) -> None:
        import tempfile

        self._file: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        try:  # no temporary file, or no git: ``output`` says None
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
            self._process = subprocess.Popen(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=self._file,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            pass

    def output(self) -> bytes | None:
        """What git wrote, or None when it failed (the caller then goes the long way, where
        ``git`` says why), as ``git_output``. Read once."""
        if self._file is None or self._process is None or self._process.wait() != 0:
            return None
        try:
            self._file.seek(0)
            return self._file.read()
        except OSError:
            return None

    def __enter__(self) -> Started:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._file is not None:
            self._file.close()
