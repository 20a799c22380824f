"""A hostile configuration (or extra schema, or .dvc file) from a pull request: one message and
exit status 2 (or a finding), quickly; never a hang, a MemoryError, a crash or a traceback."""

from __future__ import annotations

import re
import string
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import globs
from bia_hooks.config import load_config
from bia_hooks.errors import UsageError
from bia_hooks.syncplan import new_row_values
from tests.conftest import git, run_cli, write
from tests.hostile import deadline

# 396 bytes that expand to 9**9 = 387 million strings.
ALIAS_BOMB = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def _config(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".bia-hooks.yaml").write_text(text)
    return tmp_path


def _refused(tmp_path: Path, text: str) -> str:
    with deadline(20), pytest.raises(UsageError) as refused:
        load_config(_config(tmp_path, text))
    return str(refused.value)


def test_the_alias_bomb_is_small() -> None:
    assert len(ALIAS_BOMB) < 400 and ALIAS_BOMB.count("*") == 72, ALIAS_BOMB


def test_an_alias_bomb_stops_every_command_at_once(repo: Path) -> None:
    write(repo, "a.tif")
    (repo / ".bia-hooks.yaml").write_text("ignore: *i\n" + ALIAS_BOMB)
    git(repo, "add", ".")
    started = time.monotonic()
    for command in (["check-names", "a.tif"], ["check"], ["sync"], ["validate"]):
        result = run_cli(*command, cwd=repo)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert (
            "its aliases (*name) expand it to more values: bia-hooks reads at most 100,000 values"
            in result.stderr
        )
        assert ".bia-hooks.yaml" in result.stderr
    assert time.monotonic() - started < 40


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &a [*a]\n", "the alias *a is inside the collection &a names"),
        ("ignore: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deep"),
        ("ignore:\n" + "- " * 100_000 + "x\n", "nested too deep"),
        ("version: 2024-13-45\n", "a value YAML cannot read: month must be in 1..12"),
        ("version: " + "9" * 5000 + "\n", "a value YAML cannot read"),
        ("version: !!timestamp x\n", "a value YAML cannot read"),
        (
            "filelists:\n  - path: l.tsv\n    defaults:\n      - match: '**'\n"
            "        values: {1: x}\n",
            "filelists[0].defaults[0].values: the key 1 is int, not text: quote it ('1': ...)",
        ),
        ("severity: {[1, 2]: error}\n", "not valid YAML"),  # a list as a key: PyYAML refuses
        ("1: x\n", "(top level): the key 1 is int, not text"),
    ],
    ids=["recursive alias", "flow nesting", "block nesting", "bad date", "long integer",
         "bad timestamp", "number key in values", "list key", "number key at the top"],
)  # fmt: skip
def test_yaml_that_would_hang_or_crash_is_one_message(
    tmp_path: Path, text: str, words: str
) -> None:
    assert words in _refused(tmp_path, text)


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",
        r"(\w+\s?)*$",
        r"(.*/)+x",
        r"(a|ab)*c",
        r".*a.*a.*a",
        r"(.*a){20}",
        "(" * 99 + ")" * 99,
    ],
)
def test_a_catastrophic_source_image_pattern_is_refused_on_load(
    tmp_path: Path, pattern: str
) -> None:
    text = yaml.safe_dump(
        {"filelists": [{"path": "l.tsv", "source_image": {"pattern": pattern, "format": "x"}}]}
    )
    message = _refused(tmp_path, text)
    assert "filelists[0].source_image.pattern: " in message
    assert re.search(r"refused: .*(repeat|choice|nest)", message), message


def test_a_catastrophic_pattern_never_reaches_the_sync(repo: Path) -> None:
    write(repo, "masks/" + "a" * 60 + "!.tif")
    (repo / "l.tsv").write_text("Files\n")
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: l.tsv\n    source_image:\n"
        "      pattern: '(a+)+$'\n      format: '{path}'\n"
    )
    git(repo, "add", ".")
    with deadline(30):
        result = run_cli("sync", cwd=repo)
    assert result.returncode == 2
    assert "filelists[0].source_image.pattern: refused: a repeat inside a repeat" in result.stderr
    assert (repo / "l.tsv").read_text() == "Files\n"


