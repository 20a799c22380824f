"""Plan renames that make names safe: pure, so the plan can be shown before anything moves."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bia_hooks import pathrule
from bia_hooks.names import NameSettings

# Codes whose fix is a new name (the rest need a person: collisions, junk files). BIA103 (spaces)
# is renamed only when the configuration makes spaces an error.
RENAMED_CODES = frozenset({"BIA101", "BIA102", "BIA104", "BIA105", "BIA108", "BIA109", "BIA111"})


def renamed_codes(settings: NameSettings) -> frozenset[str]:
    """The codes fix-names renames for, under these settings."""
    return (RENAMED_CODES | {"BIA103"}) if settings.spaces == "error" else RENAMED_CODES


def safe_name(path: str, settings: NameSettings) -> str:
    return pathrule.sanitize_path(path, no_spaces=settings.spaces == "error")


def plan_renames(
    paths: Iterable[str], everything: Collection[str], settings: NameSettings
) -> list[tuple[str, str]]:
    """(old, new) for each path that needs a new name. No new name is an existing file or folder,
    equal to one but for case, inside a path that is a file, or planned twice."""
    paths = list(paths)
    taken = pathrule.Taken(everything, paths)
    plan = []
    for path in paths:
        if safe_name(path, settings) == path:
            continue
        new = pathrule.suggest_path(path, taken, no_spaces=settings.spaces == "error")
        taken.add(new)
        plan.append((path, new))
    return plan
