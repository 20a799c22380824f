"""``bia-hooks check-names [PATH ...]``: file and folder names against the archive's rule."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bia_hooks import globs, tree
from bia_hooks.commands.common import add_common, config_of, finish, relative_to_root
from bia_hooks.config import Config
from bia_hooks.findings import Finding
from bia_hooks.names import check_names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    help = "files or folders to check (default: every file of the dataset)"
    parser.add_argument("paths", nargs="*", metavar="PATH", help=help)
    add_common(parser)


def expand_paths(root: Path, paths: list[str], everything: list[str]) -> list[str]:
    """The paths as given, each folder among them replaced by the dataset's files below it."""
    folders = [p for p in paths if os.path.isdir(os.path.join(root, p))
               and not os.path.islink(os.path.join(root, p))]  # fmt: skip
    if not folders:  # the hook's case: files only, no need to scan the dataset
        return paths
    if "." in folders:  # the root: every file
        below = everything
    else:
        prefixes = tuple(f + "/" for f in folders)
        below = [p for p in everything if p.startswith(prefixes)]
    return [p for p in paths if p not in folders] + below


def name_findings(config: Config, checked: list[str] | None = None,
                  everything: list[str] | None = None) -> list[Finding]:  # fmt: skip
    """Name findings for ``checked`` (default: every file), against every file of the dataset."""
    if everything is None:
        everything = tree.dataset_paths(config.root)
    if checked is None:
        checked = everything
    if config.name_ignore:
        ignore = globs.compile_globs(config.name_ignore)
        checked = [p for p in checked if not ignore.fullmatch(p)]
    return config.apply_severity(check_names(checked, everything, config.names))


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    everything = tree.dataset_paths(config.root)
    checked = (
        expand_paths(config.root, relative_to_root(config.root, args.paths), everything)
        if args.paths
        else None
    )
    return finish(args, name_findings(config, checked, everything))
