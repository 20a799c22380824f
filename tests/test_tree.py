"""The dataset's files and renames, read from real git, git-annex and DVC repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import tree
from bia_hooks.dataset import DatasetFile
from bia_hooks.errors import UsageError
from bia_hooks.moves import renames_since, staged_renames
from bia_hooks.tree import dataset_files, list_dataset
from tests.conftest import git, write

OBJECTS = ("*.zarr", "*.ome.zarr")


def listing(root: Path, **kwargs: str) -> tuple[dict[str, DatasetFile], list[str]]:
    files, findings = list_dataset(root, OBJECTS, **kwargs)
    assert [f.path for f in files] == sorted(f.path for f in files)
    return {f.path: f for f in files}, [f"{f.code} {f.path}" for f in findings]


def data(files: dict[str, DatasetFile]) -> dict[str, str]:
    """path -> kind, without the repository's own files."""
    return {p: f.kind for p, f in files.items() if f.kind != "machinery"}


def run(repo: Path, *args: str) -> str:
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    done = subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def module_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The isolated git configuration of conftest, for repositories shared by a module."""
    home = tmp_path_factory.mktemp("module-home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n"
        '[annex]\n\tautocommit = false\n[protocol "file"]\n\tallow = always\n'
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("DVC_NO_ANALYTICS", "1")
        for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            mp.delenv(var, raising=False)
        yield


# --- plain git -----------------------------------------------------------------------------------


def test_the_files_are_the_staged_state(repo: Path) -> None:
    write(repo, "masks/a.tif", "masks/b.tif", ".gitignore", ".bia-hooks.yaml", "filelist.tsv")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    write(repo, "masks/unstaged.tif")  # not added: the commit will not hold it
    git(repo, "rm", "-q", "--cached", "masks/b.tif")  # staged deletion: gone, though on disk
    write(repo, "masks/new.tif")
    git(repo, "add", "masks/new.tif")
    files, findings = listing(repo)
    assert data(files) == {"filelist.tsv": "file", "masks/a.tif": "file", "masks/new.tif": "file"}
    assert files[".gitignore"].kind == files[".bia-hooks.yaml"].kind == "machinery"
    assert findings == []
    assert files["masks/a.tif"] == DatasetFile("masks/a.tif", "file", None, None, True)


def test_an_empty_repository_has_no_files(repo: Path) -> None:
    assert list_dataset(repo) == ([], [])
    assert staged_renames(repo) == {}


def test_odd_file_names_come_back_intact(repo: Path) -> None:
    names = ["a b.tif", "tab\there.tif", "new\nline.tif", "ümlaut.tif", 'quote".tif']
    write(repo, *names)
    git(repo, "add", ".")
    assert set(data(listing(repo)[0])) == set(names)


def test_a_zarr_folder_in_git_is_one_object(repo: Path) -> None:
    write(repo, "img.ome.zarr/.zattrs", "img.ome.zarr/0/0/0", "img.ome.zarr/0/0/1", "x.tif")
    git(repo, "add", ".")
    files, _ = listing(repo)
    assert data(files) == {"img.ome.zarr": "object", "x.tif": "file"}


def test_objects_are_configurable(repo: Path) -> None:
    write(repo, "cells.n5/0/0", "img.zarr/0")
    git(repo, "add", ".")
    files, _ = list_dataset(repo, ("*.n5",))
    assert [f.path for f in files] == ["cells.n5", "img.zarr/0"]


def test_a_submodule_is_reported_not_listed(repo: Path) -> None:
    write(repo, "a.tif")
    git(repo, "add", "a.tif")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor/images")
    files, findings = listing(repo)
    assert list(files) == ["a.tif"]
    assert findings == ["BIA403 vendor/images"]


def test_a_missing_git_object_is_reported(repo: Path) -> None:
    write(repo, "a.tif")
    git(repo, "add", "a.tif")
    git(repo, "update-index", "--add", "--cacheinfo", f"120000,{'2' * 40},gone.tif")
    files, findings = listing(repo)
    assert files["gone.tif"] == DatasetFile("gone.tif", "file", None, None, False)
    assert findings == ["BIA404 gone.tif"]


def test_a_commit_can_be_listed(repo: Path) -> None:
    write(repo, "old.tif", "img.zarr/0")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    git(repo, "mv", "old.tif", "new.tif")
    assert data(listing(repo, rev="HEAD")[0]) == {"img.zarr": "object", "old.tif": "file"}
    assert data(listing(repo)[0]) == {"img.zarr": "object", "new.tif": "file"}
    with pytest.raises(UsageError, match="no commit 'nope'"):
        list_dataset(repo, rev="nope")


@pytest.mark.parametrize(
    ("change", "renames"),
    [
        (["mv", "masks/a.tif", "masks/b.tif"], {"masks/a.tif": "masks/b.tif"}),
        (["mv", "masks/a.tif", "deep/er/a.tif"], {"masks/a.tif": "deep/er/a.tif"}),
        (["rm", "-q", "masks/a.tif"], {}),
        (["mv", "img.zarr", "moved/img2.zarr"], {"img.zarr": "moved/img2.zarr"}),
        (["mv", ".gitignore", "sub/.gitignore"], {}),  # machinery is not the dataset
    ],
)
def test_staged_renames_by_git(repo: Path, change: list[str], renames: dict[str, str]) -> None:
    write(repo, "masks/a.tif", content="a mask, long enough to be similar\n" * 5)
    write(repo, "img.zarr/0/0", content="chunk 0\n" * 10)
    write(repo, "img.zarr/0/1", content="chunk 1\n" * 10)
    write(repo, ".gitignore", content="*.tmp\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    (repo / "deep/er").mkdir(parents=True)
    (repo / "moved").mkdir()
    (repo / "sub").mkdir()
    git(repo, *change)
    assert staged_renames(repo, OBJECTS) == renames


def test_a_copy_is_no_rename(repo: Path) -> None:
    write(repo, "a.tif", content="mask\n" * 20)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    shutil.copy(repo / "a.tif", repo / "b.tif")
    git(repo, "add", "b.tif")
    assert staged_renames(repo) == {}
    files, _ = listing(repo)
    assert data(files) == {"a.tif": "file", "b.tif": "file"}


def test_renames_since_an_older_commit(repo: Path) -> None:
    write(repo, "a.tif", content="mask\n" * 20)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    git(repo, "mv", "a.tif", "b.tif")
    git(repo, "commit", "-qm", "two")
    git(repo, "mv", "b.tif", "c.tif")
    assert staged_renames(repo) == {"b.tif": "c.tif"}
    assert renames_since(repo, "HEAD~1") == {"a.tif": "c.tif"}


# --- a folder outside git ------------------------------------------------------------------------


def test_a_plain_folder_is_walked(tmp_path: Path) -> None:
    write(tmp_path, "masks/a.tif", "img.zarr/0/0", "img.zarr/.zattrs", ".gitignore")
    write(tmp_path, ".git/config", ".dvc/config")  # never listed
    os.symlink("masks/a.tif", tmp_path / "link.tif")
    files, findings = listing(tmp_path)
    assert data(files) == {"img.zarr": "object", "link.tif": "file", "masks/a.tif": "file"}
    assert files["masks/a.tif"].size == 5  # 'data\n'
    assert files[".gitignore"].kind == "machinery"
    assert findings == []
    # the files every command works from: the same entries, machinery set apart
    paths, data_paths, problems = dataset_files(tmp_path, OBJECTS)
    assert paths == [".gitignore", *data_paths]
    assert (data_paths, problems) == (["img.zarr", "link.tif", "masks/a.tif"], [])


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        list_dataset(tmp_path / "nope")


# --- git-annex -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annex_repo(tmp_path_factory: pytest.TempPathFactory, module_env: None) -> Path:
    """Locked, unlocked and dropped annexed files, a plain file and a zarr of annexed chunks."""
    repo = tmp_path_factory.mktemp("annex") / "dataset"
    repo.mkdir()
    git(repo, "init", "-q")
    run(repo, "git", "annex", "init", "-q", "test")
    write(repo, "locked/a.tif", content="locked a\n")
    write(repo, "unlocked/b.tif", content="unlocked b\n")
    write(repo, "dropped/c.tif", content="dropped c\n")
    write(repo, "img.zarr/0/0", content="chunk\n")
    run(repo, "git", "annex", "add", "-q", "locked", "unlocked", "dropped", "img.zarr")
    run(repo, "git", "annex", "unlock", "-q", "unlocked/b.tif")
    write(repo, "notes.txt", content="plain git\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "annexed")
    run(repo, "git", "annex", "drop", "-q", "--force", "dropped/c.tif")
    return repo


def test_annexed_files_locked_unlocked_and_dropped(annex_repo: Path) -> None:
    files, findings = listing(annex_repo)
    assert findings == []
    assert data(files) == {
        "dropped/c.tif": "annexed",
        "img.zarr": "object",
        "locked/a.tif": "annexed",
        "notes.txt": "file",
        "unlocked/b.tif": "annexed",
    }
    a, b, c = files["locked/a.tif"], files["unlocked/b.tif"], files["dropped/c.tif"]
    assert (a.size, a.present) == (9, True)
    assert (b.size, b.present) == (11, True)
    assert (c.size, c.present) == (10, False)  # content dropped: still a file of the dataset
    for f in (a, b, c):
        assert f.key is not None and f.key.startswith(f"SHA256E-s{f.size}--")
    assert files["notes.txt"].size == 10  # sizes of plain blobs come with the pointer check
    assert files["img.zarr"] == DatasetFile("img.zarr", "object", 6, None, True)


def test_a_shallow_clone_without_annex_lists_the_same_keys(
    annex_repo: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{annex_repo}", str(clone))
    assert not (clone / ".git" / "annex").exists()
    assert git(clone, "branch", "-a").count("git-annex") == 0
    ours, _ = listing(annex_repo)
    theirs, findings = listing(clone)
    assert findings == []
    assert {p: (f.kind, f.key) for p, f in theirs.items()} == {
        p: (f.kind, f.key) for p, f in ours.items()
    }
    assert not any(f.present for f in theirs.values() if f.kind == "annexed")


def test_unlocked_files_alone_are_found_in_a_shallow_clone_by_gitattributes(
    tmp_path: Path, module_env: None
) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q")
    run(origin, "git", "annex", "init", "-q", "origin")
    (origin / ".gitattributes").write_text("* annex.largefiles=anything\n")
    write(origin, "b.tif", content="unlocked\n")
    run(origin, "git", "annex", "add", "-q", "b.tif")
    run(origin, "git", "annex", "unlock", "-q", "b.tif")
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "one")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    files, _ = listing(clone)
    assert files["b.tif"].kind == "annexed"
    assert files["b.tif"].key == listing(origin)[0]["b.tif"].key


@pytest.fixture
def annex_work(annex_repo: Path, tmp_path: Path, module_env: None) -> Path:
    """A clone of the annex repository to change: renames are staged in it."""
    clone = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(annex_repo), str(clone))
    run(clone, "git", "annex", "init", "-q", "work")
    return clone


def test_an_annexed_file_moved_across_folders_is_a_rename(annex_work: Path) -> None:
    (annex_work / "deep/er").mkdir(parents=True)
    git(annex_work, "mv", "locked/a.tif", "deep/er/a.tif")
    run(annex_work, "git", "annex", "fix", "-q", "deep/er/a.tif")  # the symlink gets one more ../
    git(annex_work, "add", "deep/er/a.tif")
    assert staged_renames(annex_work, OBJECTS) == {"locked/a.tif": "deep/er/a.tif"}


def test_a_move_git_cannot_see_is_paired_by_annex_key(annex_work: Path) -> None:
    # Moved and unlocked: a symlink became a pointer file; git sees a deletion and an addition.
    (annex_work / "x/y").mkdir(parents=True)
    git(annex_work, "mv", "locked/a.tif", "x/y/a.tif")
    run(annex_work, "git", "annex", "unlock", "-q", "x/y/a.tif")
    git(annex_work, "add", "x/y/a.tif")
    status = git(annex_work, "diff", "--cached", "-M", "--name-status", "HEAD")
    assert "R" not in status.split()
    assert staged_renames(annex_work, OBJECTS) == {"locked/a.tif": "x/y/a.tif"}


# --- DVC -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dvc_repo(tmp_path_factory: pytest.TempPathFactory, module_env: None) -> Path:
    """A DVC file, a DVC folder and a DVC-tracked zarr, committed with their cache."""
    repo = tmp_path_factory.mktemp("dvc") / "dataset"
    repo.mkdir()
    git(repo, "init", "-q")
    run(repo, "dvc", "init", "-q")
    write(repo, "one.tif", content="one\n")
    write(repo, "masks/x.tif", "masks/sub/y.tif")
    write(repo, "img.zarr/0/0", "img.zarr/.zattrs")
    run(repo, "dvc", "add", "-q", "one.tif", "masks", "img.zarr")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "dvc")
    return repo


def test_dvc_files_and_folders_with_the_cache(dvc_repo: Path) -> None:
    files, findings = listing(dvc_repo)
    assert findings == []
    assert data(files) == {
        "img.zarr": "object",
        "masks/sub/y.tif": "dvc-file",
        "masks/x.tif": "dvc-file",
        "one.tif": "dvc-file",
    }
    assert files["one.tif"].size == 4 and files["one.tif"].present
    assert files["masks/x.tif"].key is not None and len(files["masks/x.tif"].key) == 32
    assert files["img.zarr"].key is not None and files["img.zarr"].key.endswith(".dir")
    assert {"one.tif.dvc", "masks.dvc", ".dvc/config", ".dvcignore", ".gitignore"} <= {
        p for p, f in files.items() if f.kind == "machinery"
    }


def test_a_dvc_folder_without_the_cache_is_one_entry_with_a_warning(
    dvc_repo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "fresh"
    shutil.copytree(dvc_repo, copy, symlinks=True)
    shutil.rmtree(copy / ".dvc" / "cache")
    files, findings = listing(copy)
    assert data(files) == {"img.zarr": "object", "masks": "dvc-dir", "one.tif": "dvc-file"}
    assert findings == ["BIA401 masks"]
    _, messages = list_dataset(copy, OBJECTS)
    assert "of 2 files" in messages[0].message and "dvc fetch" in (messages[0].fix or "")


def test_a_fresh_clone_of_a_dvc_repository(dvc_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{dvc_repo}", str(clone))
    files, findings = listing(clone)
    assert data(files) == {"img.zarr": "object", "masks": "dvc-dir", "one.tif": "dvc-file"}
    assert not files["one.tif"].present and not files["masks"].present
    assert findings == ["BIA401 masks"]


def test_a_dvc_move_is_a_rename(dvc_repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(dvc_repo, work, symlinks=True)
    (work / "moved").mkdir()
    run(work, "dvc", "move", "-q", "one.tif", "moved/one.tif")
    run(work, "dvc", "move", "-q", "masks", "labels")
    git(work, "add", "-A")
    assert staged_renames(work, OBJECTS) == {
        "one.tif": "moved/one.tif",
        "masks": "labels",
        "masks/x.tif": "labels/x.tif",
        "masks/sub/y.tif": "labels/sub/y.tif",
    }


def test_a_broken_dvc_file_is_reported(dvc_repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(dvc_repo, work, symlinks=True)
    (work / "one.tif.dvc").write_text("outs: [unclosed\n")
    git(work, "add", "one.tif.dvc")
    files, findings = listing(work)
    assert "one.tif" not in files
    assert findings == ["BIA402 one.tif.dvc"]


def test_a_folder_with_dvc_but_no_git(dvc_repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "export"
    shutil.copytree(dvc_repo, plain, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    files, findings = listing(plain)
    assert findings == []
    assert data(files) == {
        "img.zarr": "object",
        "masks/sub/y.tif": "dvc-file",
        "masks/x.tif": "dvc-file",
        "one.tif": "dvc-file",
    }


def test_a_subfolder_of_a_repository_is_a_dataset_of_its_own(repo: Path) -> None:
    write(repo, "top.tif", "sub/in/b.tif", "sub/c.tif")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    git(repo, "mv", "sub/c.tif", "sub/d.tif")
    sub = repo / "sub"
    assert list(data(listing(sub)[0])) == ["d.tif", "in/b.tif"]
    assert list(data(listing(sub, rev="HEAD")[0])) == ["c.tif", "in/b.tif"]
    assert staged_renames(sub) == {"c.tif": "d.tif"}


def test_a_folder_with_dvc_but_no_git_nor_cache_lists_what_is_on_disk(
    dvc_repo: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "export"
    shutil.copytree(dvc_repo, plain, symlinks=True, ignore=shutil.ignore_patterns(".git", "cache"))
    files, findings = listing(plain)
    assert findings == []
    assert data(files) == {
        "img.zarr": "object",
        "masks/sub/y.tif": "dvc-file",
        "masks/x.tif": "dvc-file",
        "one.tif": "dvc-file",
    }


def test_a_symlink_changed_on_disk_but_not_staged_is_read_from_git(annex_work: Path) -> None:
    before = listing(annex_work)[0]["locked/a.tif"]
    link = annex_work / "locked/a.tif"
    link.unlink()
    link.symlink_to("../.git/annex/objects/XX/YY/SHA256E-s1--other.tif/SHA256E-s1--other.tif")
    assert listing(annex_work)[0]["locked/a.tif"] == before
    link.unlink()  # and deleted on disk: the index still holds it
    assert listing(annex_work)[0]["locked/a.tif"] == before


# --- paths only (detail=False): what sync and check read on every commit -----------------------


def assert_same_paths(root: Path, **kwargs: str) -> list[DatasetFile]:
    """The listing without detail names the same entries as the full one, and reads no key."""
    full, full_findings = list_dataset(root, OBJECTS, **kwargs)
    fast, fast_findings = list_dataset(root, OBJECTS, detail=False, **kwargs)
    assert [f.path for f in fast] == [f.path for f in full]
    # Annexed or not is not read: a git entry is a file. Machinery, DVC and objects keep theirs.
    assert [f.kind for f in fast] == [
        "file" if f.kind == "annexed" else f.kind for f in full
    ]  # fmt: skip
    for f, d in zip(fast, full, strict=True):
        if d.kind in ("file", "annexed"):
            assert (f.size, f.key, f.present) == (None, None, None), f
        elif d.kind in ("machinery", "dvc-file", "dvc-dir"):
            assert f == d
    assert [str(x) for x in fast_findings] == [
        str(x) for x in full_findings if x.code != "BIA404"
    ]  # fmt: skip
    return fast


@pytest.mark.parametrize(
    "fixture", ["annex_repo", "annex_renamed", "dvc_repo", "dvc_without_cache", "plain_repo"]
)
@pytest.mark.parametrize("rev", [None, "HEAD"])
def test_paths_only_lists_the_same_paths(
    request: pytest.FixtureRequest, fixture: str, rev: str | None
) -> None:
    root: Path = request.getfixturevalue(fixture)
    fast = assert_same_paths(root, **({"rev": rev} if rev else {}))
    assert fast  # never vacuous


def test_paths_only_in_an_annex_repository(annex_repo: Path) -> None:
    fast = {f.path: f for f in assert_same_paths(annex_repo)}
    assert {p: f.kind for p, f in fast.items() if f.kind != "machinery"} == {
        "dropped/c.tif": "file",  # content dropped: still a file of the dataset
        "img.zarr": "object",
        "locked/a.tif": "file",
        "notes.txt": "file",
        "unlocked/b.tif": "file",
    }
    # an object whose parts were not read: size and presence unknown
    assert fast["img.zarr"] == DatasetFile("img.zarr", "object", None, None, None)


def test_paths_only_in_a_shallow_clone_without_annex(annex_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{annex_repo}", str(clone))
    assert [f.path for f in assert_same_paths(clone)] == [
        f.path for f in list_dataset(annex_repo, OBJECTS)[0]
    ]


def test_paths_only_lists_an_entry_whose_object_git_lacks(repo: Path) -> None:
    write(repo, "a.tif")
    git(repo, "add", "a.tif")
    git(repo, "update-index", "--add", "--cacheinfo", f"120000,{'2' * 40},gone.tif")
    files, findings = list_dataset(repo, OBJECTS, detail=False)
    assert [f.path for f in files] == ["a.tif", "gone.tif"]
    assert findings == []  # annexed or not does not matter to a path: nothing to warn about


@pytest.fixture
def plain_repo(repo: Path) -> Path:
    write(repo, "masks/a.tif", "img.zarr/0/0", "img.zarr/.zattrs", ".gitignore", "b c.tif")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    return repo


@pytest.fixture
def annex_renamed(annex_work: Path) -> Path:
    """Staged: a locked file moved deeper, one moved and unlocked, a dropped one moved, one new."""
    (annex_work / "deep/er").mkdir(parents=True)
    (annex_work / "x").mkdir()
    git(annex_work, "mv", "unlocked/b.tif", "deep/er/b.tif")
    git(annex_work, "mv", "locked/a.tif", "x/a.tif")
    run(annex_work, "git", "annex", "unlock", "-q", "x/a.tif")
    git(annex_work, "mv", "dropped/c.tif", "deep/c.tif")
    run(annex_work, "git", "annex", "fix", "-q", "deep/c.tif")
    write(annex_work, "new/d.tif", content="new d\n")
    run(annex_work, "git", "annex", "add", "-q", "new/d.tif")
    git(annex_work, "add", "-A")
    return annex_work


@pytest.fixture
def dvc_without_cache(dvc_repo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "fresh"
    shutil.copytree(dvc_repo, copy, symlinks=True)
    shutil.rmtree(copy / ".dvc" / "cache")
    return copy


def test_renames_of_annexed_files_are_found_beside_a_paths_only_listing(
    annex_renamed: Path,
) -> None:
    assert staged_renames(annex_renamed, OBJECTS) == {
        "dropped/c.tif": "deep/c.tif",
        "locked/a.tif": "x/a.tif",
        "unlocked/b.tif": "deep/er/b.tif",
    }
    paths = {f.path for f in list_dataset(annex_renamed, OBJECTS, detail=False)[0]}
    assert {"deep/c.tif", "x/a.tif", "deep/er/b.tif", "new/d.tif"} <= paths
    assert not {"dropped/c.tif", "locked/a.tif", "unlocked/b.tif"} & paths


def test_the_fast_listing_and_the_full_one_agree(repo: Path) -> None:
    from bia_hooks.tree import dataset_files

    write(repo, "a.tif", ".gitattributes", ".bia-hooks.yaml", "masks/.b.tif", "x/.gitignore")
    git(repo, "add", ".")
    fast = dataset_files(repo)  # paths alone: no DVC, submodule or object folder here
    full, _ = list_dataset(repo, detail=False)
    assert fast.paths == [f.path for f in full]
    assert fast.data == [f.path for f in full if f.kind != "machinery"] == ["a.tif", "masks/.b.tif"]
    (repo / ".gitmodules").write_text('[submodule "v"]\n\tpath = vendor\n\turl = ../v\n')
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor")
    git(repo, "add", ".gitmodules")
    assert [f.code for f in dataset_files(repo).findings] == ["BIA403"]  # the full listing


_GIT_NAMES = ["a", "a.tif", ".gitattributes", ".bia-hooks.yaml", "x/.gitignore", "caf\u00e9",
              "\U0001f600", "b\udce9", "\udcf0", "\ue000", "Z", "study.yaml"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.sets(st.sampled_from(_GIT_NAMES)), st.data())
def test_machinery_is_set_apart_as_path_by_path(names: set[str], data: st.DataObject) -> None:
    # git's order: bytes, so a name that is not UTF-8 (kept by surrogateescape) sorts as a byte
    paths = sorted(names, key=lambda p: p.encode("utf-8", "surrogateescape"))
    few = data.draw(st.lists(st.sampled_from(paths), unique=True) if paths else st.just([]))
    assert tree._without(paths, few) == [p for p in paths if p not in set(few)]
