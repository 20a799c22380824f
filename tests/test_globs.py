"""Glob patterns as .gitignore reads them: a case table of pattern, path and verdict."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks.globs import matches
from tests.hostile import deadline


@pytest.mark.parametrize(
    ("pattern", "path", "verdict"),
    [
        ("*.txt", "notes.txt", True),
        ("*.txt", "a/b/notes.txt", True),  # no '/': a name at any depth
        ("raw/", "raw/a.tif", True),
        ("raw/", "x/raw/a.tif", True),
        ("raw/*.tif", "x/raw/a.tif", False),  # a '/' inside: from the root
        ("raw/*.tif", "raw/sub/a.tif", False),  # "*" stays inside one name
        ("a/*", "a/b/c", True),  # a folder that matches takes what is below it
        ("*", "a/b", True),
        ("a?.tif", "a1.tif", True),
        ("a?.tif", "a/.tif", False),
        ("**/masks", "x/y/masks/a.tif", True),
        ("raw/**", "raw/a/b.tif", True),
        ("plate[0-9].tif", "plate3.tif", True),
        ("plate[0-9].tif", "plateA.tif", False),
        ("plate[!0-9].tif", "plateA.tif", True),
        ("plate[^0-9].tif", "plate3.tif", False),
        ("a[!x]b", "a/b", False),  # a negated class never spans folders
        ("a[&&]b", "a&b", True),
        ("a[[]b", "a[b", True),
        ("a[\\]b", "a\\b", True),
        # Text that makes no class: the '[' is a plain character, never a crash.
        ("[]", "[]", True),
        ("[!]", "[!]", True),
        ("x[z-a]", "x[z-a]", True),
        ("x[z-a]", "xb", False),
        ("a[b", "a[b", True),
    ],
)
def test_glob(pattern: str, path: str, verdict: bool) -> None:
    assert matches(path, [pattern]) is verdict


def test_no_pattern_matches_nothing() -> None:
    assert not matches("a", [])


@pytest.mark.parametrize(
    ("pattern", "path", "verdict"),
    [
        ("**/" * 30 + "x", "a/" * 300 + "b", False),
        ("**/a/" * 20 + "b", "a/" * 400 + "c", False),
        ("**/a/" * 20 + "b", "a/" * 400 + "b", True),
        ("*a" * 30 + "b", "a" * 3000, False),
        ("*a*a*a*a*a*a*a*a*b/**/x*y*z", "a" * 1000 + "/q", False),
        ("a/**/b/**/c", "a/b/b/b/c/d", True),
    ],
    ids=["30 '**/'", "20 '**/a/'", "20 '**/a/', a match", "30 '*a'", "stars in names", "plain"],
)
def test_hostile_globs_match_in_linear_time(pattern: str, path: str, verdict: bool) -> None:
    # Each took hours before (a backtracking regex: (?:.*/)? per '**/', [^/]* per '*').
    with deadline(5):
        assert matches(path, [pattern]) is verdict


def _reference(pattern: str, path: str) -> bool:
    """The glob rules, matched the slow way: name by name, '**' for any number of names."""
    anchored = "/" in pattern.rstrip("/")
    globs = pattern.strip("/").split("/")
    if not anchored:
        globs = ["**", *globs]
    trailing = globs[-1] == "**" and len(globs) > 1
    names = path.split("/")

    def name(glob: str, text: str) -> bool:
        rx = "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in glob)
        return re.fullmatch(rx, text) is not None

    def rest(g: int, n: int) -> bool:
        if g == len(globs):
            return n >= 1  # a folder matches what lies below it; the path itself when n == end
        if globs[g] == "**":
            if g == len(globs) - 1 and trailing:
                return len(names) - n >= 1
            return any(rest(g + 1, k) for k in range(n, len(names) + 1))
        return n < len(names) and name(globs[g], names[n]) and rest(g + 1, n + 1)

    return rest(0, 0)


_GLOB = st.lists(st.sampled_from(["a", "b", "*", "?", "/", "**/", "/**", "a*b"]), max_size=6)
_PATH = st.lists(st.sampled_from(["a", "b", "ab", "ba", "aab"]), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(glob=_GLOB.map("".join), names=_PATH)
def test_globs_match_as_the_rules_say(glob: str, names: list[str]) -> None:
    if not glob.strip("/") or "***" in glob or "//" in glob:
        return
    path = "/".join(names)
    assert matches(path, [glob]) is _reference(glob, path), (glob, path)
