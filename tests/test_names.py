"""check_names as a case table: paths in, (code, level) out; then collisions and configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, run_cli, write
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bia_hooks.findings import Finding
from bia_hooks.names import NameSettings, check_collisions, check_names, check_path
from bia_hooks.renames import plan_renames, renamed_codes

E, W = "error", "warning"


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.code, f.level.value) for f in findings)


CASES = [
    ("masks/cell_1.tif", []),
    ("masks/cell#1.tif", [("BIA101", E)]),
    ("masks/cell\u2011a.tif", [("BIA101", E)]),
    ("./a.tif", [("BIA102", E)]),  # BIA111 not repeated: BIA102 says it
    ("x/../y.tif", [("BIA102", E)]),
    ("a/", [("BIA102", E)]),
    ("", [("BIA102", E)]),
    ("a#/", [("BIA101", E), ("BIA102", E)]),
    ("a b.tif", [("BIA103", W)]),
    ("a /b.tif", [("BIA103", W), ("BIA104", W)]),
    (" a.tif", [("BIA103", W), ("BIA104", W)]),
    ("a  b.tif", [("BIA103", W), ("BIA105", W)]),
    ("/a.tif", [("BIA106", W)]),
    ("CON.tif", [("BIA108", W)]),
    ("masks/lpt1", [("BIA108", W)]),
    ("aux .tif", [("BIA103", W), ("BIA108", W)]),
    ("CONFOCAL.tif", []),
    ("a./b.tif", [("BIA109", W)]),
    ("b.tif.", [("BIA109", W)]),
    ("masks/.DS_Store", []),  # junk is no file of the dataset: tests/test_junk.py
    ("a//b.tif", [("BIA111", W)]),
    ("a/./b.tif", [("BIA111", W)]),
    ("a/..", [("BIA111", W)]),
    ("a.zarr/.zattrs", []),
    (".gitattributes", []),
    ("v1../x", [("BIA102", E), ("BIA109", W)]),
]


@pytest.mark.parametrize(("path", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_check_path(path: str, expected: list[tuple[str, str]]) -> None:
    assert codes(check_path(path, NameSettings())) == expected
    # The same through the whole-dataset check and its fast path.
    assert codes(check_names([path], [path], NameSettings())) == expected


def test_a_refusal_names_each_character_its_position_and_a_new_name() -> None:
    (f,) = check_path("plates/A01:#2.tif", NameSettings(), taken={"plates/A01--2.tif"})
    assert f.message == (
        "the archive refuses the character(s) ':' (colon) at 11, '#' (number sign) at 12"
    )
    assert f.fix == "rename to 'plates/A01--2-1.tif'"
    assert f.kind.value == "server"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("allow", []), ("warn", [("BIA103", W)]), ("error", [("BIA103", E)])],
)
def test_space_policy(policy: str, expected: list[tuple[str, str]]) -> None:
    findings = check_path("a b.tif", NameSettings(spaces=policy))
    assert codes(findings) == expected


def test_spaces_as_errors_suggest_names_without_spaces() -> None:
    findings = check_path("my data/a#1.tif", NameSettings(spaces="error"))
    assert {f.fix for f in findings} == {"rename to 'my_data/a-1.tif'"}


def test_double_space_is_flagged_even_when_spaces_are_allowed() -> None:
    assert codes(check_path("a  b", NameSettings(spaces="allow"))) == [("BIA105", W)]


@pytest.mark.parametrize(
    ("new", "tracked", "message"),
    [
        ("Masks/x.tif", ["masks/y.tif"], "'Masks' and 'masks'"),
        ("masks/X.tif", ["masks/x.tif"], "'masks/X.tif' and 'masks/x.tif'"),
        ("e\u0301.tif", ["\u00e9.tif"], "'e\u0301.tif' and '\u00e9.tif'"),  # NFD vs NFC
        ("a/B", ["A/b/c.tif"], "'a' and 'A'"),  # the topmost collision only
        ("data", ["DATA/x.tif"], "'data' and 'DATA'"),
    ],
)
def test_collision_with_a_tracked_path(new: str, tracked: list[str], message: str) -> None:
    findings = check_collisions([new], tracked)
    assert [f.code for f in findings] == ["BIA107"]
    assert findings[0].path == new and message in findings[0].message
    # check_names sees it too, tracked paths being everything the dataset holds.
    assert "BIA107" in [f.code for f in check_names([new], [*tracked, new], NameSettings())]


@pytest.mark.parametrize(
    ("checked", "everything"),
    [
        (["masks/x.tif"], ["masks/y.tif", "Other/x.tif"]),
        (["data2/x"], ["data/x", "DATA"]),  # a shared prefix is not a folder
        (["a/b.tif"], ["a/b.tif", "a/b.tif"]),  # the same path twice is one path
    ],
)
def test_no_collision(checked: list[str], everything: list[str]) -> None:
    assert check_collisions(checked, everything) == []


def test_collisions_of_paths_given_as_iterators() -> None:
    findings = check_collisions(iter(["Masks/x.tif"]), iter(["masks/y.tif"]))
    assert [f.message[:21] for f in findings] == ["'Masks' and 'masks' d"]
    everything = iter(["a.tif", "A.tif"])
    assert len(check_collisions(everything, everything)) == 1


def test_a_collision_is_reported_once() -> None:
    everything = ["Masks/a.tif", "Masks/b.tif", "masks/c.tif"]
    findings = check_names(everything, everything, NameSettings())
    assert len([f for f in findings if f.code == "BIA107"]) == 1


def test_collisions_between_tracked_paths_not_checked_are_not_this_commits() -> None:
    assert check_collisions(["new.tif"], ["A.tif", "a.tif", "new.tif"]) == []


def test_suggested_names_avoid_every_path_of_the_dataset() -> None:
    (f,) = check_names(["a#.tif"], ["a#.tif", "a-.tif", "A--1.TIF"], NameSettings())
    assert f.fix == "rename to 'a--2.tif'"


name_text = st.lists(
    st.sampled_from(["a", "aux", "CON", " ", ".", "..", "", "#", ".tif", "x y", "é", "/", "  "]),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(path=name_text, spaces=st.sampled_from(["warn", "error"]))
@example(path="aux .tif", spaces="warn")  # a device name for Windows, despite the space
def test_a_finding_fixed_by_a_new_name_gets_a_different_name(path: str, spaces: str) -> None:
    # What check-names tells to rename, fix-names renames: never "rename to" the same name.
    name_settings = NameSettings(spaces=spaces)
    findings = check_path(path, name_settings)
    if any(f.code in renamed_codes(name_settings) for f in findings):
        ((old, new),) = plan_renames([path], [path], name_settings)
        assert old == path and new != path
    for f in findings:
        assert f.fix != f"rename to '{path}'"


# --- configuration: per-code severity, ignore globs, bad files ---


def check(repo: Path, config: str, *args: str) -> tuple[int, str, str]:
    (repo / ".bia-hooks.yaml").write_text(config)
    result = run_cli("check-names", *args, cwd=repo)
    return result.returncode, result.stdout, result.stderr


def test_severity_raises_lowers_and_turns_off(repo: Path) -> None:
    write(repo, "a b.tif", "c#.tif", "Thumbs.db")
    git(repo, "add", "-A")
    config = "severity:\n  BIA103: error\n  BIA101: warning\n  BIA110: off\n"
    status, out, _ = check(repo, config, "--format", "json")
    assert status == 1
    import json

    found = {(f["code"], f["level"]) for f in json.loads(out)["findings"]}
    assert found == {("BIA103", "error"), ("BIA101", "warning")}


def test_findings_made_notes_are_counted_as_notes(repo: Path) -> None:
    write(repo, "a b.tif")
    git(repo, "add", "-A")
    status, out, _ = check(repo, "severity:\n  BIA103: info\n", "--fail-on", "warning")
    assert status == 0
    assert out.splitlines() == [
        "a b.tif: info BIA103 the path holds a space; the archive's help page allows only letters,"
        " digits and ! - _ . * ' ( ) -> rename to 'a_b.tif'",
        "0 error(s), 0 warning(s), 1 note(s)",
    ]


def test_warnings_only_pass_unless_fail_on_warning(repo: Path) -> None:
    write(repo, "a b.tif")
    git(repo, "add", "-A")
    assert check(repo, "names:\n  spaces: warn\n")[0] == 0
    assert check(repo, "names:\n  spaces: warn\n", "--fail-on", "warning")[0] == 1
    assert check(repo, "names:\n  spaces: error\n")[0] == 1
    assert check(repo, "names:\n  spaces: allow\n", "--fail-on", "warning")[0] == 0


def test_ignore_globs(repo: Path) -> None:
    write(repo, "raw/a#.tif", "masks/b#.tif", "x/notes #1.txt")
    git(repo, "add", "-A")
    status, out, _ = check(repo, "names:\n  ignore: ['raw/', '*.txt']\n")
    assert status == 1
    assert "masks/b#.tif" in out and "raw/" not in out and "notes" not in out


def test_an_ignored_path_still_counts_for_collisions(repo: Path) -> None:
    write(repo, "raw/A.tif", "raw/a.tif")
    git(repo, "add", "-A")
    status, out, _ = check(repo, "names:\n  ignore: ['raw/A.tif']\n", "--fail-on", "warning")
    assert status == 1 and "BIA107" in out


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("names:\n  spaces: maybe\n", "names.spaces"),
        ("names:\n  spaces: warn\n  space: warn\n", "names"),
        ("names:\n  ignore: 'raw/'\n", "names.ignore"),
        ("severity:\n  BIA101: fatal\n", "severity.BIA101"),
        ("severity:\n  BIA999: error\n", "severity.BIA999"),
        ("severity:\n  bia101: error\n", "severity"),
        ("nmaes:\n  spaces: warn\n", "(top level)"),
        ("names: [spaces]\n", "names"),
        ("- a\n- b\n", "mapping"),
        ("names:\n  spaces: 'warn\n", "not valid YAML"),
    ],
)
def test_a_bad_config_is_one_message_naming_the_key(repo: Path, config: str, key: str) -> None:
    write(repo, "a.tif")
    status, out, err = check(repo, config)
    assert status == 2, (out, err)
    assert key in err and ".bia-hooks.yaml" in err
    assert "Traceback" not in err and out == ""


def test_a_config_that_is_not_utf8(repo: Path) -> None:
    (repo / ".bia-hooks.yaml").write_bytes(b"names:\n  spaces: w\xe9rn\n")
    result = run_cli("check-names", cwd=repo)
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_config_is_the_defaults(repo: Path) -> None:
    write(repo, "a b.tif")
    git(repo, "add", "-A")
    status, out, _ = check(repo, "")
    assert status == 0 and "BIA103" in out


def test_the_names_check_and_the_file_list_suggest_the_same_new_name(tmp_path: Path) -> None:
    """One file, one new name: BIA101 on the file and BIA301 on its row (and fix-names) agree."""
    from tests.conftest import run_cli, write

    write(tmp_path, "masks/cell 02#mask.tif")
    (tmp_path / "list.tsv").write_text(
        "Files\tAnnotation type\tSource image\nmasks/cell 02#mask.tif\tsegmentation_mask\tS/a\n"
    )
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    fixes = {f["code"]: f["fix"] for f in json.loads(result.stdout)["findings"] if f.get("fix")}
    assert "'masks/cell_02-mask.tif'" in fixes["BIA101"]
    assert "'masks/cell_02-mask.tif'" in fixes["BIA301"]
    plan = run_cli("fix-names", cwd=tmp_path)
    assert "'masks/cell 02#mask.tif' -> 'masks/cell_02-mask.tif'" in plan.stdout
