"""Configurations already validated, remembered in the user's cache folder.

Validating a .bia-hooks.yaml imports PyYAML and jsonschema and costs about 0.1 s, on every hook
call; the text rarely changes. A configuration whose exact text was read and validated before,
by this version of bia-hooks against this schema, is taken from the settings remembered then:
its SHA-256 (with the version's and the schema's) names a JSON file holding them. A memo that
cannot be read or written is no error: the configuration is validated as if there were none.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from bia_hooks import __version__

_SCHEMA = Path(__file__).with_name("schemas") / "config.v1.schema.json"


def folder() -> Path:
    """Where the memos are: the user's cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    from bia_hooks.userdirs import cache_folder

    return cache_folder() / "configs"


def recall(text: str) -> dict[str, Any] | None:
    """The settings of a configuration with this text, validated before; None if unknown."""
    memo = _memo(text)
    if memo is None:
        return None
    from bia_hooks.atomic import load_remembered

    data = load_remembered(memo)
    return data if isinstance(data, dict) else None


def remember(text: str, data: dict[str, Any]) -> None:
    """Remember that the configuration with this text is valid, and its settings ``data``;
    settings JSON would not give back the same (a YAML date) are not remembered."""
    from bia_hooks.atomic import write_remembered

    memo = _memo(text)
    try:
        dumped = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if memo is None or json.loads(dumped) != data:
            return
        memo.parent.mkdir(parents=True, exist_ok=True)
        write_remembered(memo, dumped.encode())
    except (OSError, TypeError, ValueError):
        return


def _memo(text: str) -> Path | None:
    """The memo's file: named by the configuration's text, the version and the schema."""
    try:
        schema = _SCHEMA.read_bytes()
    except OSError:
        return None  # not installed as files: nothing to key the memo with
    key = hashlib.sha256()
    for part in (__version__.encode(), schema, text.encode("utf-8", "surrogatepass")):
        key.update(hashlib.sha256(part).digest())
    return folder() / f"{key.hexdigest()}.json"
