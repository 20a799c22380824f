"""The content of a file list: its columns and values against the row schema, and the rules across
rows (duplicated paths, circular references, an empty list). Pure: a Table in, findings out.

Sources: domain.md §2 (what the server refuses: the path rule, an empty list, a folder listed with
a file inside it) and §3 (what the ingest and curators need: the annotation columns).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import Any, cast

from bia_hooks import advice, pathrule
from bia_hooks.filelist import vocabulary
from bia_hooks.filelist.columns import (
    ANNOTATION_TYPE,
    FILES,
    SOURCE_IMAGE,
    Columns,
    near_miss,
    resolve,
    spelling_message,
)
from bia_hooks.filelist.columnwise import Column, Plan, Violation, evaluate
from bia_hooks.filelist.rowschemas import builtin_plan, extra_plan
from bia_hooks.filelist.table import Table, column_letters
from bia_hooks.findings import Finding, Kind, Level
from bia_hooks.pathsets import entries_below
from bia_hooks.wording import first_few

__all__ = ["EXTRA_SCHEMA_CODE", "general_levels", "validate_table"]

EXTRA_SCHEMA_CODE = "BIA309"

_WHAT = {
    FILES: "the path of the file, from the root of the upload",
    ANNOTATION_TYPE: "one or more of the archive's annotation types, comma-separated: "
    + ", ".join(vocabulary.ANNOTATION_TYPES),
    SOURCE_IMAGE: "the image each annotation belongs to: its path, S-BIAD123/path, or its "
    "https://www.ebi.ac.uk/biostudies/files/... address",
}


def validate_table(table: Table, schema_name: str = "annotations",
                   extra_schema: Any = None, no_spaces: bool = True) -> list[Finding]:  # fmt: skip
    """Every content problem of ``table`` under the built-in schema ``schema_name``
    (``annotations`` or ``general``) and the dataset's ``extra_schema`` (a schema of one row).
    ``no_spaces``: a new name suggested replaces spaces (``NameSettings.no_spaces``), as
    fix-names and the names check do."""
    annotations = schema_name == "annotations"
    plan = builtin_plan(schema_name)
    extra = extra_plan(extra_schema) if extra_schema is not None else None
    columns = resolve(table.header)
    cells = _columns(table, columns)
    n = table.n_rows
    at = _Locator(table, columns)

    findings = list(_column_findings(table, columns, at, annotations))
    full = table.full_width
    findings += _builtin_findings(evaluate(plan, cells, n, full), table, at, no_spaces)
    if extra is not None:
        findings += _extra_findings(_evaluate_extra(extra, cells, n, full), table, at)
    paths = cells.get(FILES, [])
    if table.lookups:  # what the rows name for the archive ('masks.zip', a directory: 'masks')
        paths = list(paths)
        for i, target in table.lookups.items():
            paths[i] = target
    ordered = _strictly_sorted(paths)
    findings += _duplicate_paths(paths, table, at, ordered)
    findings += _circular_references(paths, table, at, ordered)
    return findings if annotations else general_levels(findings)


def general_levels(findings: Sequence[Finding]) -> list[Finding]:
    """Under the general schema the archive's own verdict counts: what only its ingest or curators
    need becomes a warning. The dataset's extra schema keeps its errors: the user asked for them."""
    return [
        f.with_level(Level.WARNING)
        if f.kind is Kind.INGEST and f.code != EXTRA_SCHEMA_CODE and f.level is Level.ERROR
        else f
        for f in findings
    ]


def _evaluate_extra(plan: Plan, cells: dict[str, Column], n: int, full: bool) -> list[Violation]:
    from referencing.exceptions import Unresolvable

    from bia_hooks.errors import UsageError

    try:
        return evaluate(plan, cells, n, full)
    except Unresolvable as e:
        raise UsageError(f"extra schema: cannot resolve a $ref: {e}") from None


def _columns(table: Table, columns: Columns) -> dict[str, Column]:
    """Standard column name -> its cells (first occurrence), None where a row is too short."""
    return {name: table.cells(i) for name, i in columns.first.items()}


