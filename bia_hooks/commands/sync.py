"""``bia-hooks sync``: bring each file list in line with the dataset (``--check`` only reports)."""

from __future__ import annotations

import argparse
import sys

from bia_hooks import advice, atomic, rowlog, sync
from bia_hooks.commands.common import add_common, config_of, finish, tally
from bia_hooks.findings import Finding, Level
from bia_hooks.safe_text import printable
from bia_hooks.session import Session, open_session


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when a file list is out of step",
    )
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    session = open_session(config, keep_tables=args.check)
    findings = session.findings + session.coverage_findings()
    if args.check:
        for filelist in session.filelists:
            table = session.tables[filelist.path]
            drift = session.drift_findings(filelist)[1]
            # A list the archive cannot read is not in step either: say why, or --check passes it.
            findings += drift if table is not None else session.read_findings[filelist.path] + drift
        return finish(args, findings, verdict=_verdict(findings))
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
    atomic.write_all((config.root / o.config.path, e.render(), e.fingerprint) for o, e in edited)
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
