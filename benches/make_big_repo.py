"""Build a git repository with many tracked files, directly in the git index: no files on disk.

    python benches/make_big_repo.py DEST --files 1000000 [--annex] [--distinct] [--commit]
                                         [--checkout]

Plain: every entry is one shared blob. --annex: every entry is a locked git-annex file (a symlink
into .git/annex/objects), as `git annex add` makes them, content absent. --distinct: every entry
has its own blob (and, with --annex, its own key), written by `git fast-import`: the worst case for
reading symlink targets. --commit: also commit the index, so that renames can be staged against it.
--checkout (with --annex): also write the symlinks on disk, as a clone has them.
Paths look like a real dataset: data/d000/f0000000.tif, 1,000 files a folder.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path


def path_of(i: int) -> str:
    return f"data/d{i // 1000:04d}/f{i:07d}.tif"


def annex_target(i: int, depth: int) -> bytes:
    digest = hashlib.sha256(str(i).encode()).hexdigest()
    key = f"SHA256E-s{1000 + i}--{digest}.tif"
    # git-annex hashes keys into two folder levels; any two names do for a listing.
    return f"{'../' * depth}.git/annex/objects/{digest[:2]}/{digest[2:4]}/{key}/{key}".encode()


def git(dest: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=dest, input=data, capture_output=True,
                          check=True).stdout  # fmt: skip


def build(dest: Path, files: int, annex: bool, distinct: bool, commit: bool,
          checkout: bool = False) -> None:  # fmt: skip
    dest.mkdir(parents=True, exist_ok=False)
    git(dest, "init", "-q")
    mode = b"120000" if annex else b"100644"
    depth = 2  # data/dNNNN/file

    def content(i: int) -> bytes:
        return annex_target(i, depth) if annex else b"annotation %d\n" % i

    if distinct:
        stream = bytearray()
        for i in range(files):
            body = content(i)
            stream += b"blob\nmark :%d\ndata %d\n%s\n" % (i + 1, len(body), body)
        marks = dest / ".git" / "bench-marks"
        git(dest, "fast-import", "--quiet", f"--export-marks={marks}", data=bytes(stream))
        oids = [line.split(b" ")[1] for line in marks.read_bytes().splitlines()]
        marks.unlink()
    else:
        oid = git(dest, "hash-object", "-w", "--stdin", data=content(0)).strip()
        oids = [oid] * files
    index_info = b"".join(
        b"%s %s 0\t%s\0" % (mode, oids[i], path_of(i).encode()) for i in range(files)
    )
    git(dest, "update-index", "-z", "--index-info", data=index_info)
    if checkout and annex:
        for i in range(files):
            link = dest / path_of(i)
            if i % 1000 == 0:
                link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(content(i if distinct else 0).decode())
    if commit:
        tree = git(dest, "write-tree").strip().decode()
        env_args = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
        head = git(dest, *env_args, "commit-tree", tree, "-m", "bench").strip().decode()
        git(dest, "update-ref", "HEAD", head)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--annex", action="store_true", help="locked git-annex symlinks")
    parser.add_argument("--distinct", action="store_true", help="one blob per file")
    parser.add_argument("--commit", action="store_true", help="commit the index")
    parser.add_argument("--checkout", action="store_true", help="annex symlinks on disk too")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    build(args.dest.resolve(), args.files, args.annex, args.distinct, args.commit, args.checkout)
    print(
        f"{args.dest}: {args.files:,} files in {time.perf_counter() - start:.1f} s", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
