"""The JSON schemas shipped inside the package, read with importlib.resources."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    text = (
        resources.files("bia_hooks").joinpath("schemas").joinpath(name).read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
