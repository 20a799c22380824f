"""The files of the dataset: the git index (the staged state) or, outside git, the folder, with
what git-annex and DVC know about them."""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import itertools
import operator
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from bia_hooks import dataset, dvcrepo, gitobjects, junk
from bia_hooks.config import DEFAULT_OBJECTS
from bia_hooks.dataset import DatasetFile
from bia_hooks.dataset import FileKind as FileKindT
from bia_hooks.errors import UsageError
from bia_hooks.findings import Finding
from bia_hooks.gitcmd import Started, git, git_common_dir, has_commit, is_git_work_tree

__all__ = [
    "DatasetFile",
    "DatasetFiles",
    "dataset_files",
    "git",
    "is_git_work_tree",
    "list_dataset",
]


_NOT_DATA_FOLDERS = frozenset({".git", ".dvc", ".pre-commit-cache"})


def _scan(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(path from root, entry) of every file and symlink below ``root``, depth first, without
    version-control folders; an unreadable folder is one clear error."""

    def visit(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        try:
            entries = os.scandir(folder)
        except OSError as e:
            raise UsageError(f"cannot read the folder {folder}: {e.strerror}") from None
        with entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _NOT_DATA_FOLDERS:
                        yield from visit(entry.path, rel + "/")
                else:
                    yield rel, entry

    return visit(os.fspath(root), "")


class DatasetFiles(NamedTuple):
    """The files of the dataset: the one answer every command works from."""

    paths: list[str]  # every entry, sorted: the files to deposit and the repository's own
    data: list[str]  # the files to deposit, what file lists name: ``paths`` without machinery
    findings: list[Finding]  # what stopped a full listing (BIA401-BIA404), what is set apart


def listing_started(root: Path) -> Started:
    """git's list of the index, started now for ``dataset_files`` to read later: git lists a
    million paths (0.3 s) while Python reads the file lists (``session.open_session``)."""
    return Started(root, *_LS_FILES)


_LS_FILES = ("ls-files", "-z", "--deduplicate")


def dataset_files(root: Path, objects: tuple[str, ...] = DEFAULT_OBJECTS,
                  started: Started | None = None) -> DatasetFiles:  # fmt: skip
    """The files of the dataset at ``root``, as the archive receives them.

    One entry per file: the git index (annexed files too, present or not) or, outside git, the
    folder; the files DVC tracks in place of their git-ignored paths (a tracked folder's files
    from its cache manifest); each folder matching ``objects`` (a zarr store) as one entry,
    never its chunks. Repository machinery (``.gitignore``, ``*.dvc``, ...) is in ``paths`` and
    set apart from ``data``. What is in the folder but no file of the dataset (``junk``: junk an
    operating system made, an office program's lock file, the temporary file of an interrupted
    write) is left out of both, with a finding each (BIA110, BIA115, BIA112). Paths only: no annex
    key is read (``list_dataset`` has the detail). ``started``: ``listing_started``'s git call.
    """
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    in_git = is_git_work_tree(root)
    if in_git:
        plain = _plain_git_paths(root, objects, started)
        if plain is not None:
            return _set_apart(*plain)
    entries, findings = list_dataset(root, objects, detail=False)
    paths = [e.path for e in entries]
    data = [e.path for e in entries if e.kind != "machinery"]
    return _set_apart(DatasetFiles(paths, data, findings), None)


def _set_apart(files: DatasetFiles, joined: str | None) -> DatasetFiles:
    """What ``junk.is_set_apart`` (junk, lock files, leftovers of interrupted writes) left out:
    no row, no name to fix, one finding each. ``joined``: the paths, each followed by a NUL
    (git's output), when at hand."""
    if joined is None:
        joined = "\0".join(files.paths) + "\0"
    if not junk.may_hold_set_apart(joined):  # at C speed, as a rule
        return files
    apart = [p for p in files.paths if junk.is_set_apart(p)]
    if not apart:
        return files
    gone = set(apart)
    # Where a lock file's document is looked up: a set, when there is a lock file to look for.
    known = set(files.paths) if any(map(junk.is_lock, apart)) else files.paths
    return DatasetFiles(
        [p for p in files.paths if p not in gone],
        [p for p in files.data if p not in gone],
        files.findings + [junk.finding(p, known) for p in apart],
    )


def needs_detail(paths: str, objects: tuple[str, ...]) -> bool:
    """Could one of ``paths`` (joined, NUL-separated) need more than its path to be listed as
    the archive receives it: DVC's files, a submodule's, one inside an object folder? A cheap
    test over the text; False means surely not."""
    return "dvc" in paths or ".gitmodules" in paths or dataset.may_hold_objects(objects, paths)


def _plain_git_paths(
    root: Path, objects: tuple[str, ...], started: Started | None = None
) -> tuple[DatasetFiles, str] | None:
    """The common repository's files from the paths alone (no DVC, no submodule, no object
    folder), and git's list of them. None when the index holds any of these (``list_dataset`` then
    reads what they are; a submodule is known by its ``.gitmodules``: a nested repository added
    without one, which git warns about, is listed as a path here).

    The check-names hook's everyday listing: a million paths in about half the time of
    ``list_dataset`` (``benches/bench_names.py``), since git writes no modes or object ids.
    """
    out = started.output() if started is not None else None
    if out is None:  # not started, or it failed: again, where git says why
        out = git(root, *_LS_FILES).stdout
    text = out.decode("utf-8", "surrogateescape")
    if needs_detail(text, objects):
        return None
    paths = text.split("\0")
    paths.pop()  # after the last NUL
    machinery = _machinery(text, with_meta=False)
    data = _without(paths, machinery) if machinery else paths
    return DatasetFiles(paths, data, []), text


def _without(paths: list[str], few: list[str]) -> list[str]:
    """``paths`` (git's order, each once) without ``few`` of them, each found by bisection: a
    million paths are not looked up one by one (0.1 s). Path by path when git's order is not
    Python's (a name that is not UTF-8) and bisection misses one."""
    out = list(paths)
    for path in few:
        at = bisect.bisect_left(out, path)
        if at == len(out) or out[at] != path:
            gone = set(few)
            return [p for p in paths if p not in gone]
        del out[at]
    return out


# --- the dataset's files, with what git-annex and DVC know about them -------------------------
# The fast path matters: a million tracked files must list in about a second. Records are built
# at C speed (map over zip), and only the few special entries (symlinks, pointers, DVC and
# repository files) go through Python code one by one.

POINTER_MAX = 1024  # an unlocked annexed file's pointer blob is ~100 bytes; bigger is content
_make = functools.partial(tuple.__new__, DatasetFile)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    # A million new tuples would trigger full collections over objects that are never garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def list_dataset(root: Path, objects: tuple[str, ...] = DEFAULT_OBJECTS, *, rev: str | None = None,
                 detail: bool = True) -> tuple[list[DatasetFile], list[Finding]]:  # fmt: skip
    """Every file of the dataset at ``root``, sorted by path, and what stopped a full listing.

    In a git repository: the git index (what the next commit records), or the commit ``rev``.
    Elsewhere: the folder on disk. Folders matching ``objects`` are one entry each.

    ``detail=False`` lists the same paths without reading what each git entry holds: every
    symlink and regular blob is a file of the dataset whatever its content, so annex symlink
    targets and pointer blobs are not read. Those entries come back as kind ``file`` with
    ``size``, ``key`` and ``present`` None (unknown); machinery, DVC and objects are as with
    detail, and BIA404 (an object git lacks) is not looked for. For callers that need only the
    paths: a million distinct annex keys take seconds and a gigabyte to read. Outside git the
    folder is always read in full (a symlink's target costs one readlink).
    """
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    with _no_gc():
        if is_git_work_tree(root):
            return _GitListing(root, objects, rev, detail).run()
        if rev is not None:
            raise UsageError(f"{root} is not a git repository: there is no commit {rev} to list")
        return _list_folder(root, objects)


def _uses_annex(root: Path, git_dir: Path) -> bool:
    """Does this repository use git-annex, even in a clone without it (shallow CI clones)?"""
    if (git_dir / "annex").is_dir():
        return True
    refs = git(root, "for-each-ref", "--count=1", "--format=%(refname)",
               "refs/heads/git-annex", "refs/remotes/*/git-annex").stdout  # fmt: skip
    return bool(refs.strip())


def local_annex_keys(git_dir: Path) -> set[str]:
    """The keys whose content git-annex holds here (``annex/objects/Xx/Yy/KEY/KEY``)."""
    keys: set[str] = set()
    top = git_dir / "annex" / "objects"
    try:
        level1 = list(os.scandir(top))
    except OSError:
        return keys
    for d1 in level1:
        try:
            for d2 in os.scandir(d1.path):
                keys.update(os.listdir(d2.path))
        except OSError:
            continue
    return keys


_Info = tuple[FileKindT, int | None, str | None, bool]  # a DatasetFile without its path
_PLAIN: _Info = ("file", None, None, True)


class _GitListing:
    """One listing of the git index (or of a commit): at most five git processes in all."""

    def __init__(self, root: Path, objects: tuple[str, ...], rev: str | None,
                 detail: bool = True) -> None:  # fmt: skip
        self.root = root
        self.objects = objects
        self.rev = rev
        self.detail = detail
        self.findings: list[Finding] = []
        self.git_dir = git_common_dir(root)
        self._local_keys: set[str] | None = None
        self.blobs: dict[str, bytes | None] = {}

    def local_keys(self) -> set[str]:
        if self._local_keys is None:
            self._local_keys = local_annex_keys(self.git_dir)
        return self._local_keys

    def records(self) -> str:
        """``MODE OID STAGE<TAB>PATH<NUL>`` for each entry: ls-files' layout, also for a commit."""
        if self.rev is None:
            out = git(self.root, "ls-files", "-s", "-z").stdout
        else:
            if not has_commit(self.root, self.rev):
                raise UsageError(f"{self.root}: no commit {self.rev!r} in this repository")
            fmt = "--format=%(objectmode) %(objectname) 0%x09%(path)"
            out = git(self.root, "ls-tree", "-r", "-z", fmt, self.rev).stdout
        return out.decode("utf-8", "surrogateescape")

    def run(self) -> tuple[list[DatasetFile], list[Finding]]:
        text = self.records()  # scanned whole, at C speed, for the rare kinds of entry
        records = text.split("\0")
        records.pop()  # after the last NUL
        if not records:
            return [], []
        at = records[0].index(" ", 7)  # the object id ends here: 40 (SHA-1) or 64 (SHA-256)
        cut = at + 3  # " 0\t": the path starts here
        if any(f" {stage}\t" in text for stage in "123"):
            records = _one_per_path(records, cut)  # a merge conflict: each side is an entry
        if text.startswith("160000 ") or "\x00160000 " in text:
            records = self._without_submodules(records, cut)
        paths = [r[cut:] for r in records]
        machinery = self._machinery(text)
        dvc = [p for p in machinery if p.endswith(dvcrepo.DVC_SOURCES)]
        dvc_oids = {p: self._oid_of(text, p, at) for p in dvc}
        if not self.detail:
            files = list(map(_make, zip(paths, *_UNREAD_COLUMNS, strict=False)))
            self.blobs = gitobjects.read_blobs(self.root, dvc_oids.values())
        elif self._uses_annex(text, machinery, at):
            oids = [r[7:at] for r in records]
            info = self._annex_info(records, at, set(machinery), dvc_oids)
            files = list(map(_make, map(operator.add, zip(paths), map(info.get, oids, _PLAINS))))
            self._report_missing(info, paths, oids)
            del oids
        else:
            files = list(map(_make, zip(paths, *_PLAIN_COLUMNS, strict=False)))
            self.blobs = gitobjects.read_blobs(self.root, dvc_oids.values())
        del records
        if machinery:
            overrides = {p: DatasetFile(p, "machinery") for p in machinery}
            files = list(map(overrides.get, paths, files))
        if dvc:
            sources = [(p, self.blobs.get(dvc_oids[p])) for p in dvc]
            files = dvcrepo.merge_dvc(
                self.root, files, sources, self.objects, self.findings, on_disk=False
            )
        files = dataset.collapse_objects(files, self.objects, text)
        return files, self.findings

    def _uses_annex(self, text: str, machinery: list[str], at: int) -> bool:
        has_links = text.startswith("120000 ") or "\x00120000 " in text
        return (
            has_links
            or _uses_annex(self.root, self.git_dir)
            or self._annex_attributes(text, machinery, at)
        )

    def _annex_attributes(self, text: str, machinery: list[str], at: int) -> bool:
        """Do .gitattributes files speak of git-annex (``annex.largefiles``, ``filter=annex``)?

        The one trace of git-annex a shallow clone of unlocked-only annexed files may keep.
        """
        oids = [self._oid_of(text, p, at) for p in machinery if p.endswith(".gitattributes")]
        return any(b"annex" in (c or b"") for c in gitobjects.read_blobs(self.root, oids).values())

    def _without_submodules(self, records: list[str], cut: int) -> list[str]:
        kept = []
        for r in records:
            if r.startswith("160000 "):
                self.findings.append(_submodule(r[cut:]))
            else:
                kept.append(r)
        return kept

    def _annex_info(self, records: list[str], at: int, machinery: set[str],
                    dvc_oids: dict[str, str]) -> dict[str, _Info]:  # fmt: skip
        """What each distinct blob is: an annex symlink or pointer (key, size), or a plain file.

        One ``cat-file --batch-check`` for the sizes of regular blobs (pointers are small), one
        ``cat-file --batch`` for the symlink targets, small blobs and DVC files together.
        """
        cut = at + 3
        links = {r[7:at]: r[cut:] for r in records if r[1] == "2"}  # one path per distinct blob
        regular = {r[7:at] for r in records if r[1] == "0" and r[cut:] not in machinery}
        sizes = gitobjects.blob_sizes(self.root, regular)
        small = [o for o, size in sizes.items() if size is not None and size <= POINTER_MAX]
        blobs = gitobjects.symlinks_on_disk(self.root, links)
        unread = [o for o in links if o not in blobs]
        blobs.update(gitobjects.read_blobs(self.root, [*unread, *small, *dvc_oids.values()]))
        self.blobs = {o: blobs.get(o) for o in dvc_oids.values()}
        info: dict[str, _Info] = {
            o: ("file", size, None, size is not None) for o, size in sizes.items()
        }
        local = self.local_keys() if (links or small) else set()
        for oid in links:
            target = blobs.get(oid)
            if target is None:
                info[oid] = ("file", None, None, False)
            else:
                key = dataset.annex_key_of_link(target.decode("utf-8", "surrogateescape"))
                info[oid] = _PLAIN if key is None else _annexed(key, local)
        for oid in small:
            content = blobs.get(oid)
            key = dataset.annex_key_of_pointer(content) if content is not None else None
            if key is not None:
                info[oid] = _annexed(key, local)
        return info

    def _report_missing(self, info: dict[str, _Info], paths: list[str], oids: list[str]) -> None:
        missing = {o for o, i in info.items() if not i[3] and i[0] == "file"}
        if missing:
            for path, oid in zip(paths, oids, strict=True):
                if oid in missing:
                    self.findings.append(_missing_object(path, oid))

    def _oid_of(self, text: str, path: str, at: int) -> str:
        needle = f"\t{path}\0"
        hit = text.find(needle)
        while hit >= 0:
            start = text.rfind("\0", 0, hit) + 1
            if start + at + 2 == hit:  # this record's path, not the end of a longer one
                return text[start + 7 : start + at]
            hit = text.find(needle, hit + 1)
        raise AssertionError(f"{path!r} is not in the listing")

    def _machinery(self, text: str) -> list[str]:
        return _machinery(text, with_meta=True)


def _machinery(text: str, with_meta: bool) -> list[str]:
    """Repository files in a NUL-separated listing (records ``MODE OID STAGE<TAB>PATH`` with
    ``with_meta``, else paths), found by scanning it whole for their few spellings."""
    found: set[str] = set()
    listing = text if with_meta else "\0" + text  # every path then starts after a NUL
    for needle in ("\t." if with_meta else "\0.", "/.", "dvc", "study.yaml"):
        at = listing.find(needle)
        while at >= 0:
            rec_start = listing.rfind("\0", 0, at + (0 if with_meta else 1)) + 1
            rec_end = listing.find("\0", at + 1)
            record = listing[rec_start:rec_end]
            path = record.partition("\t")[2] if with_meta else record
            if dataset.is_machinery(path):
                found.add(path)
            at = listing.find(needle, rec_end)
    return sorted(found)


def _annexed(key: str, local: set[str]) -> _Info:
    return ("annexed", dataset.annex_key_size(key), key, key in local)


def _one_per_path(records: list[str], cut: int) -> list[str]:
    kept: list[str] = []
    previous = None
    for r in records:
        path = r[cut:]
        if path != previous:
            kept.append(r)
        previous = path
    return kept


_PLAIN_COLUMNS = [itertools.repeat(v) for v in _PLAIN]
_UNREAD_COLUMNS = [itertools.repeat(v) for v in ("file", None, None, None)]
_PLAINS = itertools.repeat(_PLAIN)


def _submodule(path: str) -> Finding:
    return Finding(
        "BIA403",
        path,
        "a git submodule: its files belong to another repository and are not listed",
        fix="list them in that repository's file list, or add the files to this repository",
    )


def _missing_object(path: str, oid: str) -> Finding:
    return Finding(
        "BIA404",
        path,
        f"git does not have this file's object {oid[:12]} (a partial or broken "
        "clone): cannot tell whether it is an annexed file",
        fix="fetch the full history (`git fetch --unshallow` or `git fetch --refetch`)",
    )


# --- a folder outside git -----------------------------------------------------------------------


def _list_folder(root: Path, objects: tuple[str, ...]) -> tuple[list[DatasetFile], list[Finding]]:
    files: list[DatasetFile] = []
    dvc: list[tuple[str, bytes | None]] = []
    for rel, entry in _scan(root):
        if entry.is_symlink():
            key = dataset.annex_key_of_link(os.readlink(entry.path))
            size = dataset.annex_key_size(key) if key is not None else None
            kind: FileKindT = "annexed" if key is not None else "file"
            files.append(DatasetFile(rel, kind, size, key, os.path.exists(entry.path)))
        elif dataset.is_machinery(rel):
            files.append(DatasetFile(rel, "machinery"))
            if rel.endswith(dvcrepo.DVC_SOURCES):
                try:
                    dvc.append((rel, Path(entry.path).read_bytes()))
                except OSError:
                    dvc.append((rel, None))
        else:
            files.append(DatasetFile(rel, "file", entry.stat(follow_symlinks=False).st_size))
    files.sort()
    findings: list[Finding] = []
    if dvc:
        files = dvcrepo.merge_dvc(root, files, dvc, objects, findings, on_disk=True)
    return dataset.collapse_objects(files, objects), findings
