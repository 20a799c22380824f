"""``bia-hooks init``: what it guesses (pure), what it writes and tells (the CLI), and the first
commit through real pre-commit, in an empty repository, one with annotations, a plain folder and
a git-annex repository."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bia_hooks import scaffold
from bia_hooks.config import load_config
from bia_hooks.pathrule import passes_server_rule
from bia_hooks.safe_text import printable
from bia_hooks.scaffold import Survey, guess_sections, plan_init
from tests.conftest import PROJECT, commit, git, pre_commit, run_cli, write

GIT_WORDS = re.compile(r"\bgit\b|\.git|pre-commit|stage|commit", re.IGNORECASE)


def survey(*data: str, **options: object) -> Survey:
    return Survey(data=sorted(data), lists=[], configured=False, existing={}, **options)  # type: ignore[arg-type]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below root but git's own, byte for byte, and the git index."""
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and ".git" not in p.relative_to(root).parts
    }
    if (root / ".git").exists():
        files[".git index"] = git(root, "ls-files", "-s").encode()
    return files


# --- the guesses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (  # one list per annotation folder, the type from its name
            ["masks/a.tif", "points/a.csv"],
            [("masks_filelist.tsv", ("masks/**",), "segmentation_mask"),
             ("points_filelist.tsv", ("points/**",), "point_annotations")],
        ),
        (  # annotations/masks, annotations/points: the subfolders say what they hold
            ["annotations/masks/a.tif", "annotations/points/a.csv"],
            [("masks_filelist.tsv", ("annotations/masks/**",), "segmentation_mask"),
             ("points_filelist.tsv", ("annotations/points/**",), "point_annotations")],
        ),
        (  # 'annotations' alone names no type (a near spelling of weak_annotations is no guess)
            ["annotations/a.tif"],
            [("annotations_filelist.tsv", ("annotations/**",), None)],
        ),
        (  # label images: segmentation masks or class labels? a person says
            ["labels/a.tif", "labels/b.png"],
            [("labels_filelist.tsv", ("labels/**",), None)],
        ),
        (  # labels in a table are class labels
            ["labels/classes.csv"],
            [("labels_filelist.tsv", ("labels/**",), "class_labels")],
        ),
        (  # files at the root: a list there takes what no other list takes
            ["a_mask.tif", "tracks/t.csv"],
            [("filelist.tsv", (), None), ("tracks_filelist.tsv", ("tracks/**",), "tracks")],
        ),
        (  # two folders of one name: the list names say which
            ["a/masks/x.tif", "b/masks/y.tif", "a/points/p.csv", "b/points/q.csv"],
            [("a_masks_filelist.tsv", ("a/masks/**",), "segmentation_mask"),
             ("a_points_filelist.tsv", ("a/points/**",), "point_annotations"),
             ("b_masks_filelist.tsv", ("b/masks/**",), "segmentation_mask"),
             ("b_points_filelist.tsv", ("b/points/**",), "point_annotations")],
        ),
    ],
)  # fmt: skip
def test_one_list_per_annotation_folder(
    data: list[str], expected: list[tuple[str, tuple[str, ...], str | None]]
) -> None:
    sections, _ = guess_sections(survey(*data))
    assert [(s.path, s.include, s.annotation_type) for s in sections] == expected


def test_documents_and_code_are_ignored_and_images_get_the_general_schema() -> None:
    sections, ignore = guess_sections(
        survey(
            "README.md", "LICENSE", "docs/how.md", "scripts/seg.py", "images/a.tif", "masks/a.tif"
        )
    )
    assert ignore == ["LICENSE", "README.md", "docs/**", "scripts/**"]
    assert [(s.path, s.schema) for s in sections] == [
        ("images_filelist.tsv", "general"),
        ("masks_filelist.tsv", "annotations"),
    ]


def test_a_list_name_never_takes_one_already_there() -> None:
    sections, _ = guess_sections(
        survey("masks/a.tif", taken=frozenset({"masks_filelist.tsv", "Masks_filelist2.tsv"}))
    )
    assert [s.path for s in sections] == ["masks_filelist3.tsv"]


