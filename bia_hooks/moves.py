"""Which files were renamed: git's rename detection, git-annex keys, DVC md5s, and files not added
to git that hold a removed file's content."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bia_hooks import dataset, dvcrepo, gitdiff, gitobjects
from bia_hooks.config import DEFAULT_OBJECTS
from bia_hooks.errors import UsageError
from bia_hooks.gitcmd import git, has_commit, is_git_work_tree, split_z
from bia_hooks.tree import POINTER_MAX

__all__ = ["UntrackedTwins", "renames_in", "renames_since", "staged_renames"]


def staged_renames(root: Path, objects: tuple[str, ...] = DEFAULT_OBJECTS) -> dict[str, str]:
    """old -> new for the files the staged change renames (none before the first commit)."""
    if not is_git_work_tree(root) or not has_commit(root, "HEAD"):
        return {}
    return renames_since(root, "HEAD", objects)


def renames_since(
    root: Path, rev: str, objects: tuple[str, ...] = DEFAULT_OBJECTS
) -> dict[str, str]:
    """old -> new for the files renamed between commit ``rev`` and the git index."""
    if not has_commit(root, rev):
        raise UsageError(f"{root}: no commit {rev!r} in this repository")
    return renames_in(root, gitdiff.raw_diff(root, rev, None), objects)


def renames_in(
    root: Path, changes: Sequence[gitdiff.RawChange], objects: tuple[str, ...] = DEFAULT_OBJECTS
) -> dict[str, str]:
    """old -> new for the files renamed in ``changes`` (``gitdiff.raw_diff``: between two commits,
    or a commit and the git index).

    Three sources, because each misses some moves: git's rename detection (similar content);
    git-annex keys, which a move never changes (a file moved and unlocked turns from a symlink into
    a pointer file, which git never pairs); and DVC md5s (``dvc move`` rewrites the ``.dvc`` file).
    Renames inside an object folder become a rename of the folder; repository files are left out.
    """
    renames: dict[str, str] = {}
    removed: dict[str, tuple[str, str]] = {}  # path -> (mode, blob id)
    added: dict[str, tuple[str, str]] = {}
    dvc_old: list[tuple[str, str]] = []  # (.dvc path, blob id) before and after
    dvc_new: list[tuple[str, str]] = []
    # old -> (new, blob, old mode, new mode) where git paired two paths of the same content
    exact: dict[str, tuple[str, str, str, str]] = {}
    for old_mode, new_mode, old_oid, new_oid, status, old, new in changes:
        if status[0] == "R":
            renames[old] = new
            if old_oid == new_oid:
                exact[old] = (new, old_oid, old_mode, new_mode)
        elif status[0] == "D":
            removed[old] = (old_mode, old_oid)
        elif status[0] in "AC":
            added[new] = (new_mode, new_oid)
        if status[0] != "A" and old.endswith(dvcrepo.DVC_SOURCES):
            dvc_old.append((old, old_oid))
        if status[0] != "D" and new.endswith(dvcrepo.DVC_SOURCES):
            dvc_new.append((new, new_oid))

    if exact:
        renames.update(_identical_renames(exact, removed, added, renames))
    # Keys pair a removed path with an added one: none to read when either side is empty (the
    # first version's diff adds every file).
    pairs = [*removed.items(), *added.items()] if removed and added else []
    keyed = {p: v for p, v in pairs if not dataset.is_machinery(p)}
    keys, blobs = gitdiff.annex_keys(
        root, keyed, [*(o for _, o in dvc_old), *(o for _, o in dvc_new)]
    )
    by_key = dataset.pair_by_key({p: keys[p] for p in removed if p in keyed},
                                 {p: keys[p] for p in added if p in keyed})  # fmt: skip
    for old, new in by_key.items():
        renames.setdefault(old, new)
    renames.update(_dvc_renames(root, dvc_old, dvc_new, blobs))
    renames = {
        o: n for o, n in renames.items() if not (dataset.is_machinery(o) or dataset.is_machinery(n))
    }
    return dataset.collapse_renames(renames, objects)


def _dvc_renames(root: Path, old: list[tuple[str, str]], new: list[tuple[str, str]],
                 blobs: dict[str, bytes | None]) -> dict[str, str]:  # fmt: skip
    def outs(sources: list[tuple[str, str]]) -> dict[str, dataset.DvcOut]:
        found: dict[str, dataset.DvcOut] = {}
        for source, oid in sources:
            for out in dvcrepo.read_dvc_outs(source, blobs.get(oid))[0]:
                found[out.path] = out
        return found

    before, after = outs(old), outs(new)
    gone = {p: o.md5 for p, o in before.items() if p not in after}
    pairs = dataset.pair_by_key(gone, {p: o.md5 for p, o in after.items() if p not in before})
    changed = [p for p, o in before.items() if o.is_dir and p in after and after[p].is_dir
               and after[p].md5 != o.md5]  # fmt: skip
    if not (pairs or changed):
        return {}
    dvc_dir = dvcrepo.dvc_folder(root)
    cache = dvcrepo.cache_folder(dvc_dir) if dvc_dir else None
    renames = dict(pairs)
    for folder in changed:  # a file renamed inside a tracked folder, then `dvc add FOLDER`
        renames.update(_inside_dir_renames(cache, folder, before[folder], after[folder]))
    for o, n in pairs.items():
        md5 = before[o].md5
        if before[o].is_dir and md5 is not None:
            manifest = dvcrepo.read_manifest(cache, md5)
            if manifest is not None:
                renames.update(dataset.expand_dir_renames(o, n, manifest.files))
    return renames


def _inside_dir_renames(
    cache: Path | None, folder: str, before: dataset.DvcOut, after: dataset.DvcOut
) -> dict[str, str]:
    """Files of one DVC-tracked folder that left one name and appeared under another with the
    same md5, read from the folder's two ``.dir`` manifests (both stay in the local cache)."""
    old = dvcrepo.read_manifest(cache, before.md5) if before.md5 else None
    new = dvcrepo.read_manifest(cache, after.md5) if after.md5 else None
    if old is None or new is None:
        return {}
    old_files = {f"{folder}/{rel}": md5 for rel, md5, _ in old.files}
    new_files = {f"{folder}/{rel}": md5 for rel, md5, _ in new.files}
    return dataset.pair_by_key(
        {p: m for p, m in old_files.items() if p not in new_files},
        {p: m for p, m in new_files.items() if p not in old_files},
    )


