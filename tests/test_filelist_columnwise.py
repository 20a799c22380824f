"""Column-wise schema evaluation gives jsonschema's row-by-row verdicts (a differential test)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bia_hooks.filelist.columnwise import Column, compile_schema, evaluate, invalid_rows

NAMES = ["Files", "a", "b", "c d"]
VALUES = ["", " ", "a", "ab", "abc", "A", "x/y", "./a", "a/", "1", "é", "a\n", "other", "P12"]
PATTERNS = [
    "^a",
    "b",
    "^$",
    "\\S",
    "^[a-z]+$",
    "^[A-Z][0-9]+$",
    "a(?![\\s\\S])",
    "^(a|ab)( *, *(a|ab))*$",
]

values = st.sampled_from(VALUES) | st.text(alphabet="ab /\n.", max_size=4)
json_values = values | st.sampled_from([1, None, True, 2.5])


@st.composite
def leaf(draw: st.DrawFn) -> Any:
    """A subschema for one cell, mostly of the keywords evaluated column-wise."""
    if draw(st.integers(0, 12)) == 0:
        return draw(st.booleans())
    out: dict[str, Any] = {}
    pick = draw(st.sets(st.sampled_from(
        ["type", "enum", "const", "pattern", "minLength", "maxLength", "format", "title",
         "minimum", "items", "required", "unknownKeyword"]
    ), min_size=1, max_size=draw(st.sampled_from([1, 1, 2, 3]))))  # fmt: skip
    for keyword in pick:
        if keyword == "type":
            out["type"] = draw(
                st.sampled_from(["string", "integer", ["string", "null"], ["number"], "object"])
            )
        elif keyword == "enum":
            out["enum"] = draw(st.lists(json_values, min_size=1, max_size=4))
        elif keyword == "const":
            out["const"] = draw(json_values)
        elif keyword == "pattern":
            out["pattern"] = draw(st.sampled_from(PATTERNS))
        elif keyword in ("minLength", "maxLength"):
            out[keyword] = draw(st.integers(0, 3))
        elif keyword == "format":
            out["format"] = "email"
        elif keyword == "title":
            out["title"] = "a title"
        elif keyword == "minimum":
            out["minimum"] = 3
        elif keyword == "items":
            out["items"] = False
        elif keyword == "required":
            out["required"] = ["x"]
        else:
            out["x-unknown"] = 1
    return out


@st.composite
def cell_schema(draw: st.DrawFn) -> Any:
    """A leaf, or keywords left to jsonschema (anyOf, not, $ref ...) around leaves."""
    base = draw(leaf())
    kind = draw(st.sampled_from(["leaf"] * 6 + ["anyOf", "not", "oneOf", "if", "ref", "allOf"]))
    if kind == "leaf" or not isinstance(base, dict):
        return base
    if kind == "anyOf":
        return {**base, "anyOf": [draw(leaf()), draw(leaf())]}
    if kind == "oneOf":
        return {**base, "oneOf": [draw(leaf()), draw(leaf())]}
    if kind == "allOf":
        return {**base, "allOf": [draw(leaf())]}
    if kind == "not":
        return {**base, "not": draw(leaf())}
    if kind == "if":
        return {**base, "if": draw(leaf()), "then": draw(leaf()), "else": draw(leaf())}
    return {**base, "$ref": "#/$defs/d"}


@st.composite
def row_schemas(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.booleans())
    schema: dict[str, Any] = {"$defs": {"d": draw(leaf())}}
    names = st.sampled_from([*NAMES, "zz"])
    if draw(st.integers(0, 3)) == 0:
        schema["type"] = draw(st.sampled_from(["object", ["object", "null"], "string"]))
    if draw(st.integers(0, 2)) == 0:
        schema["required"] = draw(st.lists(names, unique=True, max_size=2))
    # Lenient subschemas over most columns, so that a row's verdict turns on one keyword.
    lenient = st.sampled_from([{}, True, {"type": "string"}, {"title": "t"}])
    schema["properties"] = draw(
        st.dictionaries(names, lenient | lenient | cell_schema(), max_size=5)
    )
    # Keywords that interact with properties come up most often: they are where splitting a
    # schema into column tests and jsonschema's share could go wrong.
    extra = draw(st.sets(st.sampled_from(
        ["additionalProperties"] * 3 + ["unevaluatedProperties"] * 3 + ["propertyNames"] * 2
        + ["minProperties", "maxProperties", "anyOf", "not", "dependentRequired",
           "patternProperties", "enum", "pattern", "draft7", "description"]
    ), max_size=draw(st.sampled_from([0, 1, 1, 2]))))  # fmt: skip
    for keyword in extra:
        if keyword == "additionalProperties":
            schema[keyword] = draw(st.booleans() | leaf())
        elif keyword in ("minProperties", "maxProperties"):
            schema[keyword] = draw(st.integers(0, 3))
        elif keyword == "propertyNames":
            schema[keyword] = {"pattern": "^[A-Za-z]+$"}
        elif keyword == "anyOf":
            schema[keyword] = [{"required": [draw(names)]}, {"required": [draw(names)]}]
        elif keyword == "not":
            schema[keyword] = {"required": [draw(names)]}
        elif keyword == "dependentRequired":
            schema[keyword] = {draw(names): [draw(names)]}
        elif keyword == "patternProperties":
            schema[keyword] = {"^[ab]": draw(leaf())}
        elif keyword == "unevaluatedProperties":
            schema[keyword] = draw(st.booleans())
        elif keyword == "enum":
            schema[keyword] = [{"Files": "a"}, {}]
        elif keyword == "pattern":
            schema[keyword] = "^a"  # applies to strings only: never fails on a row
        elif keyword == "draft7":
            schema["$schema"] = "http://json-schema.org/draft-07/schema#"
            schema["definitions"] = schema.pop("$defs")
            schema = _draft7_refs(schema)
        else:
            schema[keyword] = "a row"
    return schema


def _draft7_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: ("#/definitions/d" if k == "$ref" else _draft7_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_draft7_refs(v) for v in node]
    return node


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, Column], list[dict[str, str]], int]:
    """Columns (None where a row is short) and the same rows as jsonschema sees them."""
    header = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    rows = draw(st.lists(st.lists(values, max_size=len(header)), max_size=6))
    columns: dict[str, Column] = {
        name: [row[i] if i < len(row) else None for row in rows] for i, name in enumerate(header)
    }
    objects = [dict(zip(header, row, strict=False)) for row in rows]
    return columns, objects, len(rows)


def _validator(schema: Any) -> Any:
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=row_schemas(), table=tables())
def test_verdicts_equal_jsonschema_row_by_row(schema: Any, table: Any) -> None:
    columns, objects, n = table
    validator = _validator(schema)
    try:
        validator.check_schema(schema)
    except jsonschema.SchemaError:
        assume(False)
    expected = {i for i, row in enumerate(objects) if not validator.is_valid(row)}
    assert invalid_rows(evaluate(compile_schema(schema), columns, n), n) == expected


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sub=leaf() | cell_schema(), column=st.lists(values | st.none(), max_size=8))
def test_cell_verdicts_equal_jsonschema(sub: Any, column: list[str | None]) -> None:
    """One column, one subschema: any keyword evaluated wrongly shows at once."""
    schema = {"$defs": {"d": {"minLength": 2}}, "properties": {"a": sub}}
    validator = _validator(schema)
    try:
        validator.check_schema(schema)
    except jsonschema.SchemaError:
        assume(False)
    rows = [{"a": v} if v is not None else {} for v in column]
    expected = {i for i, row in enumerate(rows) if not validator.is_valid(row)}
    violations = evaluate(compile_schema(schema), {"a": column}, len(column))
    assert invalid_rows(violations, len(column)) == expected
    # Many rows of few values take the other path (each distinct value tested once).
    many = column * 10
    violations = evaluate(compile_schema(schema), {"a": many}, len(many))
    assert invalid_rows(violations, len(many)) == {
        i for i in range(len(many)) if i % len(column) in expected
    }


ROWS = [{"a": "x"}, {"a": "", "b": "y"}, {"c d": "z"}, {}]


@pytest.mark.parametrize(
    "schema",
    [
        {"properties": {"a": {"minLength": 1}}, "additionalProperties": False},
        {"properties": {"a": {"minLength": 1}, "b": {}}, "additionalProperties": {"const": "z"}},
        {"properties": {"a": {"minLength": 1}}, "unevaluatedProperties": False},
        {"properties": {"a": {"pattern": "x"}}, "allOf": [{"properties": {"b": {}}}],
         "unevaluatedProperties": False},
        {"properties": {"a": {}}, "propertyNames": {"pattern": "^[a-z]+$"}},
        {"properties": {"a": {}}, "patternProperties": {"^c": {"const": "z"}},
         "additionalProperties": False},
        {"dependentRequired": {"b": ["a"]}, "properties": {"a": {"maxLength": 0}}},
        {"$defs": {"x": {"const": "x"}},
         "properties": {"a": {"$ref": "#/$defs/x", "minLength": 1}}},
        {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"x": {}},
         "properties": {"a": {"$ref": "#/definitions/x", "const": "nothing"}}},
        {"properties": {"a": {"not": {"const": "x"}}}, "minProperties": 1},
        {"type": ["object", "null"], "required": ["a"], "properties": {"a": {"enum": ["x", 1]}}},
    ],
)  # fmt: skip
def test_keywords_that_read_other_keywords(schema: Any) -> None:
    """Keywords that depend on ``properties`` (or override it) stay right in a split schema."""
    validator = _validator(schema)
    expected = {i for i, row in enumerate(ROWS) if not validator.is_valid(row)}
    columns: dict[str, Column] = {n: [r.get(n) for r in ROWS] for n in ("a", "b", "c d")}
    assert invalid_rows(evaluate(compile_schema(schema), columns, len(ROWS)), len(ROWS)) == expected


@pytest.mark.parametrize(
    ("schema", "vectorised", "residual"),
    [
        (
            {"required": ["a"], "properties": {"a": {"type": "string", "pattern": "^x"}}},
            ["a"],
            None,
        ),
        ({"properties": {"a": {"anyOf": [{"const": "x"}, {"const": "y"}]}}}, [], "column"),
        ({"properties": {"a": {"pattern": "^x"}}, "additionalProperties": False}, ["a"], "row"),
        ({"unevaluatedProperties": False, "properties": {"a": {}}}, [], "row"),
        ({"$schema": "http://json-schema.org/draft-07/schema#", "required": ["a"]}, [], "row"),
    ],
)
def test_what_runs_column_wise(schema: Any, vectorised: list[str], residual: str | None) -> None:
    plan = compile_schema(schema)
    assert [c.column for c in plan.columns if c.tests] == vectorised
    where = (
        "row" if plan.row_residual else "column" if any(c.residual for c in plan.columns) else None
    )
    assert where == residual


def test_a_missing_column_is_one_violation_for_every_row() -> None:
    plan = compile_schema({"required": ["Source image"]})
    violations = evaluate(plan, {"Files": ["a", "b", "c"]}, 3)
    assert [(v.row, v.column, v.keyword) for v in violations] == [
        (None, "Source image", "required")
    ]
    assert invalid_rows(violations, 3) == {0, 1, 2}


def test_a_short_row_lacks_the_cell() -> None:
    plan = compile_schema({"required": ["a"], "properties": {"a": {"minLength": 1}}})
    violations = evaluate(plan, {"a": ["x", None, ""]}, 3)
    assert sorted((v.row, v.keyword) for v in violations) == [(1, "required"), (2, "minLength")]


def test_repeated_values_are_tested_once_and_reported_on_every_row() -> None:
    plan = compile_schema({"properties": {"t": {"enum": ["tracks"]}}})
    column = ["tracks", "track", "tracks", "track"] * 500
    rows = [v.row for v in evaluate(plan, {"t": column}, len(column))]
    assert rows == [i for i, v in enumerate(column) if v == "track"]
