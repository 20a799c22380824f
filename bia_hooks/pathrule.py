"""The archive's path rule and its replacement table (domain.md §1).

Sources: BioStudies backend ``FileSourcesList.kt`` (the rule the server enforces) and the
submission tool's ``sanitize.utils.ts`` (the replacements its upload page proposes).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import accumulate, repeat
from operator import itemgetter
from typing import NamedTuple

# The server's whole-path rule, verbatim.
SERVER_RULE = re.compile(r"(?!\./)(?!.*/$)(?!.*\.\./)[0-9A-Za-z!\-_*'(). /]+")
ALLOWED_CHARACTERS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!-_*'(). /"
)
SERVER_MESSAGE = "The given file path contains invalid characters: {path}"

# The upload page's replacements, in its order; control characters are removed first.
REPLACEMENTS: dict[str, str] = {
    "&": "Et", "$": "S", "@": "A", "=": "-", ";": "-", ":": "-", "+": "--", ",": "-",
    "?": "-", "\\": "-", "{": "(", "[": "(", "^": "-", "}": ")", "]": ")", "%": "-",
    "`": "-", '"': "'", ">": ")", "<": "(", "~": "-", "#": "-", "|": "I",
}  # fmt: skip

# Look-alikes the archive refuses; the upload page asks the user, we propose the obvious letter.
LOOKALIKES: dict[str, str] = {
    "\u00a0": " ", "\u2007": " ", "\u202f": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u201c": "'", "\u201d": "'", "\u201e": "'", "\u00b5": "u", "\u03bc": "u", "\u00d7": "x",
    "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u00f8": "o", "\u00d8": "O",
    "\u2044": "-", "\u2215": "-", "\uff0f": "-",  # slashes: never a new folder
}  # fmt: skip

# Names Windows reserves for devices, whatever the extension (``CON.tif`` too).
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(10)] + [f"LPT{i}" for i in range(10)]
)

# The longest file or folder name most file systems take (ext4, XFS, Btrfs, APFS, NTFS): 255 bytes
# (UTF-8). A new name must fit, or the rename fails halfway through a plan.
NAME_MAX = 255
# An extension is short ('tif', 'ome.tif', 'ome.zarr.zip'): longer text after a dot is name.
_LONGEST_EXTENSION = 32

_CONTROL_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return", "\x7f": "delete"}
_SPACE_RUNS = re.compile(" {2,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def passes_server_rule(path: str) -> bool:
    return SERVER_RULE.fullmatch(path) is not None


_ALLOWED_BYTES = "".join(sorted(ALLOWED_CHARACTERS)).encode("ascii")
# Between two "\n" of the joined paths: a path that is empty, ends with "/", or starts with "./".
_REFUSED_FORM = re.compile(rb"\n(?:(?<=/\n)|\n|\./)")
_CHUNK = 100_000  # paths joined at once: the text of a chunk is a few MB, never the whole list


def may_refuse(paths: Sequence[str]) -> bool:
    """Might the server rule refuse one of ``paths``? False only when none is refused, found over
    the joined paths at C speed, a chunk at a time (a million listed paths: 0.1 s, not a second of
    ``passes_server_rule`` on each); True means: ask ``passes_server_rule`` of each."""
    for i in range(0, len(paths), _CHUNK):
        chunk = paths[i : i + _CHUNK]
        joined = "\n".join(chunk)  # "\n" is no allowed character: it only separates
        if not joined.isascii():
            return True
        data = joined.encode("ascii")
        if len(data.translate(None, _ALLOWED_BYTES)) != len(chunk) - 1:
            return True  # a character that is not allowed, or "\n" in a path
        if b"../" in data or _REFUSED_FORM.search(b"\n" + data + b"\n"):
            return True
    return False


def without_quotes(path: str) -> str | None:
    """The path a listed path wraps in double quotes ('"m/a.tif"' -> 'm/a.tif'), as spreadsheet
    exports write a cell; None when it is not wrapped. The archive keeps the quotes: to it they
    are part of the path, which then names no file."""
    if len(path) > 2 and path[0] == path[-1] == '"':
        return path[1:-1]
    return None


class BadCharacter(NamedTuple):
    char: str
    position: int  # 1-based, as a person counts

    def describe(self) -> str:
        """``'#' (number sign) at 12``; invisible and look-alike characters by their code."""
        code = ord(self.char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
            return f"byte 0x{code - 0xDC00:02X} (not UTF-8 text) at {self.position}"
        name = _CONTROL_NAMES.get(self.char) or unicodedata.name(self.char, "").lower()
        name = name or (
            "control character" if unicodedata.category(self.char)[0] == "C" else "unnamed"
        )
        if not self.char.isprintable() or self.char.isspace():
            shown = f"U+{code:04X}"
        elif self.char.isascii():
            shown = repr(self.char) if self.char in "'\"" else f"'{self.char}'"
        else:  # a look-alike is only told apart by its code
            shown = f"'{self.char}' U+{code:04X}"
        return f"{shown} ({name}) at {self.position}"


def bad_characters(path: str) -> list[BadCharacter]:
    return [BadCharacter(c, i + 1) for i, c in enumerate(path) if c not in ALLOWED_CHARACTERS]


def form_problems(path: str) -> list[str]:
    """What the server refuses besides characters: the lookaheads of its rule."""
    problems = []
    if path == "":
        problems.append("the path is empty")
    if path.startswith("./"):
        problems.append("it starts with './'")
    if "../" in path:
        problems.append("it contains '../'")
    if path.endswith("/"):
        problems.append("it ends with '/'")
    return problems


def _replace_character(char: str) -> str:
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    category = unicodedata.category(char)
    # Control and format characters, bytes that are not UTF-8: removed, as the upload page does.
    # Combining marks: the accent of a decomposed letter (e + U+0301), whose letter is kept.
    if category[0] in "CM":
        return ""
    # é -> e, ＃ -> # -> -: decompose, then keep what the archive allows, never a '/'.
    out = []
    for c in unicodedata.normalize("NFKD", char):
        if c == "/":
            out.append("-")
        elif c in ALLOWED_CHARACTERS:
            out.append(c)
        elif c in REPLACEMENTS:
            out.append(REPLACEMENTS[c])
        elif c in LOOKALIKES:
            out.append(LOOKALIKES[c])
    return "".join(out) or "-"


def sanitize_component(name: str, *, no_spaces: bool = False) -> str:
    """One file or folder name made safe: allowed characters only, no space or dot at its end,
    no leading space, no double space, not empty, not a Windows device name."""
    out = "".join(c if c in ALLOWED_CHARACTERS else _replace_character(c) for c in name)
    out = _SPACE_RUNS.sub(" ", out).lstrip(" ").rstrip(". ")
    if no_spaces:
        out = out.replace(" ", "_")
    if out == "":
        return "_"
    # Windows ignores spaces before the extension too: 'aux .tif' is the device AUX.
    device = out.split(".", 1)[0].rstrip(" ")
    if device.upper() in WINDOWS_RESERVED:
        out = f"{device}_{out[len(device) :]}"
    return fit_name(out)


def fit_name(name: str, suffix: str = "") -> str:
    """``name`` with ``suffix`` put before its extension (``a.ome.tif`` -> ``a-1.ome.tif``; a
    leading dot stays: ``.a.tif`` -> ``.a-1.tif``), cut to ``NAME_MAX`` bytes when longer: the
    extension (when short) and the suffix are kept, the rest of the name is shortened."""
    lead = "." if name.startswith(".") else ""
    stem, dot, ext = name[len(lead) :].partition(".")
    fitted = f"{lead}{stem}{suffix}{dot}{ext}"
    if len(fitted.encode()) <= NAME_MAX:
        return fitted
    if len((dot + ext).encode()) > _LONGEST_EXTENSION:  # 'a.<long text>': keep the last part
        stem, dot, ext = name[len(lead) :].rpartition(".")
        if not dot or len((dot + ext).encode()) > _LONGEST_EXTENSION:
            stem, dot, ext = name[len(lead) :], "", ""
    tail = f"{suffix}{dot}{ext}"
    room = NAME_MAX - len(lead.encode()) - len(tail.encode())
    # Never cut a character in two, nor end the name with a dot or a space.
    stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip(". ") or "_"
    return f"{lead}{stem}{tail}"


def sanitize_path(path: str, *, no_spaces: bool = False) -> str:
    """The path with every component made safe; empty, '.' and '..' components dropped."""
    parts = [p for p in path.split("/") if p not in ("", ".", "..")]
    return "/".join(sanitize_component(p, no_spaces=no_spaces) for p in parts) or "_"


def fold(path: str) -> str:
    """The key under which two paths collide on a case-insensitive, normalizing file system."""
    if path.isascii():
        return path.lower()
    return unicodedata.normalize("NFC", path).casefold()


def fold_all(paths: Sequence[str]) -> list[str]:
    """``[fold(p) for p in paths]``, mostly in C code: lower() over the joined ASCII paths."""
    joined = "\0".join(paths)
    if len(paths) == 0 or joined.count("\0") != len(paths) - 1:  # a NUL inside a path
        return [fold(p) for p in paths]
    if joined.isascii():
        return joined.lower().split("\0")
    # lower() is fold() for ASCII only, and slow on a non-ASCII string: set the few other
    # paths aside, fold the rest at once, then those one by one.
    starts = list(accumulate(map(len, paths), initial=0))
    offsets = [start + i for i, start in enumerate(starts)]
    others = sorted({bisect_right(offsets, m.start()) - 1 for m in _NON_ASCII.finditer(joined)})
    ascii_only = list(paths)
    for i in others:
        ascii_only[i] = ""
    keys = "\0".join(ascii_only).lower().split("\0")
    for i in others:
        keys[i] = fold(paths[i])
    return keys


def fold_to_themselves(paths: Sequence[str]) -> bool:
    """Is ``fold(p) == p`` for every path and every folder above one? Then no two of them collide.
    Told over the joined paths at C speed, a chunk at a time (a million ASCII paths: lower() and
    a compare, 0.05 s, not the half second that folding each path and folder and counting their
    keys take); False: maybe not, fold each."""
    for i in range(0, len(paths), _CHUNK):
        text = "\n".join(paths[i : i + _CHUNK])
        if text.isascii():
            if text.lower() != text:
                return False
        # casefold() goes character by character; "/" and "\n" compose with nothing, so the
        # pieces of text NFC leaves alone are NFC too: each path, each folder.
        elif not unicodedata.is_normalized("NFC", text) or text.casefold() != text:
            return False
    return True


def all_folders(paths: Iterable[str]) -> set[str]:
    """Every folder above the paths (not the paths themselves)."""
    parents = set(map(itemgetter(0), map(str.rpartition, paths, repeat("/"))))
    out: set[str] = set()
    for folder in parents:
        while folder and folder not in out:
            out.add(folder)
            folder = folder.rpartition("/")[0]
    return out


class PathIndex:
    """Files, the folders above them, and the fold() key of each: computed once, when asked."""

    def __init__(self, *groups: Iterable[str]) -> None:
        self._groups: list[Iterable[str]] | None = list(groups)
        self.files: list[str] = []
        self.folders: list[str] = []
        self.file_keys: list[str] = []
        self.folder_keys: list[str] = []

    def build(self) -> PathIndex:
        if self._groups is not None:
            groups, self._groups = self._groups, None
            self.files = (
                groups[0]
                if len(groups) == 1 and isinstance(groups[0], list)
                else [p for group in groups for p in group]
            )
            self.folders = list(all_folders(self.files))
            self.file_keys = fold_all(self.files)
            self.folder_keys = fold_all(self.folders)
        return self


class Taken:
    """Paths a new name must avoid: files, and the folders above them, compared as macOS and
    Windows compare names (ignoring case and Unicode form). Built on first use."""

    def __init__(self, *groups: Iterable[str], index: PathIndex | None = None,
                 asked: set[str] | None = None) -> None:  # fmt: skip
        self._index: PathIndex | None = index or PathIndex(*groups)
        self.asked = asked  # when a set: every path asked about goes in (namescope.py)
        self._files: set[str] = set()  # folded
        self._folders: set[str] = set()  # folded
        self._folder_spellings: set[str] = set()  # exact

    def _load(self) -> None:
        if self._index is not None:
            index, self._index = self._index.build(), None
            self._files.update(index.file_keys)
            self._folder_spellings.update(index.folders)
            self._folders.update(index.folder_keys)

    def add(self, path: str) -> None:
        self._load()
        self._files.add(fold(path))
        folder = path.rpartition("/")[0]
        while folder and folder not in self._folder_spellings:
            self._folder_spellings.add(folder)
            self._folders.add(fold(folder))
            folder = folder.rpartition("/")[0]

    def __contains__(self, path: object) -> bool:
        """Is there a file or folder of this name (or one equal but for case)?"""
        self._load()
        if self.asked is not None:
            self.asked.add(str(path))
        key = fold(str(path))
        return key in self._files or key in self._folders

    def fits_folder(self, folder: str) -> bool:
        """Can files go into ``folder``: no file has its name, no other folder its folded name."""
        self._load()
        if self.asked is not None:
            self.asked.add(folder)
        key = fold(folder)
        if key in self._files:
            return False
        return key not in self._folders or folder in self._folder_spellings


def numbered(name: str, n: int) -> str:
    """``a.ome.tif`` -> ``a-1.ome.tif``; ``.a.tif`` -> ``.a-1.tif``: the extension is kept, and
    the name still fits in ``NAME_MAX`` bytes."""
    return fit_name(name, f"-{n}")


def suggest_path(
    path: str, taken: Taken | Callable[[str], bool] | Collection[str], *, no_spaces: bool = False
) -> str:
    """A safe new name for ``path`` that collides with nothing ``taken``, not even by case.

    An already safe path is returned as it is. ``taken`` is best a ``Taken`` (built once for many
    calls); a plain collection of file paths is wrapped in one; a predicate is asked about the
    whole new path only.
    """
    candidate = sanitize_path(path, no_spaces=no_spaces)
    if candidate == path:
        return candidate
    parts = candidate.split("/")
    last = parts[-1]
    if callable(taken) and not isinstance(taken, Taken):
        n = 0
        while taken("/".join(parts)):
            n += 1
            parts[-1] = numbered(last, n)
        return "/".join(parts)
    known = taken if isinstance(taken, Taken) else Taken(taken)
    # A folder of the new path may not be an existing file: number that folder.
    for i in range(len(parts) - 1):
        base, n = parts[i], 0
        while not known.fits_folder("/".join(parts[: i + 1])):
            n += 1
            parts[i] = numbered(base, n)
    n = 0
    while "/".join(parts) in known:
        n += 1
        parts[-1] = numbered(last, n)
    return "/".join(parts)
