"""``bia-hooks fix-names``: rename files to names the archive accepts (a plan unless --apply)."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from bia_hooks import advice, dvcrepo, tree
from bia_hooks.commands.common import add_quiet, add_root_and_config, config_of, relative_to_root
from bia_hooks.config import Config
from bia_hooks.errors import UsageError, WriteError
from bia_hooks.filelist.edit import Editor
from bia_hooks.gitcmd import split_z
from bia_hooks.namecheck import checked_paths, name_findings
from bia_hooks.pathrule import NAME_MAX, all_folders
from bia_hooks.pathsets import at_or_below
from bia_hooks.renames import Step, plan_renames, plan_steps, renamed_codes
from bia_hooks.safe_text import printable
from bia_hooks.wording import first_few

FIXES = (
    "It renames for: characters the archive refuses (BIA101), a refused form such as a leading "
    "'./' (BIA102), spaces at the ends of a name or two in a row (BIA104, BIA105), spaces at all "
    "(BIA103, unless names.spaces is 'allow'), files of one folder whose names differ only by "
    "letter case (BIA107: the first keeps its name, the others are numbered), Windows device "
    "names (BIA108), a final dot (BIA109) and empty or '.' parts (BIA111). Each renamed file's "
    "rows in the file lists follow it. Not renamed: junk and lock files (BIA110, BIA115: delete "
    "them), folders that differ only by letter case (merge them, or rename one by hand)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = FIXES
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to fix (default: all)"
    )
    parser.add_argument(
        "--apply",
        action="store_true",
        help="rename the files (git mv in a repository, dvc move for DVC-tracked data)",
    )
    add_root_and_config(parser)
    add_quiet(parser)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    in_git = tree.is_git_work_tree(config.root)
    setting = advice.Setting(in_git=in_git, in_hook=advice.in_hook())
    files = tree.dataset_files(config.root, config.objects)
    everything = files.paths
    given = relative_to_root(config.root, args.paths)
    checked = checked_paths(config.root, given, everything, config.objects) if given else everything
    findings = name_findings(config, checked, everything)
    codes = renamed_codes(config.names)
    needing = sorted({f.path for f in findings if f.code in codes})
    plan = plan_renames(needing, everything, config.names)
    if not plan:
        if not args.quiet:
            print("Nothing to rename: every name is one the archive accepts.")
        left = len({f.path for f in findings})
        if left:  # letter-case twins, junk files, spaces: a person decides
            see = advice.command(setting, "check-names", quote="")
            print(f"{left} path(s) still have findings no rename fixes; see {see}.")
        return 0
    steps = plan_steps(plan, dvcrepo.outs_on_disk(config.root, everything))
    if not args.apply:
        for step in steps:
            print(printable(_describe(step, done=False)))
        print(f"{len(steps)} file(s) to rename; run again with --apply to rename them.")
        by_hand = sum(s.how == "by hand" for s in steps)
        if by_hand:
            print(f"{by_hand} of them must be renamed by hand: --apply renames nothing until then.")
        return 1
    _check_plan(config.root, plan, steps, setting)  # before anything moves: all of it, or nothing
    opened = rows_to_carry(config, dict(plan), files.data)
    try:
        _apply(config.root, steps, in_git, set(everything))
    except (UsageError, OSError, KeyboardInterrupt) as stop:
        # Halfway: the renamed files' rows still follow them (in a plain folder the next sync
        # would drop them), and the user learns what moved and what did not.
        done = _done(config.root, plan)
        unstaged = _unstaged(config.root, steps, done) if in_git else []
        lines, unwritten = carry_rows(config, done, opened, setting)
        for line in lines:
            print(printable(line))
        if isinstance(stop, KeyboardInterrupt):
            raise
        raise UsageError(_stopped(stop, plan, done, unstaged, unwritten)) from None
    print(f"{len(steps)} file(s) renamed" + ("; the renames are staged." if in_git else "."))
    lines, unwritten = carry_rows(config, dict(plan), opened, setting)
    for line in lines:
        print(printable(line))
    if unwritten:
        raise WriteError(
            f"the files are renamed, but {_rows_left(unwritten)}. Once it can be written, run "
            "'bia-hooks sync' (the values of a row it cannot carry over are saved for "
            "'bia-hooks restore')"
        )
    for line in stale_configuration(config, plan):
        print(printable(line))
    return 1


def stale_configuration(config: Config, plan: list[tuple[str, str]]) -> list[str]:
    """The folders renamed that the configuration still names (an include glob, a default's
    match): it is the user's file, so it is not rewritten; they are told what to edit."""
    if config.file is None:
        return []
    try:
        text = config.file.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return []
    renamed: dict[str, str] = {}
    for old, new in plan:
        old_parts, new_parts = old.split("/"), new.split("/")
        for i in range(len(old_parts) - 1):
            if old_parts[i] != new_parts[i]:
                renamed.setdefault("/".join(old_parts[: i + 1]), "/".join(new_parts[: i + 1]))
    return [
        f"{config.file.name} still names the folder '{old}', now '{new}': edit it there (an "
        "include glob or a default's match no longer finds the renamed files)"
        for old, new in sorted(renamed.items())
        if old in text
    ]


