"""The archive's path rule and its replacement table (domain.md §1).

Sources: BioStudies backend ``FileSourcesList.kt`` (the rule the server enforces) and the
submission tool's ``sanitize.utils.ts`` (the replacements its upload page proposes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

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
}  # fmt: skip


def passes_server_rule(path: str) -> bool:
    return SERVER_RULE.fullmatch(path) is not None


@dataclass(frozen=True)
class BadCharacter:
    char: str
    position: int  # 1-based, as a person counts

    def describe(self) -> str:
        if self.char.isprintable() and not self.char.isspace():
            shown = repr(self.char) if self.char in "'\"" else f"'{self.char}'"
        else:
            shown = f"U+{ord(self.char):04X}"
        name = unicodedata.name(self.char, "control character").lower()
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
    if unicodedata.category(char).startswith("C") or char in "\t\r\n":
        return ""
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    # é -> e: decompose and keep the letters the archive allows.
    ascii_part = "".join(c for c in unicodedata.normalize("NFKD", char) if c in ALLOWED_CHARACTERS)
    return ascii_part or "-"


def sanitize_component(name: str) -> str:
    out = "".join(c if c in ALLOWED_CHARACTERS else _replace_character(c) for c in name)
    out = re.sub(" {2,}", " ", out).strip(" ")
    while out.endswith(".") and out not in (".", ".."):
        out = out[:-1]
    if out in ("", ".", ".."):
        out = "_"
    return out


def sanitize_path(path: str) -> str:
    """The path with every component made safe; empty, '.' and '..' components dropped."""
    parts = [p for p in path.split("/") if p not in ("", ".", "..")]
    return "/".join(sanitize_component(p) for p in parts) or "_"


def suggest_path(path: str, taken: Callable[[str], bool] | Collection[str]) -> str:
    """A safe new name for ``path`` that is not ``taken`` (never the name of another file)."""
    is_taken = taken if callable(taken) else taken.__contains__
    candidate = sanitize_path(path)
    if candidate == path or not is_taken(candidate):
        return candidate
    folder, _, name = candidate.rpartition("/")
    stem, dot, ext = name.partition(".") if not name.startswith(".") else (name, "", "")
    n = 1
    while True:
        numbered = f"{stem}-{n}{dot}{ext}"
        candidate = f"{folder}/{numbered}" if folder else numbered
        if not is_taken(candidate):
            return candidate
        n += 1
