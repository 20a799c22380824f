"""Untrusted text meeting an output channel: each channel's escaping, in one place.

File names, file list names, configuration values and cells come from the repository, and the
repository may be hostile (the Action runs on strangers' pull requests). Such text is made inert
for the channel it goes to:

- a terminal or a CI log line: ``printable`` (and ``inert_json`` for a JSON text);
- a GitHub workflow command: ``escape_data`` (its message) and ``escape_property`` (``file=``...);
- Markdown (the job summary): ``markdown``;
- an XLSX cell: ``set_text_cell`` (a string is always a text cell).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "escape_data",
    "escape_property",
    "inert_json",
    "markdown",
    "printable",
    "set_text_cell",
    "visible",
]

# Shown as escapes, so that one message stays one line and nothing drives the terminal: C0 and C1
# controls (ESC starts a terminal's escape sequences, U+009B is a one-character CSI, U+0085 a line
# break to some readers), DEL, the Unicode line and paragraph separators, the bidirectional
# controls that reorder what a line shows ("Trojan Source"), and the lone surrogates a file name
# that is not UTF-8 is read into.
_ESCAPES = (
    {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
    | {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
    | {c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, 0x2028, 0x2029]}
    | {c: f"\\u{c:04x}" for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
    | {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}
)


def visible(text: object) -> str:
    """``text`` on one line, every character that is not plain text shown as an escape."""
    return str(text).translate(_ESCAPES)


def printable(text: object) -> str:
    """``text`` for a terminal or a CI log line: ``visible``, and never a workflow command.

    GitHub's runner executes a line that starts with ``::`` (after spaces) and, in its older form,
    any ``##[`` inside a line: ``::`` and ``##[`` are shown escaped too. Every line that holds
    untrusted text starts with text of ours, or with text that went through here.
    """
    return visible(text).replace("::", ":\\x3a").replace("##[", "##\\x5b")


# What ``visible`` escapes that json.dumps leaves raw in a string (it escapes C0 controls itself).
_JSON_RAW = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def inert_json(text: str) -> str:
    """A JSON text meaning the same, safe in a terminal or a CI log: what ``visible`` escapes is
    written as a \\u escape, and ``##[`` as ``##\\u005b`` (JSON's own syntax holds neither, so
    both are inside strings; a line of indented JSON never starts with ``::``)."""
    text = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.replace("##[", "##\\u005b")


# ``visible`` but for CR and LF, which a workflow command carries as %0D and %0A.
_ESCAPES_BUT_BREAKS = {c: e for c, e in _ESCAPES.items() if c not in (0x0A, 0x0D)}


def escape_data(text: str) -> str:
    """A workflow command's message, as the runner unescapes it (actions/toolkit escapeData);
    what drives a terminal or the log viewer (an escape sequence) is shown escaped, as ``visible``
    shows it."""
    text = text.translate(_ESCAPES_BUT_BREAKS)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


# Characters that inline Markdown, HTML or GitHub's extensions (tables, strikethrough, math) read
# as syntax; a backslash makes each show as itself, in a table cell too. The summary starts no line
# with a value, so block syntax (#, -, 1.) cannot trigger.
_MARKDOWN = re.compile(r"[&<>\\`*_\[\]|~$]")


def markdown(text: object, limit: int) -> str:
    """``text`` as inert Markdown on one line, shortened to ``limit`` characters."""
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), visible(s))


def set_text_cell(cell: Any, value: object) -> None:
    """Put ``value`` in an openpyxl cell; a string is stored as text, whatever it starts with.

    openpyxl makes a string starting with ``=`` a formula (with no saved result: the archive reads
    an empty cell, and a spreadsheet runs it) and ``#N/A`` an error value; ``+``, ``-`` and ``@``
    are text in an XLSX already (they are formulas only to a CSV reader).
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
