"""Read any file list as the archive will: the one entry point for checks, sync and export.

The server's order (domain.md §2): extension -> the list's own name against the path rule ->
the list exists -> (XLSX converted to TSV) -> parse -> not empty -> each row.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bia_hooks import confine, pathrule
from bia_hooks.filelist.table import FORMATS, Table
from bia_hooks.findings import Finding
from bia_hooks.limits import json_nesting_over
from bia_hooks.wording import first_few

__all__ = [
    "format_of",
    "list_name_findings",
    "looks_like_filelist",
    "read_filelist",
    "read_filelist_bytes",
]


def format_of(path: str) -> str | None:
    """``tsv``, ``xlsx`` or ``json`` when the archive accepts the name's extension, else None.

    The extension is the text after the last '.' of the whole name, exactly (lower case).
    """
    _, dot, ext = path.rpartition(".")
    return ext if dot and ext in FORMATS else None


def list_name_findings(path: str) -> list[Finding]:
    """What the archive says about the file list's own name, before it opens the file."""
    findings: list[Finding] = []
    if format_of(path) is None:
        findings.append(_extension_finding(path))
    if not pathrule.passes_server_rule(path):
        bad = pathrule.bad_characters(path)
        problems = [first_few(bad, pathrule.BadCharacter.describe, sep="; ")] if bad else []
        problems += pathrule.form_problems(path)
        suggestion = pathrule.suggest_path(path, ())
        findings.append(
            Finding(
                "BIA202",
                path,
                "the archive applies its path rule to the file list's own name and refuses it: "
                + "; ".join(problems),
                value=path,
                fix=f"rename the file list to '{suggestion}'",
            )
        )
    return findings


def _extension_finding(path: str) -> Finding:
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    fixed = ext.strip().lower()
    prefix = f"{folder}/" if folder else ""
    if dot and fixed in FORMATS:
        fix = f"rename it to '{prefix}{stem.strip()}.{fixed}' (lower case, nothing after it)"
    elif dot and fixed in ("csv", "txt", "tab"):
        fix = f"save it tab-separated as '{prefix}{stem}.tsv'"
    elif dot and fixed in ("xls", "ods", "numbers"):
        fix = f"save it as an Excel workbook, '{prefix}{stem}.xlsx'"
    else:
        fix = f"name it '{path.rstrip()}.tsv', '.xlsx' or '.json' after its format"
    shown = f"'.{ext}'" if dot else "no extension"
    return Finding(
        "BIA201",
        path,
        f"the archive reads only .tsv, .xlsx and .json file lists (exactly, lower case); "
        f"this one has {shown}: "
        f"'Unsupported pagetab format'",
        value=path,
        fix=fix,
    )


def read_filelist(
    root: Path, path: str, *, repair: bool = False, data: bytes | None = None
) -> tuple[Table | None, list[Finding]]:
    """The table the archive reads from ROOT/PATH, and every format finding (BIA2xx).

    ``path`` is the file list's path from the dataset root, with '/'. The Table is None when the
    archive cannot read a table at all (a wrong extension, a missing file, a refused encoding or
    header, broken JSON); then at least one error explains why. A Table may still come with errors
    (a blank path, an empty list, a bad name): the archive's verdict is "no error findings".

    ``repair`` (export): read a TSV in UTF-16 or with a byte-order mark as meant, and an XLSX
    number, date or boolean the archive would alter as the text its cell shows, as info findings.
    ``data``: the file's content, already read (the caller keeps what the verdict is about).
    """
    findings = list_name_findings(path)
    fmt = format_of(path)
    if fmt is None:
        return None, findings
    outside = confine.path_problem(path) or confine.leads_outside(root, path)
    if outside is not None:
        findings.append(
            Finding(
                "BIA428",
                path,
                f"the file list leads outside the dataset, so it is not read: {outside}",
                fix=confine.OUTSIDE_FIX,
            )
        )
        return None, findings
    file = root / path
    if not file.is_file():
        what = "a folder" if file.is_dir() else "missing"
        findings.append(
            Finding(
                "BIA203",
                path,
                f"the file list is {what}",
                fix="check the file list's path, from the root of the upload",
            )
        )
        return None, findings
    try:
        table, more = _parse(fmt, path, file if data is None else data, repair)
    except OSError as e:
        findings.append(Finding("BIA203", path, f"the file list cannot be read: {e.strerror or e}"))
        return None, findings
    return table, findings + more


