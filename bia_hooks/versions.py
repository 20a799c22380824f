"""The dataset's version record, from its git history: the MIFA model's version fields (version,
timestamp, changes, previous_version: bia-mifa-models ``Version``; domain.md §4), which every
export and the Action's artifact carry.

``make_record`` is pure; ``version_record`` reads git.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from bia_hooks import diffreport
from bia_hooks.config import Config, load_config
from bia_hooks.gitcmd import git, has_commit, is_git_work_tree
from bia_hooks.listdiff import DatasetDiff

__all__ = ["RECORD_VERSION", "make_record", "version_record"]

RECORD_VERSION = 1  # the record's "record_version": raised when a field changes meaning or goes

Status = Literal["released", "unreleased", "unversioned"]


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC, to the second: ``2026-03-01T12:00:00Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_record(
    version: str,
    status: Status,
    timestamp: str,
    commit: str | None = None,
    previous: str | None = None,
    diff: DatasetDiff | None = None,
) -> dict[str, object]:
    """The record (see ``version_record``) from what git said; ``diff``: the changes since
    ``previous`` (or since nothing: the first version)."""
    changes: str | None = None
    summary: dict[str, int] | None = None
    if diff is not None:
        heading = f"Changes since {previous}" if previous else "First version"
        changes = diffreport.to_markdown(diff, heading)
        summary = diff.counts()
    return {
        "record_version": RECORD_VERSION,
        "version": version,
        "status": status,
        "timestamp": timestamp,
        "previous_version": previous,
        "changes": changes,
        "changes_summary": summary,
        "commit": commit,
    }


def version_record(
    root: Path, rev: str | None = "HEAD", config: Config | None = None
) -> dict[str, object]:
    """The version record of the dataset at ``root`` at revision ``rev`` (a tag, branch or commit;
    None: the git index, what the next commit records). Its JSON shape::

        {
          "record_version": 1,
          "version": "v2",                   # the tag at rev; else the short commit id
                                             # ("3f2a9c1"; the index: "3f2a9c1+staged");
                                             # outside git, or before the first commit:
                                             # "unversioned"
          "status": "released",              # "released" (tagged), "unreleased", "unversioned"
          "timestamp": "2026-03-01T12:00:00Z",  # the commit's date, ISO 8601 UTC; the index,
                                                # or unversioned: now
          "previous_version": "v1",          # the previous tag reachable from rev, or null
          "changes": "Changes since v1:\\n\\n- ...",  # Markdown for the archive's "changes"
                                             # field (diffreport.to_markdown), or null when
                                             # unversioned
          "changes_summary": {"filelists": 1, "rows_added": 2, "rows_removed": 1,
                              "rows_renamed": 1, "rows_changed": 3, "files_changed": 2},
                                             # or null when unversioned
          "commit": "3f2a9c1...",            # the full commit id, or null (index, unversioned)
        }

    ``version``, ``timestamp``, ``changes`` and ``previous_version`` are the MIFA model's version
    fields. Without a previous tag, ``changes`` describes the whole dataset ("First version"); in
    a shallow clone without one, it says that the history is not there (``SHALLOW``), and
    ``changes_summary`` is null.
    A UsageError when ``rev`` names no commit (in a repository that has commits).
    """
    from bia_hooks import revdiff

    if not is_git_work_tree(root) or not has_commit(root, "HEAD"):
        if rev not in ("HEAD", None) and is_git_work_tree(root):
            revdiff.commit_of(root, rev)  # says that it names no commit
        return make_record("unversioned", "unversioned", iso_utc(datetime.now(timezone.utc)))
    config = config or load_config(root)
    if rev is None:
        head = revdiff.commit_of(root, "HEAD")
        previous = _tag(root, "describe", "--tags", "--abbrev=0", head)
        version = f"{_short(root, head)}+staged"
        timestamp = iso_utc(datetime.now(timezone.utc))
        commit = None
        status: Status = "unreleased"
    else:
        commit = revdiff.commit_of(root, rev)
        tag = _tag(root, "describe", "--tags", "--exact-match", commit)
        previous = _tag(root, "describe", "--tags", "--abbrev=0", f"{commit}^" if tag else commit)
        version, status = (tag, "released") if tag else (_short(root, commit), "unreleased")
        seconds = git(root, "log", "-1", "--format=%ct", commit).stdout.decode().strip()
        timestamp = iso_utc(datetime.fromtimestamp(int(seconds), timezone.utc))
    if previous is None and _shallow(root):
        # The tags and commits before this one may be missing here: "First version" would lie.
        record = make_record(version, status, timestamp, commit)
        record["changes"] = SHALLOW
        return record
    base = (
        revdiff.commit_of(root, f"refs/tags/{previous}") if previous else revdiff.empty_tree(root)
    )
    diff = revdiff.diff_versions(config, base, commit, previous or "nothing", version)
    return make_record(version, status, timestamp, commit, previous, diff)


SHALLOW = (
    "The history before this version is not in this clone (a shallow clone), so the changes "
    "since the previous version are unknown: fetch the whole history and the tags (in GitHub "
    "Actions: actions/checkout with fetch-depth: 0)."
)


def _shallow(root: Path) -> bool:
    done = git(root, "rev-parse", "--is-shallow-repository", check=False)
    return done.stdout.strip() == b"true"


def _tag(root: Path, *describe: str) -> str | None:
    """The tag ``git describe`` names, or None (no tag; a root commit has no ``^``)."""
    done = git(root, *describe, check=False)
    name = done.stdout.decode("utf-8", "surrogateescape").strip()
    return name if done.returncode == 0 and name else None


def _short(root: Path, commit: str) -> str:
    return git(root, "rev-parse", "--short", commit).stdout.decode().strip()
