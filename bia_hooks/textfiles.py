"""Reading the user's small text files (configuration, schemas, reports): one clear message for
each way it can fail, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bia_hooks.errors import UsageError


def read_text(
    file: Path, what: str, shown: str | None = None, missing: str = "no such file"
) -> str:
    """The file's UTF-8 text; ``what`` says what it is, ``shown`` how to name it (default: file)."""
    name = shown or str(file)
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{name}: {missing}") from None
    except OSError as e:
        raise UsageError(f"{name}: cannot read the {what}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: the {what} is not UTF-8 text") from None


def parse_yaml(text: str, name: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise UsageError(f"{name}{at}: not valid YAML: {problem}") from None


def parse_json(text: str, name: str, what: str = "valid JSON") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{name}:{e.lineno}:{e.colno}: not {what}: {e.msg}") from None
