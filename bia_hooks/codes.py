"""Every finding code, its default level, its kind and a one-line title.

The README's table of codes is checked against this registry by a test, so a new code is added here
first. Ranges: BIA1xx file and folder names, BIA2xx file list format (what the archive reads),
BIA3xx file list content (columns and values), BIA4xx file list and repository in sync.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}


class Kind(str, enum.Enum):
    """Why a finding matters: users must know what is fatal."""

    SERVER = "server"  # the archive will refuse the submission
    INGEST = "ingest"  # the archive accepts it, but its ingest or its curators need it
    RISKY = "risky"  # accepted, but likely to cause trouble later


KIND_TEXT = {
    Kind.SERVER: "the archive will refuse this",
    Kind.INGEST: "the archive's ingest or curators need this",
    Kind.RISKY: "accepted by the archive, but risky",
}


@dataclass(frozen=True)
class Code:
    code: str
    level: Level
    kind: Kind
    title: str


_E, _W, _I = Level.ERROR, Level.WARNING, Level.INFO
_S, _G, _R = Kind.SERVER, Kind.INGEST, Kind.RISKY

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # --- names (domain.md §1) ---
        Code("BIA101", _E, _S, "path holds characters the archive refuses"),
        Code("BIA102", _E, _S, "path form the archive refuses (empty, leading ./, ../, trailing /)"),
        Code("BIA103", _W, _R, "space in a path"),
        Code("BIA104", _W, _R, "leading or trailing space in a file or folder name"),
        Code("BIA105", _W, _R, "two spaces in a row"),
        Code("BIA106", _W, _R, "path starts with /"),
        Code("BIA107", _W, _R, "two paths equal but for letter case or Unicode form"),
        Code("BIA108", _W, _R, "Windows-reserved name"),
        Code("BIA109", _W, _R, "name ends in a dot"),
        Code("BIA110", _W, _R, "junk file that should not be deposited"),
        Code("BIA111", _W, _R, "empty, '.' or '..' path component"),
        # --- the dataset's files: git, git-annex, DVC (domain.md §6) ---
        Code("BIA401", _W, _R, "DVC-tracked folder listed as one entry: its file list is not in the local cache"),
        Code("BIA402", _W, _R, "DVC file that cannot be read: its data is not listed"),
        Code("BIA403", _W, _R, "git submodule: its files are not listed"),
        Code("BIA404", _W, _R, "git object missing: cannot tell whether the file is annexed"),
    ]
}
