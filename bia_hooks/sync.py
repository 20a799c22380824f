"""Keep each file list in step with the dataset's files: plan, report, and (when asked) write."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bia_hooks import advice, confine, junk, moves, pathrule, tree
from bia_hooks.atomic import ABSENT
from bia_hooks.config import Config, FileListConfig
from bia_hooks.errors import UsageError
from bia_hooks.filelist.columns import ANNOTATION_TYPE, FILES, SOURCE_IMAGE, standard_name
from bia_hooks.filelist.edit import Editor, open_editor
from bia_hooks.filelist.table import Table
from bia_hooks.findings import Finding
from bia_hooks.gitcmd import Started
from bia_hooks.syncplan import SyncPlan, new_row_values, place_values, plan_sync

__all__ = ["Editor", "ListSync", "describe", "prepare_sync", "rows_moving_in"]

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
    arrived: dict[str, str] = field(default_factory=dict)  # new path -> where its values came from
    # Rows kept although their file is not in the dataset: it is on disk, only not staged.
    unstaged: list[str] = field(default_factory=list)
    # Rows carried to a new path on evidence git did not give: old path -> the evidence.
    carried: dict[str, str] = field(default_factory=dict)
    # Removed rows that held values a person typed: path -> every value of the row.
    lost: dict[str, dict[str, str]] = field(default_factory=dict)


def rows_moving_in(
    config: Config, renamed_across: Mapping[str, tuple[str, str, str]]
) -> dict[str, tuple[str, dict[str, str]]]:
    """The rows of files renamed into another list's files: new path -> (where from, values).

    Within one list a rename re-paths the row; across lists (``Ownership.moves``) the old list
    loses the row and the new one gains it with every cell.
    """
    arriving: dict[str, tuple[str, dict[str, str]]] = {}
    by_list: dict[str, dict[str, str]] = {}  # list -> old path -> new path
    for new, (name, old, _) in renamed_across.items():
        by_list.setdefault(name, {})[old] = new
    for name, olds in by_list.items():
        editor = open_editor(config.root / name)
        for row in editor.rows:
            target = olds.get(editor.path_of(row))
            if target is not None:
                arriving[target] = (f"its row moved here from {name}", editor.values_of(row))
    return arriving


def prepare_sync(
    config: Config,
    filelist: FileListConfig,
    members: list[str],
    renames: Mapping[str, str],
    arriving: Mapping[str, tuple[str, dict[str, str]]] | None = None,
    untracked: moves.UntrackedTwins | None = None,
    listed: Sequence[str] | None = None,
    moving_out: Collection[str] = (),
    editor: Editor | None = None,
) -> tuple[ListSync, Editor | None]:
    """One file list brought in line with ``members``, in memory: the editor to save, or None
    when nothing changes. Saving is the caller's, after every list was prepared: a list that
    cannot be edited then stops the sync before any list is written (a row moving between two
    lists is never removed from one without being added to the other).

    ``arriving``: new path -> (where from, values) for new rows whose values are known elsewhere:
    a row moving here from another list (``rows_moving_in``), the other branch of a merge, a row
    saved when removed earlier.
    ``untracked``: finds files not added to git that hold a removed row's content.
    ``listed``: the paths the list names, as already read, which spares opening it for editing
    (seconds for a workbook) when it is in step.
    ``moving_out``: paths whose rows another list takes, values and all (nothing is lost).
    ``editor``: the list already open for editing, as read.
    """
    file = config.root / filelist.path
    created = not file.exists() and not file.is_symlink()
    if listed is not None and not created:
        plan = plan_sync(listed, members, renames)
        unstaged = _keep_unstaged(config.root, plan)
        if not plan.changed:
            return ListSync(filelist, plan, rows=len(listed), unstaged=unstaged), None
    if file.is_symlink():
        raise UsageError(_annexed_list(filelist.path))
    if editor is None:
        editor = _new_editor(filelist) if created else open_editor(file)
    if created or listed is None or not editor.names_as(listed):  # as a rule, the rows are listed
        plan = plan_sync(editor.paths(), members, renames)
        unstaged = _keep_unstaged(config.root, plan)
    outcome = ListSync(filelist, plan, rows=len(editor.rows), created=created, unstaged=unstaged)
    if plan.removed:
        _carry_typed_rows(editor, filelist, outcome, untracked, moving_out)
    if not (plan.changed or created):
        return outcome, None
    _apply(editor, filelist, plan, outcome, arriving or {})
    outcome.rows = len(editor.rows)
    return outcome, editor


def _annexed_list(name: str) -> str:
    return (
        f"{name} is in git-annex (a symlink to its content), and the sync does not rewrite "
        "annexed files. Keep file lists in git: "
        f"echo '{posixpath.basename(name)} annex.largefiles=nothing' >> .gitattributes, then "
        f"git annex unannex '{name}' && git add .gitattributes '{name}'"
    )


def typed_values(editor: Editor, row: Any, filelist: FileListConfig) -> dict[str, str]:
    """A row's values a person typed: those the configured defaults would not write."""
    defaults, _ = place_values(editor.header, new_row_values(editor.path_of(row), filelist))
    return {c: v for c, v in editor.values_of(row).items() if defaults.get(c) != v}


