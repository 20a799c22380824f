"""The diff between two versions of the dataset, read from git's objects, never the working tree:
the rows of each file list (read by the archive's readers, ``filelist.read``) and the annotation
files whose content changed (git blob, git-annex key, DVC md5). Renames are ``moves``'."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from bia_hooks import dataset, dvcrepo, gitobjects, listdiff, moves
from bia_hooks.config import Config
from bia_hooks.errors import UsageError
from bia_hooks.filelist.table import FORMATS, Table
from bia_hooks.gitcmd import git, git_common_dir, is_git_work_tree
from bia_hooks.gitdiff import RawChange, annex_keys, raw_diff
from bia_hooks.listdiff import ContentChange, DatasetDiff, ListDiff, Stored

__all__ = ["INDEX", "commit_of", "diff_versions", "empty_tree"]

INDEX = None  # the git index as a version: what the next commit records

_LIST_SUFFIXES = tuple(f".{f}" for f in FORMATS)
_CHANGED = "MT"  # statuses whose content may differ at one path (R: a rename, with its score)


def commit_of(root: Path, rev: str) -> str:
    """The commit id ``rev`` names (a tag, a branch, a commit id, ``HEAD~2``); a UsageError that
    says how to find one, when it names none."""
    if not is_git_work_tree(root):
        raise UsageError(
            f"{root} is not in a git repository: bia-hooks diff compares two versions (commits or "
            "tags) of a dataset kept in git"
        )
    if rev.startswith("-"):  # never an option of git's
        raise UsageError(f"'{rev}' is not a version: give a tag, a branch or a commit id")
    done = git(root, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}",
               check=False)  # fmt: skip
    if done.returncode != 0:
        raise UsageError(
            f"'{rev}' names no commit of this repository: give a tag, a branch or a commit id "
            "('git tag' lists the tags, 'git log --oneline' the commits)"
        )
    return done.stdout.decode().strip()


def empty_tree(root: Path) -> str:
    """The empty tree's id (SHA-1 or SHA-256 repository): the version before the first one."""
    return git(root, "hash-object", "-t", "tree", "--stdin", input=b"").stdout.decode().strip()


def diff_versions(
    config: Config,
    old: str,
    new: str | None,
    old_label: str | None = None,
    new_label: str | None = None,
) -> DatasetDiff:
    """What changed in the dataset at ``config.root`` from commit ``old`` (or the empty tree:
    before the first version) to commit ``new`` (None: the git index). Both are ids
    (``commit_of``); the labels are what the user named them (default: the ids)."""
    root = config.root
    changes = raw_diff(root, old, new)
    renames = moves.renames_in(root, changes, config.objects)
    lists = _ListSides(config, old, new, changes)
    first = old == empty_tree(root)
    result = DatasetDiff(old_label or old, new_label or new, None if first else old, new)
    for change in changes:
        found = lists.diff(change, renames)
        if found is not None:
            result.filelists.append(found)
    result.filelists.sort(key=lambda d: d.path)
    result.files = _content_changes(root, config.objects, changes, lists.sides)
    return result


# --- file lists -------------------------------------------------------------------------------


class _ListSides:
    """Which changed paths are file lists at each version, and their tables there.

    A path is a file list where a configuration names it (the dataset's now, or the one either
    version had); when no configuration names any, where its content looks like one
    (``looks_like_filelist``), as a dataset without configuration finds its lists.
    """

    def __init__(self, config: Config, old: str, new: str | None, changes: list[RawChange]) -> None:
        self.root = config.root
        named = {fl.path for fl in config.filelists}
        named |= _named_in_config(self.root, old) | _named_in_config(self.root, new)
        # (path, blob id, mode) of each side that may be a file list
        candidates: list[tuple[str, str, str]] = []
        for c in changes:
            if c.status[0] == "U":
                continue  # a merge conflict in the index: no one content to read
            if c.status[0] != "A" and _may_be_list(c.old, named):
                candidates.append((c.old, c.old_oid, c.old_mode))
            if c.status[0] != "D" and _may_be_list(c.new, named):
                candidates.append((c.new, c.new_oid, c.new_mode))
        # A configured dataset's lists are the named ones; else each candidate's content says.
        keep = None if named else _looks_like
        self.content = _list_contents(self.root, candidates, keep)
        self.links = {oid for _, oid, mode in candidates if mode == "120000"}
        # (path, blob id) of the sides that are file lists (a named one, even when its content
        # is not in this clone: it is reported so)
        self.sides = {(p, oid) for p, oid, _ in candidates if keep is None or oid in self.content}

    def diff(self, change: RawChange, renames: dict[str, str]) -> ListDiff | None:
        old_side = change.status[0] != "A" and (change.old, change.old_oid) in self.sides
        new_side = change.status[0] != "D" and (change.new, change.new_oid) in self.sides
        if not (old_side or new_side):
            return None
        unreadable: dict[str, str] = {}
        old = self._table(change.old, change.old_oid, "old", unreadable) if old_side else None
        new = self._table(change.new, change.new_oid, "new", unreadable) if new_side else None
        if not old_side:
            status: listdiff.ListStatus = "added"
        elif not new_side:
            status = "removed"
        else:
            status = "renamed" if change.old != change.new else "changed"
        path = change.new if new_side else change.old
        old_path = change.old if status == "renamed" else None
        if unreadable:  # an empty side would read as every row added or removed
            return ListDiff(path, status, old_path, unreadable=unreadable)
        found = listdiff.diff_tables(old, new, renames, status, path, old_path)
        quiet = not (found.row_count or found.columns_added or found.columns_removed)
        if status == "changed" and quiet:
            return None  # saved again, rows reordered: nothing the archive reads changed
        return found

    def _table(self, path: str, oid: str, side: str, unreadable: dict[str, str]) -> Table | None:
        from bia_hooks.filelist.read import read_filelist_bytes

        data = self.content.get(oid)
        if data is None:
            unreadable[side] = (
                "it is in git-annex, and its content is not in this clone ('git annex get' it; "
                "keep file lists in git: annex.largefiles=nothing in .gitattributes)"
                if oid in self.links
                else "git does not have its content (a partial or shallow clone: fetch it)"
            )
            return None
        table, findings = read_filelist_bytes(path, data)
        if table is None:
            errors = [f.message for f in findings if f.level.value == "error"]
            unreadable[side] = errors[0] if errors else "the archive cannot read it"
        return table


