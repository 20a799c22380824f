"""The GitHub Action: action.yml and the workflows against GitHub's schemas, the driver
(``python -m bia_hooks.action``), and the whole Action run by act on dataset repositories.

act runs in host mode (``-P ubuntu-latest=-self-hosted``): no docker, no network. The two actions
the Action calls are replaced by the stand-ins in tests/fixtures/ (``--local-repository``), and the
Action itself is this checkout, under the name the documented workflow uses. The Action installs
its own checkout into a new venv with pip, offline: the dependencies come from this interpreter's
site-packages (PYTHONPATH), and the build backend from the wheels virtualenv ships.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT, write

ACTION = PROJECT / "action.yml"
FIXTURES = PROJECT / "tests" / "fixtures"
WORKFLOW = PROJECT / "examples" / "workflows" / "bia-hooks.yml"
DOCS = PROJECT / "README.md"
ACTION_NAME = "bia-hooks/bia-hooks@v0.1.0"  # as the documented workflow uses it


def action() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(ACTION.read_text())
    return data


def steps() -> list[dict[str, object]]:
    return action()["runs"]["steps"]  # type: ignore[index,no-any-return]


# --- metadata and workflows --------------------------------------------------------------------


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--builtin-schema",
        schema,
        *map(str, files),
    ]
    return subprocess.run(command, capture_output=True, text=True)


def test_action_metadata_matches_githubs_schema() -> None:
    result = check_jsonschema("vendor.github-actions", ACTION, *FIXTURES.glob("*/action.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_githubs_schema() -> None:
    workflows = [*(PROJECT / ".github" / "workflows").glob("*.yml"), WORKFLOW]
    assert len(workflows) >= 2
    result = check_jsonschema("vendor.github-workflows", *workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text().replace("using: composite", "using: compsite"))
    assert check_jsonschema("vendor.github-actions", broken).returncode == 1


def test_every_run_step_names_its_shell_and_interpolates_nothing() -> None:
    runs = [s for s in steps() if "run" in s]
    assert runs
    for step in runs:
        assert step.get("shell") == "bash", step
        # An input interpolated into a script is an injection hole: inputs go through env.
        assert "${{" not in str(step["run"]), step


def test_every_action_used_is_pinned_to_a_commit_with_its_version() -> None:
    text = ACTION.read_text()
    used = [str(s["uses"]) for s in steps() if "uses" in s]
    assert {u.split("@")[0] for u in used} == {
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/attest-build-provenance",
    }
    for uses in used:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), uses
        assert re.search(rf"uses: {re.escape(uses)} # v\d+\.\d+\.\d+\n", text), uses


def test_the_users_python_is_left_alone_and_the_upload_always_runs() -> None:
    by_action = {str(s["uses"]).split("@")[0]: s for s in steps() if "uses" in s}
    assert by_action["actions/setup-python"]["with"]["update-environment"] is False  # type: ignore[index]
    assert str(by_action["actions/upload-artifact"]["if"]).startswith("always()")
    names = [s.get("name") for s in steps()]
    assert names.index("Upload the file lists and the report") < names.index(
        "Fail on findings (fail-on)"
    )


def test_the_attestation_is_off_by_default_and_covers_the_uploaded_files() -> None:
    inputs = action()["inputs"]
    assert inputs["attest"]["default"] == "false"  # type: ignore[index]
    names = [s.get("name") for s in steps()]
    (attest,) = [s for s in steps() if str(s.get("uses", "")).startswith("actions/attest-")]
    assert attest["if"] == (
        "always() && inputs.attest == 'true' && steps.check.outputs.artifact-name != ''"
    )
    upload = next(s for s in steps() if str(s.get("uses", "")).startswith("actions/upload-"))
    assert attest["with"] == {"subject-path": upload["with"]["path"] + "/**"}  # type: ignore[index,operator]
    # After the upload (a failed attestation never stops it), before the job fails.
    assert names.index(upload["name"]) < names.index(attest["name"]) < len(names) - 1


def test_every_input_is_described_and_reaches_a_step() -> None:
    inputs = action()["inputs"]
    assert isinstance(inputs, dict)
    assert set(inputs) >= {"config", "python-version", "fail-on", "artifact-name", "export-format",
                           "retention-days", "root", "attest"}  # fmt: skip
    used = json.dumps(steps())
    for name, spec in inputs.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), name  # kebab-case
        assert spec.get("description"), name
        assert f"inputs.{name} }}}}" in used, name


def test_the_documentation_holds_the_workflow_and_every_input_and_output() -> None:
    docs = DOCS.read_text()
    assert WORKFLOW.read_text() in docs
    meta = action()
    for name in [*meta["inputs"], *meta["outputs"]]:  # type: ignore[misc]
        assert f"`{name}`" in docs, name


def test_the_project_workflow_self_tests_the_action_on_a_broken_dataset() -> None:
    ci = yaml.safe_load((PROJECT / ".github" / "workflows" / "ci.yml").read_text())
    job = next(j for j in ci["jobs"].values() if any(s.get("uses") == "./" for s in j["steps"]))
    local = [s for s in job["steps"] if s.get("uses") == "./"]
    broken = [s for s in local if s.get("continue-on-error") is True]
    assert len(local) >= 2 and len(broken) == 1
    checks = json.dumps(job["steps"][job["steps"].index(broken[0]) + 1 :])
    assert f"steps.{broken[0]['id']}.outcome" in checks


# --- the driver, python -m bia_hooks.action ----------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def dataset(repo: Path, example: str, folder: str = ".", workflow: str | None = None) -> Path:
    """A git repository holding one of the example datasets in ``folder``, committed."""
    shutil.copytree(PROJECT / "examples" / example, repo / folder, dirs_exist_ok=True)
    if workflow is not None:
        (repo / ".github" / "workflows").mkdir(parents=True)
        (repo / ".github" / "workflows" / "bia-hooks.yml").write_text(workflow)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "dataset")
    return repo


def read_outputs(file: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: ``name=value`` or ``name<<DELIMITER`` blocks."""
    out: dict[str, str] = {}
    lines = iter(file.read_text().splitlines()) if file.exists() else iter([])
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            out[name] = "\n".join(value)
        else:
            name, value_ = line.split("=", 1)
            out[name] = value_
    return out


