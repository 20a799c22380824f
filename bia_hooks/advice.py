"""Advice in the words of the user's setting: every text that depends on it is decided here.

Two things change what to tell a person to do:

- a git repository, or a plain folder (an upload by FTP, without git): in a plain folder no
  word of git ("stage", "git add", "git rm", "commit", "the hook");
- bia-hooks run by pre-commit as a hook: whoever set up only pre-commit has no ``bia-hooks``
  command, so a command is named as pre-commit runs it (``pre-commit run bia-sync-filelist
  --all-files``). pre-commit sets ``PRE_COMMIT=1`` in the environment of every hook it runs
  (``pre_commit/commands/run.py``: "Set pre_commit flag").

Findings are made by pure code that does not know the setting: a text that depends on it is an
:class:`Advice`, a ``str`` holding the words for the command line in git (what sorting and tests
of pure code see) that can say itself in any setting; ``commands.common.finish`` says it in the
user's. Lines printed by commands, which know the setting, call these functions directly.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from bia_hooks.findings import Finding


class Setting(NamedTuple):
    in_git: bool = True  # the dataset is in a git repository (else a plain folder)
    in_hook: bool = False  # run by pre-commit as a hook


COMMAND_LINE = Setting()  # the words an Advice holds as a str


def in_hook(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("PRE_COMMIT") == "1"


def detect(root: Path, environ: Mapping[str, str] = os.environ) -> Setting:
    from bia_hooks.gitcmd import is_git_work_tree

    return Setting(in_git=is_git_work_tree(root), in_hook=in_hook(environ))


# --- commands --------------------------------------------------------------------------------

# The subcommand each hook of .pre-commit-hooks.yaml runs (a test checks that the two agree).
HOOKS = {
    "check-names": "bia-check-names",
    "validate": "bia-validate-filelist",
    "sync": "bia-sync-filelist",
    "fix-names": "bia-fix-names",
}
MANUAL = frozenset({"fix-names"})  # hooks that never run at commit: `stages: [manual]`
NOT_A_HOOK = "no hook runs it; install the bia-hooks command"
INSTALL = "pipx install git+https://github.com/bia-hooks/bia-hooks"


def command(setting: Setting, subcommand: str, args: str = "", quote: str = "'") -> str:
    """How to run ``bia-hooks SUBCOMMAND ARGS`` in this setting, quoted for a sentence.

    In a hook, a subcommand that has a hook is that hook, run by pre-commit (on every file, or
    at its manual stage); the others need the bia-hooks command, and say how to install it.
    """
    line = f"bia-hooks {subcommand} {args}".rstrip()
    if not setting.in_hook:
        return f"{quote}{line}{quote}"
    hook = HOOKS.get(subcommand)
    if hook is None:
        return f"{quote}{line}{quote} ({NOT_A_HOOK}: {INSTALL})"
    how = "--hook-stage manual" if subcommand in MANUAL else "--all-files"
    return f"{quote}pre-commit run {hook} {how}{quote}"


def runs(subcommand: str, args: str = "", before: str = "", after: str = "",
         quote: str = "'") -> Advice:  # fmt: skip
    """``BEFORE 'bia-hooks SUBCOMMAND ARGS' AFTER``, with the command as it runs in each setting."""
    return Advice(lambda s: f"{before}{command(s, subcommand, args, quote)}{after}")


# --- texts whose words depend on the setting ---------------------------------------------------


class Advice(str):
    """A text that says itself in every setting; as a ``str``, the command line's words in git."""

    say: Callable[[Setting], str]

    def __new__(cls, say: Callable[[Setting], str]) -> Advice:
        text = super().__new__(cls, say(COMMAND_LINE))
        text.say = say
        return text


def in_words_of(setting: Setting, text: str) -> str:
    return text.say(setting) if isinstance(text, Advice) else text


def text_of(error: Exception) -> str:
    """An error's message, an Advice still when it was raised with one."""
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)


def prefixed(prefix: str, text: str) -> str:
    """``PREFIX TEXT``, still an Advice when ``text`` is one."""
    if not isinstance(text, Advice):
        return prefix + text
    said = text.say
    return Advice(lambda s: prefix + said(s))


def for_setting(setting: Setting, findings: Sequence[Finding]) -> list[Finding]:
    """The findings with their messages and fixes in the words of ``setting``. A million
    findings share a handful of texts: each is said once."""
    if setting == COMMAND_LINE:
        return list(findings)  # an Advice holds these words already
    said: dict[int, str] = {}

    def say(text: str) -> str:
        if not isinstance(text, Advice):
            return text
        if id(text) not in said:
            said[id(text)] = text.say(setting)
        return said[id(text)]

    out = []
    for f in findings:
        message, fix = say(f.message), None if f.fix is None else say(f.fix)
        out.append(
            f if message == f.message and fix == f.fix else f.replace(message=message, fix=fix)
        )
    return out


