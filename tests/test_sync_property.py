"""Property: for random uploads (lists side by side, files in shared folders) and random edits, a
sync leaves the lists in step, and no value a person typed disappears without being saved."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bia_hooks import rowlog
from bia_hooks.cli import main

FOLDERS = ("images", "masks", "gt")
HEADER = "Files\tAnnotation type\tAnnotator\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def cli(repo: Path, *args: str) -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main([*args, "--root", str(repo), "--format", "json"])
    text = out.getvalue()
    return status, json.loads(text[text.index("{") :])


edits = st.lists(
    st.tuples(st.sampled_from(["delete", "git mv", "mv", "add", "edit+move"]), st.integers(0, 99)),
    max_size=5,
)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    files=st.integers(2, 7),
    lists=st.integers(1, 3),
    seed=st.integers(0, 10**6),
    changes=edits,
)
def test_sync_keeps_lists_in_step_and_every_typed_value(
    files: int, lists: int, seed: int, changes: list[tuple[str, int]]
) -> None:
    rnd = random.Random(seed)
    repo = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        git(repo, "init", "-q")
        paths = sorted({f"{rnd.choice(FOLDERS)}/f{rnd.randrange(40)}.tif" for _ in range(files)})
        names = [f"list{i}.tsv" for i in range(lists)]
        typed: dict[str, str] = {}  # value -> the path it was typed for
        lines: dict[str, list[str]] = {n: [] for n in names}
        for path in paths:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(f"content of {path}\n")
            value = f"typed-{path.replace('/', '-')}"
            typed[value] = path
            lines[rnd.choice(names)].append(f"{path}\tsegmentation_mask\t{value}")
        for name in names:
            (repo / name).write_text(HEADER + "".join(line + "\n" for line in lines[name]))
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "upload")
        present = list(paths)
        untracked: set[str] = set()  # moved without telling git: git mv cannot move these
        for action, n in changes:
            if not present and action != "add":
                continue
            path = present[n % len(present)] if present else ""
            if path in untracked and action in ("git mv", "edit+move"):
                continue
            new = f"{rnd.choice(FOLDERS)}/n{n}-{rnd.randrange(1000)}.tif"
            if (repo / new).exists():
                continue
            (repo / new).parent.mkdir(parents=True, exist_ok=True)
            if action == "delete":
                (repo / path).unlink()
                git(repo, "add", "-u")
                present.remove(path)
            elif action == "git mv":
                git(repo, "mv", path, new)
                present[present.index(path)] = new
            elif action == "mv":  # renamed without telling git: the new name is not added
                os.rename(repo / path, repo / new)
                git(repo, "add", "-u")
                present[present.index(path)] = new
                untracked.add(new)
            elif action == "edit+move":
                (repo / path).write_text("changed entirely " * 40)
                git(repo, "add", path)
                git(repo, "mv", path, new)
                present[present.index(path)] = new
            else:
                (repo / new).write_text(f"new {new}\n")
                git(repo, "add", new)
                present.append(new)
        status, _ = cli(repo, "sync")
        assert status in (0, 1)
        git(repo, "add", "-A")  # the user follows the advice: stage the lists and new files
        cli(repo, "sync")
        git(repo, "add", "-A")
        status, report = cli(repo, "sync", "--check")
        findings = report["findings"]
        assert isinstance(findings, list)
        drift = [f for f in findings if f["code"] in ("BIA420", "BIA421", "BIA422")]
        assert drift == [], drift
        # Every typed value is in a list on disk, or saved where `bia-hooks restore` finds it.
        on_disk = "".join((repo / n).read_text() for n in names)
        saved = {v for row in rowlog.read(repo) for v in row.values.values()}
        for value in typed:
            assert value in on_disk or value in saved, value
    finally:
        shutil.rmtree(repo, ignore_errors=True)
