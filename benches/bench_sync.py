"""Whole-process wall time and peak memory of keeping a file list in step with a big repository.

    python benches/bench_sync.py [--sizes 10000,100000,1000000] [--annex] [--xlsx] [--keep DIR]

For each size N: a repository whose git index holds N annotation files (built by make_big_repo.py,
no files on disk) and a TSV file list of N rows, one per file, with the mandatory columns. With
--annex, every file is a locked git-annex file with its own key (a distinct symlink blob each: the
worst case for reading keys), the renamed files move one folder deeper, so that their symlink
targets change and only their annex keys pair them, and the new files have new keys. With --xlsx,
the file list is an XLSX workbook (which the sync edits in place, with openpyxl, to keep its
styles). Then, each in a fresh process, measured from outside (wall clock, and the child's peak RSS
from wait4):

- ``bia-hooks sync``, in step (the hook's everyday case), and ``sync --check``;
- ``bia-hooks sync --check`` after 1% of the files were renamed and 1% added in the index;
- ``bia-hooks sync``, writing the file list for those changes;
- ``bia-hooks check``: names + sync check + validation, what CI runs;
- the floor: ``git ls-files`` piped into ``sort`` and ``comm`` against the list's first column, the
  least any tool must do to find files missing from the list (it finds no renames, checks nothing).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

from make_big_repo import annex_target, build, git, path_of  # noqa: E402

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


def run(command: list[str] | str, cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB (largest process) and exit status; a str is a shell line."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        shell=isinstance(command, str),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def make_dataset(dest: Path, n: int, annex: bool, ext: str) -> None:
    filelist = f"annotations.{ext}"
    if dest.exists():  # kept from an earlier run (--keep): back to the committed state
        git(dest, "read-tree", "HEAD")
        git(dest, "checkout", "HEAD", "--", filelist)
        return
    # Distinct contents: among identical files, which one was renamed is not a thing to guess
    # (dataset.pair_identical), and real annotation files differ.
    build(dest, n, annex=annex, distinct=True, commit=False)
    (dest / ".bia-hooks.yaml").write_text(CONFIG.replace("{ext}", ext))
    header = ["Files", "Annotation type", "Source image"]
    rows = ([path_of(i), "segmentation_mask", f"S-BIAD999/images/f{i:07d}.tif"] for i in range(n))
    if ext == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Files")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(dest / filelist)
    else:
        with open(dest / filelist, "w") as f:
            f.writelines("\t".join(row) + "\n" for row in [header, *rows])
    subprocess.run(["git", "add", ".bia-hooks.yaml", filelist], cwd=dest, check=True)
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "start"],
        cwd=dest,
        check=True,
    )


def change_one_percent(dest: Path, n: int, annex: bool) -> None:
    """Rename 1% of the files and add 1% new ones, in the index only."""
    step = 100
    moved = range(0, n, step)
    listing = subprocess.run(
        ["git", "ls-files", "-s"], cwd=dest, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    oid_of = {line.partition("\t")[2]: line.split(" ")[1] for line in listing}
    mode = "100644"
    if annex:  # one folder deeper: each moved symlink gets a new target, a new blob, the same key
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
    subprocess.run(
        ["git", "update-index", "--index-info"],
        cwd=dest,
        input="\n".join(lines) + "\n",
        text=True,
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--annex",
        action="store_true",
        help="locked git-annex files with a key each, not plain files",
    )
    parser.add_argument("--xlsx", action="store_true", help="an XLSX file list, not a TSV")
    parser.add_argument(
        "--keep", type=Path, help="build (and keep, and reuse) the repositories here"
    )
    args = parser.parse_args(argv)
    bia = [sys.executable, "-m", "bia_hooks"]
    floor = (
        "git ls-files | sort > /tmp/bia-bench-tree && cut -f1 annotations.tsv | tail -n +2 "
        "| sort | comm -23 /tmp/bia-bench-tree - | wc -l"
    )
    print(f"{'case':<38} {'files':>9} {'wall s':>7} {'peak MiB':>9} {'exit':>4}")
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for n in [int(s) for s in args.sizes.split(",")]:
            ext = "xlsx" if args.xlsx else "tsv"
            dest = base / f"sync-{'annex-' if args.annex else ''}{ext}-{n}"
            make_dataset(dest, n, args.annex, ext)
            cases: list[tuple[str, list[str] | str]] = [
                ("sync, in step", [*bia, "sync"]),
                ("sync --check, in step", [*bia, "sync", "--check"]),
                ("check (names + sync + validate)", [*bia, "check"]),
            ]
            if ext == "tsv":
                cases.append(("floor: git ls-files | sort | comm", floor))
            for name, command in cases:
                wall, peak, code = run(command, dest)
                print(f"{name:<38} {n:>9,} {wall:>7.2f} {peak:>9.0f} {code:>4}", flush=True)
            change_one_percent(dest, n, args.annex)
            for name, command in [
                ("sync --check, 1% renamed + 1% new", [*bia, "sync", "--check"]),
                ("sync (writes the file list)", [*bia, "sync"]),
            ]:
                wall, peak, code = run(command, dest)
                print(f"{name:<38} {n:>9,} {wall:>7.2f} {peak:>9.0f} {code:>4}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
