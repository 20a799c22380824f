"""``bia-hooks validate [FILELIST ...]``: file lists as the archive reads them, and their schema.

Without FILELIST: the file lists named in the configuration. With ``--changed`` (the hook), the
arguments are the files a commit changes, and the command validates the file lists they concern.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bia_hooks import progress, validated
from bia_hooks.commands.common import (
    add_common,
    config_of,
    counted,
    finish,
    relative_to_root,
    tally,
)
from bia_hooks.config import Config, FileListConfig
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
    parser.add_argument(
        "--full", action="store_true",
        help="validate every row, not only what changed since a list was last found clean",
    )  # fmt: skip
    add_common(parser)


def _changed_lists(config: Config, changed: list[str]) -> list[tuple[str, str | None]]:
    """The file lists a commit touching ``changed`` needs validated, with their schema."""
    from bia_hooks.filelist.read import looks_like_filelist

    if not config.filelists:  # nothing configured: whatever looks like a file list
        return [(p, None) for p in changed if looks_like_filelist(config.root, p)]
    touched = set(changed)
    config_changed = config.file_in_dataset() in touched
    return [
        (fl.path, None)
        for fl in config.filelists
        if config_changed or fl.path in touched or _depends_on(fl, touched)
    ]


def _depends_on(filelist: FileListConfig, touched: set[str]) -> bool:
    """Does the list's verdict depend on a file the commit changes: its extra schema, or the
    image dataset's file list its source images are checked against?"""
    images = filelist.image_dataset.filelist if filelist.image_dataset is not None else None
    return bool({filelist.extra_schema, images} & touched)


def _validate(
    config: Config, path: str, schema: str | None, memo: validated.Memo | None
) -> validated.Verdict:
    """One list's verdict: remembered for these bytes, carried over a few edited lines, or
    found by validating every row (and remembered)."""
    file = _dataset_file(config, path) if memo is not None else None
    key = memo.key(path, schema) if memo is not None and file is not None else None
    if memo is None or file is None or key is None:
        table, found = validate_filelist(config, path, schema)
        return validated.Verdict(found, table.n_rows if table is not None else 0)
    content = memo.content(path, schema, key, file)
    if isinstance(content, validated.Verdict):
        return content  # the same bytes as found before, shown by the file's stat
    data, blob = content if content is not None else (None, None)
    if data is not None and blob is not None:
        known = memo.recall(path, schema, key, data, blob)
        if known is not None:
            return known
    table, found = validate_filelist(config, path, schema, data=data)
    verdict = validated.Verdict(found, table.n_rows if table is not None else 0)
    if data is not None and blob is not None:
        memo.remember(path, key, data, blob, verdict)
    return verdict


def _dataset_file(config: Config, path: str) -> Path | None:
    """The list's file, when it is a file of the dataset."""
    from bia_hooks.confine import leads_outside, path_problem

    file = config.root / path
    if path_problem(path) is not None or leads_outside(config.root, path) or not file.is_file():
        return None
    return file


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
    memo = None if args.full else validated.open_memo(config)
    if args.full:  # nothing remembered is trusted, nor what was noted of these lists' bytes
        validated.forget_noted(config, selected)
    for path in progress.steps(dict.fromkeys(selected), "file lists validated"):
        verdict = _validate(config, path, args.schema, memo)
        findings.extend(verdict.findings)
        summaries.append({"path": path, "format": path.rsplit(".", 1)[-1], "rows": verdict.rows})
        rows += verdict.rows
    if memo is not None:
        memo.save()
    checked = f"{counted(len(set(selected)), 'file list')}, {counted(rows, 'row')} checked: "
    if any(f.level is Level.ERROR for f in findings):
        checked += tally(findings)
    else:
        checked += "no errors" + (f"; {tally(findings)}" if findings else "")
    return finish(args, findings, {"filelists": summaries},
                  checked if selected else None)  # fmt: skip
