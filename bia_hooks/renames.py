"""Plan renames that make names safe: pure, so the plan can be shown before anything moves."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bia_hooks import pathrule
from bia_hooks.names import NameSettings, with_folders

# Codes whose fix is a new name (the rest need a person: collisions, junk files).
RENAMED_CODES = frozenset({"BIA101", "BIA102", "BIA104", "BIA105", "BIA109", "BIA111"})


def safe_name(path: str, settings: NameSettings) -> str:
    new = pathrule.sanitize_path(path)
    if settings.spaces == "error":
        new = new.replace(" ", "_")
    return new


def plan_renames(
    paths: Iterable[str], everything: Collection[str], settings: NameSettings
) -> list[tuple[str, str]]:
    """(old, new) for each path that needs a new name; no new name is taken or planned twice."""
    taken = with_folders(everything)
    plan = []
    for path in paths:
        target = safe_name(path, settings)
        if target == path:
            continue
        new = pathrule.suggest_path(target, lambda p: p in taken)
        taken.update(with_folders([new]))
        plan.append((path, new))
    return plan
