"""The session's one pass over a dataset: with a configuration, git lists the files while the
lists are read; the session is the one the step-by-step order makes, and a listing that fails is
still the error the user sees first."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bia_hooks import gitcmd, session, tree
from bia_hooks.config import load_config
from bia_hooks.errors import UsageError
from bia_hooks.session import Session, open_session
from bia_hooks.validation import validate_filelist
from tests.conftest import git, write

CONFIG = """\
version: 1
filelists:
  - path: masks.tsv
    include: ["masks/**"]
  - path: images.tsv
    include: ["images/**"]
"""


def _fields(session: Session) -> tuple[object, ...]:
    return (session.paths, session.data, session.findings, session.filelists, session.configured,
            session.in_git, session.listed, session.tables, session.read_findings,
            session.renames, session.owners)  # fmt: skip


@pytest.fixture
def dataset(repo: Path) -> Path:
    write(repo, "masks/a.tif", "masks/b.tif", "images/a.tif", "images/c.tif", "notes/x.txt")
    (repo / ".bia-hooks.yaml").write_text(CONFIG)
    (repo / "masks.tsv").write_text("Files\tAnnotation type\nmasks/a.tif\tsegmentation_mask\n")
    (repo / "images.tsv").write_text("Files\nimages/a.tif\nimages/gone.tif\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "dataset")
    git(repo, "mv", "images/c.tif", "images/d.tif")
    return repo


def test_the_lists_read_while_git_lists_make_the_same_session(dataset: Path) -> None:
    config = load_config(dataset)

    def no_second_listing(root: Path, *args: str, **kwargs: object) -> object:
        assert "ls-files" not in args  # the started listing is what is read
        return gitcmd.git(root, *args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(tree, "git", no_second_listing):
        at_once = open_session(config, reader=validate_filelist)
    assert at_once.configured and at_once.data and at_once.listed["images.tsv"]
    with mock.patch.object(gitcmd.Started, "output", return_value=None):  # git called again
        again = open_session(config, reader=validate_filelist)
    assert _fields(again) == _fields(at_once)


def test_a_listing_that_fails_is_the_error_first(dataset: Path) -> None:
    config = load_config(dataset)
    twice = config._replace(filelists=config.filelists * 2)
    with pytest.raises(UsageError, match="named twice"):
        open_session(twice)
    (dataset / ".git" / "index").write_bytes(b"not an index")
    with pytest.raises(UsageError, match="ls-files"):
        open_session(twice)


def test_renames_looked_for_beside_the_reading_raise_what_they_raise(dataset: Path) -> None:
    config = load_config(dataset)
    assert open_session(config).renames["images.tsv"] == {"images/c.tif": "images/d.tif"}
    with (
        mock.patch("bia_hooks.moves.renames_since", side_effect=UsageError("no commit")),
        pytest.raises(UsageError, match="no commit"),
    ):
        open_session(config)


def test_no_temporary_file_for_the_listing_lists_the_long_way(dataset: Path) -> None:
    config = load_config(dataset)
    expected = _fields(open_session(config))
    with mock.patch("tempfile.TemporaryFile", side_effect=OSError("no space left")):
        assert _fields(open_session(config)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab.tsvxljon/\n", max_size=12), max_size=30))
def test_the_lists_are_found_by_their_ending_as_each_path_would_say(paths: list[str]) -> None:
    suffixes = session.FILELIST_SUFFIXES
    assert session._ending_with(paths, suffixes) == [p for p in paths if p.endswith(suffixes)]


@given(st.lists(st.text(st.sampled_from("ab/\0é"), max_size=4), max_size=6))
def test_paths_made_anew_are_the_same_paths(paths: list[str]) -> None:
    """A sync's session keeps what each list names as strings made after the list's table is
    dropped (``_made_anew``); a path holding a NUL (which joins them) keeps its own strings."""
    given_paths = list(paths)
    anew = session._made_anew(given_paths)
    assert anew == paths
    if any("\0" in p for p in paths):
        assert anew is given_paths
    else:
        assert given_paths == []  # the old strings let go
