"""Regular expressions from a repository that could take forever: found from their structure,
before they are used.

Python's ``re`` backtracks: ``(a+)+$`` on 30 letters ``a`` and a ``!`` tries 2**30 ways. The
configuration's ``source_image.pattern`` and an extra schema's ``pattern`` come from the
repository (a pull request from a stranger), so each is checked once, when it is loaded, for the
three shapes that make matching blow up:

- a repeat inside a repeat, where the inner one can run into the outer's next round (``(a+)+``,
  ``(\\w+\\s?)*``, ``(.*/)+``); ``([^/]+/)+`` is fine: the ``/`` ends each round;
- a repeated choice whose alternatives can match the same text (``(a|ab)*``, ``(x|x?)+``);
- three or more repeats in a row that can share the same characters (``.*a.*a.*``,
  ``\\d+\\d+\\d+``): every split between them is tried.

Character sets are compared on a sample alphabet (ASCII, a few other characters and every
character the pattern names), which is enough to tell whether two of them overlap.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

from bia_hooks.limits import NESTING

if sys.version_info >= (3, 11):
    from re import _constants as sre
    from re import _parser as parser
else:  # pragma: no cover - Python 3.10
    import sre_constants as sre
    import sre_parse as parser

__all__ = ["why_costly"]

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_CATEGORIES = {
    "CATEGORY_DIGIT": re.compile(r"\d"),
    "CATEGORY_NOT_DIGIT": re.compile(r"\D"),
    "CATEGORY_SPACE": re.compile(r"\s"),
    "CATEGORY_NOT_SPACE": re.compile(r"\S"),
    "CATEGORY_WORD": re.compile(r"\w"),
    "CATEGORY_NOT_WORD": re.compile(r"\W"),
}
_SAMPLE = frozenset(map(chr, range(128))) | frozenset("é\u00a0ß\u2028中\U0001f600")

Items = Any  # a parsed subpattern: a sequence of (opcode, argument)


def nesting(pattern: str) -> int:
    """How deep the pattern's groups nest (re.compile recurses once per level)."""
    depth = deepest = 0
    in_class = escaped = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def backtracking_risk(pattern: str) -> str | None:
    """Why matching ``pattern`` can take exponential (or high polynomial) time; None when it
    cannot. The pattern must compile, and nest at most NESTING groups deep."""
    parsed = parser.parse(pattern)
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    alphabet = _SAMPLE | frozenset(_literals(parsed))
    if ignore_case:
        alphabet |= frozenset(c.swapcase() for c in alphabet)
    return _Checker(alphabet, ignore_case).risk(parsed)


def _literals(items: Items) -> Iterator[str]:
    for op, av in items:
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            yield chr(av)
        elif op == sre.RANGE:
            yield from (chr(av[0]), chr(av[1]))
        elif op == sre.IN:
            yield from _literals(av)
        else:
            for sub in _children(op, av):
                yield from _literals(sub)


def _children(op: Any, av: Any) -> list[Items]:
    """The subpatterns inside one item."""
    if op in (*_REPEATS, getattr(sre, "POSSESSIVE_REPEAT", None)):
        return [av[2]]
    if op == sre.SUBPATTERN:
        return [av[3]]
    if op == sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op == sre.GROUPREF_EXISTS:
        return [s for s in av[1:] if s is not None]
    if op == getattr(sre, "ATOMIC_GROUP", None):
        return [av]
    return []


def _variable(op: Any, av: Any) -> bool:
    """A repeat whose count the engine chooses (possessive ones never backtrack)."""
    return op in _REPEATS and av[0] != av[1]


