"""What counts as a file of the dataset, and which files were renamed: pure logic, no I/O.

The sources (domain.md §6): the git index, whose entries may be git-annex symlinks (locked) or
pointer blobs (unlocked); DVC's ``.dvc`` files and ``dvc.lock``, whose tracked folders are
expanded from a ``.dir`` manifest of the local cache; and folders that are one object to the
archive (``*.zarr``), which are one entry whatever holds their chunks. ``tree`` does the reading.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from bia_hooks import advice, globs
from bia_hooks.findings import Finding
from bia_hooks.limits import json_nesting_over

__all__ = [
    "DatasetFile",
    "DvcOut",
    "FileKind",
    "annex_key_of_link",
    "annex_key_of_pointer",
    "annex_key_size",
    "bad_dvc",
    "collapse_objects",
    "dvc_outs",
    "is_machinery",
    "object_root_finder",
    "pair_by_key",
    "parse_manifest",
]

FileKind = Literal["file", "annexed", "dvc-file", "dvc-dir", "object", "machinery"]


class DatasetFile(NamedTuple):
    """One file of the dataset, as the archive will receive it.

    ``path`` is '/'-separated from the dataset root. ``key`` is the git-annex key or the DVC md5
    (``....dir`` for a DVC folder); a plain git file has none. ``size`` is None when unknown.
    ``present`` says whether the content is on this disk (a dropped annexed file, or DVC data not
    pulled, is still a file of the dataset). A listing without detail (``list_dataset(...,
    detail=False)``) does not read git entries: they are kind ``file`` with ``size``, ``key`` and
    ``present`` None, unknown. A NamedTuple, not a dataclass: a million of them are built per
    listing, and tuples are built at C speed.
    """

    path: str
    kind: FileKind
    size: int | None = None
    key: str | None = None
    present: bool | None = True


# --- repository machinery: tracked, but not files to deposit ----------------------------------

_MACHINERY_NAMES = {
    ".gitignore",
    ".gitattributes",
    ".gitmodules",
    ".dvcignore",
    "dvc.yaml",
    "dvc.lock",
}
# study.yaml: the study's metadata, turned into the page-tab, not deposited as a file
_MACHINERY_AT_ROOT = {".pre-commit-config.yaml", ".bia-hooks.yaml", ".bia-hooks.yml", "study.yaml"}
_MACHINERY_FOLDERS = (".dvc", ".datalad")  # at any depth: DVC and DataLad allow nested projects
_MACHINERY_ROOT_FOLDERS = (".github",)
_MACHINERY_RX = re.compile(
    r"(?:.*/)?(?:{names}|[^/]+\.dvc)|{root}|(?:.*/)?(?:{folders})/.*|(?:{root_folders})/.*".format(
        names="|".join(map(re.escape, sorted(_MACHINERY_NAMES))),
        root="|".join(map(re.escape, sorted(_MACHINERY_AT_ROOT))),
        folders="|".join(map(re.escape, _MACHINERY_FOLDERS)),
        root_folders="|".join(map(re.escape, _MACHINERY_ROOT_FOLDERS)),
    ),
    re.DOTALL,
)


def is_machinery(path: str) -> bool:
    """True for files that run the repository (git, DVC, pre-commit, CI) rather than hold data."""
    return _MACHINERY_RX.fullmatch(path) is not None


# --- git-annex keys (read from git alone: no git-annex needed) --------------------------------

_ANNEX_MARK = "annex/objects/"


def annex_key_of_link(target: str) -> str | None:
    """The key a locked annexed file's symlink names (``../.git/annex/objects/Xx/Yy/KEY/KEY``)."""
    if _ANNEX_MARK not in target:
        return None
    key = target[target.rfind("/") + 1 :]
    # BACKEND[-field...]--NAME, e.g. SHA256E-s12--abc.tif or WORM-s3-m1700000000--x.tif
    return key if key.find("--") > 0 else None


def annex_key_of_pointer(content: bytes) -> str | None:
    """The key an unlocked annexed file's pointer blob names (``/annex/objects/KEY``)."""
    line = content.split(b"\n", 1)[0].strip()
    if not line.startswith(b"/annex/objects/"):
        return None
    return annex_key_of_link(line.decode("utf-8", "surrogateescape"))


def annex_key_size(key: str) -> int | None:
    """The content size a key records (``-s12345``), or None for keys made without one."""
    head = key[: key.find("--")]
    at = head.find("-s")
    while at >= 0:
        end = head.find("-", at + 2)
        digits = head[at + 2 : end] if end >= 0 else head[at + 2 :]
        if digits.isdigit():
            return int(digits)
        at = head.find("-s", at + 2)
    return None


# --- DVC --------------------------------------------------------------------------------------


# A DVC md5: it names a file of the cache, so nothing else may pass for one (``ab/../../x.dir``
# would make any file be read as a folder's manifest).
DVC_MD5 = re.compile(r"[0-9a-fA-F]{32}(?:\.dir)?")