def _done(root: Path, plan: list[tuple[str, str]]) -> dict[str, str]:
    """The renames of the plan that happened: the new path is there, the old one gone."""
    return {
        old: new
        for old, new in plan
        if os.path.lexists(os.path.join(root, new)) and not os.path.lexists(os.path.join(root, old))
    }


def _unstaged(root: Path, steps: list[Step], done: dict[str, str]) -> list[tuple[str, str]]:
    """The git moves done on disk that the index does not record: git mv renames the file, then
    writes the index, and a full disk can refuse the second."""
    moved = [(s.old, s.new) for s in steps if s.how == "move" and s.old in done]
    if not moved:
        return []
    listed = tree.git(root, "--literal-pathspecs", "ls-files", "-z", "--",
                      *(old for old, _ in moved), check=False)  # fmt: skip
    if listed.returncode != 0:  # git cannot say: the user is told to stage them all
        return moved
    still = split_z(listed.stdout)
    return [(old, new) for old, new in moved if any(at_or_below(p, old) for p in still)]


def _stopped(
    stop: BaseException,
    plan: list[tuple[str, str]],
    done: dict[str, str],
    unstaged: list[tuple[str, str]],
    unwritten: list[str],
) -> str:
    """What moved and what did not, whether git and the file lists know it, and what to run."""
    reason = stop.strerror if isinstance(stop, OSError) and stop.strerror else str(stop)
    renamed = [f"'{old}' -> '{new}'" for old, new in plan if old in done]
    left = [f"'{old}'" for old, _ in plan if old not in done]
    text = f"stopped halfway: {reason}. {len(done)} of {len(plan)} file(s) were renamed"
    if renamed:
        text += f": {first_few(renamed)}"
        text += "" if unwritten else ", and their rows in the file lists follow them"
    text += f"; not renamed: {first_few(left)}." if left else "."
    then = []
    if unstaged:
        shown = first_few([f"'{old}' -> '{new}'" for old, new in unstaged])
        text += f" Not staged (git could not record it in its index): {shown}."
        paths = [path for pair in unstaged for path in pair]
        then.append(f"{_command('git', '--literal-pathspecs', 'add', '-A', '--', *paths)} "
                    "(stages what was renamed)")  # fmt: skip
    if unwritten:
        text += f" Their rows could not follow them: {_rows_left(unwritten)}."
    if left:
        then.append("'bia-hooks fix-names --apply' again for the rest")
    if unwritten:
        then.append("'bia-hooks sync' (the rows follow the renamed files; the values of a row it "
                    "cannot carry over are saved for 'bia-hooks restore')")  # fmt: skip
    return text + (f" Fix the cause, then run {'; then '.join(then)}" if then else "")


def _rows_left(unwritten: list[str]) -> str:
    """The file lists that could not be written, and why."""
    return "; ".join(f"{why}: its rows still name the old paths" for why in unwritten)


def _describe(step: Step, done: bool) -> str:
    verb = "renamed" if done else "would rename"
    line = f"{verb} '{step.old}' -> '{step.new}'"
    if step.how == "dvc move":
        return f"{line} with {_command('dvc', 'move', step.old, step.new)}"
    if step.how == "dvc add":
        then = "" if done else f"; then {_command('dvc', 'add', step.out or '')}"
        return f"{line} in the DVC-tracked folder {step.out}{then}"
    if step.how == "by hand":
        return f"cannot rename '{step.old}' -> '{step.new}' for you: {step.why}"
    return line