@pytest.mark.parametrize(
    ("data", "pattern", "fmt"),
    [
        (  # masks/A01_mask.tif -> images/A01.tif
            ["images/A01.tif", "images/A02.tif", "masks/A01_mask.tif", "masks/A02_mask.tif"],
            r"^masks/(?:.*/)?(?P<name>[^/.]+?)_mask(?:\.[^/]*)?$",
            "images/{name}.tif",
        ),
        (  # the image's subfolders repeated: masks/p1/A01.png -> images/p1/A01.ome.tif
            ["images/p1/A01.ome.tif", "images/p2/A01.ome.tif", "masks/p1/A01.png",
             "masks/p2/A01.png"],
            r"^masks/(?P<sub>(?:[^/]+/)*)(?P<name>[^/.]+?)(?:\.[^/]*)?$",
            "images/{sub}{name}.ome.tif",
        ),
    ],
)  # fmt: skip
def test_a_source_image_rule_when_every_value_names_an_image(
    data: list[str], pattern: str, fmt: str
) -> None:
    (_, masks), _ = guess_sections(survey(*data))
    assert masks.source_image is not None
    assert (masks.source_image.pattern, masks.source_image.format) == (pattern, fmt)


@pytest.mark.parametrize(
    "data",
    [
        ["masks/A01_mask.tif", "masks/A02_mask.tif"],  # no image in the dataset
        ["images/A01.tif", "masks/A01_mask.tif", "masks/B01_mask.tif", "masks/C01_mask.tif"],
        # the same name in two folders of images: which one is anyone's guess
        ["images/p1/A01.tif", "images/p2/A01.tif", "masks/A01_mask.tif"],
        # masks and points of one name: a mask is no source image
        ["masks/A01.tif", "points/A01.csv"],
    ],
)
def test_no_source_image_rule_on_a_guess(data: list[str]) -> None:
    sections, _ = guess_sections(survey(*data))
    assert [s.source_image for s in sections] == [None] * len(sections)


def load_written(tmp_path: Path, text: str) -> None:
    (tmp_path / ".bia-hooks.yaml").write_text(text)
    load_config(tmp_path)  # the shipped schema and every later check, or UsageError


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["masks", "points", "labels", "Annotations", "images", "docs",
                             "a b", "x[1]", "on", "001", "tracks", "über"]),
            st.sampled_from(["", "masks/", "p1/", "boxes/"]),
            st.sampled_from(["a_mask.tif", "a.tif", "b.csv", "README.md"]),
        ),
        min_size=0, max_size=8,
    )
)  # fmt: skip
def test_what_init_writes_always_loads(tmp_path_factory: pytest.TempPathFactory,
                                       parts: list[tuple[str, str, str]]) -> None:  # fmt: skip
    data = sorted({f"{top}/{sub}{name}" for top, sub, name in parts})
    plan = plan_init(survey(*data))
    (config,) = [f for f in plan.files if f.name == ".bia-hooks.yaml"]
    assert config.content is not None
    load_written(tmp_path_factory.mktemp("config"), config.content)
    names = [s.path for s in plan.sections]
    assert len(set(names)) == len(names)
    assert all(passes_server_rule(n) for n in names)


def test_an_existing_pre_commit_configuration_gets_only_the_missing_hooks() -> None:
    existing = "repos:\n  - repo: x\n    rev: v1\n    hooks:\n      - id: bia-check-names\n"
    plan = plan_init(Survey(data=["masks/a.tif"], lists=[], configured=False, in_git=True,
                            existing={".pre-commit-config.yaml": existing}))  # fmt: skip
    (hooks,) = [f for f in plan.files if f.name == ".pre-commit-config.yaml"]
    assert hooks.content is None
    assert hooks.to_add == (
        "      - id: bia-sync-filelist",
        "      - id: bia-validate-filelist",
        "      - id: bia-fix-names",
    )


# --- the command ----------------------------------------------------------------------------


