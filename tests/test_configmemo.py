"""A configuration validated once is remembered (configmemo.py): the hooks' next calls import no
YAML or jsonschema; any other text is validated again, with the same message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, git, run_cli, write

from bia_hooks import configmemo

CONFIG = "names:\n  spaces: error\nfilelists:\n  - path: list.tsv\n    include: ['data/**']\n"
INVALID = "names:\n  spaces: sometimes\n"
HEAVY = ("jsonschema", "yaml", "openpyxl", "pandas", "pyarrow", "tqdm")


@pytest.fixture
def dataset(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    write(repo, "data/a.tif", "data/b c.tif")
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    git(repo, "add", "-A")
    return repo


def _imported_modules(repo: Path, *args: str, module: bool = True, site: bool = True) -> set[str]:
    """The modules ``bia-hooks ARGS`` imports (``python3 -X importtime``); ``module=False``: those
    ``python3 ARGS`` imports; ``site=False``: without the site-packages' start-up files (``-S``),
    which may import anything."""
    flags = [
        "-X",
        "importtime",
        *([] if site else ["-S"]),
        *(["-m", "bia_hooks"] if module else []),
    ]
    done = subprocess.run(
        [sys.executable, *flags, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT)),
    )
    lines = [line.rpartition("|")[2] for line in done.stderr.splitlines() if "|" in line]
    return {line.strip() for line in lines}


def _imported(repo: Path, *args: str) -> set[str]:
    """The top-level modules ``bia-hooks ARGS`` imports."""
    return {module.partition(".")[0] for module in _imported_modules(repo, *args)}


def test_the_second_call_imports_no_yaml_or_jsonschema(dataset: Path) -> None:
    first = _imported(dataset, "check-names", "data/a.tif")
    assert {"jsonschema", "yaml"} <= first  # validated
    assert len(list(configmemo.folder().iterdir())) == 1
    second = _imported(dataset, "check-names", "data/a.tif")
    assert second.isdisjoint(HEAVY), second & set(HEAVY)
    # The remembered settings are the configuration's: spaces are errors.
    result = run_cli("check-names", "data/b c.tif", cwd=dataset)
    assert result.returncode == 1 and "BIA103" in result.stdout, result.stdout


def test_the_hooks_on_a_tsv_list_import_no_workbook_reader(dataset: Path) -> None:
    (dataset / "list.tsv").write_text("Files\tAnnotation type\ndata/a.tif\tpoints\n")
    git(dataset, "add", "list.tsv")
    hooks = [["sync"], ["validate", "--changed", "list.tsv"]]
    for hook in hooks:  # the first calls remember the configuration
        run_cli(*hook, cwd=dataset)
    for hook in hooks:
        modules = _imported_modules(dataset, *hook)
        assert "bia_hooks.fileids" in modules  # the list was looked at
        xlsx = {"bia_hooks.filelist.xlsx", "bia_hooks.filelist.xlsx_patch", "openpyxl"}
        assert modules.isdisjoint(xlsx), (hook, modules & xlsx)


def test_the_check_names_hook_imports_no_dataclasses_nor_shutil(dataset: Path) -> None:
    """Importing ``dataclasses`` (with ``inspect``) and building its classes cost each hook 20-30
    ms; argparse imports ``shutil`` (zlib, bz2, lzma) unless told the terminal's width."""
    run_cli("check-names", "data/a.tif", cwd=dataset)  # the configuration remembered
    modules = _imported_modules(dataset, "check-names", "data/a.tif", site=False)
    assert "bia_hooks.stagednames" in modules  # the hook's own way, a few paths
    python_alone = _imported_modules(dataset, "-c", "pass", module=False, site=False)
    heavy = {"dataclasses", "inspect", "shutil"}
    assert (modules - python_alone).isdisjoint(heavy), modules & heavy


def test_a_changed_configuration_is_validated_again(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("check-names", "data/a.tif", cwd=dataset).returncode == 0  # remembered
    (dataset / ".bia-hooks.yaml").write_text(INVALID)
    edited = run_cli("check-names", "data/a.tif", cwd=dataset)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    fresh = run_cli("check-names", "data/a.tif", cwd=dataset)
    assert edited.returncode == fresh.returncode == 2
    assert "names.spaces" in edited.stderr
    assert edited.stderr == fresh.stderr
    assert edited.stdout == fresh.stdout


@pytest.mark.parametrize("cache", ["a file", "garbage memos"])
def test_a_cache_that_cannot_be_used_is_no_error(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    folder = tmp_path / "cache"
    if cache == "a file":  # the cache folder cannot be made
        folder.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    if cache == "garbage memos":
        assert run_cli("check-names", "data/a.tif", cwd=dataset).returncode == 0
        for memo in configmemo.folder().iterdir():
            memo.write_text("[not the settings")
    for _ in range(2):
        result = run_cli("check-names", "data/b c.tif", cwd=dataset)
        assert result.returncode == 1 and "BIA103" in result.stdout, result.stdout + result.stderr
        assert result.stderr == ""
    (dataset / ".bia-hooks.yaml").write_text(INVALID)
    result = run_cli("check-names", "data/a.tif", cwd=dataset)
    assert result.returncode == 2 and "names.spaces" in result.stderr
