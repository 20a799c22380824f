"""Issue 11's speed targets, measured: whole processes against a floor measured in the same run.

    python3 benches/run.py [--sizes 10k,100k,1M] [--kinds plain,annex,xlsx] [--repeat 3]
                           [--keep DIR] [--markdown FILE]

For each size N and kind, a committed repository whose git index holds N annotation files (no
files on disk), an N-row file list and a .bia-hooks.yaml (make_big_repo.make_dataset): plain git
files, locked git-annex files each with its own key (annex), or plain files with an XLSX list
(xlsx, up to 100,000 rows: the issue's XLSX targets are at that size). Every row is one or more
whole processes, measured from outside: wall time, and peak memory (the child's ru_maxrss from
wait4; the largest process for several). Each is run --repeat times (fewer when a run takes over
5 s): the table shows the least wall time, and the most memory.

- floor: ``git ls-files -z``, plus the list read with pandas' pyarrow engine (for an XLSX list,
  its TSV twin): time summed, memory the larger. The ratios are to this floor.
- ``bia-hooks check`` on the clean repository, without and with its configuration.
- ``bia-hooks validate LIST``.
- ``frictionless validate`` with an equivalent Table Schema and a ``jsonschema`` loop row by row
  (TSV lists): the alternatives, with how much faster ``check`` (no configuration) is.
- The three hooks as pre-commit calls them, one process each, summed: ``check-names`` on the
  staged files, ``sync``, ``validate --changed`` on the staged lists; on a commit that adds one
  file, one that renames one, and one that edits one cell of the list. Added and renamed files are
  staged with the list the first ``sync`` wrote (a user's second ``git commit``), and the hooks of
  the commit before have run on the committed repository (whatever state they keep is there).
- ``bia-hooks sync`` after 1% of the files were renamed and 1% added (it writes the list).
- Once: ``check-names`` on three paths of a small repository.

Every process runs as pre-commit runs a hook: from a virtual environment of its own, with
bia-hooks installed from this checkout as pre-commit installs it (``pip install .``, not
editable) and the alternatives beside it (the ``bench`` extra). Such a Python starts without the
machine's own site-packages, whose start-up files can cost a tenth of a second a process.

Builds are not timed; --keep DIR keeps the repositories and the environment and reuses them
(build 1M ones once; this checkout is installed again each run).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

from make_big_repo import (  # noqa: E402
    annex_target,
    change_one_percent,
    git,
    make_dataset,
    path_of,
    write_tsv,
)

# Set by ``use_environment``: the hook's command and the Python beside it.
BIA: list[str] = []
PYTHON: list[str] = []
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
SCHEMA = PROJECT / "bia_hooks" / "schemas" / "annotation-filelist.v1.schema.json"
XLSX_MAX_ROWS = 100_000
LONG_RUN = 5.0  # seconds: a run this long is not repeated
MIB = 1024 * 1024
PANDAS_READ = (
    "import pandas, sys; pandas.read_csv(sys.argv[1], sep='\\t', dtype=str, engine='pyarrow', "
    "keep_default_na=False)"
)
# Each measured command is started by a small process of its own: on Linux a child's peak RSS
# starts from its parent's peak when it execs (vfork), and run.py's grows while it builds.
LAUNCHER = """\
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
JSONSCHEMA_LOOP = """\
import json, sys, jsonschema
validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
with open(sys.argv[2], encoding="utf-8") as f:
    header = f.readline().rstrip("\\n").split("\\t")
    errors = 0
    for line in f:
        row = dict(zip(header, line.rstrip("\\n").split("\\t")))
        errors += sum(1 for _ in validator.iter_errors(row))
sys.exit(1 if errors else 0)
"""


def table_schema() -> dict[str, object]:
    """The annotations row schema as a frictionless Table Schema (patterns match whole cells)."""
    props = json.loads(SCHEMA.read_text())["properties"]

    def whole(pattern: str) -> str:  # Table Schema anchors patterns itself
        return str(pattern).removeprefix("^").removesuffix("(?![\\s\\S])")

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
        ]
    }


@dataclass
class Measure:
    wall: float  # seconds, summed over the processes of one run
    peak: float  # MiB, the largest process
    parts: list[float]  # wall seconds of each process
    trouble: str = ""  # an unexpected exit status: the command and the end of its stderr


