"""Wall time and peak memory of listing the dataset's files, on 10k, 100k and 1M tracked files.

    python benches/bench_tree.py [--sizes 10000,100000,1000000] [--distinct] [--keep DIR]

Each case runs in a fresh process so that its peak memory (RSS) is its own. Repositories are built
by make_big_repo.py, in the git index only. Cases: plain git files; locked git-annex files sharing
one key (the symlink target is read once); with --distinct also one blob or key per file, index
only (every symlink target read by git cat-file, which dominates) and with the symlinks checked out
on disk (targets read from disk, checked against their blob ids).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent

CHILD = """
import json, resource, sys, time
from pathlib import Path
from bia_hooks.tree import list_dataset
start = time.perf_counter()
files, findings = list_dataset(Path(sys.argv[1]))
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"files": len(files), "findings": len(findings), "wall": wall, "peak_kib": peak}))
"""


def measure(repo: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo)], env=env, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    result: dict[str, float] = json.loads(out)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--distinct", action="store_true", help="also one blob per file")
    parser.add_argument("--keep", type=Path, help="build (and keep) the repositories here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [("plain", []), ("annex", ["--annex"])]
    if args.distinct:
        cases += [
            ("plain distinct", ["--distinct"]),
            ("annex distinct", ["--annex", "--distinct"]),
            ("annex dist. disk", ["--annex", "--distinct", "--checkout"]),
        ]
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        print(f"{'case':<16} {'files':>10} {'wall s':>8} {'peak MiB':>9}")
        for name, flags in cases:
            for n in sizes:
                repo = base / f"{name.replace(' ', '-')}-{n}"
                if not repo.exists():
                    subprocess.run([sys.executable, str(HERE / "make_big_repo.py"), str(repo),
                                    "--files", str(n), *flags], check=True)  # fmt: skip
                r = measure(repo)
                assert r["files"] == n, r
                print(
                    f"{name:<16} {n:>10,} {r['wall']:>8.2f} {r['peak_kib'] / 1024:>9.0f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
