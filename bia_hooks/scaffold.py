"""What ``bia-hooks init`` writes, decided from what is there: pure, no I/O.

The command surveys the dataset (its files, the repository's setup, the files init would write
that are already there); ``plan_init`` says what to write, and for each file that exists, what it
would add: init never overwrites a file, so that a second run changes nothing.

The guesses are the configuration's: one file list per annotation folder (domain.md §7: lists
side by side at the upload root, each taking its folder's new files by an ``include`` glob), the
annotation type of a folder whose name says it word for word (vocabulary.named_by), and a
``source_image`` rule only where every file it fills names an image of the dataset.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bia_hooks import junk
from bia_hooks.config import CONFIG_NAMES, FileListConfig, SourceImageRule
from bia_hooks.filelist.columns import ANNOTATION_TYPE, SOURCE_IMAGE
from bia_hooks.filelist.vocabulary import named_by
from bia_hooks.safe_text import visible
from bia_hooks.syncplan import new_row_values

CONFIG = CONFIG_NAMES[0]  # .bia-hooks.yaml
PRE_COMMIT = ".pre-commit-config.yaml"
GITIGNORE = ".gitignore"
GITATTRIBUTES = ".gitattributes"
STUDY = "study.yaml"  # study.STUDY_FILE (not imported: this module stays light)

HOOKS_REPO = "https://github.com/bia-hooks/bia-hooks"
# What the written pre-commit configuration pins when init cannot tell which commit of bia-hooks
# is installed: ``pre-commit autoupdate`` replaces it (there is no release tag yet).
UNPINNED = "PIN-ME"  # written only when init cannot tell

# The hooks a dataset uses, with what each does (the comment written next to it).
HOOKS = (
    ("bia-check-names", "file and folder names the archive accepts"),
    ("bia-sync-filelist", "a row per new file, none for deleted ones, rows follow renames"),
    ("bia-validate-filelist", "the file lists as the archive reads them, mandatory columns"),
    ("bia-fix-names", "by hand: pre-commit run bia-fix-names --hook-stage manual"),
)

# Files the operating system or an office program makes next to the data: never data (junk.py).
JUNK_IGNORES = junk.GITIGNORE

# Folders of the repository's own papers and code, not of the upload (guessed by name).
NOT_DATA_FOLDERS = frozenset({"doc", "docs", "scripts", "code", "src", "notebooks"})
# Folders of images, whose list needs only the archive's own rules (schema: general).
IMAGE_FOLDERS = frozenset(
    {"image", "images", "img", "imgs", "raw", "raw_data", "rawdata", "originals", "source_images"}
)
_DOC_FILE = re.compile(
    r"(?i)(?:readme|licen[cs]e|copying|changelog|changes|citation|contributing|authors|notice)"
    r"(?:[._-].*)?|.*\.(?:md|rst)"
)
_IMAGE_FILE = re.compile(
    r"(?i).*\.(?:tiff?|png|jpe?g|bmp|gif|zarr|n5|npy|npz|h5|hdf5|nii(?:\.gz)?|mrc|czi|nd2|lif)"
)
# What an annotation's file name adds to its image's name: 'A01_mask.tif' is the mask of 'A01'.
_ANNOTATION_SUFFIX = re.compile(
    r"(?i)[_-](?:masks?|labels?|labell?ed|seg|segmentation|annotations?|points?|spots?|tracks?|"
    r"boxes|bbox(?:es)?|rois?|gt|ground_?truth|pred(?:iction)?s?)$"
)


@dataclass(frozen=True)
class Survey:
    """What is there, as the command found it."""

    data: Sequence[str]  # the dataset's files, sorted, without the repository's own
    lists: Sequence[str]  # file lists already there: configured, or found by what they hold
    configured: bool  # whether ``lists`` come from an existing configuration
    # The text of each file init may write, by name (None: absent). The configuration and its
    # '.yml' twin, the pre-commit configuration (name from the dataset root), .gitignore,
    # .gitattributes.
    existing: Mapping[str, str | None]
    taken: frozenset[str] = frozenset()  # names at the dataset root a new file list must avoid
    in_git: bool = False
    uses_annex: bool = False
    subfolder: str = ""  # the dataset's folder in its git repository ("" at the top)
    list_format: str = "tsv"
    hooks_repo: str = HOOKS_REPO
    hooks_rev: str = UNPINNED
    accessions: tuple[str, ...] = ()  # the image studies the configuration names


@dataclass(frozen=True)
class SourceGuess:
    pattern: str
    format: str
    filled: int  # files of the folder the rule fills, each with an image of the dataset
    files: int


@dataclass(frozen=True)
class Section:
    """One guessed file list: a folder of the dataset and its files."""

    folder: str  # "" for the files at the dataset root
    path: str  # the file list, at the dataset root
    files: int
    include: tuple[str, ...] = ()
    annotation_type: str | None = None
    why_type: str = ""  # the comment next to the guess, or why there is none
    schema: str = "annotations"
    source_image: SourceGuess | None = None


@dataclass(frozen=True)
class FilePlan:
    """One file init writes, or finds already there."""

    name: str  # from the dataset root
    purpose: str
    content: str | None = None  # what to write; None: it exists (or is not needed)
    to_add: tuple[str, ...] = ()  # lines an existing file lacks: printed, never written
    add_where: str = ""  # where those lines go


@dataclass
class InitPlan:
    files: list[FilePlan] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # guessed file lists (written or not)
    lists: list[str] = field(default_factory=list)  # every file list of the dataset once done
    ignore: list[str] = field(default_factory=list)
    unpinned: bool = False  # the pre-commit configuration needs 'pre-commit autoupdate'


def plan_init(survey: Survey) -> InitPlan:
    plan = InitPlan()
    config_there = next((n for n in CONFIG_NAMES if survey.existing.get(n) is not None), None)
    if not survey.lists:  # nothing to keep: guess one list per annotation folder
        plan.sections, plan.ignore = guess_sections(survey)
    text = render_config(plan.sections, plan.ignore, survey.lists if not survey.configured else ())
    if config_there is None:
        plan.lists = list(survey.lists) or [s.path for s in plan.sections]
        plan.files.append(FilePlan(CONFIG, "the configuration", content=text))
    else:  # the guessed lists are only suggested: the configuration is the user's
        plan.lists = list(survey.lists)
        block = _filelists_block(plan.sections) if not survey.lists else ()
        plan.files.append(
            FilePlan(config_there, "the configuration", to_add=block,
                     add_where="the file lists guessed from the files now there")
        )  # fmt: skip
    plan.files.append(_study(survey, plan))
    if survey.in_git:
        hooks = _pre_commit(survey)
        plan.files.append(hooks)
        text = hooks.content or survey.existing.get(hooks.name) or ""
        plan.unpinned = re.search(rf"^\s*rev:\s*{UNPINNED}\b", text, re.M) is not None
        plan.files.append(
            _lines_file(survey, GITIGNORE, JUNK_IGNORES, "junk and office lock files kept out")
        )
        if survey.uses_annex and plan.lists:
            lines = tuple(f"{_attribute_path(p)} annex.largefiles=nothing" for p in plan.lists)
            plan.files.append(
                _lines_file(
                    survey, GITATTRIBUTES, lines, "file lists kept in git, out of git-annex"
                )
            )
    return plan


def unreadable_names(plan: InitPlan, survey: Survey) -> list[tuple[str, str]]:
    """What the configuration init writes (or prints to add) would name though a person cannot
    read or type it (control characters, bidirectional controls, bytes that are not UTF-8), with
    what it is ('folder', 'file', 'file list'). The archive refuses such a name and fix-names
    renames it: a guess naming it would be out of date at once."""
    named = [
        *(("folder", s.folder) for s in plan.sections),
        *(("file", p) for p in survey.data if is_document(p) and not survey.lists),
        *(("file list", name) for name in ([] if survey.configured else survey.lists)),
    ]
    return [(kind, name) for kind, name in named if visible(name) != name]


# --- the guesses ----------------------------------------------------------------------------


def guess_sections(survey: Survey) -> tuple[list[Section], list[str]]:
    """One section per annotation folder, and the globs of what is not data (docs, code)."""
    folders, ignore = _folders(survey.data)
    names = _list_names(list(folders), survey.taken, survey.list_format)
    image_units = [f for f in folders if _last(f).lower() in IMAGE_FOLDERS]
    # An image whose name a person cannot read is no source image to guess: it is renamed next.
    images = sorted(p for f in image_units for p in folders[f] if visible(p) == p)
    dataset = set(survey.data)
    sections = [_section(f, files, names[f], images, dataset) for f, files in folders.items()]
    return sections, ignore


def _folders(data: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The dataset's files by annotation folder: each top-level folder, or its subfolders when
    only they say what they hold (annotations/masks, annotations/points); the files at the root
    in "" (their documents left out, in the ignore globs)."""
    by_top: dict[str, list[str]] = {}
    for path in data:
        top, slash, _ = path.partition("/")
        by_top.setdefault(top if slash else "", []).append(path)
    folders: dict[str, list[str]] = {}
    ignore: list[str] = []
    for top, files in by_top.items():
        if top == "":
            ignore += [_glob_escape(p) for p in files if is_document(p)]
            rest = [p for p in files if not is_document(p)]
            if rest:
                folders[""] = rest
        elif top.lower() in NOT_DATA_FOLDERS:
            ignore.append(f"{_glob_escape(top)}/**")
        else:
            folders.update(_split(top, files))
    return folders, ignore


