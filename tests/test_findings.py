"""The Finding type every check returns: frozen, compared and hashed by its fields, and sent
whole between processes (pickle: the two-core check) and runs (JSON: validated.py)."""

from __future__ import annotations

import copy
import pickle

import pytest

from bia_hooks.codes import CODES, Level
from bia_hooks.findings import Finding

A = Finding("BIA101", "a#.tif", "forbidden character", line=3, column="Files", fix="rename it")


def test_a_finding_takes_its_codes_level_unless_given_one() -> None:
    assert A.level is CODES["BIA101"].level
    assert Finding("BIA101", "a", "m", Level.INFO).level is Level.INFO
    assert A.with_level(Level.INFO).level is Level.INFO and A.level is CODES["BIA101"].level
    with pytest.raises(KeyError, match="BIA999"):
        Finding("BIA999", "a", "m")


def test_a_finding_is_frozen() -> None:
    with pytest.raises(AttributeError):
        A.message = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del A.fix
    assert A.message == "forbidden character" and A.fix == "rename it"


def test_findings_are_equal_and_hash_alike_when_every_field_is() -> None:
    same = Finding("BIA101", "a#.tif", "forbidden character", line=3, column="Files",
                   fix="rename it")  # fmt: skip
    assert same == A and hash(same) == hash(A) and len({A, same}) == 1
    changes = [("path", "b"), ("line", 4), ("fix", None), ("level", Level.INFO),
               ("message", "m"), ("cell", "A3"), ("pointer", "/0"), ("value", "#")]  # fmt: skip
    for field, value in changes:
        other = A.replace(**{field: value})
        assert other != A and getattr(other, field) == value, field
    assert A != ("BIA101", "a#.tif")
    assert A.as_dict() != A


def test_a_finding_goes_whole_through_pickle_json_fields_and_copies() -> None:
    for again in (pickle.loads(pickle.dumps(A)), copy.copy(A), copy.deepcopy(A),
                  Finding(**A.as_dict())):  # fmt: skip
        assert again == A and type(again) is Finding
    assert A.as_dict() == {
        "code": "BIA101", "path": "a#.tif", "message": "forbidden character",
        "level": CODES["BIA101"].level, "line": 3, "column": "Files", "cell": None,
        "pointer": None, "value": None, "fix": "rename it",
    }  # fmt: skip
    assert repr(A).startswith("Finding(code='BIA101', path='a#.tif', message=")
