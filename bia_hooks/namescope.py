"""The names check of a few paths (the check-names hook) from the part of the git index it needs.

A new name must be compared with every entry of the dataset (letter-case twins, the names a fix
may suggest), and listing a million entries costs seconds. The answers depend on few entries: the
given paths and what lies below them, the entries whose file or folder name folds (``fold``) like
a folder or file on the way down to them, and a lock file's neighbours. One ``git ls-files`` with
pathspecs reads just those; ``check-names`` then runs the same checks on them as on the whole
listing. Whatever this part cannot vouch for goes through the full listing: a folder outside
git, DVC (its outputs may land anywhere), a submodule, a given name that is not ASCII, many paths.
``tests/test_namescope.py`` shows both ways agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from bia_hooks import dataset, dvcrepo, junk, tree
from bia_hooks.config import Config
from bia_hooks.findings import Finding
from bia_hooks.gitcmd import git, is_git_work_tree
from bia_hooks.namecheck import checked_paths, name_findings, set_apart_findings
from bia_hooks.pathsets import ancestors, at_or_below

__all__ = ["full_names_check", "names_check"]

MAX_ROOTS = 64  # more paths (a big commit): one full listing costs less than their pathspecs
_ROUNDS = 4  # a suggested name asks about a new folder: each round reads those too

# The characters that are not ASCII but fold (``pathrule.fold``: NFC, then casefold) to ASCII:
# the only way a name not ASCII can be the twin of an ASCII one (``test_namescope`` scans Unicode).
FOLDS_TO_ASCII = {
    "\u00df": "ss",  # ß
    "\u017f": "s",  # long s
    "\u037e": ";",  # Greek question mark
    "\u1e9e": "ss",  # capital sharp s
    "\u1fef": "`",  # Greek varia
    "\u212a": "k",  # Kelvin sign
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_FOLD_PIECES = ("s", "k", ";", "`", "ff", "fi", "fl")  # one of these is in each value above


def names_check(config: Config, given: Sequence[str]) -> tuple[list[Finding], int]:
    """What ``check-names PATH...`` reports for ``given`` (paths from the root), and how many
    names it checked: the findings of the full listing, from the part of it they depend on."""
    scope = _Scope.of(config.root, given, config.objects)
    for _ in range(_ROUNDS):
        listing = scope.read() if scope is not None else None
        if scope is None or listing is None:
            break
        checked = checked_paths(config.root, given, listing.paths, config.objects)
        asked: set[str] = set()
        findings = set_apart_findings(config, listing, given)
        findings += name_findings(config, checked, listing.paths, asked)
        scope = scope.widened(asked, checked, set(listing.paths))
        if scope is None:
            return findings, len(checked)
    return full_names_check(config, given)


def full_names_check(config: Config, given: Sequence[str]) -> tuple[list[Finding], int]:
    """``names_check`` from the full listing of the dataset: the reference."""
    listing = tree.dataset_files(config.root, config.objects)
    checked = checked_paths(config.root, given, listing.paths, config.objects)
    findings = set_apart_findings(config, listing, given)
    return findings + name_findings(config, checked, listing.paths), len(checked)


class _Scope:
    """The entries to read: each root with everything below it and the twins of every name on
    the way down to it; the files directly in each ``neighbours`` folder; each ``probes`` path
    as a file."""

    def __init__(self, root: Path, objects: tuple[str, ...], roots: set[str],
                 neighbours: set[str], probes: set[str]) -> None:  # fmt: skip
        self.root, self.objects = root, objects
        self.roots, self.neighbours, self.probes = roots, neighbours, probes

    @classmethod
    def of(cls, root: Path, given: Sequence[str], objects: tuple[str, ...]) -> _Scope | None:
        """The scope of ``namecheck.checked_paths`` and ``set_apart_findings`` for ``given``;
        None when only the full listing will do."""
        if not root.is_dir() or not is_git_work_tree(root):
            return None
        object_of = dataset.object_root_finder(objects)
        roots: set[str] = set()
        neighbours: set[str] = set()
        for path in given:
            if path == "." or path.startswith("../"):
                return None
            if junk.is_set_apart(path):
                neighbours.add(path.rpartition("/")[0])  # where a lock file's document is
                continue
            roots.add(object_of(path) or path)
            if path.endswith(".dvc"):
                roots.add(path[: -len(".dvc")])
        if len(roots) + len(neighbours) > MAX_ROOTS or not all(map(_plain_ascii, roots)):
            return None
        return cls(root, objects, roots, neighbours, set())

    def pathspecs(self) -> list[str]:
        specs = ["*dvc*"]  # any DVC file: then the full listing (see ``read``)
        for root in sorted(self.roots):
            specs.append(":(literal)" + root)
            folder = ""
            for name in root.split("/"):
                specs += _twin_pathspecs(folder, name)
                folder = f"{folder}/{name}" if folder else name
        for folder in sorted(self.neighbours):
            specs.append(":(glob)" + (_escape(folder) + "/" if folder else "") + "*")
        for path in sorted(self.probes):  # the file itself, not what is below it
            specs.append(f":(glob){_escape(path[:-1])}[{_escape(path[-1])}]")
        return specs

    def read(self) -> tree.DatasetFiles | None:
        """The entries in scope as ``tree.dataset_files`` lists them (the same order, the same
        set-apart findings); None when the full listing may differ."""
        out = git(self.root, "ls-files", "-s", "-z", "--", *self.pathspecs()).stdout
        paths: list[str] = []
        for record in out.decode("utf-8", "surrogateescape").split("\0")[:-1]:
            meta, _, path = record.partition("\t")
            if meta.startswith("160000 "):
                return None  # a submodule: listed or not depending on the whole index
            if path.endswith(dvcrepo.DVC_SOURCES) and dataset.is_machinery(path):
                return None  # DVC's outputs join the dataset
            if not paths or paths[-1] != path:  # a merge conflict: one entry per path
                paths.append(path)
        files = [dataset.DatasetFile(p, "file") for p in paths]
        files = dataset.collapse_objects(files, self.objects, "\0".join(paths) + "\0")
        paths = [f.path for f in files]
        data = [p for p in paths if not dataset.is_machinery(p)]
        return tree._set_apart(tree.DatasetFiles(paths, data, []), None)

    def widened(self, asked: Iterable[str], checked: Sequence[str],
                listed: set[str]) -> _Scope | None:  # fmt: skip
        """This scope with what the paths ``asked`` about (by a suggested new name) need, or
        None when it answers them all already."""
        roots, probes = set(), set()
        inside = {a for c in checked for a in ancestors(c)}
        for path in asked:
            if any(at_or_below(path, r) for r in self.roots):
                continue  # every entry at or below it, and every twin above it, is read
            if path in inside:
                # A folder on the way to a checked path: its twins are read; it is no file when
                # git holds that path (git refuses a file and a folder of one name).
                if path not in self.probes and not any(
                    at_or_below(c, path) and c in listed for c in checked
                ):
                    probes.add(path)
            else:
                roots.add(path)
        if not roots and not probes:
            return None
        if not all(map(_plain_ascii, roots)):
            return None  # cannot happen: suggested names are ASCII; the full listing then
        widened = _Scope(self.root, self.objects, self.roots | roots, self.neighbours,
                         self.probes | probes)  # fmt: skip
        return widened if len(widened.roots) <= MAX_ROOTS else None


def _plain_ascii(path: str) -> bool:
    return path.isascii() and "\0" not in path and path not in ("", ".")


def _escape(text: str) -> str:
    """``text`` matched literally by a ``:(glob)`` pathspec."""
    return "".join("\\" + c if c in "\\*?[]" else c for c in text)


def _any_case(text: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else _escape(c) for c in text)


def _twin_pathspecs(folder: str, name: str) -> list[str]:
    """Pathspecs of the entries at or below every other spelling of ``name`` (ASCII) in
    ``folder`` that folds like it: ``Name``, ``NAME``, ``naſe``. Each spelling differs first at
    some character: a pattern per such character, with a literal start so git skips the rest."""
    lower = name.lower()
    prefix = _escape(folder) + "/" if folder else ""
    patterns = []
    for i, c in enumerate(name):
        start = prefix + _escape(name[:i])
        if c.isalpha():
            rest = lower[i + 1 :]
            tail = "*" if any(p in rest for p in _FOLD_PIECES) else _any_case(name[i + 1 :])
            patterns.append(start + c.swapcase() + tail)
        for char, folded in FOLDS_TO_ASCII.items():
            if lower.startswith(folded, i):
                patterns.append(start + char + "*")
    return [f":(glob){p}{end}" for p in patterns for end in ("", "/**")]
