"""Keep each file list in step with the dataset's files: plan, report, and (when asked) write."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bia_hooks import tree
from bia_hooks.config import Config, FileListConfig
from bia_hooks.coverage import Coverage, assign
from bia_hooks.errors import UsageError
from bia_hooks.filelist.columns import ANNOTATION_TYPE, FILES, SOURCE_IMAGE, standard_name
from bia_hooks.filelist.edit import Editor, open_editor
from bia_hooks.filelist.table import Table
from bia_hooks.findings import Finding
from bia_hooks.syncplan import SyncPlan, new_row_values, place_values, plan_sync

FILELIST_SUFFIXES = (".tsv", ".xlsx", ".json")
MANDATORY = (ANNOTATION_TYPE, SOURCE_IMAGE)  # besides Files (domain.md §3)
ANNOTATION_COLUMNS = (FILES, *MANDATORY)


@dataclass
class ListSync:
    """The outcome for one file list."""

    config: FileListConfig
    plan: SyncPlan
    rows: int  # rows after the sync
    created: bool = False
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # column -> new rows lacking it
    new_columns: list[str] = field(default_factory=list)
    arrived: dict[str, str] = field(default_factory=dict)  # new path -> the list it came from
    # Rows kept although their file is not in the dataset: it is on disk, only not staged.
    unstaged: list[str] = field(default_factory=list)


def find_filelists(root: Path, paths: Sequence[str]) -> list[FileListConfig]:
    """File lists found by themselves: tracked .tsv/.xlsx/.json whose first header is Files."""
    from bia_hooks.filelist.read import looks_like_filelist

    return [
        FileListConfig(path=p)
        for p in paths
        if p.endswith(FILELIST_SUFFIXES) and looks_like_filelist(root, p)
    ]


def filelists_of(config: Config, paths: Sequence[str]) -> tuple[list[FileListConfig], bool]:
    """The configured file lists, or else the ones found; and whether they were configured."""
    if config.filelists:
        return list(config.filelists), True
    return find_filelists(config.root, paths), False


NO_FILELIST_HELP = (
    "start one: write its header line, e.g. "
    "printf 'Files\\tAnnotation type\\tSource image\\n' > annotations/filelist.tsv, "
    "then run 'bia-hooks sync' to fill in a row per file "
    "(or name it under 'filelists:' in .bia-hooks.yaml)"
)


def share_out(config: Config, paths: Sequence[str]) -> tuple[list[FileListConfig], Coverage]:
    """The file lists and the files each covers. Every configured path is checked first, so that
    a bad one stops the run before any list is written."""
    filelists, configured = filelists_of(config, paths)
    seen: set[str] = set()
    for filelist in filelists:
        ensure_inside(config.root, filelist)
        if filelist.path in seen:
            raise UsageError(
                f"file list {filelist.path}: named twice under 'filelists' in .bia-hooks.yaml; "
                "keep one entry (its include globs can name several folders)"
            )
        seen.add(filelist.path)
    coverage = assign(paths, filelists, config.ignore, nearest_wins=not configured)
    return filelists, coverage


def coverage_findings(coverage: Coverage, filelists: Sequence[FileListConfig]) -> list[Finding]:
    findings = list(coverage.findings)
    if not filelists:
        findings.append(Finding("BIA425", "", "the dataset has no file list", fix=NO_FILELIST_HELP))
        return findings
    for path in coverage.unclaimed:
        findings.append(
            Finding(
                "BIA423",
                path,
                "no file list covers this file, so it will not be described",
                fix="add it to a file list's 'include' globs, or to 'ignore' in .bia-hooks.yaml",
            )
        )
    return findings


def rows_moving_out(
    config: Config, filelists: Sequence[FileListConfig], coverage: Coverage,
    renames_of: Callable[[FileListConfig], dict[str, str]],
) -> dict[str, tuple[str, dict[str, str]]]:  # fmt: skip
    """Rows whose file moved into another file list's files: new path -> (old list, values).

    Within one list a rename re-paths the row; across lists the old list loses the row and the
    new one gains it, and these values go with it, so that a move between annotation sections
    keeps every cell.
    """
    member_of: dict[str, str] = {}  # path -> its list, built only when some file left a list
    moving: dict[str, tuple[str, dict[str, str]]] = {}
    for filelist in filelists:
        renames = renames_of(filelist)
        file = config.root / filelist.path
        if not renames or not file.exists():
            continue
        members = set(coverage.members.get(filelist.path, ()))
        out = {old: new for old, new in renames.items() if new not in members}
        if not out:
            continue
        if not member_of:
            member_of = {p: fl.path for fl in filelists for p in coverage.members.get(fl.path, ())}
        out = {old: new for old, new in out.items() if new in member_of}
        if not out:
            continue
        editor = open_editor(file)
        for row in editor.rows:
            new = out.get(editor.path_of(row))
            if new is not None:
                moving[new] = (filelist.path, editor.values_of(row))
    return moving


def prepare_sync(
    config: Config,
    filelist: FileListConfig,
    members: list[str],
    renames: Mapping[str, str],
    arriving: Mapping[str, tuple[str, dict[str, str]]] | None = None,
) -> tuple[ListSync, Editor | None]:
    """One file list brought in line with ``members``, in memory: the editor to save, or None
    when nothing changes. Saving is the caller's, after every list was prepared: a list that
    cannot be edited then stops the sync before any list is written (a row moving between two
    lists is never removed from one without being added to the other).

    ``arriving``: values of rows whose files moved here from another list (``rows_moving_out``).
    """
    file = config.root / filelist.path
    created = not file.exists()
    if not created and file.suffix == ".xlsx":
        # Opening a workbook for editing takes seconds: plan on the fast reading first.
        from bia_hooks.filelist.read import read_filelist

        table = read_filelist(config.root, filelist.path)[0]
        if table is not None:
            plan = plan_sync(table.paths, members, renames)
            unstaged = _keep_unstaged(config.root, plan)
            if not plan.changed:
                return ListSync(filelist, plan, rows=len(table.rows), unstaged=unstaged), None
    editor = _new_editor(filelist) if created else open_editor(file)
    plan = plan_sync([editor.path_of(r) for r in editor.rows], members, renames)
    outcome = ListSync(filelist, plan, rows=len(editor.rows), created=created)
    outcome.unstaged = _keep_unstaged(config.root, plan)
    if not (plan.changed or created):
        return outcome, None
    _apply(editor, filelist, plan, outcome, arriving or {})
    outcome.rows = len(editor.rows)
    return outcome, editor


def _keep_unstaged(root: Path, plan: SyncPlan) -> list[str]:
    """Take back the removal of rows whose file is on disk, only not staged (yet): a person who
    wrote the rows first and forgot ``git add`` must not lose them. Returns those paths."""
    if not plan.removed:
        return []
    unstaged = [p for p in plan.removed if (root / p).exists() or (root / p).is_symlink()]
    kept = set(unstaged)
    plan.removed = [p for p in plan.removed if p not in kept]
    return unstaged


def unstaged_findings(outcome: ListSync) -> list[Finding]:
    return [
        Finding(
            "BIA421",
            outcome.config.path,
            f"lists '{path}', which is on disk but not staged: the commit would not hold it "
            "(the row is kept)",
            value=path,
            fix=f"git add '{path}', or delete its row",
        )
        for path in outcome.unstaged
    ]


def check_one(
    config: Config,
    filelist: FileListConfig,
    members: list[str],
    renames: Mapping[str, str],
    table: Table | None,
) -> tuple[ListSync, list[Finding]]:
    """What a sync would change, as findings. ``table`` is the file list as the archive reads
    it (None when it does not exist or cannot be read: its format findings say why)."""
    if not (config.root / filelist.path).exists():
        finding = Finding(
            "BIA424",
            filelist.path,
            "this configured file list does not exist yet",
            fix="run 'bia-hooks sync' to create it, and stage it",
        )
        return ListSync(filelist, SyncPlan(), rows=0, created=True), [finding]
    if table is None:
        return ListSync(filelist, SyncPlan(), rows=0), []
    listed = table.paths
    plan = plan_sync(listed, members, renames)
    outcome = ListSync(filelist, plan, rows=len(listed))
    return outcome, _drift_findings(filelist.path, listed, table.refs, plan)


def _new_editor(filelist: FileListConfig) -> Editor:
    from bia_hooks.filelist.edit import JsonEditor, TsvEditor, XlsxEditor

    columns = ANNOTATION_COLUMNS if filelist.schema == "annotations" else (FILES,)
    if filelist.path.endswith(".json"):
        editor: Editor = JsonEditor(b"[]")
        editor.header = list(columns)
    elif filelist.path.endswith(".xlsx"):
        editor = XlsxEditor.empty(list(columns))
    else:
        editor = TsvEditor(("\t".join(columns) + "\n").encode())
    return editor


def _apply(
    editor: Editor,
    filelist: FileListConfig,
    plan: SyncPlan,
    outcome: ListSync,
    arriving: Mapping[str, tuple[str, dict[str, str]]],
) -> None:
    added: list[Mapping[str, str]] = []
    for path in plan.added:
        carried = arriving.get(path)
        if carried is not None:
            outcome.arrived[path] = carried[0]
        # The user's values, where the row came from another list; else the configured defaults.
        proposed = {**new_row_values(path, filelist), **(carried[1] if carried else {})}
        values, missing = place_values(editor.header, proposed)
        for column in missing:
            editor.add_column(column)
            outcome.new_columns.append(column)
        added.append({**values, editor.header[0]: path})
    if filelist.schema == "annotations":
        for wanted in MANDATORY:
            column = next((h for h in editor.header if standard_name(h) == wanted), wanted)
            lacking = [row[editor.header[0]] for row in added if not row.get(column)]
            if lacking:
                outcome.incomplete[column] = lacking
    editor.apply(set(plan.removed), plan.renamed, added)


def _drift_findings(
    name: str, listed: Sequence[str], refs: Sequence[int], plan: SyncPlan
) -> list[Finding]:
    fix = (
        "run 'bia-hooks sync' (the bia-sync-filelist hook does it at commit) "
        "and stage the file list"
    )
    findings = [Finding("BIA420", path, f"not listed in {name}", fix=fix) for path in plan.added]
    if not (plan.removed or plan.renamed):
        return findings  # a list in step: no map of its rows (a million of them) is needed
    line_of = dict(zip(listed, refs, strict=False))
    line_kind = "pointer" if name.endswith(".json") else "line"
    for path in plan.removed:
        findings.append(
            Finding(
                "BIA421",
                name,
                f"lists '{path}', which is not in the dataset",
                value=path,
                fix=fix,
                **_where(line_kind, line_of.get(path)),
            )
        )
    for old, new in plan.renamed.items():
        findings.append(
            Finding(
                "BIA421",
                name,
                f"lists '{old}', which was renamed to '{new}'",
                value=old,
                fix=fix + "; the row keeps its values",
                **_where(line_kind, line_of.get(old)),
            )
        )
    return findings


def _where(kind: str, ref: int | None) -> dict[str, Any]:
    if ref is None:
        return {}
    return {"pointer": f"/{ref}/path"} if kind == "pointer" else {"line": ref}


def dataset_files(config: Config) -> tuple[list[str], list[str], list[Finding]]:
    """Every path of the dataset; the data files among them (what file lists name, without the
    repository's own files); and what listing them found amiss.

    ``tree.dataset_files`` says what they are. Only paths: annex keys are read by the rename
    detection, for the few paths a change touches.
    """
    paths, data, findings = tree.dataset_files(config.root, config.objects)
    return paths, data, config.apply_severity(findings)


def rename_finder(config: Config) -> Callable[[FileListConfig], dict[str, str]]:
    """Renames a file list must follow: those since the commit that last changed it.

    That is the staged change when the hooks keep the list in step, and also covers renames
    committed without them (``git commit --no-verify``, a merge), so no row is dropped for a file
    that only moved.
    """
    from bia_hooks.gitcmd import git, has_commit, is_git_work_tree
    from bia_hooks.moves import renames_since

    in_git = is_git_work_tree(config.root) and has_commit(config.root, "HEAD")
    found: dict[str, dict[str, str]] = {}

    def renames(filelist: FileListConfig) -> dict[str, str]:
        if not in_git:
            return {}
        log = git(
            config.root, "log", "-1", "--format=%H", "--", f":(literal){filelist.path}", check=False
        )
        rev = log.stdout.decode().strip() or "HEAD"
        if rev not in found:
            found[rev] = renames_since(config.root, rev, config.objects)
        return found[rev]

    return renames


def members_of(coverage: Coverage, filelist: FileListConfig) -> list[str]:
    return coverage.members.get(filelist.path, [])


def describe(outcome: ListSync, limit: int = 20) -> list[str]:
    """Lines a person reads after a sync: what changed, and what is left to fill in."""
    plan = outcome.plan
    name = outcome.config.path
    head = f"{name}: created, " if outcome.created else f"{name}: "
    lines = [head + plan.describe()]
    for sign, items in (("+", plan.added), ("-", plan.removed)):
        lines += [
            f"  {sign} {p}" + (f" (its row and values moved here from {outcome.arrived[p]})"
                               if p in outcome.arrived else "")
            for p in items[:limit]
        ]  # fmt: skip
        if len(items) > limit:
            lines.append(f"  {sign} ... and {len(items) - limit:,} more")
    renamed = list(plan.renamed.items())
    lines += [f"  ~ {old} -> {new}" for old, new in renamed[:limit]]
    if len(renamed) > limit:
        lines.append(f"  ~ ... and {len(renamed) - limit:,} more")
    for column in outcome.new_columns:
        lines.append(f"  column '{column}' added, for the values of new rows")
    for column, rows in outcome.incomplete.items():
        shown = ", ".join(rows[:5]) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
        lines.append(
            f"  {len(rows):,} new row(s) need '{column}' filled in: {shown} "
            f"(or set a default in .bia-hooks.yaml)"
        )
    return lines


def ensure_inside(root: Path, filelist: FileListConfig) -> None:
    """A configured file list's path must be a plain path inside the dataset, as git writes it."""
    normalized = posixpath.normpath(filelist.path)
    if normalized.startswith("../") or normalized.startswith("/") or normalized == "..":
        raise UsageError(f"file list {filelist.path}: must be inside the dataset root")
    if normalized != filelist.path:
        raise UsageError(
            f"file list {filelist.path}: write it as '{normalized}' in .bia-hooks.yaml "
            "(from the dataset root, without './' or '//')"
        )
