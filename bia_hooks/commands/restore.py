"""``bia-hooks restore OLD [NEW]``: put back the values of a row the sync removed.

The sync saves every removed row that held values a person typed (``rowlog``). This puts them on
the row of NEW (the file's new name; default OLD), in the file list the row came from: empty cells
and cells that hold only the configured default take the saved value, a cell with another value
keeps it and is named.
"""

from __future__ import annotations

import argparse

from bia_hooks import advice, rowlog, tree
from bia_hooks.commands.common import add_root_and_config, config_of, relative_to_root
from bia_hooks.config import FileListConfig
from bia_hooks.confine import inside_dataset
from bia_hooks.errors import UsageError
from bia_hooks.filelist.edit import open_editor
from bia_hooks.safe_text import printable
from bia_hooks.syncplan import new_row_values, place_values


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", nargs="?", metavar="OLD", help="the path the removed row named")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the file's path now (default: OLD)")
    parser.add_argument("--list", action="store_true", help="list the rows that can be restored")
    add_root_and_config(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    saved = rowlog.read(config.root)
    if args.list or args.old is None:
        if not saved:
            print("No removed row is saved for this dataset.")
        for entry in saved:
            shown = "; ".join(f"{c}={v}" for c, v in entry.values.items())
            print(printable(f"{entry.time} {entry.filelist}: {entry.path}: {shown}"))
        return 0
    old = args.old
    new = relative_to_root(config.root, [args.new])[0] if args.new else old
    row = next((r for r in reversed(saved) if r.path == old), None)
    if row is None:
        raise UsageError(
            f"no removed row of '{old}' is saved (paths from the dataset root); "
            "'bia-hooks restore --list' shows those that are"
        )
    if not (config.root / new).exists() and not (config.root / new).is_symlink():
        raise UsageError(f"'{new}': no such file; give the file's path now, from the dataset root")
    target = inside_dataset(config.root, row.filelist, "the saved row's file list")
    if not target.exists():
        raise UsageError(f"the file list {row.filelist}, where the row was, no longer exists")
    filelist = next(
        (fl for fl in config.filelists if fl.path == row.filelist), FileListConfig(row.filelist)
    )
    editor = open_editor(target)
    current = next((r for r in editor.rows if editor.path_of(r) == new), None)
    values = editor.values_of(current) if current is not None else {}
    defaults, _ = place_values(editor.header, new_row_values(new, filelist))
    saved_values, missing = place_values(editor.header, row.values)
    for column in missing:
        editor.add_column(column)
    kept = {c: v for c, v in values.items() if v and defaults.get(c) != v}
    conflicts = {c: v for c, v in saved_values.items() if c in kept and kept[c] != v}
    replaced = {
        c: (values[c], v)
        for c, v in saved_values.items()
        if c not in kept and values.get(c) and values[c] != v
    }
    merged = {**values, **{c: v for c, v in saved_values.items() if c not in kept}}
    if current is None:
        editor.apply(set(), {}, [{**merged, editor.header[0]: new}])
    else:  # the row keeps its place and whatever else it holds
        editor.rows[editor.rows.index(current)] = editor.with_values(current, merged)
    editor.save(target)
    rowlog.mark_restored(config.root, row)
    # Every line quotes file names or cells: shown escaped.
    lines = [f"{row.filelist}: the row of {new} holds the values of the removed row of {old}."]
    for column, (before, after) in replaced.items():
        lines.append(f"  '{column}': '{before}' (the default) replaced by '{after}'")
    for column, value in conflicts.items():
        lines.append(f"  '{column}' kept its value '{kept[column]}' (the saved one was '{value}')")
    setting = advice.Setting(in_git=tree.is_git_work_tree(config.root))
    lines.append(f"{row.filelist}: {advice.review(setting, row.filelist)}.")
    for line in lines:
        print(printable(line))
    return 0
