"""Checks of file and folder names: paths in, findings out, no I/O (domain.md §1)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import NamedTuple

from bia_hooks import pathrule
from bia_hooks.findings import Finding, Level
from bia_hooks.pathrule import WINDOWS_RESERVED, PathIndex, Taken, fold
from bia_hooks.wording import first_few

__all__ = [
    "SPACE_POLICIES",
    "WINDOWS_RESERVED",
    "NameSettings",
    "check_collisions",
    "check_names",
    "check_path",
    "fold",
]

SPACE_POLICIES = ("allow", "warn", "error")

# A file or folder name nothing can be said against: allowed characters, no space, not ending in
# a dot, not empty, '.' or '..', not a Windows device name. A path made of such names has no
# finding but collisions; every other path is checked in full. (Junk and lock files are no files
# of the dataset: the listing sets them apart, junk.py.)
_CLEAN_NAME = re.compile(
    r"(?!(?i:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$))"
    r"[0-9A-Za-z!\-_*'().]*[0-9A-Za-z!\-_*'()]"
)
_CHUNK = 100_000
_PIECE = 1000  # paths of a chunk that is not plainly clean looked at together


class NameSettings(NamedTuple):
    spaces: str = "warn"  # allow | warn | error

    @property
    def no_spaces(self) -> bool:
        """Do new names replace spaces? Whenever a space is a finding (BIA103): fix-names does
        what the finding says."""
        return self.spaces != "allow"


def check_path(
    path: str, settings: NameSettings, taken: Taken | Collection[str] = ()
) -> list[Finding]:
    """Everything wrong with one path. ``taken`` are the paths a suggested new name must avoid
    (for many paths, pass one ``Taken``: it is built once)."""
    if all(_CLEAN_NAME.fullmatch(part) for part in path.split("/")):
        return []
    suggested: list[str] = []

    def suggestion() -> str:  # computed once, and only when a finding needs it
        if not suggested:
            known = taken if isinstance(taken, Taken) else Taken(taken)
            suggested.append(pathrule.suggest_path(path, known, no_spaces=settings.no_spaces))
        return suggested[0]

    findings: list[Finding] = []
    form = pathrule.form_problems(path)
    if not pathrule.passes_server_rule(path):
        bad = pathrule.bad_characters(path)
        fix = f"rename to '{suggestion()}'"
        if bad:
            chars = first_few(bad, pathrule.BadCharacter.describe)
            findings.append(
                Finding("BIA101", path, f"the archive refuses the character(s) {chars}", fix=fix)
            )
        if form:
            findings.append(
                Finding(
                    "BIA102", path, f"the archive refuses this path: {'; '.join(form)}", fix=fix
                )
            )
    findings.extend(_risky(path, settings, suggestion, refused_form=bool(form)))
    return findings


_SPACE_MESSAGE = (
    "the path holds a space; the archive's help page allows only letters, digits "
    "and ! - _ . * ' ( )"
)


def _risky(
    path: str, settings: NameSettings, suggestion: Callable[[], str], refused_form: bool
) -> Iterator[Finding]:
    def rename() -> str:
        return f"rename to '{suggestion()}'"

    if " " in path and settings.spaces != "allow":
        error = settings.spaces == "error"
        level = Level.ERROR if error else Level.WARNING
        fix = rename()
        yield Finding("BIA103", path, _SPACE_MESSAGE, level=level, fix=fix)
    if "  " in path:
        message = "two spaces in a row: the archive's upload page flags them"
        yield Finding("BIA105", path, message, fix=rename())
    if path.startswith("/"):
        message = "a leading '/' makes the archive look for an absolute path: the file is not found"
        fix = f"write the path from the root of the upload: '{suggestion()}'"
        yield Finding("BIA106", path, message, fix=fix)
    parts = path.split("/")
    inner = parts[1:] if path.startswith("/") else parts
    if path.endswith("/"):
        inner = inner[:-1]
    # With a form the server refuses (./a, x/../y), BIA102 already says it.
    if not refused_form and any(p in ("", ".", "..") for p in inner):
        message = (
            "the path has an empty, '.' or '..' component: "
            "the archive takes it literally, and the file is not found"
        )
        yield Finding("BIA111", path, message, fix=f"write it as '{suggestion()}'")
    for part in parts:
        if part != part.strip(" "):
            message = f"'{part}' starts or ends with a space, which the archive trims"
            yield Finding("BIA104", path, message, fix=rename())
        if part.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_RESERVED:
            message = f"'{part}' is a device name on Windows: the file cannot be made there"
            yield Finding("BIA108", path, message, fix=rename())
        if part.endswith(".") and part not in (".", ".."):
            message = f"'{part}' ends in a dot, which Windows drops"
            yield Finding("BIA109", path, message, fix=rename())


def _suspects(paths: list[str]) -> list[str]:
    """The paths that may have a finding besides collisions, found from their distinct names:
    a dataset of a million files has only a few thousand different file and folder names. Only
    the pieces of the list that ``_plainly_clean`` cannot vouch for are looked at name by name:
    one odd path in a million costs a piece, not the list."""
    doubtful: list[str] = []
    for i in range(0, len(paths), _CHUNK):
        chunk = paths[i : i + _CHUNK]
        if not _plainly_clean(chunk):
            pieces = (chunk[j : j + _PIECE] for j in range(0, len(chunk), _PIECE))
            doubtful += [p for piece in pieces if not _plainly_clean(piece) for p in piece]
    return _unclean(doubtful) if doubtful else []


def _unclean(paths: list[str]) -> list[str]:
    """The paths with a name ``_CLEAN_NAME`` does not take."""
    names: set[str] = set()
    for i in range(0, len(paths), _CHUNK):
        chunk = paths[i : i + _CHUNK]
        joined = "\0".join(chunk)
        if joined.count("\0") != len(chunk) - 1:  # a NUL inside a path: check each path
            return paths
        names.update(joined.replace("\0", "/").split("/"))
    unclean = set() if _all_clean(names) else {n for n in names if not _CLEAN_NAME.fullmatch(n)}
    if not unclean:
        return []
    return [p for p in paths if not unclean.isdisjoint(p.split("/"))]


_CLEAN_BYTES = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!-_*'()."
_DEVICES = ("con", "prn", "aux", "nul", "com", "lpt")  # and COM1, LPT1...: a prefix suffices
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Paths joined by "\n" as their names: "/" ends each name, letters are small, any digit is 0.
_NAME_SHAPE = bytes.maketrans(b"\n" + _UPPER + b"123456789", b"/" + _UPPER.lower() + b"000000000")
_DEVICE_NAME = re.compile(rb"/(?:con|prn|aux|nul|com0|lpt0)[./]")  # in that shape


def _plainly_clean(paths: Sequence[str]) -> bool:
    """Does ``_CLEAN_NAME`` take every file and folder name of every path? Told over the joined
    paths at C speed (a million paths, a chunk at a time: 0.2 s, not the second that a set of
    their names and a look at each take); False: maybe not, ask each name."""
    if not paths:
        return True
    text = "\n".join(paths)  # "\n" is in no clean name: it only separates
    if not text.isascii():
        return False
    data = text.encode("ascii")
    if len(data.translate(None, _CLEAN_BYTES + b"/")) != len(paths) - 1:
        return False  # a character no clean name holds (or "\n" inside a path)
    names = b"/" + data.translate(_NAME_SHAPE) + b"/"
    # "//": an empty name; "./": a name that ends in a dot; then a Windows device name.
    return not (b"//" in names or b"./" in names or _DEVICE_NAME.search(names))


def _all_clean(names: Collection[str]) -> bool:
    """Does ``_CLEAN_NAME`` take every name? Told over all of them at once, at C speed (a million
    distinct file names: a tenth of a second, not a second); False: ask it of each."""
    if "" in names:
        return False
    joined = "\n" + "\n".join(names) + "\n"  # "\n" is in no clean name: it only separates
    if not joined.isascii() or ".\n" in joined:
        return False
    rest = joined.encode("ascii").translate(None, _CLEAN_BYTES)
    if len(rest) != len(names) + 1:  # a character a clean name does not hold
        return False
    lower = joined.lower()
    return not any(f"\n{device}" in lower for device in _DEVICES)


def _folders_of(path: str) -> list[str]:
    """The folders above ``path``, deepest first."""
    out = []
    folder = path.rpartition("/")[0]
    while folder:
        out.append(folder)
        folder = folder.rpartition("/")[0]
    return out


def _dataset_index(checked: list[str], everything: Iterable[str]) -> PathIndex:
    """The dataset's paths and the checked ones not among them (a name not yet created), each
    once: a path counted twice would hide the usual case, no two paths that fold together."""
    if checked is everything:
        return PathIndex(checked)
    everything = everything if isinstance(everything, list) else list(everything)
    known = set(everything)
    new = [p for p in checked if p not in known]
    return PathIndex(everything, new) if new else PathIndex(everything)


def check_collisions(
    checked: Iterable[str], everything: Iterable[str], index: PathIndex | None = None
) -> list[Finding]:
    """Checked paths (or their folders) equal to another path or folder but for case or Unicode
    form. ``everything`` is the whole dataset; the checked paths count as part of it. ``index``:
    a ``PathIndex`` of the same paths, when the caller has one."""
    if checked is not everything:
        checked = list(checked)
    elif not isinstance(checked, list):
        checked = everything = list(checked)
    if not isinstance(everything, list):
        everything = list(everything)
    # The usual case, told at C speed: no path has a capital letter (or a form NFC changes).
    if pathrule.fold_to_themselves(everything) and (
        checked is everything or pathrule.fold_to_themselves(checked)
    ):
        return []
    if index is None:
        index = _dataset_index(checked, everything)
    index.build()
    names = index.files + index.folders
    keys = index.file_keys + index.folder_keys
    if len(set(keys)) == len(names):  # the usual case: no two names fold together
        return []
    repeated = {key for key, n in Counter(keys).items() if n > 1}
    twins: dict[str, set[str]] = {}
    for name, key in zip(names, keys, strict=True):
        if key in repeated:
            twins.setdefault(key, set()).add(name)
    twins = {key: spellings for key, spellings in twins.items() if len(spellings) > 1}
    colliding = {name for spellings in twins.values() for name in spellings}
    folder_prefixes = tuple(n + "/" for n in colliding)
    findings = []
    reported: set[str] = set()
    for path in checked:
        if path not in colliding and not path.startswith(folder_prefixes):
            continue
        # The topmost collision only: below two folders that collide, everything does.
        for p in reversed([path, *_folders_of(path)]):
            key = fold(p)
            if key not in twins:
                continue
            if key in reported:
                break
            reported.add(key)
            others = first_few(sorted(twins[key] - {p}), lambda t: f"'{t}'")
            message = (
                f"'{p}' and {others} differ only by letter case or Unicode form: "
                "they collide on macOS and Windows"
            )
            fix = (
                "give one of them a different name (of two files of one folder, "
                "bia-hooks fix-names numbers all but the first)"
            )
            findings.append(Finding("BIA107", path, message, fix=fix))
            break
    return findings


def check_names(
    checked: Iterable[str],
    everything: Collection[str],
    settings: NameSettings,
    asked: set[str] | None = None,
) -> list[Finding]:
    """All name findings for ``checked``, against the full set of paths in the dataset.
    ``asked``: when a set, receives every path a suggested new name was compared with."""
    if checked is not everything:
        checked = list(dict.fromkeys(checked))
    elif not isinstance(checked, list):
        checked = everything = list(checked)
    # The dataset's paths and their folded keys, computed once for new names and collisions.
    index = _dataset_index(checked, everything)
    taken = Taken(index=index, asked=asked)  # loaded only if a new name is suggested
    findings = [f for p in _suspects(checked) for f in check_path(p, settings, taken)]
    findings.extend(check_collisions(checked, everything, index))
    return findings
