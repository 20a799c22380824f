"""``bia-hooks fix-names``: the plan, then renames that keep history and never overwrite."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT, dvc, git, run_cli, write

from bia_hooks.names import NameSettings
from bia_hooks.renames import plan_renames


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if ".git" not in p.parts and not p.is_dir()}  # fmt: skip


def test_without_apply_it_prints_the_plan_and_moves_nothing(repo: Path) -> None:
    write(repo, "a#1.tif", "ok.tif")
    git(repo, "add", "-A")
    result = run_cli("fix-names", cwd=repo)
    assert result.returncode == 1
    assert "would rename 'a#1.tif' -> 'a-1.tif'" in result.stdout
    assert "--apply" in result.stdout
    assert files(repo) == {"a#1.tif", "ok.tif"}


def test_nothing_to_fix(repo: Path) -> None:
    # Two folders that differ only by letter case: a person merges them, or renames one.
    write(repo, "ok.tif", "Masks/a.tif", "masks/b.tif")
    git(repo, "add", "-A")
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 0 and "Nothing to rename" in result.stdout
    # What no rename fixes is still pointed at, not passed over in silence.
    assert (
        "1 path(s) still have findings no rename fixes; see bia-hooks check-names" in result.stdout
    )


def test_nothing_at_all_to_fix(repo: Path) -> None:
    write(repo, "ok.tif")
    git(repo, "add", "-A")
    result = run_cli("fix-names", cwd=repo)
    assert (result.returncode, result.stdout) == (
        0,
        "Nothing to rename: every name is one the archive accepts.\n",
    )


def test_apply_in_git_renames_stages_and_keeps_history(repo: Path) -> None:
    write(repo, "masks/plate1 A03#2.tif", content="pixels\n" * 50)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "renamed 'masks/plate1 A03#2.tif' -> 'masks/plate1_A03-2.tif'" in result.stdout
    assert files(repo) == {"masks/plate1_A03-2.tif"}
    staged = git(repo, "diff", "--cached", "--name-status", "-M").split("\n")[0]
    assert staged.startswith("R") and staged.endswith("masks/plate1_A03-2.tif")
    git(repo, "commit", "-qm", "rename")
    log = git(repo, "log", "--follow", "--format=%s", "--", "masks/plate1_A03-2.tif")
    assert log.split() == ["rename", "first"]
    assert run_cli("check-names", cwd=repo).returncode == 0


def test_apply_outside_git_is_a_plain_rename(tmp_path: Path) -> None:
    write(tmp_path, "bad:dir/a.tif", "bad:dir/b;.tif", "ok/c.tif")
    result = run_cli("fix-names", "--apply", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert files(tmp_path) == {"bad-dir/a.tif", "bad-dir/b-.tif", "ok/c.tif"}
    assert not (tmp_path / "bad:dir").exists()  # the emptied folder goes too


def test_directory_components_in_git(repo: Path) -> None:
    write(repo, "plate#1/a.tif", "plate#1/sub dir /b.tif")
    git(repo, "add", "-A")
    assert run_cli("fix-names", "--apply", cwd=repo).returncode == 1
    assert set(git(repo, "ls-files").split("\n")) - {""} == {
        "plate-1/a.tif",
        "plate-1/sub_dir/b.tif",
    }
    assert files(repo) == {"plate-1/a.tif", "plate-1/sub_dir/b.tif"}


def test_never_overwrites_an_untracked_file(repo: Path) -> None:
    write(repo, "a#.tif", content="tracked\n")
    git(repo, "add", "a#.tif")
    write(repo, "a-.tif", "z.tif", content="untracked, precious\n")
    write(repo, "b#.tif", content="tracked b\n")
    git(repo, "add", "b#.tif")
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 2
    assert "'a-.tif' already exists" in result.stderr and "Nothing was renamed" in result.stderr
    assert (repo / "a-.tif").read_text() == "untracked, precious\n"
    assert (repo / "a#.tif").read_text() == "tracked\n"
    assert (repo / "b#.tif").exists()  # all of the plan, or nothing


def test_an_untracked_file_where_a_new_folder_goes_stops_before_any_rename(repo: Path) -> None:
    write(repo, "a#.tif", "d#/x.tif")
    git(repo, "add", "-A")
    write(repo, "d-", content="untracked, precious\n")
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'d-' already exists; rename 'd#/x.tif' by hand. Nothing was renamed." in result.stderr
    assert result.stdout == ""
    assert files(repo) == {"a#.tif", "d#/x.tif", "d-"}


def test_never_overwrites_a_tracked_file(repo: Path) -> None:
    write(repo, "a#.tif", content="one\n")
    write(repo, "a-.tif", content="two\n")
    git(repo, "add", "-A")
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 1
    assert "renamed 'a#.tif' -> 'a--1.tif'" in result.stdout
    assert (repo / "a-.tif").read_text() == "two\n" and (repo / "a--1.tif").read_text() == "one\n"


def test_two_names_that_sanitize_alike_get_distinct_names(repo: Path) -> None:
    write(repo, "x#1.tif", content="hash\n")
    write(repo, "x:1.tif", content="colon\n")
    write(repo, "X;1.tif", content="semicolon, differs by case\n")
    git(repo, "add", "-A")
    assert run_cli("fix-names", "--apply", cwd=repo).returncode == 1
    assert files(repo) == {"X-1.tif", "x-1-1.tif", "x-1-2.tif"}  # in sorted order
    contents = {(repo / f).read_text() for f in files(repo)}
    assert len(contents) == 3


def test_fix_only_the_paths_given(repo: Path) -> None:
    write(repo, "a#.tif", "b#.tif")
    git(repo, "add", "-A")
    assert run_cli("fix-names", "--apply", "a#.tif", cwd=repo).returncode == 1
    assert files(repo) == {"a-.tif", "b#.tif"}


def test_spaces_are_renamed_when_the_config_makes_them_errors(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("names:\n  spaces: error\n")
    write(repo, "my data/a b.tif")
    git(repo, "add", "-A")
    assert run_cli("fix-names", "--apply", cwd=repo).returncode == 1
    assert files(repo) == {".bia-hooks.yaml", "my_data/a_b.tif"}


def test_a_tracked_file_missing_on_disk_stops_before_any_rename(repo: Path) -> None:
    write(repo, "a#.tif", "b#.tif")
    git(repo, "add", "-A")
    (repo / "b#.tif").unlink()
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 2 and "'b#.tif' is in the index but not on disk" in result.stderr
    assert (repo / "a#.tif").exists()


@pytest.mark.parametrize(
    ("paths", "everything", "plan"),
    [
        (["a#"], ["a#", "a-/x"], [("a#", "a--1")]),  # the name of a folder is taken
        (["d#/x", "d#/y"], ["d#/x", "d#/y", "d-"], [("d#/x", "d--1/x"), ("d#/y", "d--1/y")]),
        (["CON.tif"], ["CON.tif"], [("CON.tif", "CON_.tif")]),
        (["ok.tif"], ["ok.tif"], []),
    ],
)
def test_plan(paths: list[str], everything: list[str], plan: list[tuple[str, str]]) -> None:
    assert plan_renames(paths, everything, NameSettings()) == plan


@pytest.mark.parametrize(
    "in_git", [True, False], ids=["git before the first commit", "plain folder"]
)
def test_renamed_files_keep_their_rows_in_the_file_list(tmp_path: Path, in_git: bool) -> None:
    root = tmp_path / "dataset"
    write(root, "masks/cell #1.tif", "masks/cell2.tif")
    (root / "masks/filelist.tsv").write_text(
        "Files\tAnnotation type\tSource image\n"
        "masks/cell #1.tif\tsegmentation_mask\tS-BIAD9/img1.tif\n"
        "masks/cell2.tif\tsegmentation_mask\tS-BIAD9/img2.tif\n"
    )
    if in_git:
        git(root, "init", "-q")
        git(root, "add", "-A")
    result = run_cli("fix-names", "--apply", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "masks/filelist.tsv: 1 row(s) follow their renamed file" in result.stdout
    assert (root / "masks/filelist.tsv").read_text() == (
        "Files\tAnnotation type\tSource image\n"
        "masks/cell2.tif\tsegmentation_mask\tS-BIAD9/img2.tif\n"
        "masks/cell_-1.tif\tsegmentation_mask\tS-BIAD9/img1.tif\n"
    )
    if in_git:
        git(root, "add", "-A")
    assert run_cli("sync", "--check", cwd=root).returncode == 0


def test_a_file_list_that_cannot_be_edited_stops_before_anything_moves(tmp_path: Path) -> None:
    root = tmp_path / "dataset"
    write(root, "masks/cell #1.tif")
    (root / ".bia-hooks.yaml").write_text("filelists:\n  - path: masks/filelist.tsv\n")
    (root / "masks/filelist.tsv").write_bytes(
        "Files\tAnnotation type\nmasks/cell #1.tif\tsegmentation_mask\n".encode("utf-16")
    )
    result = run_cli("fix-names", "--apply", cwd=root)
    assert result.returncode == 2
    assert "not UTF-8 text" in result.stderr
    assert (root / "masks/cell #1.tif").exists()


# --- DVC: the data is renamed through DVC, never lost ---


def outs(dvc_file: Path) -> list[str]:
    return [o["path"] for o in yaml.safe_load(dvc_file.read_text())["outs"]]


def test_the_plan_names_the_dvc_commands(dvc_repo: Path) -> None:
    result = run_cli("fix-names", cwd=dvc_repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "would rename 'b#2.tif' -> 'b-2.tif' with dvc move 'b#2.tif' b-2.tif",
        "would rename 'data/a#1.tif' -> 'data/a-1.tif' in the DVC-tracked folder data; "
        "then dvc add data",
        "2 file(s) to rename; run again with --apply to rename them.",
    ]
    assert (dvc_repo / "b#2.tif").exists() and (dvc_repo / "data/a#1.tif").exists()


def test_apply_renames_dvc_data_and_stages_the_dvc_files(dvc_repo: Path) -> None:
    result = run_cli("fix-names", "--apply", cwd=dvc_repo)
    assert result.returncode == 1, result.stderr
    assert "the renames are staged" in result.stdout
    assert (dvc_repo / "b-2.tif").read_text() == "pixels of b\n"
    assert (dvc_repo / "data/a-1.tif").read_text() == "pixels of a\n"
    assert (dvc_repo / "data/ok.tif").read_text() == "pixels of ok\n"
    assert not (dvc_repo / "b#2.tif").exists() and not (dvc_repo / "data/a#1.tif").exists()
    assert outs(dvc_repo / "b-2.tif.dvc") == ["b-2.tif"]
    assert not (dvc_repo / "b#2.tif.dvc").exists()
    unstaged = git(dvc_repo, "diff", "--name-only")  # what DVC changed is staged
    assert unstaged == ""
    assert run_cli("check-names", cwd=dvc_repo).returncode == 0
    # DVC knows the data under its new names: nothing to commit, nothing missing.
    status = subprocess.run(["dvc", "status"], cwd=dvc_repo, capture_output=True, text=True)
    assert status.returncode == 0 and "up to date" in status.stdout


def test_dvc_data_in_a_plain_folder(tmp_path: Path) -> None:
    root = tmp_path / "dataset"
    root.mkdir()
    dvc(root, "init", "-q", "--no-scm")
    write(root, "b#2.tif", content="pixels of b\n")
    dvc(root, "add", "-q", "b#2.tif")
    result = run_cli("fix-names", "--apply", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "git" not in result.stdout
    assert (root / "b-2.tif").read_text() == "pixels of b\n"
    assert outs(root / "b-2.tif.dvc") == ["b-2.tif"]


def test_a_dvc_file_with_two_outputs_is_renamed_by_hand(repo: Path) -> None:
    write(repo, "x#.tif", "y.tif")
    (repo / "pair.dvc").write_text(
        "outs:\n- path: x#.tif\n  md5: 0123456789abcdef0123456789abcdef\n"
        "- path: y.tif\n  md5: 0123456789abcdef0123456789abcdee\n"
    )
    git(repo, "add", "pair.dvc")
    plan = run_cli("fix-names", cwd=repo)
    assert plan.returncode == 1
    assert "cannot rename 'x#.tif' -> 'x-.tif' for you: pair.dvc tracks several" in plan.stdout
    assert "1 of them must be renamed by hand" in plan.stdout
    applied = run_cli("fix-names", "--apply", cwd=repo)
    assert applied.returncode == 2 and "Nothing was renamed" in applied.stderr
    assert (repo / "x#.tif").exists()


def test_without_the_dvc_command_nothing_moves(repo: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    write(repo, "b#2.tif", "a#.tif")
    (repo / "b#2.tif.dvc").write_text(
        "outs:\n- path: b#2.tif\n  md5: 0123456789abcdef0123456789abcdef\n"
    )
    git(repo, "add", "b#2.tif.dvc", "a#.tif")
    bin = tmp_path / "bin"
    bin.mkdir()
    git_exe = shutil.which("git")
    assert git_exe is not None
    os.symlink(git_exe, bin / "git")
    monkeypatch.setenv("PATH", str(bin))
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 2, result.stderr
    assert "needs the dvc command" in result.stderr
    assert "dvc move 'b#2.tif' b-2.tif" in result.stderr
    assert (repo / "b#2.tif").exists() and (repo / "a#.tif").exists()


# --- names the file system takes, and no rename left half done --------------------------------

LONG = "b" + "+" * 200 + ".tif"  # 205 bytes; each '+' becomes '--': 405 bytes, over the limit


def _listed(root: Path, *paths: str) -> None:
    rows = "".join(f"{p}\tsegmentation_mask\tS-BIAD1/{i}.tif\n" for i, p in enumerate(paths))
    (root / "list.tsv").write_text("Files\tAnnotation type\tSource image\n" + rows)


@pytest.mark.parametrize("in_git", [False, True])
def test_new_names_fit_in_255_bytes_and_stay_unique(tmp_path: Path, in_git: bool) -> None:
    twin = "b" + "+" * 200 + "#.tif"  # cut to the same 255 bytes as LONG: numbered
    write(tmp_path, "d/a#.tif", f"d/{LONG}", f"d/{twin}")
    _listed(tmp_path, "d/a#.tif", f"d/{LONG}", f"d/{twin}")
    if in_git:
        git(tmp_path, "init", "-q")
        git(tmp_path, "add", "-A")
    result = run_cli("fix-names", "--apply", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "3 file(s) renamed" in result.stdout
    names = sorted(os.listdir(tmp_path / "d"))
    assert len(names) == 3 and "a-.tif" in names
    assert all(len(n.encode()) <= 255 and n.endswith(".tif") for n in names)
    assert [len(n.encode()) for n in names if n.startswith("b")] == [255, 255]
    rows = (tmp_path / "list.tsv").read_text().splitlines()[1:]
    assert sorted(r.split("\t")[0] for r in rows) == sorted(f"d/{n}" for n in names)
    assert sorted(r.split("\t")[2] for r in rows) == [f"S-BIAD1/{i}.tif" for i in range(3)]


def test_a_file_system_with_shorter_names_refuses_the_whole_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bia_hooks.cli import main
    from bia_hooks.commands import fix_names

    write(tmp_path, "a#.tif", "c" * 120 + "#.tif")
    _listed(tmp_path, "a#.tif", "c" * 120 + "#.tif")
    monkeypatch.setattr(fix_names, "_name_max", lambda root: 100)  # eCryptfs takes 143
    assert main(["fix-names", "--apply", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is 125 bytes long, and this file system takes at most 100" in err
    assert "Nothing was renamed" in err
    assert sorted(os.listdir(tmp_path)) == sorted(["a#.tif", "c" * 120 + "#.tif", "list.tsv"])


def test_a_rename_failing_halfway_says_what_moved_and_keeps_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bia_hooks.cli import main

    write(tmp_path, "a#.tif", "b#.tif", "c#.tif")
    _listed(tmp_path, "a#.tif", "b#.tif", "c#.tif")
    rename = os.rename
    calls = []

    def full_disk_on_the_second(source: str, target: str) -> None:
        calls.append(source)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        rename(source, target)

    monkeypatch.setattr(os, "rename", full_disk_on_the_second)
    assert main(["fix-names", "--apply", "--root", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert "renamed 'a#.tif' -> 'a-.tif'" in out
    assert "list.tsv: 1 row(s) follow their renamed file" in out
    assert "stopped halfway: cannot rename 'b#.tif' to 'b-.tif': No space left on device" in err
    assert "1 of 3 file(s) were renamed" in err and "not renamed: 'b#.tif', 'c#.tif'" in err
    assert sorted(os.listdir(tmp_path)) == ["a-.tif", "b#.tif", "c#.tif", "list.tsv"]
    rows = (tmp_path / "list.tsv").read_text().splitlines()[1:]
    assert rows == [
        "a-.tif\tsegmentation_mask\tS-BIAD1/0.tif",
        "b#.tif\tsegmentation_mask\tS-BIAD1/1.tif",
        "c#.tif\tsegmentation_mask\tS-BIAD1/2.tif",
    ]
    # The rest, once the cause is fixed: nothing lost on the way.
    monkeypatch.undo()
    assert main(["fix-names", "--apply", "--root", str(tmp_path)]) == 1
    rows = (tmp_path / "list.tsv").read_text().splitlines()[1:]
    assert [r.split("\t")[0] for r in rows] == ["a-.tif", "b-.tif", "c-.tif"]


def test_a_list_saved_while_files_are_renamed_keeps_the_edit_and_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bia_hooks import atomic
    from bia_hooks.cli import main

    write(tmp_path, "a#.tif", "b.tif")
    _listed(tmp_path, "a#.tif", "b.tif")
    stage = atomic._stage

    def person_saves_first(path: Path, data: bytes | str) -> str:
        if not any(".tmp" in n for n in os.listdir(tmp_path)):
            text = (tmp_path / "list.tsv").read_text()
            (tmp_path / "list.tsv").write_text(text.replace("S-BIAD1/1.tif", "EDITED"))
        return stage(path, data)

    monkeypatch.setattr(atomic, "_stage", person_saves_first)
    assert main(["fix-names", "--apply", "--root", str(tmp_path)]) == 1
    assert (tmp_path / "list.tsv").read_text().splitlines()[1:] == [
        "a-.tif\tsegmentation_mask\tS-BIAD1/0.tif",
        "b.tif\tsegmentation_mask\tEDITED",
    ]


def _fill(folder: Path) -> None:
    """Fill the file system of ``folder`` to its last byte."""
    fd = os.open(folder / "fill", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 1024):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system of its own (tmpfs), to be filled: needs root to mount it."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_halfway_says_what_is_renamed_staged_and_listed(small_disk: Path) -> None:
    names = [f"m/g#{i}.tif" for i in range(1, 6)]
    for name in names:  # contents of their own: git tells which file each rename is
        write(small_disk, name, content=f"pixels of {name}\n")
    _listed(small_disk, *names)
    git(small_disk, "init", "-q")
    git(small_disk, "add", "-A")
    git(small_disk, "commit", "-qm", "files")
    before = (small_disk / "list.tsv").read_bytes()
    _fill(small_disk)
    result = run_cli("fix-names", "--apply", cwd=small_disk)
    assert result.returncode == 2
    # git moved the first file, then could not write its index: it is renamed, not staged.
    assert sorted(os.listdir(small_disk / "m")) == ["g#2.tif", "g#3.tif", "g#4.tif", "g#5.tif",
                                                  "g-1.tif"]  # fmt: skip
    assert "m/g#1.tif" in git(small_disk, "ls-files")
    assert (small_disk / "list.tsv").read_bytes() == before
    message = result.stderr.splitlines()[-1]
    assert "the files are renamed" not in message
    assert message == (
        "bia-hooks fix-names: stopped halfway: git mv 'm/g#1.tif' 'm/g-1.tif' failed. 1 of 5 "
        "file(s) were renamed: 'm/g#1.tif' -> 'm/g-1.tif'; not renamed: 'm/g#2.tif', "
        "'m/g#3.tif', 'm/g#4.tif', 'm/g#5.tif'. Not staged (git could not record it in its "
        "index): 'm/g#1.tif' -> 'm/g-1.tif'. Their rows could not follow them: cannot write "
        f"{small_disk / 'list.tsv'}: No space left on device; free some space on that disk, then "
        "run the command again; the file is unchanged: its rows still name the old paths. Fix "
        "the cause, then run git --literal-pathspecs add -A -- 'm/g#1.tif' m/g-1.tif (stages "
        "what was renamed); then 'bia-hooks fix-names --apply' again for the rest; then "
        "'bia-hooks sync' (the rows follow the renamed files; the values of a row it cannot "
        "carry over are saved for 'bia-hooks restore')"
    )
    # The advice, followed once there is room again, leaves nothing behind.
    os.remove(small_disk / "fill")
    subprocess.run(["git", "--literal-pathspecs", "add", "-A", "--", "m/g#1.tif", "m/g-1.tif"],
                   cwd=small_disk, check=True)  # fmt: skip
    assert run_cli("fix-names", "--apply", cwd=small_disk).returncode == 1
    assert run_cli("sync", cwd=small_disk).returncode == 1
    rows = (small_disk / "list.tsv").read_text().splitlines()[1:]
    assert rows == [f"m/g-{i}.tif\tsegmentation_mask\tS-BIAD1/{i - 1}.tif" for i in range(1, 6)]


def test_letter_case_twins_of_one_folder_are_numbered_and_keep_their_rows(repo: Path) -> None:
    """BIA107 says the two collide on macOS and Windows: fix-names keeps the first in sorted
    order and numbers the others; each row follows its file with its values."""
    write(repo, "m/a.tif", "m/A.tif", "m/b c.tif")
    (repo / "list.tsv").write_text(
        "Files\tAnnotation type\tSource image\tNote\n"
        "m/A.tif\tsegmentation_mask\tS/A\ttyped A\n"
        "m/a.tif\tsegmentation_mask\tS/a\ttyped a\n"
        "m/b c.tif\tsegmentation_mask\tS/b\ttyped b\n"
    )
    git(repo, "add", "-A")
    before = run_cli("check-names", cwd=repo)
    assert "BIA107" in before.stdout and "fix-names numbers all but the first" in before.stdout
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "renamed 'm/a.tif' -> 'm/a-1.tif'" in result.stdout
    assert "renamed 'm/b c.tif' -> 'm/b_c.tif'" in result.stdout
    assert files(repo) == {"list.tsv", "m/A.tif", "m/a-1.tif", "m/b_c.tif"}
    assert (repo / "list.tsv").read_text() == (
        "Files\tAnnotation type\tSource image\tNote\n"
        "m/A.tif\tsegmentation_mask\tS/A\ttyped A\n"
        "m/a-1.tif\tsegmentation_mask\tS/a\ttyped a\n"
        "m/b_c.tif\tsegmentation_mask\tS/b\ttyped b\n"
    )
    git(repo, "add", "list.tsv")
    after = run_cli("check-names", cwd=repo)
    assert after.returncode == 0 and "BIA107" not in after.stdout


def test_help_says_what_it_fixes() -> None:
    result = run_cli("fix-names", "--help", cwd=PROJECT)
    text = " ".join(result.stdout.split())
    assert "BIA103, unless names.spaces is 'allow'" in text and "BIA107" in text
    assert "Not renamed: junk and lock files" in text


def test_a_renamed_folder_the_configuration_names_is_pointed_out(repo: Path) -> None:
    """The configuration is the user's file: not rewritten, but what to edit in it is said."""
    write(repo, "my tracks/t1.csv")
    (repo / ".bia-hooks.yaml").write_text(
        'filelists:\n  - path: tracks.tsv\n    include: ["my tracks/**"]\n'
    )
    (repo / "tracks.tsv").write_text(
        "Files\tAnnotation type\tSource image\nmy tracks/t1.csv\ttracks\tS/a\n"
    )
    git(repo, "add", "-A")
    result = run_cli("fix-names", "--apply", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert (
        ".bia-hooks.yaml still names the folder 'my tracks', now 'my_tracks': edit it there"
        in result.stdout
    )
    assert '"my tracks/**"' in (repo / ".bia-hooks.yaml").read_text()
