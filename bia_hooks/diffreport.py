"""A diff between two versions as a user reads it: text (the terminal), JSON (versioned, for
programs) and Markdown short enough for the archive's version "changes" field. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bia_hooks import __version__
from bia_hooks.listdiff import ContentChange, DatasetDiff, ListDiff, Row, RowChange, Stored
from bia_hooks.safe_text import markdown, visible

__all__ = ["DIFF_VERSION", "MARKDOWN_CHANGES", "to_json", "to_markdown", "to_text"]

DIFF_VERSION = 1  # the JSON's "version": raised when a field changes meaning or goes
MARKDOWN_CHANGES = 10  # changes the Markdown names before "and N more"
_MD_VALUE = 120  # characters of one path or cell in Markdown


def code(text: object, limit: int = _MD_VALUE) -> str:
    """A path or cell as a Markdown code span: nothing in it is read as Markdown, and it reads
    well as plain text too (the archive may show the field either way)."""
    s = visible(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    run = max((len(r) for r in re.findall("`+", s)), default=0)
    fence = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip(" ") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def version_name(label: str | None) -> str:
    return "the staged files (git index)" if label is None else label


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def list_counts(d: ListDiff) -> str:
    """``2 rows added, 1 removed, 1 renamed, 3 changed`` (the kinds that happened)."""
    kinds = [(len(d.added), "added"), (len(d.removed), "removed"),
             (len(d.renamed), "renamed"), (len(d.changed), "changed")]  # fmt: skip
    happened = [(n, what) for n, what in kinds if n]
    if not happened:
        return "no row changed"
    (n, what), rest = happened[0], happened[1:]
    return ", ".join([f"{_plural(n, 'row')} {what}", *(f"{m:,} {w}" for m, w in rest)])


def _list_title(d: ListDiff, show: Callable[[str], str] = str) -> str:
    """The list's name and what happened to it; ``show`` writes a path (Markdown: ``code``)."""
    if d.status == "added":
        return f"{show(d.path)} (new file list)"
    if d.status == "removed":
        return f"{show(d.path)} (file list removed)"
    if d.status == "renamed":
        return f"{show(d.path)} (renamed from {show(d.old_path or '')})"
    return show(d.path)


def _stored(s: Stored | None) -> str:
    return "" if s is None else f"{s.kind} {s.id}"


def _cells_text(change: RowChange) -> str:
    return "; ".join(f"[{c.column}] '{c.old}' -> '{c.new}'" for c in change.cells)


# --- text -------------------------------------------------------------------------------------


def to_text(diff: DatasetDiff) -> list[str]:
    """The lines to print (each still to be made printable: they quote paths and cells)."""
    span = f"from {version_name(diff.old)} to {version_name(diff.new)}"
    if diff.empty:
        return [f"No change to the file lists or the annotation files {span}."]
    lines = [f"Changes {span}:"]
    for d in diff.filelists:
        if d.unreadable:
            lines.append(f"{_list_title(d)}: rows not compared: {_unreadable(diff, d)}")
            continue
        lines.append(f"{_list_title(d)}: {list_counts(d)}")
        lines += [f"  column added: {c}" for c in d.columns_added]
        lines += [f"  column removed: {c}" for c in d.columns_removed]
        lines += [f"  added    {r.path}" for r in d.added]
        lines += [f"  removed  {r.path}" for r in d.removed]
        for r in d.renamed:
            cells = f": {_cells_text(r)}" if r.cells else ""
            lines.append(f"  renamed  {r.old_path} -> {r.path}{cells}")
        lines += [f"  changed  {r.path}: {_cells_text(r)}" for r in d.changed]
    if diff.files:
        lines.append(f"Annotation files whose content changed: {len(diff.files):,}")
        for f in diff.files:
            lines.append(f"  {_content_text(f)}")
    return lines


def _unreadable(diff: DatasetDiff, d: ListDiff) -> str:
    """Why the rows of a list are not compared: the archive cannot read a version of it."""
    return "; ".join(
        f"the archive cannot read it at {version_name(diff.old if side == 'old' else diff.new)}: "
        f"{why}"
        for side, why in sorted(d.unreadable.items(), key=lambda kv: kv[0] != "old")
    )


def _content_text(f: ContentChange) -> str:
    name = f"{f.old_path} -> {f.path}" if f.old_path else f.path
    if f.parts is not None:
        return f"{name}: {_plural(f.parts, 'part')} of the folder changed"
    return f"{name}: {_stored(f.old)} -> {_stored(f.new)}"


# --- JSON -------------------------------------------------------------------------------------


