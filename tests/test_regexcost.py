"""Regular expressions that could backtrack for ever are told apart from those that cannot."""

from __future__ import annotations

import re

import pytest

from bia_hooks.regexcost import why_costly
from tests.hostile import deadline

COSTLY = {
    r"(a+)+$": "a repeat inside a repeat",
    r"(\w+\s?)*$": "a repeat inside a repeat",
    r"(.*/)+x": "a repeat inside a repeat",
    r"^(([a-z])+.)+[A-Z]([a-z])+$": "a repeat inside a repeat",
    r"(a+|b)+": "a repeat inside a repeat",
    r"(.*a){20}": "a repeat inside a repeat",  # a fixed count of rounds is rounds all the same
    r"(a*)*": "can match nothing",
    r"(x|x?)+": "can match nothing",
    r"(a|ab)*c": "a repeated choice",
    r"([ab]x|[bc]x)*": "a repeated choice",
    r"(a|aa)*c": "a repeated choice",
    r"(?:foo|fo)+$": "a repeated choice",
    r"\d+\d+\d+!": "three repeats in a row",
    r".*a.*a.*a": "three repeats in a row",
    "(" * 70 + "a" + ")" * 70: "nest more than 64 deep",
}
SAFE = [
    r"(?P<plate>plate\d+)_(?P<well>[A-H]\d\d)",  # the README's example
    r"masks/(?P<plate>\w+)_(?P<well>[A-H]\d\d)_mask",
    r"([^/]+/)+",  # the '/' ends each round
    r".*/(?P<name>[^/]+)_mask\.tif",
    r"(?P<plate>[^/]+)/(?P<well>[^/]+)/(?P<field>[^/]+)_mask",
    r"(ab+)+",
    r"(a|b)+",
    # The built-in schema's annotation types: alternatives told apart by their second letter.
    r"^(class_labels|bounding_boxes|counts)(,(class_labels|counts))*$",
    r"(?:foo|bar)+",
    r"(\s*,\s*)?",  # '?' is no loop
    r"(?i)(A|a)+",  # one class, [Aa]+
    r"^S-BIAD\d+/.*$",
    r"[A-Z]+\d+",
    r"(?P<x>.*)\.tif$",
    "(" * 60 + "a" + ")" * 60,
    "not a regular expression (",  # re.compile says why
]


@pytest.mark.parametrize("pattern", COSTLY)
def test_a_costly_pattern_is_named(pattern: str) -> None:
    assert COSTLY[pattern] in (why_costly(pattern) or "")


@pytest.mark.parametrize("pattern", SAFE)
def test_a_safe_pattern_passes(pattern: str) -> None:
    assert why_costly(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "text"),
    [(r"(a+)+$", "a" * 40 + "!"), (r"(a|aa)*c", "a" * 60), (r"(\w+\s?)*$", "a" * 40 + "!")],
)
def test_the_costly_shapes_really_are_slow(pattern: str, text: str) -> None:
    # What the check saves the sync from: matching these takes far longer than a second.
    with pytest.raises(TimeoutError), deadline(1):
        re.search(pattern, text)


def test_the_built_in_schemas_patterns_pass() -> None:
    # An extra schema may copy them: they must not be refused.
    import json

    from tests.conftest import PROJECT

    def patterns(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            return own + [p for v in node.values() for p in patterns(v)]
        if isinstance(node, list):
            return [p for v in node for p in patterns(v)]
        return []

    found = [
        p
        for schema in (PROJECT / "bia_hooks" / "schemas").glob("*.json")
        for p in patterns(json.loads(schema.read_text()))
    ]
    assert len(found) >= 5
    assert {p: why_costly(p) for p in found if why_costly(p)} == {}