def _split(top: str, files: list[str]) -> dict[str, list[str]]:
    if named_by(top) or top.lower() in IMAGE_FOLDERS:
        return {top: files}
    subs: dict[str, list[str]] = {}
    for path in files:
        rest = path[len(top) + 1 :]
        sub, slash, _ = rest.partition("/")
        if not slash:  # a file right in the folder: the folder is one section
            return {top: files}
        subs.setdefault(f"{top}/{sub}", []).append(path)
    if not any(named_by(_last(s)) for s in subs):
        return {top: files}
    return subs


def _section(
    folder: str, files: list[str], path: str, images: list[str], dataset: set[str]
) -> Section:
    include = (f"{_glob_escape(folder)}/**",) if folder else ()
    if _last(folder).lower() in IMAGE_FOLDERS:
        return Section(folder, path, len(files), include, schema="general",
                       why_type="images: only the archive's own rules")  # fmt: skip
    kind = named_by(_last(folder)) if folder else None
    why = f"guessed from the folder name '{_last(folder)}': check it"
    if kind == "class_labels" and _mostly_images(files):
        # Label images are segmentation masks as often as class labels: a person says which.
        kind = None
        why = f"'{_last(folder)}' holds images: segmentation_mask (label images) or class_labels?"
    elif kind is None:
        why = "the folder name does not say: write one of the archive's annotation types"
    source = guess_source_image(folder, files, images, dataset) if images else None
    return Section(folder, path, len(files), include, kind, why, source_image=source)


