"""The ``bia-hooks`` command: options to settings, one subcommand module per job.

Exit status: 0 clean, 1 findings (or files fixed), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from bia_hooks import __version__
from bia_hooks.errors import UsageError

# Subcommand name -> module in bia_hooks.commands; imported only when that subcommand runs,
# so that a hook on a few paths never pays for pandas or openpyxl.
SUBCOMMANDS = {
    "check": "check",
    "check-names": "check_names",
    "fix-names": "fix_names",
    "sync": "sync",
    "validate": "validate",
    "export": "export",
    "summary": "summary",
    "restore": "restore",
    "init": "init",
    "explain": "explain",
}

# One-line help per subcommand, kept here so that building the parser imports no subcommand.
HELP = {
    "check": "names, file lists in step with the dataset, file list content: what CI runs",
    "check-names": "check file and folder names against the archive's rule",
    "fix-names": "rename files to names the archive accepts (prints the plan; --apply renames)",
    "sync": "bring each file list in line with the dataset's files (--check: only report)",
    "validate": "check file lists: what the archive reads, the mandatory columns and values",
    "export": "convert a file list to TSV, XLSX or JSON, exactly as the archive reads it",
    "summary": "print a JSON report (check --report) as a Markdown summary",
    "restore": "put back the values of a row the sync removed (on the file's new row)",
    "init": "start a dataset: configuration, hooks and first file lists, guessed from its files",
    "explain": "what a finding code means, why the archive cares, and how to fix it",
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bia-hooks",
        description="Commit-time checks for BioImage Archive annotation submissions.",
        epilog="Exit status: 0 clean, 1 findings (or files fixed), 2 usage or configuration error.",
    )
    parser.add_argument("--version", action="version", version=f"bia-hooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=HELP[name], description=HELP[name])
        if name == selected:
            _module(module_name).add_arguments(command)
    return parser


def _module(module_name: str) -> ModuleType:
    return importlib.import_module(f"bia_hooks.commands.{module_name}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = next((a for a in argv if a in SUBCOMMANDS), None)
    parser = build_parser(selected)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        status: int = _module(SUBCOMMANDS[args.command]).run(args)
    except UsageError as e:
        print(f"bia-hooks {args.command}: {_in_words_of_setting(e, args)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


def _in_words_of_setting(error: UsageError, args: argparse.Namespace) -> str:
    """The message, its advice said for where the command ran (a plain folder, a hook)."""
    from bia_hooks import advice

    text = advice.text_of(error)
    if not isinstance(text, advice.Advice):
        return text
    root = getattr(args, "root", None)
    return text.say(advice.detect(root if root is not None else Path.cwd()))


def entrypoint() -> None:
    # A short-lived process that builds millions of small strings, lists and tuples (one per file
    # of a big dataset): the cyclic collector would rescan them again and again for nothing
    # (1.5 s of 5.8 s on a million files). Reference counting still frees what is dropped.
    gc.disable()
    # A file name that is not UTF-8 must still print, escaped, rather than crash the report.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, less) left early: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    raise SystemExit(status)