def to_json(diff: DatasetDiff) -> dict[str, Any]:
    """``{"version": 1, "tool", "from": {"revision", "commit"}, "to": {"revision", "commit"}
    (null: the git index), "summary": {counts}, "filelists": [...], "files": [...]}``."""
    return {
        "version": DIFF_VERSION,
        "tool": f"bia-hooks {__version__}",
        "from": {"revision": diff.old, "commit": diff.old_commit},
        "to": {"revision": diff.new, "commit": diff.new_commit},
        "summary": diff.counts(),
        "filelists": [_list_json(d) for d in diff.filelists],
        "files": [_content_json(f) for f in diff.files],
    }


def _list_json(d: ListDiff) -> dict[str, Any]:
    return {
        "path": d.path,
        "old_path": d.old_path,
        "status": d.status,
        "unreadable": dict(d.unreadable),
        "columns_added": d.columns_added,
        "columns_removed": d.columns_removed,
        "rows": {
            "added": [_row_json(r) for r in d.added],
            "removed": [_row_json(r) for r in d.removed],
            "renamed": [_change_json(r) for r in d.renamed],
            "changed": [_change_json(r) for r in d.changed],
        },
    }


def _row_json(r: Row) -> dict[str, Any]:
    return {"path": r.path, "values": dict(r.values)}


def _change_json(r: RowChange) -> dict[str, Any]:
    out: dict[str, Any] = {"path": r.path}
    if r.old_path is not None:
        out["old_path"] = r.old_path
    out["cells"] = [{"column": c.column, "old": c.old, "new": c.new} for c in r.cells]
    return out


def _content_json(f: ContentChange) -> dict[str, Any]:
    def stored(s: Stored | None) -> dict[str, str] | None:
        return None if s is None else {"kind": s.kind, "id": s.id}

    out: dict[str, Any] = {"path": f.path, "old_path": f.old_path}
    if f.parts is not None:
        out["parts_changed"] = f.parts
    else:
        out["old"], out["new"] = stored(f.old), stored(f.new)
    return out


# --- Markdown ---------------------------------------------------------------------------------


def to_markdown(diff: DatasetDiff, heading: str | None = None, most: int = MARKDOWN_CHANGES) -> str:
    """A short text for the archive's version "changes" field: per file list its counts and its
    first changes, ``most`` in all, then "and N more"; the annotation files with new content.
    Every path and cell is escaped (``safe_text.markdown``): it cannot start a link or a table."""
    if heading is None:
        heading = f"Changes from {version_name(diff.old)} to {version_name(diff.new)}"
    title = markdown(heading, _MD_VALUE)
    if diff.empty:
        return f"{title}: no change to the file lists or the annotation files.\n"
    lines = [f"{title}:", ""]
    left = most
    for d in diff.filelists:
        if d.unreadable:
            why = markdown(_unreadable(diff, d), 2 * _MD_VALUE)
            lines.append(f"- {_list_title(d, code)}: rows not compared: {why}")
            continue
        lines.append(f"- {_list_title(d, code)}: {list_counts(d)}")
        items = _markdown_items(d)
        for item in items[:left]:
            lines.append(f"  - {item}")
        if len(items) > left:
            lines.append(f"  - and {len(items) - left:,} more")
        left = max(0, left - len(items))
    if diff.files:
        names = [code(f.path) for f in diff.files[:left]]
        more = len(diff.files) - len(names)
        shown = ", ".join(names) + (f" and {more:,} more" if more and names else "")
        what = _plural(len(diff.files), "annotation file") + " with new content"
        lines.append(f"- {what}: {shown}" if names else f"- {what}")
    return "\n".join(lines) + "\n"


def _markdown_items(d: ListDiff) -> list[str]:
    items = [f"column added: {markdown(c, _MD_VALUE)}" for c in d.columns_added]
    items += [f"column removed: {markdown(c, _MD_VALUE)}" for c in d.columns_removed]
    items += [f"added {code(r.path)}" for r in d.added]
    items += [f"removed {code(r.path)}" for r in d.removed]
    for r in d.renamed:
        cells = f" ({_cells_markdown(r)})" if r.cells else ""
        items.append(f"renamed {code(r.old_path)} to {code(r.path)}{cells}")
    items += [f"changed {code(r.path)}: {_cells_markdown(r)}" for r in d.changed]
    return items


def _cells_markdown(r: RowChange) -> str:
    return "; ".join(
        f"{markdown(c.column, _MD_VALUE)} {code(c.old)} → {code(c.new)}" for c in r.cells
    )
