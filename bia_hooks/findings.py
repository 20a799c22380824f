"""The one finding type shared by every check, the CLI, the hooks and the Action."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bia_hooks.codes import CODES, Kind, Level

__all__ = ["Finding", "Kind", "Level", "count_levels"]


@dataclass(frozen=True)
class Finding:
    """One problem, where it is, and what to do about it.

    ``line`` is a TSV line number or an XLSX row number; ``cell`` an XLSX cell such as ``C12``;
    ``pointer`` a JSON pointer into a JSON file list.
    """

    code: str
    path: str
    message: str
    level: Level = field(default=None)  # type: ignore[assignment]
    line: int | None = None
    column: str | None = None
    cell: str | None = None
    pointer: str | None = None
    value: str | None = None
    fix: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise KeyError(f"unknown finding code {self.code}")
        if self.level is None:
            object.__setattr__(self, "level", CODES[self.code].level)

    @property
    def kind(self) -> Kind:
        return CODES[self.code].kind

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def with_level(self, level: Level) -> Finding:
        return replace(self, level=level)

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