def run_once(command: list[str], cwd: Path, expect: int) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and what went wrong (an unexpected exit status)."""
    with tempfile.TemporaryFile() as err:
        launched = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, *command],
            cwd=cwd,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=err,
            check=True,
        )
        wall, maxrss, code = launched.stdout.decode().split()
        trouble = ""
        if int(code) != expect:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
            shown = " ".join(["bia-hooks", *command[1:]] if command[:1] == BIA else command)[:200]
            trouble = f"exit {code} (expected {expect}): {shown} (in {cwd}): {' | '.join(tail)}"
    return float(wall), int(maxrss) * 1024 / MIB, trouble


def measure(
    commands: list[list[str]],
    cwd: Path,
    repeat: int,
    expect: int = 0,
    setup: Callable[[], None] | None = None,
) -> Measure:
    """Run the commands one after another (after setup, not timed), up to `repeat` times."""
    best: Measure | None = None
    for _ in range(repeat):
        if setup:
            setup()
        runs = [run_once(command, cwd, expect) for command in commands]
        this = Measure(
            wall=sum(r[0] for r in runs),
            peak=max(r[1] for r in runs),
            parts=[r[0] for r in runs],
            trouble="; ".join(r[2] for r in runs if r[2]),
        )
        if best is None or this.wall < best.wall:
            this.peak = max(this.peak, best.peak) if best else this.peak
            best = this
        else:
            best.peak = max(best.peak, this.peak)
        if this.wall > LONG_RUN or this.trouble:
            break
    assert best is not None
    return best


@dataclass
class Row:
    size: int
    kind: str
    what: str
    measure: Measure
    ratio: str = ""
    target: str = ""
    met: bool | None = None


class Table:
    """The rows so far: printed as they come, written as Markdown on request."""

    def __init__(self, markdown: Path | None) -> None:
        self.rows: list[Row] = []
        self.markdown = markdown
        self.machine = describe_machine()
        print(self.machine)
        print(
            f"{'files':>9} {'kind':<5} {'what':<62} {'wall s':>7} {'MiB':>6} "
            f"{'ratio':<22} {'target':<26} met?",
            flush=True,
        )

    def add(self, row: Row) -> None:
        self.rows.append(row)
        m = row.measure
        print(
            f"{row.size:>9,} {row.kind:<5} {row.what:<62} {m.wall:>7.2f} {m.peak:>6.0f} "
            f"{row.ratio:<22} {row.target:<26} {verdict(row)}",
            flush=True,
        )
        if m.trouble:
            print(f"{'':>16}{m.trouble}", flush=True)
        if self.markdown:
            self.markdown.write_text(self.to_markdown())

    def to_markdown(self) -> str:
        lines = [
            self.machine,
            "",
            "| Files | Kind | What | Wall | Peak memory | Ratio | Target | Met? |",
            "|---:|---|---|---:|---:|---|---|---|",
        ]
        for row in self.rows:
            m = row.measure
            what = row.what.replace("|", "\\|")
            lines.append(
                f"| {row.size:,} | {row.kind} | {what} | {m.wall:.2f} s | {m.peak:,.0f} MiB "
                f"| {row.ratio} | {row.target} | {verdict(row)} |"
            )
        return "\n".join(lines) + "\n"


def faster(who: str, speedup: float) -> str:
    if speedup >= 1:
        return f"{who} {speedup:.1f}x faster"
    return f"{who} {1 / speedup:.1f}x slower"


def verdict(row: Row) -> str:
    if row.measure.trouble:
        return "no: " + row.measure.trouble.partition(":")[0]
    return {None: "", True: "yes", False: "**no**"}[row.met]


def describe_machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    ram = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        ram = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB RAM" if found else ""
    git_version = git(PROJECT, "--version").decode().split()[-1]
    commit = git(PROJECT, "rev-parse", "--short", "HEAD").decode().strip()
    if git(PROJECT, "status", "--porcelain", "--", "bia_hooks"):
        commit += "+modified"
    return (
        f"Machine: {cpu}, {os.cpu_count()} cores{ram}; Python {platform.python_version()}, "
        f"git {git_version}; bia-hooks {commit}, run from a virtual environment as pre-commit "
        f"runs it; {datetime.date.today().isoformat()}."
    )


def use_environment(base: Path) -> None:
    """Make (or reuse) the virtual environment in ``base`` and install this checkout in it."""
    venv = base / "venv"
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not python.exists():
        print(f"(making {venv}: not timed)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, f"{PROJECT}[bench]"], check=True, env=ENV)
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(PROJECT)], check=True, env=ENV)
    BIA[:] = [str(venv / "bin" / "bia-hooks")]
    PYTHON[:] = [str(python)]


def parse_size(text: str) -> int:
    units = {"k": 1_000, "m": 1_000_000}
    text = text.strip().lower()
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def staged(repo: Path) -> list[str]:
    """The files pre-commit gives to hooks: those the staged change adds, copies or modifies."""
    out = git(repo, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMRTUXB")
    return [p for p in out.decode().split("\0") if p]


def hooks(repo: Path) -> list[list[str]]:
    """The three hooks on the staged change, as .pre-commit-hooks.yaml has pre-commit call them."""
    files = staged(repo)
    lists = [f for f in files if re.search(r"\.(tsv|xlsx|json|ya?ml)$", f)]
    return [
        [*BIA, "check-names", *files],
        [*BIA, "sync"],
        [*BIA, "validate", "--changed", *lists],
    ]


def keep_state(folder: Path) -> dict[str, bytes]:
    """The files bia-hooks keeps in the git directory, to put back before each timed run: every
    run then starts from what the commit before left, not from what the last run learnt."""
    if not folder.is_dir():
        return {}
    return {str(f.relative_to(folder)): f.read_bytes() for f in folder.rglob("*") if f.is_file()}


def put_back_state(folder: Path, files: dict[str, bytes]) -> None:
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def add_one_file(repo: Path, n: int, annex: bool) -> None:
    name = "data/d0000/added_file.tif"
    body = annex_target(n + 1, 2) if annex else b"a new annotation\n"
    oid = git(repo, "hash-object", "-w", "--stdin", data=body).decode().strip()
    git(
        repo,
        "update-index",
        "--add",
        "--cacheinfo",
        f"{'120000' if annex else '100644'},{oid},{name}",
    )


def rename_one_file(repo: Path, n: int, annex: bool) -> None:
    """As `git mv` stages it (same folder: an annex symlink stays valid, the blob is the same)."""
    old = path_of(n // 2)
    entry = git(repo, "ls-files", "-s", "--", old).decode()
    mode, oid = entry.split()[:2]
    new = old.replace("/f", "/renamed_f")
    git(
        repo,
        "update-index",
        "--index-info",
        data=f"0 {'0' * 40}\t{old}\n{mode} {oid}\t{new}\n".encode(),
    )


def edit_one_cell(repo: Path, n: int, filelist: str) -> None:
    """A new Source image on the middle row, saved as a user's editor would (XLSX: openpyxl)."""
    k = n // 2
    old, new = f"S-BIAD999/images/f{k:07d}.tif", f"S-BIAD999/images/f{k:07d}_edited.tif"
    file = repo / filelist
    if filelist.endswith(".xlsx"):
        import openpyxl

        workbook = openpyxl.load_workbook(file)
        cell = workbook.worksheets[0].cell(row=k + 2, column=3)
        assert cell.value == old, cell.value
        cell.value = new
        workbook.save(file)
    else:
        text = file.read_bytes()
        assert text.count(old.encode() + b"\n") == 1
        file.write_bytes(text.replace(old.encode() + b"\n", new.encode() + b"\n"))