@dataclass
class Driven:
    result: subprocess.CompletedProcess[str]
    outputs: dict[str, str]
    summary: str
    out: Path


def drive(repo: Path, tmp: Path, **inputs: str) -> Driven:
    """The Action's check step: its environment as action.yml sets it, in the workspace ``repo``."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))
    }
    env.update(PYTHONPATH=str(PROJECT), GITHUB_WORKSPACE=str(repo), GITHUB_JOB="check",
               GITHUB_RUN_ATTEMPT="2", GITHUB_OUTPUT=str(tmp / "output.txt"),
               GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
               BIA_HOOKS_OUT=str(tmp / "artifact"))  # fmt: skip
    env.update({"INPUT_" + k.upper(): v for k, v in inputs.items()})
    result = subprocess.run([sys.executable, "-m", "bia_hooks.action"], cwd=repo, env=env,
                            capture_output=True, text=True)  # fmt: skip
    summary = tmp / "summary.md"
    return Driven(result, read_outputs(tmp / "output.txt"),
                  summary.read_text() if summary.exists() else "", tmp / "artifact")  # fmt: skip


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail_on": "sometimes"}, "fail-on: 'sometimes' is not one of error, warning, never"),
        ({"export_format": "csv"}, "export-format: 'csv' is not one of source, tsv, xlsx, json"),
        ({"retention_days": "a week"}, "retention-days: 'a week' is not a whole number"),
        ({"artifact_name": "reports/latest"}, "artifact-name: 'reports/latest' holds a character"),
        ({"root": "no-such-folder"}, "root: 'no-such-folder' is not a folder"),
        ({"config": "missing.yaml"}, "config: 'missing.yaml' is not a file"),
        ({"attest": "yes"}, "attest: 'yes' is not true or false"),
    ],
)
def test_bad_inputs_stop_the_action_with_one_clear_error(
    tmp_path: Path, inputs: dict[str, str], message: str
) -> None:
    repo = dataset(tmp_path / "repo", "clean-dataset")
    run = drive(repo, tmp_path, **inputs)
    assert run.result.returncode == 2
    assert run.result.stdout.startswith("::error title=bia-hooks::invalid input: ")
    assert message in run.result.stdout
    assert run.outputs == {}  # no artifact name: the upload step is skipped


def test_every_bad_input_is_reported_at_once(tmp_path: Path) -> None:
    repo = dataset(tmp_path / "repo", "clean-dataset")
    run = drive(repo, tmp_path, fail_on="all", export_format="pdf")
    assert "fail-on: 'all'" in run.result.stdout and "export-format: 'pdf'" in run.result.stdout


def test_a_broken_dataset_gives_annotations_summary_outputs_and_report(tmp_path: Path) -> None:
    repo = dataset(tmp_path / "repo", "broken-dataset")
    run = drive(repo, tmp_path)
    assert run.result.returncode == 0  # the upload comes first; the last step fails the job
    assert "::error file=annotations/masks/plate1_A01#1_mask.tif,title=BIA101 " in run.result.stdout
    assert run.outputs["exit-code"] == "1"
    assert int(run.outputs["errors"]) >= 1 and int(run.outputs["warnings"]) >= 1
    assert run.outputs["artifact-name"] == "bia-hooks-check-2"
    report = Path(run.outputs["report"])
    assert report == run.out / "bia-hooks-report.json"
    assert json.loads(report.read_text())["summary"]["errors"] == int(run.outputs["errors"])
    assert run.summary.startswith("## ❌ bia-hooks: ")
    assert (run.out / "bia-hooks-summary.md").read_text() == run.summary


@pytest.mark.parametrize(
    ("fail_on", "exit_code"), [("error", "1"), ("warning", "1"), ("never", "0")]
)
def test_fail_on_sets_the_exit_code_the_last_step_uses(
    tmp_path: Path, fail_on: str, exit_code: str
) -> None:
    run = drive(dataset(tmp_path / "repo", "broken-dataset"), tmp_path, fail_on=fail_on)
    assert run.result.returncode == 0
    assert run.outputs["exit-code"] == exit_code


def test_a_clean_dataset_passes(tmp_path: Path) -> None:
    run = drive(dataset(tmp_path / "repo", "clean-dataset"), tmp_path, fail_on="warning")
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    assert (run.outputs["errors"], run.outputs["warnings"], run.outputs["exit-code"]) == (
        "0",
        "0",
        "0",
    )
    assert run.summary.startswith("## ✅ bia-hooks: ready for the BioImage Archive")
    assert "::error" not in run.result.stdout


def test_the_dataset_may_sit_in_a_folder_of_the_repository(tmp_path: Path) -> None:
    repo = dataset(tmp_path / "repo", "broken-dataset", folder="data")
    run = drive(repo, tmp_path, root="data")
    # Annotations name the file from the repository's top, where GitHub looks for it.
    assert "::error file=data/annotations/masks/plate1_A01#1_mask.tif," in run.result.stdout


def test_a_second_run_starts_from_an_empty_folder(tmp_path: Path) -> None:
    repo = dataset(tmp_path / "repo", "clean-dataset")
    write(tmp_path / "artifact", "stale.txt")
    run = drive(repo, tmp_path)
    assert not (run.out / "stale.txt").exists()
    assert (run.out / "bia-hooks-report.json").is_file()


def test_a_bad_configuration_fails_the_step_and_says_so_in_the_summary(tmp_path: Path) -> None:
    repo = dataset(tmp_path / "repo", "clean-dataset")
    (repo / ".bia-hooks.yaml").write_text("version: 1\nnames: {spaces: sometimes}\n")
    run = drive(repo, tmp_path)
    assert run.result.returncode == 2
    assert "names.spaces" in run.result.stdout  # the check's own message, in the log
    assert run.summary.startswith("## ❌ bia-hooks could not check the dataset")
    assert "exit-code" not in run.outputs


def test_the_package_holds_the_upload_plan(tmp_path: Path) -> None:
    run = drive(dataset(tmp_path / "repo", "clean-dataset"), tmp_path, attest="TRUE")
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    plan = (run.out / "bia-hooks-upload-plan.md").read_text()
    assert plan.startswith("# Upload\n\n**Upload with the submission tool's upload page**")
    report = json.loads((run.out / "bia-hooks-report.json").read_text())
    assert report["upload_plan"]["method"] == "web"
    assert report["upload_plan"]["files"] == 4  # the list and 3 annotations; no configuration
    assert "### Upload\n" in run.summary


@pytest.mark.parametrize(
    ("export_format", "exported"),
    [("source", "filelist.tsv"), ("json", "filelist.json"), ("xlsx", "filelist.xlsx")],
)
def test_every_file_list_is_exported_with_the_report(
    tmp_path: Path, export_format: str, exported: str
) -> None:
    run = drive(dataset(tmp_path / "repo", "clean-dataset"), tmp_path, export_format=export_format)
    assert run.outputs["rows"] == "3"
    assert (run.out / "annotations" / exported).is_file()
    assert "::warning" not in run.result.stdout


# --- what a hostile pull request can put in the log ---------------------------------------------

# The commands actions/runner registers (ActionCommandManager and its extensions).
RUNNER_COMMANDS = {"error", "warning", "notice", "debug", "group", "endgroup", "echo", "add-mask",
                   "add-matcher", "remove-matcher", "save-state", "set-output", "set-env",
                   "add-path", "stop-commands"}  # fmt: skip


def _parse_command(line: str, registered: set[str]) -> tuple[str, str] | None:
    """(name, data) of the command the runner reads in ``line``: ``::name props::data`` at the
    start after spaces (ActionCommand.TryParseV2), else ``##[name props]data`` anywhere in it
    (ActionCommand.TryParse)."""
    text = line.lstrip()
    if text.startswith("::") and (end := text.find("::", 2)) >= 0:
        name = text[2:end].split(" ", 1)[0]
        if name.lower() in registered:
            return name.lower(), text[end + 2 :]
    start = line.find("##[")
    if start >= 0 and (end := line.find("]", start)) >= 0:
        name = line[start + 3 : end].split(" ", 1)[0]
        if name.lower() in registered:
            return name.lower(), line[end + 1 :]
    return None


def runner_commands(log: str) -> list[str]:
    """The lines of ``log`` GitHub's runner executes as workflow commands, as it reads them:
    lines end at CR, LF or CRLF; ``::stop-commands::TOKEN`` turns commands off until
    ``::TOKEN::``."""
    registered, token, executed = set(RUNNER_COMMANDS), None, []
    for line in re.split(r"\r\n|\r|\n", log):
        parsed = _parse_command(line, registered)
        if parsed is None:
            continue
        name, data = parsed
        if token is not None:  # stopped: only the token resumes
            if name == token:
                registered.discard(token)
                token = None
            continue
        if name == "stop-commands":
            token = data.lower()
            registered.add(token)
            continue
        executed.append(line)
    return executed


def test_the_runner_model_reads_commands_as_the_runner_does() -> None:
    log = ("plain\n  ::warning title=a::b\nx ##[error]c\n::stop-commands::t1\n::error::hidden\n"
           "::t1::\n::notice::shown\r::nope::x\n")  # fmt: skip
    assert runner_commands(log) == ["  ::warning title=a::b", "x ##[error]c", "::notice::shown"]


HOSTILE_CONFIG = """\
version: 1
filelists:
  - path: "-o.tsv"
    include: ["a/**"]
  - path: "--help.tsv"
    include: ["b/**"]
  - path: "::warning title=X::y.tsv"
    include: ["c/**"]
    schema: general  # the default is no annotation type: the annotations schema refuses it
    defaults:
      - match: "c/**"
        values: {"Annotation type": "other\\n::warning title=V::v"}
