"""``bia-hooks init``: start a dataset with its configuration, hooks, ignore lines and first file
lists, guessed from what is there. ``scaffold`` decides; this module reads, writes and tells.

It never overwrites a file: for a file that is there, it prints what it would add. The file lists
are built by the sync (``session``), as ``bia-hooks sync`` would build them.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bia_hooks import advice, scaffold, sync, tree
from bia_hooks.atomic import write_atomic
from bia_hooks.config import CONFIG_NAMES, Config, find_root, load_config
from bia_hooks.errors import UsageError
from bia_hooks.gitcmd import git, git_common_dir, git_toplevel, is_git_work_tree
from bia_hooks.safe_text import printable
from bia_hooks.scaffold import InitPlan, Survey
from bia_hooks.study import accessions_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", dest="list_format", choices=("tsv", "xlsx"), default="tsv",
        help="format of the file lists init creates (default: tsv)",
    )  # fmt: skip
    parser.add_argument(
        "--root", type=Path,
        help="the dataset's root folder, the root of the upload (default: the git repository's "
        "top folder, else the current folder)",
    )  # fmt: skip
    parser.add_argument(
        "--hooks-repo", default=scaffold.HOOKS_REPO, metavar="URL",
        help="the bia-hooks repository .pre-commit-config.yaml names (a fork or a mirror; "
        f"default: {scaffold.HOOKS_REPO})",
    )  # fmt: skip
    parser.add_argument(
        "--hooks-rev", metavar="REV",
        help="the tag or commit SHA of it to pin (default: the commit this bia-hooks was "
        "installed from, when pip recorded it)",
    )  # fmt: skip


@dataclass
class Done:
    """What init did, for the report and the next steps."""

    written: list[str] = field(default_factory=list)  # names from the dataset root
    lists: list[sync.ListSync] = field(default_factory=list)  # file lists created


def run(args: argparse.Namespace) -> int:
    root = (args.root or find_root(Path.cwd())).resolve()
    if not root.is_dir():
        raise UsageError(f"--root {args.root}: no such folder")
    in_git = is_git_work_tree(root)
    config = load_config(root)  # a broken configuration stops init here, with its message
    files = tree.dataset_files(root, config.objects)
    if in_git and not files.data:
        _refuse_untracked(root)
    from bia_hooks.session import filelists_of

    lists, configured = filelists_of(config, files.data)
    survey = _survey(args, root, in_git, files.data, [fl.path for fl in lists], configured)
    survey = dataclasses.replace(survey, accessions=tuple(accessions_of(config)))
    plan = scaffold.plan_init(survey)
    _refuse_unreadable(plan, survey)
    written_config = _config_to_write(root, plan)
    prepared = _first_lists(written_config or config)  # every list ready before any write
    done = Done()
    for item in plan.files:
        if item.content is not None and _write_new(root / item.name, item.content.encode(), done):
            done.written.append(item.name)
    for outcome, editor in prepared:
        file = root / outcome.config.path
        if not (file.exists() or file.is_symlink()):
            _saving(file, done, functools.partial(editor.save, file))
            done.written.append(outcome.config.path)
            done.lists.append(outcome)
    if in_git and done.written:
        literal = [f":(literal){name}" for name in done.written]
        # What init writes is small text that must stay in git, whatever .gitattributes tells
        # git-annex to take (`* annex.largefiles=anything` would annex the file lists).
        git(root, "-c", "annex.largefiles=nothing", "add", "--", *literal)
    _report(root, survey, plan, done)
    return 0


def _survey(
    args: argparse.Namespace,
    root: Path,
    in_git: bool,
    data: list[str],
    lists: list[str],
    configured: bool,
) -> Survey:
    top = git_toplevel(root) if in_git else None
    subfolder = root.relative_to(top).as_posix() if top is not None and top != root else ""
    if subfolder == ".":
        subfolder = ""
    repo, rev = args.hooks_repo, args.hooks_rev
    if in_git and rev is None:
        repo, rev = installed_source(repo)
    names = [*CONFIG_NAMES, scaffold.GITIGNORE, scaffold.GITATTRIBUTES, scaffold.STUDY]
    names.append("../" * (subfolder.count("/") + 1 if subfolder else 0) + scaffold.PRE_COMMIT)
    return Survey(
        data=data,
        lists=lists,
        configured=configured,
        existing={name: _text_of(root / name) for name in names},
        taken=frozenset(os.listdir(root)) | {p for p in data if "/" not in p},
        in_git=in_git,
        uses_annex=in_git and _uses_annex(root),
        subfolder=subfolder,
        list_format=args.list_format,
        hooks_repo=repo,
        hooks_rev=rev or scaffold.UNPINNED,
    )


def _refuse_untracked(root: Path) -> None:
    """Files in the folder that git does not track yet: the file lists are built from what git
    tracks (what a commit holds), so they would all be empty: add the files first."""
    from bia_hooks.dataset import is_machinery
    from bia_hooks.gitcmd import split_z

    out = git(root, "ls-files", "-z", "--others", "--exclude-standard").stdout
    waiting = [p for p in split_z(out) if not is_machinery(p) and not scaffold.is_document(p)]
    if waiting:
        shown = ", ".join(waiting[:3]) + (
            f" and {len(waiting) - 3:,} more" if len(waiting) > 3 else ""
        )
        raise UsageError(
            f"git tracks no file of the dataset yet, but {len(waiting):,} file(s) are here "
            f"({shown}): add them first (git add, or git annex add for large files), then run "
            "'bia-hooks init' again: it builds the file lists from the files git tracks. "
            "Nothing was written."
        )


def _refuse_unreadable(plan: InitPlan, survey: Survey) -> None:
    """A name the configuration would hold that a person cannot read or type: renamed first
    (fix-names), then guessed from its new name."""
    names = scaffold.unreadable_names(plan, survey)
    if names:
        shown = ", ".join(f"the {kind} '{printable(name)}'" for kind, name in names[:3])
        more = f" and {len(names) - 3:,} more" if len(names) > 3 else ""
        raise UsageError(
            f"{shown}{more}: {'a name' if len(names) == 1 else 'names'} a person cannot read or "
            "type (control characters, or bytes that are not UTF-8 text), which the archive "
            "refuses; the configuration init guesses would name it as it is. Run 'bia-hooks "
            "fix-names --apply' first (it renames it), then 'bia-hooks init' again. Nothing was "
            "written."
        )


def _text_of(file: Path) -> str | None:
    """The file's text, None when absent; something that is there is never written over."""
    if not (file.exists() or file.is_symlink()):
        return None
    try:
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:  # a folder, a dangling link, unreadable: there, and left alone
        return ""


