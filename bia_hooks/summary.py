"""The JSON report as a Markdown job summary: verdict, file lists, findings by code, first findings.

Pure: a report dict in, Markdown out. GitHub refuses a step summary over 1 MiB, so every list is
capped and the whole text is cut, with a note, if it would still be too long. Every value that
comes from the dataset (paths, cells, messages) is escaped: a file name is data, never Markdown.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from bia_hooks.codes import CODES, KIND_TEXT, Kind
from bia_hooks.reporters import REPORT_VERSION
from bia_hooks.safe_text import markdown
from bia_hooks.uploadplan import render_markdown as upload_plan_section

__all__ = ["SUMMARY_LIMIT", "render_summary", "report_problem"]

SUMMARY_LIMIT = 1024 * 1024  # bytes: GitHub's limit for one step's summary
_BUDGET = SUMMARY_LIMIT - 4096  # room for the truncation note and a margin
MAX_FINDINGS = 50  # rows of the findings table
MAX_PATHS = 20  # paths shown per "missing from / extra to the list"
MAX_FILELISTS = 50  # file lists shown in detail
MAX_CELL = 300  # characters of one value before it is shortened

_LEVEL_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
_LEVEL_RANK = {"error": 0, "warning": 1, "info": 2}


def _text(value: object, limit: int = MAX_CELL) -> str:
    """Any value as inert Markdown on one line, shortened to ``limit`` characters."""
    return markdown(value, limit)


def _code(value: object, limit: int = MAX_CELL) -> str:
    # <code> rather than backticks: a path may hold backticks; <code> also stops @mentions.
    return f"<code>{_text(value, limit)}</code>"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _verdict(summary: Mapping[str, Any], findings: list[Mapping[str, Any]]) -> list[str]:
    errors = _int(summary.get("errors")) or 0
    warnings = _int(summary.get("warnings")) or 0
    infos = _int(summary.get("infos")) or 0
    if errors:
        refused = sum(
            1 for f in findings if f.get("level") == "error" and f.get("kind") == Kind.SERVER.value
        )
        head = f"## ❌ bia-hooks: {_n(errors, 'error')}, {_n(warnings, 'warning')}"
        if refused:
            tail = f"Fix the errors before submitting: the archive will refuse {refused:,} of them."
        else:
            tail = "Fix the errors before submitting: the archive's ingest or curators need them."
    elif warnings:
        head = f"## ⚠️ bia-hooks: no errors, {_n(warnings, 'warning')}"
        tail = "The archive accepts this, but the warnings are likely to cause trouble later."
    else:
        head = "## ✅ bia-hooks: ready for the BioImage Archive"
        tail = "No errors and no warnings."
    if infos:
        tail += f" ({_n(infos, 'note')}.)"
    return [head, "", tail, ""]


def _types(counts: object) -> str:
    if not isinstance(counts, Mapping) or not counts:
        return "—"
    ordered = sorted(counts.items(), key=lambda kv: (-(_int(kv[1]) or 0), str(kv[0])))
    return ", ".join(f"{_code(name, 80)} {_int(n) or 0:,}" for name, n in ordered)


def _paths_block(title: str, paths: list[object], count: int) -> list[str]:
    lines = [f"<details><summary>{title}</summary>", ""]
    lines += [f"- {_code(p)}" for p in paths[:MAX_PATHS]]
    shown = min(len(paths), MAX_PATHS)
    if count > shown:
        lines.append(f"- … and {count - shown:,} more (every one is in the JSON report)")
    return [*lines, "", "</details>", ""]


def _paths_and_count(fl: Mapping[str, Any], key: str) -> tuple[list[object], int]:
    """The paths the report lists (it caps them) and how many there are in all."""
    paths = [p for p in fl.get(key) or [] if p is not None]
    count = _int(fl.get(f"{key}_count"))
    return paths, max(count or 0, len(paths))


def _filelists(filelists: list[Mapping[str, Any]]) -> list[str]:
    if not filelists:
        return []
    lines = [
        "### File lists",
        "",
        "| File list | Format | Rows | Annotation types | Not in the list | Listed, not found |",
        "|---|---|---:|---|---:|---:|",
    ]
    details: list[str] = []
    for fl in filelists[:MAX_FILELISTS]:
        path = fl.get("path", "?")
        rows = _int(fl.get("rows"))
        unlisted, n_unlisted = _paths_and_count(fl, "unlisted")
        missing, n_missing = _paths_and_count(fl, "missing")
        lines.append(
            f"| {_code(path)} | {_text(fl.get('format') or '—')} | "
            f"{'—' if rows is None else f'{rows:,}'} | {_types(fl.get('annotation_types'))} | "
            f"{n_unlisted:,} | {n_missing:,} |"
        )
        if n_unlisted:
            title = f"{_code(path, 100)}: {_n(n_unlisted, 'dataset file')} not in the list"
            details += _paths_block(title, unlisted, n_unlisted)
        if n_missing:
            title = f"{_code(path, 100)}: {_n(n_missing, 'listed path')} not in the dataset"
            details += _paths_block(title, missing, n_missing)
    lines.append("")
    if len(filelists) > MAX_FILELISTS:
        hidden = len(filelists) - MAX_FILELISTS
        lines += [f"… and {_n(hidden, 'more file list')} (every one is in the JSON report).", ""]
    return lines + details


def _by_code(by_code: Mapping[str, Any], findings: list[Mapping[str, Any]]) -> list[str]:
    counts = {code: n for code, n in by_code.items() if _int(n)}
    if not counts:  # an older report: count the findings themselves
        counts = dict(Counter(str(f.get("code")) for f in findings))
    if not counts:
        return []
    # The level a code was reported at (the configuration may change it): the most severe seen.
    levels: dict[str, str] = {}
    for f in findings:
        code, level = str(f.get("code")), str(f.get("level"))
        if _LEVEL_RANK.get(level, 9) < _LEVEL_RANK.get(levels.get(code, ""), 9):
            levels[code] = level
    for code in counts:
        if code not in levels and code in CODES:
            levels[code] = CODES[code].level.value
    order = sorted(counts, key=lambda c: (_LEVEL_RANK.get(levels.get(c, ""), 9), c))
    lines = ["### Findings by code", ""]
    lines += ["| Code | Level | Count | What it means | Why it matters |", "|---|---|---:|---|---|"]
    for code in order:
        known = CODES.get(code)
        title = _text(known.title) if known else ""
        kind = _text(KIND_TEXT[known.kind]) if known else ""
        level = levels.get(code, "")
        shown = f"{_LEVEL_ICON.get(level, '')} {_text(level)}"
        lines.append(f"| {_text(code)} | {shown} | {counts[code]:,} | {title} | {kind} |")
    return [*lines, ""]


def _where(f: Mapping[str, Any]) -> str:
    where = _code(f.get("path") or ".")
    for key, fmt in (("cell", "cell {}"), ("line", "line {}"), ("pointer", "{}")):
        if f.get(key) is not None:
            where += f" {_text(fmt.format(f[key]), 80)}"
            break
    if f.get("column"):
        where += f" column {_code(f['column'], 80)}"
    return where


def _findings(findings: list[Mapping[str, Any]], limit: int) -> list[str]:
    if not findings or limit <= 0:
        return []
    shown = sorted(findings, key=lambda f: _LEVEL_RANK.get(str(f.get("level")), 9))[:limit]
    of = f" of {len(findings):,}" if len(findings) > len(shown) else ""
    lines = [f"### First {len(shown):,} findings{of}", ""]
    lines += ["| | Code | Where | Problem | Fix |", "|---|---|---|---|---|"]
    for f in shown:
        icon = _LEVEL_ICON.get(str(f.get("level")), "")
        message = _text(f.get("message", ""))
        if f.get("value") is not None:
            message += f" (value {_code(f['value'], 100)})"
        fix = _text(f["fix"]) if f.get("fix") else ""
        lines.append(f"| {icon} | {_text(f.get('code', ''))} | {_where(f)} | {message} | {fix} |")
    if of:
        lines += ["", "Every finding is in the JSON report."]
    return [*lines, ""]


def _fit(lines: Iterable[str], budget: int) -> str:
    """Join ``lines``, stopping before ``budget`` bytes; a cut closes open <details> and says so."""
    out: list[str] = []
    size = 0
    for line in lines:
        size += len(line.encode("utf-8")) + 1
        if size > budget:
            opened = sum(x.startswith("<details>") for x in out) - out.count("</details>")
            out += ["", *(["</details>"] * max(opened, 0))]
            out.append("**The summary was cut here: GitHub shows at most 1 MiB.** "
                       "Every finding is in the JSON report.")  # fmt: skip
            break
        out.append(line)
    return "\n".join(out) + "\n"


def _kind(value: object) -> str:
    """The JSON type of ``value``, as a message names it."""
    if value is None:
        return "null"
    names = {bool: "true or false", dict: "an object", list: "an array", str: "a string"}
    return next((name for t, name in names.items() if isinstance(value, t)), "a number")


def report_problem(report: object) -> str | None:
    """Why ``report`` is not a report ``render_summary`` reads (version 1), or None.

    Only what a summary relies on is checked: the version, and each part's JSON type."""
    if not isinstance(report, dict) or "version" not in report:
        return "no version field"
    version = report["version"]
    if type(version) is not int or version != REPORT_VERSION:
        shown = json.dumps(version)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        return f"version {shown}; this bia-hooks reads version {REPORT_VERSION}"
    parts: list[tuple[str, object, type]] = [
        (key, report.get(key), kind)
        for key, kind in (("tool", dict), ("summary", dict), ("findings", list),
                          ("filelists", list), ("upload_plan", dict))
    ]  # fmt: skip
    summary = report.get("summary")
    if isinstance(summary, dict):
        parts.append(("summary.by_code", summary.get("by_code"), dict))
    for key in ("findings", "filelists"):
        items = report.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            parts.append((f"{key}[{i}]", item, dict))
            if key == "filelists" and isinstance(item, dict):
                parts += [(f"{key}[{i}].{k}", item.get(k), list) for k in ("unlisted", "missing")]
                parts.append((f"{key}[{i}].annotation_types", item.get("annotation_types"), dict))
    for where, value, kind in parts:
        if value is not None and not isinstance(value, kind):
            return f"{where} is {_kind(value)}, not {_kind(kind())}"
    return None


def render_summary(report: Mapping[str, Any], max_findings: int = MAX_FINDINGS) -> str:
    """The Markdown job summary of one ``bia-hooks check`` JSON report (version 1)."""
    summary = report.get("summary") or {}
    findings = [f for f in report.get("findings") or [] if isinstance(f, Mapping)]
    filelists = [fl for fl in report.get("filelists") or [] if isinstance(fl, Mapping)]
    tool = report.get("tool") or {}
    lines = _verdict(summary, findings)
    facts = [f"bia-hooks {_text(tool.get('version', '?'), 40)}"]
    if filelists:
        rows = sum(_int(fl.get("rows")) or 0 for fl in filelists)
        facts += [_n(len(filelists), "file list"), _n(rows, "row")]
    lines += [" · ".join(facts), ""]
    lines += _filelists(filelists)
    if isinstance(report.get("upload_plan"), Mapping):  # check --report makes one
        lines += upload_plan_section(report["upload_plan"]).split("\n")
    lines += _by_code(summary.get("by_code") or {}, findings)
    lines += _findings(findings, max_findings)
    return _fit(lines, _BUDGET)
