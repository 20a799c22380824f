"""``bia-hooks validate [FILELIST ...]``: file lists as the archive reads them, and their schema.

Without FILELIST: the file lists named in the configuration. With ``--changed`` (the hook), the
arguments are the files a commit changes, and the command validates the file lists they concern.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bia_hooks.commands.common import add_common, config_of, finish, relative_to_root
from bia_hooks.config import Config, FileListConfig, ImageDataset
from bia_hooks.errors import UsageError
from bia_hooks.filelist.table import Table
from bia_hooks.findings import Finding, Level

SCHEMAS = ("annotations", "general")

# Reader findings that already say why a row's path is refused: no BIA301 for the same row.
_PATH_REFUSED = frozenset(["BIA215", "BIA216", "BIA219", "BIA242"])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "filelists", nargs="*", metavar="FILELIST",
        help="file lists to validate (default: the file lists in the configuration)",
    )  # fmt: skip
    parser.add_argument(
        "--schema", choices=SCHEMAS,
        help="built-in schema for every list (default: the configured one, else annotations)",
    )  # fmt: skip
    parser.add_argument(
        "--changed", action="store_true",
        help="FILELIST are the files a commit changes (the hook): validate the file lists they "
        "concern (all configured lists when the configuration or an extra schema changed)",
    )  # fmt: skip
    add_common(parser)


def configured(config: Config, path: str) -> FileListConfig | None:
    return next((fl for fl in config.filelists if fl.path == path), None)


def validate_filelist(config: Config, path: str,
                      schema: str | None = None) -> tuple[Table | None, list[Finding]]:  # fmt: skip
    """Read the file list at ``path`` (from the dataset root) and validate it.

    ``schema`` overrides the configured built-in schema (default: annotations). The configured
    extra schema applies. Returns the Table (None when the archive could not read one) and every
    finding, format (BIA2xx) and content (BIA3xx), at the levels the configuration sets. A broken
    extra schema raises UsageError.
    """
    from bia_hooks.filelist.read import read_filelist
    from bia_hooks.filelist.rowschemas import load_extra_schema
    from bia_hooks.filelist.validate import general_levels, validate_table

    entry = configured(config, path)
    schema_name = schema or (entry.schema if entry else "annotations")
    extra = None
    if entry is not None and entry.extra_schema:
        extra = load_extra_schema(config.root, entry.extra_schema)
    table, findings = read_filelist(config.root, path)
    if table is not None:
        content = validate_table(table, schema_name, extra)
        if entry is not None and entry.image_dataset is not None:
            content += _source_images(config, table, entry.image_dataset)
        findings = findings + _not_said_before(content, findings)
        if not table.rows and not any(f.code == "BIA204" for f in findings):
            message = "the archive refuses it: 'A file list should contain at least one file'"
            findings.append(Finding("BIA204", path, message, fix="add one row per file"))
    if schema_name == "general":
        findings = general_levels(findings)
    return table, config.apply_severity(findings)


def _source_images(config: Config, table: Table, images: ImageDataset) -> list[Finding]:
    """Source images checked against the image dataset's own file list."""
    from bia_hooks.filelist.read import read_filelist
    from bia_hooks.filelist.validate import source_image_findings

    image_table, problems = read_filelist(config.root, images.filelist)
    if image_table is None:
        why = "; ".join(f.message for f in problems[:3])
        raise UsageError(
            f"image_dataset.filelist {images.filelist}: cannot be read ({why}); it is the image "
            "dataset's file list, which the source images are checked against"
        )
    known = set(image_table.paths)
    return source_image_findings(table, known, images.filelist, images.accession)


def _row_of(f: Finding) -> tuple[int | None, str | None]:
    row = f.pointer.split("/")[1] if f.pointer and f.pointer.count("/") >= 1 else None
    return f.line, row


def _not_said_before(content: Sequence[Finding], reader: Sequence[Finding]) -> list[Finding]:
    """Content findings the reader has not already reported in its own words."""
    refused_rows = {_row_of(f) for f in reader if f.code in _PATH_REFUSED}
    if not refused_rows:
        return list(content)
    return [f for f in content if not (f.code == "BIA301" and _row_of(f) in refused_rows)]


def _changed_lists(config: Config, changed: list[str]) -> list[tuple[str, str | None]]:
    """The file lists a commit touching ``changed`` needs validated, with their schema."""
    from bia_hooks.filelist.read import looks_like_filelist

    if not config.filelists:  # nothing configured: whatever looks like a file list
        return [(p, None) for p in changed if looks_like_filelist(config.root, p)]
    touched = set(changed)
    config_changed = config.file is not None and _rel(config) in touched
    return [
        (fl.path, None)
        for fl in config.filelists
        if config_changed or fl.path in touched or (fl.extra_schema or "") in touched
    ]


def _rel(config: Config) -> str:
    assert config.file is not None
    try:
        return config.file.resolve().relative_to(config.root).as_posix()
    except ValueError:
        return ""


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    given = relative_to_root(config.root, args.filelists) if args.filelists else []
    if args.changed:
        selected = [p for p, _ in _changed_lists(config, given)]
    elif given:
        for rel, shown in zip(given, args.filelists, strict=True):
            if not (config.root / rel).exists():
                raise UsageError(f"{shown}: no such file")
        selected = given
    else:
        selected = [fl.path for fl in config.filelists]
        if not selected:
            raise UsageError(
                "no file list to validate: name them (bia-hooks validate FILELIST ...) or list "
                "them under 'filelists:' in .bia-hooks.yaml"
            )
    findings: list[Finding] = []
    rows = 0
    for path in dict.fromkeys(selected):
        table, found = validate_filelist(config, path, args.schema)
        findings.extend(found)
        rows += len(table.rows) if table is not None else 0
    status = finish(args, findings, {"filelists": list(dict.fromkeys(selected))})
    if args.format == "text" and not any(f.level is Level.ERROR for f in findings) and selected:
        print(f"{len(set(selected))} file list(s), {rows:,} row(s) checked: no errors.")
    return status