def _identical_renames(
    exact: dict[str, tuple[str, str, str, str]],
    removed: dict[str, tuple[str, str]],
    added: dict[str, tuple[str, str]],
    renames: dict[str, str],
) -> dict[str, str]:
    """git pairs identical files as it finds them (two empty masks: either may be "renamed");
    where several removed or added paths hold the same content, keep only plain pairs."""
    olds: dict[str, list[str]] = {}
    news: dict[str, list[str]] = {}
    for old, (new, oid, _, _) in exact.items():
        olds.setdefault(oid, []).append(old)
        news.setdefault(oid, []).append(new)
    for path, (_, oid) in removed.items():
        if oid in olds:
            olds[oid].append(path)
    for path, (_, oid) in added.items():
        if oid in news:
            news[oid].append(path)
    out: dict[str, str] = {}
    for oid, group in olds.items():
        if len(group) == 1 and len(news[oid]) == 1:
            continue
        for old in group:  # git's guess goes; the old path is removed unless paired plainly
            if old in exact:
                new, _, old_mode, new_mode = exact[old]
                renames.pop(old, None)
                removed[old] = (old_mode, oid)
                added[new] = (new_mode, oid)
        out.update(dataset.pair_identical(group, news[oid]))
    for old, new in out.items():
        removed.pop(old, None)
        added.pop(new, None)
    return out


