"""Paths the repository names stay in the dataset: the one place that decides.

A repository is untrusted input (the Action runs on strangers' pull requests): its configuration,
its file lists and its DVC files name paths that bia-hooks reads and writes. Such a path must be
a relative path that stays below the dataset root as written (no ``/`` start, no ``..`` out, no
NUL) and once its symbolic links are followed (a tracked link to a folder elsewhere must not make
``sync`` write there, nor ``validate`` read there). A git-annex file is a link into the
repository's own object store: that is still the dataset's content.

Paths a person types on the command line (``export -o OUT``) are that person's choice and are not
decided here.
"""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

from bia_hooks.errors import UsageError

__all__ = ["inside_dataset", "leads_outside", "not_plain", "path_problem", "plain_problem"]

OUTSIDE_FIX = (
    "bia-hooks reads and writes only inside the dataset: name a file of the dataset itself, "
    "not one through a link to somewhere else"
)


def path_problem(relpath: str) -> str | None:
    """Why ``relpath``, as written, cannot name a file inside the dataset; None when it can.

    Pure: the disk is not looked at (``leads_outside`` follows the links).
    """
    if not relpath:
        return "the path is empty"
    if "\0" in relpath:
        return "the path holds a NUL byte, which no file name can hold"
    try:
        os.fsencode(relpath)
    except UnicodeEncodeError as e:
        bad = relpath[e.start : e.end].encode("unicode_escape").decode("ascii")
        return f"the path holds {bad}, which no file name can hold"
    if relpath.startswith("/"):
        return "an absolute path; paths are written from the dataset root"
    normal = posixpath.normpath(relpath)
    if normal == ".." or normal.startswith("../"):
        return "the path leaves the dataset through '..'; it must be inside the dataset root"
    return None


def plain_problem(relpath: str) -> str | None:
    """``path_problem``, or the path is not written plainly, as git writes paths (no ``./``,
    ``//``, ``a/..`` or trailing ``/``): a row or a list named so is not the file it means."""
    problem = path_problem(relpath)
    if problem is None and relpath == ".":
        return "the dataset root itself, not a file in it"
    if problem is None and posixpath.normpath(relpath) != relpath:
        return f"not written plainly (as '{posixpath.normpath(relpath)}')"
    return problem


def not_plain(relpaths: Sequence[str]) -> list[str]:
    """The paths among ``relpaths`` that ``plain_problem`` refuses, in order.

    A DVC folder's manifest may list a million paths: they are looked at all at once, at C speed,
    and one by one only when something is amiss.
    """
    joined = "\0" + "\0".join(relpaths) + "\0"
    parts = joined.replace("/", "\0")
    fine = (
        joined.count("\0") == len(relpaths) + 1  # no NUL inside a path
        and "\0\0" not in parts  # no empty path or component, no leading or trailing '/'
        and "\0.\0" not in parts
        and "\0..\0" not in parts
        and _encodable(joined)
    )
    return [] if fine else [p for p in relpaths if plain_problem(p) is not None]


def leads_outside(root: Path, relpath: str) -> str | None:
    """Where following the links of ROOT/RELPATH leads out of the dataset, or None when it
    stays in (a path that does not exist yet stays where its existing folders are). Call it
    on a path ``path_problem`` accepts."""
    top = _real_folder(os.fspath(root))
    folder, name = posixpath.split(relpath)
    full = os.path.join(_real_folder(os.path.join(top, folder)), name)
    if os.path.islink(full):
        full = os.path.realpath(full)
    if _within(full, top) or _in_annex_store(root, full):
        return None
    parts = relpath.split("/")
    for end in range(1, len(parts) + 1):  # the first link whose target is outside
        partial = os.path.join(top, *parts[:end])
        if os.path.islink(partial):
            target = os.path.realpath(partial)
            if not (_within(target, top) or _in_annex_store(root, target)):
                return f"'{'/'.join(parts[:end])}' is a symbolic link to {target}"
    return f"it leads to {full}"


def inside_dataset(root: Path, relpath: str, what: str) -> Path:
    """ROOT/RELPATH for a path the repository names, or a UsageError (exit 2) that names it
    after ``what`` (the configuration key, say) and says why and what to do."""
    problem = path_problem(relpath)
    if problem is not None:
        raise UsageError(f"{what} {relpath!r}: {problem}")
    outside = leads_outside(root, relpath)
    if outside is not None:
        raise UsageError(
            f"{what} {relpath!r} leads outside the dataset ({root}): {outside}. {OUTSIDE_FIX}"
        )
    return root / relpath


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    # Once per folder: file lists are looked for among every .tsv, .json and .xlsx of a dataset,
    # thousands of files in far fewer folders.
    return os.path.realpath(folder)


def _encodable(text: str) -> bool:
    try:
        os.fsencode(text)
    except UnicodeEncodeError:  # a lone surrogate, as JSON's "\\ud800" makes
        return False
    return True


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _in_annex_store(root: Path, resolved: str) -> bool:
    """Is ``resolved`` content git-annex keeps for this repository (a locked annexed file)?"""
    if f"{os.sep}annex{os.sep}objects{os.sep}" not in resolved:
        return False  # spares asking git where its folder is, for every other path
    store = _annex_store(os.fspath(root))
    return store is not None and _within(resolved, store)


@functools.lru_cache(maxsize=16)
def _annex_store(root: str) -> str | None:
    # Once per dataset: a dataset that is a folder of its repository may hold thousands of
    # annexed files, each a link out of the dataset into the repository's store.
    from bia_hooks.gitcmd import git_common_dir, is_git_work_tree

    if not is_git_work_tree(Path(root)):
        return None
    return os.path.realpath(git_common_dir(Path(root)) / "annex" / "objects")
