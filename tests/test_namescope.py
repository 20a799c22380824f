"""check-names on a few paths reads part of the index (namescope.py): its findings must be the
full listing's, in the same order, for every repository."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from conftest import git, run_cli, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bia_hooks import namescope
from bia_hooks.config import load_config
from bia_hooks.pathrule import fold

# Names that collide with each other by letter case or Unicode form, junk, lock files, leftovers,
# objects and DVC files: the cases where a part of the index could miss what the whole one has.
NAMES = [
    "data", "Data", "DATA", "daTa", "a", "A", "b", "masks", "maſks", "MASKS", "Straße",
    "strasse", "STRASSE", "\u212aey", "key", "ﬁle", "FILE", "a b", "x#y",
    "s.zarr", "S.zarr", ".DS_Store", "~$doc.xlsx", "doc.xlsx", ".~lock.doc.xlsx#",
    "f.tif.bia-tmp", "f.tif", "F.TIF", "caf\u00e9", "cafe\u0301", "x.dvc",
]  # fmt: skip
# Given paths that are not ASCII, and DVC, send the check to the full listing: rarer, so that
# most examples take the part of the index.
paths = st.lists(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3).map("/".join),
                 min_size=1, max_size=12, unique_by=fold)  # fmt: skip


def _make_repo(base: Path, files: list[str], annexed: list[bool], dvc: bool, sub: bool) -> Path:
    repo = base / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    root = repo / "ds" if sub else repo
    for path, annex in zip(files, annexed, strict=True):
        target = root / path
        above = [target.parents[i] for i in range(len(Path(path).parts) - 1)]
        if os.path.lexists(target) or any(
            os.path.lexists(a) and (a.is_symlink() or not a.is_dir()) for a in above
        ):
            continue  # a file already holds this name or a folder's
        target.parent.mkdir(parents=True, exist_ok=True)
        if annex:  # a locked git-annex file: a symlink into the annex, content absent
            os.symlink(".git/annex/objects/Xx/Yy/SHA256E-s1--k/SHA256E-s1--k", target)
        elif path.endswith(".dvc"):
            target.write_text("outs:\n- md5: " + "a" * 32 + f"\n  path: {path[:-4]}\n")
        else:
            target.write_text("x")
    if dvc:
        (root / "tracked.dvc").write_text("outs:\n- md5: " + "b" * 32 + "\n  path: Data\n")
    write(repo, "outside/Data")  # a file of the repository outside the dataset (``sub``)
    git(repo, "add", "-A")
    return root


TAKEN: list[bool] = []  # per example: did names_check answer from the part of the index?


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=paths,
    data=st.data(),
    dvc=st.sampled_from([False] * 5 + [True]),
    sub=st.booleans(),
)
def _a_few_paths_give_the_full_listings_findings(
    files: list[str], data: st.DataObject, dvc: bool, sub: bool
) -> None:
    annexed = data.draw(st.lists(st.booleans(), min_size=len(files), max_size=len(files)))
    extra = data.draw(st.lists(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3)
                               .map("/".join), max_size=3))  # fmt: skip
    base = Path(tempfile.mkdtemp())
    try:
        root = _make_repo(base, files, annexed, dvc, sub)
        present = [p for p in files if (root / p).exists() or (root / p).is_symlink()]
        folders = sorted({p.rpartition("/")[0] for p in present if "/" in p})
        given_paths = data.draw(
            st.lists(
                st.sampled_from(present + folders + extra + ["outside/x"]),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        config = load_config(root)
        expected = namescope.full_names_check(config, given_paths)
        with mock.patch.object(namescope, "full_names_check", wraps=namescope.full_names_check):
            assert namescope.names_check(config, given_paths) == expected
            TAKEN.append(not namescope.full_names_check.called)  # type: ignore[attr-defined]
    finally:
        shutil.rmtree(base)


def test_a_few_paths_give_the_full_listings_findings() -> None:
    TAKEN.clear()
    _a_few_paths_give_the_full_listings_findings()
    # DVC (about a third of the examples, with the 'x.dvc' files) goes through the full listing:
    # most examples must test the part of the index.
    assert sum(TAKEN) >= 0.5 * len(TAKEN), f"{sum(TAKEN)} of {len(TAKEN)}"


def test_a_suggested_name_is_compared_with_the_folder_it_goes_to(repo: Path) -> None:
    # 'my data/x y.tif' becomes 'my_data/x_y.tif': 'my_data/x_y.tif' is taken (by case), so the
    # suggestion is numbered, which only a second read of the index can know.
    write(repo, "my data/x y.tif", "My_Data/X_Y.tif")
    git(repo, "add", "-A")
    config = load_config(repo)
    given_paths = ["my data/x y.tif"]
    assert namescope.names_check(config, given_paths) == namescope.full_names_check(
        config, given_paths
    )
    result = run_cli("check-names", "my data/x y.tif", cwd=repo)
    assert "rename to 'My_Data-1/x_y.tif'" in result.stdout or "-1" in result.stdout, result.stdout


def test_the_characters_that_fold_to_ascii_are_all_known() -> None:
    found = {}
    for cp in range(0x80, 0x110000):
        folded = fold(chr(cp))
        if folded.isascii():
            found[chr(cp)] = folded
    assert found == namescope.FOLDS_TO_ASCII


def test_a_few_paths_do_not_import_what_the_lists_need(repo: Path) -> None:
    write(repo, "a.tif")
    git(repo, "add", "-A")
    code = (
        "import sys; from bia_hooks.cli import main\n"
        "try:\n    main(['check-names', 'a.tif'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'openpyxl', 'jsonschema', 'tqdm') "
        "if m in sys.modules))"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1])),
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


entries = st.lists(st.binary(min_size=1, max_size=6).filter(lambda b: b"\0" not in b), max_size=30)


@settings(max_examples=300, deadline=None)
@given(paths=entries, key=st.binary(max_size=4).filter(lambda b: b"\0" not in b))
def test_the_index_is_searched_as_a_sorted_list(paths: list[bytes], key: bytes) -> None:
    # Bytes as git sorts them, some not UTF-8, some ending in 0xFF: what bisection must get right.
    paths = sorted(set(paths))
    index = namescope._Index(b"".join(p + b"\0" for p in paths))

    def listed(span: tuple[int, int]) -> list[bytes]:
        return index.text[span[0] : span[1]].split(b"\0")[:-1]

    assert listed(index.starting_with(key)) == [p for p in paths if p.startswith(key)]
    assert index.has(key) == (key in paths)
    assert index.has_prefix(key) == any(p.startswith(key) for p in paths)
    assert listed((0, index.first_at_or_after(key))) == [p for p in paths if p < key]
