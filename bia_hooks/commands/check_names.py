"""``bia-hooks check-names [PATH ...]``: file and folder names against the archive's rule."""

from __future__ import annotations

import argparse

from bia_hooks import globs, tree
from bia_hooks.commands.common import add_common, config_of, finish, relative_to_root
from bia_hooks.config import Config
from bia_hooks.findings import Finding
from bia_hooks.names import check_names

HELP = "check file and folder names against the archive's rule"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="paths to check (default: every file of the dataset)")  # fmt: skip
    add_common(parser)


def name_findings(config: Config, checked: list[str] | None = None,
                  everything: list[str] | None = None) -> list[Finding]:  # fmt: skip
    """Name findings for ``checked`` (default: every file), against every file of the dataset."""
    if everything is None:
        everything = tree.dataset_paths(config.root)
    if checked is None:
        checked = everything
    ignore = globs.compile_globs(config.name_ignore)
    checked = [p for p in checked if not ignore.fullmatch(p)]
    return config.apply_severity(check_names(checked, everything, config.names))


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    checked = relative_to_root(config.root, args.paths) if args.paths else None
    return finish(args, name_findings(config, checked))
