"""``bia-hooks summary REPORT.json``: a JSON report as the Markdown job summary the Action shows."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, cast

from bia_hooks.errors import UsageError
from bia_hooks.summary import MAX_FINDINGS, render_summary, report_problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", type=Path, metavar="REPORT.json",
                        help="a report written by --report")  # fmt: skip
    parser.add_argument("--max-findings", type=int, default=MAX_FINDINGS, metavar="N",
                        help=f"list at most N findings (default: {MAX_FINDINGS})")  # fmt: skip


# A report is read whole: one of a million findings is about 300 MB.
MAX_REPORT_BYTES = 1024**3


def read_report(path: Path) -> dict[str, Any]:
    """The report in ``path``; a UsageError (one message, exit 2) for anything that is not one."""
    try:
        with open(path, "rb") as f:  # read at most the limit: /dev/zero is no report either
            data = f.read(MAX_REPORT_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read the report: {e.strerror}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise UsageError(f"{path}: not read: a report of more than {MAX_REPORT_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a bia-hooks JSON report (not UTF-8 text)") from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}:{e.lineno}: not a bia-hooks JSON report: {e.msg}") from None
    except RecursionError:
        raise UsageError(f"{path}: not a bia-hooks JSON report (nested too deeply)") from None
    except ValueError:  # the only other error json.loads raises: Python's limit on int digits
        raise UsageError(
            f"{path}: not a bia-hooks JSON report (a number of more than 4,300 digits)"
        ) from None
    problem = report_problem(report)
    if problem is not None:
        raise UsageError(f"{path}: not a bia-hooks JSON report ({problem})")
    return cast(dict[str, Any], report)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render_summary(read_report(args.report), args.max_findings))
    return 0
