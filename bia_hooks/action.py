"""The GitHub Action's driver: ``python -m bia_hooks.action``, run by action.yml in its own venv.

It checks its inputs (composite actions enforce none), runs ``bia-hooks check`` with the findings
as annotations, writes the job summary and the step outputs, and assembles the submission package
(``assemble_package``: the file lists exported, the JSON report, the upload plan) in the folder
that the next step uploads (and, with ``attest: true``, the step after attests). It exits 0 when
the check ran, whatever it found, so that the upload happens first; the exit status the check
asked for is the output ``exit-code``, and the Action's last step fails the job with it.

Inputs arrive as environment variables (never interpolated into a shell line):
``INPUT_ROOT``, ``INPUT_CONFIG``, ``INPUT_FAIL_ON``, ``INPUT_EXPORT_FORMAT``,
``INPUT_ARTIFACT_NAME``, ``INPUT_RETENTION_DAYS``, ``INPUT_ATTEST`` (action.yml acts on it; checked
here), and ``BIA_HOOKS_OUT``: the folder to fill.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bia_hooks.commands.common import FAIL_ON
from bia_hooks.crash import internal_error
from bia_hooks.errors import UsageError
from bia_hooks.filelist.table import FORMATS
from bia_hooks.safe_text import escape_data
from bia_hooks.summary import render_summary
from bia_hooks.uploadplan import render_markdown as render_upload_plan

EXPORT_FORMATS = ("source", *FORMATS)
REPORT_NAME = "bia-hooks-report.json"
SUMMARY_NAME = "bia-hooks-summary.md"
VERSION_NAME = "bia-hooks-version.json"
STUDY_NAME = "study.yaml"
SUBMISSION_FOLDER = "submission"  # export --submission's package: page-tab and the lists it names
UPLOAD_PLAN_NAME = "bia-hooks-upload-plan.md"
BOOLEANS = ("true", "false")  # as GitHub compares them: in any letter case
# upload-artifact refuses these in a name (and names must be unique within one workflow run), and
# all but / and \ in the path of a file it uploads.
_BAD_ARTIFACT_CHARS = re.compile(r'[":<>|*?\\/\r\n]')
_BAD_ARTIFACT_PATH_CHARS = re.compile(r'[":<>|*?\r\n]')


@dataclass(frozen=True)
class Inputs:
    root: Path
    config: Path | None
    fail_on: str
    export_format: str
    artifact_name: str
    out: Path  # the folder the upload step publishes


def read_inputs(env: Mapping[str, str]) -> Inputs:
    """The Action's inputs from its environment; every bad one is reported, in one error."""
    problems: list[str] = []

    def get(name: str, default: str = "") -> str:
        return env.get(name, "").strip() or default

    fail_on = get("INPUT_FAIL_ON", "error")
    if fail_on not in FAIL_ON:
        problems.append(f"fail-on: '{fail_on}' is not one of {', '.join(FAIL_ON)}")
    export_format = get("INPUT_EXPORT_FORMAT", "source")
    if export_format not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        problems.append(f"export-format: '{export_format}' is not one of {choices}")
    attest = get("INPUT_ATTEST", "false")
    if attest.lower() not in BOOLEANS:
        problems.append(f"attest: '{attest}' is not true or false")
    retention = get("INPUT_RETENTION_DAYS")
    if retention and not re.fullmatch(r"[0-9]+", retention):
        problems.append(f"retention-days: '{retention}' is not a whole number of days")
    name = get("INPUT_ARTIFACT_NAME") or default_artifact_name(env)
    if _BAD_ARTIFACT_CHARS.search(name):
        problems.append(f"artifact-name: '{name}' holds a character artifacts refuse "
                        '(" : < > | * ? \\ / or a line break)')  # fmt: skip
    root = Path(get("INPUT_ROOT", "."))
    if not root.is_dir():
        problems.append(f"root: '{root}' is not a folder of the repository")
    config = Path(c) if (c := get("INPUT_CONFIG")) else None
    if config is not None and not config.is_file():
        problems.append(f"config: '{config}' is not a file of the repository")
    out = get("BIA_HOOKS_OUT")
    if not out:
        problems.append("BIA_HOOKS_OUT is not set (action.yml sets it)")
    if problems:
        raise UsageError("invalid input: " + "; ".join(problems))
    return Inputs(root, config, fail_on, export_format, name, Path(out))