def _uses_annex(root: Path) -> bool:
    if (git_common_dir(root) / "annex").is_dir():
        return True
    return git(root, "config", "--get", "annex.uuid", check=False).returncode == 0


def _config_to_write(root: Path, plan: InitPlan) -> Config | None:
    """The configuration init writes, loaded as every command will load it (a bug of ours in
    it stops here, before anything is written)."""
    text = next((f.content for f in plan.files if f.name == scaffold.CONFIG and f.content), None)
    if text is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / scaffold.CONFIG
        file.write_text(text, encoding="utf-8")
        return load_config(root, file)


def _first_lists(config: Config) -> list[tuple[sync.ListSync, sync.Editor]]:
    """The configured file lists that are not there yet, built by the sync; a list with no file
    to list is not created (the archive refuses an empty list)."""
    absent = [
        fl for fl in config.filelists
        if not ((config.root / fl.path).exists() or (config.root / fl.path).is_symlink())
    ]  # fmt: skip
    if not absent:
        return []
    from bia_hooks.session import open_session

    wanted = {fl.path for fl in absent}
    session = open_session(config, keep_tables=False)
    return [
        (outcome, editor)
        for outcome, editor in session.prepare()
        if editor is not None and outcome.config.path in wanted and outcome.rows
    ]


def _write_new(file: Path, content: bytes, done: Done) -> bool:
    """Write a file that is not there; one that appeared meanwhile is left as it is."""
    if file.exists() or file.is_symlink():
        return False
    _saving(file, done, lambda: write_atomic(file, content))
    return True


def _saving(file: Path, done: Done, save: Callable[[], None]) -> None:
    try:
        save()
    except OSError as e:
        written = f" (written before it: {', '.join(done.written)})" if done.written else ""
        raise UsageError(f"{file}: cannot write it: {e.strerror or e}{written}") from None


