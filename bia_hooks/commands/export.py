"""``bia-hooks export FILELIST --format tsv|xlsx|json --output PATH``: convert a file list.

The source is read as the archive reads it, so the output holds what the archive would have read,
but for the XLSX numbers, dates and booleans the archive would alter: the output holds the text
their cell shows (0.65, 2024-01-15, TRUE), and a finding says so. A source the archive would
refuse, or whose values it would alter beyond recovery (bytes that are not UTF-8), is not
exported: the findings say what to fix first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bia_hooks.atomic import read_bytes
from bia_hooks.commands.common import add_common, config_of, finish, relative_to_root
from bia_hooks.errors import UsageError
from bia_hooks.filelist.read import format_of, list_name_findings, read_filelist
from bia_hooks.filelist.table import FORMATS
from bia_hooks.findings import Kind, Level
from bia_hooks.junk import ensure_closed
from bia_hooks.reporters import FORMATS as REPORT_FORMATS
from bia_hooks.safe_text import printable

# Findings about the source's own name do not concern the output.
_NAME_ONLY = {"BIA201", "BIA202"}
# Values the archive alters that an export cannot recover (the bytes of a Latin-1 value): written
# out, the altered text would replace them, in place when the output is the source.
_LOST_IN_EXPORT = {"BIA217"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("filelist", metavar="FILELIST", help="the file list to convert")
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="PATH",
        help="where to write the converted file list (replaced atomically)",
    )
    add_common(parser)
    # Here --format names the output's format, as users expect of a converter; the report format
    # moves to --report-format.
    for action in parser._actions:
        if action.dest == "format":
            action.dest, action.choices, action.default = "to", list(FORMATS), None
            action.metavar = "{tsv,xlsx,json}"
            action.help = "output format (default: from the output's extension)"
    parser.add_argument(
        "--report-format",
        dest="format",
        choices=REPORT_FORMATS,
        default="text",
        help="report format",
    )


def _target(args: argparse.Namespace) -> str:
    by_extension = format_of(args.output.name)
    target: str | None = args.to or by_extension
    if target is None:
        raise UsageError(f"--output {args.output}: name it .tsv, .xlsx or .json, or give --format")
    if by_extension != target:
        raise UsageError(
            f"--output {args.output}: a {target.upper()} file list must be named *.{target} "
            "(exactly, lower case): the archive reads no other name"
        )
    return target


def run(args: argparse.Namespace) -> int:
    target = _target(args)
    config = config_of(args)
    [source] = relative_to_root(config.root, [args.filelist])
    if not (config.root / source).exists():
        raise UsageError(f"{args.filelist}: no such file")  # as validate says it
    # Converted in place (a UTF-16 list saved as UTF-8): an edit saved meanwhile is not lost.
    file = config.root / source
    in_place = file.is_file() and args.output.resolve() == file.resolve()
    expect = read_bytes(file)[1] if in_place else None
    table, findings = read_filelist(config.root, source, repair=True)
    findings = config.apply_severity(findings)
    refused = [
        f
        for f in findings
        if f.level == Level.ERROR and f.kind == Kind.SERVER and f.code not in _NAME_ONLY
    ]
    lost = [f for f in findings if f.code in _LOST_IN_EXPORT and f.level == Level.ERROR]
    if table is None or refused or lost:
        finish(args, findings, {"exported": None})
        why = (
            "the archive would refuse it; fix the errors above first"
            if table is None or refused
            else "its bytes that are not UTF-8 would be written as U+FFFD, and their text lost; "
            "save it as UTF-8 first"
        )
        print(f"bia-hooks export: {printable(source)} not exported: {why}", file=sys.stderr)
        return 1
    from bia_hooks.filelist.writers import WRITERS

    output = args.output.resolve()
    ensure_closed(output, str(args.output))  # a spreadsheet's next save would write over it
    WRITERS[target](table, output, expect)
    try:
        shown = relative_to_root(config.root, [str(output)])[0]
        findings.extend(f for f in list_name_findings(shown) if f.code == "BIA202")
    except UsageError:  # written outside the dataset: its name is not the archive's business yet
        shown = str(args.output)
    wrote = (
        f"wrote {printable(shown)}: {len(table.rows):,} file(s), {len(table.header)} column(s), "
        f"{target.upper()}"
    )
    status = finish(args, findings, {"exported": shown, "rows": len(table.rows)}, wrote)
    if status != 0:  # written all the same: the findings say what the archive will make of it
        print(wrote, file=sys.stderr)
    return status
