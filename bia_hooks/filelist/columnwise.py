"""A JSON schema of one row, evaluated over whole columns at once.

A file list row is an object whose values are all strings (or absent, in a short row). Over such
rows the common keywords reduce to tests of one cell: ``type``, ``enum``, ``const``, ``pattern``,
``minLength``, ``maxLength`` per column, ``required`` per column presence. They run here as plain
Python over a column (a compiled regex, tested once per distinct value when values repeat), which
measured faster than pandas string methods. Every other keyword is left to ``jsonschema``: per
distinct cell value for what sits under ``properties``, per row for the rest. The verdicts equal
``jsonschema`` applied row by row (tests/test_columnwise.py proves it over generated schemas).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from bia_hooks import pathrule

Column = Sequence["str | None"]  # None: the row is too short to hold this column

# Keywords that never fail on a string (they apply to other types) or only annotate.
_ANNOTATIONS = """title description $comment default examples deprecated readOnly writeOnly format
    contentEncoding contentMediaType contentSchema"""
_NUMBER = "minimum maximum exclusiveMinimum exclusiveMaximum multipleOf"
_ARRAY = """items prefixItems contains minContains maxContains minItems maxItems uniqueItems
    unevaluatedItems"""
_OBJECT = """properties patternProperties additionalProperties unevaluatedProperties required
    dependentRequired dependentSchemas propertyNames minProperties maxProperties"""
_STRING = "minLength maxLength pattern"
_STRING_NOOPS = frozenset(f"{_ANNOTATIONS} {_NUMBER} {_ARRAY} {_OBJECT}".split())
_STRING_TESTS = frozenset(["type", "enum", "const", "pattern", "minLength", "maxLength"])
# Keywords that never fail on an object, or that only annotate or identify.
_OBJECT_NOOPS = frozenset(
    f"{_ANNOTATIONS} $schema $id $defs $vocabulary {_NUMBER} {_ARRAY} {_STRING}".split()
)
# Keywords whose presence makes a subschema depend on its place in the document.
_PLACE = frozenset(["$id", "$anchor", "$dynamicAnchor", "$ref", "$dynamicRef", "$defs"])
_KEEP_AT_ROOT = ("$schema", "$id", "$defs")
_VECTORISED_DRAFTS = (
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
)


# A test over a whole column without short rows: the rows that fail, or None when it cannot
# tell at C speed (the cells are then tested one by one).
_ColumnTest = Callable[[Sequence[str]], "list[int] | None"]


class Violation(NamedTuple):  # a tuple: a million of them are made fast
    """One failed keyword. ``row`` None: every row fails (say, a required column is missing)."""

    row: int | None
    column: str | None
    keyword: str
    schema: Any  # the subschema holding the keyword (for its description)
    value: str | None = None
    message: str | None = None  # jsonschema's message, for keywords evaluated by jsonschema


@dataclass
class _Test:
    keyword: str
    ok: Callable[[str], bool]  # one cell passes
    failing: Callable[[Column], list[int]]  # the rows of a column that fail
    # The same over a column without short rows, at C speed; None: ask ``failing``.
    whole: _ColumnTest | None = None


@dataclass
class _ColumnPlan:
    column: str
    schema: Any
    tests: list[_Test] = field(default_factory=list)
    residual: dict[str, Any] | None = None  # keywords left to jsonschema, on {column: value}


@dataclass
class Plan:
    """A schema compiled for columns; build it once per schema (it holds the validators)."""

    schema: Any
    always_fails: str | None = None  # keyword that fails every row (false schema, type)
    required: list[str] = field(default_factory=list)
    columns: list[_ColumnPlan] = field(default_factory=list)
    row_residual: dict[str, Any] | None = None  # keywords left to jsonschema, per row
    _validators: dict[int, Any] = field(default_factory=dict)

    def validator(self, schema: dict[str, Any]) -> Any:
        key = id(schema)
        if key not in self._validators:
            from jsonschema.validators import validator_for

            root = self.schema if isinstance(self.schema, dict) else {}
            cls = validator_for(root, default=_draft202012())
            self._validators[key] = cls(schema)  # no format checker: format only annotates
        return self._validators[key]


def _draft202012() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _string_test(keyword: str, value: Any) -> _Test:
    """A test of one cell, and the same test over a column as one comprehension (the fast path)."""
    # fmt: off
    if keyword == "type":
        accepts = "string" in _types(value)
        return _Test(keyword, lambda s: accepts, lambda c: [] if accepts else _present(c))
    if keyword == "false":
        return _Test(keyword, lambda s: False, _present)
    if keyword == "enum":
        allowed = frozenset(v for v in value if isinstance(v, str))
        return _Test(keyword, allowed.__contains__,
                     lambda c: [i for i, v in enumerate(c) if v is not None and v not in allowed])
    if keyword == "const":
        const = value if isinstance(value, str) else None
        return _Test(keyword, lambda s: s == const,
                     lambda c: [i for i, v in enumerate(c) if v is not None and v != const])
    if keyword == "pattern":
        search = re.compile(value).search
        return _Test(keyword, lambda s: search(s) is not None,
                     lambda c: [i for i, v in enumerate(c) if v is not None and search(v) is None],
                     _COLUMN_PATTERNS.get(value))
    if keyword == "minLength":
        return _Test(keyword, lambda s: len(s) >= value,
                     lambda c: [i for i, v in enumerate(c) if v is not None and len(v) < value],
                     _at_least(value))
    if keyword == "maxLength":
        return _Test(keyword, lambda s: len(s) <= value,
                     lambda c: [i for i, v in enumerate(c) if v is not None and len(v) > value],
                     lambda c: [] if max(map(len, c), default=value) <= value else None)
    # fmt: on
    raise AssertionError(keyword)


def _at_least(length: Any) -> _ColumnTest:
    """minLength over a column without short rows. ``minLength: 1`` (a cell is needed) asks only
    whether an empty cell is there: one C-speed scan, not a len() per cell (0.07 s per million)."""
    if isinstance(length, int) and length <= 1:
        return lambda c: [] if length <= 0 or "" not in c else None
    return lambda c: [] if min(map(len, c), default=length) >= length else None


# A column of a million distinct cells (paths) takes a second through a regex, cell by cell.
# These tests give the same rows as the built-in schemas' patterns over a whole column at once,
# mostly at C speed (tests/test_tsv_fast.py holds each to its regex); None: look cell by cell.


def _blank_cells(column: Sequence[str]) -> list[int] | None:
    """The cells ``\\S`` finds nothing in: empty, or whitespace only."""
    return None if "" in column or any(map(str.isspace, column)) else []


def _refused_paths(column: Sequence[str]) -> list[int] | None:
    return None if pathrule.may_refuse(column) else []


_COLUMN_PATTERNS: dict[str, _ColumnTest] = {
    "\\S": _blank_cells,
    "^" + pathrule.SERVER_RULE.pattern + "(?![\\s\\S])": _refused_paths,
}


def _present(column: Column) -> list[int]:
    return [i for i, v in enumerate(column) if v is not None]


def schema_refs(node: Any) -> Iterator[str]:
    """Every $ref and $dynamicRef in a schema."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("$ref", "$dynamicRef") and isinstance(v, str):
                yield v
            else:
                yield from schema_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from schema_refs(v)