def _command(*words: str) -> str:
    return " ".join(shlex.quote(w) for w in words)


def rows_to_carry(
    config: Config, renamed: dict[str, str], data: list[str]
) -> list[tuple[str, Editor, int]]:
    """The file lists that list renamed files, opened (so a list that cannot be edited stops
    fix-names before anything moves), with how many of their rows move.

    The sync would find most renames by itself, but not before the first commit nor in a plain
    folder: there, a row whose file was renamed would be dropped and a blank one added.
    """
    from bia_hooks.filelist.edit import open_editor
    from bia_hooks.session import filelists_of

    filelists, _ = filelists_of(config, data)
    opened = []
    for filelist in filelists:
        file = config.root / filelist.path
        if file.exists():
            editor = open_editor(file)
            moved = sum(editor.path_of(row) in renamed for row in editor.rows)
            if moved:
                opened.append((filelist.path, editor, moved))
    return opened


def carry_rows(config: Config, renamed: dict[str, str], opened: list[tuple[str, Editor, int]],
               setting: advice.Setting) -> tuple[list[str], list[str]]:  # fmt: skip
    """Re-path the renamed files' rows, keeping every cell of them; lines that say so, and why
    each list that could not be written was not (the others are written all the same).

    A list a person saved since it was opened is read again, and its rows re-pathed there: the
    files have moved already, and the person's edit is kept.
    """
    from bia_hooks.atomic import FileChanged
    from bia_hooks.filelist.edit import open_editor

    lines, unwritten = [], []
    for name, editor, _ in opened:
        file = config.root / name
        try:
            try:
                moved = _repath(editor, renamed, file)
            except FileChanged:  # saved during the renames: read again, the person's edit kept
                moved = _repath(open_editor(file), renamed, file)
        except WriteError as e:
            unwritten.append(str(e))
            continue
        if moved:
            then = advice.review(setting, name)
            lines.append(
                f"{name}: {moved} row(s) follow their renamed file, every value kept; {then}"
            )
    return lines, unwritten


def _repath(editor: Editor, renamed: dict[str, str], file: Path) -> int:
    """Re-path the rows of renamed files and save the list; how many rows moved."""
    moved = sum(editor.path_of(row) in renamed for row in editor.rows)
    if moved:
        editor.apply(set(), renamed, [])
        editor.save(file)
    return moved


def _check_plan(
    root: Path, plan: list[tuple[str, str]], steps: list[Step], setting: advice.Setting
) -> None:
    in_git = setting.in_git
    by_hand = [s for s in steps if s.how == "by hand"]
    if by_hand:
        names = ", ".join(f"'{s.old}'" for s in by_hand)
        how = "" if setting.in_hook else " (bia-hooks fix-names without --apply prints the plan)"
        raise UsageError(f"{names}: {by_hand[0].why}; rename by hand{how}. Nothing was renamed.")
    dvc = [s for s in steps if s.how in ("dvc move", "dvc add")]
    tracked_by_dvc = {old for old, _ in plan if any(at_or_below(old, s.old) for s in dvc)}
    if dvc and shutil.which("dvc") is None:
        commands = "; ".join(_command("dvc", "move", s.old, s.new) for s in dvc
                             if s.how == "dvc move")  # fmt: skip
        raise UsageError(
            "renaming DVC-tracked data needs the dvc command, which is not installed "
            f"(pip install dvc){': or run ' + commands if commands else ''}. Nothing was renamed."
        )
    longest = _name_max(root)
    for old, new in plan:
        too_long = [n for n in new.split("/") if len(n.encode()) > longest]
        if too_long:  # the plan's names fit NAME_MAX: this file system takes shorter ones
            raise UsageError(
                f"'{new}': the name '{too_long[0]}' is {len(too_long[0].encode())} bytes long, and "
                f"this file system takes at most {longest}; rename '{old}' by hand to a shorter "
                "name. Nothing was renamed."
            )
        if not os.path.lexists(os.path.join(root, old)):
            if old in tracked_by_dvc or any(at_or_below(old, s.out or "") for s in dvc):
                pull = _command("dvc", "pull", old)
                raise UsageError(
                    f"'{old}' is tracked by DVC but not on disk; get it first ({pull}). "
                    "Nothing was renamed."
                )
            where = "in the index" if in_git else "listed"
            raise UsageError(f"'{old}' is {where} but not on disk; restore or remove it first")
        # Never overwrite, not even a file git does not know (the plan only knows tracked ones),
        # and never stop halfway on a file where a new folder must go.
        for path in [new, *sorted(all_folders([new]))]:
            target = os.path.join(root, path)
            if os.path.lexists(target) and (path == new or not os.path.isdir(target)):
                raise UsageError(
                    f"'{path}' already exists; rename '{old}' by hand. Nothing was renamed."
                )
    for step in dvc:  # DVC makes the new folder or .dvc file: it must not be there yet
        made = [step.new] if step.how == "dvc move" else []
        if step.how == "dvc move" and step.new_source != step.source and step.new_source:
            made.append(step.new_source)
        for path in made:
            if os.path.lexists(os.path.join(root, path)):
                raise UsageError(
                    f"'{path}' already exists; rename '{step.old}' by hand. Nothing was renamed."
                )


