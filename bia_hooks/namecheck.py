"""The names check of a dataset: which paths to check, against which, with the configuration.

``check``, ``check-names`` and ``fix-names`` all check the entries of ``tree.dataset_files``:
a DVC-tracked file under its own path, a zarr store as one entry, never its chunks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bia_hooks import atomic, dataset, globs, junk, tree
from bia_hooks.config import Config
from bia_hooks.findings import Finding
from bia_hooks.names import check_names
from bia_hooks.pathsets import entries_at_or_below


def checked_paths(root: Path, given: Sequence[str], everything: Sequence[str],
                  objects: tuple[str, ...]) -> list[str]:  # fmt: skip
    """The entries of the dataset to check for the paths given on the command line.

    A path inside an object (a zarr chunk, as the pre-commit hook passes it) is the object,
    checked once; a folder is the entries below it (and itself when it is one entry: an object,
    or a DVC folder without its manifest); any other path is checked as it is written, even one
    that does not exist yet. ``everything`` is ``tree.dataset_files(...).paths``, sorted; it is
    read only when a folder is given.
    """
    object_of = dataset.object_root_finder(objects)
    checked: dict[str, None] = {}
    folders: list[str] = []
    for path in given:
        if junk.is_set_apart(path):
            continue  # no file of the dataset: ``set_apart_findings`` report it
        whole = object_of(path)
        full = os.path.join(root, path)
        if whole is not None:
            checked[whole] = None
        elif os.path.isdir(full) and not os.path.islink(full):
            folders.append(path)
        else:
            checked[path] = None
        if path.endswith(".dvc"):  # a staged .dvc file: the data it tracks changed with it
            checked.update(dict.fromkeys(entries_at_or_below(everything, path[: -len(".dvc")])))
    if "." in folders:  # the root: every entry
        checked.update(dict.fromkeys(everything))
    elif folders:
        prefixes = tuple(f + "/" for f in folders)
        entries = set(folders)
        checked.update((p, None) for p in everything if p.startswith(prefixes) or p in entries)
    return list(checked)


def name_findings(config: Config, checked: Sequence[str] | None = None,
                  everything: Sequence[str] | None = None,
                  asked: set[str] | None = None) -> list[Finding]:  # fmt: skip
    """Name findings for ``checked`` (default: every entry of the dataset), against every entry
    (``tree.dataset_files(...).paths``), at the levels the configuration sets. ``asked``: see
    ``names.check_names``."""
    if everything is None:
        everything = tree.dataset_files(config.root, config.objects).paths
    if checked is None:
        checked = everything
    if config.name_ignore:
        ignore = globs.compile_globs(config.name_ignore)
        checked = [p for p in checked if not ignore.fullmatch(p)]
    return config.apply_severity(check_names(checked, everything, config.names, asked))


def set_apart_findings(
    config: Config, listing: tree.DatasetFiles, given: Sequence[str] | None
) -> list[Finding]:
    """The findings of what the listing set apart (``junk``: junk, lock files, leftovers of
    interrupted writes) at or below the paths ``given`` (default: all of them), at the levels the
    configuration sets. A given path that is junk or a lock file by its name but that the dataset
    does not hold (not staged, or not made yet) is one too."""
    apart = [f for f in listing.findings if f.code in junk.CODES]
    if given is not None:
        wanted = set(given)
        below = tuple(p.rstrip("/") + "/" for p in given if p != ".")
        if "." not in wanted:
            apart = [f for f in apart if f.path in wanted or f.path.startswith(below)]
        held = {f.path for f in apart}
        apart += [
            junk.finding(p, listing.paths, tracked=False)
            for p in dict.fromkeys(given)
            if p not in held and junk.is_set_apart(p) and not atomic.is_leftover(p)
        ]
    return config.apply_severity(apart)
