"""The shipped row schemas, and the dataset's extra schema as the configuration names it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import pathrule
from bia_hooks.errors import UsageError
from bia_hooks.filelist import vocabulary
from bia_hooks.filelist.rowschemas import SCHEMA_FILES, builtin_schema, load_extra_schema

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_builtin_schemas_are_valid_2020_12(name: str) -> None:
    schema = builtin_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("file", sorted(SCHEMA_FILES.values()))
def test_schema_files_pass_check_jsonschema(file: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--check-metaschema", str(SCHEMAS / file)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_required_columns() -> None:
    assert builtin_schema("annotations")["required"] == ["Files", "Annotation type", "Source image"]
    assert builtin_schema("general")["required"] == ["Files"]


PATH_ALPHABET = "aZ09!-_*'(). /#%&+,;:=@[]{}~^$\"<>|?\\`\t\néü\u00a0\u2019"


@settings(max_examples=2000)
@given(
    path=st.text(alphabet=PATH_ALPHABET, max_size=12)
    | st.sampled_from(
        ["", "./a", "a/../b", "a/", "v1../x", "a/..", "a//b", "/a", " a ", "a\n", "..", "../", "."]
    )
)
def test_files_pattern_is_the_servers_path_rule(path: str) -> None:
    for name in SCHEMA_FILES:
        pattern = builtin_schema(name)["properties"]["Files"]["pattern"]
        assert (re.search(pattern, path) is not None) == pathrule.passes_server_rule(path)


def test_annotation_type_pattern_is_the_controlled_list() -> None:
    pattern = builtin_schema("annotations")["properties"]["Annotation type"]["pattern"]
    listed = re.findall(r"\^\(([^)]*)\)", pattern)[0].split("|")
    assert tuple(listed) == vocabulary.ANNOTATION_TYPES
    for good in ["tracks", "tracks,other", "segmentation_mask, point_annotations"]:
        assert re.search(pattern, good)
    for bad in ["Tracks", "tracks,", " tracks", "tracks\n", "track", "tracks;other", ""]:
        assert not re.search(pattern, bad), bad


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("x.yaml", "required: [a\n", "x.yaml:2:1: not valid YAML"),
        ("x.json", '{"required": ["a"],}', "x.json:1:20: not valid JSON"),
        ("x.yaml", "type: strin\n", "not a valid JSON schema at type"),
        (
            "x.yaml",
            "properties: {plate: {pattern: '(P'}}\n",
            "not a valid JSON schema at properties/plate/pattern",
        ),
        ("x.yaml", "- required\n", "a schema must be a mapping"),
        ("x.yaml", "$ref: https://example.org/s.json\n", "points outside the schema"),
        ("x.yaml", "const: 2024-01-15\n", "values JSON cannot hold"),
        ("missing.yaml", None, "no such file in the dataset"),
    ],
)
def test_broken_extra_schema_is_a_usage_error(
    tmp_path: Path, name: str, text: str | None, message: str
) -> None:
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(UsageError, match=re.escape(message)):
        load_extra_schema(tmp_path, name)


def test_extra_schema_in_json_or_yaml(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"required": ["annotator"]}')
    (tmp_path / "a.yaml").write_text("required: [annotator]\n")
    assert load_extra_schema(tmp_path, "a.json") == load_extra_schema(tmp_path, "a.yaml")
