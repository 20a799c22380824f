"""Checks of file and folder names: paths in, findings out, no I/O (domain.md §1)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from bia_hooks import pathrule
from bia_hooks.findings import Finding, Level

WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
JUNK_FILES = frozenset([".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db"])
SPACE_POLICIES = ("allow", "warn", "error")


@dataclass(frozen=True)
class NameSettings:
    spaces: str = "warn"  # allow | warn | error


def check_path(path: str, settings: NameSettings, taken: Collection[str] = ()) -> list[Finding]:
    """Everything wrong with one path. ``taken`` are the paths a suggested new name must avoid."""
    findings: list[Finding] = []
    bad = pathrule.bad_characters(path)
    form = pathrule.form_problems(path)
    if bad or form:
        suggestion = pathrule.suggest_path(path, lambda p: p != path and p in taken)
        fix = f"rename to '{suggestion}'" if suggestion != path else None
        if bad:
            chars = ", ".join(b.describe() for b in bad)
            findings.append(
                Finding("BIA101", path, f"the archive refuses the character(s) {chars}", fix=fix)
            )
        if form:
            findings.append(
                Finding(
                    "BIA102", path, f"the archive refuses this path: {'; '.join(form)}", fix=fix
                )
            )
    findings.extend(_risky(path, settings))
    return findings


def _risky(path: str, settings: NameSettings) -> Iterator[Finding]:
    if " " in path and settings.spaces != "allow":
        level = Level.ERROR if settings.spaces == "error" else Level.WARNING
        yield Finding(
            "BIA103",
            path,
            "the path holds a space; the archive's help page allows only letters, digits and ! - _ . * ' ( )",
            level=level,
            fix="replace spaces with '_'",
        )
    if "  " in path:
        yield Finding("BIA105", path, "two spaces in a row: the archive's upload page flags them",
                      fix="use a single space or '_'")  # fmt: skip
    if path.startswith("/"):
        yield Finding(
            "BIA106", path,
            "a leading '/' makes the archive look for an absolute path, and the file is not found",
            fix=f"write the path from the root of the upload: '{path.lstrip('/')}'",
        )  # fmt: skip
    parts = path.split("/")
    inner = parts[1:] if path.startswith("/") else parts
    if any(p in ("", ".", "..") for p in (inner[:-1] if path.endswith("/") else inner)) and path:
        yield Finding("BIA111", path, "the path has an empty, '.' or '..' component",
                      fix=f"write it as '{pathrule.sanitize_path(path)}'")  # fmt: skip
    for part in parts:
        if part != part.strip(" "):
            yield Finding(
                "BIA104", path,
                f"'{part}' starts or ends with a space; the archive trims trailing spaces and does not support them",
                fix=f"rename to '{part.strip(' ')}'",
            )  # fmt: skip
        stem = part.split(".", 1)[0].rstrip(" ").upper()
        if stem in WINDOWS_RESERVED:
            yield Finding("BIA108", path, f"'{part}' is a reserved name on Windows and cannot be checked out there",
                          fix=f"rename to '{_unreserved(part)}'")  # fmt: skip
        if part.endswith(".") and part not in (".", ".."):
            yield Finding("BIA109", path, f"'{part}' ends in a dot, which Windows drops",
                          fix=f"rename to '{part.rstrip('.')}'")  # fmt: skip
    if parts[-1] in JUNK_FILES:
        yield Finding("BIA110", path, f"'{parts[-1]}' is a file the operating system made, not data",
                      fix="remove it from the repository and add it to .gitignore")  # fmt: skip


def _unreserved(name: str) -> str:
    stem, dot, rest = name.partition(".")
    return f"{stem.rstrip(' ')}_{dot}{rest}"


def fold(path: str) -> str:
    """The key under which two paths collide on a case-insensitive, normalizing file system."""
    return unicodedata.normalize("NFC", path).casefold()


def with_folders(paths: Iterable[str]) -> set[str]:
    """The paths and every folder above them."""
    out: set[str] = set()
    for path in paths:
        out.add(path)
        cut = path.rfind("/")
        while cut > 0:
            folder = path[:cut]
            if folder in out:
                break
            out.add(folder)
            cut = path.rfind("/", 0, cut)
    return out


def check_collisions(checked: Iterable[str], everything: Collection[str]) -> list[Finding]:
    """Checked paths (or their folders) equal to another path but for case or Unicode form."""
    by_key: dict[str, set[str]] = {}
    for p in with_folders(everything):
        by_key.setdefault(fold(p), set()).add(p)
    findings = []
    reported: set[frozenset[str]] = set()
    for path in checked:
        for p in sorted(with_folders([path])):
            twins = by_key.get(fold(p), set()) - {p}
            if not twins:
                continue
            pair = frozenset({p, *twins})
            if pair in reported:
                continue
            reported.add(pair)
            others = ", ".join(f"'{t}'" for t in sorted(twins))
            findings.append(
                Finding(
                    "BIA107",
                    path,
                    f"'{p}' and {others} differ only by letter case or Unicode form: "
                    "they collide on macOS and Windows",
                    fix="give one of them a different name",
                )  # fmt: skip
            )
    return findings


def check_names(
    checked: Iterable[str], everything: Collection[str], settings: NameSettings
) -> list[Finding]:
    """All name findings for ``checked``, against the full set of paths in the dataset."""
    checked = list(checked)
    taken = set(everything) | set(checked)
    findings = [f for p in checked for f in check_path(p, settings, taken)]
    findings.extend(check_collisions(checked, taken))
    return findings
