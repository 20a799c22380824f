"""What every subcommand shares: the dataset root, its configuration, and reporting."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bia_hooks import advice
from bia_hooks.atomic import write_atomic
from bia_hooks.config import Config, find_root, load_config
from bia_hooks.errors import UsageError, WriteError
from bia_hooks.findings import Finding, Level, count_levels
from bia_hooks.gitcmd import git_toplevel
from bia_hooks.reporters import FORMATS, github_path_prefix, make_reporter

FAIL_ON = ("error", "warning", "never")


# What a command leaves for the process's exit to drop: ``cli.entrypoint`` exits without freeing
# what a run built (a million paths freed one by one take a tenth of a second).
LEFT_FOR_EXIT: list[object] = []


def add_root_and_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        help="the dataset's root folder, the root of the upload (default: the nearest folder "
        "above the current one with a .bia-hooks.yaml, else the git repository's top folder, "
        "else the current folder)",
    )
    parser.add_argument(
        "--config", type=Path, help="configuration file (default: ROOT/.bia-hooks.yaml, if present)"
    )


def add_common(parser: argparse.ArgumentParser) -> None:
    add_root_and_config(parser)
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument("--report", type=Path, help="also write the JSON report to this file")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="which findings give exit status 1 (default: error)",
    )
    parser.add_argument(
        "--max-per-code",
        type=_count,
        default=50,
        metavar="N",
        help="text format: show at most N findings per code (0: all)",
    )
    add_quiet(parser)


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no closing line when all is well (the findings are still printed)",
    )


def _count(text: str) -> int:
    """A whole number, 0 or more (argparse turns the error into a usage message, exit 2)."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 0 or more")
    return n


def config_of(args: argparse.Namespace) -> Config:
    """The dataset's configuration; ``args.root`` is set to the dataset root it belongs to."""
    if args.root is None:
        args.root = find_root(Path.cwd())
    root = args.root.resolve()
    if not root.is_dir():
        raise UsageError(f"--root {args.root}: no such folder")
    config_file = args.config
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"--config {config_file}: no such file")
    return load_config(root, config_file)


def relative_to_root(root: Path, paths: Sequence[str], skip_outside: bool = False) -> list[str]:
    """Paths given on the command line, as the archive will see them: from the root, with '/'.

    A path outside the dataset is a usage error. With ``skip_outside``, a path of the git
    repository that holds the dataset but outside it is left out: a hook is given the staged files
    of the whole repository, and the dataset may be one of its folders.
    """
    out = []
    top: Path | None = None
    for p in paths:
        # Resolve the folder, not the file: a locked git-annex file is a symlink into .git, and
        # the root is resolved (a /tmp that is a symlink must not put the path outside it).
        absolute = os.path.abspath(p)
        folder, name = os.path.split(absolute)
        if name not in ("", ".", ".."):
            absolute = os.path.join(os.path.realpath(folder), name)
        else:
            absolute = os.path.realpath(absolute)
        rel = os.path.relpath(absolute, root)
        if rel == ".." or rel.startswith("../"):
            if skip_outside:
                top = top or git_toplevel(root)
                if top is not None and not os.path.relpath(absolute, top).startswith(".."):
                    continue
            raise UsageError(f"{p}: outside the dataset root {root}")
        out.append(rel.replace(os.sep, "/"))
    return out


def finish(
    args: argparse.Namespace,
    findings: Sequence[Finding],
    extra: dict[str, Any] | None = None,
    verdict: str | None = None,
) -> int:
    """Report the findings as asked, and return the exit status they call for.

    Their advice is said in the words of the setting (a plain folder, a pre-commit hook). When
    the status is 0, ``verdict`` ends the output: one line on stderr, whatever the format (so
    that JSON on stdout stays JSON, and a GitHub annotation is not spent on it), unless --quiet.
    """
    if advice.needs_setting(findings):
        findings = advice.for_setting(advice.detect(args.root), findings)
    prefix = github_path_prefix(args.root) if args.format == "github" else ""
    make_reporter(args.format, args.max_per_code, prefix).report(findings, sys.stdout, extra)
    if args.report is not None:
        import io

        buffer = io.StringIO()
        make_reporter("json").report(findings, buffer, extra)
        # A name that is not UTF-8 is written as a \udcXX escape, not refused.
        try:
            write_atomic(args.report, buffer.getvalue().encode("utf-8", "backslashreplace"))
        except WriteError as e:
            raise WriteError(f"--report {args.report}: {e}") from None
    status = exit_status(findings, args.fail_on)
    if status == 0 and verdict and not args.quiet:
        sys.stdout.flush()  # the findings first, where both streams go to one place (pre-commit)
        print(verdict, file=sys.stderr)
    return status


def counted(n: int, thing: str) -> str:
    """``1 file list``, ``1,204 rows``."""
    return f"{n:,} {thing}" if n == 1 else f"{n:,} {thing}s"


def tally(findings: Sequence[Finding], every: bool = False) -> str:
    """``2 errors, 3 warnings``: each level found (``every``: errors and warnings, even 0)."""
    counts = count_levels(findings)
    parts = [
        counted(counts[level], level) for level in ("error", "warning") if every or counts[level]
    ]
    if counts["info"]:
        parts.append(counted(counts["info"], "note"))
    return ", ".join(parts)


def exit_status(findings: Sequence[Finding], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    failing = {Level.ERROR} if fail_on == "error" else {Level.ERROR, Level.WARNING}
    return 1 if any(f.level in failing for f in findings) else 0
