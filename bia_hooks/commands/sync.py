"""``bia-hooks sync``: bring each file list in line with the dataset (``--check`` only reports)."""

from __future__ import annotations

import argparse
import sys

from bia_hooks import advice, atomic, incremental, progress, rowlog, sync
from bia_hooks.commands.common import add_common, config_of, finish, tally
from bia_hooks.config import Config
from bia_hooks.findings import Finding, Level
from bia_hooks.safe_text import printable
from bia_hooks.session import Session, open_session


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when a file list is out of step",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="read the whole dataset, not only what changed since the last sync found it in step",
    )
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    if args.check:
        return _check(args, config, open_session(config, keep_tables=True))
    opened = None if args.full else incremental.open_delta_session(config)
    prior: incremental.Prior | None
    if opened is not None:
        session, prior = opened
        return _sync(args, config, session, prior)
    # The bar is gone before the sync prints what it changed.
    with progress.Stages(["listing the files and reading the lists"], "sync") as stage:
        session = open_session(config, keep_tables=False)
        prior = incremental.prior_of(config) if session.in_git and session.configured else None
        stage.done()
    return _sync(args, config, session, prior)


def _check(args: argparse.Namespace, config: Config, session: Session) -> int:
    findings = session.findings + session.coverage_findings()
    for filelist in session.filelists:
        table = session.tables[filelist.path]
        drift = session.drift_findings(filelist)[1]
        # A list the archive cannot read is not in step either: say why, or --check passes it.
        findings += drift if table is not None else session.read_findings[filelist.path] + drift
    return finish(args, findings, verdict=_verdict(findings))


def _sync(args: argparse.Namespace, config: Config, session: Session,
          prior: incremental.Prior | None) -> int:  # fmt: skip
    findings = session.findings + session.coverage_findings()
    out = sys.stdout if args.format == "text" else sys.stderr  # keep JSON output parseable
    prepared = session.prepare()
    findings += _unreadable(session)
    for outcome, _ in prepared:
        findings += config.apply_severity(sync.unstaged_findings(outcome))
    for outcome, editor in prepared:  # values about to be removed are saved before any write
        if editor is not None and outcome.lost:
            if editor.fingerprint is not None:  # not for a list that is then left as it is
                atomic.ensure_unchanged(config.root / outcome.config.path, editor.fingerprint)
            rowlog.save(config.root, outcome.config.path, outcome.lost)
    restored = session.restored_rows(prepared)
    edited = [(outcome, editor) for outcome, editor in prepared if editor is not None]
    # Every list could be edited: now write them all, or none when one changed since it was read
    # (a person saved it meanwhile: the edit is kept, and the sync is run again).
    written: dict[str, tuple[bytes, list[str]]] = {}
    for outcome, editor in edited:
        paths = editor.paths()  # before its rows go
        written[outcome.config.path] = (editor.render_final(), paths)
    atomic.write_all(
        (config.root / o.config.path, written[o.config.path][0], e.fingerprint) for o, e in edited
    )
    rows_changed = {o.config.path: o.plan.size() for o, _ in edited}
    incremental.record(config, prior, session, written, rows_changed, findings)
    for outcome, _ in edited:
        for line in sync.describe(outcome, session.setting):  # it quotes file names
            print(printable(line), file=out)
    changed = bool(edited)
    for row in restored:  # their values are on the file's row now
        rowlog.mark_restored(config.root, row)
    status = finish(args, findings, verdict=None if changed else _verdict(findings))
    if changed:
        print(advice.after_sync(session.setting), file=out)
        return 1
    return status


def _verdict(findings: list[Finding]) -> str:
    if any(f.level is Level.ERROR for f in findings):
        return f"file lists not in step: {tally(findings)}"
    return "file lists in step: nothing to change" + (f"; {tally(findings)}" if findings else "")


def _unreadable(session: Session) -> list[Finding]:
    """Lists the sync leaves alone because the archive cannot read them: their errors say why."""
    return [
        f
        for fl in session.filelists
        if session.listed[fl.path] is None
        for f in session.read_findings[fl.path]
    ]