def _may_be_list(path: str, named: set[str]) -> bool:
    if named:
        return path in named
    return path.endswith(_LIST_SUFFIXES) and not dataset.is_machinery(path)


def _named_in_config(root: Path, rev: str | None) -> set[str]:
    """The file lists the configuration at version ``rev`` names (none when it has none, or it
    cannot be read: the other evidence then decides)."""
    from bia_hooks.config import CONFIG_NAMES
    from bia_hooks.textfiles import parse_yaml

    at = "" if rev is None else rev
    blobs = gitobjects.read_blobs(root, [f"{at}:./{name}" for name in CONFIG_NAMES])
    for name in CONFIG_NAMES:
        content = blobs.get(f"{at}:./{name}")
        if content is None:
            continue
        try:
            data = parse_yaml(content.decode("utf-8"), name)
        except (UsageError, UnicodeDecodeError):
            return set()
        entries = data.get("filelists") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return set()
        paths = (e.get("path") for e in entries if isinstance(e, dict))
        return {p for p in paths if isinstance(p, str)}
    return set()


_BATCH_BYTES = 64 << 20  # blobs read by one git process: changed annotations may be gigabytes


def _list_contents(
    root: Path,
    candidates: Sequence[tuple[str, str, str]],
    keep: Callable[[str, bytes], bool] | None,
) -> dict[str, bytes]:
    """blob id -> the content of each candidate that is a file list (all of them, or those
    ``keep`` takes): the blob, or for a list git-annex holds (a symlink), the annexed content
    when this clone has it. Read in batches, keeping only lists: an unconfigured dataset's
    changed ``.json`` annotations are candidates too."""
    paths = {oid: path for path, oid, _ in candidates}
    links = {oid for _, oid, mode in candidates if mode == "120000"}
    sizes = gitobjects.blob_sizes(root, paths)
    batches: list[list[str]] = [[]]
    total = 0
    for oid in paths:
        size = sizes.get(oid) or 0
        if batches[-1] and total + size > _BATCH_BYTES:
            batches.append([])
            total = 0
        batches[-1].append(oid)
        total += size
    content: dict[str, bytes] = {}
    annex: Path | None = None
    for batch in batches:
        for oid, data in gitobjects.read_blobs(root, batch).items():
            if data is not None and oid in links:
                annex = annex or git_common_dir(root)
                data = _annexed(annex, data)
            if data is not None and (keep is None or keep(paths[oid], data)):
                content[oid] = data
    return content


def _annexed(annex: Path, link: bytes) -> bytes | None:
    """The content a git-annex symlink names, from this clone's annex; None when it is not here
    (dropped, never fetched) or the link is not git-annex's."""
    target = link.decode("utf-8", "surrogateescape")
    at = target.find("annex/objects/")
    if at < 0 or dataset.annex_key_of_link(target) is None or ".." in target[at:]:
        return None
    try:
        return (annex / target[at:]).read_bytes()
    except OSError:
        return None


def _looks_like(path: str, data: bytes) -> bool:
    """``looks_like_filelist`` on a version's content: the one definition, which reads a file."""
    import tempfile

    from bia_hooks.filelist.read import looks_like_filelist

    with tempfile.TemporaryDirectory() as folder:
        name = "list." + path.rpartition(".")[2]
        (Path(folder) / name).write_bytes(data)
        return looks_like_filelist(Path(folder), name)