def default_artifact_name(env: Mapping[str, str]) -> str:
    """Unique per job and attempt; a matrix job must set its own (its legs share the job id)."""
    job = env.get("GITHUB_JOB") or "job"
    return f"bia-hooks-{job}-{env.get('GITHUB_RUN_ATTEMPT') or '1'}"


# Paths go into option values as --option=PATH, and positional paths after "--": a file list named
# "-o.tsv" or "--help.tsv" is never read as an option.


def check_command(inputs: Inputs, report: Path) -> list[str]:
    command = [sys.executable, "-m", "bia_hooks", "check", f"--root={inputs.root}"]
    command += ["--format=github", f"--report={report}", f"--fail-on={inputs.fail_on}"]
    if inputs.config is not None:
        command.append(f"--config={inputs.config}")
    return command


def export_command(inputs: Inputs, source: Path, fmt: str, output: Path) -> list[str]:
    return [sys.executable, "-m", "bia_hooks", "export", f"--format={fmt}", f"--output={output}",
            f"--root={inputs.root}", "--", str(source)]  # fmt: skip


def export_target(filelist: Mapping[str, Any], export_format: str) -> tuple[str, str] | None:
    """(format, path in the artifact) for one file list of the report; None if unusable."""
    path = filelist.get("path")
    source = filelist.get("format")
    if not isinstance(path, str) or not path or _BAD_ARTIFACT_PATH_CHARS.search(path):
        return None
    fmt = source if export_format == "source" else export_format
    if fmt not in FORMATS:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:  # it must stay inside the artifact folder
        return None
    return fmt, str(pure.with_suffix("." + fmt)) if pure.suffix else f"{path}.{fmt}"


def outputs(report: Mapping[str, Any], report_path: Path, name: str, status: int) -> dict[str, str]:
    summary = report.get("summary") or {}
    filelists = [fl for fl in report.get("filelists") or [] if isinstance(fl, Mapping)]
    rows = sum(r for fl in filelists if isinstance(r := fl.get("rows"), int))
    return {
        "errors": str(summary.get("errors", 0)),
        "warnings": str(summary.get("warnings", 0)),
        "rows": str(rows),
        "report": str(report_path),
        "artifact-name": name,
        "exit-code": str(status),
    }


def _say(message: str) -> None:
    # A fixed prefix: a path in the message can never start a workflow command.
    print(f"bia-hooks: {message}", flush=True)


def _relay(output: str) -> None:
    """Show a command's output in the log with workflow commands turned off: it quotes file names,
    which the author of a pull request chooses. The token that turns them on again is random."""
    if not output.strip():
        return
    token = uuid.uuid4().hex
    print(f"::stop-commands::{token}", flush=True)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    print(f"::{token}::", flush=True)


def _run(command: list[str], capture_stdout: bool) -> tuple[int, str]:
    """Run a bia-hooks command: its exit status and what it printed, for ``_relay``."""
    done = subprocess.run(command, check=False, text=True, errors="backslashreplace",
                          stdout=subprocess.PIPE if capture_stdout else None,
                          stderr=subprocess.PIPE)  # fmt: skip
    return done.returncode, (done.stdout or "") + done.stderr


def _append(file: str | None, text: str) -> None:
    if file:
        with open(file, "a", encoding="utf-8") as f:
            f.write(text)


def _set_outputs(env: Mapping[str, str], values: Mapping[str, str]) -> None:
    lines = []
    for key, value in values.items():
        delimiter = f"EOF_{uuid.uuid4().hex}"  # a value can never end the block early
        lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
    _append(env.get("GITHUB_OUTPUT"), "".join(lines))


def _export(inputs: Inputs, report: Mapping[str, Any]) -> list[str]:
    """Export every file list of the report into the artifact folder; return the problems."""
    problems: list[str] = []
    printed: list[str] = []
    done: set[str] = set()
    for filelist in report.get("filelists") or []:
        if not isinstance(filelist, Mapping):
            continue
        target = export_target(filelist, inputs.export_format)
        if target is None or target[1] in done:
            problems.append(f"cannot export the file list {filelist.get('path')!r}: an artifact "
                            "cannot hold its name, or another list has the same")  # fmt: skip
            continue
        fmt, rel = target
        done.add(rel)
        command = export_command(inputs, inputs.root / str(filelist["path"]), fmt, inputs.out / rel)
        status, output = _run(command, capture_stdout=True)
        printed.append(output)
        if status != 0:
            problems.append(f"could not export the file list {filelist['path']!r} as {fmt}")
    _relay("".join(printed))
    return problems