class _Checker:
    def __init__(self, alphabet: frozenset[str], ignore_case: bool) -> None:
        self.alphabet = alphabet
        self.ignore_case = ignore_case

    def risk(self, items: Items) -> str | None:
        for op, av in items:
            if op in _REPEATS and av[1] > 1:  # a loop ('?' is none), even of fixed count
                why = self._repeat_risk(av[2])
                if why:
                    return why
            for sub in _children(op, av):
                why = self.risk(sub)
                if why:
                    return why
        return self._chain_risk(items)

    def _repeat_risk(self, body: Items) -> str | None:
        if self.nullable(body):
            return "a repeated group that can match nothing, as in (a*)*"
        starts = self.first(body)
        for inner, after in self._inner_repeats(body, []):
            if self.chars(inner) & starts and self._absorbs(inner, after):
                return "a repeat inside a repeat that can match the same text, as in (a+)+"
        for alternatives in self._branches(body):
            if any(self.nullable(a) for a in alternatives) or any(
                self._overlap(a, b) for i, a in enumerate(alternatives) for b in alternatives[:i]
            ):
                return "a repeated choice whose alternatives can match the same text, as in (a|ab)*"
        return None

    def _overlap(self, a: Items, b: Items) -> bool:
        """Can two alternatives match the same text, or one a beginning of the other's? Told
        apart only where their fixed beginnings differ (``class_labels|counts``: at the second
        letter); ``a|ab``, ``[ab]x|[bc]x`` and ``a\\d+|a1`` overlap."""
        if not self.first(a) & self.first(b):
            return False
        return all(x & y for x, y in zip(self._fixed_start(a), self._fixed_start(b), strict=False))

    def _fixed_start(self, items: Items) -> list[frozenset[str]]:
        """The characters each first position can take, up to the first item of variable
        width."""
        out: list[frozenset[str]] = []
        for op, av in self._flatten(items):
            if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
                out.append(self._item_chars(op, av))
            elif op in _REPEATS and av[0] == av[1] and self._one_char_each(av[2]):
                out.extend([self.chars(av[2])] * min(av[0] * len(av[2]), 1000))
            else:
                break
        return out

    @staticmethod
    def _one_char_each(items: Items) -> bool:
        return all(op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN) for op, _ in items)

    def _chain_risk(self, items: Items) -> str | None:
        """Three repeats in a row that can share characters (``.*a.*a.*``): the engine tries
        every split, n**3 ways and more."""
        flat = list(self._flatten(items))
        links = 0
        previous: tuple[int, frozenset[str]] | None = None
        for i, (op, av) in enumerate(flat):
            if not (op in _REPEATS and av[1] == sre.MAXREPEAT):
                continue
            chars = self.chars(av[2])
            if previous is not None:
                start, before = previous
                between = flat[start + 1 : i]
                linked = chars & before and self._absorbs_items(before, between)
                links = links + 1 if linked else 0
                if links >= 2:
                    return (
                        "three repeats in a row that can match the same characters, as in .*a.*a.*"
                    )
            previous = (i, chars)
        return None

    # --- what an item can match ---

    def chars(self, items: Items) -> frozenset[str]:
        """Every character the subpattern can consume."""
        out: frozenset[str] = frozenset()
        for op, av in items:
            out |= self._item_chars(op, av)
        return out

    def _item_chars(self, op: Any, av: Any) -> frozenset[str]:
        if op == sre.LITERAL:
            return self._case({chr(av)})
        if op == sre.NOT_LITERAL:
            return self.alphabet - self._case({chr(av)})
        if op == sre.ANY:
            return self.alphabet
        if op == sre.IN:
            return self._class(av)
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            return frozenset()
        if op in (sre.GROUPREF,):
            return self.alphabet
        out: frozenset[str] = frozenset()
        for sub in _children(op, av):
            out |= self.chars(sub)
        return out

    def _case(self, chars: set[str]) -> frozenset[str]:
        if self.ignore_case:
            chars |= {c.swapcase() for c in chars}
        return frozenset(chars)

    def _class(self, members: Items) -> frozenset[str]:
        negate = False
        found: set[str] = set()
        for op, av in members:
            if op == sre.NEGATE:
                negate = True
            elif op == sre.LITERAL:
                found.add(chr(av))
            elif op == sre.RANGE:
                found |= {c for c in self.alphabet if av[0] <= ord(c) <= av[1]}
            elif op == sre.CATEGORY:
                rx = _CATEGORIES.get(str(av))
                found |= {c for c in self.alphabet if rx is None or rx.fullmatch(c)}
        chars = self._case(found)
        return self.alphabet - chars if negate else chars

    def nullable(self, items: Items) -> bool:
        """Can the subpattern match the empty string?"""
        return all(self._item_nullable(op, av) for op, av in items)

    def _item_nullable(self, op: Any, av: Any) -> bool:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            return False
        if op in (*_REPEATS, getattr(sre, "POSSESSIVE_REPEAT", None)):
            return av[0] == 0 or self.nullable(av[2])
        if op == sre.SUBPATTERN:
            return self.nullable(av[3])
        if op in (sre.BRANCH, sre.GROUPREF_EXISTS):
            return any(self.nullable(sub) for sub in _children(op, av))
        if op == getattr(sre, "ATOMIC_GROUP", None):
            return self.nullable(av)
        return True  # anchors, lookarounds, back references (which can be empty)

    def first(self, items: Items) -> frozenset[str]:
        """The characters a match of the subpattern can start with."""
        out: frozenset[str] = frozenset()
        for op, av in items:
            if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.GROUPREF):
                out |= self._item_chars(op, av)
            else:
                for sub in _children(op, av):
                    if op not in (sre.ASSERT, sre.ASSERT_NOT):
                        out |= self.first(sub)
            if not self._item_nullable(op, av):
                break
        return out

    # --- where repeats meet ---

    def _flatten(self, items: Items) -> Iterator[tuple[Any, Any]]:
        """The items of a sequence, with plain groups opened (their items are in the sequence)."""
        for op, av in items:
            if op == sre.SUBPATTERN:
                yield from self._flatten(av[3])
            else:
                yield op, av

    def _inner_repeats(self, body: Items, after: list[Any]) -> Iterator[tuple[Items, list[Any]]]:
        """Each variable repeat in ``body`` (through groups and choices), with what follows it
        up to the end of the body."""
        flat = list(self._flatten(body))
        for i, (op, av) in enumerate(flat):
            rest = flat[i + 1 :] + after
            if _variable(op, av):
                yield av[2], rest
            elif op in (sre.BRANCH, sre.GROUPREF_EXISTS):
                for alternative in _children(op, av):
                    yield from self._inner_repeats(alternative, rest)

    def _branches(self, body: Items) -> Iterator[list[Items]]:
        for op, av in self._flatten(body):
            if op == sre.BRANCH:
                yield list(av[1])

    def _absorbs(self, inner: Items, after: list[Any]) -> bool:
        """Can the inner repeat also match what follows it in the body?"""
        return self._absorbs_items(self.chars(inner), after)

    def _absorbs_items(self, chars: frozenset[str], items: list[Any]) -> bool:
        return all(
            self._item_nullable(op, av) or bool(self._item_chars(op, av) & chars)
            for op, av in items
        )


def why_costly(pattern: str) -> str | None:
    """Why compiling or matching ``pattern`` could exhaust the stack or the clock; None when it
    cannot (or when it is no regular expression at all: re.compile then says why)."""
    if nesting(pattern) > NESTING:
        return f"its groups nest more than {NESTING} deep"
    try:
        return backtracking_risk(pattern)
    except re.error:
        return None
