"""The one finding type shared by every check, the CLI, the hooks and the Action."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bia_hooks.codes import CODES, Kind, Level

__all__ = ["Finding", "Kind", "Level", "count_levels"]

# A finding's fields, in the order its constructor takes them.
_FIELDS = ("code", "path", "message", "level", "line", "column", "cell", "pointer", "value", "fix")


class Finding:
    """One problem, where it is, and what to do about it.

    ``line`` is a TSV line number or an XLSX row number; ``cell`` an XLSX cell such as ``C12``;
    ``pointer`` a JSON pointer into a JSON file list. Frozen, compared and hashed by its fields.

    Written out rather than a dataclass, as the other records on the hooks' path are NamedTuples:
    importing ``dataclasses`` and building its classes cost each hook process 20-30 ms.
    """

    __slots__ = _FIELDS

    code: str
    path: str
    message: str
    level: Level
    line: int | None
    column: str | None
    cell: str | None
    pointer: str | None
    value: str | None
    fix: str | None

    def __init__(
        self,
        code: str,
        path: str,
        message: str,
        level: Level | None = None,
        line: int | None = None,
        column: str | None = None,
        cell: str | None = None,
        pointer: str | None = None,
        value: str | None = None,
        fix: str | None = None,
    ) -> None:
        if code not in CODES:
            raise KeyError(f"unknown finding code {code}")
        if level is None:
            level = CODES[code].level
        values = (code, path, message, level, line, column, cell, pointer, value, fix)
        for name, given in zip(_FIELDS, values, strict=True):
            object.__setattr__(self, name, given)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Finding does not change: make another (replace), not {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Finding does not change: {name} stays")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"Finding({fields})"

    def __reduce__(self) -> tuple[type[Finding], tuple[object, ...]]:
        return Finding, self._values()  # pickled (the two-core check) as its constructor's args

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}

    def replace(self, **changes: Any) -> Finding:
        return Finding(**{**self.as_dict(), **changes})

    @property
    def kind(self) -> Kind:
        return CODES[self.code].kind

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def with_level(self, level: Level) -> Finding:
        return self.replace(level=level)

    def location(self) -> str:
        """``path:line`` (or ``path:C12`` / ``path#/3/path``), as editors and terminals link it."""
        where = self.path or "."
        if self.cell:
            return f"{where}:{self.cell}"
        if self.line is not None:
            return f"{where}:{self.line}"
        if self.pointer is not None:
            return f"{where}#{self.pointer}"
        return where

    def sort_key(self) -> tuple[int, str, int, str, str]:
        return (self.level.rank, self.path, self.line or 0, self.code, self.column or "")


def count_levels(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {level.value: 0 for level in Level}
    for f in findings:
        counts[f.level.value] += 1
    return counts
