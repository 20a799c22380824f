"""One run over a dataset: list its files once, find and read its file lists once, share the files
out, detect renames, and plan each list. ``check``, ``sync`` and ``sync --check`` use this flow
rather than wiring the steps by hand; what a plan does to one list is ``sync``'s."""

from __future__ import annotations

import contextlib
import functools
import posixpath
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, AnyStr, Generic, TypeVar, cast

from bia_hooks import advice, moves, ownership, progress, rowlog, sync
from bia_hooks.config import Config, FileListConfig
from bia_hooks.errors import UsageError
from bia_hooks.filelist.table import FORMATS, Table
from bia_hooks.findings import Finding
from bia_hooks.rowlog import RemovedRow

if TYPE_CHECKING:
    from bia_hooks.gitcmd import Started

FILELIST_SUFFIXES = tuple(f".{f}" for f in FORMATS)  # the extensions the archive reads
# A merge, cherry-pick, revert or rebase in progress: the other side's version is at this ref.
OTHER_HEADS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "REBASE_HEAD")

T = TypeVar("T")

# Reads one file list: its Table (None when the archive cannot read one) and its findings.
Reader = Callable[[Config, str], tuple[Table | None, list[Finding]]]


@dataclass
class Session:
    config: Config
    paths: list[str]  # every path of the dataset, repository files included
    data: list[str]  # the files file lists name
    findings: list[Finding]  # what listing the dataset found amiss, at the configured levels
    filelists: list[FileListConfig]
    configured: bool
    in_git: bool
    # What each list names, None where the archive cannot read it (or it is not written yet: []).
    listed: dict[str, list[str] | None] = field(default_factory=dict)
    # Each list as the archive reads it (None: cannot), kept when the run reports on content.
    tables: dict[str, Table | None] = field(default_factory=dict)
    read_findings: dict[str, list[Finding]] = field(default_factory=dict)
    renames: dict[str, dict[str, str]] = field(default_factory=dict)
    owners: ownership.Ownership = field(default_factory=ownership.Ownership)
    # Lists already open for editing (the incremental run reads them to share the change out).
    editors: dict[str, sync.Editor] = field(default_factory=dict)
    _saved: list[RemovedRow] = field(default_factory=list)  # rows saved by earlier syncs
    _names: list[Finding] | None = None  # ``name_findings``, when a child found them already

    @property
    def setting(self) -> advice.Setting:
        return advice.Setting(in_git=self.in_git, in_hook=advice.in_hook())

    def name_findings(self) -> list[Finding]:
        """The names of every entry of the dataset, checked (``namecheck.name_findings``)."""
        if self._names is None:
            from bia_hooks.childlisting import name_findings

            self._names = name_findings(self.config, self.paths)
        return self._names

    def members(self, filelist: FileListConfig) -> list[str]:
        return self.owners.members.get(filelist.path, [])

    def moved_out(self, filelist: FileListConfig) -> dict[str, tuple[str, str]]:
        """Rows of this list whose renamed file another list takes: old -> (new, that list)."""
        return {
            old: (new, joins)
            for new, (leaves, old, joins) in self.owners.moves.items()
            if leaves == filelist.path
        }

    def coverage_findings(self) -> list[Finding]:
        """Files nobody lists, or that two lists name, at the configured levels."""
        findings = list(self.owners.findings)
        if not self.filelists and self.data:  # no file yet, nothing to list: not a mistake
            looked = (
                f"; this looked for the dataset in {self.config.root}: run it from the "
                "upload's top folder, or give --root FOLDER"
                if not self.in_git and self.config.file is None
                else ""
            )
            fix = advice.start_a_list(looked)
            findings.append(Finding("BIA425", "", "the dataset has no file list", fix=fix))
        for path in self.owners.unclaimed:
            findings.append(_unclaimed(self.config.root, path, self.configured))
        return self.config.apply_severity(findings)

    def drift_findings(self, filelist: FileListConfig) -> tuple[sync.ListSync, list[Finding]]:
        """What a sync would change in one list, as findings; a list the archive cannot read is
        not in step either (its read findings say why: the caller reports them)."""
        outcome, drift = sync.check_one(
            self.config,
            filelist,
            self.members(filelist),
            self.renames.get(filelist.path, {}),
            self.tables.get(filelist.path),
            self.moved_out(filelist),
        )
        return outcome, self.config.apply_severity(drift)

    def prepare(self) -> list[tuple[sync.ListSync, sync.Editor | None]]:
        """Every list brought in line in memory; nothing is written. A list that cannot be edited
        stops the run here, before any list is written."""
        arriving = sync.rows_moving_in(self.config, self.owners.moves)
        untracked = moves.UntrackedTwins(self.config.root)
        saved = self._saved = rowlog.read(self.config.root)
        other_head = self._other_head()
        prepared = []
        for filelist in self.filelists:
            listed = self.listed.get(filelist.path)
            if listed is None:
                continue  # the archive cannot read it: its findings say what to fix first
            known = {
                **self._other_branch(other_head, filelist),
                **_saved_rows(saved, filelist.path, self.renames.get(filelist.path, {})),
                **arriving,
            }
            outcome, editor = sync.prepare_sync(
                self.config,
                filelist,
                self.members(filelist),
                self.renames.get(filelist.path, {}),
                known,
                untracked,
                listed,
                self.moved_out(filelist),
                self.editors.pop(filelist.path, None),
            )
            for old in self.owners.same_name.get(filelist.path, {}):
                if old in outcome.plan.renamed:
                    outcome.carried[old] = "the only new file with the same name"
            found_json = not self.configured and filelist.path.endswith(".json")
            if found_json and editor is not None and not editor.rows:
                raise UsageError(_empty_json(filelist.path, self.setting))
            prepared.append((outcome, editor))
        return prepared

    def restored_rows(self, prepared: Sequence[tuple[sync.ListSync, object]]) -> list[RemovedRow]:
        """The saved rows (read by ``prepare``) whose values the sync put back on their file's
        new row."""
        arrived = {(o.config.path, p) for o, _ in prepared for p in o.arrived}
        return [
            row
            for row in self._saved
            if (row.filelist, self.renames.get(row.filelist, {}).get(row.path)) in arrived
        ]

    def _other_head(self) -> str | None:
        """The other side of a merge (or cherry-pick, revert, rebase) in progress, if any."""
        if not self.in_git:
            return None
        from bia_hooks.gitcmd import git, repository

        found = repository(self.config.root)
        for head in OTHER_HEADS:
            if found is not None and not (found.git_dir / head).exists():
                continue  # git keeps it in a file of that name: no process asked
            done = git(self.config.root, "rev-parse", "-q", "--verify", head, check=False)
            if done.returncode == 0:
                return head
        return None

    def _other_branch(
        self, head: str | None, filelist: FileListConfig
    ) -> dict[str, tuple[str, dict[str, str]]]:
        """The rows of this list in the other side's version during a merge, so that a conflict
        resolved with one side does not lose the other side's values of the rows the sync adds
        back."""
        if head is None:
            return {}
        from bia_hooks.gitcmd import git

        blob = git(self.config.root, "show", f"{head}:./{filelist.path}", check=False)
        if blob.returncode != 0:
            return {}
        table = _table_of_bytes(filelist.path, blob.stdout)
        if table is None:
            return {}
        where = f"from {head}'s version of {filelist.path} (the other side of the merge)"
        return {
            row[0]: (where, {h: c for h, c in zip(table.header[1:], row[1:], strict=False) if c})
            for row in table.rows
            if row and len(row) > 1
        }