def assemble_package(inputs: Inputs, report: Mapping[str, Any], summary: str) -> list[str]:
    """The submission package, in the folder the Action uploads (and attests): the one place
    where its parts are written. The JSON report is there already (the check wrote it). Returns
    the problems, for warnings."""
    (inputs.out / SUMMARY_NAME).write_text(summary, encoding="utf-8")
    problems = _export(inputs, report)  # each file list, as the archive reads it
    plan = report.get("upload_plan")
    if isinstance(plan, Mapping):
        text = render_upload_plan(plan, heading="#")
        (inputs.out / UPLOAD_PLAN_NAME).write_text(text, encoding="utf-8")
    problems += _write_output(_bia_hooks(inputs, "diff", "--record", "--format=json"),
                              inputs.out / VERSION_NAME, "the version record")  # fmt: skip
    if (inputs.root / STUDY_NAME).is_file():  # the page-tab, with the lists it names
        command = _bia_hooks(inputs, "export", f"--submission={inputs.out / SUBMISSION_FOLDER}")
        status, output = _run(command, capture_stdout=True)
        _relay(output)
        if status != 0:
            problems.append(f"could not build the submission package from {STUDY_NAME}")
    return problems


def _bia_hooks(inputs: Inputs, *args: str) -> list[str]:
    """``bia-hooks ARGS`` on the dataset the Action checks (values as --option=VALUE)."""
    command = [sys.executable, "-m", "bia_hooks", *args, f"--root={inputs.root}"]
    return command + ([f"--config={inputs.config}"] if inputs.config is not None else [])


def _write_output(command: list[str], file: Path, what: str) -> list[str]:
    """Run COMMAND and keep its standard output in FILE; the problem, if it failed."""
    done = subprocess.run(command, check=False, capture_output=True)
    if done.returncode != 0:
        _relay(done.stderr.decode("utf-8", "backslashreplace"))
        return [f"could not write {what}"]
    file.write_bytes(done.stdout)
    return []


def _annotate(level: str, title: str, message: str) -> None:
    print(f"::{level} title={title}::{escape_data(message)}", flush=True)


def _read_report(path: Path) -> dict[str, Any] | None:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    try:
        inputs = read_inputs(env)
    except UsageError as e:
        _annotate("error", "bia-hooks", str(e))
        return 2
    _set_outputs(env, {"artifact-name": inputs.artifact_name})
    if inputs.out.exists():  # the Action may run twice in one job: start from an empty folder
        shutil.rmtree(inputs.out)
    inputs.out.mkdir(parents=True)
    report_path = (inputs.out / REPORT_NAME).resolve()
    # The check's standard output is its annotations (--format github escapes every value).
    status, printed = _run(check_command(inputs, report_path), capture_stdout=False)
    _relay(printed)
    report = _read_report(report_path) if status in (0, 1) else None
    if report is None:
        _append(env.get("GITHUB_STEP_SUMMARY"), "## ❌ bia-hooks could not check the dataset\n\n"
                "The configuration or an input is wrong: the log says what to fix.\n")  # fmt: skip
        _say(f"the check stopped with exit status {status}, before any report")
        return 2
    summary = render_summary(report)
    _append(env.get("GITHUB_STEP_SUMMARY"), summary)
    for problem in assemble_package(inputs, report, summary):
        _annotate("warning", "bia-hooks export", problem)
    _set_outputs(env, outputs(report, report_path, inputs.artifact_name, status))
    if status:
        _say(f"the job will fail after the upload (fail-on: {inputs.fail_on})")
    return 0


def entrypoint() -> None:
    try:
        status = main()
    except Exception as e:  # a bug of ours: one message and a report, never a traceback
        status = internal_error("bia-hooks action", sys.argv[1:], e)
    raise SystemExit(status)


if __name__ == "__main__":
    entrypoint()
