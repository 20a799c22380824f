"""Plan renames that make names safe: pure, so the plan can be shown before anything moves."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from bia_hooks import pathrule
from bia_hooks.dataset import DvcOut
from bia_hooks.names import NameSettings

# Codes whose fix is a new name (the rest need a person: junk files, folders that collide).
# BIA103 (spaces) whenever spaces are a finding; BIA107 (letter-case twins) for two files of one
# folder: the first keeps its name, the others are numbered.
RENAMED_CODES = frozenset({"BIA101", "BIA102", "BIA104", "BIA105", "BIA107", "BIA108", "BIA109",
                           "BIA111"})  # fmt: skip


def renamed_codes(settings: NameSettings) -> frozenset[str]:
    """The codes fix-names renames for, under these settings."""
    return (RENAMED_CODES | {"BIA103"}) if settings.no_spaces else RENAMED_CODES


def safe_name(path: str, settings: NameSettings) -> str:
    return pathrule.sanitize_path(path, no_spaces=settings.no_spaces)


def plan_renames(
    paths: Iterable[str], everything: Collection[str], settings: NameSettings
) -> list[tuple[str, str]]:
    """(old, new) for each path that needs a new name. No new name is an existing file or folder,
    equal to one but for case, inside a path that is a file, or planned twice. Of files of one
    folder whose names differ only by letter case or Unicode form (``a.tif``, ``A.tif``), the
    first in sorted order keeps its name and the others are numbered (``A-1.tif``)."""
    paths = list(paths)
    taken = pathrule.Taken(everything, paths)
    plan = []
    for path in paths:
        if safe_name(path, settings) == path:
            continue
        new = pathrule.suggest_path(path, taken, no_spaces=settings.no_spaces)
        taken.add(new)
        plan.append((path, new))
    renamed = {old for old, _ in plan}
    for path in _later_twins(everything, paths):
        if path in renamed:
            continue
        folder, slash, name = path.rpartition("/")
        n, new = 1, f"{folder}{slash}{pathrule.numbered(name, 1)}"
        while new in taken:
            n += 1
            new = f"{folder}{slash}{pathrule.numbered(name, n)}"
        taken.add(new)
        plan.append((path, new))
    return plan


def _later_twins(everything: Iterable[str], paths: Collection[str]) -> list[str]:
    """Files of one folder (spelled the same) whose names fold to the same key, but the first in
    sorted order; of the groups that hold one of ``paths``."""
    groups: dict[tuple[str, str], list[str]] = {}
    for path in everything:
        folder, _, name = path.rpartition("/")
        groups.setdefault((folder, pathrule.fold(name)), []).append(path)
    wanted = set(paths)
    return [
        p
        for group in groups.values()
        if len(group) > 1 and wanted.intersection(group)
        for p in sorted(group)[1:]
    ]


# --- how each rename is done: DVC-tracked files are renamed through DVC ----------------------

How = Literal["move", "dvc move", "dvc add", "by hand"]


@dataclass(frozen=True)
class Step:
    """One rename of a plan, and how it is done.

    ``move``: git mv (or a plain rename outside git). ``dvc move``: ``out`` is a DVC output of its
    own ``.dvc`` file, renamed by DVC with its ``.dvc`` file. ``dvc add``: a file inside the
    DVC-tracked folder ``out`` (its path after any ``dvc move`` of the folder), renamed on disk;
    the folder is then re-added. ``by hand``: ``why`` says what stops it.
    """

    old: str
    new: str
    how: How
    out: str | None = None
    source: str | None = None  # the .dvc file tracking ``out``
    why: str = ""

    @property
    def new_source(self) -> str | None:
        """The ``.dvc`` file after a ``dvc move``: DVC renames it when it is named after the
        output (``OUT.dvc``), and keeps it otherwise."""
        if self.source is None or self.how != "dvc move":
            return self.source
        if posixpath.basename(self.source) == posixpath.basename(self.old) + ".dvc":
            return self.new + ".dvc"
        return self.source


def plan_steps(plan: Iterable[tuple[str, str]], outs: Iterable[DvcOut]) -> list[Step]:
    """The plan's renames as steps, in the order to run them: git (or plain) moves first, then
    each DVC output with its own ``dvc move`` and the renames inside it, folder by folder.

    ``outs`` are every output the dataset's ``.dvc`` files and ``dvc.lock`` track. A ``.dvc``
    file that DVC renames with its output is left out of the steps.
    """
    outs = list(outs)
    per_source = Counter(o.source for o in outs)
    holder = _holder_finder(outs)
    moves: list[Step] = []
    inside: dict[DvcOut, list[tuple[str, str]]] = {}
    for old, new in plan:
        out = holder(old)
        if out is None:
            moves.append(Step(old, new, "move"))
        else:
            inside.setdefault(out, []).append((old, new))
    dvc: list[Step] = []
    for out, renames in inside.items():
        dvc.extend(_dvc_steps(out, renames, per_source[out.source] == 1))
    by_dvc = {s.source for s in dvc if s.how == "dvc move" and s.new_source != s.source}
    moves = [s for s in moves if s.old not in by_dvc]
    tracking = {o.source for o in outs if not o.source.endswith("dvc.lock")}
    for i, step in enumerate(moves):  # a .dvc file moved by git: its relative paths break
        if step.old in tracking and posixpath.dirname(step.old) != posixpath.dirname(step.new):
            why = "a .dvc file whose output paths are relative to its folder"
            moves[i] = Step(step.old, step.new, "by hand", why=why)
    return moves + dvc


def _holder_finder(outs: list[DvcOut]) -> Callable[[str], DvcOut | None]:
    by_path = {o.path: o for o in outs}

    def holder(path: str) -> DvcOut | None:
        while path:
            if path in by_path:
                return by_path[path]
            path = path.rpartition("/")[0]
        return None

    return holder


def _dvc_steps(out: DvcOut, renames: list[tuple[str, str]], alone: bool) -> list[Step]:
    depth = out.path.count("/") + 1
    new_outs = {"/".join(new.split("/")[:depth]) for _, new in renames}
    new_out = new_outs.pop()
    why = ""
    if out.source.endswith("dvc.lock"):
        why = "an output of a DVC pipeline stage: rename it in dvc.yaml, then `dvc repro`"
    elif not alone:
        why = f"{out.source} tracks several outputs, and `dvc move` moves only a file's one output"
    elif new_outs:
        why = f"the files of {out.path} would go to different folders"
    if why:
        return [Step(old, new, "by hand", out.path, out.source, why) for old, new in renames]
    steps = []
    source = out.source
    if new_out != out.path:
        steps.append(Step(out.path, new_out, "dvc move", out.path, out.source))
        source = steps[0].new_source or source
    for old, new in renames:
        moved = new_out + old[len(out.path) :]  # where the file is after the folder's move
        if moved != new:
            steps.append(Step(moved, new, "dvc add", new_out, source))
    return steps
