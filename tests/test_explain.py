"""``bia-hooks explain``: every code explained, from the registry and the README's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bia_hooks.codes import CODES
from bia_hooks.explanations import FIXES, MEANINGS
from tests.conftest import run_cli


def test_every_code_has_a_meaning_and_a_fix() -> None:
    assert sorted(MEANINGS) == sorted(CODES)
    assert sorted(FIXES) == sorted(CODES)


@pytest.mark.parametrize("typed", ["BIA222", "bia222", "222"])
def test_a_code_says_what_why_and_how(tmp_path: Path, typed: str) -> None:
    result = run_cli("explain", typed, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "BIA222: XLSX: number cut to a whole number",
        "  level: error by default (change it under 'severity:' in .bia-hooks.yaml)",
        "  kind: risky: accepted by the archive, but risky",
    ]
    text = " ".join(result.stdout.split())
    assert "What it means: XLSX: a number with decimals (or beyond 2147483647) is cut" in text
    assert "Why it matters: The archive accepts it, but" in text
    assert "How to fix it: Format the cells as Text in Excel" in text
    assert "bia-hooks export LIST --output NEW.xlsx" in text
    assert max(map(len, result.stdout.splitlines())) <= 100


def test_a_server_code_says_the_submission_is_refused(tmp_path: Path) -> None:
    result = run_cli("explain", "BIA101", cwd=tmp_path)
    text = " ".join(result.stdout.split())
    assert "refuses the submission until it is fixed" in text
    assert "pre-commit run bia-fix-names --hook-stage manual" in text


def test_an_unknown_code_names_the_closest(tmp_path: Path) -> None:
    result = run_cli("explain", "BIA10", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("bia-hooks explain: 'BIA10' is no finding code of bia-hooks")
    assert "the closest: BIA101, BIA102, BIA103, BIA104, BIA105" in result.stderr
    assert "the closest: BIA309" in run_cli("explain", "BIA399", cwd=tmp_path).stderr
    assert "Traceback" not in result.stderr


def test_without_a_code_every_code_is_listed(tmp_path: Path) -> None:
    result = run_cli("explain", cwd=tmp_path)
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()[:-1]]
    assert listed == list(CODES)
    assert result.stdout.splitlines()[0].split(None, 3) == [
        "BIA101", "error", "server", "path holds characters the archive refuses"
    ]  # fmt: skip