def test_annotations_repository(repo: Path) -> None:
    write(repo, "masks/A01_mask.tif", "masks/A02_mask.tif", "points/A01.csv", "README.md")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 0, result.stderr
    config = load_config(repo)
    assert [(fl.path, fl.include) for fl in config.filelists] == [
        ("masks_filelist.tsv", ("masks/**",)),
        ("points_filelist.tsv", ("points/**",)),
    ]
    assert config.ignore == ("README.md",)
    assert (repo / "masks_filelist.tsv").read_text() == (
        "Files\tAnnotation type\tSource image\n"
        "masks/A01_mask.tif\tsegmentation_mask\t\n"
        "masks/A02_mask.tif\tsegmentation_mask\t\n"
    )
    assert (repo / ".gitignore").read_text() == (
        ".DS_Store\n._*\nThumbs.db\ndesktop.ini\n~$*\n.~lock.*#\n"
    )
    assert not (repo / ".gitattributes").exists()  # no git-annex here
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert {".bia-hooks.yaml", ".gitignore", ".pre-commit-config.yaml", "masks_filelist.tsv",
            "points_filelist.tsv", "study.yaml"} <= set(staged)  # fmt: skip
    out = result.stdout
    assert "fill in 'Source image' in masks_filelist.tsv (2 row(s))" in out
    steps = out[out.index("Next steps:") :].splitlines()
    assert [s.split()[1] for s in steps[1:]] == ["pre-commit", "pre-commit", "fill", "fill",
                                                  "fill", "bia-hooks", "git"]  # fmt: skip
    assert "fill in study.yaml (uncomment its lines)" in steps[5]
    assert "pre-commit autoupdate" in out  # the rev of this checkout is unknown: said how to pin
    assert "rev: PIN-ME" in (repo / ".pre-commit-config.yaml").read_text()


def test_a_second_init_changes_nothing_and_says_what_is_there(repo: Path) -> None:
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    assert run_cli("init", "--format", "xlsx", cwd=repo).returncode == 0
    before = snapshot(repo)
    again = run_cli("init", "--format", "xlsx", cwd=repo)
    assert again.returncode == 0, again.stderr
    assert snapshot(repo) == before
    assert ".bia-hooks.yaml: already there (the configuration), left as it is" in again.stdout
    assert "masks_filelist.xlsx: already there" in again.stdout
    assert "Nothing written: init never writes over a file." in again.stdout
    assert again.stdout.rstrip().splitlines()[-1].startswith("  5. git commit")


def test_files_there_are_never_edited_the_lines_to_add_are_printed(repo: Path) -> None:
    write(repo, "masks/a.tif")
    (repo / ".gitignore").write_text("*.tmp\n.DS_Store\n")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 0
    assert (repo / ".gitignore").read_text() == "*.tmp\n.DS_Store\n"
    assert (repo / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    out = result.stdout
    assert ".gitignore: already there; to add at its end:\n      ._*\n      Thumbs.db\n" in out
    assert ".pre-commit-config.yaml: already there; to add under 'repos:'" in out
    assert "      - id: bia-sync-filelist" in out
    assert "1. add the lines above to .pre-commit-config.yaml" in out


def test_file_lists_stay_in_git_when_git_annex_would_take_every_file(repo: Path) -> None:
    subprocess.run(["git", "annex", "init", "-q", "test"], cwd=repo, check=True,
                   capture_output=True)  # fmt: skip
    (repo / ".gitattributes").write_text("* annex.largefiles=anything\n")
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / ".gitattributes").read_text() == "* annex.largefiles=anything\n"
    assert ".gitattributes: already there; to add at its end:\n" in result.stdout
    assert "      masks_filelist.tsv annex.largefiles=nothing\n" in result.stdout
    assert "add the lines above to .gitattributes" in result.stdout
    assert git(repo, "show", ":masks_filelist.tsv").startswith("Files\t")  # not an annex pointer


def test_a_configuration_without_lists_gets_the_guessed_lists_printed(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("version: 1\n")
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / ".bia-hooks.yaml").read_text() == "version: 1\n"
    assert not (repo / "masks_filelist.tsv").exists()
    out = result.stdout
    assert ".bia-hooks.yaml: already there; to add the file lists guessed" in out
    assert "        - path: masks_filelist.tsv" in out
    assert "add the lines above to .bia-hooks.yaml, then run 'bia-hooks sync'" in out