def open_session(config: Config, reader: Reader | None = None, keep_tables: bool = True,
                 check_names: bool = False) -> Session:  # fmt: skip
    """The dataset at ``config.root``, listed once, with every file list read by ``reader``
    (default: as the archive reads it) and the files shared out among the lists.

    ``keep_tables=False`` keeps only the paths each list names: a sync that writes then holds a
    million-row list once, in its editor, not twice (benches/run.py: peak memory).
    ``check_names``: the caller asks ``Session.name_findings``; on a big dataset, a child
    process checks the names while the lists are read.
    """
    # Here, not at the top: the incremental sync (a hook) builds a session without a listing.
    from bia_hooks import childlisting
    from bia_hooks.gitcmd import is_git_work_tree
    from bia_hooks.tree import listing_started

    read = reader or _read
    # git lists the files and looks for renames while the lists are read (they wait on git):
    # at 1M files, 0.5 s of the run (`bia-hooks check` in benches/run.py). On a big dataset, a
    # child lists the files and checks their names meanwhile: at 1M files, the main process's
    # CPU time went from 2.0-2.3 s to 1.5-1.7 s (the child's 0.85 s and git's beside it).
    names: list[Finding] | None = None
    if config.filelists:  # the lists are known before the files
        entries = childlisting.entries_guessed(config.root)
        apart = childlisting.worth_a_child(config, config.filelists, entries)
        with childlisting.Listing(config, check_names, apart) as listing:
            try:
                filelists, configured = filelists_of(config, ())
                renames = _InThread(_renames_of, config, filelists)
                lists = _read_lists(config, filelists, read, keep_tables)
            except UsageError:
                listing.files()  # the listing's error first, as ever
                raise
            (paths, data, findings), names = listing.files(), listing.names
    else:  # the lists are found among the files: git's listing first
        with listing_started(config.root) as started:
            guess = _guessed_lists(config, started)
            find = functools.partial(_found_lists, config)
            apart = guess is not None
            with childlisting.Listing(config, check_names, apart, started, find) as listing:
                early = _read_early(config, guess, read, keep_tables) if guess is not None else None
                (paths, data, findings), names = listing.files(), listing.names
            if listing.found is not None:
                filelists, configured = listing.found, False
            else:
                filelists, configured = filelists_of(config, data)
        if early is not None and guess == filelists:
            renames, early_lists = early
            if isinstance(early_lists, UsageError):
                raise early_lists
            lists = early_lists
        else:
            if early is not None:  # the guess was wrong: what was read for it is dropped
                with contextlib.suppress(Exception):
                    early[0].result()
                early = None
            renames = _InThread(_renames_of, config, filelists)
            lists = _read_lists(config, filelists, read, keep_tables)
    in_git = is_git_work_tree(config.root)
    session = Session(config, paths, data, findings, filelists, configured, in_git)
    session.listed, session.tables, session.read_findings = lists
    session._names = names
    session.renames = renames.result()
    session.owners = ownership.share_out(
        data, filelists, session.listed, session.renames, config.ignore
    )
    for name, pairs in session.owners.same_name.items():
        session.renames[name] = {**session.renames[name], **pairs}
    return session


