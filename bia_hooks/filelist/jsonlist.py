"""JSON file lists as the archive reads them (domain.md §2; BioStudies ``FileJsonDeserializer``,
``AttributeJsonDeserializer``, a Jackson parser).

Pure logic: bytes in, a :class:`Table` and findings out. The table's header is ``Files`` and then
every attribute name in order of first appearance; ``refs`` are indices in the JSON array.
"""

from __future__ import annotations

import json
from typing import Any

from bia_hooks import advice
from bia_hooks.filelist.table import Table
from bia_hooks.findings import Finding

_HINTS = (
    (
        "Expecting property name enclosed in double quotes",
        "names and strings need double quotes, and the archive refuses a comma before '}'",
    ),
    ("Expecting value", "the archive refuses a comma before ']', comments, single quotes and NaN"),
    ("Illegal trailing comma", "remove the comma before the closing bracket"),
)


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it saw twice (Jackson keeps the last, as dict does)."""

    repeated: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.repeated = tuple(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return obj


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON; the archive refuses it")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)


def decode(data: bytes) -> str:
    """Jackson detects UTF-8/16/32 and skips a byte-order mark."""
    return data.decode(json.detect_encoding(data), errors="replace").lstrip("\ufeff")


def read_json_bytes(data: bytes, path: str) -> tuple[Table | None, list[Finding]]:
    try:
        text = decode(data)
    except (UnicodeError, LookupError) as e:
        return None, [Finding("BIA240", path, f"the file is not readable text: {e}")]
    start = len(text) - len(text.lstrip())
    if not text[start:].startswith("["):
        what = "is empty" if start == len(text) else f"starts with {text[start : start + 20]!r}"
        return None, [
            Finding(
                "BIA241",
                path,
                f"the archive needs a JSON array of file entries; this file {what}",
                fix='write [{"path": "a.tif", "attributes": [{"name": "N", "value": "V"}]}, ...]',
            )
        ]
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as e:
        hint = next((h for key, h in _HINTS if e.msg.startswith(key)), "")
        return None, [
            Finding(
                "BIA240",
                path,
                f"the archive cannot parse this JSON: {e.msg}" + (f" ({hint})" if hint else ""),
                line=e.lineno,
                fix=advice.runs(
                    "export", before="fix the JSON, or export it from a TSV list with "
                ),
            )
        ]
    except ValueError as e:
        return None, [Finding("BIA240", path, f"the archive cannot parse this JSON: {e}")]
    findings: list[Finding] = []
    rest = text[end:].strip()
    if rest:
        findings.append(
            Finding(
                "BIA245",
                path,
                f"the archive reads only the first array: it ignores {rest[:40]!r}...",
                line=text.count("\n", 0, end) + 1,
                fix="delete what follows the closing ']'",
            )
        )
    table = entries_to_table(value, path, findings)
    return table, findings


def entries_to_table(entries: list[Any], path: str, findings: list[Finding]) -> Table:
    """The archive's structure, entry by entry; every deviation appended to ``findings``."""
    header = ["Files"]
    column: dict[str, int] = {}
    rows: list[list[str]] = []
    refs: list[int] = []
    for i, entry in enumerate(entries):
        where = f"/{i}"
        if not isinstance(entry, dict):
            findings.append(
                _bad(
                    "BIA242",
                    path,
                    where,
                    f"entry {i} is {_kind(entry)}, not an object with a 'path'",
                    entry,
                )
            )
            continue
        _repeated(entry, path, where, findings)
        p = entry.get("path")
        if not isinstance(p, str) or not p:
            what = "has no 'path'" if "path" not in entry else f"has a 'path' that is {_kind(p)}"
            findings.append(
                _bad(
                    "BIA242",
                    path,
                    f"{where}/path",
                    f"entry {i} {what}; the archive needs a non-empty string",
                    p,
                )
            )
            continue
        if "type" in entry and not isinstance(entry["type"], str | None):
            findings.append(
                _bad(
                    "BIA244",
                    path,
                    f"{where}/type",
                    "'type' must be a string such as "
                    f'"file" or "directory", not {_kind(entry["type"])}',
                    entry["type"],
                )
            )
        values: dict[int, str] = {}
        attributes = entry.get("attributes")
        if not isinstance(attributes, list | None):
            findings.append(
                _bad(
                    "BIA243",
                    path,
                    f"{where}/attributes",
                    "'attributes' must be an array "
                    f'of {{"name", "value"}} objects, not {_kind(attributes)}',
                    attributes,
                )
            )
            attributes = None
        for j, attribute in enumerate(attributes or []):
            name = _attribute(attribute, path, f"{where}/attributes/{j}", findings)
            if name is None:
                continue
            value = attribute.get("value")
            if name not in column:
                column[name] = len(header)
                header.append(name)
            k = column[name]
            if k in values:
                findings.append(
                    _bad(
                        "BIA210",
                        path,
                        f"{where}/attributes/{j}",
                        f"attribute {name!r} "
                        "appears twice in this entry; the archive's ingest fails on a "
                        "repeated column",
                        name,
                    )
                )
                continue
            values[k] = value if isinstance(value, str) else ""
        width = max(values, default=0) + 1
        row = [p] + [values.get(k, "") for k in range(1, width)]
        rows.append(row)
        refs.append(i)
    if not entries:
        findings.append(
            Finding(
                "BIA204",
                path,
                "the file list is an empty array; the archive refuses "
                "it: 'A file list should contain at least one file'",
                pointer="",
                fix="add one entry per file",
            )
        )
    return Table(path, "json", header, rows, refs)


def _attribute(attribute: Any, path: str, where: str, findings: list[Finding]) -> str | None:
    if not isinstance(attribute, dict):
        findings.append(
            _bad(
                "BIA243",
                path,
                where,
                "an attribute must be an object "
                f'{{"name": ..., "value": ...}}, not {_kind(attribute)}',
                attribute,
            )
        )
        return None
    _repeated(attribute, path, where, findings)
    name = attribute.get("name")
    if not isinstance(name, str) or not name.strip():
        findings.append(
            _bad(
                "BIA243",
                path,
                f"{where}/name",
                f"an attribute needs a 'name' that is a non-blank string, not {_kind(name)}",
                name,
            )
        )
        return None
    value = attribute.get("value")
    if not isinstance(value, str | None):
        shown = json.dumps(value) if isinstance(value, int | float | bool) else None
        findings.append(
            _bad(
                "BIA243",
                path,
                f"{where}/value",
                f"the value of {name!r} is {_kind(value)}; the archive wants a string or null",
                value,
                fix=f'write it as a string: "{shown}"' if shown else "write it as a string",
            )
        )
        return None
    return name


def _repeated(obj: dict[str, Any], path: str, where: str, findings: list[Finding]) -> None:
    for key in getattr(obj, "repeated", ()):
        findings.append(
            _bad(
                "BIA246",
                path,
                f"{where}/{key}",
                f"the key {key!r} appears more than once; the archive keeps only the last",
                key,
                fix="keep one of them",
            )
        )


def _bad(
    code: str, path: str, pointer: str, message: str, value: Any, fix: str | None = None
) -> Finding:
    shown = (
        value if isinstance(value, str) else json.dumps(value)[:80] if value is not None else None
    )
    return Finding(code, path, message, pointer=pointer, value=shown, fix=fix)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"the number {json.dumps(value)}"
    if isinstance(value, str):
        return "an empty string" if not value else f"the string {value!r}"
    return "an array" if isinstance(value, list) else "an object"