# --- annotation files -------------------------------------------------------------------------


def _content_changes(
    root: Path,
    objects: tuple[str, ...],
    changes: Sequence[RawChange],
    lists: set[tuple[str, str]],
) -> list[ContentChange]:
    """Annotation files (neither repository machinery nor file lists) at one path, or renamed,
    whose content changed; DVC outputs by their md5; an object folder as one change."""
    listed = {path for path, _ in lists}
    old_entries: dict[str, tuple[str, str]] = {}
    new_entries: dict[str, tuple[str, str]] = {}
    pairs: list[tuple[str, str]] = []  # (old path, new path)
    dvc: list[RawChange] = []
    inside: dict[str, list[str]] = {}  # object folder -> statuses of its parts
    find_object = dataset.object_root_finder(objects) if objects else None
    for c in changes:
        if (
            c.status[0] in "RM"
            and c.old.endswith(dvcrepo.DVC_SOURCES)
            and dataset.is_machinery(c.old)
        ):
            dvc.append(c)
            continue
        if dataset.is_machinery(c.new) or c.old in listed or c.new in listed:
            continue
        holder = find_object(c.new) if find_object else None
        if holder is not None:
            if c.status[0] in _CHANGED or (c.status[0] == "R" and c.old_oid != c.new_oid):
                inside.setdefault(holder, []).append("M")
            else:
                inside.setdefault(holder, []).append(c.status[0])
            continue
        if c.status[0] in _CHANGED or (c.status[0] == "R" and c.old_oid != c.new_oid):
            old_entries[c.old] = (c.old_mode, c.old_oid)
            new_entries[c.new] = (c.new_mode, c.new_oid)
            pairs.append((c.old, c.new))
    found: list[ContentChange] = []
    dvc_blobs = [oid for c in dvc for oid in (c.old_oid, c.new_oid)]
    old_keys, blobs = annex_keys(root, old_entries, dvc_blobs)
    new_keys, _ = annex_keys(root, new_entries)
    for old_path, new_path in pairs:
        before = _stored(old_keys.get(old_path), old_entries[old_path][1])
        after = _stored(new_keys.get(new_path), new_entries[new_path][1])
        if before != after:  # locked <-> unlocked keeps the key: the same content
            renamed = old_path if old_path != new_path else None
            found.append(ContentChange(new_path, before, after, renamed))
    found += _dvc_changes(root, dvc, blobs)
    for holder, statuses in inside.items():
        if "M" in statuses or {"A", "D"} <= set(statuses):  # not an object added or removed
            found.append(ContentChange(holder, None, None, parts=len(statuses)))
    found.sort(key=lambda f: f.path)
    return found


def _stored(key: str | None, oid: str) -> Stored:
    return Stored("annex key", key) if key else Stored("git blob", oid)


def _dvc_changes(
    root: Path, changes: Iterable[RawChange], blobs: dict[str, bytes | None]
) -> list[ContentChange]:
    """DVC outputs at the same path whose md5 changed; inside a tracked folder, each file whose
    md5 changed, when the local cache has both versions' manifests."""
    found: list[ContentChange] = []
    cache: Path | None = None
    for c in changes:
        before = {o.path: o for o in dvcrepo.read_dvc_outs(c.old, blobs.get(c.old_oid))[0]}
        after = {o.path: o for o in dvcrepo.read_dvc_outs(c.new, blobs.get(c.new_oid))[0]}
        for path, out in after.items():
            was = before.get(path)
            old_md5, new_md5 = was.md5 if was else None, out.md5
            if was is None or old_md5 is None or new_md5 is None or old_md5 == new_md5:
                continue
            if was.is_dir and out.is_dir:
                if cache is None:
                    folder = dvcrepo.dvc_folder(root)
                    cache = dvcrepo.cache_folder(folder) if folder else root / ".dvc" / "cache"
                files = _changed_in_folder(cache, path, old_md5, new_md5)
                if files is not None:
                    found += files
                    continue
            found.append(
                ContentChange(path, Stored("dvc md5", old_md5), Stored("dvc md5", new_md5))
            )
    return found


def _changed_in_folder(
    cache: Path, folder: str, old_md5: str, new_md5: str
) -> list[ContentChange] | None:
    old = dvcrepo.read_manifest(cache, old_md5)
    new = dvcrepo.read_manifest(cache, new_md5)
    if old is None or new is None:
        return None  # a fresh clone: the folder is one change
    before = {rel: md5 for rel, md5, _ in old.files if md5}
    return [
        ContentChange(f"{folder}/{rel}", Stored("dvc md5", before[rel]), Stored("dvc md5", md5))
        for rel, md5, _ in new.files
        if md5 and rel in before and before[rel] != md5
    ]
