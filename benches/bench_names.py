"""Wall time and peak memory of ``bia-hooks check-names`` (a measurement, not a test).

    python benches/bench_names.py [--paths 1000000] [--keep DIR]

Builds (a) a small repository with 5 paths and (b) a repository whose git index holds N paths, all
pointing at one blob, with no file on disk (``git update-index --index-info``): check-names reads
the index, never the working tree. Then runs check-names as a user does, under /usr/bin/time -v,
and prints wall time and peak RSS for each case.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ENV = dict(
    os.environ,
    PYTHONPATH=str(PROJECT),
    GIT_AUTHOR_NAME="bench",
    GIT_AUTHOR_EMAIL="bench@example.org",
    GIT_COMMITTER_NAME="bench",
    GIT_COMMITTER_EMAIL="bench@example.org",
    GIT_CONFIG_NOSYSTEM="1",
)
# A few bad names among the good ones, so that suggestions and collisions are exercised too.
BAD = ["annotations/plate001/A01 #3_mask.tif", "annotations/Plate001/extra.tif", "notes/ä.txt"]


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", *args], cwd=repo, input=input, capture_output=True, env=ENV, check=True
    )
    return result.stdout


def dataset_paths(n: int) -> Iterator[str]:
    """N distinct paths shaped like an annotation dataset: plate / well / field."""
    i = 0
    plate = 0
    while True:
        plate += 1
        for row in "ABCDEFGH":
            for col in range(1, 13):
                for field in range(1, 101):
                    if i == n:
                        return
                    yield f"annotations/plate{plate:03d}/{row}{col:02d}/field{field:03d}_mask.tif"
                    i += 1


def make_repo(path: Path, paths: list[str]) -> None:
    path.mkdir(parents=True)
    git(path, "init", "-q")
    blob = git(path, "hash-object", "-w", "--stdin", input=b"data\n").decode().strip()
    lines = "".join(f"100644 {blob}\t{p}\n" for p in sorted(paths))
    git(path, "update-index", "--index-info", input=lines.encode())


def measure(label: str, repo: Path, *args: str) -> None:
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "bia_hooks", "check-names", *args]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    peak_mb = int(peak.group(1)) / 1024 if peak else float("nan")
    findings = sum(1 for line in result.stdout.splitlines() if " BIA1" in line)
    print(f"{label:<46} exit {result.returncode}  wall {wall:6.2f} s  peak RSS {peak_mb:7.1f} MB  "
          f"findings shown {findings}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1_000_000, help="paths in the big index")
    parser.add_argument("--keep", type=Path, help="build the repositories here and keep them")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-names-"))
    try:
        small = base / "small"
        five = [
            "a/plate1_A01_mask.tif",
            "a/plate1_A02 mask.tif",
            "a/plate1_A03#2.tif",
            "b/x.tif",
            "b/Y.tif",
        ]
        if not small.exists():
            make_repo(small, five)
        big = base / f"big-{args.paths}"
        if not big.exists():
            start = time.perf_counter()
            make_repo(big, [*dataset_paths(args.paths - len(BAD)), *BAD])
            print(f"built an index of {args.paths:,} paths in {time.perf_counter() - start:.1f} s")
        measure("(a) 5 paths, repository of 5 (no args)", small)
        measure("(a) 5 paths given, repository of 5", small, *five)
        measure(f"(b) {args.paths:,} paths (no args: the whole index)", big)
        measure(f"(b) 5 paths given, index of {args.paths:,}", big, *five)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
