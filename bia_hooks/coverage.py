"""Which file list covers which file of the dataset: pure, from the configuration and the paths."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bia_hooks import globs
from bia_hooks.dataset import is_machinery
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
    """Share ``paths`` out among ``filelists`` by their include and exclude globs.

    A file claimed by two lists is reported, unless ``nearest_wins`` (file lists found by
    themselves, no configuration): then the list in the deepest folder takes it.
    """
    own = {fl.path for fl in filelists}
    ignored = globs.compile_globs(tuple(ignore))
    matchers = [
        (
            fl.path,
            globs.compile_globs(fl.include or default_include(fl.path)),
            globs.compile_globs(fl.exclude),
        )
        for fl in filelists
    ]
    depth = {fl.path: fl.path.count("/") for fl in filelists}
    coverage = Coverage(members={fl.path: [] for fl in filelists})
    for path in paths:
        if path in own or is_machinery(path) or ignored.fullmatch(path):
            continue
        claims = [name for name, inc, exc in matchers if inc.fullmatch(path) and not exc.fullmatch(path)]
        if not claims:
            coverage.unclaimed.append(path)
            continue
        if len(claims) > 1 and nearest_wins:
            deepest = max(depth[c] for c in claims)
            claims = [c for c in claims if depth[c] == deepest]
        if len(claims) > 1:
            coverage.findings.append(
                Finding(
                    "BIA422", path,
                    f"claimed by {len(claims)} file lists: {', '.join(claims)}; the archive would list it twice",
                    fix="narrow the include/exclude globs in .bia-hooks.yaml so that one list takes it",
                )  # fmt: skip
            )
        coverage.members[claims[0]].append(path)
    for members in coverage.members.values():
        members.sort()
    return coverage
