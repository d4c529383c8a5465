"""Argos Translate packages: install (validated first, atomically), list, and find.

Packages are found and read through argostranslate's own package API (``Package``,
``get_installed_packages``, the package index and ``AvailablePackage.download``).  Installing is
done here rather than with ``install_from_path``, which unzips straight into the package folder:
this module first checks the archive (a zip; one top-level folder; ``metadata.json`` naming the
language pair; a model and a tokenizer; no absolute paths, no ``..``, no links, no oversized
members), extracts it into a temporary folder beside the packages, and renames it into place, so
a failed or interrupted install never leaves half a package behind.

argostranslate reads its folders from the environment when it is first imported
(``ARGOS_PACKAGES_DIR``, ``XDG_DATA_HOME``, ...); :func:`argos` points them at the folder this
pipeline was given instead, so one process can use several folders and tests need no subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .config import language_info, parse_language
from .errors import ConfigError, PipelineError

MAX_MEMBER_BYTES = 4 * 1024**3  # no single file of a real package comes near this
MAX_TOTAL_BYTES = 8 * 1024**3
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"


class ModelError(PipelineError):
    """A package cannot be installed, found or loaded."""


@dataclass(frozen=True)
class PackageInfo:
    code: str
    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def provenance(self) -> str:
        """How a machine draft names its origin: engine, package, version."""
        return f"argos-translate {self.code} {self.version}"


def default_packages_dir() -> Path:
    explicit = os.environ.get("ARGOS_PACKAGES_DIR")
    if explicit:
        return Path(explicit)
    data = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data / "argos-translate" / "packages"


def argos(packages_dir: Path, index_url: str | None = None):
    """argostranslate's ``package`` module, pointed at ``packages_dir``."""
    import argostranslate.package as package
    import argostranslate.settings as settings

    packages_dir = Path(packages_dir)
    packages_dir.mkdir(parents=True, exist_ok=True)
    settings.package_data_dir = packages_dir
    settings.package_dirs = [packages_dir]
    cache = packages_dir.parent / ".handouts-argos"
    settings.downloads_dir = cache / "downloads"
    settings.downloads_dir.mkdir(parents=True, exist_ok=True)
    settings.local_package_index = cache / "index.json"
    if index_url:
        settings.package_index = index_url.rstrip("/") + "/"
        settings.remote_package_index = settings.package_index + "index.json"
    return package


# Argos names its Tagalog/Filipino packages "tl"; Babel reads tl as Filipino (fil).
_ARGOS_CODES = {"fil": "tl"}


def argos_code(language: str) -> str:
    """The code Argos packages use for a catalog language: ``zh_Hans`` -> ``zh``,
    ``zh_Hant`` -> ``zt``, ``pt_BR`` -> ``pt``, ``iw`` -> ``he``, ``tl`` -> ``tl``; for a language
    Babel does not know (one the project defines, such as ``hmn``), the code's language subtag."""
    try:
        locale = parse_language(language)
    except ConfigError:
        if not language.replace("_", "").isalnum() or not language.isascii():
            raise
        return language.split("_")[0].lower()
    if locale.language == "zh" and (locale.script == "Hant" or locale.territory in ("TW", "HK", "MO")):
        return "zt"
    return _ARGOS_CODES.get(locale.language, locale.language)


def _english_name(code: str) -> str:
    try:
        return language_info(code).english_name
    except ConfigError:  # a language only the project defines
        return code


# -- installing ---------------------------------------------------------------------------------