class _Locator:
    """Where a row or header cell is: TSV line, XLSX row and cell, JSON pointer."""

    def __init__(self, table: Table, columns: Columns) -> None:
        self.table = table
        self.columns = columns

    def header(self, index: int | None) -> dict[str, Any]:
        if self.table.format == "json":
            return {}
        where: dict[str, Any] = {"line": 1}
        if self.table.format == "xlsx" and index is not None:
            where["cell"] = f"{column_letters(index)}1"
        return where

    def cell(self, row: int, column: str | None) -> dict[str, Any]:
        refs = self.table.refs
        ref = refs[row] if row < len(refs) else None
        index = self.columns.first.get(column) if column is not None else None
        if self.table.format == "json":
            if ref is None:
                return {}
            tail = "" if index is None else "/path" if index == 0 else "/attributes"
            return {"pointer": f"/{ref}{tail}"}
        where: dict[str, Any] = {"line": ref}
        if self.table.format == "xlsx" and index is not None and ref is not None:
            where["cell"] = f"{column_letters(index)}{ref}"
        return where


def _column_findings(table: Table, columns: Columns, at: _Locator,
                     annotations: bool) -> Iterator[Finding]:  # fmt: skip
    for issue in columns.issues:
        if issue.kind == "spelling" and annotations:
            yield Finding(
                "BIA305", table.path, spelling_message(issue.name),
                column=issue.name, fix=f"rename the column to '{issue.standard}'",
                **at.header(issue.index),
            )  # fmt: skip
        elif issue.kind == "duplicate" and issue.first is not None and annotations:
            first = table.header[issue.first]
            if first == issue.name:
                continue  # the same name twice is a format finding (BIA210, the reader's)
            yield Finding(
                "BIA306", table.path,
                f"the columns '{first}' and '{issue.name}' are both read as '{issue.standard}'; "
                "the archive's ingest fails on a duplicated column (the first one is checked here)",
                column=issue.name, fix=f"merge the two columns into one '{issue.standard}' column",
                **at.header(issue.index),
            )  # fmt: skip


def _group(violations: Sequence[Violation]) -> dict[tuple[int | None, str | None], list[Violation]]:
    """One finding per cell, however many keywords it breaks."""
    groups: dict[tuple[int | None, str | None], list[Violation]] = defaultdict(list)
    for v in violations:
        groups[(v.row, v.column)].append(v)
    return groups


def _builtin_findings(violations: Sequence[Violation], table: Table,
                      at: _Locator, no_spaces: bool) -> Iterator[Finding]:  # fmt: skip
    taken: set[str] | None = None
    for (row, column), group in _group(violations).items():
        v = group[0]
        if row is None:
            yield _missing_column(column, table, at)
        elif v.keyword == "required":
            name = column or ""
            yield Finding(
                "BIA303", table.path, _no_cell(table, name),
                column=column, fix=f"fill in {_WHAT.get(name, 'a value')}", **at.cell(row, column),
            )  # fmt: skip
        elif column == FILES:
            if taken is None:
                taken = set(table.paths)
            yield _bad_path(v.value or "", row, table, at, taken, no_spaces)
        elif column == ANNOTATION_TYPE:
            yield _bad_annotation_type(v.value or "", row, table, at)
        elif column == SOURCE_IMAGE:
            blank = "empty" if not v.value else "only spaces"
            yield Finding(
                "BIA303", table.path, f"the source image is {blank}", column=column, value=v.value,
                fix=f"fill in {_WHAT[SOURCE_IMAGE]}", **at.cell(row, column),
            )  # fmt: skip
        else:  # not reached with the shipped schemas; kept so that a new keyword is never silent
            yield _generic(group, EXTRA_SCHEMA_CODE, table, at)


def _no_cell(table: Table, column: str) -> str:
    """A row without a cell for ``column``, as its format shows it: the archive reads no value."""
    if table.format == "xlsx":  # the archive drops a row's trailing empty cells
        return f"the cell of '{column}' is empty"
    if table.format == "json":
        return f"this entry has no attribute '{column}'"
    return f"this row ends before the column '{column}'"


def _missing_column(column: str | None, table: Table, at: _Locator) -> Finding:
    name = column or ""
    meant = near_miss(table.header, name)
    if meant is not None:
        return Finding(
            "BIA302", table.path,
            f"the mandatory column '{name}' is missing: neither of the archive's ingests reads "
            f"the column '{meant}' as it",
            column=name, fix=f"rename the column '{meant}' to '{name}'",
            **at.header(table.header.index(meant)),
        )  # fmt: skip
    if name == FILES:
        message, fix = "the first column must be 'Files'", "name the first column 'Files'"
    else:
        message = f"the mandatory column '{name}' is missing"
        fix = f"add a column '{name}' holding {_WHAT.get(name, 'a value in each row')}"
    return Finding("BIA302", table.path, message, column=name, fix=fix, **at.header(None))