def needs_setting(findings: Sequence[Finding]) -> bool:
    return any(isinstance(f.message, Advice) or isinstance(f.fix, Advice) for f in findings)


# --- what to do, per setting -------------------------------------------------------------------


def sync_the_list(then: str = "") -> Advice:
    """A file list out of step (BIA420, BIA421); ``then``: what else happens to the row."""

    def say(s: Setting) -> str:
        run = f"run {command(s, 'sync')}"
        if s.in_git and s.in_hook:
            run += " and stage the file list"
        elif s.in_git:
            run += " (the bia-sync-filelist hook does it at commit) and stage the file list"
        return run + then

    return Advice(say)


def create_the_list() -> Advice:
    """A configured file list that does not exist yet (BIA424)."""
    return Advice(
        lambda s: f"run {command(s, 'sync')} to create it" + (", and stage it" if s.in_git else "")
    )


def start_a_list(then: str = "") -> Advice:
    """A dataset without a file list (BIA425): init guesses them; by hand, a header line the sync
    fills in (in git, once the list is added: the sync sees only the files git tracks)."""
    header = "printf 'Files\\tAnnotation type\\tSource image\\n' > annotations/filelist.tsv"

    def say(s: Setting) -> str:
        add = " && git add annotations/filelist.tsv" if s.in_git else ""
        fill = (
            "then commit: the bia-sync-filelist hook fills in a row per file"
            if s.in_hook
            else f"then run {command(s, 'sync')} to fill in a row per file"
        )
        return (
            f"run {command(s, 'init')} (it writes a configuration and the first file lists, or "
            f"prints what to add to yours); or start one by hand: {header}{add}, {fill} (or "
            f"name it under 'filelists:' in .bia-hooks.yaml){then}"
        )

    return Advice(say)


def remove_junk(path: str, gitignore: str, tracked: bool = True) -> Advice:
    """A file that is not data (junk.py): a file the operating system made (BIA110), an office
    program's lock file once its document is closed (BIA115). ``gitignore``: the line that keeps
    such files out; ``tracked``: git has it."""
    quoted = shlex.quote(path)
    keep_out = (
        f"keep such files out of git with the .gitignore line '{gitignore}' (bia-hooks init "
        "writes it)"
    )

    def say(s: Setting) -> str:
        if not s.in_git:
            return f"delete it ({quoted}) before the upload"
        if tracked:
            return f"remove it from git (git rm --cached {quoted}) and {keep_out}"
        return f"delete it, or {keep_out}"

    return Advice(say)


def close_document(close: str, lock: str, gitignore: str, tracked: bool = True) -> Advice:
    """An office program's lock file (BIA115): ``close`` says which document, in which program;
    then, in git, the lock file ``lock`` is kept out as junk is."""
    quoted = shlex.quote(lock)
    closed = f"{close}, and the lock file goes with it (delete it if it stays)"
    keep_out = (
        f"keep such files out of git with the .gitignore line '{gitignore}' (bia-hooks init "
        "writes it)"
    )

    def say(s: Setting) -> str:
        if not s.in_git:
            return closed
        if tracked:
            return f"{closed}; then git rm --cached {quoted}, and {keep_out}"
        return f"{closed}; {keep_out}"

    return Advice(say)


def repair_dvc_file() -> Advice:
    """A .dvc file that cannot be read (BIA402)."""
    return Advice(
        lambda s: (
            "repair it with `dvc add PATH` (or restore it from git), then stage it"
            if s.in_git
            else "repair it with `dvc add PATH`"
        )
    )


def resolve_conflict() -> Advice:
    """A TSV file list with a merge's conflict markers (BIA232)."""
    return Advice(
        lambda s: (
            "keep the rows of both sides, delete the three marker lines"
            + (", then git add the list" if s.in_git else "")
            + " (the sync leaves the list alone until then)"
        )
    )


def delete_file(path: str) -> Advice:
    """A file that should go (a leftover of a write, BIA112; a file list with no entry left)."""
    quoted = shlex.quote(path)
    return Advice(lambda s: f"git rm -f {quoted}" if s.in_git else f"rm {quoted}")


def restore_row(path: str) -> Advice:
    """A removed row whose values were saved."""
    return Advice(lambda s: command(s, "restore", f"{shlex.quote(path)} NEW_PATH"))


def after_sync(setting: Setting) -> str:
    """What to do once the sync changed file lists."""
    if setting.in_git:
        return "File list(s) updated: review them, stage them (git add), then commit again."
    return "File list(s) updated: review them, then upload them."


def review(setting: Setting, name: str) -> str:
    """What to do with a file list a command edited (fix-names, restore)."""
    if setting.in_git:
        return f"review and stage it (git add {shlex.quote(name)})"
    return "review it"
