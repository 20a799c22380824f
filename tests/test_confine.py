"""Every path the repository names stays in the dataset (issue 9): configured paths, file lists,
DVC md5s and manifests, the saved rows' lists.

Real git, git-annex and DVC repositories doctored by hand, the CLI run as a user runs it, and what
is on disk afterwards, inside the dataset and outside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bia_hooks import confine, dataset
from tests.conftest import dvc, git, run_cli, write

HEADER = "Files\tAnnotation type\tSource image\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the dataset: a file list and a schema an attacker would like read."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "filelist.tsv").write_text(HEADER + "secret/row.tif\tsecret\tsecret\n")
    (folder / "schema.json").write_text('{"required": ["Secret"]}')
    return folder


# --- 1. links and '..' out of the dataset ----------------------------------------------------


@pytest.mark.parametrize("command", [["sync"], ["sync", "--check"], ["check"], ["validate"]])
@pytest.mark.parametrize("listed", [False, True])
def test_no_command_reads_or_writes_a_list_through_a_linked_folder(
    repo: Path, elsewhere: Path, command: list[str], listed: bool
) -> None:
    """`link` is a tracked symlink to a folder elsewhere: the sync used to create or edit
    link/filelist.tsv there."""
    if not listed:
        (elsewhere / "filelist.tsv").unlink()
    before = snapshot(elsewhere)
    os.symlink(elsewhere, repo / "link")
    write(repo, "a/x.tif")
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: link/filelist.tsv\n    include: ['a/**']\n"
    )
    git(repo, "add", "-A")
    result = run_cli(*command, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "filelists[0].path 'link/filelist.tsv' leads outside the dataset" in result.stderr
    assert f"'link' is a symbolic link to {elsewhere.resolve()}" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stdout + result.stderr
    assert snapshot(elsewhere) == before


IMAGES = "path: list.tsv\n    image_dataset: {{filelist: "


@pytest.mark.parametrize(
    ("key", "yaml"),
    [
        ("path", "path: '{out}/filelist.tsv'"),
        ("path", "path: ../elsewhere/filelist.tsv"),
        ("extra_schema", "path: list.tsv\n    extra_schema: ../elsewhere/schema.json"),
        ("extra_schema", "path: list.tsv\n    extra_schema: '{out}/schema.json'"),
        ("extra_schema", "path: list.tsv\n    extra_schema: link/schema.json"),
        ("image_dataset.filelist", IMAGES + "'{out}/filelist.tsv'}}"),
        ("image_dataset.filelist", IMAGES + "../elsewhere/filelist.tsv}}"),
        ("image_dataset.filelist", IMAGES + "link/filelist.tsv}}"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "check", "sync", "check-names"])
def test_configured_paths_outside_the_dataset_are_refused_by_every_command(
    tmp_path: Path, elsewhere: Path, key: str, yaml: str, command: str
) -> None:
    """`validate`, `extra_schema` and `image_dataset` read absolute and ../ paths that check and
    sync refused; now every command refuses them alike, naming the key."""
    root = tmp_path / "dataset"
    write(root, "a.tif")
    (root / "list.tsv").write_text(HEADER + "a.tif\tother\tS-BIAD1/a.tif\n")
    os.symlink(elsewhere, root / "link")
    (root / ".bia-hooks.yaml").write_text("filelists:\n  - " + yaml.format(out=elsewhere) + "\n")
    before = snapshot(elsewhere)
    result = run_cli(command, cwd=root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"filelists[0].{key} " in result.stderr
    assert "inside the dataset" in result.stderr or "absolute path" in result.stderr
    assert "Traceback" not in result.stderr and "Secret" not in result.stdout
    assert snapshot(elsewhere) == before


def test_a_list_that_is_a_link_to_a_file_elsewhere_is_never_read(
    repo: Path, tmp_path: Path
) -> None:
    """A tracked symlink named like a file list: neither found as a list nor validated, so its
    target's content (say, a secret of the CI runner) never reaches a report."""
    secret = tmp_path / "secret.tsv"
    secret.write_text("Files\tToken\nghp_secret\tsecret\n")
    write(repo, "a.tif")
    (repo / "list.tsv").write_text(HEADER + "a.tif\tother\tS-BIAD1/a.tif\n")
    os.symlink(secret, repo / "stolen.tsv")
    git(repo, "add", "-A")
    checked = run_cli("check", cwd=repo)
    synced = run_cli("sync", cwd=repo)
    validated = run_cli("validate", "stolen.tsv", cwd=repo)
    for result in (checked, synced, validated):
        assert "ghp_secret" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert "stolen.tsv: error BIA428" in validated.stdout and validated.returncode == 1
    assert f"'stolen.tsv' is a symbolic link to {secret.resolve()}" in validated.stdout
    assert "stolen.tsv" in (repo / "list.tsv").read_text()  # a file of the dataset, listed
    assert secret.read_text() == "Files\tToken\nghp_secret\tsecret\n"


