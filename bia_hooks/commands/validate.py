"""``bia-hooks validate [FILELIST ...]``: file lists as the archive reads them, and their schema.

Without FILELIST: the file lists named in the configuration. With ``--changed`` (the hook), the
arguments are the files a commit changes, and the command validates the file lists they concern.
"""

from __future__ import annotations

import argparse

from bia_hooks import progress
from bia_hooks.commands.common import (
    add_common,
    config_of,
    counted,
    finish,
    relative_to_root,
    tally,
)
from bia_hooks.config import Config
from bia_hooks.errors import UsageError
from bia_hooks.findings import Finding, Level
from bia_hooks.validation import SCHEMAS, validate_filelist


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
    given = relative_to_root(config.root, args.filelists, skip_outside=args.changed)
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
    summaries: list[dict[str, object]] = []  # as check reports them, so that summary reads both
    rows = 0
    for path in progress.steps(dict.fromkeys(selected), "file lists validated"):
        table, found = validate_filelist(config, path, args.schema)
        findings.extend(found)
        count = len(table.rows) if table is not None else 0
        summaries.append({"path": path, "format": path.rsplit(".", 1)[-1], "rows": count})
        rows += count
    checked = f"{counted(len(set(selected)), 'file list')}, {counted(rows, 'row')} checked: "
    if any(f.level is Level.ERROR for f in findings):
        checked += tally(findings)
    else:
        checked += "no errors" + (f"; {tally(findings)}" if findings else "")
    return finish(args, findings, {"filelists": summaries},
                  checked if selected else None)  # fmt: skip