def read_filelist_bytes(path: str, data: bytes) -> tuple[Table | None, list[Finding]]:
    """The table the archive reads from a file list's content, ``data`` (a list at a git revision,
    read from git's objects): the same readers as ``read_filelist``, without the disk."""
    findings = list_name_findings(path)
    fmt = format_of(path)
    if fmt is None:
        return None, findings
    table, more = _parse(fmt, path, data, repair=False)
    return table, findings + more


def _parse(
    fmt: str, path: str, source: Path | bytes, repair: bool
) -> tuple[Table | None, list[Finding]]:
    """One file list's content (a file, or its bytes) through the reader of its format."""
    if fmt == "xlsx":
        import io

        from bia_hooks.filelist.xlsx import read_xlsx

        xlsx = io.BytesIO(source) if isinstance(source, bytes) else source
        return read_xlsx(xlsx, path, keep_shown=repair)
    data = source if isinstance(source, bytes) else source.read_bytes()
    if fmt == "tsv":
        from bia_hooks.filelist.tsv import read_tsv_bytes

        return read_tsv_bytes(data, path, repair)
    from bia_hooks.filelist.jsonlist import read_json_bytes

    return read_json_bytes(data, path)


def looks_like_filelist(root: Path, path: str) -> bool:
    """Is this file a file list, for discovery without configuration?

    A table (TSV, XLSX) whose header row holds a 'Files' cell, first or not (a list whose 'Files'
    column is elsewhere is found, and validation says to move the column); a JSON file only in the
    archive's own form, a non-empty array whose first entry has a 'path' string and an
    'attributes' array. Annotation data (a JSON of points with a "path", an empty array) is never
    taken for a file list: the sync would rewrite it. Refused extensions (``.TSV``, ``.csv``)
    count, so that such lists are found and reported. A symlink (a list in git-annex) counts when
    its content is here; one to a file outside the dataset does not (it is not read).
    """
    file = root / path
    ext = path.rpartition(".")[2].strip().lower() if "." in path else ""
    try:
        if ext not in ("tsv", "csv", "txt", "json", "xlsx") or not file.is_file():
            return False
        if confine.leads_outside(root, path) is not None:
            return False
        if ext == "xlsx":
            import zipfile

            from bia_hooks.filelist.xlsx import first_row

            try:
                return _has_files_cell(first_row(file))
            except zipfile.BadZipFile:
                return False
        with file.open("rb") as f:
            head = f.read(_HEAD_BYTES)
        if ext == "json":
            return _archive_json_entry(head)
        from bia_hooks.filelist.tsv import LINE_END

        # The first line as the archive reads it: it ends at CR or LF only, not at U+2028.
        first_line = LINE_END.split(head.decode("utf-8", "replace").lstrip("\ufeff"), 1)[0]
        return bool(first_line) and _has_files_cell(re.split(r"[\t,;]", first_line))
    except (OSError, KeyError, ValueError, UnicodeError):
        return False


_HEAD_BYTES = 1 << 20  # the first entry of a JSON list, or a header line, is well within this


def _has_files_cell(cells: list[str]) -> bool:
    return any(c.strip().strip("\"'").lower() == "files" for c in cells)


def _archive_json_entry(head: bytes) -> bool:
    """Does this JSON start as the archive's file list: ``[{"path": "...", "attributes": [...]``?"""
    if json_nesting_over(head):  # no list: its entries nest 4 deep (and Python would recurse)
        return False
    text = head.decode(json.detect_encoding(head), "replace").lstrip("\ufeff").lstrip()
    if not text.startswith("["):
        return False
    text = text[1:].lstrip()
    if not text.startswith("{"):
        return False  # an empty array, or an array of something else
    try:
        entry, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:  # the first entry does not end within the head: no file list entry
        return False
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("attributes"), list)
    )