def _mostly_images(files: Sequence[str]) -> bool:
    return sum(_IMAGE_FILE.fullmatch(p) is not None for p in files) * 2 > len(files)


def guess_source_image(
    folder: str, files: Sequence[str], images: Sequence[str], dataset: set[str]
) -> SourceGuess | None:
    """A rule naming each annotation's image (``masks/A01_mask.tif`` -> ``images/A01.tif``), or
    None. It is written only when it fills more than half of the folder's files (the rest are
    left for a person), each with an image of the dataset that nothing else could be: the only
    image of that name, or the one in the subfolders the annotation's path repeats."""
    by_name: dict[str, list[str]] = {}
    for image in images:
        by_name.setdefault(posixpath.basename(image).split(".", 1)[0], []).append(image)
    counts: Counter[tuple[str, str, bool]] = Counter()
    for path in files:
        name, suffix = _image_name(path)
        sub = posixpath.dirname(path[len(folder) + 1 :] if folder else path)
        for image in by_name.get(name, ()):
            ext = posixpath.basename(image)[len(name) :]
            where = posixpath.dirname(image)
            counts[(_pattern(folder, suffix, False), _format(where, "", ext), False)] += 1
            if sub and (where + "/").endswith("/" + sub + "/"):
                mirror = _format(where[: -len(sub) - 1], "{sub}", ext)
                counts[(_pattern(folder, suffix, True), mirror, True)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], not item[0][2]))
    for (pattern, fmt, mirrored), _ in ranked[:5]:
        rule = SourceImageRule(fmt, re.compile(pattern))
        filled = 0
        for path in files:
            value = new_row_values(path, FileListConfig("x.tsv", source_image=rule)).get(
                SOURCE_IMAGE
            )
            if value is None:
                continue
            name, _ = _image_name(path)
            inner = path[len(folder) + 1 :] if folder else path
            alone = len(by_name.get(name, ())) == 1 or (mirrored and "/" in inner)
            if value not in dataset or not alone:
                break
            filled += 1
        else:
            if filled * 2 > len(files):
                return SourceGuess(pattern, fmt, filled, len(files))
    return None


def _image_name(path: str) -> tuple[str, str]:
    """('A01', '_mask') for 'masks/A01_mask.tif': the image's name and what the annotation adds."""
    stem = posixpath.basename(path).split(".", 1)[0]
    found = _ANNOTATION_SUFFIX.search(stem)
    return (stem[: found.start()], found.group()) if found and found.start() else (stem, "")


