"""What ``validate`` last found in each file list, kept in the repository's git directory, so that
the hook validates only what changed.

Keyed by content: the list's bytes (its git blob id), the tool's version, the configuration (its
bytes, the dataset's place: ``verified.state_key``), the schema asked for, the extra schema's bytes.
A list with the same bytes gets the same findings again. A TSV list found clean whose new version
differs in a few whole lines (``linediff``) is clean again when those lines are, read and
validated as the full run reads them, and name no path another row names or holds: those are the
only checks that look across rows. Anything else is validated in full, and remembered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bia_hooks import advice, fileids, kept, verified
from bia_hooks.atomic import load_remembered
from bia_hooks.config import Config
from bia_hooks.filelist.linediff import MOST_LINES, LineChange, paths_of
from bia_hooks.findings import Finding, Level
from bia_hooks.pathsets import ancestors

MEMO_NAME = "validated.json"
KEPT_FOR = "validate"  # the lists' bytes the memo names (``kept``)
MOST_FINDINGS = 1000  # a list with more is validated in full each time: its memo would be big


@dataclass
class Verdict:
    """One list's findings and row count, as ``validate`` reports them."""

    findings: list[Finding]
    rows: int


@dataclass
class _Known:
    key: str
    blob: str  # the blob id of the list's bytes (``verified.blob_id``): read back from git
    verdict: Verdict


class Memo:
    """The verdicts ``validate`` found, by list."""

    def __init__(self, config: Config, gitdir: Path) -> None:
        self.config = config
        self.gitdir = gitdir
        self.known: dict[str, _Known] = {}
        self.seen: dict[str, bytes] = {}  # blob id -> the bytes this run read
        self.changed = False
        self.hash_name = verified.object_format(config.root)
        try:
            raw = load_remembered(gitdir / "bia-hooks" / MEMO_NAME)
            if not isinstance(raw, dict):
                raise ValueError("absent, or not as written")
            for path, entry in raw.items():
                key, blob, rows = entry["key"], entry["blob"], entry["rows"]
                if not (isinstance(key, str) and verified.is_object_id(blob)):
                    raise ValueError("not as written")  # git is given object ids only
                findings = [_finding(f) for f in entry["findings"]]
                self.known[path] = _Known(key, blob, Verdict(findings, int(rows)))
        except (ValueError, KeyError, TypeError, AttributeError):
            self.known = {}  # absent, or not ours to trust: validated in full

    def key(self, path: str, schema: str | None) -> str | None:
        """What a verdict depends on besides the list's bytes; None when the list is checked
        against another list's content (an image dataset), which this memo does not follow."""
        entry = next((fl for fl in self.config.filelists if fl.path == path), None)
        if entry is not None and entry.image_dataset is not None:
            return None
        digest = hashlib.sha256(f"{verified.state_key(self.config)}\0{schema}\0".encode())
        if entry is not None and entry.extra_schema:
            extra = verified.file_digest(self.config.root / entry.extra_schema)
            if extra is None:
                return None
            digest.update(extra.encode())
        return digest.hexdigest()

    def content(self, path: str, schema: str | None, key: str,
                file: Path) -> Verdict | tuple[bytes, str] | None:  # fmt: skip
        """The verdict found before, when the file's stat shows the bytes it was found on
        (``fileids``); else the list's bytes and their blob id; None when it cannot be read."""
        if not self.hash_name:
            return None
        known = self.known.get(path)
        noted = fileids.known(self.gitdir, file, self.hash_name) if known is not None else None
        if known is not None and known.key == key and noted is not None:
            if noted == known.blob:
                return known.verdict
            carried = self._carried_unread(path, schema, known, noted)
            if carried is not None:
                return carried
        return fileids.read(self.gitdir, file, self.hash_name)

    def _carried_unread(self, path: str, schema: str | None, known: _Known,
                        blob: str) -> Verdict | None:  # fmt: skip
        """The clean verdict carried to the version ``blob`` without reading it, when the sync
        found that version in step with each list naming exactly its files (so no row names a
        path another row names, holds or is inside: what ``_alone`` looks for) and the line
        change to it is remembered."""
        if known.verdict.findings or not path.endswith(".tsv"):
            return None
        state = verified.load(self.gitdir)
        if state is None or not state.exact or state.lists.get(path) != blob:
            return None
        if state.key != verified.state_key(self.config):
            return None
        change = kept.remembered_change(self.gitdir, known.blob, blob)
        if change is None or change.size() > MOST_LINES:
            return None
        carried = self._carried(path, schema, change, None, known.verdict.rows)
        if carried is not None:  # the next edit is carried from this version
            self.known[path] = _Known(known.key, blob, carried)
            self.changed = True
        return carried

    def recall(self, path: str, schema: str | None, key: str, data: bytes,
               blob: str) -> Verdict | None:  # fmt: skip
        """The verdict on ``data`` (whose blob id is ``blob``), known or carried from the clean
        version it was edited from."""
        known = self.known.get(path)
        if known is None or known.key != key:
            return None
        self.seen[blob] = data
        if known.blob == blob:
            return known.verdict
        if known.verdict.findings or not path.endswith(".tsv"):
            return None
        root, gitdir = self.config.root, self.gitdir
        change = kept.line_change(root, gitdir, known.blob, data, blob, self.hash_name)
        if change is None or change.size() > MOST_LINES:
            return None
        carried = self._carried(path, schema, change, data, known.verdict.rows)
        if carried is not None:  # the next edit is carried from this version
            self.known[path] = _Known(key, blob, carried)
            self.changed = True
        return carried

    def _carried(self, path: str, schema: str | None, change: LineChange, data: bytes | None,
                 rows: int) -> Verdict | None:  # fmt: skip
        """The clean verdict carried over ``change``, when the changed lines are clean too and,
        in ``data`` (the new version; None: known to name each path once, no folder), alone."""
        from bia_hooks.validation import validate_filelist

        rows += change.rows_delta()
        added = change.added()
        new_paths = paths_of(added)
        if rows <= 0 or len(new_paths) != len(added):
            return None  # an empty list, a blank line: said of the whole list by the full run
        if new_paths:
            lines = "\n".join([change.header, *added]) + "\n"
            _, found = validate_filelist(self.config, path, schema, data=lines.encode())
            if found or (data is not None and not _alone(data, new_paths, added)):
                return None
        return Verdict([], rows)

    def remember(self, path: str, key: str, data: bytes, blob: str, verdict: Verdict) -> None:
        # Words said as the setting asks (a hook, a plain folder) are said anew each time.
        findings = verdict.findings
        if len(findings) > MOST_FINDINGS or advice.needs_setting(findings):
            self.known.pop(path, None)
        else:
            self.seen[blob] = data
            self.known[path] = _Known(key, blob, verdict)
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        from bia_hooks.atomic import write_remembered

        body = {
            path: {
                "key": k.key,
                "blob": k.blob,
                "rows": k.verdict.rows,
                "findings": [_plain(f) for f in k.verdict.findings],
            }
            for path, k in self.known.items()
        }
        file = self.gitdir / "bia-hooks" / MEMO_NAME
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            write_remembered(file, json.dumps(body, separators=(",", ":")).encode())
        except OSError:
            return  # a memo that cannot be written: the next run validates in full
        kept.keep(self.gitdir, KEPT_FOR, self.versions())

    def versions(self) -> dict[str, bytes | Path]:
        """The bytes of each version the memo names, for ``kept``: read in this run, or else
        the list's file (a copy made before is not read again). TSV lists only: the others are
        never carried over an edit."""
        from bia_hooks.confine import leads_outside, path_problem

        root = self.config.root
        versions: dict[str, bytes | Path] = {}
        for path, known in self.known.items():
            if not path.endswith(".tsv"):
                continue
            if known.blob in self.seen:
                versions[known.blob] = self.seen[known.blob]
            elif path_problem(path) is None and not leads_outside(root, path):
                versions[known.blob] = root / path
        return versions


