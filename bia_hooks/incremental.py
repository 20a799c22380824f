"""The sync's run over what a staged change touches, from the state the last run found in step
(``verified``): the same ``Session`` the full run builds, built from the change alone, for the
same code to plan and write. Used only where that gives the full run's result, by construction:

- the state holds for the tool, the configuration and the dataset's place, and every file list
  names the paths it named (its bytes are the same, or a few lines below its header were edited
  and name the same paths, and read as the full run reads them: ``linediff``);
- the state was in step, each list naming exactly the files it owns (no folder row, no blank
  path, no path twice), with no finding but files no list covers (BIA423, said again for each
  such file), and the lists are TSV (whose rows the editor reads as the archive does);
- every path the change touches is a plain data file: no repository machinery, DVC, submodule,
  git-annex link, object folder, junk, lock or leftover file, nor below a folder a list names;
- no merge, cherry-pick, revert or rebase is under way;
- sharing out the new files finds nothing to say but files no list covers (no file claimed
  twice, nor paired by name alone): those findings weigh the whole dataset;
- no row goes while a file no list covers is there (the full run may pair the two by name).

Anything else returns None, and the caller runs in full. ``tests/test_incremental.py`` checks the
two runs agree over random changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bia_hooks import dataset, fileids, junk, kept, ownership, rowlog, sync, tree, verified
from bia_hooks.config import Config
from bia_hooks.filelist.edit import open_editor
from bia_hooks.filelist.linediff import MOST_LINES, changed_lines, paths_of
from bia_hooks.filelist.read import read_filelist_bytes
from bia_hooks.findings import Finding
from bia_hooks.pathsets import ancestors, edited, is_sorted
from bia_hooks.session import OTHER_HEADS, Session, filelists_of

_MERGING = (*OTHER_HEADS, "rebase-merge", "rebase-apply")  # a rebase's own folders too
_PLAIN_MODES = frozenset(["100644", "100755"])
KEPT_FOR = "sync"  # the lists' bytes the state names (``kept``)


@dataclass
class Prior:
    """Where a run stands against the recorded state: what it needs to record the next one."""

    gitdir: Path
    key: str
    base: str
    delta: dict[str, verified.Entry]  # the index now, against ``base``
    hash_name: str  # how git names objects here (``verified.blob_id``)
    replay: bool = False  # the same files and lists as the state: nothing was read
    lists: dict[str, str] = field(default_factory=dict)  # each list's blob id, as read
    seen: dict[str, bytes] = field(default_factory=dict)  # blob id -> the bytes read
    recorded: dict[str, str] = field(default_factory=dict)  # a full run: the last state's lists


def prior_of(config: Config) -> Prior | None:
    """The index now against a base tree, for recording a state after a full run too; None
    outside git or before the first commit."""
    gitdir = verified.git_dir(config.root)
    if gitdir is None:
        return None
    base = verified.head_tree(config.root)
    if base is None:
        return None
    delta = verified.index_delta(config.root, base)
    hash_name = verified.object_format(config.root)
    if delta is None or not hash_name:
        return None
    last = verified.load(gitdir)
    recorded = dict(last.lists) if last is not None else {}
    return Prior(gitdir, verified.state_key(config), base, delta, hash_name, recorded=recorded)


def open_delta_session(config: Config) -> tuple[Session, Prior] | None:
    """The session of the full run, built from the change since the recorded state; None when
    that cannot be done exactly (then run in full)."""
    if not config.filelists:
        return None  # lists found by looking at every file: the full run
    gitdir = verified.git_dir(config.root)
    if gitdir is None or any((gitdir / name).exists() for name in _MERGING):
        return None
    state = verified.load(gitdir)
    key = verified.state_key(config)
    if state is None or not state.exact or state.key != key or not key:
        return None
    state = verified.rebased(config.root, state)
    now = verified.index_delta(config.root, state.base)
    hash_name = verified.object_format(config.root)
    if now is None or not hash_name:
        return None
    prior = Prior(gitdir, key, state.base, now, hash_name)
    filelists, _ = filelists_of(config, [])
    names = [fl.path for fl in filelists]
    if set(names) != set(state.lists) or not all(n.endswith(".tsv") for n in names):
        return None
    change = verified.change_since(state.delta, now)
    same_files = not (change.added or change.deleted)  # the lists' bytes are not needed then
    for name in names:
        found = _names_the_same(config.root, gitdir, name, state.lists[name], hash_name,
                                same_files)  # fmt: skip
        if found is None:
            return None  # a list whose rows name other paths now: read in full
        blob, data = found
        prior.lists[name] = blob
        if data is not None:
            prior.seen[blob] = data
    # A list's staged copy is no matter (its bytes on disk are, and they are the state's).
    touched = [*change.added, *change.deleted, *(p for p in change.modified if p not in names)]
    if not _plain_data(config, touched, now, set(names)):
        return None
    session = Session(config, [], [], [], filelists, True, True)
    if same_files:  # every list stays in step
        session.listed = {name: [] for name in names}  # not read: nothing to plan
        members: dict[str, list[str]] = {name: [] for name in names}
        session.owners = ownership.Ownership(members=members, unclaimed=list(state.unclaimed))
        prior.replay = True
        return session, prior
    editors = {fl.path: open_editor(config.root / fl.path) for fl in filelists}
    listed = {name: e.paths() for name, e in editors.items()}
    folders = {folder for path in touched for folder in ancestors(path)}
    if any(not folders.isdisjoint(paths) for paths in listed.values()):
        return None  # below a folder a list names: that row owns it
    # Renames matter to a list's rows that go, and to its rows saved when they went (their values
    # come back on a new file's row): git's rename detection is asked for those lists only.
    gone = set(change.deleted)
    if state.unclaimed and any(not gone.isdisjoint(paths) for paths in listed.values()):
        return None  # a row that goes may pair by name with a file no list covers: all weighed
    saved = {row.filelist for row in rowlog.read(config.root)} if change.added else set()
    renames_of = sync.rename_finder(config)
    renames = {
        fl.path: renames_of(fl) if fl.path in saved or not gone.isdisjoint(listed[fl.path]) else {}
        for fl in filelists
    }
    new = ownership.share_out(
        sorted(change.added),
        filelists,
        {name: sorted(gone.intersection(paths)) for name, paths in listed.items()},
        renames,
        config.ignore,
    )
    if new.findings or new.ambiguous or new.same_name:
        return None  # they weigh the whole dataset: the full run says them
    # Each list named exactly its members (the state says so), in order as a rule.
    members = {
        name: edited(paths if is_sorted(paths) else sorted(paths), gone, new.members[name])
        for name, paths in listed.items()
    }
    # A file no list covers stays so (the lists name the same paths, the globs are the same).
    unclaimed = sorted(set(state.unclaimed).difference(gone).union(new.unclaimed))
    session.listed = dict(listed)
    session.renames = renames
    session.owners = ownership.Ownership(members=members, moves=new.moves, unclaimed=unclaimed)
    session.editors = editors
    return session, prior


def _names_the_same(root: Path, gitdir: Path, name: str, blob: str, hash_name: str,
                    by_stat: bool) -> tuple[str, bytes | None] | None:  # fmt: skip
    """Does the list still name the paths it named in the state, and can the archive still read
    it? Yes for the same bytes; for a few lines edited below the header (a value typed, rows
    moved), when the lines that came name the paths of those that went, and read as the full run
    reads them. Returns the list's blob id and bytes now (None when ``by_stat`` and its stat
    shows the same bytes: ``fileids``), or None."""
    if by_stat and fileids.known(gitdir, root / name, hash_name) == blob:
        return blob, None
    found = fileids.read(gitdir, root / name, hash_name)
    if found is None:
        return None  # the full run says what is wrong with it
    data, now = found
    if now == blob:
        return now, data
    change = kept.line_change(root, gitdir, blob, data, now, hash_name)
    if change is None or change.size() > MOST_LINES:
        return None
    added = change.added()
    if Counter(paths_of(change.removed())) != Counter(paths_of(added)):
        return None
    if added:
        table, _ = read_filelist_bytes(name, "\n".join([change.header, *added]).encode())
        if table is None:
            return None
    return now, data


def _plain_data(config: Config, touched: Sequence[str], now: dict[str, verified.Entry],
                lists: set[str]) -> bool:  # fmt: skip
    """Is every touched path a plain data file of the dataset, as the full listing sees it?"""
    if not touched:
        return True
    if tree.needs_detail("\0".join(touched) + "\0", config.objects):
        return False  # DVC, a submodule, an object folder: what the full listing reads
    config_file = config.file_in_dataset()
    for path in touched:
        entry = now.get(path)
        if path in lists or path == config_file:
            return False
        if entry is not None and entry != verified.EMPTY and entry[0] not in _PLAIN_MODES:
            return False  # a link (git-annex), a submodule
        if dataset.is_machinery(path) or junk.is_set_apart(path):
            return False
    return True


def record(config: Config, prior: Prior | None, session: Session,
           written: dict[str, tuple[bytes, list[str]]], changed: Mapping[str, int],
           findings: Sequence[Finding]) -> None:  # fmt: skip
    """Record the state this run leaves, or forget the old one. ``written``: the bytes and the
    row paths of the lists the run wrote; ``changed``: how many rows the run changed in each;
    ``findings``: what the run said."""
    if prior is None:
        return
    # The only finding a state carries: files no list covers, said again from the list of them.
    unclaimed = session.owners.unclaimed
    said = set(unclaimed)
    clean = all(f.code == "BIA423" and f.path in said for f in findings)
    if not clean or not session.configured or prior.key != verified.state_key(config):
        verified.forget(prior.gitdir)
        kept.keep(prior.gitdir, KEPT_FOR, {})  # no state: no version it needs
        return
    names = [fl.path for fl in session.filelists]
    unread = [n for n in names if n not in written and n not in prior.lists]
    lists = {n: b for n, b in prior.lists.items() if n not in written}
    for name in unread:  # a full run: its id found anew, whatever was noted (``fileids``)
        found = fileids.read(prior.gitdir, config.root / name, prior.hash_name, by_stat=False)
        if found is not None:
            lists[name] = found[1]
    lists.update((n, verified.blob_id(data, prior.hash_name)) for n, (data, _) in written.items())
    exact = len(lists) == len(names) and (
        prior.replay or all(_exact(session, n, written) for n in names)
    )
    state = verified.State(prior.key, prior.base, prior.delta, lists, exact, list(unclaimed))
    verified.save(prior.gitdir, state)
    # The bytes a list's next edit is compared with (TSV lists: the others run in full).
    versions: dict[str, bytes | Path] = {
        b: prior.seen.get(b, config.root / n) for n, b in lists.items() if n.endswith(".tsv")
    }
    versions.update((lists[n], data) for n, (data, _) in written.items() if n.endswith(".tsv"))
    for name, (data, _) in written.items():  # the change validate will look for
        before = prior.lists.get(name) or prior.recorded.get(name)
        if before is None or before == lists[name] or not name.endswith(".tsv"):
            continue
        if changed.get(name, 0) > MOST_LINES:  # each row changed is a line changed, or two
            continue  # more than a remembered change holds: not looked for (nor its version read)
        if before in prior.seen:
            change = changed_lines(prior.seen[before], data)
            if change is not None and change.size() <= MOST_LINES:
                kept.remember_change(prior.gitdir, before, lists[name], change)
        else:  # a full run: from the version the last state named (its kept copy, or git's)
            kept.line_change(config.root, prior.gitdir, before, data, lists[name], prior.hash_name)
    kept.keep(prior.gitdir, KEPT_FOR, versions)
    for name, (data, _) in written.items():  # last: its change is then likely past the grain
        fileids.note_written(prior.gitdir, config.root / name, data, lists[name])


def _exact(session: Session, name: str, written: dict[str, tuple[bytes, list[str]]]) -> bool:
    """Does the list (as written now) name exactly its members, each once, nothing else?"""
    members = session.owners.members.get(name, [])
    listed = written[name][1] if name in written else session.listed.get(name)
    if listed is None:
        return False  # the archive cannot read it
    return listed == members or (len(listed) == len(members) and sorted(listed) == members)
