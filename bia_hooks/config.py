"""The dataset's .bia-hooks.yaml: read, checked against the shipped schema, made into settings."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from bia_hooks import configmemo, limits
from bia_hooks.codes import CODES, Level
from bia_hooks.errors import UsageError
from bia_hooks.findings import Finding
from bia_hooks.names import NameSettings
from bia_hooks.safe_text import visible
from bia_hooks.textfiles import parse_yaml, read_text

CONFIG_NAMES = (".bia-hooks.yaml", ".bia-hooks.yml")
DEFAULT_OBJECTS = ("*.zarr", "*.ome.zarr")
SCHEMA_NAME = "config.v1.schema.json"


class Default(NamedTuple):
    match: str
    values: Mapping[str, str]


class SourceImageRule(NamedTuple):
    format: str
    pattern: re.Pattern[str] | None = None


# The fields of a source image's format that every annotation's path gives, besides the groups
# of the pattern (``syncplan.new_row_values`` fills them).
PATH_FIELDS = ("path", "folder", "filename", "stem")


class ImageDataset(NamedTuple):
    filelist: str
    accession: str | None = None


class FileListConfig(NamedTuple):
    path: str
    schema: str = "annotations"
    extra_schema: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    defaults: tuple[Default, ...] = ()
    source_image: SourceImageRule | None = None
    image_dataset: ImageDataset | None = None


class Config(NamedTuple):
    root: Path
    file: Path | None = None  # None when the dataset has no configuration file
    names: NameSettings = NameSettings()
    name_ignore: tuple[str, ...] = ()
    severity: Mapping[str, Level | None] = MappingProxyType({})  # None: off
    ignore: tuple[str, ...] = ()
    objects: tuple[str, ...] = DEFAULT_OBJECTS
    filelists: tuple[FileListConfig, ...] = ()

    def file_in_dataset(self) -> str | None:
        """The configuration file's path from the dataset root (it is a file of the dataset,
        which a commit may change); None when there is none, or it lies outside."""
        if self.file is None:
            return None
        try:
            return self.file.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def apply_severity(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings at the levels the user set, without the ones turned off."""
        out = []
        for f in findings:
            if f.code not in self.severity:
                out.append(f)
            elif (level := self.severity[f.code]) is not None:
                out.append(f.with_level(level))
        return out


def find_root(start: Path) -> Path:
    """The dataset root for a command run in ``start`` without ``--root``, found as git finds its
    top folder: the nearest folder at or above ``start`` that holds a configuration file, not
    looking above the git repository; else the repository's top folder; else ``start`` (a plain
    folder without a configuration)."""
    from bia_hooks.gitcmd import git_toplevel

    start = start.resolve()
    top = git_toplevel(start)
    for folder in (start, *start.parents):
        if find_config(folder) is not None:
            return folder
        if folder == top:
            return top
    return start


