"""Where a DVC project keeps its local cache, and the ``.dir`` manifests of tracked folders."""

from __future__ import annotations

import re
from pathlib import Path

from bia_hooks import dataset

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
    """Where the manifest of a folder with hash ``md5`` (``....dir``) may be: DVC 3, then DVC 2."""
    if len(md5) < 3:
        return []
    return [cache / "files" / "md5" / md5[:2] / md5[2:], cache / md5[:2] / md5[2:]]


def read_manifest(cache: Path | None, md5: str) -> list[tuple[str, str | None, int | None]] | None:
    """The files of a DVC-tracked folder, from the local cache; None when the cache lacks it."""
    if cache is None:
        return None
    for candidate in manifest_files(cache, md5):
        try:
            text = candidate.read_bytes()
        except OSError:
            continue
        parsed = dataset.parse_manifest(text)
        if parsed is not None:
            return parsed
    return None