"""


def hostile_dataset(repo: Path) -> Path:
    """File lists and files whose names (and a default value) are workflow commands."""
    repo.mkdir(parents=True)
    (repo / ".bia-hooks.yaml").write_text(HOSTILE_CONFIG)
    for name in ("a/x.tif", "b/y.tif", "c/z.tif", "a/n\n::warning title=N::n.tif",
                 "b/##[warning title=L]legacy.tif", "c/::error title=C::c.tif"):  # fmt: skip
        write(repo, name)
    header = "Files\tAnnotation type\tSource image\n"
    (repo / "-o.tsv").write_text(header + "a/x.tif\tother\ti.tif\n")
    (repo / "--help.tsv").write_text(header + "b/y.tif\tother\ti.tif\n")
    (repo / "::warning title=X::y.tsv").write_text(header + "c/z.tif\tother\ti.tif\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "dataset")
    return repo


def test_no_file_name_becomes_a_workflow_command(tmp_path: Path) -> None:
    run = drive(hostile_dataset(tmp_path / "repo"), tmp_path, export_format="tsv")
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    executed = runner_commands(run.result.stdout + run.result.stderr)
    assert executed  # the findings' annotations
    for line in executed:  # each one ours: an annotation whose title is a code or bia-hooks
        name, props = annotation(line)
        assert name in ("error", "warning", "notice") and set(props) <= {"file", "line", "title"}
        assert re.match(r"BIA\d{3} |bia-hooks", props["title"]), line


def annotation(line: str) -> tuple[str, dict[str, str]]:
    """The name and properties of the command in ``line``, as the runner splits them."""
    info = line.lstrip()[2:].split("::", 1)[0]
    name, _, props = info.partition(" ")
    pairs = [p.split("=", 1) for p in props.strip().split(",") if "=" in p]
    return name, {key: value for key, value in pairs}


def test_file_lists_named_like_options_are_exported(tmp_path: Path) -> None:
    run = drive(hostile_dataset(tmp_path / "repo"), tmp_path, export_format="tsv")
    assert (run.out / "-o.tsv").read_text().startswith("Files\tAnnotation type")
    assert (run.out / "--help.tsv").read_text().startswith("Files\tAnnotation type")
    # An artifact cannot hold a name with ':': that list is named, not exported.
    assert not (run.out / "::warning title=X::y.tsv").exists()
    assert "cannot export the file list '::warning title=X::y.tsv'" in run.result.stdout


def test_a_configuration_error_quoting_a_command_stays_text(tmp_path: Path) -> None:
    repo = dataset(tmp_path / "repo", "clean-dataset")
    (repo / ".bia-hooks.yaml").write_text(
        'version: 1\n"x\\n::warning title=K::k\\r##[error]e": 1\n'
    )
    run = drive(repo, tmp_path)
    assert run.result.returncode == 2
    assert "Additional properties are not allowed" in run.result.stdout
    assert runner_commands(run.result.stdout + run.result.stderr) == []


def test_a_bug_in_the_action_is_one_message_and_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bia_hooks import action as driver

    def broken(env: object) -> None:
        raise ValueError("::error::x")

    monkeypatch.setattr(driver, "read_inputs", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        driver.entrypoint()
    assert stopped.value.code == 3
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith(
        "bia-hooks action: internal error (ValueError: :\\x3aerror:\\x3ax); this is a bug in "
    )
    assert len(list((tmp_path / "bia-hooks").glob("crash-*.txt"))) == 1


# --- the whole Action, run by act --------------------------------------------------------------


def stand_ins() -> dict[str, Path]:
    """``--local-repository`` mappings: each action the Action uses, at its pinned commit."""
    return {str(s["uses"]): FIXTURES / str(s["uses"]).split("/")[1].split("@")[0]
            for s in steps() if "uses" in s}  # fmt: skip


def offline_pip_env() -> dict[str, str]:
    """pip settings that install the Action's checkout offline: deps from here, setuptools wheel."""
    import virtualenv.seed.wheels.embed as embedded

    site = [sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    # Only the editable install of this project may be there: a real one would shadow the venv's.
    assert not any((Path(p) / "bia_hooks").is_dir() for p in site)
    assert list(Path(embedded.BUNDLE_FOLDER).glob("setuptools-*.whl"))
    return {
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(site)),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(embedded.BUNDLE_FOLDER),
    }


