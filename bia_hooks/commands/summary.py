"""``bia-hooks summary REPORT.json``: a JSON report as the Markdown job summary the Action shows."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bia_hooks.errors import UsageError
from bia_hooks.summary import MAX_FINDINGS, render_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", type=Path, metavar="REPORT.json",
                        help="a report written by --report")  # fmt: skip
    parser.add_argument("--max-findings", type=int, default=MAX_FINDINGS, metavar="N",
                        help=f"list at most N findings (default: {MAX_FINDINGS})")  # fmt: skip


def read_report(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read the report: {e.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a bia-hooks JSON report (not UTF-8 text)") from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}:{e.lineno}: not a bia-hooks JSON report: {e.msg}") from None
    if not isinstance(report, dict) or "version" not in report:
        raise UsageError(f"{path}: not a bia-hooks JSON report (no version field)")
    return report


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render_summary(read_report(args.report), args.max_findings))
    return 0
