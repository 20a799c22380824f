"""The README is the user's manual: it must say what the code does, and nothing else."""

from __future__ import annotations

import re
import shlex

import yaml

from bia_hooks.cli import SUBCOMMANDS
from bia_hooks.codes import CODES
from bia_hooks.explanations import MEANINGS
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


def test_explain_says_what_the_readme_says() -> None:
    """One story: ``bia-hooks explain`` prints the meaning the README's table gives each code."""
    rows = dict(re.findall(r"^\| (BIA\d{3}) \| \w+ \| \w+ \| (.*) \|$", README, re.M))
    assert {c: m for c, m in MEANINGS.items() if rows.get(c) != m} == {}


def quick_start() -> list[str]:
    """The console blocks of the quick start, in order."""
    section = README[README.index("## Quick start") : README.index("### Start on your own")]
    return re.findall(r"```console\n(.*?)```", section, flags=re.DOTALL)


def test_the_quick_start_works_on_a_system_python_that_refuses_pip() -> None:
    """PEP 668: current Debian and Ubuntu refuse ``pip install`` outside a virtual environment,
    so the quick start clones, makes one and activates it before the first pip command."""
    setup, check, tests = quick_start()
    assert setup.splitlines() == [
        "git clone https://github.com/bia-hooks/bia-hooks && cd bia-hooks",
        "python3 -m venv .venv && . .venv/bin/activate",
    ]
    assert "sudo apt install git python3-venv" in README
    assert check.startswith("python3 -m pip install . && ")
    assert tests.startswith("python3 -m pip install -e")


def test_the_pinned_rev_is_one_pre_commit_autoupdate_replaces() -> None:
    """No release is tagged yet: the README pins no tag that does not exist."""
    (config,) = [b for b in fenced_blocks("yaml") if "bia-check-names" in b]
    assert "rev: PIN-ME  # run 'pre-commit autoupdate' to pin the newest bia-hooks" in config
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert sorted(h["id"] for h in yaml.safe_load(config)["repos"][0]["hooks"]) == sorted(
        h["id"] for h in hooks
    )


def test_ci_runs_the_readme_test_command() -> None:
    test_command = quick_start()[2].strip()
    assert test_command == 'python3 -m pip install -e ".[test]" && python3 -m pytest'
    ci = (PROJECT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_quick_start_output_is_what_the_example_prints() -> None:
    command = quick_start()[1].strip().split(" && ")[1]
    assert command == "bia-hooks check --root examples/broken-dataset"
    result = run_cli(*shlex.split(command)[1:], cwd=PROJECT)
    assert result.returncode == 1
    assert result.stdout == fenced_blocks("text")[0]
