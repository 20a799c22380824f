"""The sync's promise: what a list names it owns, nothing is written on a guess, and no value a
person typed disappears without being carried or saved where `bia-hooks restore` finds it.

Each case of issue 8 as the user meets it: real git (and git-annex, DVC), the CLI as a process,
the file lists checked on disk afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from bia_hooks import rowlog
from tests.conftest import git, run_cli, write

HEADER = "Files\tAnnotation type\tSource image\tAnnotator\n"


def rows(file: Path) -> list[list[str]]:
    return [line.split("\t") for line in file.read_text().splitlines()[1:]]


def run(repo: Path, *args: str) -> str:
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    done = subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def upload(repo: Path) -> Path:
    """The archive's usual layout: three lists at the root, naming files in shared folders."""
    for path in ("images/a.tif", "images/b.tif", "masks/a.tif", "masks/b.tif", "gt/a.tif"):
        write(repo, path, content=f"pixels of {path}\n")
    (repo / "images.tsv").write_text(
        HEADER + "images/a.tif\tother\tS-BIAD1/a.tif\tAnn\nimages/b.tif\tother\tS-BIAD1/b.tif\tBo\n"
    )
    (repo / "masks.tsv").write_text(
        HEADER + "gt/a.tif\tsegmentation_mask\timages/a.tif\tCy\n"
        "masks/a.tif\tsegmentation_mask\timages/a.tif\tDi\n"
        "masks/b.tif\tsegmentation_mask\timages/b.tif\tEd\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "upload")
    return repo


def test_lists_side_by_side_at_the_root_are_clean(upload: Path) -> None:
    result = run_cli("check", "--format", "json", cwd=upload)
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert not {"BIA420", "BIA421", "BIA422", "BIA423", "BIA426"} & set(codes), result.stdout
    before = {p: (upload / p).read_bytes() for p in ("images.tsv", "masks.tsv")}
    assert run_cli("sync", cwd=upload).returncode == 0
    assert {p: (upload / p).read_bytes() for p in before} == before  # no foreign row copied


def test_a_new_file_two_lists_could_take_is_written_to_neither(upload: Path) -> None:
    write(upload, "masks/c.tif")
    git(upload, "add", "masks/c.tif")
    before = {p: (upload / p).read_bytes() for p in ("images.tsv", "masks.tsv")}
    result = run_cli("sync", cwd=upload)
    assert result.returncode == 1
    assert "masks/c.tif: error BIA426" in result.stdout
    assert "images.tsv, masks.tsv" in result.stdout and "include" in result.stdout
    assert {p: (upload / p).read_bytes() for p in before} == before
    # The user chooses with an include glob: then the sync adds it there, and only there.
    (upload / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: images.tsv\n    include: ['images/**']\n"
        "  - path: masks.tsv\n    include: ['masks/**', 'gt/**']\n"
    )
    assert run_cli("sync", cwd=upload).returncode == 1
    assert [r[0] for r in rows(upload / "masks.tsv")][-1] == "masks/c.tif"
    assert (upload / "images.tsv").read_bytes() == before["images.tsv"]


def test_a_file_named_by_two_lists_is_reported_and_kept_in_both(upload: Path) -> None:
    with (upload / "images.tsv").open("a") as f:
        f.write("masks/a.tif\tother\timages/a.tif\tFe\n")
    git(upload, "add", ".")
    result = run_cli("sync", "--check", cwd=upload)
    assert result.returncode == 1
    assert "masks/a.tif: error BIA422 named by 2 file lists: images.tsv, masks.tsv" in result.stdout
    assert "BIA420" not in result.stdout and "BIA421" not in result.stdout


def test_renamed_deleted_and_restored_in_a_multi_list_upload(upload: Path) -> None:
    git(upload, "mv", "masks/a.tif", "masks/a_v2.tif")
    git(upload, "rm", "-q", "masks/b.tif")
    result = run_cli("sync", cwd=upload)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rows(upload / "masks.tsv") == [
        ["gt/a.tif", "segmentation_mask", "images/a.tif", "Cy"],
        ["masks/a_v2.tif", "segmentation_mask", "images/a.tif", "Di"],
    ]
    # The deleted file's row held typed values: printed, and saved for `bia-hooks restore`.
    assert "masks/b.tif held values a person typed" in result.stdout
    assert "Annotator=Ed" in result.stdout
    assert "bia-hooks restore masks/b.tif NEW_PATH" in result.stdout
    git(upload, "add", "masks.tsv")
    assert run_cli("sync", "--check", cwd=upload).returncode == 0
    # It was a mistake: the file comes back under another name, and its values with it.
    write(upload, "masks/b_fixed.tif")
    git(upload, "add", "masks/b_fixed.tif")
    assert run_cli("sync", cwd=upload).returncode == 1
    restored = run_cli("restore", "masks/b.tif", "masks/b_fixed.tif", cwd=upload)
    assert restored.returncode == 0, restored.stderr
    assert ["masks/b_fixed.tif", "segmentation_mask", "images/b.tif", "Ed"] in rows(
        upload / "masks.tsv"
    )
    assert "masks/b.tif" not in run_cli("restore", "--list", cwd=upload).stdout  # done


def test_sync_from_a_subfolder_uses_the_dataset_root(upload: Path) -> None:
    (upload / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: images.tsv\n    include: ['images/**']\n"
        "  - path: masks.tsv\n    include: ['masks/**', 'gt/**']\n"
    )
    git(upload, "add", ".")
    before = (upload / "masks.tsv").read_bytes()
    result = run_cli("sync", cwd=upload / "masks")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (upload / "masks.tsv").read_bytes() == before
    assert not (upload / "masks" / "masks.tsv").exists()
    write(upload, "masks/c.tif")
    git(upload, "add", ".")
    assert run_cli("sync", cwd=upload / "masks").returncode == 1
    assert rows(upload / "masks.tsv")[-1][0] == "masks/c.tif"


def test_annotation_json_is_never_taken_for_a_file_list(repo: Path) -> None:
    points = json.dumps([{"path": "S-BIAD1/a.tif", "x": 1, "y": 2}])
    write(repo, "points/a.json", content=points)
    write(repo, "points/empty.json", content="[]")
    write(repo, "filelist.tsv", content="Files\tAnnotation type\tSource image\n")
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert (repo / "points/a.json").read_text() == points
    assert (repo / "points/empty.json").read_text() == "[]"
    assert [r[0] for r in rows(repo / "filelist.tsv")] == ["points/a.json", "points/empty.json"]


def test_a_workbook_with_files_in_another_column_is_found_and_not_rewritten(repo: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Plate", "Well", "Files", "Annotation type", "Source image"])
    book.active.append(["p1", "A01", "masks/a.tif", "segmentation_mask", "S-BIAD1/a.tif"])
    book.save(repo / "masks.xlsx")
    write(repo, "masks/a.tif", "masks/b.tif")
    git(repo, "add", ".")
    before = (repo / "masks.xlsx").read_bytes()
    result = run_cli("check", cwd=repo)
    assert "the dataset has no file list" not in result.stdout
    assert "masks.xlsx:A1: error BIA208 the 'Files' column is column C" in result.stdout
    assert "move the 'Files' column to the first place" in result.stdout
    assert run_cli("sync", cwd=repo).returncode == 1
    assert (repo / "masks.xlsx").read_bytes() == before  # the user's columns are left alone


def test_a_corrected_mask_moved_under_the_same_name_keeps_its_row(upload: Path) -> None:
    write(upload, "masks/cell_17.tif", content="first try\n")
    with (upload / "masks.tsv").open("a") as f:
        f.write("masks/cell_17.tif\tsegmentation_mask\timages/b.tif\tEd\n")
    git(upload, "add", ".")
    git(upload, "commit", "-qm", "cell 17")
    (upload / "masks/cell_17.tif").write_text("corrected, all different\n" * 50)
    git(upload, "add", "masks/cell_17.tif")
    git(upload, "mv", "masks/cell_17.tif", "gt/cell_17.tif")
    result = run_cli("sync", cwd=upload)
    assert "(carried: the only new file with the same name)" in result.stdout
    assert ["gt/cell_17.tif", "segmentation_mask", "images/b.tif", "Ed"] in rows(
        upload / "masks.tsv"
    )


def test_a_rename_git_was_not_told_of_carries_the_row_and_asks_for_git_add(upload: Path) -> None:
    os.rename(upload / "masks/a.tif", upload / "masks/a_renamed.tif")
    git(upload, "add", "-u")  # what `git commit -am` stages: the removal only
    result = run_cli("sync", cwd=upload)
    assert result.returncode == 1
    assert "did you forget git add 'masks/a_renamed.tif'" in result.stdout
    assert ["masks/a_renamed.tif", "segmentation_mask", "images/a.tif", "Di"] in rows(
        upload / "masks.tsv"
    )
    git(upload, "add", ".")
    assert run_cli("sync", "--check", cwd=upload).returncode == 0


def test_a_file_renamed_inside_a_dvc_folder_keeps_its_row(repo: Path) -> None:
    run(repo, "dvc", "init", "-q")
    write(repo, "masks/x.tif", content="x\n")
    write(repo, "masks/y.tif", content="y\n")
    run(repo, "dvc", "add", "-q", "masks")
    (repo / "filelist.tsv").write_text(
        HEADER + "masks/x.tif\tsegmentation_mask\tS-BIAD1/x.tif\tAnn\n"
        "masks/y.tif\tsegmentation_mask\tS-BIAD1/y.tif\tBo\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "dvc")
    os.rename(repo / "masks/x.tif", repo / "masks/x_renamed.tif")
    run(repo, "dvc", "add", "-q", "masks")
    git(repo, "add", "masks.dvc")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rows(repo / "filelist.tsv") == [
        ["masks/x_renamed.tif", "segmentation_mask", "S-BIAD1/x.tif", "Ann"],
        ["masks/y.tif", "segmentation_mask", "S-BIAD1/y.tif", "Bo"],
    ]


def test_an_annexed_file_list_is_not_rewritten(repo: Path) -> None:
    run(repo, "git", "annex", "init", "-q", "test")
    write(repo, "masks/a.tif", "masks/b.tif")
    (repo / "filelist.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\tS-BIAD1/a\tAnn\n")
    run(repo, "git", "annex", "add", "-q", ".")
    assert (repo / "filelist.tsv").is_symlink()
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 2
    assert "filelist.tsv is in git-annex" in result.stderr
    assert "annex.largefiles=nothing" in result.stderr
    assert (repo / "filelist.tsv").is_symlink()
    # The list is still read and validated where it is.
    check = run_cli("validate", "filelist.tsv", cwd=repo)
    assert "1 file list, 1 row checked" in check.stderr, check.stdout + check.stderr


# --- through real pre-commit and `git commit`, as the user meets it ----------------------------


def hook_output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@pytest.fixture
def hooked(upload: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> Path:
    from tests.conftest import pre_commit, use_hooks

    use_hooks(upload, hook_repo, "bia-sync-filelist", "bia-validate-filelist")
    installed = pre_commit(upload, pre_commit_home, "install")
    assert installed.returncode == 0, hook_output(installed)
    return upload


def test_commit_in_a_multi_list_upload(hooked: Path, pre_commit_home: Path) -> None:
    from tests.conftest import commit

    first = commit(hooked, pre_commit_home, "hooks")
    assert first.returncode == 0, hook_output(first)  # lists side by side: nothing to fix
    git(hooked, "mv", "masks/a.tif", "masks/a_v2.tif")
    git(hooked, "rm", "-q", "images/b.tif")
    refused = commit(hooked, pre_commit_home)
    assert refused.returncode == 1
    # The removed row's typed values, printed.
    assert "Annotator=Bo" in hook_output(refused), hook_output(refused)
    assert rows(hooked / "masks.tsv")[1] == [
        "masks/a_v2.tif", "segmentation_mask", "images/a.tif", "Di"
    ]  # fmt: skip
    assert [r[0] for r in rows(hooked / "images.tsv")] == ["images/a.tif"]
    git(hooked, "add", "images.tsv", "masks.tsv")
    done = commit(hooked, pre_commit_home)
    assert done.returncode == 0, hook_output(done)
    # A new file two lists could take stops the commit and says how to choose; no list changes.
    write(hooked, "masks/c.tif")
    git(hooked, "add", "masks/c.tif")
    ambiguous = commit(hooked, pre_commit_home)
    assert ambiguous.returncode == 1
    assert "BIA426" in hook_output(ambiguous) and "include" in hook_output(ambiguous)
    assert git(hooked, "status", "--porcelain", "images.tsv", "masks.tsv") == ""


def test_the_validate_hook_sees_an_annexed_file_list(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    from tests.conftest import commit, pre_commit, use_hooks

    run(repo, "git", "annex", "init", "-q", "test")
    write(repo, "masks/a.tif")
    (repo / "filelist.tsv").write_text(HEADER + "masks/a.tif\tSegmentation masks\tS-BIAD1/a\tA\n")
    use_hooks(repo, hook_repo, "bia-validate-filelist")
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    run(repo, "git", "annex", "add", "-q", "filelist.tsv", "masks")
    git(repo, "add", ".pre-commit-config.yaml")
    assert (repo / "filelist.tsv").is_symlink()
    refused = commit(repo, pre_commit_home)
    assert refused.returncode == 1
    assert "BIA304" in hook_output(refused) and "segmentation_mask" in hook_output(refused)


# --- found by a first-time user's trial ------------------------------------------------------


def test_identical_files_moved_without_git_are_not_paired_on_a_guess(repo: Path) -> None:
    write(repo, "m/a.tif", "m/b.tif", content="")  # two empty masks
    (repo / "list.tsv").write_text(
        HEADER + "m/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\tAlice\n"
        "m/b.tif\tsegmentation_mask\tS-BIAD1/b.tif\tBob\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    os.rename(repo / "m/a.tif", repo / "m/a2.tif")
    os.rename(repo / "m/b.tif", repo / "m/b2.tif")
    git(repo, "add", "-u")
    result = run_cli("sync", cwd=repo)
    assert "(carried" not in result.stdout
    assert "several identical files moved at once" in result.stdout
    saved = run_cli("restore", "--list", cwd=repo).stdout
    assert "Annotator=Alice" in saved and "Annotator=Bob" in saved


def test_a_file_name_repeated_in_every_folder_is_no_evidence(repo: Path) -> None:
    for plate in ("plate1", "plate3"):
        write(repo, f"masks/{plate}/A01.tif", content=f"{plate}\n")
    (repo / "masks.tsv").write_text(
        HEADER + "masks/plate1/A01.tif\tsegmentation_mask\tS-BIAD8/plate1/A01.tif\tAlice\n"
        "masks/plate3/A01.tif\tsegmentation_mask\tS-BIAD8/plate3/A01.tif\tAlice\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "rm", "-q", "masks/plate1/A01.tif")
    write(repo, "masks/plate2/A01.tif", content="another well entirely\n")
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert "(carried" not in result.stdout
    assert ["masks/plate2/A01.tif", "", "", ""] in rows(repo / "masks.tsv")
    assert "bia-hooks restore masks/plate1/A01.tif NEW_PATH" in result.stdout


def test_a_file_named_by_two_lists_follows_its_rename_in_both(repo: Path) -> None:
    write(repo, "m/a.tif")
    (repo / "masks.tsv").write_text(HEADER + "m/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\tAlice\n")
    (repo / "extra.tsv").write_text(HEADER + "m/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\t\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "mv", "m/a.tif", "m/a_v2.tif")
    result = run_cli("sync", cwd=repo)
    assert "m/a_v2.tif: error BIA422 named by 2 file lists" in result.stdout
    assert rows(repo / "masks.tsv") == [
        ["m/a_v2.tif", "segmentation_mask", "S-BIAD1/a.tif", "Alice"]
    ]
    assert [r[0] for r in rows(repo / "extra.tsv")] == ["m/a_v2.tif"]
    git(repo, "add", ".")
    again = run_cli("sync", cwd=repo)
    assert again.returncode == 1 and "row(s)" not in again.stdout  # nothing more written
    assert rows(repo / "masks.tsv")[0][3] == "Alice"


def test_a_row_moving_to_another_list_is_not_called_lost(repo: Path) -> None:
    write(repo, "masks/a.tif")
    (repo / "masks.tsv").write_text(
        HEADER + "masks/a.tif\tsegmentation_mask\tS-BIAD1/a\tcellpose\n"
    )
    (repo / "gt.tsv").write_text(HEADER)
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: masks.tsv\n    include: ['masks/**']\n"
        "  - path: gt.tsv\n    include: ['gt/**']\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    (repo / "gt").mkdir()
    git(repo, "mv", "masks/a.tif", "gt/a.tif")
    check = run_cli("sync", "--check", cwd=repo)
    assert "lists 'masks/a.tif', which was renamed to 'gt/a.tif', a file of gt.tsv" in check.stdout
    result = run_cli("sync", cwd=repo)
    assert "moved here from masks.tsv" in result.stdout
    assert "held values a person typed" not in result.stdout
    assert rows(repo / "gt.tsv") == [["gt/a.tif", "segmentation_mask", "S-BIAD1/a", "cellpose"]]


def test_a_plain_folder_gets_no_git_words(tmp_path: Path) -> None:
    write(tmp_path, "labels/a.png", "labels/b.png")
    (tmp_path / "labels.tsv").write_text(
        "Files\tAnnotation type\tSource image\tAnnotator\n"
        "labels/a.png\tclass_labels\tS/a.tif\tAnn\nlabels/old.png\tclass_labels\tS/o.tif\tBo\n"
    )
    outputs = [run_cli("check", cwd=tmp_path), run_cli("sync", cwd=tmp_path)]
    restored = run_cli("restore", "labels/old.png", "labels/b.png", cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert ["labels/b.png", "class_labels", "S/o.tif", "Bo"] in rows(tmp_path / "labels.tsv")
    for said in [*outputs, restored]:
        text = said.stdout + said.stderr
        assert "git" not in text and "stage" not in text and "commit" not in text, text
    assert run_cli("restore", "--list", cwd=tmp_path).stdout.startswith("No removed row")
    lost = run_cli("check", cwd=tmp_path / "labels")
    assert "run it from the upload's top folder, or give --root FOLDER" in lost.stdout


def test_restore_names_every_cell_it_replaces(repo: Path) -> None:
    write(repo, "masks/P1_A01.tif", content="a\n")
    (repo / "masks.tsv").write_text(
        HEADER + "masks/P1_A01.tif\tsegmentation_mask\tS-BIAD1/P1/A01.tif\tAlice\n"
    )
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: masks.tsv\n    source_image:\n"
        "      pattern: '(?P<p>P\\d+)_(?P<w>[A-H]\\d\\d)'\n      format: 'S-BIAD1/{p}/{w}.tif'\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "rm", "-q", "masks/P1_A01.tif")
    write(repo, "masks/P1_B01.tif", content="b, quite another file\n")
    git(repo, "add", ".")
    run_cli("sync", cwd=repo)
    result = run_cli("restore", "masks/P1_A01.tif", "masks/P1_B01.tif", cwd=repo)
    assert "'Source image': 'S-BIAD1/P1/B01.tif' (the default) replaced by" in result.stdout
    assert "masks/P1_A01.tif" not in run_cli("restore", "--list", cwd=repo).stdout


def test_an_unconfigured_list_is_named_and_the_likely_list_suggested(repo: Path) -> None:
    write(repo, "masks/a.tif", "masks/b.tif", "imgs/a.tif")
    (repo / "masks.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\timgs/a.tif\tA\n")
    (repo / "aaa.tsv").write_text("Files\tChannel\nimgs/a.tif\tDAPI\n")
    git(repo, "add", ".")
    ambiguous = run_cli("check", cwd=repo)
    assert "masks/b.tif: error BIA426" in ambiguous.stdout
    assert "- path: masks.tsv  include: ['masks/**']" in ambiguous.stdout
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: masks.tsv\n    include: ['masks/**']\n"
    )
    configured = run_cli("check", cwd=repo)
    assert "aaa.tsv: warning BIA423 this looks like a file list" in configured.stdout
    assert "- path: aaa.tsv" in configured.stdout


def test_a_configured_list_without_files_yet_is_created(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("filelists:\n  - path: tracks/filelist.tsv\n")
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1 and "tracks/filelist.tsv: created" in result.stdout
    assert (repo / "tracks/filelist.tsv").read_text() == "Files\tAnnotation type\tSource image\n"


# --- found by a second trial: merges, folder rows, JSON lists ------------------------------------


def test_a_renamed_folder_row_follows_its_folder(repo: Path) -> None:
    write(repo, "masks/set1/a.tif", content="a\n")
    write(repo, "masks/set1/b.tif", content="b\n")
    (repo / "filelist.tsv").write_text(HEADER + "masks/set1\tsegmentation_mask\tS-BIAD1/s1\tal\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "mv", "masks/set1", "masks/set1_v2")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rows(repo / "filelist.tsv") == [
        ["masks/set1_v2", "segmentation_mask", "S-BIAD1/s1", "al"]
    ]


def test_a_found_json_list_is_never_emptied(repo: Path) -> None:
    write(repo, "d/a.csv", "d/b.csv")
    (repo / "main.tsv").write_text(HEADER + "d/b.csv\tother\tS-BIAD1/b.tif\t\n")
    entry = [{"path": "d/a.csv", "attributes": [{"name": "Annotation type", "value": "tracks"}]}]
    (repo / "tracks.json").write_text(json.dumps(entry))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "rm", "-q", "d/a.csv")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 2
    assert "tracks.json would have no entry left" in result.stderr
    assert json.loads((repo / "tracks.json").read_text()) == entry  # nothing written


def test_a_merge_keeps_the_other_branchs_values_of_the_rows_it_adds(repo: Path) -> None:
    write(repo, "m/a.tif", content="a\n")
    (repo / "list.tsv").write_text(HEADER + "m/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\tx\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    for branch, name in (("A", "b"), ("B", "c")):
        git(repo, "checkout", "-q", "-b", branch, "main")
        write(repo, f"m/{name}.tif", content=f"{name}\n")
        with (repo / "list.tsv").open("a") as f:
            f.write(f"m/{name}.tif\tsegmentation_mask\tS-BIAD1/{name}.tif\tann{branch}\n")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", branch)
    git(repo, "checkout", "-q", "A")
    merged = subprocess.run(["git", "merge", "B"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode == 1  # both appended a row: a conflict
    git(repo, "checkout", "--ours", "list.tsv")  # the user keeps their side
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert "m/c.tif (its values: from MERGE_HEAD's version of list.tsv" in result.stdout
    assert ["m/c.tif", "segmentation_mask", "S-BIAD1/c.tif", "annB"] in rows(repo / "list.tsv")


def test_saved_values_follow_a_rename_git_shows_later(repo: Path) -> None:
    lines = "".join(f"pixel row {i}\n" for i in range(40))
    write(repo, "m/sub/a.tif", content=lines)
    (repo / "list.tsv").write_text(HEADER + "m/sub/a.tif\tsegmentation_mask\tS-BIAD1/a\tbob\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    # Moved and touched up, then `git commit -am`: the hook sees the removal only.
    os.rename(repo / "m/sub/a.tif", repo / "m/b.tif")
    (repo / "m/b.tif").write_text(lines + "one more row\n")
    git(repo, "add", "-u")
    first = run_cli("sync", cwd=repo)
    assert "held values a person typed" in first.stdout
    # The user adds the new file and commits again: now git sees the rename.
    git(repo, "add", "-A")
    second = run_cli("sync", cwd=repo)
    assert "saved when the row of m/sub/a.tif was removed" in second.stdout
    assert rows(repo / "list.tsv") == [["m/b.tif", "segmentation_mask", "S-BIAD1/a", "bob"]]
    assert "m/sub/a.tif" not in run_cli("restore", "--list", cwd=repo).stdout


def test_conflict_markers_stop_the_sync_and_say_so(repo: Path) -> None:
    write(repo, "m/a.tif", "m/b.tif", "m/c.tif")
    half_merged = (
        HEADER + "m/a.tif\tother\tS/a\tx\n<<<<<<< HEAD\nm/b.tif\tother\tS/b\ty\n=======\n"
        "m/c.tif\tother\tS/c\tz\n>>>>>>> feature\n"
    )
    (repo / "list.tsv").write_text(half_merged)
    git(repo, "add", ".")
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1
    assert "list.tsv:3: error BIA232 an unresolved merge conflict" in result.stdout
    assert (repo / "list.tsv").read_text() == half_merged


def test_hooks_on_a_dataset_in_a_folder_of_the_repository(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    from tests.conftest import commit, pre_commit, use_hooks

    (repo / "ds").mkdir()
    (repo / "ds/.bia-hooks.yaml").write_text("filelists:\n  - path: filelist.tsv\n")
    write(repo, "ds/masks/a.tif", "notes.md")
    (repo / "ds/filelist.tsv").write_text(HEADER + "masks/a.tif\tsegmentation_mask\tS/a.tif\tx\n")
    use_hooks(repo, hook_repo, "bia-check-names", "bia-sync-filelist", "bia-validate-filelist",
              args="--root, ds")  # fmt: skip
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    git(repo, "add", ".")
    first = commit(repo, pre_commit_home, "start")
    assert first.returncode == 0, hook_output(first)  # notes.md and the config are not ds's
    write(repo, "ds/masks/b#1.tif", "other#notes.md")
    git(repo, "add", ".")
    refused = commit(repo, pre_commit_home)
    assert refused.returncode == 1
    assert "masks/b#1.tif: error BIA101" in hook_output(refused)
    assert "other#notes.md" not in hook_output(refused)
    assert "outside the dataset root" not in hook_output(refused)
    assert [r[0] for r in rows(repo / "ds/filelist.tsv")] == ["masks/a.tif", "masks/b#1.tif"]


def test_a_row_moving_from_a_workbook_keeps_dates_as_people_read_them(repo: Path) -> None:
    import datetime

    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: masks.xlsx\n    include: ['masks/**']\n"
        "  - path: points.tsv\n    include: ['points/**']\n"
    )
    write(repo, "masks/x.tif")
    book = openpyxl.Workbook()
    book.active.append(["Files", "Annotation type", "Source image", "Imaged", "Checked"])
    book.active.append(["masks/x.tif", "other", "S/x", datetime.datetime(2024, 1, 15), True])
    book.save(repo / "masks.xlsx")
    (repo / "points.tsv").write_text("Files\tAnnotation type\tSource image\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    (repo / "points").mkdir()
    git(repo, "mv", "masks/x.tif", "points/x.tif")
    assert run_cli("sync", cwd=repo).returncode == 1
    lines = (repo / "points.tsv").read_text().splitlines()
    assert lines[0].split("\t")[3:] == ["Imaged", "Checked"]
    assert lines[1].split("\t") == ["points/x.tif", "other", "S/x", "2024-01-15", "TRUE"]


def test_a_season_of_commits_through_pre_commit(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """Cases 2, 4, 5 and 8 of the issue as a user meets them: git commit with the hooks."""
    from tests.conftest import commit, pre_commit, use_hooks

    header = "Files\tAnnotation type\tsource_image_association\tAnnotator\n"
    (repo / ".bia-hooks.yaml").write_text(
        "filelists:\n  - path: filelist.tsv\n    defaults:\n      - match: '**'\n"
        "        values: {annotation type: point_annotations, source_image: S-BIAD1/img.tif}\n"
    )
    points = json.dumps([{"path": "S-BIAD1/img.tif", "x": 1, "y": 2}])
    write(repo, "points/a.json", content=points)
    (repo / "filelist.tsv").write_text(
        header + "points/a.json\tpoint_annotations\tS-BIAD1/img.tif\tAnn\n"
    )
    use_hooks(repo, hook_repo, "bia-sync-filelist", "bia-validate-filelist")
    assert pre_commit(repo, pre_commit_home, "install").returncode == 0
    git(repo, "add", ".")
    first = commit(repo, pre_commit_home, "start")
    assert first.returncode == 0, hook_output(first)
    # A new annotation: its row goes in the list's own source-image column, as wide as the header.
    write(repo, "points/b.json", content=json.dumps([{"path": "S-BIAD1/img.tif", "x": 3}]))
    git(repo, "add", ".")
    assert commit(repo, pre_commit_home).returncode == 1
    git(repo, "add", "filelist.tsv")
    second = commit(repo, pre_commit_home)
    assert second.returncode == 0, hook_output(second)
    # Renamed without telling git, committed with -a: the row follows, git add is asked for.
    os.rename(repo / "points/a.json", repo / "points/a_fixed.json")
    refused = subprocess.run(
        ["git", "commit", "-qam", "renamed"], cwd=repo, capture_output=True, text=True,
        env=dict(os.environ, PRE_COMMIT_HOME=str(pre_commit_home)),
    )  # fmt: skip
    assert refused.returncode == 1
    assert "did you forget git add 'points/a_fixed.json'" in hook_output(refused)
    git(repo, "add", "-A")
    third = commit(repo, pre_commit_home)
    assert third.returncode == 0, hook_output(third)
    assert (repo / "filelist.tsv").read_text() == header + (
        "points/a_fixed.json\tpoint_annotations\tS-BIAD1/img.tif\tAnn\n"
        "points/b.json\tpoint_annotations\tS-BIAD1/img.tif\t\n"
    )
    assert (repo / "points/a_fixed.json").read_text() == points  # annotation data untouched


def test_an_unlocked_annexed_file_moved_without_git_add_keeps_its_row(repo: Path) -> None:
    run(repo, "git", "annex", "init", "-q", "test")
    (repo / ".gitattributes").write_text("*.tsv annex.largefiles=nothing\n")
    write(repo, "m/sub/a.tif", content="pixels of a\n")
    run(repo, "git", "annex", "add", "-q", "m")
    (repo / "filelist.tsv").write_text(HEADER + "m/sub/a.tif\tsegmentation_mask\tS/a\tbob\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    run(repo, "git", "annex", "unlock", "m/sub/a.tif")
    git(repo, "commit", "-qam", "unlocked")
    os.rename(repo / "m/sub/a.tif", repo / "m/b.tif")
    git(repo, "add", "-u")  # `git commit -am`: the removal only
    result = run_cli("sync", cwd=repo)
    assert "did you forget git add 'm/b.tif'" in result.stdout, result.stdout
    assert rows(repo / "filelist.tsv") == [["m/b.tif", "segmentation_mask", "S/a", "bob"]]


@pytest.mark.parametrize("fmt", ["tsv", "xlsx", "json"])
def test_restore_fills_the_existing_row_and_keeps_the_rest_of_it(repo: Path, fmt: str) -> None:
    header = ["Files", "Annotation type", "Source image", "Annotator"]
    values = dict(zip(header[1:], ["tracks", "S/t.tif", "Cy"], strict=True))
    write(repo, "t/old/x.csv")
    if fmt == "json":
        attributes = [{"name": h, "value": v} for h, v in values.items()]
        entry = {"path": "t/old", "type": "directory", "attributes": attributes}
        (repo / "list.json").write_text(json.dumps([entry], indent=4))
    elif fmt == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(header)
        book.active.append(["t/old", *values.values()])
        book.save(repo / "list.xlsx")
    else:
        (repo / "list.tsv").write_text("\t".join(header) + "\nt/old\t" + "\t".join(values.values()))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "rm", "-rq", "t/old")
    write(repo, "t/new/x.csv", content="quite another file\n")
    git(repo, "add", "-A")
    assert "held values a person typed" in run_cli("sync", cwd=repo).stdout  # + a bare new row
    target = "t/new/x.csv"
    if fmt == "json":  # the user lists the new folder as one entry, as the old one was
        target = "t/new"
        bare = {"path": target, "type": "directory", "attributes": [], "size": 1}
        (repo / "list.json").write_text(json.dumps([bare], indent=4))
    result = run_cli("restore", "t/old", target, cwd=repo)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        [restored] = json.loads((repo / "list.json").read_text())
        assert restored["type"] == "directory" and restored["size"] == 1  # the entry's own keys
        assert {a["name"]: a["value"] for a in restored["attributes"]} == values
        assert (repo / "list.json").read_text().startswith("[\n    {")  # the layout kept
        return
    exported = run_cli("export", f"list.{fmt}", "-o", "out.json", cwd=repo)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    [restored] = json.loads((repo / "out.json").read_text())
    assert restored["path"] == target
    assert {a["name"]: a["value"] for a in restored["attributes"]} == values


def test_a_nul_in_a_tsv_path_is_the_path_rule_s_business_not_utf16(repo: Path) -> None:
    """A NUL byte in one row made the sync call the whole list UTF-16 and stop for every list;
    the archive refuses that path (BIA301), and the sync treats the row as any row of a missing
    file: removed, its values saved."""
    write(repo, "a.tif", "b.tif")
    (repo / "list.tsv").write_bytes(
        b"Files\tAnnotation type\tSource image\na.tif\tsegmentation_mask\tS/a\n"
        b"old\x00.tif\tsegmentation_mask\tS/old\n"
    )
    git(repo, "add", "-A")
    check = run_cli("validate", "list.tsv", cwd=repo)
    assert "BIA301" in check.stdout and "UTF-16" not in check.stdout + check.stderr
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "UTF-16" not in result.stderr and "- old\\x00.tif" in result.stdout
    assert (repo / "list.tsv").read_bytes() == (
        b"Files\tAnnotation type\tSource image\na.tif\tsegmentation_mask\tS/a\n"
        b"b.tif\t\t\n"
    )
    assert [r.path for r in rowlog.read(repo)] == ["old\x00.tif"]
