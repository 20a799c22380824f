"""The last state the sync found in step, kept in the repository's git directory, so that the
next hook reads only what the staged change touches.

The state is keyed by git object ids and content digests: a base tree and the index entries that
differed from it (the staged state the run saw), each file list's bytes on disk (as a blob id), the
configuration's content, where the dataset is, and the tool's version. Whatever differs from it
now is the change a hook has to look at; anything the state cannot vouch for sends the hook back
to the full run, which records the state anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from bia_hooks import __version__
from bia_hooks.config import Config
from bia_hooks.gitcmd import Repository, git, repository

STATE_FORMAT = 2
STATE_NAME = "sync-state.json"
STAGED_NAME = "staged.json"  # the last index delta git gave, for the next hook of the commit
MOST_REMEMBERED = 10_000  # entries of a delta remembered (a bigger change: asked each time)
EMPTY = ("", "", "")  # an entry absent from the index

# One index entry as git's raw diff shows it: (mode, object id, status letter); EMPTY when absent.
Entry = tuple[str, str, str]


class State(NamedTuple):
    """The staged state the sync last found in step, with no finding but files no list covers."""

    key: str  # the tool, the configuration and the dataset's place: see ``state_key``
    base: str  # a tree id
    delta: dict[str, Entry]  # path -> its index entry where it differed from ``base``
    lists: dict[str, str]  # file list -> the blob id of its bytes on disk
    exact: bool  # every list named exactly its members: no folder row, no blank, no duplicate
    # Files no list covers (BIA423, the only finding a state may hold: said again from the list).
    unclaimed: list[str]


def state_key(config: Config) -> str:
    """What must be the same for a state to hold: the tool's version and the configuration (its
    place and its bytes), and the dataset's place."""
    digest = hashlib.sha256()
    digest.update(f"{STATE_FORMAT}\0{__version__}\0{config.root}\0{config.file}\0".encode())
    if config.file is not None:
        try:
            digest.update(config.file.read_bytes())
        except OSError:
            return ""  # unreadable now: no state holds
    return digest.hexdigest()


def object_format(root: Path) -> str:
    """The hash git names objects with here (sha1, sha256), '' when git cannot say."""
    found = repository(root)
    return "" if found is None else found.object_format