def _splittable(schema: dict[str, Any]) -> bool:
    """Whether keywords can be taken apart without changing what the schema means."""
    if schema.get("$schema", _VECTORISED_DRAFTS[0]) not in _VECTORISED_DRAFTS:
        return False  # older drafts: $ref overrides its siblings
    if "unevaluatedProperties" in schema or "$dynamicAnchor" in schema:
        return False  # depends on every other keyword's results
    # A reference into anything but $defs could point at a part we take away.
    return all(r.startswith("#/$defs/") for r in schema_refs(schema))


def compile_schema(schema: Any) -> Plan:
    plan = Plan(schema=schema)
    if schema is True or schema == {}:
        return plan
    if schema is False:
        plan.always_fails = "false"
        return plan
    if not _splittable(schema):
        plan.row_residual = schema
        return plan
    root = {k: schema[k] for k in _KEEP_AT_ROOT if k in schema}
    residual: dict[str, Any] = {}
    for keyword, value in schema.items():
        if keyword == "type":
            if "object" not in _types(value):
                plan.always_fails = "type"
        elif keyword == "required":
            plan.required = list(dict.fromkeys(value))
        elif keyword == "properties":
            plan.columns.extend(_compile_column(column, sub) for column, sub in value.items())
        elif keyword not in _OBJECT_NOOPS:
            residual[keyword] = value
    if residual:
        if "additionalProperties" in residual:  # it needs to know every property's name
            names = {c: True for c in schema.get("properties", {})}
            residual["properties"] = names | residual.get("properties", {})
        plan.row_residual = root | residual
    for column_plan in plan.columns:
        if column_plan.residual is not None:
            column_plan.residual = root | {"properties": {column_plan.column: column_plan.residual}}
    return plan


