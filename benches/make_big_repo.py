"""Build a git repository with many tracked files, directly in the git index: no files on disk.

    python benches/make_big_repo.py DEST --files 1000000 [--annex] [--distinct] [--commit]
                                         [--checkout]

Plain: every entry is one shared blob. --annex: every entry is a locked git-annex file (a symlink
into .git/annex/objects), as `git annex add` makes them, content absent. --distinct: every entry
has its own blob (and, with --annex, its own key), written by `git fast-import`: the worst case for
reading symlink targets. --commit: also commit the index, so that renames can be staged against it.
--checkout (with --annex): also write the symlinks on disk, as a clone has them.
Paths look like a real dataset: data/d000/f0000000.tif, 1,000 files a folder.

``make_dataset`` (used by benches/run.py) adds what a dataset repository has: a committed
.bia-hooks.yaml and a file list (TSV or XLSX) of one row per file; ``change_one_percent`` stages
1% renames and 1% new files in the index.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from collections.abc import Iterator
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


CONFIG = """\
filelists:
  - path: annotations.{ext}
    include: ["data/**"]
    defaults:
      - match: "data/**"
        values: {annotation type: segmentation_mask}
    source_image:
      format: "S-BIAD999/images/{stem}.tif"
"""
HEADER = ["Files", "Annotation type", "Source image"]


def filelist_rows(n: int) -> Iterator[list[str]]:
    """The file list's rows after its header: one per file, the mandatory columns filled."""
    return ([path_of(i), "segmentation_mask", f"S-BIAD999/images/f{i:07d}.tif"] for i in range(n))


def write_tsv(file: Path, n: int) -> None:
    with open(file, "w", encoding="utf-8", newline="\n") as f:
        f.writelines("\t".join(row) + "\n" for row in [HEADER, *filelist_rows(n)])


def make_dataset(dest: Path, n: int, annex: bool, ext: str) -> None:
    """A committed dataset repository of N files, its configuration and an N-row file list; a
    repository kept from an earlier run is put back in its committed state instead."""
    filelist = f"annotations.{ext}"
    if dest.exists():
        git(dest, "read-tree", "HEAD")
        git(dest, "checkout", "HEAD", "--", filelist, ".bia-hooks.yaml")
        return
    # Distinct contents: among identical files, which one was renamed is not a thing to guess
    # (dataset.pair_identical), and real annotation files differ.
    build(dest, n, annex=annex, distinct=True, commit=False)
    (dest / ".bia-hooks.yaml").write_text(CONFIG.replace("{ext}", ext))
    if ext == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Files")
        sheet.append(HEADER)
        for row in filelist_rows(n):
            sheet.append(row)
        workbook.save(dest / filelist)
    else:
        write_tsv(dest / filelist, n)
    git(dest, "add", ".bia-hooks.yaml", filelist)
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    git(dest, *identity, "commit", "-qm", "start")


def change_one_percent(dest: Path, n: int, annex: bool) -> None:
    """Rename 1% of the files and add 1% new ones, in the index only. Annexed files move one folder
    deeper: each moved symlink gets a new target, a new blob, the same key (only the key pairs
    them), and the new files have new keys."""
    step = 100
    moved = range(0, n, step)
    listing = git(dest, "ls-files", "-s").decode().splitlines()
    oid_of = {line.partition("\t")[2]: line.split(" ")[1] for line in listing}
    mode = "100644"
    if annex:
        mode = "120000"
        targets = [annex_target(i, 3) for i in moved] + [annex_target(n + i, 2) for i in moved]
        stream = b"".join(
            b"blob\nmark :%d\ndata %d\n%s\n" % (k + 1, len(t), t) for k, t in enumerate(targets)
        )
        marks = dest / ".git" / "bench-marks"
        git(dest, "fast-import", "--quiet", f"--export-marks={marks}", data=stream)
        new_oids = [line.split(b" ")[1].decode() for line in marks.read_bytes().splitlines()]
        marks.unlink()
    lines = []
    for k, i in enumerate(moved):
        lines.append(f"0 {'0' * 40}\t{path_of(i)}")  # remove
        if annex:
            lines.append(f"{mode} {new_oids[k]}\t{path_of(i).replace('/f', '/moved/renamed_f')}")
        else:
            lines.append(f"{mode} {oid_of[path_of(i)]}\t{path_of(i).replace('/f', '/renamed_f')}")
        new_oid = new_oids[len(moved) + k] if annex else oid_of[path_of(0)]  # a new file
        lines.append(f"{mode} {new_oid}\tdata/new/n{i:07d}.tif")
    git(dest, "update-index", "--index-info", data=("\n".join(lines) + "\n").encode())


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
