"""What an upload of the dataset holds, file by file, with sizes and presence, read without the
content: git-annex keys carry the size (``-s12345``), DVC files state it (``size``, ``nfiles``),
git knows its blobs' sizes (``cat-file --batch-check``), and a plain folder is stat-ed.

The files are those of ``tree.dataset_files`` (the index, or the folder), one by one: a Zarr
store is uploaded as its files, so objects are not collapsed here. The file lists are added when
the dataset does not track them yet. ``uploadplan`` makes the plan from these items.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path

from bia_hooks import confine, dvcrepo, gitobjects, junk
from bia_hooks.config import Config
from bia_hooks.dataset import DatasetFile, DvcOut
from bia_hooks.gitcmd import git, is_git_work_tree
from bia_hooks.tree import list_dataset
from bia_hooks.uploadplan import Item, Plan, make_plan

__all__ = ["dataset_plan", "upload_items"]


def dataset_plan(config: Config) -> Plan:
    """The upload plan of the dataset: its files, and the configured file lists not tracked yet
    (lists found without a configuration are tracked files already)."""
    return make_plan(upload_items(config.root, [fl.path for fl in config.filelists]))


def upload_items(root: Path, filelists: Iterable[str] = ()) -> list[Item]:
    """Every file the upload of the dataset at ``root`` holds, and the file lists ``filelists``
    (paths from the root) that the dataset does not track yet but the disk has."""
    in_git = is_git_work_tree(root)
    files, _ = list_dataset(root, objects=(), detail=True)  # the listing's findings: check's
    if junk.may_hold_set_apart("\0".join(map(itemgetter(0), files)) + "\0"):  # at C speed
        files = [f for f in files if not junk.is_set_apart(f.path)]  # as tree.dataset_files
    data = [f for f in files if f.kind != "machinery"]
    index = _index(root) if in_git and _needs_index(files) else {}
    sizes, dangling = _sizes(root, data, index)
    outs = _dvc_outs(root, files, index, in_git)
    items = _items(data, sizes, dangling, outs)
    known = {f.path for f in files}
    for path in filelists:
        if path not in known:
            size = _size_inside(root, path)
            if size is not None:
                items.append(Item(path, size))
    return sorted(items)


def _needs_index(files: Sequence[DatasetFile]) -> bool:
    return any(
        (f.kind == "file" and f.size is None) or f.path.endswith(dvcrepo.DVC_SOURCES) for f in files
    )


def _index(root: Path) -> dict[str, tuple[str, str]]:
    """path -> (mode, object id) of every entry of the git index (in a conflict, the first
    stage), parsed at C speed: each ``MODE OID STAGE<TAB>PATH`` record sliced where its fields
    are (the object id is 40 or 64 characters, the same in every record)."""
    records = git(root, "ls-files", "-s", "-z").stdout.decode("utf-8", "surrogateescape")
    entries = records.split("\0")
    entries.pop()  # after the last NUL
    if not entries:
        return {}
    at = entries[0].index(" ", 7)  # the object id ends here
    entries.reverse()  # in a conflict, the first stage is kept: it comes last now
    modes = map(itemgetter(slice(0, 6)), entries)
    oids = map(itemgetter(slice(7, at)), entries)
    paths = map(itemgetter(slice(at + 3, None)), entries)
    return dict(zip(paths, zip(modes, oids, strict=True), strict=True))


def _size_inside(root: Path, path: str) -> int | None:
    """The size of the regular file ROOT/PATH, links followed while they stay in the dataset;
    None for anything else (nothing, a folder, a device, a link elsewhere: not looked at)."""
    if confine.path_problem(path) is not None or confine.leads_outside(root, path) is not None:
        return None
    try:
        st = os.stat(root / path)
    except (OSError, ValueError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _sizes(root: Path, data: Sequence[DatasetFile], index: dict[str, tuple[str, str]]
           ) -> tuple[dict[str, int | None], set[str]]:  # fmt: skip
    """Sizes of the plain files the listing left unsized, and the links to nothing: a git blob's
    size from git; a symbolic link that is no annexed file, from what it leads to."""
    unsized = [f.path for f in data if f.kind == "file" and f.size is None]
    sizes: dict[str, int | None] = {}
    dangling: set[str] = set()
    blobs: dict[str, str] = {}
    for path in unsized:
        mode, oid = index.get(path, ("", ""))
        if mode.startswith("100"):  # a regular blob: its size is what git holds
            blobs[path] = oid
        else:  # a symbolic link (in git or on disk): the upload takes what it leads to
            sizes[path] = _size_inside(root, path)
            if not (root / path).exists():
                dangling.add(path)
    by_oid = gitobjects.blob_sizes(root, blobs.values())
    sizes.update((path, by_oid.get(oid)) for path, oid in blobs.items())
    return sizes, dangling


def _dvc_outs(root: Path, files: Sequence[DatasetFile], index: dict[str, tuple[str, str]],
              in_git: bool) -> dict[str, DvcOut]:  # fmt: skip
    """path -> output, for what the ``.dvc`` files and ``dvc.lock`` track (as the listing read
    them: the index in git, the disk elsewhere)."""
    sources = [f.path for f in files
               if f.kind == "machinery" and f.path.endswith(dvcrepo.DVC_SOURCES)]  # fmt: skip
    if not sources:
        return {}
    if not in_git:
        return {o.path: o for o in dvcrepo.outs_on_disk(root, sources)}
    oids = {p: index[p][1] for p in sources if p in index}
    blobs = gitobjects.read_blobs(root, oids.values())
    outs: dict[str, DvcOut] = {}
    for path, oid in oids.items():
        for out in dvcrepo.read_dvc_outs(path, blobs.get(oid))[0]:
            outs[out.path] = out
    return outs


def _owner(path: str, outs: dict[str, DvcOut]) -> DvcOut | None:
    """The DVC output that tracks ``path`` (itself, or a folder above it)."""
    while path:
        if path in outs:
            return outs[path]
        path = path.rpartition("/")[0]
    return None


def _items(data: Sequence[DatasetFile], sizes: dict[str, int | None], dangling: set[str],
           outs: dict[str, DvcOut]) -> list[Item]:  # fmt: skip
    items: list[Item] = []
    folders: dict[str, list[DatasetFile]] = {}  # DVC folder -> its files, listed from a manifest
    for f in data:
        if f.kind == "annexed":
            items.append(Item(f.path, f.size, bool(f.present), 1, "git-annex", f.path))
        elif f.kind in ("dvc-file", "dvc-dir"):
            out = _owner(f.path, outs)
            if f.kind == "dvc-dir":  # no manifest here: its count and size from the .dvc file
                files = out.nfiles if out is not None else None
                items.append(Item(f.path, f.size, bool(f.present), files, "dvc", f.path))
            elif out is not None and out.is_dir:
                folders.setdefault(out.path, []).append(f)
            else:
                items.append(Item(f.path, f.size, bool(f.present), 1, "dvc", f.path))
        else:
            if f.path in dangling:
                items.append(Item(f.path, None, False, 1, "link"))
            else:
                size = f.size if f.size is not None else sizes.get(f.path)
                items.append(Item(f.path, size, f.present is not False))
    for folder, inside in folders.items():
        items += _dvc_folder(outs[folder], inside)
    return items


def _dvc_folder(out: DvcOut, inside: Sequence[DatasetFile]) -> list[Item]:
    """A DVC folder's files. A manifest names files, not their sizes, and a file not pulled has
    none on disk: when the folder's total is known, the files without a size are one item, of
    that total less the sizes known."""
    sized = [f for f in inside if f.size is not None]
    if len(sized) == len(inside) or out.size is None:
        return [Item(f.path, f.size, bool(f.present), 1, "dvc", out.path) for f in inside]
    items = [Item(f.path, f.size, bool(f.present), 1, "dvc", out.path) for f in sized]
    rest = [f for f in inside if f.size is None]
    left = max(out.size - sum(f.size or 0 for f in sized), 0)
    items.append(Item(out.path, left, all(f.present for f in rest), len(rest), "dvc", out.path))
    return items
