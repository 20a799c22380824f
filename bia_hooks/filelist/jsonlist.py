"""JSON file lists as the archive reads them (domain.md §2; BioStudies ``FileJsonDeserializer``,
``AttributeJsonDeserializer``, a Jackson parser).

Pure logic: bytes in, a :class:`Table` and findings out. The table's header is ``Files`` and then
every attribute name in order of first appearance; ``refs`` are indices in the JSON array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from bia_hooks import advice, limits
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


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON; the archive refuses it")


def _integer(digits: str) -> int:
    """Python's int() stops at 4,300 digits with a ValueError: stop well before, named."""
    if len(digits.lstrip("-")) > limits.JSON_NUMBER_DIGITS:
        raise limits.exceeded(
            f"a number of {len(digits.lstrip('-')):,} digits",
            limits.JSON_NUMBER_DIGITS,
            "digits per number",
            "the default of Jackson, the archive's JSON parser",
            value=digits[:40] + "...",
            fix="write it as a string, or delete it",
        )
    return int(digits)


# A JSON escape of a UTF-16 surrogate: the text may hold one that has no other half.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


# id() of an object that repeated a key -> those keys. The objects stay plain dicts: with a hook
# returning dict(items), a sync writing a 200,000-entry list took the user time it took with
# json.loads, within noise (7.0 s vs 6.8 s), and validating it less memory than with a subclass.
Repeats = dict[int, tuple[str, ...]]


def parse(text: str, start: int = 0) -> tuple[Any, int, Repeats]:
    """``raw_decode`` as the archive's parser reads it (NaN refused; of a repeated key the last
    is kept, as Jackson does): the value, where it ends, and the objects that repeated a key.

    Raises json.JSONDecodeError, or ValueError for NaN and Infinity.
    """
    repeats: Repeats = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            keys = [k for k, _ in items if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
            repeats[id(obj)] = tuple(dict.fromkeys(keys))
        return obj

    decoder = json.JSONDecoder(
        object_pairs_hook=pairs, parse_constant=_constant, parse_int=_integer
    )
    value, end = decoder.raw_decode(text, start)
    return value, end, repeats


def repeated_keys(document: Any, repeats: Repeats) -> list[str]:
    """The JSON pointer of each key ``parse`` saw twice in ``document``, in document order."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack and repeats:
        where, value = stack.pop()
        if isinstance(value, dict):
            found.extend(f"{where}/{key}" for key in repeats.get(id(value), ()))
            items = list(value.items())
        elif isinstance(value, list):
            items = [(str(i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend((f"{where}/{k}", v) for k, v in reversed(items))
    return found


def looked_up(path: str, kind: Any) -> str:
    """The path the archive looks up for an entry: a ``"directory"`` entry drops a ``.zip``
    suffix first (BioStudies ``PathSource.kt``, ``UserPathSource``: ``masks.zip`` names the
    folder ``masks``, which the archive zips itself)."""
    return path.removesuffix(".zip") if kind == "directory" else path


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
    utf8 = data if json.detect_encoding(data) in ("utf-8", "utf-8-sig") else text.encode()
    if limits.json_nesting_over(utf8):
        error = limits.exceeded(
            "arrays and objects nested too deep",
            limits.NESTING,
            "levels",
            "a file list entry nests 4 deep",
            fix="write the archive's flat entries: path, attributes, type",
        )
        return None, [error.finding(path)]
    try:
        value, end, repeats = parse(text, start)
    except limits.LimitExceeded as e:  # a number too long: on the line where its digits are
        line = text.count("\n", 0, max(text.find(e.where["value"].rstrip(".")), 0)) + 1
        return None, [e.at(line=line).finding(path)]
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
    if _SURROGATE_ESCAPE.search(text):
        broken = list(_lone_surrogates(value, ""))
        if broken:
            return None, [_surrogate(path, pointer, s) for pointer, s in broken[:100]]
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
    try:
        table = entries_to_table(value, path, findings, repeats)
    except limits.LimitExceeded as e:  # a cell too long
        return None, [e.finding(path)]
    return table, findings


def _lone_surrogates(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(JSON pointer, string) of each string or key holding half of a UTF-16 pair."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            yield pointer, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _lone_surrogates(item, f"{pointer}/{i}")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{pointer}/{_shown(key)}"
            if _SURROGATE.search(key):
                yield where, key
            yield from _lone_surrogates(item, where)


def _shown(text: str) -> str:
    """Text with each lone surrogate written as its escape, \\ud800."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _surrogate(path: str, pointer: str, text: str) -> Finding:
    half = _shown(_SURROGATE.findall(text)[0])
    return Finding(
        "BIA234",
        path,
        f"the text holds {half}, half of a UTF-16 pair without its other half: this is no "
        "character, and the archive cannot store it as text",
        pointer=pointer,
        value=_shown(text)[:80],
        fix="delete the escape, or write the character it stands for",
    )


def entries_to_table(
    entries: list[Any], path: str, findings: list[Finding], repeats: Repeats | None = None
) -> Table:
    """The archive's structure, entry by entry; every deviation appended to ``findings``.
    ``repeats``: the objects that repeated a key, from ``parse``."""
    repeats = repeats or {}
    header = ["Files"]
    column: dict[str, int] = {}
    rows: list[list[str]] = []
    refs: list[int] = []
    lookups: dict[int, str] = {}
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
        _repeated(repeats.get(id(entry), ()), path, where, findings)
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
        if p.strip(" ") == "":
            # The archive only asks for a non-empty string here ('File Path is required' is for
            # null and ""), and spaces pass its path rule: the entry is looked up as a file
            # named '  ', which is missing. Other blanks (tab, U+2028) break the path rule.
            findings.append(
                _bad(
                    "BIA247",
                    path,
                    f"{where}/path",
                    f"entry {i}'s path is only spaces: the archive takes the entry, looks for a "
                    "file of that name, and refuses the submission: the file is missing",
                    p,
                    fix="write the file's path, or delete the entry",
                )
            )
        elif (target := looked_up(p, entry.get("type"))) != p:
            lookups[len(rows)] = target
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
        _within_cell(p, f"{where}/path")
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
            name = _attribute(attribute, path, f"{where}/attributes/{j}", findings, repeats)
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
            _within_cell(values[k], f"{where}/attributes/{j}/value")
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
    return Table(path, "json", header, rows, refs, lookups)


def _within_cell(text: str, pointer: str) -> None:
    if len(text) > limits.CELL_CHARS:
        raise limits.exceeded(
            f"a text of {len(text):,} characters",
            limits.CELL_CHARS,
            "characters per cell",
            "Excel's longest cell",
            pointer=pointer,
        )


def _attribute(
    attribute: Any, path: str, where: str, findings: list[Finding], repeats: Repeats
) -> str | None:
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
    _repeated(repeats.get(id(attribute), ()), path, where, findings)
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


def _repeated(keys: tuple[str, ...], path: str, where: str, findings: list[Finding]) -> None:
    for key in keys:
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