@dataclass
class ActRun:
    result: subprocess.CompletedProcess[str]
    log: str
    uploads: Path
    standin: Path


def run_act(tmp: Path, hook_repo: tuple[Path, str], repo: Path) -> ActRun:
    """``act push`` in the dataset repository ``repo``: host mode, offline, stand-ins."""
    standin = tmp / "standin"
    home = tmp / "home"  # no ~/.actrc of the user's
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "PIP_"))}  # fmt: skip
    env.update(offline_pip_env(), HOME=str(home), BIA_TEST_PYTHON=sys.executable,
               BIA_TEST_STANDIN_DIR=str(standin))  # fmt: skip
    command = ["act", "push", "-P", "ubuntu-latest=-self-hosted", "--pull=false",
               "--action-offline-mode", "--no-cache-server",
               "--action-cache-path", str(tmp / "act-cache")]  # fmt: skip
    for name, path in {ACTION_NAME: hook_repo[0], **stand_ins()}.items():
        command += ["--local-repository", f"{name}={path}"]
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=600)  # fmt: skip
    return ActRun(result, result.stdout + result.stderr, standin / "upload", standin)


PRINT_OUTPUTS = """\
      - if: always()
        shell: bash
        env:
          ERRORS: ${{ steps.bia.outputs.errors }}
          WARNINGS: ${{ steps.bia.outputs.warnings }}
          ROWS: ${{ steps.bia.outputs.rows }}
          REPORT: ${{ steps.bia.outputs.report }}
          ARTIFACT: ${{ steps.bia.outputs.artifact-name }}
        run: |
          echo "outputs errors=$ERRORS warnings=$WARNINGS rows=$ROWS" \\
            "artifact=$ARTIFACT report=$REPORT"
"""