def _compile_column(column: str, sub: Any) -> _ColumnPlan:
    """Tests for one column; what cannot be tested here is left to jsonschema (``residual``)."""
    plan = _ColumnPlan(column, sub)
    if sub is True:
        return plan
    if sub is False:
        plan.tests.append(_string_test("false", None))
        return plan
    if any(k in _PLACE for k in sub):
        plan.residual = sub
        return plan
    left = {}
    for keyword, value in sub.items():
        if keyword == "type" and "string" in _types(value):
            continue  # every cell is a string
        if keyword in _STRING_TESTS:
            plan.tests.append(_string_test(keyword, value))
        elif keyword not in _STRING_NOOPS:
            left[keyword] = value
    if left:
        plan.residual = left
    return plan


def evaluate(
    plan: Plan, columns: Mapping[str, Column], n_rows: int, full_width: bool = False
) -> list[Violation]:
    """Every failed keyword of ``plan`` over a table given as columns of equal length ``n_rows``.
    ``full_width``: no cell is None (``Table.full_width``), so no column is scanned for one."""
    out: list[Violation] = []
    if plan.always_fails:
        out.append(Violation(None, None, plan.always_fails, plan.schema))
    # once per column
    short = {name: not full_width and None in column for name, column in columns.items()}
    for name in plan.required:
        column = columns.get(name)
        if column is None:
            out.append(Violation(None, name, "required", plan.schema))
        elif short[name]:
            out.extend(Violation(i, name, "required", plan.schema) for i in _absent(column))
    for column_plan in plan.columns:
        column = columns.get(column_plan.column)
        if column is not None:
            out.extend(_evaluate_column(plan, column_plan, column, short[column_plan.column]))
    if plan.row_residual is not None:
        out.extend(_evaluate_rows(plan, plan.row_residual, columns, n_rows))
    return out


def _absent(column: Column) -> list[int]:
    return [i for i, v in enumerate(column) if v is None]


def _distinct_is_worth_it(column: Column) -> bool:
    """Test each distinct value once when values repeat (a type column), else each cell."""
    sample = column[:2000]
    return len(set(sample)) * 4 < len(sample)


def _failing(test: _Test, column: Column, short: bool) -> list[int]:
    found = None if short or test.whole is None else test.whole(cast("Sequence[str]", column))
    return test.failing(column) if found is None else found


def _evaluate_column(plan: Plan, column_plan: _ColumnPlan, column: Column,
                     short: bool = True) -> Iterator[Violation]:  # fmt: skip
    name, sub = column_plan.column, column_plan.schema
    if _distinct_is_worth_it(column):
        values = [v for v in set(column) if v is not None]
        failed = {test.keyword: {v for v in values if not test.ok(v)} for test in column_plan.tests}
        for keyword, bad in failed.items():
            if bad:
                yield from (
                    Violation(i, name, keyword, sub, v) for i, v in enumerate(column) if v in bad
                )
    else:
        for test in column_plan.tests:
            yield from (
                Violation(i, name, test.keyword, sub, column[i])
                for i in _failing(test, column, short)
            )
    if column_plan.residual is not None:
        validator = plan.validator(column_plan.residual)
        messages: dict[str, list[tuple[str, str]]] = {}
        for v in set(column):
            if v is not None:
                errors = [(e.validator, e.message) for e in validator.iter_errors({name: v})]
                if errors:
                    messages[v] = errors
        if messages:
            for i, v in enumerate(column):
                for keyword, message in messages.get(v, ()) if v is not None else ():
                    yield Violation(i, name, keyword, sub, v, message)


def _evaluate_rows(plan: Plan, schema: dict[str, Any], columns: Mapping[str, Column],
                   n_rows: int) -> Iterator[Violation]:  # fmt: skip
    validator = plan.validator(schema)
    names = list(columns)
    cells = [columns[n] for n in names]
    for i in range(n_rows):
        row = {n: c[i] for n, c in zip(names, cells, strict=True) if c[i] is not None}
        for e in validator.iter_errors(row):
            column = e.absolute_path[0] if e.absolute_path else None
            value = row.get(column) if isinstance(column, str) else None
            where = e.schema if isinstance(e.schema, dict) else schema
            yield Violation(i, column if isinstance(column, str) else None, str(e.validator), where,
                            value, e.message)  # fmt: skip


def invalid_rows(violations: Sequence[Violation], n_rows: int) -> set[int]:
    """The rows that fail: what ``jsonschema`` would say row by row."""
    if any(v.row is None for v in violations) and n_rows:
        return set(range(n_rows))
    return {v.row for v in violations if v.row is not None}
