"""What a DVC project tracks: its ``.dvc`` files, its local cache and the manifests of folders."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from bia_hooks import confine, dataset, globs
from bia_hooks.dataset import DatasetFile
from bia_hooks.findings import Finding
from bia_hooks.limits import LimitExceeded
from bia_hooks.textfiles import load_yaml

DVC_SOURCES = (".dvc", "dvc.lock")  # the files that say what DVC tracks

_SECTION = re.compile(r"^\s*\[\s*['\"]?([^\]'\"]+)['\"]?\s*\]\s*$")
_SETTING = re.compile(r"^\s*([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$")


def dvc_folder(root: Path) -> Path | None:
    """The ``.dvc`` folder of the DVC project holding ``root`` (it may sit above ``root``)."""
    for folder in (root, *root.parents):
        if (folder / ".dvc").is_dir():
            return folder / ".dvc"
        if (folder / ".git").exists():
            return None  # DVC projects do not reach above their git repository
    return None


def _cache_setting(dvc: Path) -> str | None:
    value = None
    for name in ("config", "config.local"):  # config.local wins
        try:
            text = (dvc / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        section = ""
        for line in text.splitlines():
            if m := _SECTION.match(line):
                section = m.group(1).strip()
            elif section == "cache" and (m := _SETTING.match(line)) and m.group(1) == "dir":
                value = m.group(2).strip("'\"")
    return value


def cache_folder(dvc: Path) -> Path:
    """``.dvc/cache``, or the folder ``cache.dir`` names (relative to ``.dvc``)."""
    configured = _cache_setting(dvc)
    return (dvc / configured).resolve() if configured else dvc / "cache"


def manifest_files(cache: Path, md5: str) -> list[Path]:
    """Where the manifest of a folder with hash ``md5`` (``....dir``) may be: DVC 3, then DVC 2.
    Only a real hash makes a path: any other text would name a file elsewhere."""
    if not (dataset.DVC_MD5.fullmatch(md5) and md5.endswith(".dir")):
        return []
    return [cache / "files" / "md5" / md5[:2] / md5[2:], cache / md5[:2] / md5[2:]]


class Manifest(NamedTuple):
    """The files of a DVC-tracked folder, as its ``.dir`` manifest in the cache lists them."""

    files: list[tuple[str, str | None, int | None]]  # (relpath, md5, size)
    refused: list[str]  # relpaths that are not plain paths inside the folder: left out


def read_manifest(cache: Path | None, md5: str) -> Manifest | None:
    """The files of a DVC-tracked folder, from the local cache; None when the cache lacks it.

    DVC writes plain relative paths; one that is absolute or climbs out (``../x``) is not a file
    of the folder, whatever wrote it, and is left out (``Manifest.refused``).
    """
    if cache is None:
        return None
    for candidate in manifest_files(cache, md5):
        try:
            text = candidate.read_bytes()
        except OSError:
            continue
        parsed = dataset.parse_manifest(text)
        if parsed is not None:
            refused = confine.not_plain([rel for rel, _, _ in parsed])
            if refused:
                out = set(refused)
                parsed = [f for f in parsed if f[0] not in out]
            return Manifest(parsed, refused)
    return None


def _yaml_load(content: bytes) -> Any:
    import yaml

    return load_yaml(content, getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_dvc_outs(source: str, content: bytes | None) -> tuple[list[dataset.DvcOut], list[Finding]]:
    """The outputs a ``.dvc`` file or ``dvc.lock`` (its bytes) tracks."""
    import yaml

    if content is None:
        return [], [dataset.bad_dvc(source, "git does not have its content")]
    try:
        data = _yaml_load(content)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return [], [dataset.bad_dvc(source, f"it is not valid YAML{where}")]
    except LimitExceeded as e:
        return [], [dataset.bad_dvc(source, e.message)]
    except (ValueError, TypeError, AttributeError, OverflowError) as e:  # !!int abc, 2024-13-45
        return [], [dataset.bad_dvc(source, f"it holds a value YAML cannot read ({e})")]
    return dataset.dvc_outs(source, data)


def _dvc_file(root: Path, path: str, size: int | None, md5: str | None) -> DatasetFile:
    try:
        on_disk = os.stat(root / path).st_size  # the manifest has no sizes: the copy here has
    except OSError:
        return DatasetFile(path, "dvc-file", size, md5, False)
    return DatasetFile(path, "dvc-file", size if size is not None else on_disk, md5, True)


def _dvc_folder_unexpanded(out: dataset.DvcOut) -> Finding:
    count = ""
    if out.nfiles is not None:
        count = f" of {out.nfiles:,} file" + ("s" if out.nfiles != 1 else "")
    return Finding(
        "BIA401",
        out.path,
        f"DVC-tracked folder{count} listed as one entry: the list of its files is in the DVC "
        "cache, which this clone does not have (a fresh clone never has it)",
        fix="run `dvc fetch` (or `dvc pull`) to get the folder's file list, then run again",
    )


def _manifest_outside(out: dataset.DvcOut, refused: list[str]) -> Finding:
    shown = ", ".join(repr(r) for r in refused[:3]) + (" ..." if len(refused) > 3 else "")
    return Finding(
        "BIA427",
        out.source,
        f"the DVC cache's manifest of the folder {out.path} (md5 {out.md5}) names "
        f"{len(refused)} path(s) that are not inside the folder: {shown}; they are left out. "
        "DVC does not write such paths: the cache file is damaged or was put there by hand",
        fix=f"delete that manifest from the cache and run `dvc fetch`, or `dvc add {out.path}` "
        "again where the folder's files are",
    )


def merge_dvc(root: Path, files: list[DatasetFile], sources: list[tuple[str, bytes | None]],
               objects: tuple[str, ...], findings: list[Finding], on_disk: bool,
               ) -> list[DatasetFile]:  # fmt: skip
    """``files`` with what DVC tracks in place of whatever stood at those paths."""
    dvc_dir = dvc_folder(root)
    cache = cache_folder(dvc_dir) if dvc_dir else None
    whole_object = globs.compile_globs(objects)
    tracked: list[DatasetFile] = []
    replaced: set[str] = set()
    for source, content in sources:
        outs, problems = read_dvc_outs(source, content)
        findings.extend(problems)
        for out in outs:
            replaced.add(out.path)
            here = root / out.path
            if not out.is_dir or out.md5 is None:
                tracked.append(_dvc_file(root, out.path, out.size, out.md5))
                continue
            if whole_object.fullmatch(out.path):
                tracked.append(DatasetFile(out.path, "object", out.size, out.md5, here.is_dir()))
                continue
            manifest = read_manifest(cache, out.md5)
            if manifest is not None:
                tracked.extend(_dvc_file(root, f"{out.path}/{rel}", size, md5)
                               for rel, md5, size in manifest.files)  # fmt: skip
                if manifest.refused:
                    findings.append(_manifest_outside(out, manifest.refused))
            elif on_disk and here.is_dir():  # a plain folder: what is there is the truth
                inside = out.path + "/"
                tracked.extend(DatasetFile(f.path, "dvc-file", f.size, None, True)
                               for f in files if f.path.startswith(inside))  # fmt: skip
            else:
                tracked.append(DatasetFile(out.path, "dvc-dir", out.size, out.md5, here.is_dir()))
                findings.append(_dvc_folder_unexpanded(out))
    if not tracked and not replaced:
        return files
    prefixes = tuple(p + "/" for p in replaced)
    kept = [f for f in files if f.path not in replaced and not f.path.startswith(prefixes)]
    return sorted(kept + tracked)


def outs_on_disk(root: Path, paths: Iterable[str]) -> list[dataset.DvcOut]:
    """The outputs the ``.dvc`` files and ``dvc.lock`` files among ``paths`` track, as the files
    on disk say (what ``dvc`` commands act on); a file that cannot be read tracks nothing here."""
    outs: list[dataset.DvcOut] = []
    for path in paths:
        if path.endswith(DVC_SOURCES) and dataset.is_machinery(path):
            content: bytes | None = None
            if confine.leads_outside(root, path) is None:  # a link elsewhere tracks nothing here
                with contextlib.suppress(OSError):
                    content = (root / path).read_bytes()
            outs.extend(read_dvc_outs(path, content)[0])
    return outs
