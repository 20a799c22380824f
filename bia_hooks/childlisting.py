"""The dataset's files listed, and their names checked, by a child process on the machine's
second core while the caller reads the file lists (``session.open_session``); by the caller
itself when a child is not worth its fork, or fails. Either way, the same files and findings."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bia_hooks import advice, forked, sync
from bia_hooks.config import Config, FileListConfig
from bia_hooks.findings import Finding

if TYPE_CHECKING:
    from bia_hooks.gitcmd import Started

# A child is made when each side has work worth more than the fork: a dataset of this many
# entries (listed and named in 0.03 s; in git, guessed from the size of its index) and lists of
# this many bytes (28,000 TSV rows, 110,000 XLSX rows: 0.04 s or more to read). Below, the fork
# and a second process on a busy machine cost as much (a check of 10,000 and 30,000 files:
# 0.02-0.04 s more).
FORK_FROM_ENTRIES = 50_000
FORK_FROM_BYTES = 2_000_000
INDEX_BYTES_PER_ENTRY = 100  # git's index: 62 bytes, the path, padding (88 at the bench's paths)

# The lists found among the data files (``session.find_filelists``, checked).
FindLists = Callable[[list[str]], list[FileListConfig]]


def worth_a_child(config: Config, filelists: Sequence[FileListConfig], entries: int | None) -> bool:
    """Is a child process worth its fork: a second core, the dataset's ``entries`` (None: not
    known) and its lists' size big enough (FORK_FROM_ENTRIES, FORK_FROM_BYTES)?"""
    if not forked.may_fork() or (entries is not None and entries < FORK_FROM_ENTRIES):
        return False
    size = 0
    for filelist in filelists:
        with contextlib.suppress(OSError, ValueError):  # not written yet: nothing to read
            size += os.stat(config.root / filelist.path).st_size
    return size >= FORK_FROM_BYTES


def entries_guessed(root: Path) -> int | None:
    """The entries of git's index, guessed from its size; None outside git."""
    from bia_hooks.gitcmd import repository

    found = repository(root)
    if found is None:
        return None
    try:
        return os.stat(found.index_file).st_size // INDEX_BYTES_PER_ENTRY
    except OSError:  # no index yet: nothing staged
        return 0


class Listing:
    """The dataset's files, listed while the caller reads the lists: by a child process, which
    also checks their names when asked (``names``), or else by git in its own process
    (``tree.listing_started``; ``started``: begun, and waited for, by the caller) and by this one
    when ``files`` is first called. A child that fails leaves the work to this process: the same
    files, or the same error. ``find_lists``: the lists found among the data files (without a
    configuration), which the child finds too (``found``)."""

    def __init__(self, config: Config, check_names: bool, apart: bool,
                 started: Started | None = None,
                 find_lists: FindLists | None = None) -> None:  # fmt: skip
        from bia_hooks.tree import listing_started

        self.config = config
        self.names: list[Finding] | None = None
        # Without a configuration, the lists the child found among the data files.
        self.found: list[FileListConfig] | None = None
        work = functools.partial(listed_apart, config, check_names, started, find_lists)
        self._child = forked.Child(work, apart)
        self._own = (
            None if self._child.started or started is not None else listing_started(config.root)
        )
        self._started = started if started is not None else self._own
        self._files: tuple[list[str], list[str], list[Finding]] | None = None

    def files(self) -> tuple[list[str], list[str], list[Finding]]:
        """``sync.dataset_files``: every path, the data files, the findings."""
        if self._files is None:
            sent = self._child.result()
            if sent is not None:
                (gaps, findings, self.names, found), blob = sent
                if found is not None:
                    self.found = [FileListConfig(path=p) for p in found]
                text = str(blob, "utf-8", "surrogatepass")
                paths = text.split("\0") if text else []
                self._files = paths, _without_at(paths, gaps), findings
            else:
                self._files = sync.dataset_files(self.config, self._started)
        return self._files

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self._child.__exit__(None, None, None)
        if self._own is not None:
            self._own.__exit__()


_Sent = tuple[list[int], list[Finding], list[Finding] | None, list[str] | None]


