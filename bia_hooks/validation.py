"""One file list read as the archive reads it and validated: format, columns, values, the
configured extra schema and image dataset. Used by ``validate``, ``check`` and the Action."""

from __future__ import annotations

from collections.abc import Sequence

from bia_hooks.config import Config, FileListConfig, ImageDataset
from bia_hooks.errors import UsageError
from bia_hooks.filelist.table import Table
from bia_hooks.findings import Finding

__all__ = ["SCHEMAS", "configured", "validate_filelist"]

SCHEMAS = ("annotations", "general")

# Reader findings that already say why a row's path is refused: no BIA301 for the same row.
_PATH_REFUSED = frozenset(["BIA215", "BIA216", "BIA219", "BIA242"])


def configured(config: Config, path: str) -> FileListConfig | None:
    return next((fl for fl in config.filelists if fl.path == path), None)


def validate_filelist(config: Config, path: str, schema: str | None = None,
                      data: bytes | None = None) -> tuple[Table | None, list[Finding]]:  # fmt: skip
    """Read the file list at ``path`` (from the dataset root) and validate it.

    ``schema`` overrides the configured built-in schema (default: annotations). The configured
    extra schema applies. Returns the Table (None when the archive could not read one) and every
    finding, format (BIA2xx) and content (BIA3xx), at the levels the configuration sets. A broken
    extra schema raises UsageError. ``data``: the list's content, already read.
    """
    from bia_hooks.filelist.read import read_filelist
    from bia_hooks.filelist.rowschemas import load_extra_schema
    from bia_hooks.filelist.validate import general_levels, validate_table

    entry = configured(config, path)
    schema_name = schema or (entry.schema if entry else "annotations")
    extra = None
    if entry is not None and entry.extra_schema:
        extra = load_extra_schema(config.root, entry.extra_schema)
    table, findings = read_filelist(config.root, path, data=data)
    if table is not None:
        content = validate_table(table, schema_name, extra, config.names.no_spaces)
        if entry is not None and entry.image_dataset is not None:
            content += _source_images(config, table, entry.image_dataset)
        findings = findings + _not_said_before(content, findings)
        if not table.n_rows and not any(f.code == "BIA204" for f in findings):
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