def blob_id(data: bytes, hash_name: str) -> str:
    """The id git gives ``data`` as a blob: a list's content is known by it (and, once staged,
    read back from git with it)."""
    digest = hashlib.new(hash_name, b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes (hex); None when it cannot be read."""
    from bia_hooks.atomic import file_sha256

    found = file_sha256(path)
    return None if found is None else found.hex()


def git_dir(root: Path) -> Path | None:
    """The git directory of the work tree at ``root`` (a worktree has its own index, so its own
    state), or None outside git."""
    found = repository(root)
    return None if found is None else found.git_dir


def state_file(gitdir: Path) -> Path:
    return gitdir / "bia-hooks" / STATE_NAME


def load(gitdir: Path) -> State | None:
    """The recorded state; None when absent, or not as this version writes it (the full run then
    records it anew): every field is checked, since git is given some of them."""
    from bia_hooks.atomic import load_remembered

    raw = load_remembered(state_file(gitdir))
    if not isinstance(raw, dict) or raw.get("format") != STATE_FORMAT:
        return None
    key, base, delta, lists = raw.get("key"), raw.get("base"), raw.get("delta"), raw.get("lists")
    exact, unclaimed = raw.get("exact"), raw.get("unclaimed")
    if not (isinstance(key, str) and isinstance(base, str) and is_object_id(base)):
        return None
    if not isinstance(exact, bool):
        return None
    if not (isinstance(delta, dict) and isinstance(lists, dict) and isinstance(unclaimed, list)):
        return None
    if not all(isinstance(p, str) and _is_entry(e) for p, e in delta.items()):
        return None
    if not all(isinstance(n, str) and is_object_id(b) for n, b in lists.items()):
        return None
    if not all(isinstance(p, str) for p in unclaimed):
        return None
    entries = {p: (e[0], e[1], e[2]) for p, e in delta.items()}
    return State(key, base, entries, lists, exact, unclaimed)


_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def is_object_id(value: object) -> bool:
    return isinstance(value, str) and _OBJECT_ID.fullmatch(value) is not None


def _is_entry(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, str) for v in value)
        and (value == list(EMPTY) or is_object_id(value[1]))
    )


def save(gitdir: Path, state: State) -> None:
    """Record ``state``; a state that cannot be written is no error (the next run is full)."""
    from bia_hooks.atomic import write_remembered

    body = {
        "format": STATE_FORMAT,
        "key": state.key,
        "base": state.base,
        "delta": state.delta,
        "lists": state.lists,
        "exact": state.exact,
        "unclaimed": state.unclaimed,
    }
    file = state_file(gitdir)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_remembered(file, json.dumps(body, separators=(",", ":")).encode())
    except OSError:
        forget(gitdir)


def forget(gitdir: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(state_file(gitdir))


def head_tree(root: Path) -> str | None:
    done = git(root, "rev-parse", "-q", "--verify", "HEAD^{tree}", check=False)
    return done.stdout.decode().strip() if done.returncode == 0 else None


def parse_raw(output: bytes) -> dict[str, Entry]:
    """``git diff-* --raw -z --no-renames`` output: path -> (new mode, new id, status)."""
    fields = output.decode("utf-8", "surrogateescape").split("\0")
    entries: dict[str, Entry] = {}
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(":"):
            break
        _, new_mode, _, new_id, status = meta[1:].split(" ")
        entries[path] = EMPTY if status == "D" else (new_mode, new_id, status[:1])
    return entries


def index_delta(root: Path, base: str) -> dict[str, Entry] | None:
    """The index entries of the dataset at ``root`` that differ from tree ``base`` (paths from
    ``root``); None when git cannot say (the tree is gone, say). Remembered for the index's
    content, which the checksum git ends the index with names: the hooks of one commit (the
    names check, then the sync) read git's index once."""
    found = repository(root)
    seal = _seal(found)
    key = f"{root}\0{base}\0{seal}"
    if found is not None and seal is not None:
        remembered = _remembered_delta(found.git_dir, key)
        if remembered is not None:
            return remembered
    done = git(
        root, "diff-index", "--cached", "--raw", "-z", "--no-renames", "--relative", base,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return None
    delta = parse_raw(done.stdout)
    # Remembered only if the index was not written while git read it (the same checksum after).
    if (
        found is not None
        and seal is not None
        and len(delta) <= MOST_REMEMBERED
        and (_seal(found) == seal)
    ):
        _remember_delta(found.git_dir, key, delta)
    return delta


def _seal(found: Repository | None) -> str | None:
    """The checksum the index ends with (of all it holds), or None when git wrote none."""
    size = {"sha1": 20, "sha256": 32}.get(found.object_format) if found is not None else None
    if found is None or size is None:
        return None
    try:
        with open(found.index_file, "rb") as index:
            index.seek(-size, os.SEEK_END)
            tail = index.read(size)
    except OSError:
        return None
    return tail.hex() if len(tail) == size and any(tail) else None


def _remembered_delta(gitdir: Path, key: str) -> dict[str, Entry] | None:
    from bia_hooks.atomic import load_remembered

    raw = load_remembered(gitdir / "bia-hooks" / STAGED_NAME)
    if not isinstance(raw, dict) or raw.get("key") != key:
        return None
    delta = raw.get("delta")
    if not isinstance(delta, dict) or not all(
        isinstance(p, str) and _is_entry(e) for p, e in delta.items()
    ):
        return None
    return {p: (e[0], e[1], e[2]) for p, e in delta.items()}


def _remember_delta(gitdir: Path, key: str, delta: dict[str, Entry]) -> None:
    from bia_hooks.atomic import write_remembered

    file = gitdir / "bia-hooks" / STAGED_NAME
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        write_remembered(file, json.dumps({"key": key, "delta": delta}).encode())


def tree_delta(root: Path, old: str, new: str) -> dict[str, Entry] | None:
    done = git(
        root, "diff-tree", "-r", "--raw", "-z", "--no-renames", "--relative", old, new,
        check=False,
    )  # fmt: skip
    return parse_raw(done.stdout) if done.returncode == 0 else None


class Change(NamedTuple):
    """What changed in the index since a state, for the sync: paths that appeared, that went,
    and whose entry changed while they stayed (content, mode)."""

    added: list[str]
    deleted: list[str]
    modified: dict[str, Entry]  # path -> its entry now


def change_since(state_delta: Mapping[str, Entry], now: Mapping[str, Entry]) -> Change:
    """The change from the state's staged state to the index now, both given as entries that
    differ from one base tree. A path in neither is as in the base, in both."""
    change = Change([], [], {})
    for path in sorted(set(state_delta).union(now)):
        before = state_delta.get(path)
        after = now.get(path)
        if before == after:
            continue
        # A path missing from one side is as in the base tree, where it exists unless the other
        # side says it was added (status A: absent from the base).
        was = before != EMPTY if before is not None else after is not None and after[2] != "A"
        is_ = after != EMPTY if after is not None else before is not None and before[2] != "A"
        if was and not is_:
            change.deleted.append(path)
        elif is_ and not was:
            change.added.append(path)
        elif is_:
            change.modified[path] = after if after is not None else ("", "base", "M")
    return change


def rebased(root: Path, state: State) -> State:
    """The state against the tree of HEAD, when the commit holds exactly the staged state the
    state saw (the everyday case after a commit): its delta is then empty, and stays small."""
    head = head_tree(root)
    if head is None or head == state.base:
        return state
    committed = tree_delta(root, state.base, head)
    if committed is None or committed != state.delta:
        return state
    return State(state.key, head, {}, state.lists, state.exact, state.unclaimed)
