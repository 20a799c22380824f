"""Reading an XLSX file list: bia-hooks' streaming reader beside openpyxl and python-calamine.

Each reader runs in its own process, so the numbers are whole-process wall time (interpreter start
and imports included) and peak resident memory. Usage: python benches/bench_xlsx_read.py [ROWS ...]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

READERS = {
    "bia-hooks (streaming XML)": (
        "from pathlib import Path; from bia_hooks.filelist.read import read_filelist\n"
        "t, f = read_filelist(Path({folder!r}), {name!r}); assert len(t.rows) == {rows}"
    ),
    "openpyxl read_only": (
        "import openpyxl\n"
        "wb = openpyxl.load_workbook({file!r}, read_only=True)\n"
        "rows = list(wb.worksheets[0].iter_rows(values_only=True))\n"
        "assert len(rows) == {rows} + 1"
    ),
    "python-calamine": (
        "from python_calamine import CalamineWorkbook\n"
        "rows = CalamineWorkbook.from_path({file!r}).get_sheet_by_index(0).to_python()\n"
        "assert len(rows) == {rows} + 1"
    ),
}


def make_workbook(file: Path, rows: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("files")
    ws.append(["Files", "Source image", "Annotation type", "Annotator", "Plate"])
    for i in range(rows):
        plate = f"plate{i % 40}"
        ws.append([f"masks/{plate}/img_{i:07d}_mask.tif", f"S-BIAD123/{plate}/img_{i:07d}.tif",
                   "segmentation_mask", f"annotator {i % 7}", i % 40])  # fmt: skip
    wb.save(file)


def run(code: str) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of ``python -c code``."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"reader failed:\n{code}")
    return wall, usage.ru_maxrss / 1024


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'rows':>8}  {'reader':<28} {'wall s':>7} {'peak MB':>8}")
        for rows in sizes:
            file = Path(tmp) / f"list{rows}.xlsx"
            make_workbook(file, rows)
            for name, template in READERS.items():
                code = template.format(folder=tmp, name=file.name, file=str(file), rows=rows)
                wall, peak = run(code)
                print(f"{rows:>8,}  {name:<28} {wall:>7.2f} {peak:>8.0f}", flush=True)
        baseline = run("import bia_hooks.filelist.read")
        print(f"{'':>8}  {'(python + import only)':<28} {baseline[0]:>7.2f} {baseline[1]:>8.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