def outputs_of(log: str) -> dict[str, str]:
    line = next(line for line in log.splitlines() if "| outputs errors=" in line)
    return dict(part.split("=", 1) for part in line.split("| outputs ", 1)[1].split(" "))


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory, hook_repo: tuple[Path, str]) -> ActRun:
    """The documented workflow, as is, on the clean example dataset; its outputs printed."""
    tmp = tmp_path_factory.mktemp("act-clean")
    workflow = WORKFLOW.read_text() + PRINT_OUTPUTS
    return run_act(tmp, hook_repo, dataset(tmp / "repo", "clean-dataset", workflow=workflow))


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory, hook_repo: tuple[Path, str]) -> ActRun:
    """The documented workflow on the broken dataset, kept in the folder ``data``."""
    tmp = tmp_path_factory.mktemp("act-broken")
    uses = "        id: bia\n        with:\n"
    workflow = WORKFLOW.read_text()
    assert workflow.count(uses) == 1
    workflow = workflow.replace(uses, uses + "          root: data\n          retention-days: 7\n")
    repo = dataset(tmp / "repo", "broken-dataset", folder="data", workflow=workflow + PRINT_OUTPUTS)
    return run_act(tmp, hook_repo, repo)


@pytest.fixture(scope="module")
def attest_run(tmp_path_factory: pytest.TempPathFactory, hook_repo: tuple[Path, str]) -> ActRun:
    """The documented workflow with ``attest: true`` and the permissions it needs."""
    tmp = tmp_path_factory.mktemp("act-attest")
    workflow = WORKFLOW.read_text()
    workflow = workflow.replace("          fail-on: error\n", "          attest: true\n")
    workflow = workflow.replace("  contents: read\n", "  contents: read\n  id-token: write\n"
                                "  attestations: write\n")  # fmt: skip
    assert "attest: true" in workflow and "attestations: write" in workflow
    return run_act(tmp, hook_repo, dataset(tmp / "repo", "clean-dataset", workflow=workflow))


