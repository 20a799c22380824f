"""The upload plan, the help page's step 3: how much will be uploaded, by which method, and what
must be fetched first. Pure: the things to upload in, a plan out, and the plan as JSON, text and
Markdown (the two read the JSON form, so that a report's plan renders as the command's does).

The archive's rule (domain.md §5; the help page "Submit Annotations", step 3): the submission
tool's web upload under 50 GB in all and 20 GB per file (its page refuses single files over
30 GB), FTP up to 1 TB in all, Aspera above. Sizes are in decimal units, as the page writes them
(1 GB = 10**9 bytes), so that a size near a limit is on its safe side. A size nobody knows
without the content is said to be unknown, never guessed.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from bia_hooks.findings import Finding
from bia_hooks.safe_text import markdown, printable

__all__ = [
    "Absent",
    "Item",
    "Plan",
    "human_size",
    "make_plan",
    "plan_findings",
    "render_markdown",
    "render_text",
    "shorten",
    "to_json",
]

GB = 10**9
TB = 10**12
WEB_TOTAL = 50 * GB  # "less than 50GB total size"
WEB_FILE = 20 * GB  # "less than 20GB per individual file"
WEB_REFUSED = 30 * GB  # the web page refuses single files over 30 GB
FTP_TOTAL = 1 * TB  # "up to 1TB total size"

Method = Literal["web", "ftp", "aspera"]
UPLOAD_PAGE = "https://www.ebi.ac.uk/biostudies/submissions/files"
METHODS: dict[str, tuple[str, str]] = {  # method -> (what it is, where)
    "web": ("the submission tool's upload page", UPLOAD_PAGE),
    "ftp": ("FTP", f"the FTP/Aspera tab of {UPLOAD_PAGE}"),
    "aspera": ("Aspera", f"the FTP/Aspera tab of {UPLOAD_PAGE}"),
}

# Where absent content comes from, and so which command fetches it.
Via = Literal["git-annex", "dvc", "link"]
MAX_TARGETS = 10  # paths in one fetch command: more are shortened to their folders
MAX_PATHS = 1000  # paths per list in the JSON form; the counts are always complete


class Item(NamedTuple):
    """One thing to upload: a file or, when its files are not known one by one, a DVC folder.

    ``size`` in bytes, None when unknown. ``files`` is how many files it stands for (None:
    unknown). ``via`` says how its content is fetched when absent; ``target`` is the path the
    fetch command names (a DVC output; the path itself for git-annex).
    """

    path: str
    size: int | None
    present: bool = True
    files: int | None = 1
    via: Via | None = None
    target: str | None = None


@dataclass(frozen=True)
class Absent:
    """Files whose content is not here, fetched by one command."""

    via: Via
    paths: list[str]  # every absent item's path, sorted
    files: int  # files they stand for (known)
    size: int  # bytes (known)
    targets: list[str]  # what the command names; [] when it names nothing (all, or no command)
    command: str | None  # None: no command fetches it (a link to nothing)
    per_target: dict[str, int] = field(default_factory=dict)  # target -> files under it


@dataclass(frozen=True)
class Plan:
    files: int  # files to upload (known)
    size: int  # bytes (known)
    largest: tuple[str, int] | None  # the largest file whose size is known
    largest_sure: bool  # no file of unknown size may be larger
    unsized: list[str]  # items whose size is unknown
    uncounted: list[str]  # folders whose number of files is unknown
    method: Method
    reason: str
    certain: bool  # False when unknown sizes could change the method
    absent: list[Absent]


def human_size(n: int) -> str:
    """Bytes in decimal units, as the archive's page writes limits: 1.2 GB, 950 MB, 12 bytes."""
    if n < 1000:
        return f"{n:,} byte" + ("" if n == 1 else "s")
    for unit, scale in (("TB", TB), ("GB", GB), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    raise AssertionError(n)  # pragma: no cover


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def make_plan(items: Iterable[Item]) -> Plan:
    """The plan for uploading ``items``: totals, the method the archive recommends, and what
    must be fetched first."""
    items = sorted(items)
    size = sum(i.size for i in items if i.size is not None)
    files = sum(i.files for i in items if i.files is not None)
    singles = [(i.path, i.size) for i in items if i.files == 1 and i.size is not None]
    largest = max(singles, key=lambda s: s[1], default=None)  # ties: the first path
    unsized = [i.path for i in items if i.size is None]
    # A folder whose files' sizes are unknown holds no file larger than itself.
    folders = [i for i in items if i.files != 1 and i.size is not None]
    bound = largest[1] if largest else 0
    sure = not unsized and all((f.size or 0) <= bound for f in folders)
    method, reason, certain = _method(size, largest, sure, unsized, folders)
    return Plan(
        files=files,
        size=size,
        largest=largest,
        largest_sure=sure,
        unsized=unsized,
        uncounted=[i.path for i in items if i.files is None],
        method=method,
        reason=reason,
        certain=certain,
        absent=_absent(items),
    )


def _method(size: int, largest: tuple[str, int] | None, sure: bool, unsized: Sequence[str],
            folders: Sequence[Item]) -> tuple[Method, str, bool]:  # fmt: skip
    """The method the archive recommends, why, and whether unknown sizes could change it."""
    web_rule = "the web upload takes under 50 GB in all and under 20 GB per file"
    if size > FTP_TOTAL:  # unknown sizes only add to it
        return "aspera", f"{human_size(size)} in all: more than FTP's 1 TB", True
    unknown = ""
    if unsized:
        shown = ", ".join(unsized[:3]) + (", ..." if len(unsized) > 3 else "")
        unknown = f"; the size of {_n(len(unsized), 'item')} is unknown ({shown})"
    big_file = largest if largest is not None and largest[1] >= WEB_FILE else None
    if size >= WEB_TOTAL or big_file is not None:
        over = [f"{human_size(size)} in all: 50 GB or more"] if size >= WEB_TOTAL else []
        refused = ""
        if big_file is not None:
            path, bytes_ = big_file
            over.append(f"the largest file, {path}, is {human_size(bytes_)}: 20 GB or more")
            refused = "; the web page refuses files over 30 GB" if bytes_ > WEB_REFUSED else ""
        reason = "; ".join(over) + f" ({web_rule}{refused}); FTP takes up to 1 TB in all"
        if unknown:
            reason += unknown + ": if that makes more than 1 TB in all, use Aspera"
        return "ftp", reason, not unsized
    which = "the largest" if sure else "the largest of known size"
    biggest = f" ({which}: {largest[0]}, {human_size(largest[1])})" if largest else ""
    reason = f"{human_size(size)} in all and no file of 20 GB or more{biggest}: {web_rule}"
    doubts = [unknown] if unknown else []
    big_folders = [f for f in folders if f.size is not None and f.size >= WEB_FILE]
    if big_folders:
        f = big_folders[0]
        doubts.append(f"; {f.path} holds {human_size(f.size or 0)} in files whose sizes are not "
                      "known one by one")  # fmt: skip
    if doubts:
        reason += "".join(doubts) + ": if that makes 50 GB in all or a file of 20 GB, use FTP"
    return "web", reason, not doubts


_VIAS: tuple[Via, ...] = ("git-annex", "dvc", "link")


def _absent(items: Sequence[Item]) -> list[Absent]:
    by_via: dict[Via, list[Item]] = {}
    for i in items:
        if not i.present:
            by_via.setdefault(i.via or "link", []).append(i)
    out = []
    for via in _VIAS:
        group = by_via.get(via)
        if not group:
            continue
        paths = [i.path for i in group]
        files = sum(i.files for i in group if i.files is not None)
        size = sum(i.size for i in group if i.size is not None)
        targets, command, per_target = _fetch(via, group)
        out.append(Absent(via, paths, files, size, targets, command, per_target))
    return out


def _fetch(via: Via, group: Sequence[Item]) -> tuple[list[str], str | None, dict[str, int]]:
    """The targets and the command that fetch ``group``'s content, and the files per target."""
    if via == "link":
        return [], None, {}
    if via == "git-annex":
        target_of = _targets([i.path for i in group], MAX_TARGETS)
        names = [i.path for i in group]
        base = "git annex get"
    else:  # DVC pulls whole outputs; above them only `dvc pull` itself (every output)
        names = [i.target or i.path for i in group]
        outs = set(names)
        target_of = {o: o for o in outs} if len(outs) <= MAX_TARGETS else dict.fromkeys(outs, ".")
        base = "dvc pull"
    per_target: dict[str, int] = {}
    for name, i in zip(names, group, strict=True):
        target = target_of[name]
        per_target[target] = per_target.get(target, 0) + (i.files or 0)
    targets = sorted(per_target)
    if targets == ["."] and via == "dvc":
        return [], base, per_target
    return targets, " ".join([base, *map(_argument, targets)]), per_target


def _argument(path: str) -> str:
    """A path as one shell word that no command reads as an option."""
    return shlex.quote("./" + path if path.startswith("-") else path)


def shorten(paths: Iterable[str], limit: int) -> list[str]:
    """At most ``limit`` paths or folders covering ``paths``: each path cut to its first folders,
    at the deepest depth that fits (``.``, the whole dataset, when none does). A folder named
    covers files that are present too: fetching skips what is here."""
    return sorted(set(_targets(paths, limit).values()))


def _targets(paths: Iterable[str], limit: int) -> dict[str, str]:
    """path -> what ``shorten`` names for it. Depths are tried on the folders, which are far
    fewer than the paths (a million masks sit in a few thousand folders)."""
    unique = set(paths)
    if len(unique) <= limit:
        return {p: p for p in unique}
    folder_of = {p: p.rpartition("/")[0] for p in unique}
    folders = {f: f.split("/") if f else [] for f in set(folder_of.values())}
    for depth in range(max(map(len, folders.values())), 0, -1):
        # A path in a folder shallower than ``depth`` is named whole.
        cut = {f: "/".join(names[:depth]) for f, names in folders.items() if len(names) >= depth}
        whole = [p for p, f in folder_of.items() if f not in cut]
        if len(set(cut.values())) + len(whole) <= limit:
            return {p: cut.get(f) or p for p, f in folder_of.items()}
    return dict.fromkeys(unique, ".")


# --- findings: what blocks the upload -------------------------------------------------------


def plan_findings(plan: Plan) -> list[Finding]:
    """Content that is not here cannot be uploaded: one finding per fetch target (per link to
    nothing)."""
    findings: list[Finding] = []
    for absent in plan.absent:
        if absent.via == "link":
            findings += map(_dangling, absent.paths)
            continue
        for target, files in sorted(absent.per_target.items()):
            findings.append(_not_here(absent.via, target, files))
    return findings


def _dangling(path: str) -> Finding:
    return Finding(
        "BIA603",
        path,
        "a symbolic link to nothing: the file it names is not here, so there is nothing to upload",
        fix="restore the file the link names, or delete the link",
    )


def _not_here(via: Via, target: str, files: int) -> Finding:
    if via == "git-annex":
        code, fix = "BIA601", f"git annex get {_argument(target)}"
        what = (f"git-annex tracks {_n(files, 'file')} here whose content is not in this clone "
                "(dropped, or never fetched)")  # fmt: skip
    else:
        code, fix = "BIA602", "dvc pull" + ("" if target == "." else f" {_argument(target)}")
        what = f"DVC tracks {_n(files, 'file')} here that the workspace does not have (not pulled)"
    return Finding(
        code,
        "" if target == "." else target,
        what + ": the content must be here to be uploaded",
        fix=f"run `{fix}` from the dataset's root",
    )


# --- the JSON form, and text and Markdown read from it ----------------------------------------


def to_json(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON report holds it (``upload_plan``)."""
    name, where = METHODS[plan.method]
    return {
        "files": plan.files,
        "bytes": plan.size,
        "largest": (
            {"path": plan.largest[0], "bytes": plan.largest[1], "sure": plan.largest_sure}
            if plan.largest
            else None
        ),
        "unknown_size": {"count": len(plan.unsized), "paths": plan.unsized[:MAX_PATHS]},
        "uncounted": {"count": len(plan.uncounted), "paths": plan.uncounted[:MAX_PATHS]},
        "method": plan.method,
        "method_name": name,
        "where": where,
        "reason": plan.reason,
        "certain": plan.certain,
        "absent": [
            {
                "via": a.via,
                "files": a.files,
                "bytes": a.size,
                "command": a.command,
                "targets": a.targets,
                "paths": a.paths[:MAX_PATHS],
                "paths_count": len(a.paths),
            }
            for a in plan.absent
        ],
    }


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


_VIA_TEXT = {
    "git-annex": "annexed, content not in this clone",
    "dvc": "tracked by DVC, not pulled",
    "link": "symbolic links to nothing",
}


def _facts(plan: Mapping[str, Any]) -> tuple[str, list[str]]:
    """(totals, notes), as plain text from the JSON form; the largest file apart."""
    totals = f"{_n(_int(plan.get('files')), 'file')}, {human_size(_int(plan.get('bytes')))} in all"
    notes = []
    unknown = _dict(plan.get("unknown_size"))
    if _int(unknown.get("count")):
        notes.append(f"size unknown (not counted above): {_n(_int(unknown['count']), 'item')}")
    uncounted = _dict(plan.get("uncounted"))
    if _int(uncounted.get("count")):
        notes.append(f"number of files unknown: {_n(_int(uncounted['count']), 'DVC folder')} "
                     "(no manifest in the cache, no nfiles in the .dvc file)")  # fmt: skip
    return totals, notes


def _largest(largest: Mapping[str, Any]) -> str:
    return "the largest" if largest.get("sure") is not False else "the largest of known size"


_LATE = "The archive deletes the upload area after three months: upload when ready to submit."


def render_text(plan: Mapping[str, Any]) -> str:
    """The plan for a terminal: every value from the dataset shown escaped."""
    totals, notes = _facts(plan)
    largest = _dict(plan.get("largest"))
    if largest:
        size = human_size(_int(largest.get("bytes")))
        totals += f"; {_largest(largest)}: {largest.get('path')} ({size})"
    method = f"{plan.get('method_name')} ({plan.get('where')})"
    lines = [f"Upload: {totals}", f"Method: {method}", f"  why: {plan.get('reason')}"]
    if plan.get("certain") is False:
        lines.append("  (unknown sizes could change this: see why)")
    lines += [f"Note: {n}" for n in notes]
    for unknown in _list(_dict(plan.get("unknown_size")).get("paths"))[:MAX_TARGETS]:
        lines.append(f"  size unknown: {unknown}")
    for a in map(_dict, _list(plan.get("absent"))):
        what = _VIA_TEXT.get(str(a.get("via")), "?")
        head = f"Not here: {_n(_int(a.get('files')), 'file')} ({what})"
        if _int(a.get("bytes")):
            head += f", {human_size(_int(a.get('bytes')))}"
        lines.append(head)
        if a.get("command"):
            lines.append(f"  fetch before uploading, from the dataset's root: {a['command']}")
        else:
            for p in _list(a.get("paths"))[:MAX_TARGETS]:
                lines.append(f"  {p}")
    lines.append(_LATE)
    return "".join(printable(line) + "\n" for line in lines)


def _md(value: object, limit: int = 300) -> str:
    return markdown(value, limit)


def _code(value: object, limit: int = 300) -> str:
    return f"<code>{markdown(value, limit)}</code>"


def render_markdown(plan: Mapping[str, Any], heading: str = "###") -> str:
    """The plan as a Markdown section: every value from the dataset escaped."""
    totals, notes = _facts(plan)
    largest = _dict(plan.get("largest"))
    if largest:
        size = human_size(_int(largest.get("bytes")))
        totals += f"; {_largest(largest)}: {_code(largest.get('path'))} ({size})"
    method = f"**Upload with {_md(plan.get('method_name'), 80)}** ({_md(plan.get('where'), 120)})"
    why = f"{_md(plan.get('reason'), 2000)}."
    if plan.get("certain") is False:
        why += " Unknown sizes could change this."
    lines = [f"{heading} Upload", "", f"{method}: {why}", "", totals + "."]
    items = [f"- {_md(n)}" for n in notes]
    for a in map(_dict, _list(plan.get("absent"))):
        what = _VIA_TEXT.get(str(a.get("via")), "?")
        line = f"- ⚠️ Not here: {_n(_int(a.get('files')), 'file')} ({what})"
        if a.get("command"):
            line += f"; fetch before uploading, from the dataset's root: {_code(a['command'])}"
        else:
            line += ": " + ", ".join(_code(p, 100) for p in _list(a.get("paths"))[:MAX_TARGETS])
        items.append(line)
    lines += ["", *items] if items else []
    return "\n".join([*lines, "", _md(_LATE), ""])
