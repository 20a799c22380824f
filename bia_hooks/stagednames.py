"""The names check of a few paths from the tree of HEAD and the staged change, without reading
the whole index's paths: the check-names hook of an everyday commit.

What a few paths' findings depend on (``namescope``) is, in the usual case, the paths themselves
and the names beside each folder on the way down to them: a name there that folds like theirs
(``pathrule.fold``) is a twin, whose entries ``namescope`` reads. Those names come from HEAD's tree
(``git ls-tree``, one folder at a time) and the staged change (``verified.index_delta``, which
the sync of the same commit then reuses: git's index is read once). Anything this cannot vouch
for returns None, and ``namescope`` answers: a twin or a name that may be one, a folder given or
changed below a given path, a path inside an object folder, junk or a lock file given, DVC or
submodules anywhere (proved absent from HEAD's tree once, then for each new HEAD from what its
commits changed), a suggested new name (it asks about other folders), many paths.
"""

from __future__ import annotations

import contextlib
import json
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

from bia_hooks import dataset, junk, tree, verified
from bia_hooks.atomic import load_remembered, write_remembered
from bia_hooks.config import Config
from bia_hooks.confine import plain_problem
from bia_hooks.findings import Finding
from bia_hooks.gitcmd import git_output
from bia_hooks.namecheck import checked_paths, name_findings, set_apart_findings
from bia_hooks.pathrule import fold
from bia_hooks.pathsets import ancestors

MOST_FOLDERS = 32  # folders on the way to the given paths, each listed from HEAD's tree
MOST_PATHS = 500  # given paths (more: a big commit, which the full listing serves as well)
PLAIN_TREE_NAME = "plain-tree.json"  # a tree proved to hold no DVC file and no submodule


def staged_names_check(config: Config, given: Sequence[str]) -> tuple[list[Finding], int] | None:
    """What ``namescope.full_names_check`` says of ``given``, or None when this cannot tell."""
    object_of = dataset.object_root_finder(config.objects)
    roots = list(dict.fromkeys(given))
    if not roots or len(roots) > MOST_PATHS:
        return None
    if any(plain_problem(p) or junk.is_set_apart(p) or object_of(p) is not None for p in roots):
        return None  # not written as git writes paths, junk, in an object folder
    folders = {"", *(folder for p in roots for folder in ancestors(p))}
    if len(folders) > MOST_FOLDERS or tree.needs_detail("\0".join(roots), ()):
        return None
    repo = verified.git_dir(config.root)
    base = verified.head_tree(config.root)
    if repo is None or base is None or not _plain_tree(config.root, repo, base):
        return None
    delta = verified.index_delta(config.root, base)
    if delta is None or tree.needs_detail("\0".join(delta), ()):
        return None
    changed = sorted(delta)
    seen: dict[str, _Folder] = {}
    for folder in folders:
        names = _children(config.root, base, folder)
        if names is None:
            return None
        seen[folder] = _Folder(names, _touched(changed, folder))
    present = []
    for path in roots:
        found = _entry(path, delta, changed, seen)
        if found is None:
            return None
        if found:
            present.append(path)
    listing = tree._set_apart(
        tree.DatasetFiles(present, [p for p in present if not dataset.is_machinery(p)], []), None
    )
    checked = checked_paths(config.root, given, listing.paths, config.objects)
    asked: set[str] = set()
    findings = set_apart_findings(config, listing, given)
    findings += name_findings(config, checked, listing.paths, asked)
    if asked:
        return None  # a new name was suggested: the names of its folder are needed
    return findings, len(checked)


def _children(root: Path, base: str, folder: str) -> dict[str, bool] | None:
    """The names in ``folder`` of HEAD's tree (``base``), each with whether it is a folder."""
    args = ["--literal-pathspecs", "ls-tree", "-z", base] + (["--", folder + "/"] if folder else [])
    out = git_output(root, *args)
    if out is None:
        return None
    names: dict[str, bool] = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\0")[:-1]:
        meta, _, path = entry.partition("\t")
        names[path.rpartition("/")[2]] = meta.split(" ")[1] == "tree"
    return names


def _touched(changed: list[str], folder: str) -> set[str]:
    """The names in ``folder`` the staged change (``changed``: its sorted paths) adds entries to
    or deletes entries of."""
    inside = folder + "/" if folder else ""
    start = bisect_left(changed, inside)
    names = set()
    for path in changed[start:]:
        if not path.startswith(inside):
            break
        names.add(path[len(inside) :].partition("/")[0])
    return names


class _Folder:
    """A folder on the way to a given path: its names in HEAD's tree, and the names the staged
    change touches in it."""

    def __init__(self, names: dict[str, bool], touched: set[str]) -> None:
        self.names = names  # name -> is a folder
        self.touched = touched
        self.joined = ""  # every name, each between its own two NULs (made when first asked)

    def may_have_twin(self, name: str) -> bool:
        """Does a name here other than ``name`` fold like it? Told over the joined names at C
        speed when all are ASCII (a folder may hold a million), else name by name."""
        if not self.joined:
            every = [*self.names, *self.touched.difference(self.names)]
            self.joined = "\0" + "\0\0".join(every) + "\0"
        key = fold(name)
        if self.joined.isascii():
            same = self.joined.lower().count(f"\0{key}\0") if key.isascii() else 0
            return same > (f"\0{name}\0" in self.joined)
        every = [*self.names, *self.touched.difference(self.names)]
        return any(other != name and fold(other) == key for other in every)


def _entry(path: str, delta: dict[str, verified.Entry], changed: list[str],
           folders: dict[str, _Folder]) -> bool | None:  # fmt: skip
    """Is ``path`` an entry of the index (a file: nothing is below it)? None when the names on
    the way to it may have twins, or when it is a folder: then ``namescope`` answers."""
    below = bisect_left(changed, path + "/")
    if below < len(changed) and changed[below].startswith(path + "/"):
        return None  # entries below it changed: a folder
    parts = path.split("/")
    for depth, name in enumerate(parts):
        if folders["/".join(parts[:depth])].may_have_twin(name):
            return None  # a twin, or one the change may have left: namescope reads it
    if path in delta:
        return delta[path] != verified.EMPTY
    folder, _, name = path.rpartition("/")
    in_base = folders[folder].names
    if in_base.get(name):
        return None  # a folder of HEAD's tree
    return name in in_base


def _plain_tree(root: Path, gitdir: Path, base: str) -> bool:
    """Does tree ``base`` hold no DVC file and no submodule below ``root``? Proved once from the
    whole tree, then for each new tree from what changed since the last one proved."""
    file = gitdir / "bia-hooks" / PLAIN_TREE_NAME
    key = str(root)
    raw = load_remembered(file)
    proved = None
    if isinstance(raw, dict) and raw.get("key") == key and verified.is_object_id(raw.get("tree")):
        proved = raw["tree"]
    if proved == base:
        return True
    if proved is not None:
        changed = verified.tree_delta(root, proved, base)
        plain = changed is not None and not tree.needs_detail(
            "\0".join(p for p, e in changed.items() if e != verified.EMPTY), ()
        )
    else:
        listed = git_output(root, "ls-tree", "-r", "-z", "--name-only", base)
        plain = listed is not None and not tree.needs_detail(
            listed.decode("utf-8", "surrogateescape"), ()
        )
    if plain:
        with contextlib.suppress(OSError):
            file.parent.mkdir(parents=True, exist_ok=True)
            write_remembered(file, json.dumps({"key": key, "tree": base}).encode())
    return plain
