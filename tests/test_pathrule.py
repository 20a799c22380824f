"""The archive's path rule (domain.md §1) as a case table, and the names suggested instead."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import pathrule
from bia_hooks.pathrule import (
    REPLACEMENTS,
    Taken,
    bad_characters,
    fit_name,
    fold,
    fold_all,
    form_problems,
    passes_server_rule,
    sanitize_component,
    sanitize_path,
    suggest_path,
)

# Every character the server refuses, as domain.md §1 lists them, inside an otherwise good name.
REFUSED_CHARACTERS = [
    *'#%&+,;:=@[]{}~^$"<>|?\\`',
    "\t",
    "\n",
    "\r",
    "\x00",
    "é",  # non-ASCII letters
    "ü",
    "ß",
    "µ",
    "中",
    "Ω",
    "\u00a0",  # look-alikes: no-break space
    "\u2011",  # non-breaking hyphen
    "\u2019",  # curly apostrophe
    "\u2010",
    "\u2013",
    "\uff0f",  # fullwidth solidus
    "\udcff",  # a byte that is not UTF-8, as os.fsdecode keeps it
]


@pytest.mark.parametrize("char", REFUSED_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_refused_character(char: str) -> None:
    path = f"masks/cell{char}1.tif"
    assert not passes_server_rule(path)
    assert [(b.char, b.position) for b in bad_characters(path)] == [(char, 11)]
    assert form_problems(path) == []


ACCEPTED = [
    "a",
    "masks/cell_1.tif",
    "!-_.*'() all allowed",
    "a b",  # space: accepted by the server (a warning of ours)
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "a/..",
    "a/.",
    "a/./b",
    "a//b",
    "/a",  # leading /
    " a",  # leading and trailing spaces
    "a ",
    "a.zarr/.zattrs",
    ".hidden",
    ".",
    "..",
    "...",
    "a..b/c",
    "a" * 5000,
    "/".join(["d"] * 1000),
]


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: repr(p[:30]))
def test_accepted_by_the_server(path: str) -> None:
    assert passes_server_rule(path)
    assert bad_characters(path) == [] and form_problems(path) == []


REFUSED_FORMS = [
    ("./a", ["it starts with './'"]),
    ("x/../y", ["it contains '../'"]),
    ("../y", ["it contains '../'"]),
    ("v1../x", ["it contains '../'"]),
    ("a/", ["it ends with '/'"]),
    ("/", ["it ends with '/'"]),
    ("", ["the path is empty"]),
    ("./../a/", ["it starts with './'", "it contains '../'", "it ends with '/'"]),
]


@pytest.mark.parametrize(("path", "problems"), REFUSED_FORMS)
def test_refused_form(path: str, problems: list[str]) -> None:
    assert not passes_server_rule(path)
    assert form_problems(path) == problems
    assert bad_characters(path) == []


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("#", "'#' (number sign) at 2"),
        ('"', "'\"' (quotation mark) at 2"),
        ("\t", "U+0009 (tab) at 2"),
        ("\n", "U+000A (line feed) at 2"),
        ("\x01", "U+0001 (control character) at 2"),
        ("\u00a0", "U+00A0 (no-break space) at 2"),
        ("\u2011", "'\u2011' U+2011 (non-breaking hyphen) at 2"),
        ("\u2019", "'\u2019' U+2019 (right single quotation mark) at 2"),
        ("é", "'é' U+00E9 (latin small letter e with acute) at 2"),
        ("\udcff", "byte 0xFF (not UTF-8 text) at 2"),
    ],
)
def test_a_refused_character_is_described_so_it_can_be_found(char: str, shown: str) -> None:
    (bad,) = bad_characters(f"a{char}b")
    assert bad.describe() == shown


# The upload page's table (domain.md §1), entry by entry.
TABLE = {
    "&": "Et", "$": "S", "@": "A", "=": "-", ";": "-", ":": "-", "+": "--", ",": "-", "?": "-",
    "\\": "-", "{": "(", "[": "(", "^": "-", "}": ")", "]": ")", "%": "-", "`": "-", '"': "'",
    ">": ")", "<": "(", "~": "-", "#": "-", "|": "I",
}  # fmt: skip


def test_the_table_is_the_upload_pages() -> None:
    assert REPLACEMENTS == TABLE


@pytest.mark.parametrize(("char", "replacement"), sorted(TABLE.items()))
def test_replacement(char: str, replacement: str) -> None:
    assert sanitize_component(f"a{char}b") == f"a{replacement}b"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("a\tb\nc\rd\x00e", "abcde"),  # control characters removed
        ("a   b", "a b"),  # runs of spaces: one space
        ("  a ", "a"),
        ("a. .", "a"),  # no trailing dot or space left behind
        ("a\u00a0b", "a b"),
        ("a\u2011b", "a-b"),
        ("it\u2019s", "it's"),
        ("café", "cafe"),
        ("cafe\u0301", "cafe"),  # decomposed accent: the letter stays, the accent goes
        ("µm", "um"),
        ("Straße", "Strasse"),
        ("a\uff03b", "a-b"),  # fullwidth # is a #
        ("a\uff0fb", "a-b"),  # fullwidth / never makes a folder
        ("中", "-"),
        ("\u200b", "_"),  # nothing left: a placeholder
        ("...", "_"),
        ("CON.tif", "CON_.tif"),  # a Windows device name is not proposed
        ("nul", "nul_"),
        ("aux .tif", "aux_ .tif"),  # Windows ignores the space: still the device AUX
        ("x\udcff.tif", "x.tif"),
    ],
)
def test_sanitize_component(name: str, safe: str) -> None:
    assert sanitize_component(name) == safe


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("./a", "a"),
        ("x/../y", "x/y"),
        ("a//b/", "a/b"),
        ("/a", "a"),
        ("", "_"),
        ("a b/c d", "a b/c d"),
    ],
)
def test_sanitize_path(path: str, safe: str) -> None:
    assert sanitize_path(path) == safe


def test_sanitize_path_without_spaces() -> None:
    assert sanitize_path("my  data/a b.tif", no_spaces=True) == "my_data/a_b.tif"


@pytest.mark.parametrize(
    ("path", "taken", "suggested"),
    [
        ("a#.tif", [], "a-.tif"),
        ("a#.tif", ["a-.tif"], "a--1.tif"),
        ("a#.ome.tif", ["a-.ome.tif", "a--1.ome.tif"], "a--2.ome.tif"),
        ("A#.tif", ["a-.TIF"], "A--1.tif"),  # equal but for case: taken on macOS
        ("d#", ["d-/x.tif"], "d--1"),  # a folder of that name exists
        ("d#/x.tif", ["d-"], "d--1/x.tif"),  # a file has the folder's name
        ("d#/x.tif", ["d-/y.tif"], "d-/x.tif"),  # an existing folder may receive it
        ("d#/x.tif", ["D-/y.tif"], "d--1/x.tif"),  # but not a case twin of it
        (".a#", [".a-"], ".a--1"),
        (".a#.tif", [".a-.tif"], ".a--1.tif"),  # the extension stays the extension
        ("ok.tif", ["ok.tif"], "ok.tif"),  # a good path is its own suggestion
    ],
)
def test_suggest_path(path: str, taken: list[str], suggested: str) -> None:
    assert suggest_path(path, taken) == suggested
    assert suggest_path(path, Taken(taken)) == suggested


def test_suggest_path_with_a_predicate() -> None:
    assert suggest_path("a:b", lambda p: p in {"a-b", "a-b-1"}) == "a-b-2"


def test_taken_grows() -> None:
    taken = Taken(["a.tif"])
    assert "A.TIF" in taken and "b.tif" not in taken
    taken.add("x/y/b.tif")
    assert "b.tif" not in taken and "X/Y" in taken and "x/y/B.tif" in taken
    assert (
        not taken.fits_folder("x/y/b.tif")
        and taken.fits_folder("x/y")
        and not taken.fits_folder("X")
    )


@pytest.mark.parametrize(
    "paths",
    [
        [],
        ["A/b.TIF", "c"],
        ["Straße", "É", "e\u0301", "ascii", "ΣΑΣ"],
        ["a\x00b", "C"],  # a NUL inside a path: folded one by one
    ],
)
def test_fold_all_is_fold(paths: list[str]) -> None:
    assert fold_all(paths) == [fold(p) for p in paths]


def test_fold_ignores_case_and_unicode_form() -> None:
    assert fold("Masks/É.tif") == fold("masks/e\u0301.TIF")


# --- properties, over arbitrary text ---

path_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=40) | st.lists(
    st.sampled_from(["a", "B", " ", ".", "..", "", "#", "é", "e\u0301", "CON", "x y", "\t", "/"]),
    max_size=8,
).map("/".join)


@settings(max_examples=400, deadline=None)
@given(path=path_text, taken=st.lists(path_text, max_size=6))
def test_suggested_names_pass_the_rule_and_collide_with_nothing(
    path: str, taken: list[str]
) -> None:
    suggested = suggest_path(path, taken)
    if passes_server_rule(path) and sanitize_path(path) == path:
        assert suggested == path  # stable for good names
        return
    assert passes_server_rule(suggested), suggested
    known = Taken(taken)
    assert suggested not in known
    folders = suggested.split("/")[:-1]
    for i in range(len(folders)):
        assert known.fits_folder("/".join(folders[: i + 1]))
    # The suggestion is also clean by the warnings' standard: nothing to rename twice.
    assert sanitize_path(suggested) == suggested
    assert suggest_path(suggested, taken) == suggested


@settings(max_examples=300, deadline=None)
@given(path=path_text)
def test_sanitize_is_idempotent_and_safe(path: str) -> None:
    safe = sanitize_path(path)
    assert passes_server_rule(safe)
    assert sanitize_path(safe) == safe
    for part in safe.split("/"):
        assert part and part == part.strip(" ") and not part.endswith(".") and "  " not in part
        assert part.split(".", 1)[0].rstrip(" ").upper() not in pathrule.WINDOWS_RESERVED


@settings(max_examples=200, deadline=None)
@given(path=path_text)
def test_the_rule_is_the_servers_regex_and_the_parts_agree(path: str) -> None:
    # The readable parts (bad characters, form problems) say "refused" exactly when the regex does.
    assert passes_server_rule(path) == (not bad_characters(path) and not form_problems(path))


@pytest.mark.parametrize(
    ("name", "suffix", "fitted"),
    [
        ("a.tif", "", "a.tif"),
        ("a.ome.tif", "-1", "a-1.ome.tif"),
        (".a.tif", "-1", ".a-1.tif"),
        ("x" * 300 + ".ome.tif", "", "x" * 247 + ".ome.tif"),
        ("x" * 300 + ".ome.tif", "-12", "x" * 244 + "-12.ome.tif"),
        ("a." + "x" * 300, "", ("a." + "x" * 300)[:255]),  # no extension that long: all name
        ("a.b." + "x" * 40, "-1", "a-1.b." + "x" * 40),  # fits: as before
        ("x" * 250 + ".b." + "y" * 40, "-1", "x" * 250 + ".b-1"),  # no extension that long
        ("é" * 200 + ".tif", "", "é" * 125 + ".tif"),  # 2 bytes each, never cut in two
        ("x" * 250 + " ." + "y" * 10, "", "x" * 244 + ".y" + "y" * 9),  # no space before the dot
        ("x" * 254 + "." + "y" * 40, "", "x" * 254),  # nor a dot at the end
    ],
)
def test_fit_name_keeps_the_extension_within_255_bytes(name: str, suffix: str, fitted: str) -> None:
    assert fit_name(name, suffix) == fitted
    assert len(fitted.encode()) <= 255


def test_sanitized_names_fit_in_255_bytes() -> None:
    new = sanitize_path("d/" + "+" * 200 + ".tif")
    assert new == "d/" + "-" * 251 + ".tif"
    assert suggest_path("d/" + "+" * 200 + ".tif", [new]) == "d/" + "-" * 249 + "-1.tif"
