"""The submission package ``bia-hooks export --submission OUT/`` writes: what the archive needs
besides the data, built from the repository and checked.

    OUT/pagetab.json       the study, page-tab JSON: its File List attributes name the .json lists
    OUT/pagetab.tsv        the same, page-tab TSV: naming the .tsv lists
    OUT/LIST.json, .tsv    each annotation section's file list, at its path from the dataset root
                           (paths in a file list resolve from the root of the upload), written as
                           the archive reads it
    OUT/version.json       the version record (``version_record``)

Everything is built in memory first; then each file is written atomically. The package is the
whole folder: a folder holding other files is refused, so that nothing stale travels with it.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bia_hooks.atomic import write_atomic
from bia_hooks.errors import UsageError
from bia_hooks.filelist.table import Table

PAGETAB_JSON = "pagetab.json"
PAGETAB_TSV = "pagetab.tsv"
VERSION_FILE = "version.json"


def version_record(root: Path) -> dict[str, Any] | None:
    """The version record that goes with the package as version.json (version, timestamp,
    previous version, changes: the MIFA model's version fields).

    The package is built from the files here: when they are those of the last commit (a CI
    checkout, a clean repository), the record is the commit's (its tag, if any); otherwise it is
    the staged state's, "unreleased".
    """
    from bia_hooks import versions
    from bia_hooks.gitcmd import git, has_commit, is_git_work_tree

    if not (is_git_work_tree(root) and has_commit(root, "HEAD")):
        return dict(versions.version_record(root))
    if git(root, "diff", "--quiet", "HEAD", "--", ".", check=False).returncode == 0:
        return dict(versions.version_record(root, "HEAD"))
    record = dict(versions.version_record(root, None))
    if git(root, "diff", "--quiet", "--", ".", check=False).returncode != 0:
        # Files edited and not staged went into the package: the record must not claim the
        # staged state; its changes are those up to what is staged.
        record["version"] = str(record["version"]).replace("+staged", "+modified")
    return record


def _stem(path: str) -> str:
    return path.rsplit(".", 1)[0]


def package_files(
    study: Mapping[str, Any], tables: Mapping[str, Table], version: Mapping[str, Any] | None
) -> dict[str, bytes]:
    """Every file of the package, by its name in OUT/; ``tables`` holds each section's file list
    as the archive reads it, by its path in the dataset."""
    from bia_hooks.filelist.writers import json_text, tsv_text
    from bia_hooks.pagetab import pagetab
    from bia_hooks.pagetab import tsv_text as pagetab_tsv

    files: dict[str, bytes] = {}

    def add(name: str, data: str, source: str) -> None:
        if name in files:
            raise UsageError(
                f"{source}: the package would hold two files named {name}; rename one of the "
                "file lists (a.tsv and a.xlsx both become a.json and a.tsv)"
            )
        files[name] = data.encode("utf-8")

    as_json = pagetab(study, lambda path: _stem(path) + ".json")
    add(PAGETAB_JSON, json.dumps(as_json, indent=2, ensure_ascii=False) + "\n", "study.yaml")
    add(PAGETAB_TSV, pagetab_tsv(pagetab(study, lambda path: _stem(path) + ".tsv")), "study.yaml")
    if version is not None:
        add(VERSION_FILE, json.dumps(version, indent=2, ensure_ascii=False) + "\n", "version")
    for path, table in tables.items():
        add(_stem(path) + ".json", json_text(table), path)
        try:
            add(_stem(path) + ".tsv", tsv_text(table), path)
        except UsageError as e:
            raise UsageError(f"{path}: {e}") from None
    return files


def write_package(out: Path, files: Mapping[str, bytes]) -> None:
    """Write the package into OUT/, a new or empty folder, or one holding a package of the same
    files (an export run again)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--submission {out}: not a folder")
    stale = sorted(set(_files_in(out)) - set(files)) if out.is_dir() else []
    if stale:
        shown = ", ".join(stale[:3]) + (f" and {len(stale) - 3:,} more" if len(stale) > 3 else "")
        raise UsageError(
            f"--submission {out}: the folder holds files this package does not ({shown}); give "
            "an empty or new folder, so that nothing else travels with the package. Nothing "
            "was written."
        )
    for name, data in files.items():
        write_atomic(out / name, data)


def _files_in(folder: Path) -> list[str]:
    found = []
    for top, _dirs, names in os.walk(folder):
        rel = os.path.relpath(top, folder)
        found += [posixpath.normpath(posixpath.join(rel.replace(os.sep, "/"), n)) for n in names]
    return found
