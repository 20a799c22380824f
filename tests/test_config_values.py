"""The configuration is checked for what it would write into every new row: a default the row
schema refuses, a source image format naming a group the pattern lacks. One message with the key
and the fix, exit status 2, and no file list touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git, run_cli, write

HEADER = "Files\tAnnotation type\tSource image\n"
LIST = "masks/filelist.tsv"


def _dataset(repo: Path, filelist: str) -> str:
    write(repo, "masks/plate1_A01_f1.tif")
    (repo / LIST).write_text(HEADER)
    (repo / ".bia-hooks.yaml").write_text(f"filelists:\n  - path: {LIST}\n{filelist}")
    git(repo, "add", "-A")
    return (repo / LIST).read_text()


def _refused(repo: Path, filelist: str) -> str:
    before = _dataset(repo, filelist)
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (repo / LIST).read_text() == before  # nothing written
    assert result.stdout == ""
    prefix = f"bia-hooks sync: {repo / '.bia-hooks.yaml'}: filelists[0]."
    assert result.stderr.startswith(prefix) and result.stderr.count("\n") == 1, result.stderr
    return result.stderr[len(prefix) : -1]


DEFAULTS = "    defaults:\n      - match: 'masks/**'\n        values: {{{}}}\n"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            "annotation type: Segmentation masks",
            "defaults[0].values.annotation type: 'Segmentation masks' is not in the archive's "
            "list of annotation types, and every new row would get 'Segmentation masks'; write "
            "'segmentation_mask'",
        ),
        (
            "Annotation Type: 'segmentation_mask, Point coordinates (NumPy array)'",
            "defaults[0].values.Annotation Type: 'Point coordinates (NumPy array)' is not in the "
            "archive's list of annotation types, and every new row would get 'segmentation_mask, "
            "Point coordinates (NumPy array)'; write 'segmentation_mask,point_annotations'",
        ),
        (
            "source_image: '  '",
            "defaults[0].values.source_image: '  ' is refused by the annotations schema of a file "
            "list row (Source image: The image(s) annotated: a path, S-BIAD123/path or "
            "https://www.ebi.ac.uk/biostudies/files/S-BIAD123/path; several comma-separated), and "
            "every new row would get it; write a value it accepts, or remove this default",
        ),
        (
            "Files: x.tif",
            "defaults[0].values.Files: the Files column holds each row's own path, never a "
            "default; remove this entry",
        ),
        (
            "'': x",
            "defaults[0].values['']: a column name that is blank or holds a tab or line break "
            "makes a file list header the archive refuses; name the column in words",
        ),
        (
            '"a\\tb": x',
            "defaults[0].values['a\\tb']: a column name that is blank or holds a tab or line "
            "break makes a file list header the archive refuses; name the column in words",
        ),
    ],
    ids=["free text", "free text among types", "blank source", "Files", "blank", "tab"],
)
def test_a_default_the_row_schema_refuses_is_refused(repo: Path, values: str, message: str) -> None:
    assert _refused(repo, DEFAULTS.format(values)) == message


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "      pattern: '(?P<plate>plate\\d+)_(?P<field>f\\d+)'\n"
            "      format: 'S-BIAD1/{plate}/{well}.tif'\n",
            "source_image.format: {well} is neither a group of source_image.pattern (its groups "
            "are plate, field) nor a part of the annotation's path (path, folder, filename, "
            "stem), so no new row would get a source image; write one of these, or name a group "
            "of the pattern (?P<well>...)",
        ),
        (
            "      pattern: 'plate\\d+'\n      format: 'S-BIAD1/{plate}.tif'\n",
            "source_image.format: {plate} is neither a group of source_image.pattern (it has no "
            "named group) nor a part of the annotation's path (path, folder, filename, stem), so "
            "no new row would get a source image; write one of these, or name a group of the "
            "pattern (?P<plate>...)",
        ),
        (
            "      format: 'S-BIAD1/{plate}.tif'\n",
            "source_image.format: {plate} is neither a group of source_image.pattern (there is no "
            "pattern) nor a part of the annotation's path (path, folder, filename, stem), so no "
            "new row would get a source image; write one of these, or add a pattern with a group "
            "(?P<plate>...)",
        ),
    ],
    ids=["a group the pattern lacks", "no named group", "no pattern"],
)
def test_a_format_field_the_pattern_lacks_is_refused(repo: Path, rule: str, message: str) -> None:
    assert _refused(repo, "    source_image:\n" + rule) == message


def test_what_the_configuration_may_write_is_written(repo: Path) -> None:
    _dataset(
        repo,
        "    defaults:\n      - match: 'masks/**'\n"
        "        values: {annotation type: 'segmentation_mask , point_annotations',\n"
        "                 Annotator: ''}\n"
        "    source_image:\n"
        "      pattern: '(?P<plate>plate\\d+)_(?P<well>[A-H]\\d\\d)'\n"
        "      format: 'S-BIAD1/{plate}/{well}/{stem}.tif'\n",
    )
    result = run_cli("sync", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert (repo / LIST).read_text() == (
        "Files\tAnnotation type\tSource image\tAnnotator\n"
        "masks/plate1_A01_f1.tif\tsegmentation_mask , point_annotations\t"
        "S-BIAD1/plate1/A01/plate1_A01_f1.tif\t\n"
    )


def test_under_the_general_schema_the_annotation_type_is_free(repo: Path) -> None:
    """That schema keeps only the archive's own rules: a free-text type is the user's to write."""
    _dataset(repo, "    schema: general\n" + DEFAULTS.format("annotation type: Segmentation masks"))
    assert run_cli("sync", cwd=repo).returncode == 1
    assert "Segmentation masks" in (repo / LIST).read_text()
