"""Read any file list as the archive will: the one entry point for checks, sync and export.

The server's order (domain.md §2): extension -> the list's own name against the path rule ->
the list exists -> (XLSX converted to TSV) -> parse -> not empty -> each row.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from bia_hooks import pathrule
from bia_hooks.filelist.table import FORMATS, Table
from bia_hooks.findings import Finding

__all__ = ["format_of", "list_name_findings", "looks_like_filelist", "read_filelist"]


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
        problems = [b.describe() for b in pathrule.bad_characters(path)] + pathrule.form_problems(
            path
        )
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
    root: Path, path: str, *, repair: bool = False
) -> tuple[Table | None, list[Finding]]:
    """The table the archive reads from ROOT/PATH, and every format finding (BIA2xx).

    ``path`` is the file list's path from the dataset root, with '/'. The Table is None when the
    archive cannot read a table at all (a wrong extension, a missing file, a refused encoding or
    header, broken JSON); then at least one error explains why. A Table may still come with errors
    (a blank path, an empty list, a bad name): the archive's verdict is "no error findings".

    ``repair`` (export): read a TSV in UTF-16 or with a byte-order mark as meant, as info findings.
    """
    findings = list_name_findings(path)
    fmt = format_of(path)
    if fmt is None:
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
        if fmt == "xlsx":
            from bia_hooks.filelist.xlsx import read_xlsx

            table, more = read_xlsx(file, path)
        else:
            data = file.read_bytes()
            if fmt == "tsv":
                from bia_hooks.filelist.tsv import read_tsv_bytes

                table, more = read_tsv_bytes(data, path, repair)
            else:
                from bia_hooks.filelist.jsonlist import read_json_bytes

                table, more = read_json_bytes(data, path)
    except OSError as e:
        findings.append(Finding("BIA203", path, f"the file list cannot be read: {e.strerror or e}"))
        return None, findings
    return table, findings + more


_JSON_START = re.compile(r'\s*\[\s*(?:\]|\{[^{}]*?"path"\s*:)')


def looks_like_filelist(root: Path, path: str) -> bool:
    """Cheap guess for auto-discovery: a table whose first header is Files, or a JSON array of
    objects with ``path``. Lists with a refused extension (``.TSV``, ``.csv``) count too, so that
    they are found and reported."""
    file = root / path
    ext = path.rpartition(".")[2].strip().lower() if "." in path else ""
    try:
        if not file.is_file():
            return False
        if ext in ("tsv", "csv", "txt"):
            with file.open("rb") as f:
                head = f.read(4096)
            first = re.split(
                r"[\t,;\r\n]", head.decode("utf-8", "replace").lstrip("\ufeff"), maxsplit=1
            )[0]
            return first.strip().strip("\"'").lower() == "files"
        if ext == "json":
            with file.open("rb") as f:
                head = f.read(65536)
            text = head.decode(json.detect_encoding(head), "replace").lstrip("\ufeff")
            return _JSON_START.match(text) is not None
        if ext == "xlsx":
            from bia_hooks.filelist.xlsx import first_cell

            a1 = first_cell(file)
            return a1 is not None and a1.strip().lower() == "files"
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, UnicodeError):
        return False
    return False
