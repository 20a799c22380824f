"""The upload plan: sizes read without the content (git blobs, annex keys, DVC files, a folder's
stat), the method the archive recommends for them, and what must be fetched first; on real
folders, git, git-annex and DVC repositories, and through ``bia-hooks upload-plan`` and
``bia-hooks check --report``.

Big sizes are never written: an annex key names its size (``git annex fromkey``), a ``.dvc``
file states it, and a plain folder's big file is sparse (its size, not its blocks).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks.summary import render_summary, report_problem
from bia_hooks.uploadfiles import upload_items
from bia_hooks.uploadplan import (
    GB,
    TB,
    Item,
    human_size,
    make_plan,
    plan_findings,
    render_markdown,
    render_text,
    shorten,
    to_json,
)
from tests.conftest import dvc, git, run_cli, write

# --- the archive's rule, on items --------------------------------------------------------------


def files(*sizes: int | None) -> list[Item]:
    return [Item(f"f{i:03d}.tif", s) for i, s in enumerate(sizes)]


@pytest.mark.parametrize(
    ("items", "method", "certain"),
    [
        (files(10, 20), "web", True),
        (files(20 * GB - 1), "web", True),  # "less than 20GB per individual file"
        (files(20 * GB), "ftp", True),
        (files(*[10 * GB - 1] * 5), "web", True),  # 50 GB less 5 bytes in all
        (files(*[10 * GB] * 5), "ftp", True),  # "less than 50GB total size"
        (files(*[10 * GB] * 100), "ftp", True),  # "up to 1TB total size": exactly 1 TB
        (files(*[10 * GB] * 100, 1), "aspera", True),
        (files(10, None), "web", False),  # an unknown size could change it
        (files(60 * GB, None), "ftp", False),  # ... to Aspera
        (files(2 * TB, None), "aspera", True),  # unknown sizes only add to it
        # A DVC folder of 3 files whose sizes are unknown one by one: one may be 20 GB.
        ([Item("masks", 25 * GB, files=3)], "web", False),
        ([Item("masks", 19 * GB, files=3)], "web", True),
    ],
)
def test_the_method_follows_the_help_pages_table(
    items: list[Item], method: str, certain: bool
) -> None:
    plan = make_plan(items)
    assert (plan.method, plan.certain) == (method, certain), plan.reason


def test_the_reason_names_the_limit_and_the_file() -> None:
    plan = make_plan([Item("a/big.tif", 31 * GB), Item("b.tif", 5)])
    assert plan.reason == (
        "the largest file, a/big.tif, is 31.0 GB: 20 GB or more (the web upload takes under "
        "50 GB in all and under 20 GB per file; the web page refuses files over 30 GB); FTP "
        "takes up to 1 TB in all"
    )
    assert (plan.files, plan.size, plan.largest) == (2, 31 * GB + 5, ("a/big.tif", 31 * GB))
    unknown = make_plan([Item("a.tif", 1), Item("x/unknown.tif", None)])
    assert "the size of 1 item is unknown (x/unknown.tif)" in unknown.reason
    assert unknown.unsized == ["x/unknown.tif"]


def test_a_folder_of_unknown_count_is_said_so() -> None:
    plan = make_plan([Item("a.tif", 1), Item("masks", None, files=None)])
    assert (plan.files, plan.uncounted, plan.unsized) == (1, ["masks"], ["masks"])
    assert "number of files unknown: 1 DVC folder" in render_text(to_json(plan))


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1500, "1.5 kB"), (20 * GB, "20.0 GB"),
     (123 * GB, "123 GB"), (3 * TB // 2, "1.5 TB")],
)  # fmt: skip
def test_sizes_are_in_the_pages_decimal_units(n: int, expected: str) -> None:
    assert human_size(n) == expected


def test_many_paths_are_shortened_to_their_folders() -> None:
    paths = [f"masks/plate{p}/well{w}.tif" for p in range(3) for w in range(20)]
    assert shorten(paths, 10) == ["masks/plate0", "masks/plate1", "masks/plate2"]
    assert shorten(paths[:2], 10) == paths[:2]
    assert shorten([f"p{i}/a.tif" for i in range(11)], 10) == ["."]
    assert shorten(["top.tif", *paths], 10) == ["masks/plate0", "masks/plate1", "masks/plate2",
                                                 "top.tif"]  # fmt: skip


_names = st.text(alphabet="ab-", min_size=1, max_size=3)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(_names, min_size=1, max_size=4).map("/".join), max_size=40),
       st.integers(min_value=1, max_value=12))  # fmt: skip
def test_shortened_targets_cover_every_path_within_the_limit(paths: list[str], limit: int) -> None:
    # Paths of a dataset: no file is also a folder of another.
    paths = [p for p in paths if not any(q.startswith(p + "/") for q in paths)]
    targets = shorten(paths, limit)
    assert len(targets) <= max(limit, 1)
    for path in paths:
        assert any(t == "." or path == t or path.startswith(t + "/") for t in targets), path


def test_absent_content_gives_one_command_per_tool_and_one_finding_per_target() -> None:
    items = [Item(f"masks/p{p}/w{w}.tif", 10, False, 1, "git-annex", f"masks/p{p}/w{w}.tif")
             for p in range(2) for w in range(6)]  # fmt: skip
    items += [Item("-odd name.tif", 3, False, 1, "git-annex", "-odd name.tif")]
    items += [
        Item("data/a.tif", None, False, 1, "dvc", "data"),
        Item("img", 9, False, 4, "dvc", "img"),
        Item("gone.tif", None, False, 1, "link"),
    ]
    plan = make_plan([*items, Item("here.tif", 5)])
    annex, dvc_, link = plan.absent
    assert annex.command == "git annex get './-odd name.tif' masks/p0 masks/p1"
    assert (annex.files, annex.size) == (13, 123)
    assert dvc_.command == "dvc pull data img" and dvc_.files == 5
    assert link.command is None and link.paths == ["gone.tif"]
    found = [(f.code, f.path, f.fix) for f in plan_findings(plan)]
    assert found == [
        (
            "BIA601",
            "-odd name.tif",
            "run `git annex get './-odd name.tif'` from the dataset's root",
        ),
        ("BIA601", "masks/p0", "run `git annex get masks/p0` from the dataset's root"),
        ("BIA601", "masks/p1", "run `git annex get masks/p1` from the dataset's root"),
        ("BIA602", "data", "run `dvc pull data` from the dataset's root"),
        ("BIA602", "img", "run `dvc pull img` from the dataset's root"),
        ("BIA603", "gone.tif", "restore the file the link names, or delete the link"),
    ]
    assert plan_findings(plan)[1].message.startswith("git-annex tracks 6 files here whose content")
    assert plan_findings(plan)[4].message.startswith("DVC tracks 4 files here that the workspace")


def test_many_dvc_outputs_are_pulled_by_one_dvc_pull() -> None:
    items = [Item(f"d{i}", 1, False, 1, "dvc", f"d{i}") for i in range(11)]
    (absent,) = make_plan(items).absent
    assert (absent.command, absent.targets) == ("dvc pull", [])
    (finding,) = plan_findings(make_plan(items))
    assert (finding.path, finding.fix) == ("", "run `dvc pull` from the dataset's root")


def test_paths_from_the_dataset_stay_inert_in_text_and_markdown() -> None:
    hostile = "a\n::error::x|<b>`*_[l](u).tif"
    plan = to_json(make_plan([Item(hostile, 30 * GB), Item("z", 1, False, 1, "link")]))
    text = render_text(plan)
    assert "\n::" not in text and "a\\n:\\x3aerror" in text
    md = render_markdown(plan)
    assert "<b>" not in md and "\\<b\\>" in md and "\\`" in md and "\\|" in md


# --- real datasets -----------------------------------------------------------------------------


def sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no room on the disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)


def test_a_plain_folder_is_measured_on_disk(tmp_path: Path) -> None:
    write(tmp_path, "masks/a.tif", content="12345")
    sparse(tmp_path / "masks/huge.tif", 60 * GB)
    os.symlink("nowhere.tif", tmp_path / "masks/link.tif")
    os.symlink("a.tif", tmp_path / "masks/alias.tif")
    write(tmp_path, ".git-like/.dvc/config")  # a .dvc folder is machinery, not uploaded
    items = {i.path: i for i in upload_items(tmp_path)}
    assert items["masks/a.tif"] == Item("masks/a.tif", 5)
    assert items["masks/alias.tif"].size == 5  # a link uploads what it leads to
    assert items["masks/link.tif"] == Item("masks/link.tif", None, False, 1, "link")
    plan = make_plan(items.values())
    assert (plan.method, plan.files, plan.largest) == ("ftp", 4, ("masks/huge.tif", 60 * GB))
    assert plan.reason.startswith(
        "60.0 GB in all: 50 GB or more; the largest file, masks/huge.tif, is 60.0 GB: 20 GB or more"
    )
    assert [f.code for f in plan_findings(plan)] == ["BIA603"]


def test_nothing_outside_the_dataset_is_measured(tmp_path: Path) -> None:
    """A link (or a configured file list) leading out of the dataset is not followed: no size of
    a file elsewhere reaches the plan, or a report a pull request's author can read."""
    outside = tmp_path / "outside"
    write(outside, "secret.bin", content="x" * 1234)
    root = tmp_path / "dataset"
    write(root, "a.tif", content="a")
    os.symlink(outside / "secret.bin", root / "link.tif")
    os.symlink(outside, root / "lists")
    items = {i.path: i for i in upload_items(root, ["lists/secret.bin"])}
    assert items == {
        "a.tif": Item("a.tif", 1),
        "link.tif": Item("link.tif", None),
        "lists": Item("lists", None),  # a link to a folder: the listing's, not followed here
    }


