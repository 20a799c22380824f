"""``bia-hooks fix-names``: rename files to names the archive accepts (a plan unless --apply)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bia_hooks import tree
from bia_hooks.commands.check_names import expand_paths, name_findings
from bia_hooks.commands.common import add_root_and_config, config_of, relative_to_root
from bia_hooks.config import Config
from bia_hooks.errors import UsageError
from bia_hooks.filelist.edit import Editor
from bia_hooks.pathrule import all_folders
from bia_hooks.renames import plan_renames, renamed_codes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to fix (default: all)"
    )
    parser.add_argument(
        "--apply", action="store_true", help="rename the files (git mv in a repository)"
    )
    add_root_and_config(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    in_git = tree.is_git_work_tree(config.root)
    everything = tree.dataset_paths(config.root)
    checked = (
        expand_paths(config.root, relative_to_root(config.root, args.paths), everything)
        if args.paths
        else everything
    )
    findings = name_findings(config, checked, everything)
    codes = renamed_codes(config.names)
    needing = sorted({f.path for f in findings if f.code in codes})
    plan = plan_renames(needing, everything, config.names)
    if not plan:
        print("Nothing to rename: every name is one the archive accepts.")
        left = len({f.path for f in findings})
        if left:  # letter-case twins, junk files, spaces: a person decides
            print(f"{left} path(s) still have findings no rename fixes; see bia-hooks check-names.")
        return 0
    if args.apply:
        _check_plan(config.root, plan)  # before anything moves: all of the plan, or nothing
        opened = rows_to_carry(config, dict(plan))
    for old, new in plan:
        if args.apply:
            _rename(config.root, old, new, in_git)
        print(f"{'renamed' if args.apply else 'would rename'} '{old}' -> '{new}'")
    if not args.apply:
        print(f"{len(plan)} file(s) to rename; run again with --apply to rename them.")
    else:
        print(f"{len(plan)} file(s) renamed" + ("; the renames are staged." if in_git else "."))
        for line in carry_rows(config, dict(plan), opened):
            print(line)
    return 1


def rows_to_carry(config: Config, renamed: dict[str, str]) -> list[tuple[str, Editor, int]]:
    """The file lists that list renamed files, opened (so a list that cannot be edited stops
    fix-names before anything moves), with how many of their rows move.

    The sync would find most renames by itself, but not before the first commit nor in a plain
    folder: there, a row whose file was renamed would be dropped and a blank one added.
    """
    from bia_hooks.filelist.edit import open_editor
    from bia_hooks.session import filelists_of

    filelists, _ = filelists_of(config, tree.dataset_paths(config.root))
    opened = []
    for filelist in filelists:
        file = config.root / filelist.path
        if file.exists():
            editor = open_editor(file)
            moved = sum(editor.path_of(row) in renamed for row in editor.rows)
            if moved:
                opened.append((filelist.path, editor, moved))
    return opened


def carry_rows(
    config: Config, renamed: dict[str, str], opened: list[tuple[str, Editor, int]]
) -> list[str]:
    """Re-path the renamed files' rows, keeping every cell of them; lines that say so."""
    lines = []
    for name, editor, moved in opened:
        editor.apply(set(), renamed, [])
        editor.save(config.root / name)
        lines.append(
            f"{name}: {moved} row(s) follow their renamed file, every value kept; "
            f"review and stage it (git add {name})"
        )
    return lines


def _check_plan(root: Path, plan: list[tuple[str, str]]) -> None:
    for old, new in plan:
        if not os.path.lexists(os.path.join(root, old)):
            raise UsageError(f"'{old}' is in the index but not on disk; restore or remove it first")
        # Never overwrite, not even a file git does not know (the plan only knows tracked ones),
        # and never stop halfway on a file where a new folder must go.
        for path in [new, *sorted(all_folders([new]))]:
            target = os.path.join(root, path)
            if os.path.lexists(target) and (path == new or not os.path.isdir(target)):
                raise UsageError(
                    f"'{path}' already exists; rename '{old}' by hand. Nothing was renamed."
                )


def _rename(root: Path, old: str, new: str, in_git: bool) -> None:
    source, target = os.path.join(root, old), os.path.join(root, new)
    if os.path.lexists(target):
        raise UsageError(f"'{new}' already exists; rename '{old}' by hand")
    try:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot make the folder of '{new}': {e.strerror}") from None
    if in_git:
        result = tree.git(root, "mv", "--", old, new, check=False)
        if result.returncode != 0:
            sys.stderr.write(result.stderr.decode(errors="replace"))
            raise UsageError(f"git mv '{old}' '{new}' failed")
    else:
        try:
            os.rename(source, target)
        except OSError as e:
            raise UsageError(f"cannot rename '{old}' to '{new}': {e.strerror}") from None
    _remove_empty_folders(root, os.path.dirname(old))


def _remove_empty_folders(root: Path, folder: str) -> None:
    """The old folders a rename emptied (git mv removes them; a plain rename does not)."""
    while folder:
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:  # not empty, or already gone
            return
        folder = os.path.dirname(folder)
