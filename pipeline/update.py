"""Update: merge the template into each language's catalog, with gettext's own semantics.

The merge (:mod:`pipeline.merge`) does what GNU ``msgmerge --previous`` does -- an entry whose
English source changed keeps its translation, becomes ``#, fuzzy`` and shows the previous source
as ``#| msgid``; an entry whose source disappeared becomes obsolete (``#~``) with its translation
kept, so nothing a translator wrote is ever dropped; translator comments and approval records
survive -- with an indexed similarity search instead of msgmerge's all-pairs comparison.  Tests
compare its output with the real msgmerge's, byte for byte.  Output is GNU layout, and unchanged
input gives unchanged bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polib

from .catalog import LanguageCatalog, canonical_text, catalog_text, language_plural_forms, load_po, po_to_text, read_po, read_text
from .config import Project, canonical_code
from .errors import CatalogError, PipelineError
from .gnupo import gnu_text
from .merge import merge_entries
from .model import plural_count
from .config import LanguageInfo, language_info


def template_to_catalog(template: str, language: str, where: str, now: dt.datetime | None = None, *,
                        info: LanguageInfo | None = None) -> str:
    """A new, empty catalog for ``language`` from the template's text, with the ``Plural-Forms``
    of the language's definition in pyproject.toml, else the one GNU msginit writes for it
    (Babel's for one gettext's table lacks: :func:`pipeline.catalog.language_plural_forms`), and
    one empty form per plural form in each plural entry.  ``info`` is what the project knows of
    the language (:meth:`pipeline.config.Project.language`; default: Babel's locale data)."""
    info = info or language_info(language)
    po = read_po(template, where)
    plural_forms = info.plural_forms or language_plural_forms(language)
    nplurals = plural_count(plural_forms) or 1
    now = now or dt.datetime.now(dt.timezone.utc)
    po.metadata.update(
        {
            "PO-Revision-Date": now.strftime("%Y-%m-%d %H:%M%z"),
            "Last-Translator": "",
            "Language-Team": f"{info.english_name} <>",
            "Language": language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": plural_forms,
        }
    )
    po.metadata_is_fuzzy = False
    for entry in po:  # as msginit does: one empty form per plural form of the language
        if entry.msgid_plural:
            entry.msgstr_plural = {i: "" for i in range(nplurals)}
    po.header = (
        f"{info.english_name} translations of the patient handouts.\n"
        "This file is distributed under the same license as the handouts."
    )
    return canonical_text(str(po), where)


def _template(project: Project) -> polib.POFile:
    path = project.template_path
    if not path.exists():
        raise CatalogError("no template yet: run 'handouts extract' first", project.relative(path))
    return load_po(path, project.relative(path))


def update_catalog(project: Project, language: str) -> bool:
    """Merge the template into the language's catalog, under its lock; return whether the
    catalog changed."""
    template = _template(project)
    catalog = LanguageCatalog(project, language)
    if not catalog.exists():
        raise CatalogError(f"no catalog for {language!r}: create it with 'handouts init {language}'", catalog.shown)
    return catalog.replace(lambda po: merged_text(po, template, catalog.shown))


def create_catalog(project: Project, language: str) -> LanguageCatalog:
    """A new catalog for ``language`` from the template (refused if it exists, and for the
    source language, which has no catalog)."""
    if canonical_code(language) != language:
        raise PipelineError(f"write the language code as {canonical_code(language)!r} (gettext's spelling: "
                            "language_Script_REGION), so that its folder is the one translators' tools and "
                            f"the other commands look for, not {language!r}")
    info = project.language(language)
    if language == project.source_language:
        raise PipelineError(f"{language!r} is the source language ([tool.handouts] source_language): the documents "
                            "are written in it and it needs no catalog; name the language to translate into, "
                            "e.g. 'handouts init es'", project.relative(project.root / "pyproject.toml"))
    template = project.template_path
    _template(project)
    catalog = LanguageCatalog(project, language)
    catalog.create(template_to_catalog(read_text(template, project.relative(template)), language, catalog.shown,
                                       info=info))
    return catalog


def merged_text(catalog: polib.POFile, template: polib.POFile, where: str) -> str:
    """``catalog`` updated to ``template``, as GNU ``msgmerge --previous`` writes it."""
    result = merge_entries(catalog, template)
    written = gnu_text(result.header, result.header_fuzzy, result.fields, result.entries)
    if written is not None:
        return written
    return canonical_text(catalog_text(result.header, result.header_fuzzy, result.fields, result.entries), where)


def merge_template(catalog_path: Path, template_path: Path, where: str) -> str:
    """The catalog at ``catalog_path`` updated to the template at ``template_path`` (its text)."""
    catalog = load_po(catalog_path, where)
    template = load_po(template_path, str(template_path))
    return merged_text(catalog, template, where)
