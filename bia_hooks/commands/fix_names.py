"""``bia-hooks fix-names``: rename files to names the archive accepts (a plan unless --apply)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bia_hooks import tree
from bia_hooks.commands.check_names import name_findings
from bia_hooks.commands.common import config_of, relative_to_root
from bia_hooks.errors import UsageError
from bia_hooks.renames import RENAMED_CODES, plan_renames

HELP = "rename files to names the archive accepts (prints the plan; --apply renames)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="paths to fix (default: all)")
    parser.add_argument(
        "--apply", action="store_true", help="rename the files (git mv in a repository)"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the dataset root")
    parser.add_argument("--config", type=Path, help="configuration file")


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    in_git = tree.is_git_work_tree(config.root)
    everything = tree.dataset_paths(config.root)
    checked = relative_to_root(config.root, args.paths) if args.paths else everything
    findings = name_findings(config, checked, everything)
    needing = sorted({f.path for f in findings if f.code in RENAMED_CODES})
    plan = plan_renames(needing, everything, config.names)
    if not plan:
        print("Nothing to rename: every name is one the archive accepts.")
        return 0
    for old, new in plan:
        print(f"{'renamed' if args.apply else 'would rename'} '{old}' -> '{new}'")
        if args.apply:
            _rename(config.root, old, new, in_git)
    if not args.apply:
        print(f"{len(plan)} file(s) to rename; run again with --apply to rename them.")
    else:
        print(f"{len(plan)} file(s) renamed" + ("; the renames are staged." if in_git else "."))
    return 1


def _rename(root: Path, old: str, new: str, in_git: bool) -> None:
    source, target = os.path.join(root, old), os.path.join(root, new)
    if not os.path.lexists(source):
        raise UsageError(f"'{old}' is in the index but not on disk; restore or remove it first")
    if os.path.lexists(target):  # never overwrite, even a file git does not know
        raise UsageError(f"'{new}' already exists; rename '{old}' by hand")
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    if in_git:
        result = tree.git(root, "mv", "--", old, new, check=False)
        if result.returncode != 0:
            sys.stderr.write(result.stderr.decode(errors="replace"))
            raise UsageError(f"git mv '{old}' '{new}' failed")
    else:
        os.rename(source, target)
