"""The tests' own small project: its own documents, glossary and catalogs, built in a temporary
folder.  Tests that use it depend on nothing the clinic ships (documents, catalogs, languages),
so a clinic adding a document or a language never turns them red.

Only the page templates and the Babel mapping are taken from the repository: they are the
pipeline's presentation code, not content.

Its data lives in tests/data/: two documents (``knee-care.md``, the default, and
``wound-care.md``), a glossary, and translations written for the tests in Simplified Chinese,
Vietnamese and Arabic (``translations/<lang>.po``: real sentences, so fonts, scripts and
right-to-left layout meet real text).  Every other entry -- every entry of a language without such
a file, and any template string added after the file was written -- gets a recognisable
pseudo-translation (``"ES: " + source``) that passes every error-level check.  The languages asked
for are approved by "Test Reviewer" at a fixed time.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import polib

from pipeline.catalog import load_po, save_po
from pipeline.cli import run
from pipeline.config import Project

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DOCUMENT = DATA / "knee-care.md"
SECOND_DOCUMENT = DATA / "wound-care.md"
TRANSLATIONS = DATA / "translations"
REVIEWER = "Test Reviewer"
APPROVED_AT = dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.timezone.utc)
LANGUAGES = {"es": "release", "fr": "release", "ar": "draft"}
#: One language per kind of script the pages and PDFs must handle: Latin (pseudo-translated),
#: CJK, Latin with stacked Vietnamese diacritics, and Arabic (right to left, kept in draft).
SCRIPTS = {"es": "release", "zh_Hans": "release", "vi": "release", "ar": "draft"}
#: The start of the default document's required disclaimer (``{.required .disclaimer}``).
DISCLAIMER = "FDA Notice:"
#: Languages Babel's locale data (CLDR) lacks, as a project defines them in pyproject.toml
#: (``[tool.handouts.language-definitions.<code>]``): Hmong in its Latin (RPA) script, Chuukese
#: and Marshallese, none of which inflects nouns for number (one plural form).
DEFINITIONS = {
    "hmn": {"english_name": "Hmong", "native_name": "Hmoob", "script": "Latn", "direction": "ltr",
            "plural_forms": "nplurals=1; plural=0;"},
    "chk": {"english_name": "Chuukese", "native_name": "Kapasen Chuuk", "script": "Latn", "direction": "ltr",
            "plural_forms": "nplurals=1; plural=0;"},
    "mh": {"english_name": "Marshallese", "native_name": "Kajin M\u0327aje\u013c", "script": "Latn",
           "direction": "ltr", "plural_forms": "nplurals=1; plural=0;"},
}
#: The languages of the US §1557 taglines (the languages most spoken by people with limited English),
#: as catalog codes; Brazilian Portuguese beside Portuguese.  ``hmn`` needs :data:`DEFINITIONS`.
SECTION_1557 = ("es", "zh_Hans", "zh_Hant", "vi", "ko", "tl", "ru", "ar", "ht", "fr", "pl", "pt", "pt_BR", "ja",
                "fa", "hi", "bn", "pa", "ur", "gu", "am", "so", "ne", "th", "km", "hmn", "my", "uk", "hy", "el", "he")


def pseudo(language: str, text: str) -> str:
    """A stand-in translation that keeps every placeholder, mark, number and term of ``text``."""
    return f"{language.upper()}: {text}"


@functools.cache
def written(language: str) -> dict[tuple[str | None, str], polib.POEntry]:
    """The translations written for the tests in ``language`` (none for most languages)."""
    path = TRANSLATIONS / f"{language}.po"
    if not path.exists():
        return {}
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete and e.translated()}


def make_skeleton(
    root: Path,
    *,
    languages: dict[str, str] | None = None,
    documents: Iterable[Path] = (DOCUMENT,),
    glossary: bool = True,
    definitions: dict[str, dict[str, str]] | None = None,
) -> Project:
    """A project folder without template or catalogs: templates, mapping, documents, glossary,
    and a pyproject.toml whose language table is ``languages`` (and whose language definitions,
    ``[tool.handouts.language-definitions.<code>]``, are ``definitions``)."""
    languages = dict(LANGUAGES if languages is None else languages)
    root.mkdir(parents=True, exist_ok=True)
    (root / "source" / "documents").mkdir(parents=True)
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copy(REPO / "source" / "babel.cfg", root / "source" / "babel.cfg")
    for document in documents:
        shutil.copy(document, root / "source" / "documents" / Path(document).name)
    (root / "locales").mkdir()
    if glossary:
        shutil.copy(DATA / "glossary.toml", root / "locales" / "glossary.toml")
    table = "".join(f'{code} = "{status}"\n' for code, status in languages.items())
    (root / "pyproject.toml").write_text(
        '[project]\nname = "fixture-handouts"\nversion = "0"\n\n'
        '[tool.handouts]\ndomain = "handouts"\nsource_language = "en"\npaper = "A4"\n\n'
        f"[tool.handouts.languages]\n{table}" + definitions_toml(definitions or {}),
        encoding="utf-8",
    )
    return Project.load(root)


def definitions_toml(definitions: dict[str, dict[str, str]]) -> str:
    """``[tool.handouts.language-definitions.<code>]`` tables (TOML basic strings are JSON's; a
    code that is no bare key is quoted)."""
    return "".join(f"\n[tool.handouts.language-definitions."
                   f"{code if code.replace('_', '').replace('-', '').isalnum() and code.isascii() else json.dumps(code)}]\n"
                   + "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
                   for code, fields in definitions.items())


def make_project(
    root: Path,
    *,
    languages: dict[str, str] | None = None,
    documents: Iterable[Path] = (DOCUMENT,),
    approve: Iterable[str] | None = None,
    translate: Callable[[str, str], str] | None = None,
    definitions: dict[str, dict[str, str]] | None = None,
) -> Project:
    """Create a project in ``root``: documents, templates, glossary, one catalog per language.

    ``languages`` maps codes to "release" or "draft"; ``approve`` names the languages whose
    entries get approval records (default: the release languages); ``translate(language, text)``
    replaces the written translations and the pseudo-translation (see :func:`fill`);
    ``definitions`` are the project's language definitions (see :func:`make_skeleton`).
    """
    languages = dict(LANGUAGES if languages is None else languages)
    approve = set(code for code, status in languages.items() if status == "release") if approve is None else set(approve)
    documents = tuple(Path(document).resolve() for document in documents)
    key = (tuple(languages.items()), documents, frozenset(approve), translate, json.dumps(definitions, sort_keys=True))
    if key not in _MADE:
        # Made once per test session through the CLI, then copied: a copy takes a few
        # milliseconds, making it takes a tenth of a second, and hundreds of tests want one.
        made = Path(tempfile.mkdtemp(prefix="handouts-fixture-")) / "project"
        make_skeleton(made, languages=languages, documents=documents, definitions=definitions)
        assert run(["--root", str(made), "extract"]) == 0
        if languages:
            assert run(["--root", str(made), "init", *languages]) == 0
        project = Project.load(made)
        for code in languages:
            fill(project, code, translate, approved=code in approve)
        atexit.register(shutil.rmtree, made.parent, ignore_errors=True)
        _MADE[key] = made
    shutil.copytree(_MADE[key], root, dirs_exist_ok=True)
    return Project.load(root)


_MADE: dict[tuple, Path] = {}


def fill(project: Project, language: str, translate: Callable[[str, str], str] | None = None, *,
         approved: bool) -> None:
    """Translate every entry of a catalog (and approve each, if asked): with ``translate`` when
    given, else with the translation written for the tests (and its translator comment, such as
    a ``# numbers:`` note) where tests/data/translations has one, else with :func:`pseudo`."""
    from pipeline.model import approve

    path = project.catalog_path(language)
    po = load_po(path)
    for entry in po:
        mine = None if translate is not None else written(language).get((entry.msgctxt, entry.msgid))
        if mine is not None and bool(mine.msgid_plural) == bool(entry.msgid_plural) \
                and (not entry.msgid_plural or set(mine.msgstr_plural) == set(entry.msgstr_plural)):
            entry.msgstr, entry.msgstr_plural = mine.msgstr, dict(mine.msgstr_plural)
            entry.tcomment = mine.tcomment
        else:
            text = translate or pseudo
            if entry.msgid_plural:
                entry.msgstr_plural = {k: text(language, entry.msgid if k == 0 else entry.msgid_plural)
                                       for k in entry.msgstr_plural}
            else:
                entry.msgstr = text(language, entry.msgid)
        if approved:
            approve(entry, REVIEWER, APPROVED_AT)
    save_po(po, path, str(path))


def copy_content(project: Project, target: Path) -> Project:
    """A copy of a project's content and configuration -- documents, templates, mapping, catalogs,
    glossary, pyproject.toml, wherever its settings put them -- so that commands run on the copy,
    never on the original (the repository, when the content tests judge the shipped content)."""
    for folder in (project.documents, project.templates, project.locales):
        shutil.copytree(folder, target / folder.relative_to(project.root), ignore=shutil.ignore_patterns("*.lock"))
    for path in (project.mapping, project.root / "pyproject.toml"):
        (target / path.relative_to(project.root)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / path.relative_to(project.root))
    return Project.load(target)


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