def validate_archive(path: Path) -> tuple[str, dict]:
    """Check an ``.argosmodel`` before anything is written; return (top folder, metadata)."""
    shown = str(path)
    if not path.is_file():
        raise ModelError("no such file", shown)
    if not zipfile.is_zipfile(path):
        raise ModelError("not an Argos package: not a zip archive", shown)
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if not members:
            raise ModelError("empty archive", shown)
        tops, total = set(), 0
        for info in members:
            name = info.filename
            pure = PurePosixPath(name)
            if name.startswith("/") or "\\" in name or (len(name) > 1 and name[1] == ":") or ".." in pure.parts:
                raise ModelError(f"refused: member {name!r} would be written outside the package folder", shown)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ModelError(f"refused: member {name!r} is a symbolic link", shown)
            if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise ModelError(f"refused: member {name!r} is not a plain file or folder", shown)
            if info.file_size > MAX_MEMBER_BYTES:
                raise ModelError(f"refused: member {name!r} is too large ({info.file_size} bytes)", shown)
            total += info.file_size
            tops.add(pure.parts[0])
        if total > MAX_TOTAL_BYTES:
            raise ModelError(f"refused: archive expands to {total} bytes", shown)
        if len(tops) != 1:
            raise ModelError(f"an Argos package holds one top-level folder, not {len(tops)}", shown)
        top = tops.pop()
        if top in (".", "") or top.startswith("."):
            raise ModelError(f"refused: top-level folder {top!r}", shown)
        names = {info.filename.rstrip("/") for info in members}
        if f"{top}/metadata.json" not in names:
            raise ModelError("not an Argos package: no metadata.json", shown)
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"metadata.json is not valid JSON: {exc}", shown) from None
        if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
            raise ModelError("metadata.json must name from_code and to_code", shown)
        if metadata.get("type", "translate") != "translate":
            raise ModelError(f"not a translation package (type {metadata.get('type')!r})", shown)
        if f"{top}/model/model.bin" not in names:
            raise ModelError("not an Argos package: no model/model.bin", shown)
        if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
            raise ModelError("not an Argos package: no sentencepiece.model or bpe.model", shown)
        try:
            bad = archive.testzip()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"damaged archive: {exc}", shown) from None
        if bad:
            raise ModelError(f"damaged archive: {bad} fails its checksum", shown)
    return top, metadata


def install_package(archive: Path, packages_dir: Path) -> PackageInfo:
    """Validate, extract beside the packages, and rename into place (replacing an older copy)."""
    top, _metadata = validate_archive(archive)
    packages_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=packages_dir))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        package = argos(packages_dir).Package(staging / top)  # loads as argostranslate would
        target = packages_dir / top
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".replaced-", dir=packages_dir))
            os.replace(target, old / top)
            os.replace(staging / top, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging / top, target)
    except PipelineError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot install: {exc}", str(archive)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _info(package, target)


def _info(package, path: Path) -> PackageInfo:
    code = package.code or f"translate-{package.from_code}_{package.to_code}"
    return PackageInfo(code, package.from_code, package.to_code, package.package_version or "?", Path(path))


def installed_packages(packages_dir: Path) -> list[PackageInfo]:
    module = argos(packages_dir)
    visible = [p for p in module.get_installed_packages() if not p.package_path.name.startswith(".")]
    return sorted((_info(p, p.package_path) for p in visible), key=lambda i: (i.from_code, i.to_code))


def find_package(packages_dir: Path, source: str, language: str) -> PackageInfo:
    """The installed package translating ``source`` into ``language`` (catalog codes)."""
    src, dst = argos_code(source), argos_code(language)
    matches = [p for p in installed_packages(packages_dir) if p.from_code == src and p.to_code == dst]
    if not matches:
        raise ModelError(
            f"no Argos package for {_english_name(source)} -> {_english_name(language)} "
            f"({src}->{dst}) in {packages_dir}; install one with 'handouts models install FILE.argosmodel' "
            f"or, online, 'handouts models install --lang {language}'"
        )
    return max(matches, key=lambda p: _version_key(p.version))


def _version_key(version: str):
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def install_from_index(source: str, language: str, packages_dir: Path, index_url: str | None = None) -> PackageInfo:
    """Download the package for a language pair from the Argos package index and install it."""
    module = argos(packages_dir, index_url or os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX)
    import argostranslate.settings as settings

    index_file = Path(settings.local_package_index)
    index_file.unlink(missing_ok=True)
    module.update_package_index()  # argostranslate logs and swallows network errors
    if not index_file.exists():
        raise ModelError(f"cannot fetch the package index {settings.remote_package_index} (offline?)")
    src, dst = argos_code(source), argos_code(language)
    candidates = [p for p in module.get_available_packages() if p.from_code == src and p.to_code == dst]
    if not candidates:
        raise ModelError(f"the package index has no {src}->{dst} package")
    chosen = max(candidates, key=lambda p: _version_key(p.package_version))
    try:
        download = chosen.download()
    except Exception as exc:
        raise ModelError(f"download failed: {exc}") from exc
    try:
        return install_package(Path(download), packages_dir)
    finally:
        Path(download).unlink(missing_ok=True)