def _pattern(folder: str, suffix: str, mirrored: bool) -> str:
    """The annotation's path: its folder, the image's name, what the annotation adds to it, and
    any extension; ``mirrored``: the subfolders, which the image's path repeats."""
    start = re.escape(folder + "/") if folder else ""
    subfolders = "(?P<sub>(?:[^/]+/)*)" if mirrored else "(?:.*/)?"
    return f"^{start}{subfolders}(?P<name>[^/.]+?){re.escape(suffix)}(?:\\.[^/]*)?$"


def _format(where: str, sub: str, ext: str) -> str:
    braced = where.replace("{", "{{").replace("}", "}}")
    ext = ext.replace("{", "{{").replace("}", "}}")
    return (f"{braced}/" if braced else "") + sub + "{name}" + ext


def _list_names(folders: list[str], taken: frozenset[str], extension: str) -> dict[str, str]:
    """A file list name per folder, at the dataset root: 'masks_filelist.tsv', 'filelist.tsv'
    for the root's files; the folder's path when two folders share a name; never a name taken."""
    lasts = Counter(_last(f) for f in folders)
    names: dict[str, str] = {}
    used = set(taken)
    for folder in folders:
        base = _last(folder) if lasts[_last(folder)] == 1 else folder.replace("/", "_")
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", base).strip("._-")
        stem = f"{base}_filelist" if base else "filelist"
        name, n = f"{stem}.{extension}", 1
        while name in used or name.lower() in {u.lower() for u in used}:
            n += 1
            name = f"{stem}{n}.{extension}"
        used.add(name)
        names[folder] = name
    return names


def is_document(path: str) -> bool:
    """A README, licence or Markdown file at the dataset root: the repository's, not data."""
    return "/" not in path and _DOC_FILE.fullmatch(path) is not None


def _last(folder: str) -> str:
    return folder.rsplit("/", 1)[-1]


def _glob_escape(path: str) -> str:
    """A path as a glob that matches it alone ('*', '?' and '[' taken literally)."""
    return re.sub(r"([*?\[])", r"[\1]", path)


def _attribute_path(path: str) -> str:
    """A path as .gitattributes names it: from its folder, quoted when it holds a space."""
    return json.dumps(path) if re.search(r'[\s"\\]', path) else path


# --- what is written ------------------------------------------------------------------------


def _yaml(value: str) -> str:
    """A YAML scalar: plain when YAML reads it back as the same text, else double-quoted."""
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_ ./-]*", value) and not value.endswith(" "):
        import yaml

        if yaml.safe_load(value) == value:
            return value
    return _double_quoted(value)


def _quoted(value: str) -> str:
    """A single-quoted YAML scalar: a regular expression stays as written, backslashes too (but
    for what only a double-quoted scalar can hold: a line break, a control character)."""
    if _NOT_PLAIN_ASCII.search(value):
        return _double_quoted(value)
    return "'" + value.replace("'", "''") + "'"


_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e]")


def _double_quoted(value: str) -> str:
    """A double-quoted YAML scalar in printable ASCII, read back as ``value`` whatever it holds:
    YAML refuses control characters raw and reads a line break in a scalar as a space, and JSON's
    surrogate pairs (json.dumps) would read back as two characters."""
    body = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NOT_PLAIN_ASCII.sub(_yaml_escape, body) + '"'