def test_a_git_repository_reads_its_blob_sizes_from_the_index(repo: Path) -> None:
    write(repo, "masks/a.tif", content="staged\n")
    write(repo, "notes.txt", content="12\n")
    os.symlink("a.tif", repo / "masks/alias.tif")
    write(repo, ".gitignore", content="*.log\n")  # the repository's own: not uploaded
    git(repo, "add", ".")
    write(repo, "masks/a.tif", content="changed on disk, not staged\n")
    items = {i.path: i for i in upload_items(repo, ["lists/masks.tsv"])}
    assert items == {
        "masks/a.tif": Item("masks/a.tif", 7),  # what the index holds, what the upload checks
        "masks/alias.tif": Item("masks/alias.tif", 28),  # the file it leads to, on disk
        "notes.txt": Item("notes.txt", 3),
    }
    write(repo, "lists/masks.tsv", content="Files\n")  # a configured list not added yet
    assert {i.path: i.size for i in upload_items(repo, ["lists/masks.tsv"])}["lists/masks.tsv"] == 6
    assert make_plan(items.values()).method == "web"


def run(repo: Path, *args: str) -> str:
    done = subprocess.run(args, cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def annex_key(size: int, name: str) -> str:
    """A SHA256E key for content never written: git-annex records its size in the key."""
    return f"SHA256E-s{size}--{name.encode().hex().ljust(64, '0')[:64]}.tif"


@pytest.fixture
def annex_repo(repo: Path) -> Path:
    """Annexed files: one here, one dropped, and twelve registered by key, never written."""
    run(repo, "git", "annex", "init", "-q", "test")
    write(repo, "masks/here.tif", content="here\n")
    write(repo, "masks/dropped.tif", content="dropped\n")
    run(repo, "git", "annex", "add", "-q", "masks")
    git(repo, "commit", "-qm", "annexed")
    run(repo, "git", "annex", "drop", "-q", "--force", "masks/dropped.tif")
    return repo


def fromkey(repo: Path, size: int, path: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    run(repo, "git", "annex", "fromkey", "-q", "--force", annex_key(size, path), path)


@pytest.mark.parametrize(
    ("sizes", "method"),
    [
        ([3 * GB] * 12, "web"),  # 36 GB in all, no file of 20 GB
        ([5 * GB] * 12, "ftp"),  # 60 GB in all
        ([100 * GB] * 12, "aspera"),  # 1.2 TB in all
    ],
)
def test_annexed_files_sized_by_their_keys_without_their_content(
    annex_repo: Path, sizes: list[int], method: str
) -> None:
    for i, size in enumerate(sizes):
        fromkey(annex_repo, size, f"plates/p{i % 3}/w{i}.tif")
    items = {i.path: i for i in upload_items(annex_repo)}
    assert items["masks/here.tif"] == Item("masks/here.tif", 5, True, 1, "git-annex",
                                           "masks/here.tif")  # fmt: skip
    assert items["masks/dropped.tif"].present is False
    plan = make_plan(items.values())
    assert (plan.method, plan.files, plan.size) == (method, 14, sum(sizes) + 13)
    (absent,) = plan.absent
    assert absent.files == 13  # 12 never here, 1 dropped
    # 13 paths are more than a command should name: their folders instead.
    assert absent.command == "git annex get masks/dropped.tif plates/p0 plates/p1 plates/p2"
    assert [f.path for f in plan_findings(plan)] == ["masks/dropped.tif", "plates/p0",
                                                     "plates/p1", "plates/p2"]  # fmt: skip


def test_a_clone_without_the_annex_has_no_content_at_all(annex_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{annex_repo}", str(clone))
    plan = make_plan(upload_items(clone))
    assert (plan.size, plan.absent[0].command) == (
        13,
        "git annex get masks/dropped.tif masks/here.tif",
    )


@pytest.fixture
def dvc_origin(repo: Path) -> Path:
    dvc(repo, "init", "-q")
    write(repo, "masks/a.tif", content="aaaa\n")
    write(repo, "masks/b.tif", content="bb\n")
    write(repo, "single.tif", content="single\n")
    dvc(repo, "add", "-q", "masks", "single.tif")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dvc")
    return repo


def test_a_dvc_repository_without_cache_sizes_from_its_dvc_files(
    dvc_origin: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(dvc_origin), str(clone))
    assert not (clone / ".dvc" / "cache").exists() and not (clone / "masks").exists()
    items = {i.path: i for i in upload_items(clone)}
    assert items == {
        "masks": Item("masks", 8, False, 2, "dvc", "masks"),  # size and nfiles of masks.dvc
        "single.tif": Item("single.tif", 7, False, 1, "dvc", "single.tif"),
    }
    plan = make_plan(items.values())
    assert (plan.method, plan.files, plan.size) == ("web", 3, 15)
    assert plan.absent[0].command == "dvc pull masks single.tif"
    assert [(f.code, f.path) for f in plan_findings(plan)] == [("BIA602", "masks"),
                                                              ("BIA602", "single.tif")]  # fmt: skip


def test_a_dvc_folder_missing_one_file_counts_the_rest_by_its_total(dvc_origin: Path) -> None:
    (dvc_origin / "masks/a.tif").unlink()  # the manifest is in the cache: files known by name
    items = {i.path: i for i in upload_items(dvc_origin)}
    assert items["masks/b.tif"] == Item("masks/b.tif", 3, True, 1, "dvc", "masks")
    # masks.dvc says 8 bytes in all: what is not here is the other 5, in 1 file.
    assert items["masks"] == Item("masks", 5, False, 1, "dvc", "masks")
    assert make_plan(items.values()).absent[0].command == "dvc pull masks"


def test_dvc_files_state_sizes_that_pick_each_method(repo: Path) -> None:
    """.dvc files as DVC writes them for data never pulled here: 2 TB of images, and a folder of
    1,000 masks whose manifest this clone has not."""
    dvc(repo, "init", "-q")
    (repo / "images.dvc").write_text(
        f"outs:\n- md5: {'1' * 32}\n  size: {2 * TB}\n  hash: md5\n  path: images.tif\n"
    )
    (repo / "masks.dvc").write_text(
        f"outs:\n- md5: {'2' * 32}.dir\n  size: {30 * GB}\n  nfiles: 1000\n  hash: md5\n"
        "  path: masks\n"
    )
    (repo / "labels.dvc").write_text(f"outs:\n- md5: {'3' * 32}.dir\n  hash: md5\n  path: labels\n")
    git(repo, "add", "-A")
    plan = make_plan(upload_items(repo))
    assert (plan.method, plan.files, plan.size) == ("aspera", 1001, 2 * TB + 30 * GB)
    assert (plan.unsized, plan.uncounted) == (["labels"], ["labels"])
    assert plan.absent[0].command == "dvc pull images.tif labels masks"
    (repo / "images.dvc").unlink()
    git(repo, "rm", "-q", "--cached", "images.dvc")
    plan = make_plan(upload_items(repo))
    # 30 GB in 1,000 files whose sizes are not known one by one: web, unless one is 20 GB.
    assert (plan.method, plan.certain) == ("web", False)
    assert "labels" in plan.reason and "masks holds 30.0 GB" in plan.reason


# --- the command, the report and the summary ---------------------------------------------------


def test_upload_plan_prints_the_plan_and_what_blocks_it(annex_repo: Path) -> None:
    fromkey(annex_repo, 25 * GB, "big.tif")
    result = run_cli("upload-plan", cwd=annex_repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Upload: 3 files, 25.0 GB in all; the largest: big.tif (25.0 GB)",
        "Method: FTP (the FTP/Aspera tab of https://www.ebi.ac.uk/biostudies/submissions/files)",
        "  why: the largest file, big.tif, is 25.0 GB: 20 GB or more (the web upload takes "
        "under 50 GB in all and under 20 GB per file); FTP takes up to 1 TB in all",
        "Not here: 2 files (annexed, content not in this clone), 25.0 GB",
        "  fetch before uploading, from the dataset's root: git annex get big.tif "
        "masks/dropped.tif",
        "The archive deletes the upload area after three months: upload when ready to submit.",
        "big.tif: warning BIA601 git-annex tracks 1 file here whose content is not in this clone "
        "(dropped, or never fetched): the content must be here to be uploaded -> run `git annex "
        "get big.tif` from the dataset's root",
        "masks/dropped.tif: warning BIA601 git-annex tracks 1 file here whose content is not in "
        "this clone (dropped, or never fetched): the content must be here to be uploaded -> run "
        "`git annex get masks/dropped.tif` from the dataset's root",
        "0 error(s), 2 warning(s)",
    ]
    as_json = json.loads(run_cli("upload-plan", "--format", "json", cwd=annex_repo).stdout)
    assert as_json["version"] == 1 and as_json["summary"]["by_code"] == {"BIA601": 2}
    assert as_json["upload_plan"]["method"] == "ftp"
    assert as_json["upload_plan"]["absent"][0]["paths"] == ["big.tif", "masks/dropped.tif"]
    md = run_cli("upload-plan", "--format", "markdown", cwd=annex_repo).stdout
    assert md.startswith("# Upload\n\n**Upload with FTP**")
    assert "<code>git annex get big.tif masks/dropped.tif</code>" in md


def test_severity_applies_to_the_plans_findings(annex_repo: Path) -> None:
    (annex_repo / ".bia-hooks.yaml").write_text("version: 1\nseverity: {BIA601: off}\n")
    result = run_cli("upload-plan", cwd=annex_repo)
    assert result.returncode == 0 and "BIA601" not in result.stdout
    assert "git annex get masks/dropped.tif" in result.stdout  # the plan still says it


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "github"], "invalid choice: 'github'"), (["--root", "nope"], "no such folder")],
)
def test_upload_plan_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("upload-plan", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_the_check_report_and_its_summary_hold_the_plan(annex_repo: Path, tmp_path: Path) -> None:
    write(annex_repo, "filelist.tsv", content="Files\tAnnotation type\tSource image\n")
    git(annex_repo, "add", "filelist.tsv")
    report = tmp_path / "report.json"
    result = run_cli("check", "--report", str(report), cwd=annex_repo)
    assert result.returncode == 1 and "BIA601" not in result.stdout  # see test below
    data = json.loads(report.read_text())
    assert data["version"] == 1 and report_problem(data) is None
    plan = data["upload_plan"]
    assert (plan["files"], plan["bytes"], plan["method"]) == (3, 13 + 35, "web")
    summary = render_summary(data)
    assert "### Upload\n\n**Upload with the submission tool's upload page**" in summary
    assert "<code>git annex get masks/dropped.tif</code>" in summary
    assert report_problem({**data, "upload_plan": []}) == "upload_plan is an array, not an object"


def test_the_check_leaves_absent_content_to_the_plan(annex_repo: Path) -> None:
    """CI checks a clone without the content (by design): the check's findings stay about what
    the archive reads, and the report's plan says what to fetch before the upload."""
    result = run_cli("check", "--format", "json", cwd=annex_repo)
    data = json.loads(result.stdout)
    assert "BIA601" not in data["summary"]["by_code"]
    assert data["upload_plan"]["absent"][0]["command"] == "git annex get masks/dropped.tif"


def test_junk_and_leftovers_are_not_uploaded(tmp_path: Path) -> None:
    """The files of the upload are the dataset's files (tree.dataset_files): no .DS_Store, no
    lock file, no temporary file of an interrupted write."""
    write(tmp_path, "masks/a.tif", "masks/.DS_Store", "masks/~$list.xlsx", ".list.tsv.abcd1234.tmp")
    assert [item.path for item in upload_items(tmp_path)] == ["masks/a.tif"]