class DvcOut(NamedTuple):
    """One output a ``.dvc`` file (or ``dvc.lock``) tracks; ``path`` from the dataset root."""

    path: str
    source: str  # the .dvc file or dvc.lock that tracks it
    md5: str | None
    size: int | None
    nfiles: int | None = None

    @property
    def is_dir(self) -> bool:
        return self.md5 is not None and self.md5.endswith(".dir")


def _join(folder: str, path: str) -> str | None:
    joined = (
        posixpath.normpath(posixpath.join(folder, path)) if folder else posixpath.normpath(path)
    )
    if joined.startswith("../") or joined in {"..", "."} or posixpath.isabs(joined):
        return None
    return joined


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def dvc_outs(source: str, data: Any) -> tuple[list[DvcOut], list[Finding]]:
    """The outputs a parsed ``.dvc`` file or ``dvc.lock`` (at ``source``) tracks.

    ``data`` is the parsed YAML (None or anything else when the file is not a mapping).
    """
    folder = posixpath.dirname(source)
    if posixpath.basename(source) == "dvc.lock":
        stages = data.get("stages") if isinstance(data, dict) else None
        raw = [o for s in stages.values() if isinstance(s, dict) for o in s.get("outs") or ()] if (
            isinstance(stages, dict)) else None  # fmt: skip
    else:
        raw = data.get("outs") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [], [bad_dvc(source, "it has no 'outs' list")]
    outs: list[DvcOut] = []
    findings: list[Finding] = []
    for out in raw:
        path = out.get("path") if isinstance(out, dict) else None
        if not isinstance(path, str) or not path:
            findings.append(bad_dvc(source, "an entry of 'outs' has no 'path'"))
            continue
        full = _join(folder, path.replace("\\", "/"))
        if full is None:
            findings.append(bad_dvc(source, f"the output path {path!r} leaves the dataset"))
            continue
        if out.get("md5") is not None and not DVC_MD5.fullmatch(str(out["md5"])):
            why = f"the md5 of {path!r} is not one: {out['md5']!r} (DVC writes 32 hexadecimal "
            findings.append(bad_dvc(source, why + "digits, then .dir for a folder)"))
            continue
        md5 = out.get("md5") or out.get("etag") or out.get("checksum")
        outs.append(DvcOut(full, source, str(md5) if md5 else None, _int_or_none(out.get("size")),
                           _int_or_none(out.get("nfiles"))))  # fmt: skip
    return outs, findings


def bad_dvc(source: str, why: str) -> Finding:
    return Finding(
        "BIA402",
        source,
        f"cannot read what this DVC file tracks: {why}; its data is not listed",
        fix=advice.repair_dvc_file(),
    )


def parse_manifest(text: bytes) -> list[tuple[str, str | None, int | None]] | None:
    """(relpath, md5, size) of each file in a DVC ``.dir`` manifest; None when unreadable."""
    if json_nesting_over(text):  # Python's parser would recurse past its stack
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    out = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("relpath"), str):
            return None
        md5 = entry.get("md5")
        out.append((entry["relpath"].replace("\\", "/"), md5 if isinstance(md5, str) else None,
                    _int_or_none(entry.get("size"))))  # fmt: skip
    return out


# --- objects: folders the archive takes as one thing -------------------------------------------


def object_root_finder(objects: Sequence[str]) -> Callable[[str], str | None]:
    """A function path -> the folder (matching an ``objects`` glob) holding it, or None.

    The outermost matching folder wins. The answer is cached per folder: a million chunk paths
    share a few thousand folders.
    """
    rx = globs.compile_globs(tuple(objects))
    memo: dict[str, str | None] = {"": None}

    def folder_root(folder: str) -> str | None:
        try:
            return memo[folder]
        except KeyError:
            pass
        parent_root = folder_root(folder.rpartition("/")[0])
        # compile_globs also matches what lies below a match, so test the parent first.
        root = (
            parent_root if parent_root is not None else (folder if rx.fullmatch(folder) else None)
        )
        memo[folder] = root
        return root

    def find(path: str) -> str | None:
        return folder_root(path.rpartition("/")[0])

    return find


def may_hold_objects(objects: Sequence[str], haystack: str) -> bool:
    """Cheap test: can any path in ``haystack`` (all paths, one string) lie inside an object?"""
    needles = []
    for pattern in objects:
        tail = pattern.rstrip("/").rpartition("/")[2]
        if not tail.startswith("*") or any(c in tail[1:] for c in "*?["):
            return True  # not a plain '*.suffix': no shortcut
        needles.append(tail[1:] + "/")
    # '.zarr/' absent means '.ome.zarr/' absent too: search for the shortest suffixes only.
    needles.sort(key=len)
    searched: list[str] = []
    for needle in needles:
        if any(needle.endswith(shorter) for shorter in searched):
            continue
        if needle in haystack:
            return True
        searched.append(needle)
    return False