def test_act_attest_true_attests_every_file_of_the_artifact(attest_run: ActRun) -> None:
    assert attest_run.result.returncode == 0, attest_run.log
    assert "✅  Success - Main Attest the provenance of the artifact's files" in attest_run.log
    recorded = (attest_run.standin / "attest.txt").read_text().splitlines()
    assert recorded[0].startswith("subject-path=") and recorded[0].endswith(
        "/bia-hooks-artifact/**"
    )
    uploaded = attest_run.uploads / "bia-hooks-bia-hooks-1"
    assert sorted(recorded[1:]) == sorted(
        f"./{p.relative_to(uploaded)}" for p in uploaded.rglob("*") if p.is_file()
    )
    assert "./bia-hooks-upload-plan.md" in recorded and "./annotations/filelist.tsv" in recorded


def test_act_no_attestation_by_default(clean_run: ActRun) -> None:
    assert not (clean_run.standin / "attest.txt").exists()
    plan = clean_run.uploads / "bia-hooks-bia-hooks-1" / "bia-hooks-upload-plan.md"
    assert plan.read_text().startswith("# Upload\n")


def test_act_clean_dataset_passes(clean_run: ActRun) -> None:
    assert clean_run.result.returncode == 0, clean_run.log
    assert "🏁  Job succeeded" in clean_run.log
    assert "Summary - ## ✅ bia-hooks: ready for the BioImage Archive" in clean_run.log
    outputs = outputs_of(clean_run.log)
    assert (outputs["errors"], outputs["warnings"]) == ("0", "0")
    assert outputs["artifact"] == "bia-hooks-bia-hooks-1"  # the default: job id and attempt
    assert outputs["report"].endswith("/bia-hooks-artifact/bia-hooks-report.json")