def bench_repository(table: Table, base: Path, n: int, kind: str, repeat: int) -> None:
    annex, ext = kind == "annex", "xlsx" if kind == "xlsx" else "tsv"
    filelist = f"annotations.{ext}"
    repo = base / f"{kind}-{n}"
    if not repo.exists():
        print(f"(building {repo}: not timed)", flush=True)
    make_dataset(repo, n, annex, ext)
    tsv = repo / filelist
    if ext == "xlsx":  # the floor reads the same rows as TSV
        tsv = base / f"{kind}-{n}.tsv"
        if not tsv.exists():
            write_tsv(tsv, n)

    def reset() -> None:
        make_dataset(repo, n, annex, ext)

    def add(
        what: str, m: Measure, ratio: str = "", target: str = "", met: bool | None = None
    ) -> None:
        table.add(Row(n, kind, what, m, ratio, target, met))

    ls_files = measure([["git", "ls-files", "-z"]], repo, repeat)
    read = measure([[*PYTHON, "-c", PANDAS_READ, str(tsv)]], repo, repeat)
    floor = Measure(ls_files.wall + read.wall, max(ls_files.peak, read.peak), [])
    add("floor: `git ls-files -z`", ls_files)
    add("floor: the list read by pandas (pyarrow engine)", read)
    add("floor (the two: time summed, memory the larger)", floor)

    def against_floor(what: str, m: Measure, times: float, mib: float | None = None) -> None:
        ratio = m.wall / floor.wall
        target = f"≤ {times}x floor" + (f", ≤ {mib:.0f} MiB" if mib else "")
        met = ratio <= times and (mib is None or m.peak <= mib)
        add(what, m, f"{ratio:.2f}x floor", target, met)

    def unconfigured() -> None:
        reset()
        git(repo, "rm", "-q", "--cached", ".bia-hooks.yaml")
        (repo / ".bia-hooks.yaml").unlink()

    check = measure([[*BIA, "check"]], repo, repeat, setup=unconfigured)
    reset()
    against_floor("`bia-hooks check`, no configuration", check, 2.5, 600)
    configured = measure([[*BIA, "check"]], repo, repeat)
    against_floor("`bia-hooks check`, with the configuration", configured, 2.5, 600)

    # Every row read and validated (--full: not the verdict remembered by the run before).
    validate = measure([[*BIA, "validate", "--full", filelist]], repo, repeat)
    if ext == "xlsx":
        add("`bia-hooks validate LIST`", validate, "", "≤ 1.5 s", validate.wall <= 1.5)
    else:
        add("`bia-hooks validate LIST`", validate, f"{validate.wall / floor.wall:.2f}x floor")

    if ext == "tsv":
        # frictionless reads only paths below its working folder ("safe"), given relative.
        (base / "table-schema.json").write_text(json.dumps(table_schema()))
        frictionless = [str(Path(PYTHON[0]).with_name("frictionless")), "validate",
                        "--schema", "table-schema.json", str(tsv.relative_to(base))]  # fmt: skip
        other = measure([frictionless], base, repeat)
        speedup = other.wall / check.wall
        add("`frictionless validate`, equivalent Table Schema", other,
            faster("check", speedup), "check ≥ 5x faster", speedup >= 5)  # fmt: skip
        loop = [*PYTHON, "-c", JSONSCHEMA_LOOP, str(SCHEMA), str(tsv)]
        other = measure([loop], repo, repeat)
        add("`jsonschema`, row by row", other, faster("check", other.wall / check.wall))

    # The commit before: its hooks ran on the committed repository, the list staged (any state
    # they keep in the git directory is there, and is put back before each run of a case).
    # The commit before changed the list (pre-commit gives its hooks the staged files: with none,
    # check-names would check the whole dataset, which no hook does).
    for command in [[*BIA, "check-names", filelist], [*BIA, "sync"],
                    [*BIA, "validate", "--changed", filelist]]:  # fmt: skip
        run_once(command, repo, expect=0)
    kept = repo / ".git" / "bia-hooks"
    committed = keep_state(kept)
    cases: list[tuple[str, Callable[[], None]]] = [
        ("one file added", lambda: add_one_file(repo, n, annex)),
        ("one file renamed", lambda: rename_one_file(repo, n, annex)),
        ("one cell of the list edited", lambda: edit_one_cell(repo, n, filelist)),
    ]
    for case, change in cases:
        reset()
        put_back_state(kept, committed)
        change()
        if "cell" not in case:  # the first commit's sync wrote the row; the user stages it
            run_once([*BIA, "sync"], repo, expect=1)
        git(repo, "add", filelist)
        staged_state = keep_state(kept)
        m = measure(hooks(repo), repo, repeat, setup=lambda s=staged_state: put_back_state(kept, s))
        parts = " + ".join(f"{part:.2f}" for part in m.parts)
        against_floor(f"hooks, {case} ({parts} s)", m, 1.0)

    def renamed() -> None:
        reset()
        change_one_percent(repo, n, annex)

    sync = measure([[*BIA, "sync"]], repo, repeat, expect=1, setup=renamed)
    what = "`bia-hooks sync`, 1% renamed + 1% added (writes the list)"
    if ext == "xlsx":
        add(what, sync, "", "≤ 3 s", sync.wall <= 3)
    else:  # the memory bound: the whole run under 600 MiB at 1M rows
        add(what, sync, f"{sync.wall / floor.wall:.2f}x floor", "≤ 600 MiB", sync.peak <= 600)
    reset()