def collapse_objects(files: list[DatasetFile], objects: Sequence[str],
                     haystack: str | None = None) -> list[DatasetFile]:  # fmt: skip
    """``files`` with each object folder's contents replaced by one ``object`` entry.

    ``haystack`` (every path in one string) lets a dataset without objects skip the work.
    The object's size is the sum of its parts when all are known; it is present when all are
    (unknown when any part's presence is).
    """
    if not objects or (haystack is not None and not may_hold_objects(objects, haystack)):
        return files
    find = object_root_finder(objects)
    whole = globs.compile_globs(tuple(objects))
    out: list[DatasetFile] = []
    parts: dict[str, list[DatasetFile]] = {}
    for f in files:
        root = find(f.path)
        if root is None and f.kind == "dvc-dir" and whole.fullmatch(f.path):
            root = f.path  # a DVC-tracked object: one entry, no manifest needed
        if root is None:
            out.append(f)
        else:
            parts.setdefault(root, []).append(f)
    for root, inside in parts.items():
        sizes = [f.size for f in inside]
        size = None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)
        key = inside[0].key if len(inside) == 1 and inside[0].path == root else None
        presence = [f.present for f in inside]
        present = None if None in presence else all(presence)
        out.append(DatasetFile(root, "object", size, key, present))
    if parts:
        out.sort()
    return out


# --- renames ----------------------------------------------------------------------------------


def pair_by_key(
    removed: Mapping[str, str | None], added: Mapping[str, str | None]
) -> dict[str, str]:
    """old -> new for removed and added paths that share a content key (annex key, DVC md5, or
    git blob for identical content).

    A move never changes a key, so a removed and an added path with one key are one file renamed,
    whatever git's similarity score says. When several paths share a key (identical files, such
    as empty masks), only unambiguous pairs are made (``pair_identical``). Paths without a key
    never pair.
    """
    by_key: dict[str, list[str]] = {}
    for path, key in added.items():
        if key:
            by_key.setdefault(key, []).append(path)
    pairs: dict[str, str] = {}
    olds_by_key: dict[str, list[str]] = {}
    for path, key in removed.items():
        if key and key in by_key:
            olds_by_key.setdefault(key, []).append(path)
    for key, olds in olds_by_key.items():
        pairs.update(pair_identical(olds, by_key[key]))
    return pairs


def pair_identical(olds: Sequence[str], news: Sequence[str]) -> dict[str, str]:
    """old -> new among paths of identical content, where the pairing is plain: one of each; else
    the same file name, then the same folder, each only where exactly one path on each side has
    it. What is left is not paired: which empty mask became which is not a thing to guess."""
    olds, news = sorted(olds), sorted(news)
    if len(olds) == 1 and len(news) == 1:
        return {olds[0]: news[0]}
    pairs: dict[str, str] = {}
    for part in (posixpath.basename, posixpath.dirname):
        left_old = [o for o in olds if o not in pairs]
        taken = set(pairs.values())
        left_new = [n for n in news if n not in taken]
        old_by: dict[str, list[str]] = {}
        new_by: dict[str, list[str]] = {}
        for o in left_old:
            old_by.setdefault(part(o), []).append(o)
        for n in left_new:
            new_by.setdefault(part(n), []).append(n)
        for value, group in old_by.items():
            if len(group) == 1 and len(new_by.get(value, ())) == 1:
                pairs[group[0]] = new_by[value][0]
    left_old = [o for o in olds if o not in pairs]
    left_new = [n for n in news if n not in set(pairs.values())]
    if len(left_old) == 1 and len(left_new) == 1:
        pairs[left_old[0]] = left_new[0]
    return pairs


def collapse_renames(renames: Mapping[str, str], objects: Sequence[str]) -> dict[str, str]:
    """Renames with paths inside objects turned into renames of the objects themselves.

    An object whose parts went to different objects (or stayed) is not a rename: it is left out.
    """
    if not objects:
        return dict(renames)
    find = object_root_finder(objects)
    out: dict[str, str] = {}
    objects_moved: dict[str, set[str]] = {}
    for old, new in renames.items():
        old_root, new_root = find(old), find(new)
        if old_root is None and new_root is None:
            out[old] = new
        else:
            objects_moved.setdefault(old_root or old, set()).add(new_root or new)
    for old, targets in objects_moved.items():
        if len(targets) == 1 and (new := next(iter(targets))) != old:
            out[old] = new
    return out


def folder_rename(folder: str, renames: Mapping[str, str]) -> str | None:
    """The new path of ``folder`` when every rename out of it keeps the path below the folder
    (``set1/a.tif`` -> ``set1_v2/a.tif``) and all land in one folder; else None."""
    prefix = folder + "/"
    target: str | None = None
    for old, new in renames.items():
        if not old.startswith(prefix):
            continue
        rest = old[len(prefix) :]
        if not new.endswith("/" + rest):
            return None
        here = new[: -len(rest) - 1]
        if target is None:
            target = here
        elif here != target:
            return None
    return target if target != folder else None


def expand_dir_renames(old: str, new: str, manifest: Iterable[tuple[str, str | None, int | None]]
                       ) -> dict[str, str]:  # fmt: skip
    """A DVC folder moved from ``old`` to ``new``: each of its files, old -> new."""
    return {f"{old}/{rel}": f"{new}/{rel}" for rel, _, _ in manifest}
