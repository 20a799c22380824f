"""JSON file lists: the archive's structure, and what its parser refuses or ignores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bia_hooks.filelist.read import read_filelist

ENTRY = '{"path": "a.tif", "attributes": [{"name": "Type", "value": "x"}], "type": "file"}'


@pytest.mark.parametrize(
    ("text", "code", "readable"),
    [
        (f"[{ENTRY}]", None, True),
        ('[{"path": "a.tif"}, {"path": "b.tif", "attributes": null, "type": null}]', None, True),
        ('[{"path": "a.tif", "size": 1,"attributes": [{"name": "T", "value": null}]}]', None, True),
        (f"[{ENTRY},]", "BIA240", False),
        (f"// list\n[{ENTRY}]", "BIA241", False),
        (f"[{ENTRY} /* c */]", "BIA240", False),
        ("[{'path': 'a.tif'}]", "BIA240", False),
        ('[{"path": "a.tif", "size": NaN}]', "BIA240", False),
        ('{"files": []}', "BIA241", False),
        ("", "BIA241", False),
        (f"[{ENTRY}] trailing", "BIA245", True),
        (f"[{ENTRY}][1, 2,]", "BIA245", True),
        ('["a.tif"]', "BIA242", True),
        ('[{"attributes": []}]', "BIA242", True),
        ('[{"path": ""}]', "BIA242", True),
        ('[{"path": 12}]', "BIA242", True),
        ('[{"path": "a.tif", "attributes": {"name": "T"}}]', "BIA243", True),
        ('[{"path": "a.tif", "attributes": [{"name": " ", "value": "x"}]}]', "BIA243", True),
        ('[{"path": "a.tif", "attributes": [{"value": "x"}]}]', "BIA243", True),
        ('[{"path": "a.tif", "attributes": [{"name": "n", "value": 5}]}]', "BIA243", True),
        ('[{"path": "a.tif", "attributes": [{"name": "n", "value": true}]}]', "BIA243", True),
        ('[{"path": "a.tif", "type": 1}]', "BIA244", True),
        ('[{"path": "a.tif", "path": "b.tif"}]', "BIA246", True),
        ('[{"path": "a", "attributes": [{"name": "T", "value": "1"},{"name": "T", "value": "2"}]}]',
         "BIA210", True),
        ("[]", "BIA204", True),
    ],
)  # fmt: skip
def test_json_cases(tmp_path: Path, text: str, code: str | None, readable: bool) -> None:
    (tmp_path / "list.json").write_text(text)
    table, findings = read_filelist(tmp_path, "list.json")
    if code is None:
        assert findings == []
    else:
        assert code in {f.code for f in findings}, findings
    assert (table is not None) == readable
    if table is None:
        assert any(f.level.value == "error" for f in findings)


def test_table_from_json(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        '[{"path": "a.tif", "attributes": [{"name": "B", "value": "1"},'
        ' {"name": "A", "value": null}]},'
        ' {"path": "b.tif", "path": "c.tif", "attributes": [{"name": "A", "value": "2"}]},'
        ' {"path": "d.tif"}]'
    )
    table, findings = read_filelist(tmp_path, "list.json")
    assert table is not None
    assert table.header == ["Files", "B", "A"]
    assert table.rows == [["a.tif", "1", ""], ["c.tif", "", "2"], ["d.tif"]]
    assert table.refs == [0, 1, 2]
    [repeated] = findings
    assert (repeated.code, repeated.pointer) == ("BIA246", "/1/path")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_bom_and_utf16_accepted(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "list.json").write_bytes(f"[{ENTRY}]".encode(encoding))
    table, findings = read_filelist(tmp_path, "list.json")
    assert findings == []
    assert table is not None and table.rows == [["a.tif", "x"]]


def test_pointer_and_fix_for_a_number_value(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        '[{"path": "a.tif", "attributes": [{"name": "n", "value": 5}]}]'
    )
    _, [finding] = read_filelist(tmp_path, "list.json")
    assert finding.pointer == "/0/attributes/0/value"
    assert finding.fix == 'write it as a string: "5"'
