"""The schemas of one file list row: the two built-in ones and the dataset's extra schema.

Each schema is checked against its metaschema and compiled for columns once per process.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bia_hooks import limits
from bia_hooks.errors import UsageError
from bia_hooks.filelist.columnwise import Plan, compile_schema, schema_refs
from bia_hooks.regexcost import why_costly
from bia_hooks.textfiles import parse_json, parse_yaml, read_text

SCHEMA_FILES = {
    "annotations": "annotation-filelist.v1.schema.json",
    "general": "general-filelist.v1.schema.json",
}
SCHEMA_NAMES = tuple(SCHEMA_FILES)


def builtin_schema(name: str) -> dict[str, Any]:
    from bia_hooks.resources import load_schema

    if name not in SCHEMA_FILES:
        raise UsageError(f"no built-in schema '{name}'; choose one of: {', '.join(SCHEMA_NAMES)}")
    return load_schema(SCHEMA_FILES[name])


@functools.cache
def builtin_plan(name: str) -> Plan:
    return compile_schema(builtin_schema(name))


@functools.lru_cache(maxsize=16)
def _extra_plan(text: str, where: str) -> Plan:
    schema = json.loads(text)
    check_schema(schema, where)
    return compile_schema(schema)


def extra_plan(schema: Any, where: str = "extra schema") -> Plan:
    """The extra schema compiled; a schema that is not valid raises UsageError (exit 2)."""
    try:
        text = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: not a JSON schema (it holds values JSON cannot hold)") from None
    return _extra_plan(text, where)


def check_schema(schema: Any, where: str) -> None:
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    if not isinstance(schema, (dict, bool)):
        raise UsageError(f"{where}: a schema must be a mapping of keywords (or true/false)")
    for pattern in _patterns(schema):  # before the metaschema compiles them
        risk = (
            f"longer than {limits.PATTERN_CHARS:,} characters"
            if len(pattern) > limits.PATTERN_CHARS
            else why_costly(pattern)
        )
        if risk:
            raise UsageError(
                f"{where}: the pattern {pattern[:60]!r} is refused: {risk}, which can make "
                "checking a cell take hours; write it so that each part can match one way only"
            )
    try:
        validator_for(schema, default=_draft202012()).check_schema(schema)  # type: ignore[arg-type]
    except SchemaError as e:
        at = "/".join(str(p) for p in e.absolute_path)
        at = f" at {at}" if at else ""
        raise UsageError(f"{where}: not a valid JSON schema{at}: {e.message}") from None
    for ref in schema_refs(schema):
        if not ref.startswith("#"):
            raise UsageError(
                f"{where}: $ref '{ref}' points outside the schema; put what it names under $defs"
            )


def _patterns(node: Any) -> Iterator[str]:
    """Every regular expression in a schema: ``pattern`` values, ``patternProperties`` keys."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "pattern" and isinstance(v, str):
                yield v
            elif k == "patternProperties" and isinstance(v, dict):
                yield from (p for p in v if isinstance(p, str))
            yield from _patterns(v)
    elif isinstance(node, list):
        for v in node:
            yield from _patterns(v)


def _draft202012() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator


def load_extra_schema(root: Path, path: str) -> Any:
    """The extra schema named in the configuration (JSON or YAML, path from the dataset root)."""
    from bia_hooks.confine import inside_dataset

    file = inside_dataset(root, path, "extra_schema")
    text = read_text(file, "extra schema", shown=f"extra_schema {path}",
                     missing="no such file in the dataset")  # fmt: skip
    parse = parse_json if path.lower().endswith(".json") else parse_yaml
    schema = parse(text, path)
    extra_plan(schema, path)  # fail now, with the file's name, rather than mid-validation
    return schema