def _bad_path(path: str, row: int, table: Table, at: _Locator, taken: set[str],
              no_spaces: bool) -> Finding:  # fmt: skip
    bad = pathrule.bad_characters(path)
    problems = [first_few(bad, lambda b: f"it holds {b.describe()}", sep="; ")] if bad else []
    problems += pathrule.form_problems(path)
    return Finding(
        "BIA301", table.path,
        f"the archive refuses this path ({pathrule.SERVER_MESSAGE.format(path=path)}): "
        + "; ".join(problems),
        column=FILES, value=path, fix=_path_fix(path, taken, no_spaces), **at.cell(row, FILES),
    )  # fmt: skip


def _path_fix(path: str, taken: set[str], no_spaces: bool) -> str | None:
    """Rename the file to a name the archive accepts; for a path in quotes, first remove them:
    they are no part of the file's name (renaming it to ''m/a.tif'' would be no fix)."""
    inner = pathrule.without_quotes(path)
    before = ""
    if inner is not None:
        before = (
            f"remove the quotes around the path in the file list: write '{inner}' (they are not "
            "part of the file's name: the archive keeps them, and the path then names no file)"
        )
        if pathrule.passes_server_rule(inner):
            return before
        before += "; the name itself is refused too: "
        path = inner
    suggestion = pathrule.suggest_path(
        path, lambda p: p != path and p in taken, no_spaces=no_spaces
    )
    if suggestion == path:
        return before or None
    return advice.runs(
        "fix-names",
        quote="",
        before=f"{before}rename the file to '{suggestion}' (",
        after=") and list it under that name",
    )


def _bad_annotation_type(value: str, row: int, table: Table, at: _Locator) -> Finding:
    code, message, fix = _annotation_type_problem(value)
    where = at.cell(row, ANNOTATION_TYPE)
    return Finding(code, table.path, message, column=ANNOTATION_TYPE, value=value, fix=fix, **where)


@functools.lru_cache(maxsize=4096)  # a million rows hold a few distinct values
def _annotation_type_problem(value: str) -> tuple[str, str, str]:
    if not value.strip():
        return "BIA303", "the annotation type is empty", f"fill in {_WHAT[ANNOTATION_TYPE]}"
    wrong, fixed = vocabulary.correction(value)
    fix = f"write '{fixed}'" if fixed is not None else "use " + _WHAT[ANNOTATION_TYPE]
    named = [w for w in wrong if w]
    message = ""
    if named:
        verb = "is" if len(named) == 1 else "are"
        shown = first_few(named, lambda w: f"'{w}'")
        message = f"{shown} {verb} not in the archive's list of annotation types"
    if len(named) < len(wrong):  # 'tracks,' or 'tracks,,masks': the archive reads an empty type
        message += ("; " if message else "") + "a stray comma leaves an empty annotation type"
    return "BIA304", message, fix


def _extra_findings(violations: Sequence[Violation], table: Table,
                    at: _Locator) -> Iterator[Finding]:  # fmt: skip
    for group in _group(violations).values():
        yield _generic(group, EXTRA_SCHEMA_CODE, table, at)


def _generic(group: Sequence[Violation], code: str, table: Table, at: _Locator) -> Finding:
    v = group[0]
    expected = "; ".join(dict.fromkeys(_expected(x) for x in group))
    if v.row is None:
        if v.keyword == "required" and v.column is not None:
            return Finding(
                code, table.path, f"the extra schema requires a column '{v.column}'",
                column=v.column, fix=f"add a column '{v.column}'", **at.header(None),
            )  # fmt: skip
        message = f"the extra schema refuses every row: {expected}"
        return Finding(code, table.path, message, **at.header(None))
    if v.keyword == "required" and v.column is not None:
        message = f"{_no_cell(table, v.column)}, which the extra schema requires"
    elif v.column is not None and v.value is not None:
        message = f"'{v.value}' in column '{v.column}': {expected}"
    else:
        message = f"this row breaks the extra schema: {expected}"
    where = at.cell(v.row, v.column)
    return Finding(code, table.path, message, column=v.column, value=v.value, **where)


