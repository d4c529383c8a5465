"""A real-world corpus for the merge benchmark: public projects' catalogs, two releases apart.

Each project's wheels are fetched with pip (``pip download --no-deps NAME==VERSION``) into a cache
folder (``$HANDOUTS_BENCH_CACHE``, default ``~/.cache/handouts-bench``; nothing is committed) and
read as zip files.  For every domain and language present in both releases, one *case*:

* ``old.po``   the older release's catalog of that language, as shipped;
* ``new.pot``  the newer release's template: its ``.pot`` where the project ships one (Sphinx),
  else derived from the newer release's catalog of the same language (Django, Wagtail) --
  every translation emptied, ``fuzzy`` flags, previous msgids, translator comments and obsolete
  entries dropped, written by GNU ``msgcat``.

``cases()`` prepares them once (later runs reuse the cache) and yields (project, domain,
language, old path, template path).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polib

CACHE = Path(os.environ.get("HANDOUTS_BENCH_CACHE", Path.home() / ".cache" / "handouts-bench"))


@dataclass(frozen=True)
class Project:
    name: str  # shown in the report
    package: str  # on PyPI
    old: str  # the older release
    new: str  # the newer release
    catalogs: str  # regex over wheel members: group "lang" is the language
    template: str | None  # the newer release's .pot in the wheel, if shipped

    @property
    def label(self) -> str:
        return f"{self.name} {self.old} -> {self.new}"


PROJECTS = (
    Project("Django", "Django", "4.2.16", "5.1.4",
            r"django/conf/locale/(?P<lang>[^/]+)/LC_MESSAGES/django\.po", None),
    Project("Django admin", "Django", "4.2.16", "5.1.4",
            r"django/contrib/admin/locale/(?P<lang>[^/]+)/LC_MESSAGES/django\.po", None),
    Project("Sphinx", "Sphinx", "7.2.6", "8.1.3",
            r"sphinx/locale/(?P<lang>[^/]+)/LC_MESSAGES/sphinx\.po", "sphinx/locale/sphinx.pot"),
    Project("Wagtail admin", "wagtail", "5.2.7", "6.3.1",
            r"wagtail/admin/locale/(?P<lang>[^/]+)/LC_MESSAGES/django\.po", None),
)


def wheel(package: str, version: str) -> Path:
    """The wheel of ``package==version`` in the cache, downloaded with pip if missing."""
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    prefix = re.compile(rf"{re.escape(package)}-{re.escape(version)}-.*\.whl$", re.IGNORECASE)
    found = [p for p in folder.iterdir() if prefix.match(p.name)]
    if not found:
        print(f"downloading {package}=={version} with pip ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        f"{package}=={version}", "-d", str(folder)], check=True)
        found = [p for p in folder.iterdir() if prefix.match(p.name)]
    if not found:
        raise RuntimeError(f"pip gave no wheel for {package}=={version}")
    return found[0]


def _members(path: Path, pattern: str) -> dict[str, bytes]:
    regex = re.compile(pattern)
    with zipfile.ZipFile(path) as zf:
        return {m["lang"]: zf.read(name) for name in zf.namelist() if (m := regex.fullmatch(name))}


def derive_template(catalog_text: str) -> str:
    """A template from a translated catalog: what xgettext would give for the same sources."""
    po = polib.pofile(catalog_text, wrapwidth=0)
    pot = polib.POFile(wrapwidth=0)
    pot.header = po.header
    pot.metadata = dict(po.metadata)
    pot.metadata_is_fuzzy = True
    pot.metadata["Language"] = ""
    if "Plural-Forms" in pot.metadata:  # xgettext's placeholder
        pot.metadata["Plural-Forms"] = "nplurals=INTEGER; plural=EXPRESSION;"
    for entry in po:
        if entry.obsolete:
            continue
        pot.append(polib.POEntry(
            msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural,
            msgstr="",
            msgstr_plural={0: "", 1: ""} if entry.msgid_plural else {},
            comment=entry.comment, occurrences=list(entry.occurrences),
            flags=[f for f in entry.flags if f != "fuzzy"]))
    text = str(pot)
    return subprocess.run(["msgcat", "--force-po", "-o", "-", "-"], input=text, capture_output=True, text=True,
                          check=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout


def cases(projects=PROJECTS):
    """(project, language, old catalog path, template path) for every case, prepared once."""
    for project in projects:
        slug = re.sub(r"\W+", "-", project.label).strip("-").lower()
        root = CACHE / "cases" / slug
        done = root / ".done"
        if not done.exists():
            old_wheel, new_wheel = wheel(project.package, project.old), wheel(project.package, project.new)
            old, new = _members(old_wheel, project.catalogs), _members(new_wheel, project.catalogs)
            shipped = None
            if project.template:
                with zipfile.ZipFile(new_wheel) as zf:
                    shipped = zf.read(project.template)
            for lang in sorted(set(old) & set(new)):
                folder = root / lang
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "old.po").write_bytes(old[lang])
                template = shipped if shipped is not None else derive_template(new[lang].decode("utf-8")).encode()
                (folder / "new.pot").write_bytes(template)
            done.write_text("")
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            yield project, folder.name, folder / "old.po", folder / "new.pot"


if __name__ == "__main__":
    count = {}
    for project, lang, old, new in cases():
        count[project.label] = count.get(project.label, 0) + 1
    for label, n in count.items():
        print(f"{label}: {n} catalogs")