def test_an_annexed_list_of_a_dataset_folder_is_read_from_the_repository_store(repo: Path) -> None:
    """A locked annexed file links into .git/annex/objects, outside a dataset that is a folder of
    the repository: that is still the repository's own content."""
    subprocess.run(["git", "annex", "init", "-q", "t"], cwd=repo, check=True, capture_output=True)
    write(repo, "ds/masks/a.tif")
    (repo / "ds/.bia-hooks.yaml").write_text("filelists:\n  - path: filelist.tsv\n")
    (repo / "ds/filelist.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\tS-BIAD1/a\n")
    subprocess.run(["git", "annex", "add", "-q", "ds/filelist.tsv"], cwd=repo, check=True)
    git(repo, "add", "-A")
    assert (repo / "ds/filelist.tsv").is_symlink()
    result = run_cli("validate", cwd=repo / "ds")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 row checked" in result.stderr


def test_restore_edits_no_list_outside_the_dataset(repo: Path, tmp_path: Path) -> None:
    """The saved rows' log names the list a row came from: a forged entry cannot make restore
    write elsewhere."""
    outside = tmp_path / "outside.tsv"
    outside.write_text(HEADER)
    write(repo, "a.tif")
    git(repo, "add", "-A")
    log = repo / ".git" / "bia-hooks" / "removed-rows.jsonl"
    log.parent.mkdir()
    entry = {"filelist": "../outside.tsv", "path": "a.tif", "values": {"X": "1"}, "time": "t"}
    log.write_text(json.dumps(entry) + "\n")
    result = run_cli("restore", "a.tif", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "'../outside.tsv': the path leaves the dataset" in result.stderr
    assert outside.read_text() == HEADER


def test_a_row_naming_a_file_outside_is_not_kept_as_unstaged(repo: Path, tmp_path: Path) -> None:
    """A row '../x.tif' whose target exists outside was kept, with advice to `git add` it."""
    (tmp_path / "x.tif").write_text("outside\n")
    write(repo, "a.tif")
    (repo / "list.tsv").write_text(HEADER + "a.tif\tother\tS\n../x.tif\t\t\n")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "git add '../x.tif'" not in result.stdout
    assert (repo / "list.tsv").read_text() == HEADER + "a.tif\tother\tS\n"


# --- 4. impossible characters in a configured path --------------------------------------------


@pytest.mark.parametrize(
    ("key", "entry", "shown"),
    [
        ("path", 'path: "a/file\\0list.tsv"', "NUL byte"),
        ("path", 'path: "a/\\ud800.tsv"', "\\ud800"),
        ("extra_schema", 'path: list.tsv\n    extra_schema: "s\\0.json"', "NUL byte"),
        ("image_dataset.filelist",
         'path: list.tsv\n    image_dataset: {filelist: "i\\x00.tsv"}', "NUL byte"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["check", "sync", "validate", "check-names", "fix-names"])
def test_a_nul_in_a_configured_path_is_a_configuration_error(
    repo: Path, key: str, entry: str, shown: str, command: str
) -> None:
    write(repo, "a/x.tif")
    (repo / ".bia-hooks.yaml").write_text(f"filelists:\n  - {entry}\n")
    git(repo, "add", "-A")
    result = run_cli(command, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f".bia-hooks.yaml: filelists[0].{key} " in result.stderr
    assert shown in result.stderr and "Traceback" not in result.stderr


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.one_of(
        st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12),
        st.sampled_from(["/", "..", "../", "a/../..", "link/", "link/x/..", "\0", "a\0b"]),
        st.lists(st.sampled_from(["a", ".", "/", "..", "link", "\0", "\udcff"]), max_size=8).map(
            "".join
        ),
    ).map(lambda p: p + ".tsv")
)
def test_hostile_configured_paths_refused_or_kept_inside(path: str) -> None:
    """Any configured list path: the sync writes inside the dataset or stops with exit 2, never a
    traceback, and nothing outside the dataset is touched."""
    from bia_hooks.cli import main

    with tempfile.TemporaryDirectory() as top:
        root, outside = Path(top) / "dataset", Path(top) / "outside"
        outside.mkdir()
        write(root, "a/x.tif")
        os.symlink(outside, root / "link")
        (root / ".bia-hooks.yaml").write_text(
            "filelists:\n  - path: " + json.dumps(path) + "\n    include: ['a/**']\n"
        )
        status = main(["sync", "--root", str(root), "--format", "json"])
        assert status in (1, 2)
        assert list(outside.iterdir()) == []
        assert {p.name for p in Path(top).iterdir()} == {"dataset", "outside"}


# --- 2. DVC md5s and manifests ---------------------------------------------------------------


@pytest.fixture
def dvc_data(repo: Path) -> Path:
    """A DVC-tracked folder of two files, committed, with its manifest in the cache."""
    dvc(repo, "init", "-q")
    write(repo, "data/a.tif", content="pixels of a\n")
    write(repo, "data/b.tif", content="pixels of b\n")
    (repo / "filelist.tsv").write_text(HEADER + "data/a.tif\tother\tS\ndata/b.tif\tother\tS\n")
    dvc(repo, "add", "-q", "data")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dvc")
    return repo


def _set_md5(repo: Path, md5: str) -> None:
    text = (repo / "data.dvc").read_text()
    old = next(line.split(":", 1)[1].strip() for line in text.splitlines() if "md5:" in line)
    (repo / "data.dvc").write_text(text.replace(old, md5))
    git(repo, "add", "data.dvc")


@pytest.mark.parametrize("md5", ["ab{forged}", "../../../../../../..{forged}", "ab/../x.dir"])
def test_a_forged_dvc_md5_reads_no_file_as_a_manifest(
    dvc_data: Path, tmp_path: Path, md5: str
) -> None:
    """An md5 `ab/<absolute path>` made any file be read as the folder's manifest, and its '../'
    relpaths became rows."""
    forged = tmp_path / "forged.dir"
    forged.write_text(json.dumps([{"md5": "0" * 32, "relpath": "../../escaped.tif"}]))
    _set_md5(dvc_data, md5.format(forged=forged))
    before = (dvc_data / "filelist.tsv").read_bytes()
    checked = run_cli("check", "--format", "json", cwd=dvc_data)
    report = json.loads(checked.stdout)
    assert "escaped" not in checked.stdout
    bad = [f for f in report["findings"] if f["code"] == "BIA402"]
    assert bad and bad[0]["path"] == "data.dvc" and "not one" in bad[0]["message"]
    synced = run_cli("sync", cwd=dvc_data)
    assert "Traceback" not in synced.stderr and "escaped" not in synced.stdout
    assert b"escaped" not in (dvc_data / "filelist.tsv").read_bytes()
    assert (dvc_data / "filelist.tsv").read_bytes() == before  # the folder's files, on disk


def test_manifest_paths_out_of_the_folder_are_left_out_with_a_finding(dvc_data: Path) -> None:
    """A manifest in the cache doctored by hand: its plain entries still list the folder, the
    others are named once and never become rows."""
    [md5] = [
        line.split(":", 1)[1].strip()
        for line in (dvc_data / "data.dvc").read_text().splitlines()
        if "md5:" in line
    ]
    manifest = dvc_data / ".dvc/cache/files/md5" / md5[:2] / md5[2:]
    entries = json.loads(manifest.read_text())
    entries += [{"md5": "1" * 32, "relpath": r} for r in ("../../escaped.tif", "/etc/passwd",
                                                          "x/../../up.tif", "")]  # fmt: skip
    manifest.chmod(0o644)
    manifest.write_text(json.dumps(entries))
    result = run_cli("sync", "--format", "json", cwd=dvc_data)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    found = [f for f in report["findings"] if f["code"] == "BIA427"]
    assert len(found) == 1 and found[0]["path"] == "data.dvc", result.stdout
    assert "4 path(s) that are not inside the folder" in found[0]["message"]
    assert "dvc fetch" in found[0]["fix"]
    listed = (dvc_data / "filelist.tsv").read_text()
    assert listed == HEADER + "data/a.tif\tother\tS\ndata/b.tif\tother\tS\n"


@pytest.mark.parametrize(
    ("md5", "ok"),
    [
        ("d41d8cd98f00b204e9800998ecf8427e", True),
        ("d41d8cd98f00b204e9800998ecf8427e.dir", True),
        ("D41D8CD98F00B204E9800998ECF8427E.dir", True),
        ("ab/../../x.dir", False),
        ("ab/tmp/x.dir", False),
        ("d41d8cd98f00b204e9800998ecf8427e.dir/../x", False),
        ("d41d8cd98f00b204e9800998ecf8427", False),
    ],
)
def test_only_a_real_md5_names_a_cache_file(md5: str, ok: bool, tmp_path: Path) -> None:
    from bia_hooks.dvcrepo import manifest_files

    outs, findings = dataset.dvc_outs("data.dvc", {"outs": [{"path": "data", "md5": md5}]})
    assert (len(outs), len(findings)) == ((1, 0) if ok else (0, 1))
    paths = manifest_files(tmp_path, md5)
    assert all(p.is_relative_to(tmp_path) and ".." not in p.parts for p in paths)
    assert bool(paths) == (ok and md5.endswith(".dir"))


# --- the one place, directly -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relpath", "problem"),
    [
        ("a/b.tsv", None),
        ("a/../b.tsv", None),
        ("", "empty"),
        ("/etc/passwd", "absolute"),
        ("../x", "leaves the dataset"),
        ("a/../../x", "leaves the dataset"),
        ("..", "leaves the dataset"),
        ("a\0b", "NUL"),
        ("a\ud800b", "\\ud800"),
    ],
)
def test_path_problem(relpath: str, problem: str | None) -> None:
    found = confine.path_problem(relpath)
    assert found is None if problem is None else (found is not None and problem in found)


def test_not_plain_finds_every_odd_path_among_many() -> None:
    fine = [f"f{i}/x.tif" for i in range(1000)]
    assert confine.not_plain(fine) == []
    odd = ["../x", "/x", "a//b", "a/./b", "a/", "", "a\0b", "a/b/..", ".", "x\ud800"]
    assert confine.not_plain(fine + odd) == odd
