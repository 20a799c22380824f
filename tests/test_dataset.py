"""What counts as a file of the dataset, and renames by content key: the pure rules."""

from __future__ import annotations

import pytest
import yaml

from bia_hooks import dataset
from bia_hooks.dataset import DatasetFile

KEY = "SHA256E-s12--2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806.tif"


@pytest.mark.parametrize(
    ("path", "machinery"),
    [
        (".gitignore", True),
        ("masks/.gitignore", True),
        (".gitattributes", True),
        (".gitmodules", True),
        (".dvcignore", True),
        ("images.dvc", True),
        ("masks/cells.tif.dvc", True),
        ("dvc.yaml", True),
        ("sub/dvc.lock", True),
        (".dvc/config", True),
        ("sub/.dvc/config", True),
        (".datalad/config", True),
        (".github/workflows/check.yml", True),
        (".pre-commit-config.yaml", True),
        (".bia-hooks.yaml", True),
        (".bia-hooks.yml", True),
        # data, even when named like machinery somewhere else
        ("masks/.pre-commit-config.yaml", False),
        ("docs/.github/x", False),
        ("masks/cell.tif", False),
        ("masks/cell.dvc.tif", False),
        (".dvc", False),  # a file named only '.dvc' is not a DVC file
        ("README.md", False),
        ("annotations/filelist.tsv", False),
        (".hidden.tif", False),
    ],
)
def test_repository_machinery_is_told_apart_from_data(path: str, machinery: bool) -> None:
    assert dataset.is_machinery(path) is machinery


@pytest.mark.parametrize(
    ("target", "key"),
    [
        (f"../.git/annex/objects/MP/z8/{KEY}/{KEY}", KEY),
        (f".git/annex/objects/MP/z8/{KEY}/{KEY}", KEY),  # a file at the top
        (f"../../../.git/annex/objects/mp/z8a/{KEY}/{KEY}", KEY),  # lower-case hash folders
        ("../images/raw.tif", None),  # an ordinary symlink
        ("../.git/annex/objects/MP/z8/notakey/notakey", None),
    ],
)
def test_a_locked_files_key_is_read_from_its_symlink(target: str, key: str | None) -> None:
    assert dataset.annex_key_of_link(target) == key


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (f"/annex/objects/{KEY}\n".encode(), KEY),
        (f"/annex/objects/{KEY}".encode(), KEY),
        (b"/annex/objects/WORM-s3-m1700000000--x.tif\n", "WORM-s3-m1700000000--x.tif"),
        (b"point_x\tpoint_y\n1\t2\n", None),
        (b"", None),
        (b"see /annex/objects/ for details", None),
    ],
)
def test_an_unlocked_files_key_is_read_from_its_pointer(content: bytes, key: str | None) -> None:
    assert dataset.annex_key_of_pointer(content) == key


@pytest.mark.parametrize(
    ("key", "size"),
    [
        (KEY, 12),
        ("WORM-s3-m1700000000--x.tif", 3),
        ("MD5E-s0--d41d8cd98f00b204e9800998ecf8427e", 0),
        ("URL--https&c%%example.org%x.tif", None),
        ("SHA256E-m5-s77--abc", 77),
    ],
)
def test_a_keys_size_is_read_from_the_key(key: str, size: int | None) -> None:
    assert dataset.annex_key_size(key) == size


def outs(source: str, text: str) -> tuple[list[dataset.DvcOut], list[str]]:
    found, findings = dataset.dvc_outs(source, yaml.safe_load(text))
    return found, [f.code for f in findings]


def test_a_dvc_file_tracks_paths_relative_to_its_folder() -> None:
    found, codes = outs(
        "masks/cells.dvc",
        "outs:\n- md5: 1f3870be274f6c49b3e31a0c6728957f\n  size: 12\n  hash: md5\n  path: cells\n"
        "- md5: 11882819b3c4cd7dea8821ca096926e2.dir\n  size: 4\n  nfiles: 2\n  path: sub/dir\n",
    )
    assert codes == []
    assert [(o.path, o.md5, o.size, o.nfiles, o.is_dir) for o in found] == [
        ("masks/cells", "1f3870be274f6c49b3e31a0c6728957f", 12, None, False),
        ("masks/sub/dir", "11882819b3c4cd7dea8821ca096926e2.dir", 4, 2, True),
    ]


def test_dvc_lock_outputs_are_tracked_data_too() -> None:
    found, codes = outs(
        "dvc.lock",
        "schema: '2.0'\nstages:\n  segment:\n    cmd: python seg.py\n    outs:\n"
        "    - path: masks\n      md5: aa0123456789abcdef0123456789abcd.dir\n      size: 9\n"
        "      nfiles: 3\n",
    )
    assert codes == []
    assert [(o.path, o.md5) for o in found] == [("masks", "aa0123456789abcdef0123456789abcd.dir")]


