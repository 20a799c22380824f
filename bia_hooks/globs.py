"""Glob patterns over '/'-separated paths, as in .gitignore: '*' and '?' stay inside one
name, '**' spans folders. A pattern without '/' matches a name at any depth."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator


def _translate(pattern: str, names: Iterator[str]) -> str:
    """One glob as a regular expression whose matching time grows linearly with the path.

    The glob is a sequence of folder names, with ``**`` for any number of them. Each part
    between two ``**`` (and each text between two ``*`` in a name) is taken at its first
    place that fits, and never tried again: for parts of a fixed number of names that first
    place is always right, so nothing is lost, and the engine cannot try the n**k ways in
    which ``(?:.*/)?a/(?:.*/)?b/...`` splits a path (a repository's globs and paths are both
    untrusted). ``names`` gives each atomic group its name (Python 3.10 has no ``(?>...)``).
    """
    anchored = "/" in pattern.rstrip("/")
    segments = pattern.strip("/").split("/")
    if not anchored:  # a name at any depth
        segments = ["**", *segments]
    parts: list[list[str]] = [[]]  # the names between one '**' and the next
    for segment in segments:
        if segment == "**":
            parts.append([])
        else:
            parts[-1].append(_segment(segment, names))
    head, rest = parts[0], parts[1:]
    out = "/".join(head)
    if rest:
        *middle, tail = rest
        at_start = not head
        for part in [p for p in middle if p] + ([tail] if tail else []):
            out += ("" if at_start else "/") + _first_fit(r"(?:[^/]*/)*?" + "/".join(part), names)
            at_start = False
        if not tail:  # a trailing '**': everything below
            return out + ("" if at_start else "/") + ".*"
    # A pattern naming a folder matches everything below it too.
    return out + "(?:/.*)?"


def _first_fit(regex: str, names: Iterator[str]) -> str:
    """``regex`` at its first match from here, atomic: ``(?=(?P<n>...))(?P=n)``."""
    name = next(names)
    return f"(?=(?P<{name}>{regex}))(?P={name})"


def _segment(glob: str, names: Iterator[str]) -> str:
    """One folder or file name: ``*`` and ``?`` never match '/'; ends at a '/' or the end."""
    pieces: list[str] = []  # the fixed-length texts between the '*'s
    current: list[str] = []
    i = 0
    while i < len(glob):
        ch = glob[i]
        if ch == "*":
            pieces.append("".join(current))
            current = []
            while i < len(glob) and glob[i] == "*":  # '**' inside a name is one '*'
                i += 1
            continue
        if ch == "?":
            current.append("[^/]")
        elif (
            ch == "["
            and (end := glob.find("]", i + 1)) > 0
            and (char_class := _char_class(glob[i + 1 : end]))
        ):
            current.append(char_class)
            i = end + 1
            continue
        else:  # no closing ']', or nothing a class can hold: a plain '['
            current.append(re.escape(ch))
        i += 1
    pieces.append("".join(current))
    if len(pieces) == 1:
        return pieces[0] + "(?![^/])"
    first, *middle, last = pieces
    return (
        first
        + "".join(_first_fit(f"[^/]*?{piece}", names) for piece in middle)
        + f"[^/]*{last}(?![^/])"
    )


def _char_class(body: str) -> str | None:
    """``[abc]``, ``[a-z]``, ``[!a-z]`` (or ``[^a-z]``) as a regular expression, never matching
    '/'; None when the text makes no valid class (``[]``, ``[z-a]``): its '[' is then literal."""
    negated = body[:1] in ("!", "^")
    body = body[1:] if negated else body
    if not body:
        return None
    # Every character literal but the range dash: '[', '\\', '&&', '~~' mean nothing special here.
    escaped = "".join(c if c == "-" else re.escape(c) for c in body)
    regex = f"[^/{escaped}]" if negated else f"[{escaped}]"
    try:
        re.compile(regex)
    except re.error:  # a range backwards, such as z-a
        return None
    return regex


@functools.lru_cache(maxsize=256)
def compile_globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression matching any of ``patterns`` (never matches when empty)."""
    if not patterns:
        return re.compile(r"(?!)")
    names = (f"g{i}" for i in itertools.count())
    return re.compile("|".join(f"(?:{_translate(p, names)})" for p in patterns), re.DOTALL)


def matches(path: str, patterns: Iterable[str]) -> bool:
    return compile_globs(tuple(patterns)).fullmatch(path) is not None
