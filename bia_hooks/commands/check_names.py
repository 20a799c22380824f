"""``bia-hooks check-names [PATH ...]``: file and folder names against the archive's rule."""

from __future__ import annotations

import argparse

from bia_hooks import tree
from bia_hooks.commands.common import add_common, config_of, finish, relative_to_root
from bia_hooks.namecheck import checked_paths, name_findings, set_apart_findings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    help = "files or folders to check (default: every file of the dataset)"
    parser.add_argument("paths", nargs="*", metavar="PATH", help=help)
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    # One listing, also for the hook's few paths: a new name must collide with no entry.
    listing = tree.dataset_files(config.root, config.objects)
    everything = listing.paths
    # Files outside the dataset (the hook in a repository whose dataset is a folder) are not ours.
    given = relative_to_root(config.root, args.paths, skip_outside=True)
    checked = checked_paths(config.root, given, everything, config.objects) if args.paths else None
    in_git = tree.is_git_work_tree(config.root)
    apart = set_apart_findings(config, listing, given if args.paths else None, in_git)
    return finish(args, apart + name_findings(config, checked, everything))
