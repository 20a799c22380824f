"""Glob patterns as .gitignore reads them: a case table of pattern, path and verdict."""

from __future__ import annotations

import pytest

from bia_hooks.globs import matches


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
