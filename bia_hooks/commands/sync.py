"""``bia-hooks sync``: bring each file list in line with the dataset (``--check`` only reports)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from bia_hooks import sync
from bia_hooks.commands.common import add_common, config_of, finish
from bia_hooks.config import Config, FileListConfig
from bia_hooks.findings import Finding


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when a file list is out of step",
    )
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    _, data, findings = sync.dataset_files(config)
    filelists, coverage = sync.share_out(config, data)
    findings += config.apply_severity(sync.coverage_findings(coverage, filelists))
    renames_of = sync.rename_finder(config)
    changed = False
    arriving = {} if args.check else sync.rows_moving_out(config, filelists, coverage, renames_of)
    out = sys.stdout if args.format == "text" else sys.stderr  # keep JSON output parseable
    prepared = []
    for filelist in filelists:
        members = sync.members_of(coverage, filelist)
        if args.check:
            findings += config.apply_severity(
                _check(config, filelist, members, renames_of(filelist))
            )
            continue
        outcome, editor = sync.prepare_sync(
            config, filelist, members, renames_of(filelist), arriving
        )
        findings += config.apply_severity(sync.unstaged_findings(outcome))
        prepared.append((outcome, editor))
    for outcome, editor in prepared:  # every list could be edited: now write them
        if editor is not None:
            editor.save(config.root / outcome.config.path)
            changed = True
            print("\n".join(sync.describe(outcome)), file=out)
    status = finish(args, findings)
    if changed:
        print("File list(s) updated: review and stage them (git add), then commit again.", file=out)
        return 1
    return status


def _check(
    config: Config, filelist: FileListConfig, members: list[str], renames: Mapping[str, str]
) -> list[Finding]:
    from bia_hooks.filelist.read import read_filelist

    exists = (config.root / filelist.path).exists()
    table, problems = read_filelist(config.root, filelist.path) if exists else (None, [])
    drift = sync.check_one(config, filelist, members, renames, table)[1]
    # A list the archive cannot read is not in step either: say why, or --check would pass it.
    return drift if table is not None else problems + drift
