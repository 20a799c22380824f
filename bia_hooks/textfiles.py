"""Reading the user's small text files (configuration, schemas, reports): one clear message for
each way it can fail, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bia_hooks import limits
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


def load_yaml(text: str | bytes, loader: Any) -> Any:
    """YAML loaded by ``loader`` (a safe one) within the limits, which are checked on the
    parser's events before anything is built: at most NESTING collections deep (deeper, the
    C loader overflows the stack), at most YAML_NODES values once aliases are expanded (a
    393-byte alias bomb expands to gigabytes in whatever walks it), no alias inside its own
    anchor. Raises yaml.YAMLError, LimitExceeded, or ValueError (and TypeError, ...) when a
    tagged value cannot be built (``!!int abc``, a date 2024-13-45)."""
    import yaml

    _within_limits(yaml.parse(text, Loader=loader))
    return yaml.load(text, Loader=loader)


def _within_limits(events: Iterable[Any]) -> None:
    import yaml

    expanded: dict[str, int] = {}  # anchor -> how many values its collection expands to
    open_: list[list[Any]] = [[0, None]]  # [values so far, anchor] per open collection
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_) > limits.NESTING:
                raise limits.exceeded(
                    "collections nested too deep",
                    limits.NESTING,
                    "levels",
                    "a configuration or a schema nests a dozen deep at most",
                )
            open_.append([1, event.anchor])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            count, anchor = open_.pop()
        elif isinstance(event, yaml.ScalarEvent):
            count, anchor = 1, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            if any(event.anchor == a for _, a in open_):
                raise limits.LimitExceeded(
                    f"the alias *{event.anchor} is inside the "
                    f"collection &{event.anchor} names: it never ends"
                )
            count, anchor = expanded.get(event.anchor or "", 1), None
        else:
            continue
        if anchor is not None:
            expanded[anchor] = count
        open_[-1][0] += count
        if open_[-1][0] > limits.YAML_NODES:
            raise limits.exceeded(
                "its aliases (*name) expand it to more values",
                limits.YAML_NODES,
                "values",
                "a configuration holds a few hundred",
            )


def parse_yaml(text: str, name: str) -> Any:
    import yaml

    try:
        return load_yaml(text, yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise UsageError(f"{name}{at}: not valid YAML: {problem}") from None
    except limits.LimitExceeded as e:
        raise UsageError(f"{name}: {e.message}") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as e:
        # yaml's constructors on a value they cannot build: !!int abc, a date 2024-13-45, ...
        raise UsageError(f"{name}: a value YAML cannot read: {e}") from None


def parse_json(text: str, name: str, what: str = "valid JSON") -> Any:
    if limits.json_nesting_over(text.encode("utf-8", "surrogatepass")):
        raise UsageError(
            f"{name}: arrays and objects nested more than {limits.NESTING} deep: bia-hooks reads "
            f"at most {limits.NESTING} levels"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{name}:{e.lineno}:{e.colno}: not {what}: {e.msg}") from None
    except ValueError as e:  # an integer longer than Python reads (4,300 digits)
        raise UsageError(f"{name}: not {what}: {e}") from None
