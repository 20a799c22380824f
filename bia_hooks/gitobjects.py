"""Read many git objects with one process each way, never one process per file."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from bia_hooks.gitcmd import git


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def blob_sizes(root: Path, ids: Iterable[str]) -> dict[str, int | None]:
    """The size of each object (None when git does not have it: a partial or broken clone)."""
    wanted = _unique(ids)
    if not wanted:
        return {}
    feed = ("\n".join(wanted) + "\n").encode()
    out = git(root, "cat-file", "--batch-check=%(objectsize)", "--buffer", input=feed).stdout
    lines = out.split(b"\n")
    sizes: dict[str, int | None] = {}
    for oid, line in zip(wanted, lines, strict=False):
        sizes[oid] = int(line) if line.isdigit() else None
    return sizes


def read_blobs(root: Path, ids: Iterable[str]) -> dict[str, bytes | None]:
    """The content of each object (None when git does not have it)."""
    wanted = _unique(ids)
    if not wanted:
        return {}
    feed = ("\n".join(wanted) + "\n").encode()
    # The header is only the size: the answers come in the order asked.
    out = git(root, "cat-file", "--batch=%(objectsize)", "--buffer", input=feed).stdout
    fast = _split_simple(wanted, out)
    if fast is not None:
        return fast
    blobs: dict[str, bytes | None] = {}
    pos = 0
    for oid in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end]
        if header.isdigit():
            size = int(header)
            blobs[oid] = out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1
        else:  # "<oid> missing" (or ambiguous): the format is not applied
            blobs[oid] = None
            pos = end + 1
    return blobs


def _split_simple(wanted: list[str], out: bytes) -> dict[str, bytes | None] | None:
    """The common answer, split at C speed: no object missing, no newline inside (symlinks).

    Each answer is ``SIZE\\nCONTENT\\n``; the sizes prove the split right, else None.
    """
    parts = out.split(b"\n")
    if len(parts) != 2 * len(wanted) + 1 or parts[-1]:
        return None
    sizes, contents = parts[0:-1:2], parts[1:-1:2]
    try:
        if list(map(len, contents)) != list(map(int, sizes)):
            return None
    except ValueError:  # "<oid> missing"
        return None
    return dict(zip(wanted, contents, strict=True))


def symlinks_on_disk(root: Path, links: Mapping[str, str]) -> dict[str, bytes | None]:
    """The targets of symlink blobs (id -> path below ``root``) that the checkout holds as is.

    Reading a link on disk is several times faster than asking git for a million small blobs. A
    target counts only if it hashes to the blob id, so a link changed since is read from git.
    """
    found: dict[str, bytes | None] = {}
    if not links:
        return found
    digest = hashlib.sha1 if len(next(iter(links))) == 40 else hashlib.sha256
    base = os.fsencode(root) + b"/"
    readlink = os.readlink
    for oid, path in links.items():
        try:
            target = readlink(base + path.encode("utf-8", "surrogateescape"))
        except OSError:
            continue  # not checked out, or not a symlink there
        if digest(b"blob %d\0%s" % (len(target), target)).hexdigest() == oid:
            found[oid] = target
    return found
