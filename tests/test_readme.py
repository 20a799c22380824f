"""The README is the user's manual: it must say what the code does, and nothing else."""

from __future__ import annotations

import re
import shlex

import yaml

from bia_hooks.cli import SUBCOMMANDS
from bia_hooks.codes import CODES
from tests.conftest import PROJECT, run_cli

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_every_hook_is_documented() -> None:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks if f"`{h['id']}`" not in README] == []


def test_every_subcommand_is_documented() -> None:
    assert [c for c in SUBCOMMANDS if f"`bia-hooks {c}" not in README] == []


def test_every_code_has_a_row_with_its_level_and_kind() -> None:
    rows = {m[0]: m[1:] for m in re.findall(r"^\| (BIA\d{3}) \| (\w+) \| (\w+) \|", README, re.M)}
    assert sorted(rows) == sorted(CODES)
    wrong = {code: rows[code] for code, c in CODES.items()
             if rows[code] != (c.level.value, c.kind.value)}  # fmt: skip
    assert wrong == {}


def test_ci_runs_the_readme_test_command() -> None:
    test_command = fenced_blocks("console")[1].strip()
    assert test_command == 'python3 -m pip install -e ".[test]" && python3 -m pytest'
    ci = (PROJECT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_quick_start_output_is_what_the_example_prints() -> None:
    command = fenced_blocks("console")[0].strip().split(" && ")[1]
    assert command == "bia-hooks check --root examples/broken-dataset"
    result = run_cli(*shlex.split(command)[1:], cwd=PROJECT)
    assert result.returncode == 1
    assert result.stdout == fenced_blocks("text")[0]