@pytest.mark.parametrize(
    "text",
    ["just text", "outs: 3", "outs:\n- md5: abc\n", "outs:\n- path: ../../outside\n  md5: a\n", ""],
)
def test_an_unreadable_dvc_file_is_reported_not_fatal(text: str) -> None:
    found, codes = outs("x.dvc", text)
    assert found == []
    assert codes == ["BIA402"]


def test_a_dvc_manifest_lists_the_folders_files() -> None:
    manifest = b'[{"md5": "3b5d", "relpath": "sub/y.tif"}, {"md5": "60b7", "relpath": "x.tif"}]'
    assert dataset.parse_manifest(manifest) == [
        ("sub/y.tif", "3b5d", None),
        ("x.tif", "60b7", None),
    ]
    assert dataset.parse_manifest(b"not json") is None
    assert dataset.parse_manifest(b'{"relpath": "x"}') is None


def file(path: str, kind: str = "file", size: int | None = 1, present: bool = True) -> DatasetFile:
    return DatasetFile(path, kind, size, None, present)  # type: ignore[arg-type]


def test_an_object_folder_is_one_entry_never_its_chunks() -> None:
    files = [
        file("a.tif"),
        file("img.ome.zarr/.zattrs"),
        file("img.ome.zarr/0/0/0", kind="annexed", size=5, present=False),
        file("img.ome.zarr/0/0/1", size=7),
        file("labels/cells.zarr/0", size=None),
        file("z.tif"),
    ]
    assert dataset.collapse_objects(files, ("*.zarr", "*.ome.zarr")) == [
        file("a.tif"),
        DatasetFile("img.ome.zarr", "object", 13, None, False),
        DatasetFile("labels/cells.zarr", "object", None, None, True),
        file("z.tif"),
    ]


def test_the_outermost_object_folder_wins() -> None:
    files = [file("plate.zarr/A/1/0.zarr/0"), file("plate.zarr/A/1/0.zarr/1")]
    assert [f.path for f in dataset.collapse_objects(files, ("*.zarr",))] == ["plate.zarr"]


def test_a_dvc_tracked_object_needs_no_manifest() -> None:
    files = [DatasetFile("img.zarr", "dvc-dir", 10, "abc.dir", True)]
    assert dataset.collapse_objects(files, ("*.zarr",)) == [
        DatasetFile("img.zarr", "object", 10, "abc.dir", True)
    ]


def test_without_object_globs_nothing_collapses() -> None:
    files = [file("img.zarr/0")]
    assert dataset.collapse_objects(files, ()) == files


@pytest.mark.parametrize(
    ("removed", "added", "pairs"),
    [
        ({"a.tif": "K1"}, {"x/a.tif": "K1"}, {"a.tif": "x/a.tif"}),
        ({"a.tif": "K1"}, {"b.tif": "K2"}, {}),
        ({"a.tif": None}, {"b.tif": None}, {}),  # no key, no pairing
        # identical files: the same name pairs first, then the same folder, then a last pair
        (
            {"old/a.tif": "K", "old/b.tif": "K"},
            {"new/b.tif": "K", "new/c.tif": "K"},
            {"old/b.tif": "new/b.tif", "old/a.tif": "new/c.tif"},
        ),
        (
            {"masks/a.tif": "K", "images/b.tif": "K"},
            {"masks/a_v2.tif": "K"},
            {"masks/a.tif": "masks/a_v2.tif"},
        ),
        # which of two identical files became the new one is not a thing to guess
        ({"a.tif": "K", "b.tif": "K"}, {"c.tif": "K"}, {}),
        ({"x/a.tif": "K", "x/b.tif": "K"}, {"y/c.tif": "K", "y/d.tif": "K"}, {}),
    ],
)
def test_removed_and_added_paths_with_one_key_are_a_rename(
    removed: dict[str, str | None], added: dict[str, str | None], pairs: dict[str, str]
) -> None:
    assert dataset.pair_by_key(removed, added) == pairs


def test_renamed_chunks_are_a_renamed_object() -> None:
    renames = {"a.zarr/0/0": "b.zarr/0/0", "a.zarr/0/1": "b.zarr/0/1", "x.tif": "y/x.tif"}
    assert dataset.collapse_renames(renames, ("*.zarr",)) == {
        "a.zarr": "b.zarr",
        "x.tif": "y/x.tif",
    }


def test_chunks_moved_inside_one_object_or_split_between_two_are_no_rename() -> None:
    renames = {"a.zarr/0/0": "a.zarr/1/0", "c.zarr/0": "d.zarr/0", "c.zarr/1": "e.zarr/1"}
    assert dataset.collapse_renames(renames, ("*.zarr",)) == {}