def installed_source(default_repo: str) -> tuple[str, str | None]:
    """The repository and commit this bia-hooks was installed from, when pip recorded them:
    ``pip install git+URL`` records the commit; ``pip install ./bia-hooks`` the folder, whose
    checkout says its commit (its tag when one points there). None when unknown."""
    from importlib import metadata
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    import bia_hooks

    try:
        dist = metadata.distribution("bia-hooks")
        info = json.loads(dist.read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        return default_repo, None
    if not isinstance(info, dict):
        return default_repo, None
    running = Path(bia_hooks.__file__).resolve()
    installed = Path(str(dist.locate_file("bia_hooks/__init__.py"))).resolve()
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and installed == running:
        commit = vcs.get("commit_id")
        return url.removeprefix("git+"), commit if isinstance(commit, str) else None
    if not url.startswith("file://"):
        return default_repo, None
    folder = Path(url2pathname(urlparse(url).path)).resolve()
    if running.parent.parent != folder and installed != running:
        return default_repo, None  # another copy of bia-hooks is running
    if not folder.is_dir() or not is_git_work_tree(folder):
        return default_repo, None
    head = git(folder, "rev-parse", "HEAD", check=False)
    if head.returncode != 0:
        return default_repo, None
    tag = git(folder, "describe", "--tags", "--exact-match", "HEAD", check=False)
    origin = git(folder, "remote", "get-url", "origin", check=False)
    repo = origin.stdout.decode().strip() if origin.returncode == 0 else default_repo
    rev = (tag if tag.returncode == 0 else head).stdout.decode().strip()
    return repo or default_repo, rev


# --- what the user reads --------------------------------------------------------------------


def _report(root: Path, survey: Survey, plan: InitPlan, done: Done) -> None:
    where = "git repository" if survey.in_git else "folder"
    _say(f"bia-hooks init in {root} (a {where}):")
    for item in plan.files:
        if item.name in done.written:
            _say(f"  wrote {item.name}: {_what(item, plan)}")
        elif item.to_add:
            _say(f"  {item.name}: already there; to add {item.add_where}:")
            for line in item.to_add:
                _say(f"      {line}")
        else:
            _say(f"  {item.name}: already there ({item.purpose}), left as it is")
    created = {o.config.path for o in done.lists}
    for name in plan.lists:
        if name not in created:
            there = (root / name).exists() or (root / name).is_symlink()
            status = "already there" if there else "not created: no file to list yet"
            _say(f"  {name}: {status}")
    setting = advice.Setting(in_git=survey.in_git)
    for outcome in done.lists:
        for line in sync.describe(outcome, setting):
            _say("  " + line)
    if not done.written:
        _say("Nothing written: init never writes over a file.")
    elif survey.in_git:
        _say(f"Staged what init wrote (git add): {', '.join(done.written)}.")
    _say()
    _say("Next steps:")
    for n, step in enumerate(next_steps(survey, plan, done), start=1):
        _say(f"  {n}. {step}")


def _say(line: str = "") -> None:
    """A line of the report: it may hold file names, which are shown escaped."""
    print(printable(line))


def _what(item: scaffold.FilePlan, plan: InitPlan) -> str:
    if item.name == scaffold.CONFIG:
        if plan.sections:
            return (
                f"the configuration, {len(plan.sections)} file list(s) guessed from the folders "
                "(check the lines marked 'guessed')"
            )
        return "the configuration" + ("" if plan.lists else ", with an example file list")
    return item.purpose


def next_steps(survey: Survey, plan: InitPlan, done: Done) -> list[str]:
    steps = []
    hooks = next((f for f in plan.files if f.name.endswith(scaffold.PRE_COMMIT)), None)
    steps += [
        f"add the lines above to {f.name}"
        for f in plan.files
        if f.to_add and f.name != scaffold.CONFIG
    ]
    if plan.unpinned:
        steps.append(
            "pre-commit autoupdate   # pins the newest bia-hooks in .pre-commit-config.yaml "
            "(needs the network)"
        )
    if hooks is not None:
        steps.append("pre-commit install      # the hooks then run at every git commit")
    config = next(f for f in plan.files if f.name in CONFIG_NAMES)
    if config.to_add:
        steps.append(
            f"add the lines above to {config.name}, then run 'bia-hooks sync': it creates the "
            "file lists"
        )
    elif not plan.lists:
        steps.append(
            "add your annotation files; then 'bia-hooks init' again prints the file lists to add "
            "to .bia-hooks.yaml (or name them under 'filelists:' yourself: an example is there)"
        )
    if done.lists:
        steps += _fill_in(done)
    elif plan.lists:
        steps.append(
            "fill in the empty 'Annotation type' and 'Source image' cells of the file lists "
            "(bia-hooks check names each one)"
        )
    if scaffold.STUDY in done.written:
        steps.append(
            f"fill in {scaffold.STUDY} (uncomment its lines): the archive's form, for 'bia-hooks "
            "export --submission'"
        )
    steps.append("bia-hooks check         # everything, as the archive and its curators see it")
    if survey.in_git:
        steps.append("git commit              # the hooks check the commit")
    else:
        steps.append("upload the folder with its file lists")
    return steps


def _fill_in(done: Done) -> list[str]:
    steps = []
    for outcome in done.lists:
        for column, rows in outcome.incomplete.items():
            what = (
                "one of the archive's annotation types (bia-hooks explain BIA304)"
                if column.lower().startswith("annotation")
                else "the image each annotation belongs to: its path, S-BIAD123/path or its "
                "https://www.ebi.ac.uk/biostudies/files/... address"
            )
            steps.append(
                f"fill in '{column}' in {outcome.config.path} ({len(rows):,} row(s)): {what}"
            )
    return steps
