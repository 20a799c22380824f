"""Reporters: findings to text, JSON or GitHub workflow commands, chosen by name."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from bia_hooks import __version__
from bia_hooks.codes import KIND_TEXT
from bia_hooks.findings import Finding, count_levels

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
    return f"{where}:{column} {f.level.value} {f.code} {f.message}{fix}"


class TextReporter:
    """One line per finding, ``path:line: level CODE message -> fix``; long runs of one code capped."""

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
                    f"... and {hidden:,} more {code} ({total:,} in all; --format json lists every one)\n"
                )
        if findings:
            counts = count_levels(list(findings))
            kinds = Counter(KIND_TEXT[f.kind] for f in findings if f.level.value == "error")
            out.write(f"{counts['error']:,} error(s), {counts['warning']:,} warning(s)")
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
    counts = count_levels(list(findings))
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
        json.dump(to_json(findings, extra), out, indent=2, ensure_ascii=False)
        out.write("\n")


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github_command(f: Finding) -> str:
    command = {"error": "error", "warning": "warning", "info": "notice"}[f.level.value]
    props = [f"file={_escape_property(f.path)}"] if f.path else []
    if f.line is not None:
        props.append(f"line={f.line}")
    props.append(f"title={_escape_property(f'{f.code} {f.title}')}")
    where = f" ({f.cell or f.column})" if (f.cell or f.column) else ""
    fix = f" Fix: {f.fix}." if f.fix else ""
    return f"::{command} {','.join(props)}::{_escape_data(f.message + where + '.' + fix)}"


class GithubReporter:
    """Workflow commands; GitHub shows about ten per step, so the most useful come first."""

    def report(
        self, findings: Sequence[Finding], out: TextIO, extra: dict[str, Any] | None = None
    ) -> None:
        for f in ordered(findings):
            out.write(github_command(f) + "\n")
        if findings:
            counts = count_levels(list(findings))
            out.write(f"bia-hooks: {counts['error']} error(s), {counts['warning']} warning(s)\n")


def make_reporter(name: str) -> Reporter:
    if name == "json":
        return JsonReporter()
    if name == "github":
        return GithubReporter()
    return TextReporter()