def test_act_the_action_sets_up_its_own_python_without_touching_the_users(
    clean_run: ActRun,
) -> None:
    recorded = (clean_run.standin / "setup-python.txt").read_text()
    assert "update-environment=false\n" in recorded and "python-version=3.12\n" in recorded
    # pip installed the Action's own checkout into a venv in runner.temp.
    assert re.search(r"::set-output:: python=\S+/tmp/bia-hooks-venv/bin/python", clean_run.log)


def test_act_the_upload_receives_the_report_and_the_summary(clean_run: ActRun) -> None:
    folder = clean_run.uploads / "bia-hooks-bia-hooks-1"
    report = json.loads((folder / "bia-hooks-report.json").read_text())
    assert report["version"] == 1 and report["summary"]["errors"] == 0
    assert (folder / "bia-hooks-summary.md").read_text().startswith("## ✅")
    # The version record of the commit checked (act's checkout: one commit, no tag).
    record = json.loads((folder / "bia-hooks-version.json").read_text())
    assert record["status"] == "unreleased" and record["commit"].startswith(record["version"])


def test_act_the_upload_receives_the_file_list(clean_run: ActRun) -> None:
    assert outputs_of(clean_run.log)["rows"] == "3"
    exported = clean_run.uploads / "bia-hooks-bia-hooks-1" / "annotations" / "filelist.tsv"
    assert exported.read_text().startswith("Files\t")


def test_act_broken_dataset_fails_the_job_after_the_upload(broken_run: ActRun) -> None:
    assert broken_run.result.returncode != 0
    assert "🏁  Job failed" in broken_run.log
    log = broken_run.log
    uploaded = log.index("✅  Success - Main Upload the file lists and the report")
    failed = log.index("❌  Failure - Main Fail on findings (fail-on)")
    assert uploaded < failed
    folder = broken_run.uploads / "bia-hooks-bia-hooks-1"
    report = json.loads((folder / "bia-hooks-report.json").read_text())
    assert report["summary"]["errors"] >= 1
    # The report's paths are from the root of the upload, data/, as the archive will see them.
    assert "annotations/masks/plate1_A01#1_mask.tif" in {f["path"] for f in report["findings"]}
    recorded = (broken_run.standin / "upload-artifact-bia-hooks-bia-hooks-1.txt").read_text()
    assert "retention-days=7\n" in recorded


def test_act_broken_dataset_annotates_the_files_in_their_folder(broken_run: ActRun) -> None:
    assert (
        "::error file=data/annotations/masks/plate1_A01#1_mask.tif,title=BIA101 " in broken_run.log
    )
    assert (
        "::warning file=data/annotations/masks/plate1_A02 mask.tif,title=BIA103 " in broken_run.log
    )
    assert "Summary - ## ❌ bia-hooks: " in broken_run.log
    outputs = outputs_of(broken_run.log)
    assert int(outputs["errors"]) >= 1


def test_the_package_holds_the_version_record_and_the_page_tab(tmp_path: Path) -> None:
    """A tagged commit with a study.yaml: the artifact is the submission package."""
    from datetime import date, timedelta

    from tests.test_study import COMPLETE

    repo = dataset(tmp_path / "repo", "clean-dataset")
    study = COMPLETE.split("annotations:\n")[0].replace(
        "release_date: 2026-09-01", f"release_date: {date.today() + timedelta(days=30)}"
    )
    study += (
        "annotations:\n  - title: Nuclei masks and points\n"
        "    file_list: annotations/filelist.tsv\n"
        "    types: [segmentation_mask, point_annotations]\n"
        "    overview: Masks and points of nuclei\n    method: Drawn in napari\n"
        "    criteria: In focus\n    coverage: Every image\n    confidence: High\n"
    )
    (repo / "study.yaml").write_text(study)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "study")
    git(repo, "tag", "v1")
    run = drive(repo, tmp_path)
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    record = json.loads((run.out / "bia-hooks-version.json").read_text())
    assert (record["version"], record["status"]) == ("v1", "released")
    package = run.out / "submission"
    pagetab = json.loads((package / "pagetab.json").read_text())
    assert pagetab["section"]["type"] == "Study"
    assert (package / "annotations" / "filelist.tsv").is_file()
    assert json.loads((package / "version.json").read_text())["version"] == "v1"
