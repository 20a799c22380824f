"""The names check of a few paths (the check-names hook) from the part of the git index it needs.

A new name must be compared with every entry of the dataset (letter-case twins, the names a fix
may suggest), and splitting a million entries into strings costs seconds. The answers depend on
few entries: the given paths and what lies below them, the entries whose file or folder name
folds (``fold``) like a folder or file on the way down to them, and a lock file's neighbours.
``git ls-files -z`` is read once, as bytes sorted as git sorts them; bisection over that text
finds those entries (``_Index``), and ``check-names`` runs the same checks on them as on the
whole listing. Whatever this part cannot vouch for goes through the full listing: a folder
outside git, DVC (its outputs may land anywhere), a submodule, a name that folds to text that is
not ASCII in a folder of a great many such names, many paths. ``tests/test_namescope.py`` shows both
ways agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from bia_hooks import dataset, dvcrepo, junk, tree
from bia_hooks.config import Config
from bia_hooks.findings import Finding
from bia_hooks.gitcmd import git_output
from bia_hooks.namecheck import checked_paths, name_findings, set_apart_findings
from bia_hooks.pathrule import fold
from bia_hooks.pathsets import ancestors, at_or_below

__all__ = ["full_names_check", "names_check"]

# More paths (a big commit): one full listing costs about as much as their checks (1M entries:
# 500 paths take 1.4 s, the full listing 2.9 s).
MAX_ROOTS = 500
MAX_NOT_ASCII = 100_000  # entries of a folder whose names are not ASCII, folded one by one
_PIECE = 1 << 16  # bytes of the index tested for ASCII at once
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
_SUBMODULES = b".gitmodules"
_DVC_ENDS = tuple(s.encode() + b"\0" for s in dvcrepo.DVC_SOURCES)


def names_check(config: Config, given: Sequence[str]) -> tuple[list[Finding], int]:
    """What ``check-names PATH...`` reports for ``given`` (paths from the root), and how many
    names it checked: the findings of the full listing, from the part of it they depend on."""
    from bia_hooks.stagednames import staged_names_check

    quick = staged_names_check(config, given)
    if quick is not None:
        return quick
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


class _Index:
    """``git ls-files -z`` as git writes it: every entry followed by a NUL, sorted by its bytes.
    The questions a scope asks, by bisection: no entry is made a string but the ones returned."""

    def __init__(self, text: bytes) -> None:
        self.text = text

    def first_at_or_after(self, key: bytes) -> int:
        """The offset of the first entry not less than ``key`` (``len(text)`` if none)."""
        text = self.text
        lo, hi = 0, len(text)  # both at the start of an entry (or the end)
        while lo < hi:
            start = text.rfind(b"\0", lo, (lo + hi) // 2) + 1 or lo
            end = text.index(b"\0", start)
            if text[start:end] < key:
                lo = end + 1
            else:
                hi = start
        return lo

    def starting_with(self, prefix: bytes) -> tuple[int, int]:
        """The offsets of the entries that start with ``prefix`` (one run: they sort together)."""
        if not prefix:
            return 0, len(self.text)
        start = self.first_at_or_after(prefix)
        if not self.text.startswith(prefix, start):
            return start, start
        cut = prefix.rstrip(b"\xff")
        if not cut:  # all 0xFF: what starts so sorts last
            return start, len(self.text)
        after = cut[:-1] + bytes([cut[-1] + 1])  # the least key after all that start so
        return start, self.first_at_or_after(after)

    def has_prefix(self, prefix: bytes) -> bool:
        at = self.first_at_or_after(prefix)
        return at < len(self.text) and self.text.startswith(prefix, at)

    def has(self, entry: bytes) -> bool:
        return self.text.startswith(entry + b"\0", self.first_at_or_after(entry))

    def exactly(self, entry: bytes) -> tuple[int, int]:
        """The offsets of ``entry`` itself, if the index has it."""
        start = self.first_at_or_after(entry)
        if self.text.startswith(entry + b"\0", start):
            return start, start + len(entry) + 1
        return start, start

    def at_or_below(self, path: bytes) -> Iterator[tuple[int, int]]:
        """The entry ``path`` and the entries below it (the folder ``path``)."""
        yield self.exactly(path)
        yield self.starting_with(path + b"/")

    def spellings(self, folder: bytes, key: str) -> list[bytes]:
        """Every name in ``folder`` (``b""`` or ending with '/'), of a file or of a folder, that
        folds to ``key`` (ASCII): ``Name``, ``NAME``, ``naſe``. One character at a time, and
        only on while some entry starts so: a name without twins costs two bisections a
        character."""
        found = []
        todo = [(folder, 0)]
        while todo:
            spelled, i = todo.pop()
            if i == len(key):
                if self.has(spelled) or self.has_prefix(spelled + b"/"):
                    found.append(spelled[len(folder) :])
                continue
            pieces = {(key[i], 1), (key[i].upper(), 1)}
            pieces.update((c, len(f)) for c, f in FOLDS_TO_ASCII.items() if key.startswith(f, i))
            for piece, step in pieces:
                longer = spelled + piece.encode()
                if self.has_prefix(longer):
                    todo.append((longer, i + step))
        return found

    def names_not_ascii(self, folder: bytes) -> set[bytes] | None:
        """The names in ``folder`` (``b""`` or ending with '/') that are not ASCII; None when
        more than ``MAX_NOT_ASCII`` entries hold such. Pieces of the text that are ASCII (the
        usual case, and a quick test) are skipped whole."""
        text = self.text
        start, stop = self.starting_with(folder)
        names: set[bytes] = set()
        seen = 0
        while start < stop:
            end = text.index(b"\0", min(start + _PIECE, stop) - 1) + 1  # a whole entry
            if not text[start:end].isascii():
                entries = [e for e in text[start : end - 1].split(b"\0") if not e.isascii()]
                seen += len(entries)
                if seen > MAX_NOT_ASCII:
                    return None
                names.update(e[len(folder) :].partition(b"/")[0] for e in entries)
            start = end
        return {n for n in names if not n.isascii()}

    def paths(self, spans: Iterable[tuple[int, int]]) -> list[str]:
        """The entries of ``spans``, each once, in the index's order."""
        paths: list[str] = []
        end = 0
        for start, stop in sorted(s for s in spans if s[0] < s[1]):
            start = max(start, end)
            if start < stop:
                paths += self.text[start : stop - 1].decode("utf-8", "surrogateescape").split("\0")
                end = stop
        return paths

    def holds_dvc(self) -> bool:
        """Does any entry tell what DVC tracks (``*.dvc``, ``dvc.lock``)?"""
        for end in _DVC_ENDS:
            at = self.text.find(end)
            while at >= 0:
                start = self.text.rfind(b"\0", 0, at) + 1
                path = self.text[start : at + len(end) - 1].decode("utf-8", "surrogateescape")
                if dataset.is_machinery(path):
                    return True
                at = self.text.find(end, at + 1)
        return False