def bench_small(table: Table, base: Path, repeat: int) -> None:
    repo = base / "plain-100"
    make_dataset(repo, 100, False, "tsv")
    paths = [path_of(i) for i in (1, 2, 3)]
    m = measure([[*BIA, "check-names", *paths]], repo, repeat)
    table.add(
        Row(100, "plain", "`bia-hooks check-names` on 3 paths", m, "", "≤ 0.15 s", m.wall <= 0.15)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="files per repository")
    parser.add_argument("--kinds", default="plain,annex,xlsx", help="plain, annex, xlsx")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--keep", type=Path, help="build (and keep, and reuse) repositories here")
    parser.add_argument("--markdown", type=Path, help="also write the table here as Markdown")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    if unknown := set(kinds) - {"plain", "annex", "xlsx"}:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    table = Table(args.markdown)
    with tempfile.TemporaryDirectory(prefix="bia-bench-") as tmp:
        base = args.keep.resolve() if args.keep else Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        use_environment(base)
        bench_small(table, base, args.repeat)
        for n in sizes:
            for kind in kinds:
                if kind == "xlsx" and n > XLSX_MAX_ROWS:
                    print(f"(xlsx at {n:,} rows skipped: the XLSX targets are at 100,000 rows)")
                    continue
                bench_repository(table, base, n, kind, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