def _expected(v: Violation) -> str:
    schema = v.schema if isinstance(v.schema, dict) else {}
    keyword = v.keyword
    if v.message is not None:  # evaluated by jsonschema
        text = v.message
    elif keyword == "pattern":
        text = f"expected to match the pattern {schema['pattern']}"
    elif keyword == "enum":
        text = "expected one of: " + first_few(schema["enum"], lambda e: f"'{e}'")
    elif keyword == "const":
        text = f"expected exactly '{schema['const']}'"
    elif keyword == "minLength":
        n = schema["minLength"]
        text = "expected a value" if n == 1 else f"expected at least {n} characters"
    elif keyword == "maxLength":
        text = f"expected at most {schema['maxLength']} characters"
    elif keyword == "type":
        text = f"expected type {schema.get('type')}, but every cell of a file list is text"
    elif keyword == "false":
        text = "this column is not allowed"
    else:
        text = f"breaks '{keyword}'"
    description = schema.get("description")
    return f"{text} ({description})" if isinstance(description, str) and v.message is None else text


def _strictly_sorted(paths: Column) -> bool:
    """Each path once and in order, as the sync writes a list: shown at C speed, and what lets
    folders be found by bisection. Never with a short row (None)."""
    named = cast("Sequence[str]", paths)  # a None among them raises TypeError
    try:
        ordered = all(map(operator.lt, named, itertools.islice(named, 1, None)))
    except TypeError:  # None beside a path
        return False
    return ordered and None not in paths[:1]


def _duplicate_paths(
    paths: Column, table: Table, at: _Locator, ordered: bool = False
) -> Iterator[Finding]:
    if ordered or len(set(paths)) == len(paths):
        return
    first: dict[str, int] = {}
    for i, p in enumerate(paths):
        if not p:
            continue  # an empty path is refused on its own (BIA301)
        if p not in first:
            first[p] = i
            continue
        origin = at.cell(first[p], FILES)
        where = f" (first on line {origin['line']})" if origin.get("line") is not None else ""
        yield Finding(
            "BIA307", table.path,
            f"'{p}' is listed again{where}; the archive's ingest merges rows of the same path",
            column=FILES, value=p, fix="keep one row per file: merge the two rows' values into one",
            **at.cell(i, FILES),
        )  # fmt: skip


def _circular_references(
    paths: Column, table: Table, at: _Locator, ordered: bool = False
) -> Iterator[Finding]:
    """A listed folder with a listed path inside it; 'data' is not a parent of 'data2/x'.
    ``ordered``: ``paths`` are strictly sorted (``_strictly_sorted``)."""
    found = _sorted_folders(cast("Sequence[str]", paths)) if ordered else _listed_folders(paths)
    for i, entry, children in found:
        more = f" and {len(children) - 1:,} more" if len(children) > 1 else ""
        yield Finding(
            "BIA308", table.path,
            f"the folder '{entry}' is listed together with '{children[0]}'{more} inside it; "
            "the archive refuses a folder listed with anything inside it (circular reference)",
            column=FILES, value=entry,
            fix=f"list either the folder '{entry}' or the files inside it, not both",
            **at.cell(i, FILES),
        )  # fmt: skip


# (row, a listed folder, the listed paths inside it, sorted), in row order.
_Folders = Iterator[tuple[int, str, list[str]]]


def _listed_folders(paths: Column) -> _Folders:
    """The listed paths that are folders of other listed paths, path by path: the source of
    truth (tests/test_validate_fast.py holds ``_sorted_folders`` to it)."""
    # Each path's folder, at C speed: a million paths hold a few thousand folders.
    split = map(str.rpartition, filter(None, paths), repeat("/"))
    folders = set(map(operator.itemgetter(0), split))
    parents = _with_ancestors(folders).intersection(paths)  # a few thousand looked up
    if not parents:
        return
    listed = set(paths)
    inside: dict[str, list[str]] = defaultdict(list)
    for p in listed:
        if not p:
            continue
        cut = p.rfind("/")
        while cut > 0:
            if p[:cut] in parents:
                inside[p[:cut]].append(p)
            cut = p.rfind("/", 0, cut)
    reported: set[str] = set()
    for i, entry in enumerate(paths):
        if entry is not None and entry in parents and entry not in reported:
            reported.add(entry)
            yield i, entry, sorted(inside[entry])


def _with_ancestors(folders: set[str]) -> set[str]:
    """Every folder holding a listed path: ``folders`` and the folders above them, but ''."""
    folders.discard("")
    above: set[str] = set()
    for folder in folders:
        while folder and folder not in above:
            above.add(folder)
            cut = folder.rfind("/")
            folder = folder[:cut] if cut > 0 else ""
    return above