def _guessed_lists(config: Config, started: Started) -> list[FileListConfig] | None:
    """The lists ``find_filelists`` will find in the data files, guessed from git's listing
    (waited for here) before the files are known, when a child process is worth it: the child
    lists the files while this process reads them, and says the lists it found. A guess that
    does not hold (a list DVC tracks, ...) is read again; None: no child."""
    from bia_hooks import childlisting, dataset, forked, junk

    if not forked.may_fork():
        return None
    out = started.output()
    entries = out.count(b"\0") if out is not None else 0
    if out is None or entries < childlisting.FORK_FROM_ENTRIES:  # before any list is looked at
        return None
    suffixes = tuple(s.encode() for s in FILELIST_SUFFIXES)
    ending = [p.decode("utf-8", "surrogateescape") for p in _ending_with_in(out, b"\0", suffixes)]
    del out
    data = [p for p in ending if not dataset.is_machinery(p) and not junk.is_set_apart(p)]
    try:
        found, _ = filelists_of(config, data)
    except UsageError:  # said when the files are listed, as ever
        return None
    return found if childlisting.worth_a_child(config, found, entries) else None


def _read_early(
    config: Config, guess: Sequence[FileListConfig], read: Reader, keep_tables: bool
) -> tuple[_InThread[dict[str, dict[str, str]]], _Lists | UsageError]:
    """The guessed lists read, and their renames looked for, while the files are listed. The
    error of a list is raised if the guess holds, after the listing's own."""
    renames = _InThread(_renames_of, config, guess)
    try:
        return renames, _read_lists(config, guess, read, keep_tables)
    except UsageError as e:
        return renames, e