def _carry_typed_rows(
    editor: Editor,
    filelist: FileListConfig,
    outcome: ListSync,
    untracked: moves.UntrackedTwins | None,
    moving_out: Collection[str],
) -> None:
    """Rows with typed values that the plan removes: carried to a new path where evidence pairs
    them with one (git saw no rename), else kept in ``outcome.lost`` to be printed and saved."""
    plan = outcome.plan
    gone = set(plan.removed).difference(moving_out)
    paths = editor.paths()
    rows = {p: r for p, r in zip(paths, editor.rows, strict=False) if p in gone}
    typed = {p: row for p, row in rows.items() if typed_values(editor, row, filelist)}
    if not typed:
        return
    pairs: dict[str, tuple[str, str]] = {}
    if untracked is not None:
        pairs.update(
            (old, (new, f"identical content; '{new}' is not added to git yet (did you forget "
                   f"git add '{new}'?)"))
            for old, new in untracked.find(list(typed)).items()
        )  # fmt: skip
    for old, (new, why) in pairs.items():
        plan.removed.remove(old)
        if new in plan.added:
            plan.added.remove(new)
        else:
            outcome.unstaged.append(new)
        plan.renamed[old] = new
        outcome.carried[old] = why
    outcome.lost = {p: editor.values_of(row) for p, row in typed.items() if p not in pairs}


def _keep_unstaged(root: Path, plan: SyncPlan) -> list[str]:
    """Take back the removal of rows whose file is on disk, only not staged (yet): a person who
    wrote the rows first and forgot ``git add`` must not lose them. Returns those paths."""
    if not plan.removed:
        return []
    unstaged = [
        p
        for p in plan.removed
        if confine.path_problem(p) is None  # a row that names a place outside is no file here
        and not junk.is_set_apart(p)  # nor is junk, a lock file, a leftover temporary file
        and ((root / p).exists() or (root / p).is_symlink())
    ]
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
    moved_out: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[ListSync, list[Finding]]:
    """What a sync would change, as findings. ``table`` is the file list as the archive reads
    it (None when it does not exist or cannot be read: its format findings say why).
    ``moved_out``: old path -> (new path, the list that takes it) for rows moving to another list.
    """
    if not (config.root / filelist.path).exists():
        finding = Finding(
            "BIA424",
            filelist.path,
            "this configured file list does not exist yet",
            fix=advice.create_the_list(),
        )
        return ListSync(filelist, SyncPlan(), rows=0, created=True), [finding]
    if table is None:
        return ListSync(filelist, SyncPlan(), rows=0), []
    listed = table.targets
    plan = plan_sync(listed, members, renames)
    outcome = ListSync(filelist, plan, rows=len(listed))
    return outcome, _drift_findings(filelist.path, listed, table.refs, plan, moved_out or {})


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
    editor.fingerprint = ABSENT  # written only if no other program created it meanwhile
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
    name: str,
    listed: Sequence[str],
    refs: Sequence[int],
    plan: SyncPlan,
    moved_out: Mapping[str, tuple[str, str]],
) -> list[Finding]:
    fix = advice.sync_the_list()
    quoted = _quoted_rows(plan)
    findings = [
        Finding("BIA420", path, f"not listed in {name}", fix=fix)
        if path not in quoted
        else Finding(
            "BIA420",
            path,
            f"not listed in {name}: a row lists it in quotes ('{quoted[path]}'), which the "
            "archive keeps",
            fix=f"remove the quotes in {name}: write '{path}'",
        )
        for path in plan.added
    ]
    if not (plan.removed or plan.renamed):
        return findings  # a list in step: no map of its rows (a million of them) is needed
    line_of = dict(zip(listed, refs, strict=False))
    line_kind = "pointer" if name.endswith(".json") else "line"
    unquoted = {row: path for path, row in quoted.items()}
    for path in plan.removed:
        moved = moved_out.get(path)
        if path in unquoted:
            message = (
                f"lists '{path}', which is not in the dataset: the archive keeps the quotes, and "
                f"'{unquoted[path]}' is the file"
            )
            then: str = (
                f"remove the quotes in {name}: write '{unquoted[path]}' (the row keeps its values)"
            )
        elif moved is None:
            message, then = f"lists '{path}', which is not in the dataset", fix
        else:
            message = f"lists '{path}', which was renamed to '{moved[0]}', a file of {moved[1]}"
            then = advice.sync_the_list(f"; the row and its values move to {moved[1]}")
        findings.append(
            Finding(
                "BIA421",
                name,
                message,
                value=path,
                fix=then,
                **_where(line_kind, line_of.get(path)),
            )
        )
    kept = advice.sync_the_list("; the row keeps its values")
    for old, new in plan.renamed.items():
        findings.append(
            Finding(
                "BIA421",
                name,
                f"lists '{old}', which was renamed to '{new}'",
                value=old,
                fix=kept,
                **_where(line_kind, line_of.get(old)),
            )
        )
    return findings


