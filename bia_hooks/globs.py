"""Glob patterns over '/'-separated paths, as in .gitignore: '*' and '?' stay inside one
name, '**' spans folders. A pattern without '/' matches a name at any depth."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


def _translate(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out = [] if anchored else ["(?:.*/)?"]
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            char_class = _char_class(pattern[i + 1 : end]) if end > 0 else None
            if char_class is None:  # no closing ']', or nothing a class can hold: a plain '['
                out.append(re.escape("["))
                i += 1
            else:
                out.append(char_class)
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    # A pattern naming a folder matches everything below it too.
    return "".join(out) + "(?:/.*)?"


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
    return re.compile("|".join(f"(?:{_translate(p)})" for p in patterns), re.DOTALL)


def matches(path: str, patterns: Iterable[str]) -> bool:
    return compile_globs(tuple(patterns)).fullmatch(path) is not None