def find_config(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    return None


def load_config(root: Path, file: Path | None = None) -> Config:
    """The configuration of the dataset at ``root``; defaults when it has no config file."""
    file = file or find_config(root)
    if file is None:
        return Config(root=root)
    text = read_text(file, "configuration")
    data = configmemo.recall(text)  # validated before: no YAML or jsonschema to import
    if data is None:
        data = _read_yaml(text, file)
        severity = data.get("severity")
        if isinstance(severity, dict):  # YAML 1.1 reads an unquoted `off` as false
            data["severity"] = {k: "off" if v is False else v for k, v in severity.items()}
        _validate(data, file)
        configmemo.remember(text, data)
    _check_paths(data, root, file)
    return _build(data, root, file)


def _read_yaml(text: str, file: Path) -> dict[str, Any]:
    data = parse_yaml(text, str(file))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{file}: the configuration must be a mapping of settings (key: value)")
    for where, key in _keys(data, []):
        if not isinstance(key, str):
            raise UsageError(
                f"{file}: {_key_path(where)}: the key {key!r} is {type(key).__name__}, not text: "
                f"quote it ('{key}': ...)"
            )
    return data


def _keys(value: Any, where: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    """(where, key) for every mapping key in the YAML (nesting and size are bounded on load)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield where, key
            yield from _keys(item, [*where, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _keys(item, [*where, i])


def _key_path(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        part = part if isinstance(part, int) else visible(part)  # a key may hold a line break
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _validate(data: dict[str, Any], file: Path) -> None:
    import jsonschema

    from bia_hooks.resources import load_schema

    validator = jsonschema.Draft202012Validator(load_schema(SCHEMA_NAME))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{file}: {_key_path(e.absolute_path)}: {_explain(e)}" for e in errors]
        raise UsageError("\n".join(lines) + "\nSee the README's 'Configuration' section.")
    for code in data.get("severity", {}):
        if code not in CODES:
            raise UsageError(
                f"{file}: severity.{code}: no finding has this code (see the README's codes table)"
            )
    for key, globs in _glob_lists(data):
        _check_globs(globs, f"{file}: {key}")
    for i, fl in enumerate(data.get("filelists", [])):
        rule = fl.get("source_image", {})
        if "pattern" in rule:
            _check_pattern(rule["pattern"], f"{file}: filelists[{i}].source_image.pattern")
        if "format" in rule:
            _check_format(rule["format"], f"{file}: filelists[{i}].source_image.format")
            _check_format_fields(rule, f"{file}: filelists[{i}].source_image")
        for j, default in enumerate(fl.get("defaults", [])):
            where = f"{file}: filelists[{i}].defaults[{j}].values"
            _check_default_values(default["values"], fl.get("schema", "annotations"), where)


def _glob_lists(data: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """(key, globs) for every key that holds globs."""
    yield "names.ignore", data.get("names", {}).get("ignore", [])
    yield "ignore", data.get("ignore", [])
    yield "objects", data.get("objects", [])
    for i, fl in enumerate(data.get("filelists", [])):
        yield f"filelists[{i}].include", fl.get("include", [])
        yield f"filelists[{i}].exclude", fl.get("exclude", [])
        for j, default in enumerate(fl.get("defaults", [])):
            yield f"filelists[{i}].defaults[{j}].match", [default["match"]]


def _check_globs(globs: list[str], where: str) -> None:
    """Matching stays linear in the path (globs.py); the limits bound the regex built."""
    if len(globs) > limits.GLOBS:
        raise UsageError(
            f"{where}: {len(globs):,} globs; bia-hooks reads at most {limits.GLOBS:,} "
            "per key (a real list names a few folders)"
        )
    for glob in globs:
        if len(glob) > limits.GLOB_CHARS:
            raise UsageError(
                f"{where}: a glob of {len(glob):,} characters; bia-hooks reads at "
                f"most {limits.GLOB_CHARS:,} (a real one names a few folders)"
            )


def _check_pattern(pattern: str, where: str) -> None:
    """A regular expression from the repository: short, and of a shape that cannot make the
    matching backtrack for ever (regexcost.py), checked before it is compiled."""
    from bia_hooks.regexcost import why_costly

    if len(pattern) > limits.PATTERN_CHARS:
        raise UsageError(
            f"{where}: {len(pattern):,} characters; bia-hooks reads at most "
            f"{limits.PATTERN_CHARS:,} (a plate, a well and a field need ~50)"
        )
    risk = why_costly(pattern)
    if risk:
        raise UsageError(
            f"{where}: refused: {risk}, which can make matching a path take hours; "
            "write it so that each part of the path can match one way only "
            "(e.g. [^/_]+ rather than .+ between separators)"
        )
    try:
        re.compile(pattern)
    except re.error as e:
        raise UsageError(f"{where}: not a valid regular expression: {e}") from None


def _check_format(fmt: str, where: str) -> None:
    """Only plain ``{name}`` fields: ``{path.__class__}`` would reach Python's objects, and
    ``{path:>900000000}`` write a 900 MB cell."""
    if len(fmt) > limits.FORMAT_CHARS:
        raise UsageError(
            f"{where}: {len(fmt):,} characters; bia-hooks reads at most {limits.FORMAT_CHARS:,}"
        )
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(fmt)
            if name is not None
        ]
    except ValueError as e:
        raise UsageError(
            f"{where}: {e} (write {{name}} for a part, {{{{ and }}}} for a brace)"
        ) from None
    for name, spec, conversion in fields:
        if not name.isidentifier() or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise UsageError(
                f"{where}: {shown!r}: only plain fields such as {{plate}} are allowed (a group "
                "of the pattern, or path, folder, filename, stem), without '.', '[', '!' or ':'"
            )


def _check_format_fields(rule: dict[str, str], where: str) -> None:
    """Every field of the format is a group of the pattern or a part of the path: a field the
    pattern lacks gives no source image to any row, silently."""
    groups = list(re.compile(rule["pattern"]).groupindex) if "pattern" in rule else []
    for _, name, _, _ in string.Formatter().parse(rule["format"]):
        if name is None or name in groups or name in PATH_FIELDS:
            continue
        if "pattern" not in rule:
            has, then = "there is no pattern", f"add a pattern with a group (?P<{name}>...)"
        else:
            has = f"its groups are {', '.join(groups)}" if groups else "it has no named group"
            then = f"name a group of the pattern (?P<{name}>...)"
        raise UsageError(
            f"{where}.format: {{{name}}} is neither a group of source_image.pattern ({has}) "
            f"nor a part of the annotation's path ({', '.join(PATH_FIELDS)}), so no new row "
            f"would get a source image; write one of these, or {then}"
        )


def _check_default_values(values: dict[str, str], schema: str, where: str) -> None:
    """A default is written into every new row it matches: a value the list's row schema refuses
    would be an error in each of them, and a column name the file list cannot hold breaks it."""
    from bia_hooks.filelist.columns import ANNOTATION_TYPE, FILES, standard_name
    from bia_hooks.filelist.columnwise import evaluate
    from bia_hooks.filelist.rowschemas import builtin_plan
    from bia_hooks.filelist.vocabulary import ANNOTATION_TYPES, correction

    plan = builtin_plan(schema)
    for column, value in values.items():
        if not column.strip(" ") or any(c in column for c in "\t\r\n"):
            raise UsageError(
                f"{where}[{visible(repr(column))}]: a column name that is blank or holds a tab or "
                "line break makes a file list header the archive refuses; name the column in words"
            )
        key = f"{where}.{_key_path([column])}"
        name = standard_name(column)
        if name.strip().casefold() == FILES.casefold():
            raise UsageError(
                f"{key}: the {FILES} column holds each row's own path, never a default; "
                "remove this entry"
            )
        refused = [v for v in evaluate(plan, {name: [value]}, 1) if v.keyword != "required"]
        if not refused:
            continue
        shown = _short(repr(value))
        if name == ANNOTATION_TYPE:
            wrong, fixed = correction(value)
            named = ", ".join(f"'{w}'" for w in wrong if w) or "an empty type"
            listed = "one or more of " + ", ".join(ANNOTATION_TYPES)
            raise UsageError(
                f"{key}: {named} is not in the archive's list of annotation types, and every "
                f"new row would get {shown}; write {repr(fixed) if fixed else listed}"
            )
        rule = refused[0].schema if isinstance(refused[0].schema, dict) else {}
        what = str(rule.get("description", "")).rstrip(".")
        raise UsageError(
            f"{key}: {shown} is refused by the {schema} schema of a file list row"
            + (f" ({name}: {what})" if what else "")
            + ", and every new row would get it; write a value it accepts, or remove this default"
        )


def _check_paths(data: dict[str, Any], root: Path, file: Path) -> None:
    """Every path the configuration names is read or written: each must stay in the dataset."""
    from bia_hooks.confine import inside_dataset

    for i, fl in enumerate(data.get("filelists", [])):
        images = fl.get("image_dataset") or {}
        named = [("path", fl["path"]), ("extra_schema", fl.get("extra_schema")),
                 ("image_dataset.filelist", images.get("filelist"))]  # fmt: skip
        for key, path in named:
            if path is not None:
                inside_dataset(root, path, f"{file}: filelists[{i}].{key}")


def _explain(error: Any) -> str:
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{error.message}; the keys allowed here are: {allowed}"
    description = error.schema.get("description")
    if error.validator == "pattern" and description:
        # A regular expression tells a person less than what the value is for.
        return f"{_short(repr(error.instance))} is not what belongs here: {description}"
    return _short(str(error.message))


def _short(text: str, most: int = 200) -> str:
    """A message quotes the value: a huge one would flood the terminal."""
    return text if len(text) <= most else f"{text[: most - 20]}... ({len(text):,} characters)"


def _build(data: dict[str, Any], root: Path, file: Path) -> Config:
    names = data.get("names", {})
    severity = {
        code: None if level == "off" else Level(level)
        for code, level in data.get("severity", {}).items()
    }
    config = Config(
        root=root,
        file=file,
        names=NameSettings(spaces=names.get("spaces", "warn")),
        name_ignore=tuple(names.get("ignore", ())),
        severity=severity,
        ignore=tuple(data.get("ignore", ())),
        filelists=tuple(_filelist(fl) for fl in data.get("filelists", ())),
    )
    if "objects" in data:
        config = config._replace(objects=tuple(data["objects"]))
    return config


def _filelist(data: dict[str, Any]) -> FileListConfig:
    source = data.get("source_image")
    pattern = source.get("pattern") if source else None
    return FileListConfig(
        path=data["path"],
        schema=data.get("schema", "annotations"),
        extra_schema=data.get("extra_schema"),
        include=tuple(data.get("include", ())),
        exclude=tuple(data.get("exclude", ())),
        defaults=tuple(Default(d["match"], dict(d["values"])) for d in data.get("defaults", ())),
        source_image=SourceImageRule(source["format"], re.compile(pattern) if pattern else None)
        if source
        else None,
        image_dataset=ImageDataset(images["filelist"], images.get("accession"))
        if (images := data.get("image_dataset"))
        else None,
    )