def listed_apart(config: Config, check_names: bool, started: Started | None,
                 find_lists: FindLists | None) -> tuple[_Sent, bytes]:  # fmt: skip
    """The child's work: the dataset's files, with the positions of the data files' gaps (the
    repository's own files), the findings, the names' findings and, without a configuration,
    the lists found; the paths as one blob, which the parent splits at C speed (a million
    pickled strings take longer to read back). ``started``: git's listing, which the parent
    waited for (its output is in a file the child reads again); else the child runs git."""
    paths, data, findings = sync.dataset_files(config, started)
    found = [f.path for f in find_lists(data)] if find_lists is not None else None
    # Findings come back far faster than they are found: 30,000 bad names of 130,000 paths took
    # 1.8 s to find, 0.09 s to read back.
    names = name_findings(config, paths) if check_names else None
    joined = "\0".join(paths)
    if joined.count("\0") != max(len(paths) - 1, 0):
        raise ValueError("a path holds a NUL")  # no path can: the parent lists them itself
    sent = _sendable(findings), _sendable(names) if names is not None else None
    return (_gaps(paths, data), *sent, found), joined.encode("utf-8", "surrogatepass")


def _sendable(findings: list[Finding]) -> list[Finding]:
    """The findings, each ``Advice`` in them (words that depend on the setting, said by a
    closure that pickle cannot send) replaced by one that holds its words in every setting."""
    sendable: dict[int, _SentAdvice] = {}  # a million findings share a handful of texts

    def words(text: str) -> str:
        if not isinstance(text, advice.Advice):
            return text
        if id(text) not in sendable:
            sendable[id(text)] = _SentAdvice(_Words(text))
        return sendable[id(text)]

    return [
        f.replace(message=words(f.message), fix=None if f.fix is None else words(f.fix))
        if isinstance(f.message, advice.Advice) or isinstance(f.fix, advice.Advice)
        else f
        for f in findings
    ]


class _Words:
    """What an ``Advice`` says in each setting (every combination of ``Setting``'s flags)."""

    def __init__(self, text: advice.Advice) -> None:
        flags = itertools.product((False, True), repeat=len(advice.Setting._fields))
        settings = [advice.Setting(*f) for f in flags]
        self.said = {setting: text.say(setting) for setting in settings}

    def __call__(self, setting: advice.Setting) -> str:
        return self.said[setting]


class _SentAdvice(advice.Advice):
    """An ``Advice`` saying its ``_Words``, read back as one (pickle's ``__reduce__``)."""

    def __reduce__(self) -> tuple[type[advice.Advice], tuple[_Words]]:
        assert isinstance(self.say, _Words)
        return advice.Advice, (self.say,)


_BLOCK = 4096  # paths compared at once by ``_gaps``


def _gaps(paths: list[str], data: list[str]) -> list[int]:
    """The positions in ``paths`` of the entries ``data`` leaves out (``data`` is ``paths``
    without a few, in their order), compared a block at a time at C speed, and one by one only
    in a block where one is left out: a million paths in a few milliseconds."""
    gaps: list[int] = []
    i = 0
    while i < len(paths):
        j = i - len(gaps)
        end = min(i + _BLOCK, len(paths))
        if paths[i:end] != data[j : j + end - i]:
            for k in range(i, end):
                if j < len(data) and paths[k] == data[j]:
                    j += 1
                else:
                    gaps.append(k)
        i = end
    if len(paths) - len(gaps) != len(data):
        raise ValueError("the data files are not the paths without a few")
    return gaps


def _without_at(paths: list[str], gaps: list[int]) -> list[str]:
    """``paths`` without the entries at ``gaps`` (ascending)."""
    if not gaps:
        return paths  # as ``tree.dataset_files`` gives it when nothing is left out
    data: list[str] = []
    for after, before in zip([-1, *gaps], [*gaps, len(paths)], strict=True):
        data += paths[after + 1 : before]  # a block copied at C speed
    return data


def name_findings(config: Config, paths: list[str]) -> list[Finding]:
    from bia_hooks import namecheck

    return namecheck.name_findings(config, paths, paths)
