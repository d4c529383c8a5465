"""The tests' own small project: its own document, glossary and catalogs, built in a temporary
folder.  Tests that use it depend on nothing the clinic ships (documents, catalogs, languages),
so a clinic adding a document or a language never turns them red.

Only the page templates and the Babel mapping are taken from the repository: they are the
pipeline's presentation code, not content.

Catalogs are filled with a recognisable pseudo-translation (``"ES: " + source``) that passes every
error-level check, and, for the languages asked for, approved by "Test Reviewer" at a fixed time.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import polib

from pipeline.catalog import load_po, save_po
from pipeline.cli import run
from pipeline.config import Project

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DOCUMENT = DATA / "knee-care.md"
REVIEWER = "Test Reviewer"
APPROVED_AT = dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.timezone.utc)
LANGUAGES = {"es": "release", "fr": "release", "ar": "draft"}


def pseudo(language: str, text: str) -> str:
    """A stand-in translation that keeps every placeholder, mark, number and term of ``text``."""
    return f"{language.upper()}: {text}"


def make_project(
    root: Path,
    *,
    languages: dict[str, str] | None = None,
    documents: Iterable[Path] = (DOCUMENT,),
    approve: Iterable[str] | None = None,
    translate: Callable[[str, str], str] = pseudo,
) -> Project:
    """Create a project in ``root``: documents, templates, glossary, one catalog per language.

    ``languages`` maps codes to "release" or "draft"; ``approve`` names the languages whose
    entries get approval records (default: the release languages).
    """
    languages = dict(LANGUAGES if languages is None else languages)
    approve = set(code for code, status in languages.items() if status == "release") if approve is None else set(approve)
    root.mkdir(parents=True, exist_ok=True)
    (root / "source" / "documents").mkdir(parents=True)
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copy(REPO / "source" / "babel.cfg", root / "source" / "babel.cfg")
    for document in documents:
        shutil.copy(document, root / "source" / "documents" / Path(document).name)
    (root / "locales").mkdir()
    shutil.copy(DATA / "glossary.toml", root / "locales" / "glossary.toml")
    table = "".join(f'{code} = "{status}"\n' for code, status in languages.items())
    (root / "pyproject.toml").write_text(
        '[project]\nname = "fixture-handouts"\nversion = "0"\n\n'
        '[tool.handouts]\ndomain = "handouts"\nsource_language = "en"\npaper = "A4"\n\n'
        f"[tool.handouts.languages]\n{table}",
        encoding="utf-8",
    )
    assert run(["--root", str(root), "extract"]) == 0
    if languages:
        assert run(["--root", str(root), "init", *languages]) == 0
    project = Project.load(root)
    for code in languages:
        fill(project, code, translate, approved=code in approve)
    return project


def fill(project: Project, language: str, translate: Callable[[str, str], str] = pseudo, *, approved: bool) -> None:
    """Translate every entry of a catalog (and approve each, if asked)."""
    from pipeline.model import approve

    path = project.catalog_path(language)
    po = load_po(path)
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {k: translate(language, entry.msgid if k == 0 else entry.msgid_plural)
                                   for k in entry.msgstr_plural}
        else:
            entry.msgstr = translate(language, entry.msgid)
        if approved:
            approve(entry, REVIEWER, APPROVED_AT)
    save_po(po, path, str(path))


def find_entry(project: Project, language: str, prefix: str) -> polib.POEntry:
    """The live entry whose source starts with ``prefix`` (exactly one must)."""
    found = [e for e in load_po(project.catalog_path(language)) if not e.obsolete and e.msgid.startswith(prefix)]
    assert len(found) == 1, f"{len(found)} entries start with {prefix!r}"
    return found[0]


def set_entry(project: Project, language: str, prefix: str, *, approved: bool = False, **fields) -> int:
    """Change one entry (approving the result if asked); return its line in the rewritten catalog."""
    from pipeline.model import approve

    path = project.catalog_path(language)
    po = load_po(path)
    found = [e for e in po if not e.obsolete and e.msgid.startswith(prefix)]
    assert len(found) == 1, f"{len(found)} entries start with {prefix!r}"
    for name, value in fields.items():
        setattr(found[0], name, value)
    if approved:
        approve(found[0], REVIEWER, APPROVED_AT)
    save_po(po, path, str(path))
    return find_entry(project, language, prefix).linenum


def template_entries(project: Project, language: str) -> list[polib.POEntry]:
    """Entries that come from the page templates, not from a document."""
    templates = project.relative(project.templates) + "/"
    return [e for e in load_po(project.catalog_path(language))
            if not e.obsolete and e.occurrences and all(p.startswith(templates) for p, _ in e.occurrences)]