def _name_max(root: Path) -> int:
    """The longest name, in bytes, the file system of ``root`` takes."""
    try:
        return min(os.pathconf(root, "PC_NAME_MAX"), NAME_MAX)
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no answer
        return NAME_MAX


def _apply(root: Path, steps: list[Step], in_git: bool, tracked: set[str]) -> None:
    """Run the steps in order: moves, then each DVC output's move, renames inside DVC folders
    and one ``dvc add`` per folder; in git, stage what DVC changed (its .dvc and .gitignore
    files), as git mv stages a move."""
    changed: set[str] = set()
    for i, step in enumerate(steps):
        if step.how == "move":
            _rename(root, step.old, step.new, in_git)
        elif step.how == "dvc move":
            _dvc(root, "move", "--", step.old, step.new)
            _remove_empty_folders(root, os.path.dirname(step.old))
            changed.update(filter(None, (step.source, step.new_source)))
            changed.update((_gitignore(step.old), _gitignore(step.new)))
        else:
            _rename(root, step.old, step.new, use_git=False)
        last_in_folder = i + 1 == len(steps) or steps[i + 1].out != step.out
        print(printable(_describe(step, done=True)))
        if step.how == "dvc add" and last_in_folder and step.out:
            _dvc(root, "add", "--", step.out)
            changed.update(filter(None, (step.source, _gitignore(step.out))))
            recorded = f"{_command('dvc', 'add', step.out)}: {step.source} records the new names"
            print(printable(recorded))
    if in_git and changed:
        stage = sorted(p for p in changed if p in tracked or os.path.lexists(os.path.join(root, p)))
        # Literal: a name such as "*.tif" is one file, not a pattern.
        result = tree.git(root, "--literal-pathspecs", "add", "-A", "--", *stage, check=False)
        if result.returncode != 0:
            _relay_stderr(result.stderr)
            raise UsageError(f"the files were renamed, but {_command('git', 'add', *stage)} failed")


def _gitignore(path: str) -> str:
    """The .gitignore in which DVC lists an output."""
    folder = os.path.dirname(path)
    return f"{folder}/.gitignore" if folder else ".gitignore"


def _dvc(root: Path, *args: str) -> None:
    result = subprocess.run(["dvc", *args], cwd=root, capture_output=True)
    if result.returncode != 0:
        _relay_stderr(result.stderr)
        raise UsageError(f"{_command('dvc', *args)} failed; the renames printed above are done")


def _relay_stderr(data: bytes) -> None:
    """What git or DVC said, which quotes file names: shown escaped."""
    for line in data.decode(errors="replace").splitlines():
        print(printable(line), file=sys.stderr)


def _rename(root: Path, old: str, new: str, use_git: bool) -> None:
    source, target = os.path.join(root, old), os.path.join(root, new)
    if os.path.lexists(target):
        raise UsageError(f"'{new}' already exists; rename '{old}' by hand")
    try:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot make the folder of '{new}': {e.strerror}") from None
    if use_git:
        result = tree.git(root, "mv", "--", old, new, check=False)
        if result.returncode != 0:
            _relay_stderr(result.stderr)
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