@pytest.mark.parametrize(
    ("fmt", "words"),
    [
        ("{path:>900000000}", "'{path:>900000000}': only plain fields"),
        ("{path.__class__}", "'{path.__class__}': only plain fields"),
        ("{path[0]}", "only plain fields"),
        ("{path!r}", "'{path!r}': only plain fields"),
        ("{0}", "only plain fields"),
        ("{}", "only plain fields"),
        ("{path", "expected '}' before end of string"),
        ("x" * 2000, "2,000 characters; bia-hooks reads at most 1,000"),
    ],
)
def test_a_format_with_more_than_plain_fields_is_refused_on_load(
    tmp_path: Path, fmt: str, words: str
) -> None:
    text = yaml.safe_dump(
        {"filelists": [{"path": "l.tsv", "source_image": {"format": fmt}}]}, width=10_000
    )
    message = _refused(tmp_path, text)
    assert "filelists[0].source_image.format: " in message and words in message, message


def test_plain_fields_are_allowed(tmp_path: Path) -> None:
    text = (
        "filelists:\n  - path: l.tsv\n    source_image:\n"
        "      pattern: '(?P<plate>plate\\d+)_(?P<well>[A-H]\\d\\d)'\n"
        "      format: 'S-BIAD1/{plate}/{well}/{stem}.tif {{x}}'\n"
    )
    config = load_config(_config(tmp_path, text))
    [filelist] = config.filelists
    values = new_row_values("m/plate1_B02_mask.tif", filelist)
    assert values == {"Source image": "S-BIAD1/plate1/B02/plate1_B02_mask.tif {x}"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ignore: ['" + "a" * 2000 + "']\n", "ignore: a glob of 2,000 characters"),
        ("objects: [" + ", ".join(["x"] * 1001) + "]\n", "objects: 1,001 globs"),
        (
            "filelists:\n  - path: l.tsv\n    defaults:\n      - match: '" + "*" * 1500 + "'\n"
            "        values: {a: b}\n",
            "filelists[0].defaults[0].match: a glob of 1,500 characters",
        ),
    ],
)
def test_globs_are_bounded(tmp_path: Path, text: str, words: str) -> None:
    assert words in _refused(tmp_path, text)


def test_a_glob_with_many_double_stars_matches_in_linear_time(repo: Path) -> None:
    write(repo, "/".join(["a"] * 60) + "/b.tif")
    (repo / "l.tsv").write_text("Files\n")
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: l.tsv\n    include: ['" + "**/a/" * 40 + "x/**']\n"
    )
    git(repo, "add", ".")
    with deadline(30):
        result = run_cli("sync", "--check", cwd=repo)
    assert result.returncode == 0 and "b.tif: warning BIA423" in result.stdout, result.stderr