def _sorted_folders(paths: Sequence[str], run: int = 64) -> _Folders:
    """``_listed_folders`` of strictly sorted paths. The paths of one folder are neighbours: a
    run of them with no '/' but the folder's is one folder, told by a count over their joined
    text; a run of top-level names, by a search. Only a run holding subfolders is split path by
    path (bench: `bia-hooks check` at 1M, 0.25 s -> 0.07 s). Each folder that is a listed path
    is then found by bisection, and so are the paths inside it. ``run``: how many top-level
    names are looked at at once."""
    folders: set[str] = set()
    i, n = 0, len(paths)
    while i < n:
        cut = paths[i].rfind("/")
        if cut < 0:  # top-level names (or ''): no folder; several at once while no '/' is seen
            end = min(i + run, n)
            i = end if "/" not in "".join(paths[i:end]) else i + 1
            continue
        # The paths starting as this one's folder does ('a/' <= path < 'a0', '0' after '/').
        end = bisect.bisect_left(paths, paths[i][:cut] + "0", i)
        block = paths[i:end]
        if "".join(block).count("/") == len(block) * paths[i].count("/", 0, cut + 1):
            folders.add(paths[i][:cut])  # no path below a subfolder: one folder holds them all
        else:
            folders.update(map(operator.itemgetter(0), map(str.rpartition, block, repeat("/"))))
        i = end
    found = []
    for folder in _with_ancestors(folders):
        at = bisect.bisect_left(paths, folder)
        if at < n and paths[at] == folder:
            found.append((at, folder, list(entries_below(paths, folder))))
    yield from sorted(found)


# Where a source image may be written as the archive's file address (domain.md §3).
ARCHIVE_FILES = "https://www.ebi.ac.uk/biostudies/files/"
_ACCESSION = re.compile(r"(S-[A-Z]+[0-9]+)/(.*)", re.DOTALL)


def image_reference(cell: str) -> tuple[str | None, str]:
    """(study accession or None, path) of one source image: ``path``, ``S-BIAD123/path`` or
    ``https://www.ebi.ac.uk/biostudies/files/S-BIAD123/path``."""
    ref = cell.strip()
    if ref.startswith(ARCHIVE_FILES):
        ref = ref[len(ARCHIVE_FILES) :]
    match = _ACCESSION.fullmatch(ref)
    return (match.group(1), match.group(2)) if match else (None, ref)


def source_image_findings(
    table: Table, images: set[str], image_list: str, accession: str | None = None
) -> list[Finding]:
    """Source images that are not in the image dataset's file list ``images`` (its paths).

    Each distinct cell is looked at once: a million rows often name a few thousand images.
    """
    columns = resolve(table.header)
    index = columns.first.get(SOURCE_IMAGE)
    if index is None:
        return []  # the missing column is reported on its own
    at = _Locator(table, columns)
    folded = {p.casefold(): p for p in images}
    verdicts: dict[str, tuple[str, str | None] | None] = {}  # cell -> (problem, fix) or None
    findings = []
    for row_number, cell in enumerate(table.cells(index)):
        cell = cell or ""
        if cell not in verdicts:
            verdicts[cell] = _source_problem(cell, images, folded, image_list, accession)
        problem = verdicts[cell]
        if problem is not None:
            findings.append(
                Finding(
                    "BIA310",
                    table.path,
                    problem[0],
                    column=SOURCE_IMAGE,
                    value=cell,
                    fix=problem[1],
                    **at.cell(row_number, SOURCE_IMAGE),
                )
            )
    return findings


def _source_problem(
    cell: str, images: set[str], folded: dict[str, str], image_list: str, accession: str | None
) -> tuple[str, str | None] | None:
    for part in (p for p in cell.split(",") if p.strip()):
        study, path = image_reference(part)
        if accession is not None and study is not None and study != accession:
            return (
                f"'{part.strip()}' names the study {study}, but the image dataset is {accession}",
                f"write it as '{accession}/{path}', or fix image_dataset.accession",
            )
        if path not in images:
            twin = folded.get(path.casefold())
            return (
                f"'{path}' is not in the image dataset's file list {image_list}",
                f"write '{twin}' (paths are case-sensitive)"
                if twin
                else "check the path against the image dataset's file list",
            )
    return None
