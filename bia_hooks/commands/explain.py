"""``bia-hooks explain [CODE]``: what a finding code means, why the archive cares, how to fix it;
without CODE, every code with its title."""

from __future__ import annotations

import argparse
import difflib
import re
import textwrap

from bia_hooks.codes import CODES, KIND_TEXT, Code
from bia_hooks.errors import UsageError
from bia_hooks.explanations import FIXES, MEANINGS, WHY


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "code", nargs="?", metavar="CODE", help="a finding code such as BIA101 (default: list all)"
    )


def run(args: argparse.Namespace) -> int:
    if args.code is None:
        for c in CODES.values():
            print(f"{c.code}  {c.level.value:<7}  {c.kind.value:<6}  {c.title}")
        print("bia-hooks explain CODE says what one means, why it matters and how to fix it.")
        return 0
    print(explain(find_code(args.code)))
    return 0


def find_code(text: str) -> Code:
    """The code a person typed: 'BIA101', 'bia101' or '101'; else the closest codes named."""
    wanted = text.strip().upper()
    if re.fullmatch(r"\d{3}", wanted):
        wanted = "BIA" + wanted
    if wanted in CODES:
        return CODES[wanted]
    starting = [c for c in CODES if c.startswith(wanted)]  # 'BIA10': BIA101, BIA102, ...
    close = starting[:5] or difflib.get_close_matches(wanted, list(CODES), n=3, cutoff=0.6)
    hint = f"the closest: {', '.join(close)}" if close else "see the list: bia-hooks explain"
    raise UsageError(f"{text!r} is no finding code of bia-hooks; {hint}")


def explain(code: Code) -> str:
    lines = [
        f"{code.code}: {code.title}",
        f"  level: {code.level.value} by default (change it under 'severity:' in .bia-hooks.yaml)",
        f"  kind: {code.kind.value}: {KIND_TEXT[code.kind]}",
        "",
        "What it means:",
        _paragraph(MEANINGS.get(code.code, code.title)),
        "",
        "Why it matters:",
        _paragraph(WHY[code.kind]),
    ]
    fix = FIXES.get(code.code)
    if fix:
        lines += ["", "How to fix it:", _paragraph(fix)]
    return "\n".join(lines)


def _paragraph(text: str) -> str:
    return textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="  ",
                         break_on_hyphens=False, break_long_words=False)  # fmt: skip