class UntrackedTwins:
    """Files on disk that git does not track, matched by content to paths the last commit had.

    ``mv a b && git commit -am ...`` stages the removal of ``a`` but not ``b``: the row of ``a``
    follows ``b`` when ``b`` holds what ``a`` held (the same git blob; for a locked annexed file,
    the same key).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def find(self, olds: Sequence[str]) -> dict[str, str]:
        if not olds or not is_git_work_tree(self.root) or not has_commit(self.root, "HEAD"):
            return {}
        listing = git(self.root, "ls-tree", "-z", "HEAD", "--", *olds, check=False).stdout
        before: dict[str, tuple[str, str]] = {}  # old -> (mode, blob)
        for record in split_z(listing):
            meta, _, path = record.partition("\t")
            mode, _, oid = meta.split(" ")
            before[path] = (mode, oid)
        if not before:
            return {}
        others = split_z(git(self.root, "ls-files", "-z", "--others", "--exclude-standard").stdout)
        if not others:
            return {}
        # Identical olds or untracked files (empty masks) pair only where it is plain.
        olds_by_key: dict[str, list[str]] = {}
        others_by_key: dict[str, list[str]] = {}
        links = {o: oid for o, (mode, oid) in before.items() if mode == "120000"}
        files = {o: oid for o, (mode, oid) in before.items() if mode.startswith("100")}
        if links:
            targets = gitobjects.read_blobs(self.root, links.values())
            for old, oid in links.items():
                key = dataset.annex_key_of_link((targets.get(oid) or b"").decode(errors="replace"))
                if key:
                    olds_by_key.setdefault(key, []).append(old)
            for path in others:
                full = self.root / path
                key = dataset.annex_key_of_link(os.readlink(full)) if full.is_symlink() else None
                if key in olds_by_key:
                    others_by_key.setdefault(key, []).append(path)
        if files:
            sizes = gitobjects.blob_sizes(self.root, files.values())
            wanted = {sizes.get(oid) for oid in files.values()}
            same_size = [p for p in others if _size(self.root / p) in wanted]
            if same_size:
                out = git(self.root, "hash-object", "--no-filters", "--stdin-paths",
                          input="\n".join(same_size).encode()).stdout.decode().split()  # fmt: skip
                for oid, path in zip(out, same_size, strict=False):
                    others_by_key.setdefault(oid, []).append(path)
            for old, oid in files.items():
                olds_by_key.setdefault(oid, []).append(old)
            self._unlocked(files, sizes, others, olds_by_key, others_by_key)
        found: dict[str, str] = {}
        for key, group in olds_by_key.items():
            found.update(dataset.pair_identical(group, others_by_key.get(key, ())))
        return found

    def _unlocked(
        self,
        files: dict[str, str],
        sizes: dict[str, int | None],
        others: list[str],
        olds_by_key: dict[str, list[str]],
        others_by_key: dict[str, list[str]],
    ) -> None:
        """Unlocked annexed files: git holds a pointer, the disk the content. A SHA256 key names
        the content's digest and size, so a same-size untracked file is hashed and compared."""
        pointers = [o for o in files.values() if (sizes.get(o) or POINTER_MAX + 1) <= POINTER_MAX]
        if not pointers:
            return
        blobs = gitobjects.read_blobs(self.root, pointers)
        digests: dict[int, set[str]] = {}  # size -> digests wanted
        for old, oid in files.items():
            key = dataset.annex_key_of_pointer(blobs.get(oid) or b"") if oid in blobs else None
            size = dataset.annex_key_size(key) if key else None
            if key is None or size is None or not key.startswith(("SHA256E-", "SHA256-")):
                continue
            digest = key.split("--", 1)[1].split(".", 1)[0]
            olds_by_key.setdefault(f"sha256:{digest}", []).append(old)
            digests.setdefault(size, set()).add(digest)
        for path in others:
            size = _size(self.root / path)
            if size is None or size not in digests:
                continue
            content = _sha256(self.root / path)
            if content in digests[size]:
                others_by_key.setdefault(f"sha256:{content}", []).append(path)


def _sha256(file: Path) -> str | None:
    from bia_hooks.atomic import file_sha256

    digest = file_sha256(file)
    return digest.hex() if digest is not None else None


def _size(file: Path) -> int | None:
    try:
        return None if file.is_symlink() else file.stat().st_size
    except OSError:
        return None