def test_a_plain_folder_gets_no_git_words(tmp_path: Path) -> None:
    write(tmp_path, "annotations/masks/a.tif", "annotations/points/p.csv")
    result = run_cli("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert GIT_WORDS.search(result.stdout + result.stderr) is None, result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".bia-hooks.yaml", "annotations", "masks_filelist.tsv", "points_filelist.tsv", "study.yaml"
    ]  # fmt: skip
    assert result.stdout.rstrip().endswith("upload the folder with its file lists")
    before = snapshot(tmp_path)
    again = run_cli("init", cwd=tmp_path)
    assert snapshot(tmp_path) == before
    assert GIT_WORDS.search(again.stdout) is None


def test_files_git_does_not_track_yet_stop_init_before_it_writes(repo: Path) -> None:
    write(repo, "masks/a.tif", "README.md")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 2
    assert "git tracks no file of the dataset yet, but 1 file(s) are here (masks/a.tif)" in (
        result.stderr
    )
    assert sorted(p.name for p in repo.iterdir()) == [".git", "README.md", "masks"]


def test_a_dataset_in_a_folder_of_the_repository(repo: Path) -> None:
    write(repo, "ds/masks/a.tif", "other/x.txt")
    git(repo, "add", "-A")
    result = run_cli("init", "--root", "ds", cwd=repo)
    assert result.returncode == 0, result.stderr
    hooks = (repo / ".pre-commit-config.yaml").read_text()
    assert '        args: [--root, ds]\n        files: "^ds/"\n' in hooks
    assert (repo / "ds/masks_filelist.tsv").read_text().splitlines()[1:] == [
        "masks/a.tif\tsegmentation_mask\t"
    ]
    assert "wrote ../.pre-commit-config.yaml" in result.stdout


def test_no_file_list_says_run_init(repo: Path) -> None:
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    result = run_cli("sync", "--check", cwd=repo)
    assert "run 'bia-hooks init'" in result.stdout
    # By hand, the list must be added to git, or the sync does not see it (and asks again).
    assert "annotations/filelist.tsv && git add annotations/filelist.tsv" in result.stdout


def test_an_empty_dataset_is_no_finding(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_text("version: 1\n")
    git(repo, "add", "-A")
    result = run_cli("sync", cwd=repo)
    assert (result.returncode, result.stdout) == (0, "")


class FakeDistribution:
    """What importlib.metadata knows of an install: pip's direct_url.json, and its files."""

    def __init__(self, direct_url: str | None, located: Path) -> None:
        self.direct_url, self.located = direct_url, located

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None

    def locate_file(self, name: str) -> Path:
        return self.located


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (  # pipx install git+URL: pip recorded the commit
            '{"url": "git+https://example.org/fork", "vcs_info": {"vcs": "git", '
            '"commit_id": "0123456789012345678901234567890123456789"}}',
            ("https://example.org/fork", "0123456789012345678901234567890123456789"),
        ),
        # pip install ./bia-hooks (this checkout): the checkout's commit
        ('{"url": "' + PROJECT.as_uri() + '", "dir_info": {"editable": true}}', "HEAD"),
        # pip install bia-hooks from an index: no record, nothing guessed
        (None, (scaffold.HOOKS_REPO, None)),
        # another copy of bia-hooks than the one running
        ('{"url": "file:///elsewhere", "dir_info": {}}', (scaffold.HOOKS_REPO, None)),
    ],
)  # fmt: skip
def test_init_pins_the_commit_bia_hooks_was_installed_from(
    monkeypatch: pytest.MonkeyPatch, direct_url: str | None, expected: object
) -> None:
    from importlib import metadata

    import bia_hooks
    from bia_hooks.commands.init import installed_source

    running = Path(bia_hooks.__file__)
    located = running if direct_url is None or "vcs_info" in direct_url else Path("/nowhere")
    fake = FakeDistribution(direct_url, located)
    monkeypatch.setattr(metadata, "distribution", lambda name: fake)
    if expected == "HEAD":
        head = git(PROJECT, "rev-parse", "HEAD").strip()
        tag = subprocess.run(["git", "describe", "--tags", "--exact-match", "HEAD"], cwd=PROJECT,
                             capture_output=True, text=True)  # fmt: skip
        expected = (scaffold.HOOKS_REPO, tag.stdout.strip() if tag.returncode == 0 else head)
        origin = subprocess.run(["git", "remote", "get-url", "origin"], cwd=PROJECT,
                                capture_output=True, text=True)  # fmt: skip
        if origin.returncode == 0:
            expected = (origin.stdout.strip(), expected[1])
    assert installed_source(scaffold.HOOKS_REPO) == expected