def _quoted_rows(plan: SyncPlan) -> dict[str, str]:
    """Files not listed whose path a removed row holds in quotes ('"m/a.tif"'): the quotes are
    the whole difference, and removing them keeps the row's values (the sync would drop the row
    and add a blank one)."""
    if not (plan.added and plan.removed):
        return {}
    inner = {q: row for row in plan.removed if (q := pathrule.without_quotes(row)) is not None}
    return {path: inner[path] for path in plan.added if path in inner}


def _where(kind: str, ref: int | None) -> dict[str, Any]:
    if ref is None:
        return {}
    return {"pointer": f"/{ref}/path"} if kind == "pointer" else {"line": ref}


def dataset_files(
    config: Config, started: Started | None = None
) -> tuple[list[str], list[str], list[Finding]]:
    """Every path of the dataset; the data files among them (what file lists name, without the
    repository's own files); and what listing them found amiss.

    ``tree.dataset_files`` says what they are. Only paths: annex keys are read by the rename
    detection, for the few paths a change touches. ``started``: ``tree.listing_started``.
    """
    paths, data, findings = tree.dataset_files(config.root, config.objects, started)
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


def describe(outcome: ListSync, setting: advice.Setting, limit: int = 20) -> list[str]:
    """Lines a person reads after a sync: what changed, and what is left to fill in."""
    why = (
        "No rename of it was found (git, git-annex and DVC saw none, or several identical "
        "files moved at once)."
        if setting.in_git
        else "Outside a repository, renames cannot be seen."
    )
    plan = outcome.plan
    name = outcome.config.path
    head = f"{name}: created, " if outcome.created else f"{name}: "
    lines = [head + plan.describe()]
    for sign, items in (("+", plan.added), ("-", plan.removed)):
        lines += [
            f"  {sign} {p}" + (f" (its values: {outcome.arrived[p]})"
                               if p in outcome.arrived else "")
            for p in items[:limit]
        ]  # fmt: skip
        if len(items) > limit:
            lines.append(f"  {sign} ... and {len(items) - limit:,} more")
    renamed = list(plan.renamed.items())
    lines += [
        f"  ~ {old} -> {new}" + (f" (carried: {outcome.carried[old]})" if old in outcome.carried
                                 else "")
        for old, new in renamed[:limit]
    ]  # fmt: skip
    if len(renamed) > limit:
        lines.append(f"  ~ ... and {len(renamed) - limit:,} more")
    for path, values in outcome.lost.items():
        shown = "; ".join(f"{c}={v}" for c, v in values.items())
        lines.append(
            f"  ! the removed row of {path} held values a person typed: {shown}. {why} "
            f"The values are saved: {advice.restore_row(path).say(setting)} puts them on "
            "the file's new row"
        )
    for column in outcome.new_columns:
        lines.append(f"  column '{column}' added, for the values of new rows")
    for column, rows in outcome.incomplete.items():
        shown = ", ".join(rows[:5]) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
        lines.append(
            f"  {len(rows):,} new row(s) need '{column}' filled in: {shown} "
            f"(or set a default in .bia-hooks.yaml)"
        )
    return lines