def open_memo(config: Config) -> Memo | None:
    """The dataset's memo; None outside git (a plain folder is validated in full)."""
    gitdir = verified.git_dir(config.root)
    return None if gitdir is None else Memo(config, gitdir)


def forget_noted(config: Config, paths: Sequence[str]) -> None:
    """Forget the blob ids noted of these lists' files (``fileids``): the next run hashes them."""
    gitdir = verified.git_dir(config.root)
    if gitdir is not None:
        fileids.forget(gitdir, [config.root / path for path in paths])


def _alone(data: bytes, paths: Sequence[str], added: Sequence[str]) -> bool:
    """Does no other row of the list name one of ``paths``, a folder above one, or a path inside
    one (BIA307, BIA308)? ``paths`` are those of the ``added`` lines, which the list (``data``)
    holds now; every other line was in the clean version before. Searched in the bytes at C
    speed: one pass for the lines that start with each path, and for each folder above it, a
    line below that folder the version before held (then no row before named the folder, or
    that version was not clean), or else two passes."""
    came = {line.encode() for line in added}
    for path in paths:
        raw = path.encode()
        if not raw:
            return False
        rows = 0
        at = data.find(b"\n" + raw)
        while at >= 0:
            end = at + 1 + len(raw)
            after = data[end : end + 1]
            if after == b"/":
                return False  # a row inside it
            rows += after in (b"\t", b"\n", b"")
            at = data.find(b"\n" + raw, end)
        if rows != paths.count(path):
            return False
        for folder in ancestors(path):
            if folder in paths:
                return False  # two lines that came
            if not _held_before(data, folder.encode(), came) and _first_cells(
                data, folder.encode()
            ):
                return False
    return True


def _held_before(data: bytes, folder: bytes, came: set[bytes]) -> bool:
    """Does the list hold a line below ``folder`` that did not come, so that the clean version
    held it too? The first few such lines are looked at (a sorted list holds them together)."""
    at = data.find(b"\n" + folder + b"/")
    for _ in range(8):
        if at < 0:
            return False
        end = data.find(b"\n", at + 1)
        if data[at + 1 : end if end >= 0 else len(data)] not in came:
            return True
        at = data.find(b"\n" + folder + b"/", at + 1)
    return False


def _first_cells(data: bytes, cell: bytes) -> int:
    """How many lines of ``data`` start with the cell ``cell``."""
    found = data.count(b"\n" + cell + b"\t") + data.count(b"\n" + cell + b"\n")
    return found + (data.endswith(b"\n" + cell))


def _plain(finding: Finding) -> dict[str, Any]:
    out = finding.as_dict()
    out["level"] = finding.level.value
    return out


def _finding(raw: dict[str, Any]) -> Finding:
    return Finding(**{**raw, "level": Level(raw["level"])})
