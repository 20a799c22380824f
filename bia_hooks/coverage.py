"""Which file list covers which file of the dataset: pure, from the configuration and the paths."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bia_hooks import globs
from bia_hooks.config import FileListConfig
from bia_hooks.findings import Finding


def default_include(filelist_path: str) -> tuple[str, ...]:
    """A file list covers the files of its own folder and below."""
    folder = posixpath.dirname(filelist_path)
    return (f"{folder}/**",) if folder else ("**",)


@dataclass
class Coverage:
    """The dataset's files shared out among its file lists."""

    members: dict[str, list[str]] = field(default_factory=dict)  # file list -> its files, sorted
    unclaimed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def assign(
    paths: Iterable[str],
    filelists: Sequence[FileListConfig],
    ignore: Sequence[str] = (),
    nearest_wins: bool = False,
) -> Coverage:
    """Share ``paths`` (the dataset's data files, without repository machinery) out among
    ``filelists`` by their include and exclude globs; the file lists themselves are no members.

    A file claimed by two lists is reported, unless ``nearest_wins`` (file lists found by
    themselves, no configuration): then the list in the deepest folder takes it.
    """
    own = {fl.path for fl in filelists}
    ignored = globs.compile_globs(tuple(ignore)).fullmatch
    # One comprehension per step, not one loop with branches: this runs on a million paths.
    candidates = [p for p in paths if p not in own]
    if ignore:
        candidates = [p for p in candidates if not ignored(p)]
    claimed: dict[str, list[str]] = {}  # path -> lists, for paths claimed by more than one
    taken: set[str] = set()
    owner: dict[str, str] = {}  # path -> the first list that claims it
    coverage = Coverage(members={})
    for fl in filelists:
        include = globs.compile_globs(fl.include or default_include(fl.path)).fullmatch
        exclude = globs.compile_globs(fl.exclude).fullmatch
        members = [p for p in candidates if include(p)]
        if fl.exclude:
            members = [p for p in members if not exclude(p)]
        for p in taken.intersection(members):
            claimed.setdefault(p, [owner[p]]).append(fl.path)
        if len(filelists) > 1:
            owner.update(dict.fromkeys(set(members) - taken, fl.path))
        taken.update(members)
        coverage.members[fl.path] = members
    coverage.unclaimed = [p for p in candidates if p not in taken]
    depth = {fl.path: fl.path.count("/") for fl in filelists}
    drop: dict[str, set[str]] = {}  # list -> paths another list keeps
    for path, claims in sorted(claimed.items()):
        keep = claims[0]
        if nearest_wins:
            deepest = max(depth[c] for c in claims)
            claims = [c for c in claims if depth[c] == deepest]
            keep = claims[0]
        if len(claims) > 1:
            coverage.findings.append(
                Finding(
                    "BIA422",
                    path,
                    f"claimed by {len(claims)} file lists: {', '.join(claims)}; "
                    "the archive would list it twice",
                    fix="narrow the include/exclude globs in .bia-hooks.yaml "
                    "so that one list takes it",
                )
            )
        for name in claimed[path]:
            if name != keep:
                drop.setdefault(name, set()).add(path)
    for name, paths_elsewhere in drop.items():
        coverage.members[name] = [p for p in coverage.members[name] if p not in paths_elsewhere]
    for members in coverage.members.values():
        members.sort()
    return coverage
