"""Reporters: findings to text, JSON or GitHub workflow commands, chosen by name."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from bia_hooks import __version__
from bia_hooks.codes import CODES, KIND_TEXT
from bia_hooks.findings import Finding, Kind, Level, count_levels
from bia_hooks.safe_text import escape_data, escape_property, inert_json, printable

REPORT_VERSION = 1
FORMATS = ("text", "json", "github")


class Reporter(Protocol):
    def report(
        self, findings: Sequence[Finding], out: TextIO, extra: dict[str, Any] | None = None
    ) -> None: ...


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """Errors first, then by file and line: the most useful at the top."""
    return sorted(findings, key=Finding.sort_key)


def _line(f: Finding) -> str:
    where = f.location()
    column = f" [{f.column}]" if f.column else ""
    fix = f" -> {f.fix}" if f.fix else ""
    # A file name may hold a line break or an escape sequence: one finding stays one plain line.
    return printable(f"{where}:{column} {f.level.value} {f.code} {f.message}{fix}")


class TextReporter:
    """One line per finding, ``path:line: level CODE message -> fix``; long runs capped per code."""

    def __init__(self, max_per_code: int = 50) -> None:
        self.max_per_code = max_per_code

    def report(
        self, findings: Sequence[Finding], out: TextIO, extra: dict[str, Any] | None = None
    ) -> None:
        shown: Counter[str] = Counter()
        for f in ordered(findings):
            shown[f.code] += 1
            if self.max_per_code and shown[f.code] > self.max_per_code:
                continue
            out.write(_line(f) + "\n")
        totals = Counter(f.code for f in findings)
        for code, total in sorted(totals.items()):
            if self.max_per_code and total > self.max_per_code:
                hidden = total - self.max_per_code
                out.write(
                    f"... and {hidden:,} more {code} "
                    f"({total:,} in all; --format json lists every one)\n"
                )
        if findings:
            counts = count_levels(findings)
            kinds = Counter(KIND_TEXT[f.kind] for f in findings if f.level.value == "error")
            out.write(f"{counts['error']:,} error(s), {counts['warning']:,} warning(s)")
            if counts["info"]:
                out.write(f", {counts['info']:,} note(s)")
            if kinds:
                out.write(" — " + "; ".join(f"{n:,}: {k}" for k, n in kinds.most_common()))
            out.write("\n")


def to_json(findings: Sequence[Finding], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    items = []
    for f in ordered(findings):
        item: dict[str, Any] = {
            "code": f.code,
            "level": f.level.value,
            "kind": f.kind.value,
            "path": f.path,
            "message": f.message,
        }
        for key in ("line", "column", "cell", "pointer", "value", "fix"):
            if (value := getattr(f, key)) is not None:
                item[key] = value
        items.append(item)
    counts = count_levels(findings)
    report: dict[str, Any] = {
        "version": REPORT_VERSION,
        "tool": {"name": "bia-hooks", "version": __version__},
        "summary": {
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "by_code": dict(sorted(Counter(f.code for f in findings).items())),
        },
        "findings": items,
    }
    if extra:
        report.update(extra)
    return report


class JsonReporter:
    def report(
        self, findings: Sequence[Finding], out: TextIO, extra: dict[str, Any] | None = None
    ) -> None:
        # Printed to a terminal or a CI log: file names in it stay inert there too.
        out.write(inert_json(json.dumps(to_json(findings, extra), indent=2, ensure_ascii=False)))
        out.write("\n")


def github_command(f: Finding, path_prefix: str = "") -> str:
    """One finding as a workflow command, ``::error file=…,line=…,title=…::message``."""
    command = {"error": "error", "warning": "warning", "info": "notice"}[f.level.value]
    props = [f"file={escape_property(path_prefix + f.path)}"] if f.path else []
    if f.line is not None:
        props.append(f"line={f.line}")
    props.append(f"title={escape_property(f'{f.code} {f.title}')}")
    where = f" ({f.cell or f.column})" if (f.cell or f.column) else ""
    fix = f" Fix: {f.fix.rstrip('.')}." if f.fix else ""
    message = f"{f.message.rstrip('.')}{where}.{fix}"
    return f"::{command} {','.join(props)}::{escape_data(message)}"


# GitHub shows at most 10 error, 10 warning and 10 notice annotations per step.
ANNOTATIONS_PER_LEVEL = 10
_KIND_RANK = {Kind.SERVER: 0, Kind.INGEST: 1, Kind.RISKY: 2}


def spread(findings: Sequence[Finding], limit: int) -> list[Finding]:
    """At most ``limit`` findings, as varied as possible: one per code in turn, new files first.

    Codes the archive refuses come before the ones its ingest needs, then the risky ones; ten
    annotations of one code on one file would hide every other problem.
    """
    queues: dict[str, list[Finding]] = {}
    for f in ordered(findings):
        queues.setdefault(f.code, []).append(f)
    codes = sorted(queues, key=lambda c: (_KIND_RANK[CODES[c].kind], c))
    chosen: list[Finding] = []
    files: set[str] = set()
    while len(chosen) < limit and any(queues.values()):
        for code in codes:
            queue = queues[code]
            if not queue or len(chosen) == limit:
                continue
            i = next((i for i, f in enumerate(queue) if f.path not in files), 0)
            chosen.append(queue.pop(i))
            files.add(chosen[-1].path)
    return chosen


def pick_annotations(
    findings: Sequence[Finding], per_level: int = ANNOTATIONS_PER_LEVEL
) -> list[Finding]:
    """The findings worth an annotation: up to ``per_level`` errors, warnings and notices each."""
    chosen: list[Finding] = []
    for level in Level:
        chosen += spread([f for f in findings if f.level is level], per_level)
    return ordered(chosen)


class GithubReporter:
    """Workflow commands for the findings GitHub will show, then one line counting all of them.

    GitHub shows about ten annotations per level and step: the most useful go out as annotations,
    the rest are only counted (the job summary and the JSON report have every one).
    ``path_prefix`` is the dataset root's folder in the repository, so that annotations land on
    the right file when the dataset is not at the repository's top.
    """

    def __init__(self, path_prefix: str = "", per_level: int = ANNOTATIONS_PER_LEVEL) -> None:
        self.path_prefix = path_prefix
        self.per_level = per_level

    def report(
        self, findings: Sequence[Finding], out: TextIO, extra: dict[str, Any] | None = None
    ) -> None:
        shown = pick_annotations(findings, self.per_level)
        for f in shown:
            out.write(github_command(f, self.path_prefix) + "\n")
        counts = count_levels(findings)
        line = f"bia-hooks: {counts['error']:,} error(s), {counts['warning']:,} warning(s)"
        if counts["info"]:
            line += f", {counts['info']:,} note(s)"
        hidden = len(findings) - len(shown)
        if hidden:
            line += (
                f"; {len(shown):,} shown as annotations, {hidden:,} more in the job summary"
                " and the JSON report"
            )
        out.write(line + "\n")


def make_reporter(name: str, max_per_code: int = 50, path_prefix: str = "") -> Reporter:
    if name == "json":
        return JsonReporter()
    if name == "github":
        return GithubReporter(path_prefix)
    return TextReporter(max_per_code)


def github_path_prefix(root: Path, environ: Mapping[str, str] = os.environ) -> str:
    """The dataset root's folder in the GitHub workspace (``data/``); '' at its top or outside."""
    workspace = environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    rel = os.path.relpath(os.path.realpath(root), os.path.realpath(workspace))
    if rel == "." or rel == ".." or rel.startswith("../") or os.path.isabs(rel):
        return ""
    return rel.replace(os.sep, "/") + "/"
