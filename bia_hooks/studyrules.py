"""The rules study.yaml is checked by (study.py says what it is): the shipped schema, with each
kind of mistake given its code, its line and its fix; what a schema cannot say (the ORCID check
digit, the release date against today, the image dataset against the configuration, the file
lists against the dataset, text the TSV page-tab cannot carry); the template's placeholders left;
and the desirable fields left empty. Pure: the study in, the findings out."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bia_hooks.findings import Finding
from bia_hooks.safe_text import visible
from bia_hooks.study import (
    DESIRABLE,
    SCHEMA_NAME,
    STUDY_FIELDS,
    STUDY_FILE,
    TABLES,
    Field,
    KeyPath,
    StudyContext,
    accession_of,
    as_list,
    orcid_checksum_ok,
)
from bia_hooks.wording import first_few

Lines = Mapping[KeyPath, int]  # the line of each key path
_ORCID = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]")


def study_findings(study: dict[str, Any], lines: Lines, context: StudyContext) -> list[Finding]:
    findings = list(_schema_findings(study, lines, context))
    findings += _value_findings(study, lines, context)
    findings += _desirable_findings(study, lines)
    return _placeholders_said(study, lines, findings)


def _line(lines: Lines, path: Sequence[str | int]) -> int | None:
    """The line of ``path``, else of its nearest parent that has one."""
    for end in range(len(path), 0, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None


def key_path(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{visible(part)}" if out else visible(part)
    return out or "(top level)"


def _finding(code: str, lines: Lines, path: Sequence[str | int], message: str, fix: str) -> Finding:
    where = key_path(path) if path else None
    return Finding(code, STUDY_FILE, message, line=_line(lines, path), column=where, fix=fix)


# --- the schema: the form of each value --------------------------------------------------------


@functools.cache
def _validator() -> Any:
    import jsonschema

    from bia_hooks.resources import load_schema

    return jsonschema.Draft202012Validator(load_schema(SCHEMA_NAME))


def _schema_findings(
    study: dict[str, Any], lines: Lines, context: StudyContext
) -> Iterator[Finding]:
    errors = list(_validator().iter_errors(study))
    # A required key missing because it is misspelt is said once: as the misspelt key.
    said: set[tuple[KeyPath, str]] = {
        (tuple(e.absolute_path), meant)
        for e in errors
        if e.validator == "additionalProperties"
        for _key, meant in _unknown_keys(e)
        if meant
    }
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":
            for key, meant in _unknown_keys(error):
                yield _unknown(path, key, meant, sorted(error.schema["properties"]), lines)
        elif error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance and (tuple(path), name) not in said:
                    said.add((tuple(path), name))
                    yield _missing(path, name, lines, context)
        else:
            yield _wrong_value(error, path, lines)


def _unknown_keys(error: Any) -> list[tuple[str, str | None]]:
    """(key, the key it is likely a misspelling of) for each key the object may not have."""
    allowed = sorted(error.schema.get("properties", {}))
    return [
        (key, next(iter(difflib.get_close_matches(key, allowed, n=1)), None))
        for key in error.instance
        if key not in allowed
    ]


def _unknown(
    path: list[str | int], key: str, meant: str | None, allowed: list[str], lines: Lines
) -> Finding:
    hint = f"did you mean '{meant}'? " if meant else ""
    return _finding(
        "BIA502",
        lines,
        [*path, key],
        f"'{visible(key)}': the archive's template has no field for this key, so its value "
        "would not reach the archive",
        f"{hint}the keys here are: {', '.join(allowed)}",
    )


def _field_of(path: Sequence[str | int], key: str) -> Field | None:
    """The template field of ``key`` in the object at ``path``."""
    table = TABLES.get(str(path[0])) if path else None
    fields = table.fields if table is not None else STUDY_FIELDS
    return next((f for f in fields if f.key == key), None)


def _missing(path: list[str | int], key: str, lines: Lines, context: StudyContext) -> Finding:
    where = [*path, key]
    if key == "image_dataset" and not path:
        named = ", ".join(context.accessions) or "S-BIAD123"
        return _finding(
            "BIA510",
            lines,
            where,
            "no image_dataset: the archive's help page asks for a link to the image dataset "
            "the annotations belong to",
            f"add 'image_dataset: {named}' (its accession, or its address https://...)",
        )
    table = TABLES.get(key) if not path else None
    template = _field_of(path, key)
    name = table.name if table else (template.name if template else key)
    fix = f"add '{key}: ...'"
    if table:
        what = "a section per file list" if key == "annotations" else "one entry or more"
        fix = f"add '{key}:' with {what} (bia-hooks init writes an example)"
    elif key == "file_list":
        fix = _FILE_LIST_FIX
    return _finding("BIA503", lines, where, f"no {key}: the archive requires {name}", fix)


_FILE_LIST_FIX = "add 'file_list: PATH', the file list of this section, from the dataset root"

_TYPE_WORDS = {
    "object": "a mapping (key: value)",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, datetime):
        return "a date with a time"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty" if value is None else "text"


def _shown(value: Any, most: int = 80) -> str:
    text = visible(value if isinstance(value, str) else repr(value))
    if len(text) <= most:
        return f"'{text}'"
    return f"'{text[: most - 20]}...' ({len(text):,} characters)"


def _last_key(path: Sequence[str | int]) -> str:
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "")


def _wrong_value(error: Any, path: list[str | int], lines: Lines) -> Finding:
    key, check, value = _last_key(path), error.validator, error.instance
    if check in ("minLength", "minItems", "minProperties"):
        if key == "title" and len(path) == 1 and value:
            return _finding(
                "BIA504",
                lines,
                path,
                f"{len(value)} characters: the archive's template wants a title of at least 25",
                "say what was annotated, in which images and how (it is shown in search results)",
            )
        what = "an empty entry" if check == "minProperties" else "empty"
        return _finding(
            "BIA503",
            lines,
            path,
            f"{what}: the archive's form needs a value",
            "fill it in, or delete the key",
        )
    if key == "types":
        return _types_finding(path, value, lines)
    if key == "orcid" and check == "pattern":
        return _finding(
            "BIA507",
            lines,
            path,
            f"{_shown(value)} is not an ORCID iD",
            "write the 16 characters of the iD, as 0000-0002-1825-0097 (without "
            "https://orcid.org/)",
        )
    if key == "email" and check == "pattern":
        return _finding(
            "BIA508",
            lines,
            path,
            f"{_shown(value)} is not an e-mail address",
            "write it as name@example.org",
        )
    if key == "role" and check == "enum":
        close = difflib.get_close_matches(str(value).lower(), error.validator_value, n=1)
        hint = f"'{close[0]}'? one of: " if close else "one of: "
        return _finding(
            "BIA509",
            lines,
            path,
            f"{_shown(value)} is not a role the archive's form offers",
            hint + ", ".join(error.validator_value),
        )
    return _finding("BIA505", lines, path, *_form_problem(error, key, value))


def _form_problem(error: Any, key: str, value: Any) -> tuple[str, str]:
    """(what is wrong, the fix) for a value of the wrong type or form."""
    if error.validator == "type":
        expected = as_list(error.validator_value)
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        if isinstance(value, datetime):
            return "a date with a time of day", "write the day only: YYYY-MM-DD"
        fix = f"write {words}"
        if "string" in expected and isinstance(value, (bool, int, float)):
            fix = f'quote it: {key}: "{value}"'  # YAML read the text as a number or a boolean
        return f"{_shown(value)} is {_kind(value)}; {key} takes {words}", fix
    if error.validator == "const":
        return f"{_shown(value)}: the only version is {error.validator_value}", (
            f"write 'version: {error.validator_value}', or leave it out"
        )
    description = error.schema.get("description", "")
    return f"{_shown(value)} is not what belongs here", description or _short(error.message)


def _short(text: str, most: int = 200) -> str:
    return text if len(text) <= most else f"{text[: most - 20]}... ({len(text):,} characters)"


def _types_finding(path: list[str | int], value: Any, lines: Lines) -> Finding:
    from bia_hooks.filelist.vocabulary import ANNOTATION_TYPES, correction

    every = ", ".join(ANNOTATION_TYPES)
    if not isinstance(value, str):
        return _finding(
            "BIA512",
            lines,
            path,
            f"{_shown(value)} is not an annotation type",
            f"write one or more of: {every}",
        )
    wrong, fixed = correction(value)
    said = first_few(wrong, _shown)
    fix = f"write one or more of: {every}"
    if fixed and path[-1] == "types":  # the whole value, one text: say it as a list
        fix = f"write [{', '.join(fixed.split(','))}]"
    elif fixed:  # one item of a list
        fix = f"write {fixed}"
    return _finding(
        "BIA512",
        lines,
        path,
        f"{said}: not in the archive's controlled list of annotation types",
        fix,
    )


# --- the placeholders of the template init writes ---------------------------------------------

PLACEHOLDER = "..."


def _placeholders(value: Any, path: list[str | int]) -> Iterator[list[str | int]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, [*path, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _placeholders(item, [*path, i])
    elif value == PLACEHOLDER:
        yield path


def _placeholders_said(
    study: dict[str, Any], lines: Lines, findings: list[Finding]
) -> list[Finding]:
    """A '...' left from the template is said as such, instead of what else it breaks."""
    left = list(_placeholders(study, []))
    if not left:
        return findings
    said = {key_path(p) for p in left}
    kept = [f for f in findings if f.column not in said]
    message, fix = (
        "'...' is still the placeholder of the template",
        "fill it in, or delete the line",
    )
    return kept + [_finding("BIA503", lines, p, message, fix) for p in left]


# --- what the schema cannot say ------------------------------------------------------------------


def _value_findings(
    study: dict[str, Any], lines: Lines, context: StudyContext
) -> Iterator[Finding]:
    yield from _release_date(study, lines, context.today)
    for i, contact in _entries(study, "contacts"):
        orcid = contact.get("orcid")
        if isinstance(orcid, str) and _ORCID.fullmatch(orcid) and not orcid_checksum_ok(orcid):
            yield _finding(
                "BIA507",
                lines,
                ["contacts", i, "orcid"],
                f"'{orcid}': its last character, the check digit, does not match the others "
                "(a digit typed wrong or swapped)",
                "copy the iD from the person's ORCID record",
            )
    yield from _image_dataset(study, lines, context)
    yield from _file_lists(study, lines, context)
    yield from _tsv_values(study, [], lines)


def _entries(study: Mapping[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = study.get(key)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _release_date(study: Mapping[str, Any], lines: Lines, today: date) -> Iterator[Finding]:
    value = study.get("release_date")
    if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return  # absent or not YYYY-MM-DD: the schema said so
    try:
        day = date.fromisoformat(value)
    except ValueError:
        yield _finding(
            "BIA505",
            lines,
            ["release_date"],
            f"'{value}' is no day of the calendar",
            "write a real date, YYYY-MM-DD",
        )
        return
    latest = _years_later(today, 2)
    if day < today:
        why = f"in the past (today is {today.isoformat()}, GMT): the form takes today or later"
    elif day > latest:
        why = f"more than two years ahead: the form takes {latest.isoformat()} at the latest"
    else:
        return
    yield _finding(
        "BIA506",
        lines,
        ["release_date"],
        f"{value} is {why}",
        "set the day the study should become public (it can be changed after submission)",
    )


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _image_dataset(
    study: Mapping[str, Any], lines: Lines, context: StudyContext
) -> Iterator[Finding]:
    value = study.get("image_dataset")
    links = [v for v in as_list(value) if isinstance(v, str)] if value is not None else []
    if not links or not context.accessions:
        return
    linked = {accession_of(link) for link in links}
    for accession in context.accessions:
        if accession not in linked:
            yield _finding(
                "BIA510",
                lines,
                ["image_dataset"],
                f"study.yaml links the image dataset {', '.join(map(_shown, links))}, but "
                f".bia-hooks.yaml checks the source images against {accession}",
                f"link {accession} (image_dataset: {accession}), or correct image_dataset."
                "accession in .bia-hooks.yaml",
            )


def _file_lists(study: Mapping[str, Any], lines: Lines, context: StudyContext) -> Iterator[Finding]:
    named: dict[str, int] = {}
    for i, section in _entries(study, "annotations"):
        path = section.get("file_list")
        if not isinstance(path, str) or not path:
            continue
        where: list[str | int] = ["annotations", i, "file_list"]
        if path in named:
            yield _finding(
                "BIA513",
                lines,
                where,
                f"{_shown(path)} is already the file list of annotations[{named[path]}]: the "
                "archive would describe its files twice",
                "give each section its own file list",
            )
        elif path not in context.filelists:
            close = difflib.get_close_matches(path, context.filelists, n=1)
            listed = ", ".join(context.filelists) or "none yet"
            hint = f"did you mean '{close[0]}'? " if close else ""
            yield _finding(
                "BIA513",
                lines,
                where,
                f"{_shown(path)} is not a file list of the dataset: the archive would not find it",
                f"{hint}the dataset's file lists: {listed}",
            )
        named.setdefault(path, i)
    if not isinstance(study.get("annotations"), list):
        return
    for filelist in context.filelists:
        if filelist not in named:
            yield _finding(
                "BIA514",
                lines,
                ["annotations"],
                f"no annotation section names the file list {filelist}: the submission would "
                "not describe its files",
                f"add a section with 'file_list: {filelist}'",
            )


def _tsv_values(value: Any, path: list[str | int], lines: Lines) -> Iterator[Finding]:
    """Text the archive's TSV page-tab reader would change (the JSON one carries anything)."""
    from bia_hooks.pagetab import tsv_cell

    if isinstance(value, dict):
        for key, item in value.items():
            yield from _tsv_values(item, [*path, key], lines)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _tsv_values(item, [*path, i], lines)
    elif isinstance(value, str) and tsv_cell(value) is None:
        yield _finding(
            "BIA505",
            lines,
            path,
            "the archive's TSV page-tab reader would change this text: it holds a tab, a '\"' in "
            "a text of several lines, or a '\"' it cannot pair",
            "replace the tab with spaces, or the '\"' with another quote mark (“ ” or ')",
        )


_DESIRABLE_FIX = "the archive's form asks for them; fill in what you know"


def _desirable_findings(study: Mapping[str, Any], lines: Lines) -> Iterator[Finding]:
    """One note per object whose desirable fields are empty: the form asks for them."""
    empty = [f.key for f in STUDY_FIELDS if f.display == DESIRABLE and not study.get(f.key)]
    empty += [k for k, t in TABLES.items() if t.display == DESIRABLE and not study.get(k)]
    if empty:
        yield _finding("BIA515", lines, [], f"not filled in: {', '.join(empty)}", _DESIRABLE_FIX)
    for key, table in TABLES.items():
        for i, entry in _entries(study, key):
            gaps = [f.key for f in table.fields if f.display == DESIRABLE and not entry.get(f.key)]
            if gaps and len(gaps) < len(table.fields):
                yield _finding(
                    "BIA515", lines, [key, i], f"not filled in: {', '.join(gaps)}", _DESIRABLE_FIX
                )
