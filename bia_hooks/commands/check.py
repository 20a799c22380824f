"""``bia-hooks check``: names, file lists in step with the dataset, and file list content — the
whole dataset at once, as CI runs it."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from bia_hooks import progress
from bia_hooks.commands.common import (
    LEFT_FOR_EXIT,
    add_common,
    config_of,
    counted,
    finish,
    tally,
)
from bia_hooks.config import Config
from bia_hooks.filelist.table import Table
from bia_hooks.findings import Finding, Level
from bia_hooks.session import Session, open_session
from bia_hooks.syncplan import SyncPlan
from bia_hooks.validation import validate_filelist

LISTED_PATHS_IN_REPORT = 1000  # per list and kind; the counts are always complete


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    # The session (a million paths, every list's table) is gone before the upload plan lists the
    # dataset again: one of the two in memory at a time. Without a plan, the exit drops it.
    planned = args.report is not None or args.format == "json"  # the text shows no plan
    findings, summaries = _checked(config, keep=not planned)
    extra: dict[str, Any] = {"filelists": summaries}
    if planned:
        from bia_hooks.uploadfiles import dataset_plan
        from bia_hooks.uploadplan import to_json

        extra["upload_plan"] = to_json(dataset_plan(config))
    return finish(args, findings, extra, _verdict(findings, summaries))


def _checked(config: Config, keep: bool) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Every finding of the dataset, and what the report says of each file list. ``keep``: the
    session is left for the process's exit to drop."""
    labels = ["listing the files, reading and validating the lists", "checking the names",
              "comparing the lists with the files"]  # fmt: skip
    with progress.Stages(labels, "check") as stage:
        session = open_session(config, reader=validate_filelist, check_names=True)
        stage.done()
        findings = session.findings + session.name_findings()
        stage.done()
        findings += session.coverage_findings()
        findings += _study_findings(session)
        summaries = []
        for filelist in session.filelists:
            table = session.tables[filelist.path]
            outcome, drift = session.drift_findings(filelist)
            findings += session.read_findings[filelist.path] + drift
            summaries.append(_summary(filelist.path, filelist.schema, table, outcome.plan))
        stage.done()
    if keep:
        LEFT_FOR_EXIT.append(session)
    return findings, summaries


def _verdict(findings: list[Finding], summaries: list[dict[str, Any]]) -> str:
    ready = "not ready" if any(f.level is Level.ERROR for f in findings) else "ready"
    rows = sum(s["rows"] for s in summaries)
    return (
        f"{ready} for the archive: {counted(len(summaries), 'file list')}, "
        f"{counted(rows, 'row')}, {tally(findings, every=True)}"
    )


def _study_findings(session: Session) -> list[Finding]:
    """study.yaml, when the dataset has one, against the template and the dataset's file lists."""
    from bia_hooks import study

    text = study.read_study(session.config.root)
    if text is None:
        return []
    if not isinstance(text, str):
        return session.config.apply_severity([text])
    context = study.StudyContext(
        [fl.path for fl in session.filelists], study.accessions_of(session.config)
    )
    return session.config.apply_severity(study.check_study(text, context)[1])


def _summary(path: str, schema: str, table: Table | None, plan: SyncPlan) -> dict[str, Any]:
    """What the report (and the Action's job summary) says of one file list."""
    return {
        "path": path,
        "format": path.rsplit(".", 1)[-1],
        "schema": schema,
        "rows": table.n_rows if table is not None else 0,
        "annotation_types": _annotation_types(table) if table is not None else {},
        "unlisted": plan.added[:LISTED_PATHS_IN_REPORT],
        "unlisted_count": len(plan.added),
        "missing": [*plan.removed, *plan.renamed][:LISTED_PATHS_IN_REPORT],
        "missing_count": len(plan.removed) + len(plan.renamed),
    }


def _annotation_types(table: Table) -> dict[str, int]:
    from bia_hooks.filelist.columns import ANNOTATION_TYPE, resolve

    columns = resolve(table.header)
    index = columns.first.get(ANNOTATION_TYPE)
    if index is None:
        return {}
    # A million rows hold a handful of distinct cells: count the cells, then split each once.
    cells = Counter(table.cells(index))
    counts: Counter[str] = Counter()
    for cell, n in cells.items():
        for value in (cell or "").split(","):  # None: a short row, no type
            if value.strip():
                counts[value.strip()] += n
    return dict(counts.most_common())