# --- the first commit, through real pre-commit ----------------------------------------------


def init_and_install(
    repo: Path, hook_repo: tuple[Path, str], home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    path, rev = hook_repo
    result = run_cli("init", "--hooks-repo", str(path), "--hooks-rev", rev, *args, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"rev: {rev}  # the bia-hooks you ran init with" in (
        (repo / ".pre-commit-config.yaml").read_text()
    )
    installed = pre_commit(repo, home, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return result


def test_first_commit_of_an_empty_repository(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    init_and_install(repo, hook_repo, pre_commit_home)
    done = commit(repo, pre_commit_home, "bia-hooks init")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "filelists:" not in load_config(repo).file.read_text().replace("# filelists:", "")  # type: ignore[union-attr]


def test_first_commit_of_a_repository_with_annotations(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    write(repo, "images/A01.tif", "images/A02.tif", "masks/A01_mask.tif", "masks/A02_mask.tif",
          "points/A01.csv", "points/A02.csv", "README.md")  # fmt: skip
    git(repo, "add", "-A")
    init_and_install(repo, hook_repo, pre_commit_home)
    assert (repo / "points_filelist.tsv").read_text().splitlines()[1:] == [
        "points/A01.csv\tpoint_annotations\timages/A01.tif",
        "points/A02.csv\tpoint_annotations\timages/A02.tif",
    ]
    done = commit(repo, pre_commit_home, "bia-hooks init")
    assert done.returncode == 0, done.stdout + done.stderr
    # The next mask gets its row, type and source image from the configuration at commit.
    write(repo, "images/A03.tif", "masks/A03_mask.tif")
    git(repo, "add", "-A")
    synced = commit(repo, pre_commit_home)
    assert synced.returncode != 0 and "1 row(s) added" in synced.stdout + synced.stderr
    assert "masks/A03_mask.tif\tsegmentation_mask\timages/A03.tif" in (
        (repo / "masks_filelist.tsv").read_text()
    )
    git(repo, "add", "masks_filelist.tsv", "images_filelist.tsv")  # the image has a row too
    done = commit(repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_commit_with_empty_mandatory_cells_fails_until_they_are_filled(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    write(repo, "masks/a.tif")
    git(repo, "add", "-A")
    init_and_install(repo, hook_repo, pre_commit_home)
    refused = commit(repo, pre_commit_home)
    assert refused.returncode != 0
    assert "masks_filelist.tsv:2: [Source image] error BIA303" in refused.stdout + refused.stderr
    (repo / "masks_filelist.tsv").write_text(
        "Files\tAnnotation type\tSource image\nmasks/a.tif\tsegmentation_mask\tS-BIAD1/a.tif\n"
    )
    git(repo, "add", "masks_filelist.tsv")
    done = commit(repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr


def test_first_commit_of_a_git_annex_repository(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    subprocess.run(["git", "annex", "init", "-q", "test"], cwd=repo, check=True,
                   capture_output=True)  # fmt: skip
    write(repo, "images/A01.tif", "masks/A01_mask.tif", content="pixels\n")
    subprocess.run(["git", "annex", "add", "-q", "."], cwd=repo, check=True, capture_output=True)
    assert (repo / "masks/A01_mask.tif").is_symlink()
    result = init_and_install(repo, hook_repo, pre_commit_home)
    assert "wrote .gitattributes: file lists kept in git, out of git-annex" in result.stdout
    assert (repo / ".gitattributes").read_text() == (
        "images_filelist.tsv annex.largefiles=nothing\n"
        "masks_filelist.tsv annex.largefiles=nothing\n"
    )
    done = commit(repo, pre_commit_home, "bia-hooks init")
    assert done.returncode == 0, done.stdout + done.stderr
    # `git annex add .` after an edit keeps the list in git, where the sync can rewrite it.
    (repo / "masks_filelist.tsv").write_text(
        (repo / "masks_filelist.tsv").read_text().replace("images/A01.tif", "S-BIAD1/A01.tif")
    )
    subprocess.run(["git", "annex", "add", "-q", "."], cwd=repo, check=True, capture_output=True)
    assert not (repo / "masks_filelist.tsv").is_symlink()
    assert commit(repo, pre_commit_home).returncode == 0


def test_a_plain_folder_is_ready_after_init(tmp_path: Path) -> None:
    write(tmp_path, "images/A01.tif", "masks/A01_mask.tif")
    assert run_cli("init", cwd=tmp_path).returncode == 0
    check = run_cli("check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_disk_that_refuses_the_write_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    from bia_hooks import cli
    from bia_hooks.commands import init

    def full(path: Path, data: bytes | str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(init, "write_atomic", full)
    write(tmp_path, "masks/a.tif")
    assert cli.main(["init", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"bia-hooks init: {tmp_path / '.bia-hooks.yaml'}: cannot write it: No space left on "
        "device\n"
    )


def test_a_folder_name_that_is_not_utf8_stops_init_before_it_writes(repo: Path) -> None:
    folder = repo / os.fsdecode(b"m\xe9")
    folder.mkdir()
    (folder / "a.tif").write_text("pixels\n")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 2
    assert "the folder 'm\\udce9': a name a person cannot read" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in repo.iterdir()) == [".git", os.fsdecode(b"m\xe9")]


# --- hostile names ----------------------------------------------------------------------------


def test_file_names_init_prints_are_escaped(repo: Path) -> None:
    write(repo, "masks/e\x1b]0;pwned\x07x\u202e.tif", "masks/::error::n.tif")
    git(repo, "add", "-A")
    result = run_cli("init", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "+ masks/e\\x1b]0;pwned\\x07x\\u202e.tif" in result.stdout
    assert "+ masks/:\\x3aerror:\\x3an.tif" in result.stdout
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", result.stdout)
    assert "::" not in result.stdout
    # The list holds the names as they are: they are the files' names.
    rows = (repo / "masks_filelist.tsv").read_text().splitlines()[1:]
    assert [r.split("\t")[0] for r in rows] == [
        "masks/::error::n.tif",
        "masks/e\x1b]0;pwned\x07x\u202e.tif",
    ]


@pytest.mark.parametrize("folder", ["masks\x1b[2J", "masks\nignore: ['**']", "masks\u202e"])
def test_a_folder_name_of_control_characters_stops_init_before_it_writes(
    repo: Path, folder: str
) -> None:
    write(repo, f"{folder}/a.tif", "README.md")
    git(repo, "add", "-A")
    before = snapshot(repo)
    result = run_cli("init", cwd=repo)
    assert result.returncode == 2, result.stdout
    assert result.stderr.splitlines() == [
        f"bia-hooks init: the folder '{printable(folder)}': a name a person cannot read or type "
        "(control characters, or bytes that are not UTF-8 text), which the archive refuses; the "
        "configuration init guesses would name it as it is. Run 'bia-hooks fix-names --apply' "
        "first (it renames it), then 'bia-hooks init' again. Nothing was written."
    ]
    assert snapshot(repo) == before


@settings(max_examples=30, deadline=None)
@given(st.text())
@example("masks\x1b[2J/**")
@example("a\x7fb \x85\u2028\u2029 \t\n\r")
@example("😀masks/** x\ufffey")
@example('q"\\ über')
def test_a_yaml_scalar_init_writes_reads_back_as_it_is(value: str) -> None:
    import yaml

    for written in (scaffold._yaml(value), scaffold._quoted(value)):
        assert written.isascii() and written.isprintable()
        assert yaml.safe_load(f"key: {written}  # {scaffold._comment(value)}\n") == {"key": value}
