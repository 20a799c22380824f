"""Validating a TSV annotations file list: bia-hooks beside frictionless and a jsonschema loop.

Each tool runs in its own process on the same file, so the numbers are whole-process wall time
(interpreter start, imports and reading the file included) and peak resident memory (from
os.wait4). One row in 1,000 has a free-text annotation type, so every tool has errors to report.

Usage: python benches/bench_validate.py [ROWS ...]   (default: 10000 100000 1000000)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SCHEMA = PROJECT / "bia_hooks" / "schemas" / "annotation-filelist.v1.schema.json"


def table_schema() -> dict[str, object]:
    """The annotations row schema as a frictionless Table Schema (patterns match whole cells)."""
    props = json.loads(SCHEMA.read_text())["properties"]

    def whole(pattern: str) -> str:  # Table Schema anchors patterns itself
        return pattern.removeprefix("^").removesuffix("(?![\\s\\S])")

    def field(name: str, pattern: str) -> dict[str, object]:
        return {
            "name": name,
            "type": "string",
            "constraints": {"required": True, "pattern": pattern},
        }

    return {
        "fields": [
            field("Files", whole(props["Files"]["pattern"])),
            field("Annotation type", whole(props["Annotation type"]["pattern"])),
            field("Source image", "[\\s\\S]*\\S[\\s\\S]*"),
            {"name": "annotator", "type": "string"},
        ]
    }


JSONSCHEMA_LOOP = """\
import json, sys, jsonschema
validator = jsonschema.Draft202012Validator(json.load(open({schema!r})))
with open({file!r}, encoding="utf-8") as f:
    header = f.readline().rstrip("\\n").split("\\t")
    errors = 0
    for line in f:
        row = dict(zip(header, line.rstrip("\\n").split("\\t")))
        errors += sum(1 for _ in validator.iter_errors(row))
print(errors, "errors")
"""


def make_tsv(file: Path, rows: int) -> None:
    with file.open("w", encoding="utf-8", newline="\n") as f:
        f.write("Files\tAnnotation type\tSource image\tannotator\n")
        for i in range(rows):
            plate, well = divmod(i, 10_000)
            kind = "Segmentation masks" if i % 1000 == 999 else "segmentation_mask"
            f.write(f"masks/plate{plate}/well_{well:05d}_mask.tif\t{kind}\t"
                    f"S-BIAD123/plate{plate}/well_{well:05d}.tif\tannotator {i % 7}\n")  # fmt: skip


def run(argv: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit status of one process."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{argv[:3]} failed ({code}):\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, code


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "table-schema.json").write_text(json.dumps(table_schema()))
        print(f"{'rows':>10}  {'tool':<34} {'wall s':>8} {'peak MB':>8}  exit")
        for rows in sizes:
            name = f"annotations-{rows}.tsv"
            make_tsv(folder / name, rows)
            tools = {
                "bia-hooks validate": [sys.executable, "-m", "bia_hooks", "validate", name],
                "frictionless validate": ["frictionless", "validate", "--limit-errors", "1000000",
                                          "--schema", "table-schema.json", name],
                "jsonschema row by row": [sys.executable, "-c", JSONSCHEMA_LOOP.format(
                    schema=str(SCHEMA), file=str(folder / name))],
            }  # fmt: skip
            for tool, argv in tools.items():
                wall, peak, code = run(argv, folder)
                print(f"{rows:>10,}  {tool:<34} {wall:>8.2f} {peak:>8.0f}  {code}", flush=True)
            (folder / name).unlink()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