def _found_lists(config: Config, data: list[str]) -> list[FileListConfig]:
    return filelists_of(config, data)[0]


def _renames_of(config: Config, filelists: Sequence[FileListConfig]) -> dict[str, dict[str, str]]:
    renames_of = sync.rename_finder(config)
    return {fl.path: renames_of(fl) for fl in filelists}


class _InThread(Generic[T]):
    """``work(*args)`` run in a thread of its own, for work that waits on git; ``result`` waits
    for it and raises what it raised."""

    def __init__(self, work: Callable[..., T], *args: object) -> None:
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work, *args), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[..., T], *args: object) -> None:
        try:
            self._result = work(*args)
        except BaseException as e:  # raised again by ``result``, in the caller's thread
            self._error = e

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return cast("T", self._result)


_Lists = tuple[dict[str, list[str] | None], dict[str, Table | None], dict[str, list[Finding]]]


def _read_lists(
    config: Config, filelists: Sequence[FileListConfig], read: Reader, keep_tables: bool
) -> _Lists:
    """What each list names, its table (if kept) and its findings: ``Session``'s fields."""
    listed: dict[str, list[str] | None] = {}
    tables: dict[str, Table | None] = {}
    read_findings: dict[str, list[Finding]] = {}
    for filelist in progress.steps(filelists, "file lists read"):
        table: Table | None = None
        found: list[Finding] = []
        if (config.root / filelist.path).exists() or (config.root / filelist.path).is_symlink():
            table, found = read(config, filelist.path)
            targets = table.targets if table is not None else None
            if targets is not None and not keep_tables:
                table = None  # its cells go before its paths are made anew
                targets = _made_anew(targets)
            listed[filelist.path] = targets
        else:
            listed[filelist.path] = []  # configured, not written yet: it takes its files
        tables[filelist.path] = table if keep_tables else None
        read_findings[filelist.path] = found
        del table
    return listed, tables, read_findings


def _made_anew(paths: list[str]) -> list[str]:
    """``paths`` as new strings; the list given is emptied. Left among the other cells of their
    table, freed, a million paths would keep the memory of them all (Python gives back to the
    system only memory with nothing left in it): at 1M rows, 80 MB held, 60 MB of the peak."""
    joined = "\0".join(paths)
    if joined.count("\0") != len(paths) - 1:  # a path holds a NUL (a JSON list may)
        return paths
    count = len(paths)
    paths.clear()  # the last reference to each old string: the table's memory goes now
    return joined.split("\0") if count else []


def _read(config: Config, path: str) -> tuple[Table | None, list[Finding]]:
    from bia_hooks.filelist.read import read_filelist

    table, found = read_filelist(config.root, path)
    return table, config.apply_severity(found)


def _saved_rows(
    saved: Sequence[RemovedRow], name: str, renames: dict[str, str]
) -> dict[str, tuple[str, dict[str, str]]]:
    """Rows of ``name`` saved when removed, whose rename git shows now (the file was added to git
    after the row went): new path -> (where from, values)."""
    return {
        renames[row.path]: (f"saved when the row of {row.path} was removed", row.values)
        for row in saved
        if row.filelist == name and row.path in renames
    }


def _table_of_bytes(path: str, data: bytes) -> Table | None:
    """A file list's content read as the archive reads it (from git, not the disk)."""
    from bia_hooks.filelist.read import read_filelist_bytes

    return read_filelist_bytes(path, data)[0]


