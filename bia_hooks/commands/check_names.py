"""``bia-hooks check-names [PATH ...]``: file and folder names against the archive's rule."""

from __future__ import annotations

import argparse

from bia_hooks import namescope, tree
from bia_hooks.commands.common import (
    add_common,
    config_of,
    counted,
    finish,
    relative_to_root,
    tally,
)
from bia_hooks.findings import Finding, Level
from bia_hooks.namecheck import name_findings, set_apart_findings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    help = "files or folders to check (default: every file of the dataset)"
    parser.add_argument("paths", nargs="*", metavar="PATH", help=help)
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    if args.paths:
        # Files outside the dataset (the hook in a repository whose dataset is a folder) are not
        # ours. The hook's few paths: from the part of the index they depend on (namescope.py).
        given = relative_to_root(config.root, args.paths, skip_outside=True)
        findings, names = namescope.names_check(config, given)
    else:
        listing = tree.dataset_files(config.root, config.objects)
        findings = set_apart_findings(config, listing, None) + name_findings(
            config, None, listing.paths
        )
        names = len(listing.paths)
    return finish(args, findings, verdict=_verdict(findings, names))


def _verdict(findings: list[Finding], names: int) -> str:
    said = f"{counted(names, 'name')} checked: "
    if any(f.level is Level.ERROR for f in findings):
        return said + tally(findings)
    said += "the archive accepts it" if names == 1 else "the archive accepts them all"
    return said + (f"; {tally(findings)}" if findings else "")