def _yaml_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# What a YAML text cannot hold raw even in a comment (PyYAML's NON_PRINTABLE) once ``visible``
# has escaped controls and line breaks: U+FFFE and U+FFFF.
_NOT_YAML = re.compile("[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _comment(text: str) -> str:
    """Text for a YAML comment: on one line, each character YAML refuses shown as an escape."""
    return _NOT_YAML.sub(_yaml_escape, visible(text))


def _flow(items: Sequence[str]) -> str:
    return "[" + ", ".join(map(_yaml, items)) + "]"


CONFIG_HEAD = """\
# bia-hooks configuration, written by 'bia-hooks init' from the files it found.
# Check what it guessed (the lines marked 'guessed'); every key is in the README, section
# "Configuration: .bia-hooks.yaml".
version: 1
names:
  spaces: warn              # allow | warn | error (error: fix-names replaces spaces with _)
# severity:                 # per finding code: error | warning | info | off
#   BIA103: error
"""

EXAMPLE_FILELISTS = """\
# No annotation file yet. When there are, name a file list per annotation section, e.g.:
# filelists:
#   - path: masks_filelist.tsv        # .tsv, .xlsx or .json, from the dataset root
#     include: ["masks/**"]           # new files under masks/ get a row in this list
#     defaults:                       # values of new rows
#       - match: "masks/**"
#         values: {Annotation type: segmentation_mask}
"""


def render_config(
    sections: Sequence[Section], ignore: Sequence[str], found: Sequence[str] = ()
) -> str:
    """The commented configuration: the guessed file lists, or the lists found there."""
    text = CONFIG_HEAD
    if ignore:
        text += f"ignore: {_flow(ignore)}   # not data: in no file list (guessed from the names)\n"
    if found:
        text += "filelists:                  # the file lists found here\n"
        text += "".join(f"  - path: {_yaml(p)}\n" for p in found)
    elif sections:
        text += "\n".join(_filelists_block(sections)) + "\n"
    else:
        text += EXAMPLE_FILELISTS
    return text


def _filelists_block(sections: Sequence[Section]) -> tuple[str, ...]:
    if not sections:
        return ()
    lines = ["filelists:                  # one per annotation section, from the dataset root"]
    for s in sections:
        lines.append(
            f"  - path: {_yaml(s.path)}   # {s.files:,} file(s) of "
            + _comment(s.folder or "the root")
        )
        if s.schema != "annotations":
            lines.append(f"    schema: {s.schema}    # {_comment(s.why_type)}")
        if s.include:
            lines.append(f"    include: {_flow(s.include)}   # new files there get a row here")
        if s.schema == "annotations":
            lines += _defaults(s)
        if s.source_image is not None:
            guess = s.source_image
            lines += [
                f"    source_image:           # guessed: names an image of the dataset for "
                f"{guess.filled:,} of {guess.files:,} file(s)",
                f"      pattern: {_quoted(guess.pattern)}",
                f"      format: {_yaml(guess.format)}",
            ]
    return tuple(lines)


def _defaults(s: Section) -> list[str]:
    match = _yaml(s.include[0] if s.include else "**")
    if s.annotation_type is None:  # a commented entry to complete: nothing written on a guess
        return [
            f"    # defaults:             # {_comment(s.why_type)}",
            f"    #   - match: {match}",
            f"    #     values: {{{ANNOTATION_TYPE}: ...}}",
        ]
    return [
        "    defaults:               # values of new rows",
        f"      - match: {match}",
        f"        values: {{{ANNOTATION_TYPE}: {s.annotation_type}}}   # {_comment(s.why_type)}",
    ]


def _pre_commit(survey: Survey) -> FilePlan:
    name = "../" * (survey.subfolder.count("/") + 1 if survey.subfolder else 0) + PRE_COMMIT
    text = survey.existing.get(name)
    if text is None:
        return FilePlan(name, "the hooks, run at every commit", content=pre_commit_config(survey))
    present = _hook_ids(text)
    missing = [(h, why) for h, why in HOOKS if h not in present]
    if not missing:
        return FilePlan(name, "the hooks, run at every commit")
    if present:
        lines = tuple(f"      - id: {h}" for h, _ in missing)
        where = "under the hooks of the bia-hooks repository"
    else:
        lines = tuple(pre_commit_config(survey, [h for h, _ in missing]).splitlines()[2:])
        where = "under 'repos:'"
    return FilePlan(name, "the hooks, run at every commit", to_add=lines, add_where=where)


def pre_commit_config(survey: Survey, hooks: Sequence[str] | None = None) -> str:
    pinned = (
        "# run 'pre-commit autoupdate' to pin the newest bia-hooks"
        if survey.hooks_rev == UNPINNED
        else "# the bia-hooks you ran init with"
    )
    extra = []
    if survey.subfolder:  # pre-commit runs at the top of the repository; the dataset is below
        folder = survey.subfolder
        extra = [f"        args: [--root, {_yaml(folder)}]",
                 f"        files: {_yaml('^' + re.escape(folder) + '/')}"]  # fmt: skip
    lines = [
        "# pre-commit runs these checks at every git commit ('pre-commit install' once per clone).",
        "repos:",
        f"  - repo: {survey.hooks_repo}",
        f"    rev: {_yaml(survey.hooks_rev)}  {pinned}",
        "    hooks:",
    ]
    for hook, why in HOOKS:
        if hooks is None or hook in hooks:
            lines += [f"      - id: {hook}  # {why}", *extra]
    return "\n".join(lines) + "\n"


def _hook_ids(text: str) -> set[str]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return set()
    repos = data.get("repos") if isinstance(data, dict) else None
    return {
        hook["id"]
        for repo in (repos if isinstance(repos, list) else [])
        if isinstance(repo, dict) and isinstance(repo.get("hooks"), list)
        for hook in repo["hooks"]
        if isinstance(hook, dict) and isinstance(hook.get("id"), str)
    }


def _lines_file(survey: Survey, name: str, lines: Sequence[str], purpose: str) -> FilePlan:
    text = survey.existing.get(name)
    if text is None:
        return FilePlan(name, purpose, content="\n".join(lines) + "\n")
    there = {line.strip() for line in text.splitlines()}
    missing = tuple(line for line in lines if line not in there)
    return FilePlan(name, purpose, to_add=missing, add_where="at its end")


# --- study.yaml ------------------------------------------------------------------------------

STUDY_HEAD = """\
## The study's metadata: what the BioImage Archive's annotations template (BioImages.MIFA.v1)
## asks for in its web form, kept and versioned with the data. Every line is a comment: uncomment
## the lines of the fields and replace each '...' ('bia-hooks check' reports any left). 'bia-hooks
## check' then checks this file, and 'bia-hooks export --submission OUT/' turns it into the
## page-tab the archive reads. The README's section "Study metadata: study.yaml" has every key.
# version: 1
# title: ...                     # required, 25 characters or more: shown in search results
# description: |                 # required: what the dataset is (an abstract will do)
#   ...
# release_date: YYYY-MM-DD       # required: the day (GMT) it becomes public, at most 2 years ahead
# keywords: [...]                # required: one or more, e.g. [segmentation, nuclei]
# acknowledgements: ...          # desirable
# image_dataset: {images}{images_why}
# contacts:                      # required: one entry per author
#   - name: ...                  # required: the full name
#     email: ...                 # required
#     organisation: ...          # required; several as a list: [EMBL-EBI, University of ...]
#     role: ...                  # required: corresponding author, data acquisition, data
#                                #   analyst, experiment performer, first author, investigator,
#                                #   principal investigator, software development or submitter
#     orcid: ...                 # desirable: 0000-0002-1825-0097
# funding:                       # desirable: one entry per grant
#   - agency: ...
#     grant_id: ...
# publications:                  # desirable
#   - title: ...
#     authors: ...               # First Author, Second Author
#     doi: ...                   # 10.1234/abcd
#     pubmed_id: ...
#     year: ...
# links:                         # desirable: code, other data, a project page
#   - link: ...                  # https://github.com/...
#     description: ...           # Image analysis code
# annotations:                   # required: one section per file list
"""

STUDY_SECTION = """\
#   - file_list: {path}
#     title: ...                 # required: a short label (Segmentation masks)
#     types: [{types}]{why}
#     overview: ...              # required: the kind of annotation, and how it was made
#     method: ...                # required: by whom or which software, when, how checked
#     criteria: ...              # desirable: the rules followed (only nuclei in focus)
#     coverage: ...              # desirable: which images are annotated, if not all
#     confidence: ...            # desirable: how sure (self-reported, variance among annotators)
"""


def _study(survey: Survey, plan: InitPlan) -> FilePlan:
    purpose = "the study's metadata for the submission, to fill in (every line a comment)"
    if survey.existing.get(STUDY) is not None:
        return FilePlan(STUDY, "the study's metadata")
    return FilePlan(STUDY, purpose, content=render_study(plan.lists, plan.sections, survey))


def render_study(lists: Sequence[str], sections: Sequence[Section], survey: Survey) -> str:
    """study.yaml with every line commented: a template that ``check`` reads as not filled in
    yet, with a section per file list and the annotation type init guessed for it."""
    guessed = {s.path: s.annotation_type for s in sections if s.annotation_type}
    if survey.accessions:
        images = _flow(survey.accessions) if len(survey.accessions) > 1 else survey.accessions[0]
        why = "   # required: the image dataset (.bia-hooks.yaml names it)"
    else:
        images, why = "...", "             # required: its accession (S-BIAD123) or address"
    text = STUDY_HEAD.format(images=images, images_why=why)
    for path in lists or ["..."]:
        kind = guessed.get(path)
        why = (
            "   # required (guessed from the folder's name)"
            if kind
            else "                # required: one or more of the archive's types "
            "(bia-hooks explain BIA512)"
        )
        text += STUDY_SECTION.format(path=_yaml(path), types=kind or "...", why=why)
    return text
