"""Every finding code, its default level, its kind and a one-line title.

The README's table of codes is checked against this registry by a test, so a new code is added here
first. Ranges: BIA1xx file and folder names, BIA2xx file list format (what the archive reads),
BIA3xx file list content (columns and values), BIA4xx file list and repository in sync,
BIA5xx study metadata (study.yaml, what the archive's submission template asks for), BIA6xx
the upload (what blocks uploading the dataset's files: ``bia-hooks upload-plan``).

A finding of kind risky may be an error by default: the archive accepts the file list but would
store another value than the one typed (a number cut, a date as its day number, text altered by
its encoding), which nobody notices until the data is public.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


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


class Code(NamedTuple):
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
        Code(
            "BIA102", _E, _S, "path form the archive refuses (empty, leading ./, ../, trailing /)"
        ),
        Code("BIA103", _W, _R, "space in a path"),
        Code("BIA104", _W, _R, "leading or trailing space in a file or folder name"),
        Code("BIA105", _W, _R, "two spaces in a row"),
        Code("BIA106", _W, _R, "path starts with /"),
        Code("BIA107", _W, _R, "two paths equal but for letter case or Unicode form"),
        Code("BIA108", _W, _R, "Windows-reserved name"),
        Code("BIA109", _W, _R, "name ends in a dot"),
        Code("BIA110", _W, _R, "junk file that should not be deposited"),
        Code("BIA111", _W, _R, "empty, '.' or '..' path component"),
        Code("BIA112", _W, _R, "temporary file left over from an interrupted write"),
        Code("BIA115", _W, _R, "lock file of a document open in Excel or LibreOffice"),
        # --- file list format (domain.md §2): what the archive reads ---
        Code("BIA201", _E, _S, "file list extension the archive refuses"),
        Code("BIA202", _E, _S, "file list name breaks the archive's path rule"),
        Code("BIA203", _E, _S, "file list missing or unreadable"),
        Code("BIA204", _E, _S, "empty file list"),
        Code("BIA205", _E, _S, "text encoding the archive refuses (UTF-16/UTF-32)"),
        Code("BIA206", _E, _S, "byte-order mark before the header"),
        Code("BIA207", _E, _S, "header not on the first line (XLSX: not at A1)"),
        Code("BIA208", _E, _S, "first column header is not exactly 'Files'"),
        Code("BIA209", _E, _S, "blank column header (often a trailing tab)"),
        Code("BIA210", _E, _G, "the same column twice"),
        Code("BIA211", _W, _R, "cells past the last column header are dropped"),
        Code("BIA212", _I, _R, "blank lines are skipped"),
        Code("BIA213", _W, _R, "quoted cell: the quotes are kept"),
        Code("BIA214", _W, _R, "leading or trailing space in a cell (never trimmed)"),
        Code("BIA215", _E, _S, "row starting with '#': not a comment, a path"),
        Code("BIA216", _E, _S, "invalid UTF-8 in a path"),
        Code("BIA217", _E, _R, "invalid UTF-8 in a value (silently altered)"),
        Code("BIA218", _W, _R, "lines end with CR only"),
        Code("BIA219", _E, _S, "blank path: 'File Path is required'"),
        Code("BIA220", _W, _R, "XLSX: the first sheet, the one the archive reads, is hidden"),
        Code("BIA221", _W, _R, "XLSX: the active sheet is not the first sheet"),
        Code("BIA222", _E, _R, "XLSX: number cut to a whole number"),
        Code("BIA223", _E, _R, "XLSX: date read as a day number"),
        Code("BIA224", _E, _R, "XLSX: boolean read as 1/0"),
        Code("BIA225", _W, _R, "XLSX: error cell read as text"),
        Code("BIA226", _E, _R, "XLSX: formula without a saved result reads as empty"),
        Code("BIA227", _E, _S, "XLSX: line break in a cell splits the row"),
        Code("BIA228", _E, _R, "XLSX: tab or '\"' in a cell: the cell is quoted"),
        Code("BIA229", _W, _R, "XLSX: _xHHHH_ escape decoded"),
        Code("BIA230", _W, _R, "XLSX: rows below the table are read as files"),
        Code("BIA231", _W, _R, "XLSX: merged cells: only the first cell has the value"),
        Code("BIA232", _E, _S, "unresolved merge conflict: git's marker lines are in the list"),
        Code(
            "BIA233", _E, _S, "file list beyond a limit of what can be read (named in the message)"
        ),
        Code(
            "BIA234",
            _E,
            _S,
            "text that is no character: a lone surrogate, an invalid XML reference",
        ),
        Code("BIA240", _E, _S, "JSON syntax the archive refuses"),
        Code("BIA241", _E, _S, "JSON: top level is not an array of file entries"),
        Code("BIA242", _E, _S, "JSON: entry without a valid path"),
        Code("BIA243", _E, _S, "JSON: attributes not in the archive's form"),
        Code("BIA244", _E, _S, "JSON: type is not a string"),
        Code("BIA245", _W, _R, "JSON: content after the first array is ignored"),
        Code("BIA246", _W, _R, "JSON: the same key twice in an object (the last wins)"),
        Code("BIA247", _E, _S, "JSON: a path of spaces only: looked up as a file, and missing"),
        # --- file list content (domain.md §3): columns and values ---
        Code("BIA301", _E, _S, "path in the file list breaks the archive's path rule"),
        Code("BIA302", _E, _G, "mandatory column missing"),
        Code("BIA303", _E, _G, "mandatory value missing or blank"),
        Code("BIA304", _E, _G, "annotation type not in the archive's controlled list"),
        Code("BIA305", _W, _R, "column spelling only one of the archive's two ingests reads"),
        Code("BIA306", _E, _G, "the same column under two spellings (Source image, source_image)"),
        Code("BIA307", _E, _G, "the same path listed twice"),
        Code("BIA308", _E, _S, "folder listed together with a file inside it (circular reference)"),
        Code("BIA309", _E, _G, "value breaks a rule of the dataset's extra schema"),
        Code("BIA310", _E, _G, "source image not in the image dataset's file list"),
        # --- the dataset and its file lists in step ---
        Code(
            "BIA401",
            _W,
            _R,
            "DVC-tracked folder listed as one entry: its file list is not in the local cache",
        ),
        Code("BIA402", _W, _R, "DVC file that cannot be read: its data is not listed"),
        Code("BIA403", _W, _R, "git submodule: its files are not listed"),
        Code("BIA404", _W, _R, "git object missing: cannot tell whether the file is annexed"),
        Code("BIA420", _E, _G, "file of the dataset missing from its file list"),
        Code("BIA421", _E, _S, "file list names a file that is not in the dataset"),
        Code("BIA422", _E, _G, "file named by two file lists"),
        Code("BIA423", _W, _R, "file covered by no file list"),
        Code("BIA426", _E, _G, "new file that two file lists could take: the sync adds it to none"),
        Code("BIA424", _E, _G, "configured file list does not exist"),
        Code("BIA425", _E, _G, "dataset without a file list"),
        Code("BIA427", _W, _R, "DVC folder manifest names a path outside its folder: left out"),
        Code("BIA428", _E, _R, "file list leads outside the dataset (a link): not read"),
        # --- study metadata (domain.md §4, §8): study.yaml against the template MIFA.v1 ---
        Code("BIA501", _E, _S, "study.yaml cannot be read (YAML, a limit, not a mapping)"),
        Code("BIA502", _E, _S, "study.yaml key the archive's template has no field for"),
        Code("BIA503", _E, _S, "field the archive's template requires is missing or empty"),
        Code("BIA504", _E, _S, "study title shorter than 25 characters"),
        Code("BIA505", _E, _S, "study.yaml value not of the form its field takes"),
        Code("BIA506", _E, _S, "release date in the past or more than two years ahead"),
        Code("BIA507", _E, _S, "ORCID malformed or its check digit wrong"),
        Code("BIA508", _E, _S, "e-mail address malformed"),
        Code("BIA509", _E, _S, "contact role not one of the template's roles"),
        Code("BIA510", _E, _G, "no link to the image dataset, or not the configured one"),
        Code("BIA511", _I, _R, "study.yaml holds no metadata yet"),
        Code("BIA512", _E, _G, "section's annotation type not in the archive's controlled list"),
        Code("BIA513", _E, _S, "annotation section's file list is not a file list of the dataset"),
        Code("BIA514", _W, _G, "file list that no annotation section of study.yaml names"),
        Code("BIA515", _I, _R, "fields the archive's template marks desirable are empty"),
        # --- the upload (domain.md §5, §6): content that must be here to be uploaded ---
        Code("BIA601", _W, _S, "annexed file whose content is not in this clone (git annex get)"),
        Code("BIA602", _W, _S, "DVC-tracked file not in the workspace (dvc pull)"),
        Code("BIA603", _W, _S, "symbolic link to nothing: no content to upload"),
    ]
}