class _Scope:
    """The entries to read: each root with everything below it and the twins of every name on
    the way down to it; each set-apart path given (``apart``) with the documents a lock file may
    lock; each ``probes`` path as a file."""

    def __init__(self, root: Path, objects: tuple[str, ...], roots: set[str], apart: set[str],
                 probes: set[str], index: _Index | None = None) -> None:  # fmt: skip
        self.root, self.objects = root, objects
        self.roots, self.apart, self.probes = roots, apart, probes
        self.index = index

    @classmethod
    def of(cls, root: Path, given: Sequence[str], objects: tuple[str, ...]) -> _Scope | None:
        """The scope of ``namecheck.checked_paths`` and ``set_apart_findings`` for ``given``;
        None when only the full listing will do."""
        if not root.is_dir():
            return None
        object_of = dataset.object_root_finder(objects)
        roots: set[str] = set()
        apart: set[str] = set()
        for path in given:
            if path in ("", ".") or path.startswith("../"):
                return None
            if junk.is_set_apart(path):
                apart.add(path)
                continue
            roots.add(object_of(path) or path)
            if path.endswith(".dvc"):
                roots.add(path[: -len(".dvc")])
        if len(roots) + len(apart) > MAX_ROOTS or "" in roots:
            return None
        return cls(root, objects, roots, apart, set())

    def read(self) -> tree.DatasetFiles | None:
        """The entries in scope as ``tree.dataset_files`` lists them (the same order, the same
        set-apart findings); None when the full listing may differ."""
        if self.index is None:
            text = git_output(self.root, "ls-files", "-z", "--deduplicate")
            if text is None:
                return None  # not in git, or git fails: the full listing says why
            self.index = _Index(text)
            if _SUBMODULES in text or self.index.holds_dvc():
                return None  # a submodule is no entry; DVC's outputs join the dataset
        spans = self._spans(self.index)
        if spans is None:
            return None
        paths = self.index.paths(spans)
        files = [dataset.DatasetFile(p, "file") for p in paths]
        files = dataset.collapse_objects(files, self.objects, "\0".join(paths) + "\0")
        paths = [f.path for f in files]
        data = [p for p in paths if not dataset.is_machinery(p)]
        return tree._set_apart(tree.DatasetFiles(paths, data, []), None)

    def _spans(self, index: _Index) -> list[tuple[int, int]] | None:
        spans: list[tuple[int, int]] = []
        for root in self.roots:
            found = _root_spans(index, root)
            if found is None:
                return None
            spans += found
        for path in self.apart:
            spans += index.at_or_below(_encode(path))
            parent, _, name = path.rpartition("/")
            lock = junk.lock_named(name)
            if lock is not None:  # its document: named as the lock says, or but for 2 characters
                folder = _encode(parent + "/" if parent else "")
                spans += _files_ending_with(index, folder, _encode(lock.document))
        spans += (index.exactly(_encode(path)) for path in self.probes)
        return spans

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
        widened = _Scope(self.root, self.objects, self.roots | roots, self.apart,
                         self.probes | probes, self.index)  # fmt: skip
        return widened if len(widened.roots) <= MAX_ROOTS and "" not in roots else None


def _root_spans(index: _Index, root: str) -> list[tuple[int, int]] | None:
    """``root``, what is below it, and every other spelling of each name on the way down to it
    with what is below that; None when the full listing must fold the spellings."""
    spans = list(index.at_or_below(_encode(root)))
    folder = b""
    for name in root.split("/"):
        key, spelled = fold(name), _encode(name)
        if key.isascii():
            twins = index.spellings(folder, key)
        else:  # its twins are not ASCII either
            others = index.names_not_ascii(folder)
            if others is None:
                return None  # too many to fold one by one
            twins = [t for t in others if fold(t.decode("utf-8", "surrogateescape")) == key]
        spans += (s for t in twins if t != spelled for s in index.at_or_below(folder + t))
        folder += spelled + b"/"
    return spans


def _encode(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


def _files_ending_with(index: _Index, folder: bytes, tail: bytes) -> list[tuple[int, int]]:
    """The entries directly in ``folder`` whose name ends with ``tail``."""
    start, stop = index.starting_with(folder)
    spans = []
    at = index.text.find(tail + b"\0", start, stop)
    while at >= 0:
        begin = index.text.rfind(b"\0", 0, at) + 1
        end = at + len(tail) + 1
        if b"/" not in index.text[begin + len(folder) : end]:
            spans.append((begin, end))
        at = index.text.find(tail + b"\0", end, stop)
    return spans
