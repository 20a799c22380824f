"""``bia-hooks sync``: bring each file list in line with the dataset (``--check`` only reports)."""

from __future__ import annotations

import argparse
import sys

from bia_hooks import sync, tree
from bia_hooks.commands.common import add_common, config_of, finish
from bia_hooks.findings import Finding

HELP = "bring each file list in line with the dataset's files (--check: only report)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when a file list is out of step")  # fmt: skip
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    paths = tree.dataset_paths(config.root)
    filelists, coverage = sync.share_out(config, paths)
    findings: list[Finding] = sync.coverage_findings(coverage, filelists)
    renames = sync.staged_renames(config.root)
    changed = False
    out = sys.stdout if args.format == "text" else sys.stderr  # keep JSON output parseable
    for filelist in filelists:
        sync.ensure_inside(config.root, filelist)
        members = sync.members_of(coverage, filelist)
        outcome, drift = sync.sync_one(config, filelist, members, renames, write=not args.check)
        findings += drift
        if not args.check and (outcome.plan.changed or outcome.created):
            changed = True
            print("\n".join(sync.describe(outcome)), file=out)
    status = finish(args, config.apply_severity(findings))
    if changed:
        print("File list(s) updated: review and stage them (git add), then commit again.", file=out)
        return 1
    return status
