"""Who owns each file of the dataset: pure, from the paths, what each file list names, and the
configuration.

What a list names, it owns, whatever folder either is in: the archive's usual upload has several
lists side by side at its root, each naming files anywhere in the tree (domain.md §7). A row that
names a folder owns the files below it, and a row inside a one-object folder (``a.zarr/0/0``) owns
the object. A renamed file stays with the list that named it, unless the configuration's include
globs give its new path to one other list (its row and values then move there).

Only files no list names are assigned: by the configured include/exclude globs, else (a list
without include globs, or no configuration) to the nearest list in a folder above the file. When
two lists could take a file, nobody guesses: the file goes to neither, and a finding says which
lists could take it and how to choose.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import posixpath
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bia_hooks import globs
from bia_hooks.config import FileListConfig
from bia_hooks.findings import Finding
from bia_hooks.pathsets import ancestors, first_below, in_sorted
from bia_hooks.wording import first_few

__all__ = ["Ownership", "default_include", "share_out"]


def default_include(filelist_path: str) -> tuple[str, ...]:
    """A list without include globs may take the files of its own folder and below."""
    folder = posixpath.dirname(filelist_path)
    return (f"{folder}/**",) if folder else ("**",)


@dataclass
class Ownership:
    """The dataset's files shared out among its file lists."""

    members: dict[str, list[str]] = field(default_factory=dict)  # list -> files it lists, sorted
    unclaimed: list[str] = field(default_factory=list)  # no list names or may take these
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # file -> lists that may take it
    # A renamed file whose new path the configuration gives to another list:
    # new path -> (the list it leaves, its old path, the list it joins).
    moves: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # Renames git did not see, paired by file name: list -> old -> new (see ``_with_same_name``).
    same_name: dict[str, dict[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def share_out(
    data: Sequence[str],
    filelists: Sequence[FileListConfig],
    listed: Mapping[str, Sequence[str] | None],
    renames: Mapping[str, Mapping[str, str]] | None = None,
    ignore: Sequence[str] = (),
) -> Ownership:
    """Share ``data`` (the dataset's files, sorted, without repository machinery) out.

    ``listed[list]``: the paths the list names (None: the list cannot be read, so it owns nothing
    known and is left alone). ``renames[list]``: old -> new paths since the list last changed.
    The file lists themselves are nobody's members.
    """
    in_step = _one_list_names_all(data, filelists, listed)
    if in_step is not None:
        return in_step
    return _share_out_exact(data, filelists, listed, renames, ignore)


def _one_list_names_all(
    data: Sequence[str],
    filelists: Sequence[FileListConfig],
    listed: Mapping[str, Sequence[str] | None],
) -> Ownership | None:
    """The usual dataset, in step: one readable list naming exactly the dataset's files (the
    lists themselves aside). Each file is then that list's and nothing is left to assign, shown
    by one sort of a sorted list and one comparison at C speed (1M files: 0.1 s, not the second
    of ``_share_out_exact``; `bia-hooks check` in benches/run.py). None otherwise
    (tests/test_ownership_fast.py holds the two to the same result)."""
    readable = [fl.path for fl in filelists if listed.get(fl.path)]
    if len(readable) != 1 or not isinstance(data, list):
        return None
    named = sorted(listed[readable[0]] or ())
    files = data
    for filelist in filelists:  # a list is no file to name: out of the comparison, unless named
        at = bisect.bisect_left(files, filelist.path)
        if at < len(files) and files[at] == filelist.path and not in_sorted(named, files[at]):
            files = files if files is not data else list(data)
            del files[at]
    if named != files:
        return None
    members: dict[str, list[str]] = {fl.path: [] for fl in filelists}
    members[readable[0]] = named
    return Ownership(members=members)


def _share_out_exact(
    data: Sequence[str],
    filelists: Sequence[FileListConfig],
    listed: Mapping[str, Sequence[str] | None],
    renames: Mapping[str, Mapping[str, str]] | None = None,
    ignore: Sequence[str] = (),
) -> Ownership:
    """``share_out`` path by path: the source of truth."""
    names = [fl.path for fl in filelists]
    own = set(names)
    owner, twice = _named(names, listed)
    members: dict[str, list[str]] = {name: [] for name in names}
    unowned: list[str] = []
    if len(set(owner.values())) == 1:  # the usual dataset, one list: split the paths at C speed
        named = list(map(owner.__contains__, data))  # each path looked up once
        members[next(iter(owner.values()))] = list(itertools.compress(data, named))
        unnamed = itertools.compress(data, map(operator.not_, named))
        unowned = [p for p in unnamed if p not in own]
    else:
        owner_of = owner.get
        for path in data:  # one pass over a million paths: no branches beyond this one
            name = owner_of(path)
            if name is None:
                if path not in own:
                    unowned.append(path)
            else:
                members[name].append(path)
    result = Ownership(members=members)
    for path, claims in twice.items():
        if not in_sorted(data, path):
            continue  # gone: each list's sync handles its row (a rename follows in both)
        for name in claims[1:]:
            members[name].append(path)
        result.findings.append(_named_twice(path, claims))
    if unowned:
        unowned = _owned_by_folder_rows(unowned, owner, members)
    if unowned:
        renames = _with_same_name(data, unowned, names, listed, renames or {}, owner, result)
        unowned = _follow_renames(unowned, filelists, listed, renames, owner, twice, result)
    if unowned:
        _assign(unowned, filelists, ignore, result)
    result.findings += _circular(names, listed)
    for name in names:
        members[name].sort()
    return result


def _named(
    names: Sequence[str], listed: Mapping[str, Sequence[str] | None]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """path -> the list naming it; and the paths named by more than one list, with those lists."""
    readable = [n for n in names if listed.get(n)]
    if len(readable) == 1:  # the usual dataset: one list, a million rows, one C-speed call
        return dict.fromkeys(listed[readable[0]] or (), readable[0]), {}
    owner: dict[str, str] = {}
    twice: dict[str, list[str]] = {}
    for name in readable:
        for path in dict.fromkeys(listed[name] or ()):
            first = owner.setdefault(path, name)
            if first != name:
                twice.setdefault(path, [first]).append(name)
    return owner, twice


def _owned_by_folder_rows(
    unowned: list[str], owner: Mapping[str, str], members: dict[str, list[str]]
) -> list[str]:
    """Files below a listed folder, and objects with a row inside them, belong to that list.

    ``owner`` (path -> the list naming it) holds every row already: no set of a million rows is
    built again, and the sorted rows only when a path is not below a listed folder.
    """
    if not owner:
        return unowned  # a new dataset: nothing listed yet
    left = []
    rows: list[str] | None = None
    for path in unowned:
        folder = next((f for f in ancestors(path) if f in owner), None)
        if folder is None:
            rows = rows if rows is not None else sorted(owner)  # near-linear: lists are sorted
            folder = first_below(rows, path)
        if folder is None:
            left.append(path)
        else:
            members[owner[folder]].append(path)
    return left


def _follow_renames(
    unowned: list[str],
    filelists: Sequence[FileListConfig],
    listed: Mapping[str, Sequence[str] | None],
    renames: Mapping[str, Mapping[str, str]],
    owner: Mapping[str, str],
    twice: Mapping[str, list[str]],
    result: Ownership,
) -> list[str]:
    """A renamed file belongs to the list that named its old path, or to the one other list the
    configuration's include globs give its new path to."""
    came_from: dict[str, list[tuple[str, str]]] = {}  # new -> (list, old) for each list
    waiting = set(unowned)
    for fl in filelists:
        for old, new in renames.get(fl.path, {}).items():
            if new not in waiting:
                continue
            named = owner.get(old) == fl.path or fl.path in twice.get(old, ())
            if named or any(owner.get(f) == fl.path for f in ancestors(old)):  # or a folder row
                came_from.setdefault(new, []).append((fl.path, old))
    if not came_from:
        return unowned
    left = []
    for path in unowned:
        origins = came_from.get(path)
        if origins is None:
            left.append(path)
            continue
        if len(origins) > 1:  # named by two lists before: it still is, in both (BIA422)
            for name, _ in origins:
                result.members[name].append(path)
            result.findings.append(_named_twice(path, [name for name, _ in origins]))
            continue
        name, old = origins[0]
        chosen = _explicit_candidates(path, filelists)
        if len(chosen) == 1 and chosen[0] != name and listed.get(chosen[0]) is not None:
            result.moves[path] = (name, old, chosen[0])
            name = chosen[0]
        result.members[name].append(path)
    return left


def _with_same_name(
    data: Sequence[str],
    unowned: Sequence[str],
    names: Sequence[str],
    listed: Mapping[str, Sequence[str] | None],
    renames: Mapping[str, Mapping[str, str]],
    owner: Mapping[str, str],
    result: Ownership,
) -> dict[str, dict[str, str]]:
    """``renames`` and the moves git could not see: a listed path that is gone, and a new file no
    list names, both alone with their file name, and no other file of the dataset with that name
    (a corrected mask moved in the same commit: its content changed too much for git's rename
    detection)."""
    out = {name: dict(renames.get(name, {})) for name in names}
    present = set(data)
    gone: dict[str, list[tuple[str, str]]] = {}  # file name -> (list, old path)
    for name in names:
        followed = out[name]
        for path in listed.get(name) or ():
            if path not in present and path not in followed and owner.get(path) == name:
                gone.setdefault(posixpath.basename(path), []).append((name, path))
    if not gone:
        return out
    arrived: dict[str, list[str]] = {}
    for path in unowned:
        arrived.setdefault(posixpath.basename(path), []).append(path)
    candidates = {
        file_name: (olds[0], news[0])
        for file_name, olds in gone.items()
        if len(olds) == 1 and len(news := arrived.get(file_name, [])) == 1
    }
    if not candidates:
        return out
    # A name is evidence only where it is distinctive: 'A01.tif' in every plate folder is not.
    seen = Counter(p[p.rfind("/") + 1 :] for p in data if p.endswith(tuple(candidates)))
    for file_name, ((name, old), new) in candidates.items():
        if seen[file_name] == 1:
            out[name][old] = new
            result.same_name.setdefault(name, {})[old] = new
    return out


def _explicit_candidates(path: str, filelists: Sequence[FileListConfig]) -> list[str]:
    return [
        fl.path
        for fl in filelists
        if fl.include
        and globs.matches(path, fl.include)
        and not (fl.exclude and globs.matches(path, fl.exclude))
    ]


def _assign(
    unowned: list[str],
    filelists: Sequence[FileListConfig],
    ignore: Sequence[str],
    result: Ownership,
) -> None:
    """Files no list names: to the one list the globs give them, else to the nearest list above."""
    if ignore:
        ignored = globs.compile_globs(tuple(ignore)).fullmatch
        unowned = [p for p in unowned if not ignored(p)]
    explicit = [fl for fl in filelists if fl.include]
    by_folder = [fl for fl in filelists if not fl.include]
    takes = {fl.path: globs.compile_globs(fl.include).fullmatch for fl in explicit}
    refuses = {fl.path: globs.compile_globs(fl.exclude).fullmatch for fl in filelists if fl.exclude}
    folders = {fl.path: posixpath.dirname(fl.path) for fl in by_folder}
    for path in unowned:
        candidates = [
            name for name, take in takes.items()
            if take(path) and not (name in refuses and refuses[name](path))
        ]  # fmt: skip
        if not candidates:
            candidates = _nearest(path, folders, refuses)
        if len(candidates) == 1:
            result.members[candidates[0]].append(path)
        elif candidates:
            result.ambiguous[path] = candidates
        else:
            result.unclaimed.append(path)
    if result.ambiguous:
        likely = _likely_list(result)
        result.findings += [_ambiguous(p, c, likely(p, c)) for p, c in result.ambiguous.items()]


def _likely_list(result: Ownership) -> Callable[[str, Sequence[str]], str | None]:
    """For the hint only: the candidate that already lists most files of the same folder."""
    in_folder: dict[str, Counter[str]] = {}
    folders = {posixpath.dirname(p) for p in result.ambiguous}
    for name, files in result.members.items():
        in_folder[name] = Counter(d for f in files if (d := f[: max(f.rfind("/"), 0)]) in folders)

    def likely(path: str, candidates: Sequence[str]) -> str | None:
        folder = posixpath.dirname(path)
        best = max(candidates, key=lambda c: in_folder.get(c, Counter())[folder])
        return best if in_folder.get(best, Counter())[folder] else None

    return likely


def _nearest(path: str, folders: Mapping[str, str], refuses: Mapping[str, object]) -> list[str]:
    """The lists in the deepest folder above ``path`` (several: a tie nobody may break)."""
    best: list[str] = []
    depth = -1
    for name, folder in folders.items():
        if folder and not path.startswith(folder + "/"):
            continue
        refuse = refuses.get(name)
        if callable(refuse) and refuse(path):
            continue
        here = folder.count("/") + 1 if folder else 0
        if here > depth:
            best, depth = [name], here
        elif here == depth:
            best.append(name)
    return best


def _circular(names: Sequence[str], listed: Mapping[str, Sequence[str] | None]) -> list[Finding]:
    """A folder named in one list with a file inside it named in another: the archive refuses the
    submission (it checks across all the study's lists). Within one list, validation says it."""
    readable = [n for n in names if listed.get(n)]
    if len(readable) < 2:
        return []
    rows = sorted({(p, n) for n in readable for p in listed[n] or ()})
    paths = [p for p, _ in rows]
    findings = []
    reported: set[tuple[str, str]] = set()
    for folder, name in rows:
        i = bisect.bisect_left(paths, folder + "/")
        while i < len(rows) and paths[i].startswith(folder + "/"):
            inside, other = rows[i]
            if other != name and (name, other) not in reported:
                reported.add((name, other))
                findings.append(_circular_finding(name, folder, other, inside))
            i += 1
    return findings


def _named_twice(path: str, lists: Iterable[str]) -> Finding:
    lists = list(lists)
    return Finding(
        "BIA422",
        path,
        f"named by {len(lists)} file lists: {first_few(lists)}; the archive would list it twice",
        fix="delete its row from every list but the one it belongs to",
    )


def _ambiguous(path: str, lists: Sequence[str], likely: str | None) -> Finding:
    folder = posixpath.dirname(path)
    glob = f"{folder}/**" if folder else posixpath.basename(path)
    example = f"filelists: - path: {likely}  include: ['{glob}']" if likely else f"['{glob}']"
    return Finding(
        "BIA426",
        path,
        f"no file list names this file, and {len(lists)} could take it: {first_few(lists)}; "
        "the sync adds it to none of them rather than guess",
        fix="add its row to the list it belongs to, or give that list an 'include' glob in "
        f".bia-hooks.yaml (e.g. {example})",
    )


def _circular_finding(name: str, folder: str, other: str, inside: str) -> Finding:
    return Finding(
        "BIA308",
        name,
        f"lists the folder '{folder}', and {other} lists '{inside}' inside it: the archive "
        "refuses the submission (a circular reference across the study's file lists)",
        value=folder,
        fix=f"list the folder's files one by one in {name}, or drop '{inside}' from {other}",
    )
