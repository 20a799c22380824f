"""The names check of a few paths from HEAD's tree and the staged change (``stagednames``) says
what the full listing says, over random commits and staged changes; and the sync of the same
commit reuses the staged change it asked git for."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from conftest import git
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_namescope import NAMES

from bia_hooks import namescope, stagednames, verified
from bia_hooks.config import load_config
from bia_hooks.pathrule import fold

# The names that collide (namescope's) among plain ones, as a dataset has them.
PLAIN = ["m1.tif", "m2.tif", "m3.tif", "sub", "imgs", "n.csv"]
names = st.sampled_from(NAMES + PLAIN * 4)
paths = st.lists(st.lists(names, min_size=1, max_size=3).map("/".join),
                 min_size=1, max_size=10, unique_by=fold)  # fmt: skip
TAKEN: list[bool] = []


def _write(root: Path, files: list[str]) -> list[str]:
    """Write what can be written (a name already a file or a folder is skipped)."""
    written = []
    for path in files:
        target = root / path
        above = [target.parents[i] for i in range(len(Path(path).parts) - 1)]
        if os.path.lexists(target) or any(os.path.lexists(a) and not a.is_dir() for a in above):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x")
        written.append(path)
    return written


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)  # the same examples each run: the share taken below is steady
@given(committed=paths, added=paths, data=st.data(), sub=st.booleans())
def _staged_names_say_what_the_full_listing_says(
    committed: list[str], added: list[str], data: st.DataObject, sub: bool
) -> None:
    base = Path(tempfile.mkdtemp())
    try:
        repo = base / "repo"
        root = repo / "ds" if sub else repo
        root.mkdir(parents=True)
        git(repo, "init", "-q")
        first = _write(root, committed)
        (repo / "outside").mkdir()
        (repo / "outside" / "Data").write_text("x")  # outside the dataset (``sub``)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "first", "--allow-empty")
        config = load_config(root)
        for _ in range(2):  # the second commit's hook finds a proved tree moved on
            gone = data.draw(st.lists(st.sampled_from(first), unique=True)) if first else []
            for path in gone:
                git(root, "rm", "-q", "--cached", "--", path)
            new = _write(root, added)
            git(repo, "add", "--", *[str(root / p) for p in new]) if new else None
            staged = new + [p for p in first if p not in gone]
            extra = data.draw(st.lists(names, max_size=2))
            folders = sorted({p.rpartition("/")[0] for p in staged + gone if "/" in p})
            choices = staged + gone + folders + extra + ["outside/x"]
            given_paths = data.draw(st.lists(st.sampled_from(choices), min_size=1, max_size=4,
                                             unique=True))  # fmt: skip
            expected = namescope.full_names_check(config, given_paths)
            quick = stagednames.staged_names_check(config, given_paths)
            TAKEN.append(quick is not None)
            assert quick in (None, expected)
            assert namescope.names_check(config, given_paths) == expected
            git(repo, "commit", "-qm", "next", "--allow-empty")
            first = staged
    finally:
        shutil.rmtree(base)


def test_staged_names_say_what_the_full_listing_says() -> None:
    TAKEN.clear()
    _staged_names_say_what_the_full_listing_says()
    # Twins (most of NAMES has one), folders and DVC go to namescope: the staged way must still
    # answer a good part.
    assert sum(TAKEN) >= 0.25 * len(TAKEN), f"{sum(TAKEN)} of {len(TAKEN)}"


def test_the_sync_reuses_the_staged_change_the_names_check_read(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    (repo / "masks").mkdir()
    (repo / "masks" / "a.tif").write_text("a")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    (repo / "masks" / "b.tif").write_text("b")
    git(repo, "add", "masks/b.tif")
    config = load_config(repo)
    findings, names = namescope.names_check(config, ["masks/b.tif"])
    assert (findings, names) == ([], 1)
    base = verified.head_tree(repo)
    assert base is not None
    with mock.patch.object(verified, "git", wraps=verified.git) as asked:
        delta = verified.index_delta(repo, base)
    assert delta is not None and list(delta) == ["masks/b.tif"]
    assert not any(c.args[1] == "diff-index" for c in asked.call_args_list)  # remembered
    (repo / "masks" / "c.tif").write_text("c")
    git(repo, "add", "masks/c.tif")  # another index: asked of git again
    with mock.patch.object(verified, "git", wraps=verified.git) as asked:
        delta = verified.index_delta(repo, base)
    assert delta is not None and sorted(delta) == ["masks/b.tif", "masks/c.tif"]
    assert any(c.args[1] == "diff-index" for c in asked.call_args_list)


def test_a_tree_with_dvc_files_is_left_to_the_full_listing(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q")
    (repo / "x.tif.dvc").write_text("outs:\n- md5: " + "a" * 32 + "\n  path: x.tif\n")
    (repo / "a.tif").write_text("a")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    (repo / "b.tif").write_text("b")
    git(repo, "add", "b.tif")
    assert stagednames.staged_names_check(load_config(repo), ["b.tif"]) is None
