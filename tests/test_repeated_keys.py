"""A key or a column written twice: the archive keeps the last, so the sync never rewrites such a
list on a guess (it would keep one and drop the other's values) and says where to choose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write

TYPE = '{"name": "Annotation type", "value": "segmentation_mask"}'
SOURCE = '{"name": "Source image", "value": "S-BIAD1/a.tif"}'


@pytest.mark.parametrize(
    ("entry", "pointer"),
    [
        (f'{{"path": "a.tif", "attributes": [{TYPE}], "attributes": [{SOURCE}]}}', "/0/attributes"),
        (f'{{"path": "old.tif", "path": "a.tif", "attributes": [{TYPE}, {SOURCE}]}}', "/0/path"),
        (
            f'{{"path": "a.tif", "type": "file", "attributes": [{TYPE}, {SOURCE}], '
            '"type": "file"}',
            "/0/type",
        ),
        (
            '{"path": "a.tif", "attributes": [{"name": "Annotation type", "value": "other", '
            f'"value": "segmentation_mask"}}, {SOURCE}]}}',
            "/0/attributes/0/value",
        ),
    ],
)
def test_a_json_list_with_a_repeated_key_is_left_byte_for_byte(
    repo: Path, entry: str, pointer: str
) -> None:
    write(repo, "a.tif", "b.tif")  # b.tif is new: the sync would write the list
    source = f"[{entry}]\n".encode()
    (repo / "list.json").write_bytes(source)
    git(repo, "add", "-A")
    validated = run_cli("validate", "list.json", "--format", "json", cwd=repo)
    (finding,) = [f for f in json.loads(validated.stdout)["findings"] if f["code"] == "BIA246"]
    assert (finding["pointer"], finding["level"], finding["kind"]) == (pointer, "warning", "risky")
    assert "the archive keeps only the last" in finding["message"]
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"a key appears twice in one object, at {pointer}" in result.stderr
    assert "Nothing was written" in result.stderr
    assert (repo / "list.json").read_bytes() == source


def test_a_json_list_in_step_with_a_repeated_key_is_not_an_error_for_the_sync(repo: Path) -> None:
    write(repo, "a.tif")
    source = f'[{{"path": "a.tif", "attributes": [{TYPE}], "attributes": [{SOURCE}]}}]'.encode()
    (repo / "list.json").write_bytes(source)
    git(repo, "add", "-A")
    assert run_cli("sync", cwd=repo).returncode == 0  # nothing to write: nothing refused
    assert (repo / "list.json").read_bytes() == source


TWO_LISTS = """\
filelists:
  - path: A.{ext}
    schema: general
    include: ["x/**"]
  - path: B.tsv
    schema: general
    include: ["y/**"]
"""


@pytest.mark.parametrize("fmt", ["tsv", "json"])
@pytest.mark.parametrize(
    ("first", "second", "moves"), [("n1", "n2", False), ("n1", "n1", True), ("", "n2", True)]
)
def test_a_row_with_two_values_for_one_column_does_not_move_on_a_guess(
    repo: Path, fmt: str, first: str, second: str, moves: bool
) -> None:
    write(repo, "x/a.tif", "y/b.tif")
    if fmt == "tsv":
        (repo / "A.tsv").write_text(f"Files\tnote\tnote\nx/a.tif\t{first}\t{second}\n")
    else:
        attributes = [{"name": "note", "value": first}, {"name": "note", "value": second}]
        (repo / "A.json").write_text(json.dumps([{"path": "x/a.tif", "attributes": attributes}]))
    (repo / "B.tsv").write_text("Files\tnote\ny/b.tif\tz\n")
    (repo / ".bia-hooks.yaml").write_text(TWO_LISTS.format(ext=fmt))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    git(repo, "mv", "x/a.tif", "y/a.tif")  # the include globs give it to B.tsv
    before = {name: (repo / name).read_bytes() for name in (f"A.{fmt}", "B.tsv")}
    result = run_cli("sync", cwd=repo)
    if moves:
        assert result.returncode == 1, result.stderr
        assert "y/a.tif\tn2\n" in (repo / "B.tsv").read_text().replace("n1", "n2")
    else:
        assert result.returncode == 2
        assert "the row of 'x/a.tif' has two values for the column 'note' ('n1' and 'n2')" in (
            result.stderr
        )
        assert {name: (repo / name).read_bytes() for name in before} == before


def test_the_json_editor_never_drops_what_follows_the_array(tmp_path: Path) -> None:
    from bia_hooks.errors import UsageError
    from bia_hooks.filelist.edit import JsonEditor

    assert JsonEditor(b' \n[{"path": "a.tif"}]\r\n').rows == [{"path": "a.tif"}]
    with pytest.raises(UsageError, match="content after the array"):
        JsonEditor(b'[{"path": "a.tif"}]\n[{"path": "notes"}]')
