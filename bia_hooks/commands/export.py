"""``bia-hooks export FILELIST --format tsv|xlsx|json --output PATH``: convert a file list.
``bia-hooks export --submission OUT/``: the submission package (submission.py).

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
# study.yaml findings that leave no page-tab to build, at whatever level the configuration sets.
_BREAKS_THE_PAGETAB = {"BIA501", "BIA503", "BIA505", "BIA513"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("filelist", nargs="?", metavar="FILELIST", help="the file list to convert")
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="PATH",
        help="where to write the converted file list (replaced atomically)",
    )
    parser.add_argument(
        "--submission",
        type=Path,
        metavar="OUT",
        help="instead: write the submission package into the folder OUT (the page-tab of "
        "study.yaml, JSON and TSV, and the file lists it names)",
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
    if args.submission is not None:
        if args.filelist is not None or args.output is not None or args.to is not None:
            raise UsageError(
                "--submission OUT writes the whole package (page-tab and file lists, JSON and "
                "TSV): give it without FILELIST, --output or --format"
            )
        return _submission(args)
    if args.filelist is None or args.output is None:
        raise UsageError(
            "give the file list and where to write it (FILELIST --output PATH), or "
            "--submission OUT for the submission package"
        )
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


def _submission(args: argparse.Namespace) -> int:
    """The study and the file lists its sections name, checked; the package written only when
    the archive would take all of it."""
    from bia_hooks import study as studies
    from bia_hooks import submission
    from bia_hooks.session import filelists_of
    from bia_hooks.sync import dataset_files

    config = config_of(args)
    text = studies.read_study(config.root)
    if text is None:
        raise UsageError(
            f"{config.root}: no {studies.STUDY_FILE}: the package is built from the study's "
            "metadata; 'bia-hooks init' writes one to fill in (README: 'Study metadata')"
        )
    _paths, data, _listing = dataset_files(config)
    filelists = [fl.path for fl in filelists_of(config, data)[0]]
    context = studies.StudyContext(filelists, studies.accessions_of(config))
    if isinstance(text, str):
        study, findings = studies.check_study(text, context, complete=True)
    else:
        study, findings = None, [text]
    tables = {}
    named = [s.get("file_list") for s in (study or {}).get("annotations") or []
             if isinstance(s, dict)]  # fmt: skip
    for path in dict.fromkeys(p for p in named if isinstance(p, str) and p in filelists):
        table, found = read_filelist(config.root, path, repair=True)
        findings += found
        if table is not None:
            tables[path] = table
    broken = any(f.code in _BREAKS_THE_PAGETAB for f in findings)
    findings = config.apply_severity(findings)
    refused = [
        f
        for f in findings
        if f.level == Level.ERROR and (f.code.startswith("BIA5") or f.kind == Kind.SERVER)
    ]
    if study is None or broken or refused or len(tables) < len(set(named)):
        finish(args, findings, {"submission": None})
        print(
            f"bia-hooks export: {printable(args.submission)}: no package written: fix the "
            "errors above first",
            file=sys.stderr,
        )
        return 1
    files = submission.package_files(study, tables, submission.version_record(config.root))
    submission.write_package(args.submission, files)
    status = finish(args, findings, {"submission": {"folder": str(args.submission),
                                                    "files": sorted(files)}})  # fmt: skip
    print(
        f"wrote {printable(args.submission)}: {submission.PAGETAB_JSON}, "
        f"{submission.PAGETAB_TSV} and {len(tables)} file list(s) as JSON and TSV",
        file=sys.stderr,
    )
    return status
