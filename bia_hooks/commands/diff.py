"""``bia-hooks diff REV1 [REV2]``: what changed in the file lists and the annotation files between
two versions of the dataset (REV2 default: the staged files, the git index), read from git.

``bia-hooks diff --record [REV]``: the version record at REV (default HEAD), as every export and
the Action's artifact carry it (``versions.version_record``).

Exit status 0 when the diff is computed, whatever it found; 2 for a revision that names no commit.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bia_hooks import diffreport, revdiff, versions
from bia_hooks.commands.common import add_root_and_config, config_of
from bia_hooks.errors import UsageError
from bia_hooks.safe_text import inert_json, printable

FORMATS = ("text", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "revs",
        nargs="*",
        metavar="REV",
        help="REV1 [REV2]: two versions (a tag, a branch, a commit id); REV2 defaults to the "
        "staged files (the git index). With --record: one version, default HEAD",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="print the version record at REV instead: version, timestamp, previous version "
        "and the changes since it",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (versioned), or markdown (short, for the archive's version "
        "'changes' field)",
    )
    parser.add_argument(
        "--most",
        type=int,
        default=diffreport.MARKDOWN_CHANGES,
        metavar="N",
        help=f"markdown: name at most N changes, then 'and M more' (default: "
        f"{diffreport.MARKDOWN_CHANGES})",
    )
    add_root_and_config(parser)


def run(args: argparse.Namespace) -> int:
    if args.most < 0:
        raise UsageError(f"--most {args.most}: give a number of 0 or more")
    config = config_of(args)
    if args.record:
        if len(args.revs) > 1:
            raise UsageError("--record takes one version (default HEAD): the record's changes "
                             "run from the previous tag to it")  # fmt: skip
        rev = args.revs[0] if args.revs else "HEAD"
        _print_record(versions.version_record(config.root, rev, config), args.format)
        return 0
    if not args.revs or len(args.revs) > 2:
        raise UsageError(
            "give one or two versions: 'bia-hooks diff v1' (v1 to the staged files) or "
            "'bia-hooks diff v1 v2'"
        )
    old = revdiff.commit_of(config.root, args.revs[0])
    new_label = args.revs[1] if len(args.revs) == 2 else None
    new = revdiff.commit_of(config.root, new_label) if new_label is not None else revdiff.INDEX
    diff = revdiff.diff_versions(config, old, new, args.revs[0], new_label)
    if args.format == "json":
        _print_json(diffreport.to_json(diff))
    elif args.format == "markdown":
        sys.stdout.write(printable_block(diffreport.to_markdown(diff, most=args.most)))
    else:
        for line in diffreport.to_text(diff):
            print(printable(line))
    return 0


def printable_block(text: str) -> str:
    """Lines of ours around escaped values: each line printable, the line breaks kept."""
    return "".join(printable(line) + "\n" for line in text.splitlines())


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(inert_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def _print_record(record: dict[str, object], fmt: str) -> None:
    if fmt == "json":
        _print_json(record)
        return
    lines = [
        f"version: {record['version']} ({record['status']})",
        f"timestamp: {record['timestamp']}",
        f"previous version: {record['previous_version'] or '(none)'}",
    ]
    if record["commit"]:
        lines.append(f"commit: {record['commit']}")
    sys.stdout.write(printable_block("\n".join(lines)))
    if record["changes"]:
        sys.stdout.write("changes:\n" + printable_block(str(record["changes"])))