def _empty_json(name: str, setting: advice.Setting) -> str:
    return (
        f"{name} would have no entry left: the archive refuses an empty file list, and an empty "
        "JSON array is not recognised as one. If its annotation section is gone, delete it "
        f"({advice.delete_file(name).say(setting)}); else name it under 'filelists:' in "
        ".bia-hooks.yaml. Nothing was written."
    )


def filelists_of(config: Config, paths: Sequence[str]) -> tuple[list[FileListConfig], bool]:
    """The configured file lists, checked, or else the ones found; and whether configured."""
    if not config.filelists:
        found = find_filelists(config.root, paths)
        for filelist in found:  # a list git has, in a folder the disk has made a link since
            ensure_inside(config.root, filelist)
        return found, False
    seen: set[str] = set()
    for filelist in config.filelists:
        ensure_inside(config.root, filelist)
        if filelist.path in seen:
            raise UsageError(
                f"file list {filelist.path}: named twice under 'filelists' in .bia-hooks.yaml; "
                "keep one entry (its include globs can name several folders)"
            )
        seen.add(filelist.path)
    return list(config.filelists), True


def find_filelists(root: Path, paths: Sequence[str]) -> list[FileListConfig]:
    """File lists found by themselves (no configuration): see ``looks_like_filelist``."""
    from bia_hooks.filelist.read import looks_like_filelist

    return [FileListConfig(path=p) for p in _ending_with(paths, FILELIST_SUFFIXES)
            if looks_like_filelist(root, p)]  # fmt: skip


def _ending_with(paths: Sequence[str], suffixes: tuple[str, ...]) -> list[str]:
    """The paths that end with one of ``suffixes``, in their order: found in the joined paths at
    C speed (a million files hold a handful of lists; a test of each path took half a second)."""
    text = "\n".join(paths) + "\n"
    if text.count("\n") != len(paths):  # a line feed inside a path: each is looked at
        return [p for p in paths if p.endswith(suffixes)]
    return _ending_with_in(text, "\n", suffixes)


def _ending_with_in(text: AnyStr, end: AnyStr, suffixes: tuple[AnyStr, ...]) -> list[AnyStr]:
    """``_ending_with`` of the entries of ``text``, each followed by ``end`` (which none holds)."""
    starts: set[int] = set()
    for suffix in suffixes:
        at = text.find(suffix + end)
        while at >= 0:
            starts.add(text.rfind(end, 0, at) + 1)
            at = text.find(suffix + end, at + 1)
    return [text[s : text.index(end, s)] for s in sorted(starts)]


def ensure_inside(root: Path, filelist: FileListConfig) -> None:
    """A file list's path must be a plain path inside the dataset, as git writes it, and stay in
    the dataset once its links are followed (the sync writes it)."""
    from bia_hooks.confine import inside_dataset, plain_problem

    inside_dataset(root, filelist.path, "file list")
    if plain_problem(filelist.path) is not None:
        raise UsageError(
            f"file list {filelist.path}: write it as '{posixpath.normpath(filelist.path)}' in "
            ".bia-hooks.yaml (from the dataset root, without './' or '//')"
        )


def _unclaimed(root: Path, path: str, configured: bool) -> Finding:
    from bia_hooks.filelist.read import looks_like_filelist

    if configured and path.endswith(FILELIST_SUFFIXES) and looks_like_filelist(root, path):
        return Finding(
            "BIA423",
            path,
            "this looks like a file list, but .bia-hooks.yaml does not name it, so it is taken "
            "for a data file and the files it lists are not its own",
            fix=f"name it under 'filelists:' in .bia-hooks.yaml (- path: {path})",
        )
    fix = (
        "add it to a file list's 'include' globs, or to 'ignore' in .bia-hooks.yaml"
        if configured
        else "add its row to the file list it belongs to (the sync then keeps it), or put a "
        "file list in a folder above it"
    )
    return Finding(
        "BIA423", path, "no file list covers this file, so it will not be described", fix=fix
    )
