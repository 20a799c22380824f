"""The ``bia-hooks`` command: options to settings, one subcommand module per job.

Exit status: 0 clean, 1 findings (or files fixed), 2 usage or configuration error (or output
that could not be written), 3 internal error (a bug of ours: one message, and a report to attach).
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, TextIO, cast

from bia_hooks import __version__, progress
from bia_hooks.errors import UsageError
from bia_hooks.gitcmd import forget_repositories
from bia_hooks.safe_text import printable

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# Subcommand name -> module in bia_hooks.commands; imported only when that subcommand runs,
# so that a hook on a few paths never pays for pandas or openpyxl.
SUBCOMMANDS = {
    "check": "check",
    "check-names": "check_names",
    "fix-names": "fix_names",
    "sync": "sync",
    "validate": "validate",
    "export": "export",
    "diff": "diff",
    "summary": "summary",
    "restore": "restore",
    "init": "init",
    "explain": "explain",
    "upload-plan": "upload_plan",
}

# One-line help per subcommand, kept here so that building the parser imports no subcommand.
HELP = {
    "check": "names, file lists in step with the dataset, file list content: what CI runs",
    "check-names": "check file and folder names against the archive's rule",
    "fix-names": "rename files to names the archive accepts (prints the plan; --apply renames)",
    "sync": "bring each file list in line with the dataset's files (--check: only report)",
    "validate": "check file lists: what the archive reads, the mandatory columns and values",
    "export": "convert a file list to TSV, XLSX or JSON, exactly as the archive reads it",
    "diff": "what changed in the file lists and annotation files between two versions (git)",
    "summary": "print a JSON report (check --report) as a Markdown summary",
    "restore": "put back the values of a row the sync removed (on the file's new row)",
    "init": "start a dataset: configuration, hooks and first file lists, guessed from its files",
    "explain": "what a finding code means, why the archive cares, and how to fix it",
    "upload-plan": "what uploading the dataset takes: size, files, the method, what to fetch first",
}


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, given the terminal's width: to find it itself, argparse imports
    shutil (and with it zlib, bz2 and lzma), 5-10 ms of every hook for a help no hook prints."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)  # argparse's margin


def _terminal_columns() -> int:
    """As ``shutil.get_terminal_size().columns``: $COLUMNS, else stdout's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bia-hooks",
        formatter_class=_Formatter,
        description="Commit-time checks for BioImage Archive annotation submissions.",
        epilog="Exit status: 0 clean, 1 findings (or files fixed), 2 usage or configuration error "
        "(or output that could not be written), 3 internal error (a bug of bia-hooks: the message "
        "names a report file to attach to a bug report).",
    )
    parser.add_argument("--version", action="version", version=f"bia-hooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in SUBCOMMANDS.items():
        command = sub.add_parser(
            name, help=HELP[name], description=HELP[name], formatter_class=_Formatter
        )
        if name == selected:
            _module(module_name).add_arguments(command)
    return parser


def _module(module_name: str) -> ModuleType:
    return importlib.import_module(f"bia_hooks.commands.{module_name}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = next((a for a in argv if a in SUBCOMMANDS), None)
    forget_repositories()  # a run asks git what it is in anew (a test runs many in one process)
    try:
        parser = build_parser(selected)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        progress.enable(args)
        from bia_hooks.commands.common import LEFT_FOR_EXIT

        LEFT_FOR_EXIT.clear()  # what the run before left (a test runs many in one process)
        status: int = _module(SUBCOMMANDS[args.command]).run(args)
    except UsageError as e:
        # Every line starts with the command's name: a line of the message (which may quote a
        # file name or a configuration value) never starts a line of the log.
        for line in _in_words_of_setting(e, args).split("\n"):
            print(f"{_prefix(selected)}: {printable(line)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug of ours: one message and a report, never a traceback
        from bia_hooks.crash import internal_error  # only on the rare path

        return internal_error(_prefix(selected), argv, e)
    return status


def _prefix(command: str | None) -> str:
    return f"bia-hooks {command}" if command else "bia-hooks"


class _Output(io.RawIOBase):
    """A standard stream that never stops a command: when its reader left (``| head``) or it
    cannot be written (``> /dev/full``, ``>&-``), what follows is dropped and ``error`` says why."""

    def __init__(self, fd: int, error: OSError | None = None) -> None:
        super().__init__()
        self.fd = fd
        self.error = error

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:  # a terminal's stderr shows the progress bar (progress.py)
        try:
            return os.isatty(self.fd)
        except OSError:
            return False

    def write(self, data: ReadableBuffer) -> int:
        if self.error is None:
            try:
                return os.write(self.fd, data)
            except OSError as e:
                self.error = e
        return len(memoryview(data))


def _guarded(fd: int, old: TextIO | None) -> tuple[TextIO, _Output]:
    """A stream like ``old`` (its encoding and buffering) writing to ``fd`` through ``_Output``."""
    closed = OSError(errno.EBADF, "it is closed") if old is None else None  # run with >&-
    raw = _Output(fd, closed)
    buffered = isinstance(getattr(old, "buffer", None), io.BufferedIOBase)
    stream = io.TextIOWrapper(
        cast(IO[bytes], io.BufferedWriter(raw) if buffered else raw),
        encoding=getattr(old, "encoding", None) or "utf-8",
        # A file name that is not UTF-8 must still print, escaped, rather than crash the report.
        errors="backslashreplace",
        line_buffering=bool(getattr(old, "line_buffering", False)),
        write_through=bool(getattr(old, "write_through", True)),
    )
    return stream, raw


def _fill_closed_descriptors() -> None:
    """A closed stdin, stdout or stderr is opened on /dev/null: otherwise the next file opened
    takes its number, and a git subprocess would write its messages into that file."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


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
    # An exception in a finalizer (openpyxl's sheet writer after a failed save) would print a
    # traceback at exit; the error itself was reported where it happened.
    sys.unraisablehook = lambda unraisable: None
    _fill_closed_descriptors()
    sys.stdout, out = _guarded(1, sys.stdout)
    sys.stderr, _ = _guarded(2, sys.stderr)
    status = main()
    sys.stdout.flush()
    if out.error is not None and out.error.errno != errno.EPIPE:  # EPIPE: the reader left early
        command = next((a for a in sys.argv[1:] if a in SUBCOMMANDS), None)
        print(
            f"{_prefix(command)}: cannot write the output to standard output: "
            f"{out.error.strerror}; the command ran, only its output was lost",
            file=sys.stderr,
        )
        status = 2
    sys.stderr.flush()
    # Everything is written and flushed: exit without freeing what the run built one object at a
    # time (a million paths take a tenth of a second), as mypy's hard_exit does.
    os._exit(status)