def _with_extra_schema(repo: Path, name: str, text: str) -> None:
    write(repo, "a.tif")
    (repo / "l.tsv").write_text("Files\na.tif\n")
    (repo / name).write_text(text)
    (repo / ".bia-hooks.yaml").write_text(
        f"filelists:\n  - path: l.tsv\n    schema: general\n    extra_schema: {name}\n"
    )
    git(repo, "add", ".")


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("s.yaml", "x: *i\n" + ALIAS_BOMB, "s.yaml: its aliases (*name) expand it to more values"),
        ("s.json", "[" * 100_000 + "]" * 100_000, "s.json: arrays and objects nested more than 64"),
        ("s.json", "{" + '"const": ' + "9" * 5000 + "}", "s.json: not valid JSON"),
        (
            "s.yaml",
            "properties:\n  Note:\n    pattern: '(a+)+$'\n",
            "the pattern '(a+)+$' is refused: a repeat inside a repeat",
        ),
        (
            "s.yaml",
            "patternProperties:\n  '(x|x?)+': true\n",
            "the pattern '(x|x?)+' is refused: a repeated group that can match nothing",
        ),
    ],
    ids=["alias bomb", "nested", "long number", "catastrophic pattern", "catastrophic key"],
)
def test_a_hostile_extra_schema_is_one_message(
    repo: Path, name: str, text: str, words: str
) -> None:
    _with_extra_schema(repo, name, text)
    with deadline(40):
        result = run_cli("validate", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "dvc",
    ["outs: " + "[" * 100_000 + "]" * 100_000 + "\n", "x: *i\n" + ALIAS_BOMB, "outs: 2024-13-45\n"],
    ids=["nested 100,000 deep (a crash of the C loader)", "an alias bomb", "a date that is none"],
)
def test_a_hostile_dvc_file_is_a_finding(repo: Path, dvc: str) -> None:
    write(repo, "a.tif")
    (repo / "data.dvc").write_text(dvc)
    git(repo, "add", ".")
    with deadline(40):
        result = run_cli("sync", "--check", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr  # BIA425
    assert "data.dvc: warning BIA402 cannot read what this DVC file tracks: " in result.stdout


# --- hostile configurations, generated ---

_TEXT = st.lists(
    st.sampled_from([*"a*?/[]!{}().+|\\^$:,#&-_ 0", "**/", "(a+)+", "{path", "\x00"]), max_size=20
).map("".join)
_SCALAR = st.one_of(_TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=True))
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_TEXT, st.integers()), inner, max_size=4),
    ),
    max_leaves=12,
)
_GLOBS = st.one_of(st.lists(_TEXT, max_size=4), _VALUE)
_FILELIST = st.fixed_dictionaries(
    {"path": st.one_of(st.just("l.tsv"), _TEXT)},
    optional={
        "include": _GLOBS,
        "exclude": _GLOBS,
        "defaults": st.one_of(
            st.lists(st.fixed_dictionaries({"match": _TEXT, "values": _VALUE}), max_size=3), _VALUE
        ),
        "source_image": st.one_of(
            st.fixed_dictionaries({"format": _TEXT}, optional={"pattern": _TEXT}), _VALUE
        ),
        "extra_schema": _VALUE,
        "schema": st.one_of(st.sampled_from(["annotations", "general"]), _VALUE),
    },
)
_CONFIG = st.fixed_dictionaries(
    {},
    optional={
        "version": _VALUE,
        "names": st.one_of(
            st.fixed_dictionaries({}, optional={"ignore": _GLOBS, "spaces": _VALUE}), _VALUE
        ),
        "severity": _VALUE,
        "ignore": _GLOBS,
        "objects": _GLOBS,
        "filelists": st.one_of(st.lists(_FILELIST, max_size=3), _VALUE),
    },
)
_PATHS = ["a" * 50 + "!", "a/" * 30 + "b", "masks/plate1_A01.tif", "x", "(a+)+/" + "a" * 40]


@settings(max_examples=60, deadline=None)
@given(config=_CONFIG, tail=st.sampled_from(["", "\n" + ALIAS_BOMB, "\nz: &z [*z]\n"]))
def test_a_hostile_configuration_is_loaded_or_refused_quickly(
    tmp_path_factory: pytest.TempPathFactory, config: dict[str, Any], tail: str
) -> None:
    root = tmp_path_factory.mktemp("hostile")
    try:
        text = yaml.safe_dump(config, allow_unicode=False) + tail
    except yaml.YAMLError:
        return
    (root / ".bia-hooks.yaml").write_text(text)
    started = time.monotonic()
    with deadline(20):
        try:
            loaded = load_config(root)
        except UsageError as e:
            assert str(e) and "Traceback" not in str(e)
            return
        # What the configuration drives, on paths made to make backtracking slow.
        for filelist in loaded.filelists:
            for path in _PATHS:
                new_row_values(path, filelist)
                globs.matches(path, filelist.include)
        for path in _PATHS:
            globs.matches(path, loaded.ignore + loaded.objects + loaded.name_ignore)
    assert time.monotonic() - started < 10


@settings(max_examples=8, deadline=None)
@given(config=_CONFIG)
def test_a_hostile_configuration_through_the_cli(
    tmp_path_factory: pytest.TempPathFactory, config: dict[str, Any]
) -> None:
    root = tmp_path_factory.mktemp("hostile-cli")
    git(root, "init", "-q")
    write(root, "masks/plate1_A01.tif", "a/" * 20 + "b.tif")
    (root / ".bia-hooks.yaml").write_text(yaml.safe_dump(config))
    git(root, "add", ".")
    started = time.monotonic()
    with deadline(60):
        result = run_cli("sync", "--check", cwd=root)
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


def test_the_format_fields_are_the_parts_new_row_values_gives() -> None:
    # The message names them; keep it true.
    from bia_hooks.config import FileListConfig, SourceImageRule

    rule = SourceImageRule("{path}|{folder}|{filename}|{stem}")
    values = new_row_values("m/a.b.tif", FileListConfig(path="l.tsv", source_image=rule))
    assert values["Source image"] == "m/a.b.tif|m|a.b.tif|a"
    assert all(f.isidentifier() for _, f, _, _ in string.Formatter().parse(rule.format) if f)
