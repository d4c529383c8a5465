"""Update: merge the template into each language's catalog, with gettext's own semantics.

The merge (:mod:`pipeline.merge`) does what GNU ``msgmerge --previous`` does -- an entry whose
English source changed keeps its translation, becomes ``#, fuzzy`` and shows the previous source
as ``#| msgid``; an entry whose source disappeared becomes obsolete (``#~``) with its translation
kept, so nothing a translator wrote is ever dropped; translator comments and approval records
survive -- with an indexed similarity search instead of msgmerge's all-pairs comparison.  Tests
compare its output with the real msgmerge's, byte for byte.  Output is GNU layout, and unchanged
input gives unchanged bytes.

``update`` reads the template once and merges the catalogs in a pool of processes, one per core
(:func:`update_catalogs`), each under its own lock.  With compendia (``--compendium``) new
entries are filled as ``msgmerge --compendium`` fills them, marked with their origin, and an
approval record they bring becomes a note: approval is given in each catalog, never copied.

``update`` reads its inputs (catalogs, template, compendia) leniently (``strict=False``, see
:func:`pipeline.catalog.read_po`): a plural entry whose number of forms is not the header's
nplurals -- which GNU msgmerge accepts and keeps as it is -- is merged as msgmerge merges it, and
each such entry of the written catalog is named in a ``path:line: warning:`` (the gate and the
build read strictly and refuse the catalog until a translator fixes the entry).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

from .catalog import (
    LanguageCatalog,
    canonical_text,
    catalog_text,
    language_plural_forms,
    load_po,
    plural_form_problems,
    read_po,
    read_text,
)
from .config import LanguageInfo, Project, canonical_code, language_info
from .errors import CatalogError, PipelineError
from .gnupo import gc_paused, gnu_text
from .merge import MergeResult, merge_entries
from .model import APPROVAL_TAG, plural_count


def template_to_catalog(template: str, language: str, where: str, now: dt.datetime | None = None, *,
                        info: LanguageInfo | None = None) -> str:
    """A new, empty catalog for ``language`` from the template's text, with the ``Plural-Forms``
    of the language's definition in pyproject.toml, else the one GNU msginit writes for it
    (Babel's for one gettext's table lacks: :func:`pipeline.catalog.language_plural_forms`), and
    one empty form per plural form in each plural entry.  ``info`` is what the project knows of
    the language (:meth:`pipeline.config.Project.language`; default: Babel's locale data)."""
    info = info or language_info(language)
    po = read_po(template, where, strict=False)  # every plural entry gets nplurals forms below
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
    return load_po(path, project.relative(path), strict=False)


def update_catalog(project: Project, language: str, *, template: polib.POFile | None = None,
                   compendia: list[Compendium] | None = None, warnings: list[str] | None = None) -> bool:
    """Merge the template into the language's catalog, under its lock; return whether the
    catalog changed.  ``template``: the template already read; ``compendia``: those to fill new
    entries from (:func:`load_compendia`; only those in the catalog's language are used).  The
    catalog is read leniently; ``warnings`` receives a ``path:line: warning:`` line for each
    entry of the written catalog whose number of forms is not the header's nplurals
    (:func:`form_count_warnings`)."""
    template = template if template is not None else _template(project)
    catalog = LanguageCatalog(project, language)
    if not catalog.exists():
        raise CatalogError(f"no catalog for {language!r}: create it with 'handouts init {language}'", catalog.shown)
    mine = [c for c in compendia or () if c.language == _language_key(language)]
    with gc_paused():
        return catalog.replace(lambda po: merged_text(po, template, catalog.shown, mine, warnings=warnings),
                               strict=False)


def form_count_warnings(text: str, where: str) -> list[str]:
    """A ``path:line: warning:`` for each live plural entry of the catalog ``text`` (as written
    to ``where``) whose number of forms is not its header's nplurals: the lines are those of the
    written file, which ``handouts check`` will name in its error."""
    po = read_po(text, where, strict=False)
    warnings = []
    for entry, message in plural_form_problems(po):
        warnings.append(f"{where}:{entry.linenum}: warning: {message} (kept as GNU msgmerge keeps it; "
                        "'handouts check' and 'handouts build' refuse the catalog until a translator gives "
                        "the entry the header's number of forms)")
    return warnings


# -- compendia --------------------------------------------------------------------------------------
#
# ``handouts update --compendium FILE.po`` fills new entries from other catalogs of translations,
# as ``msgmerge --compendium`` does (:func:`pipeline.merge.merge_entries`).  Each entry taken from
# a compendium gets a first translator comment naming it; an approval record it brings is turned
# into a plain note -- an approval counts only in the catalog where the reviewer gave it.

ORIGIN_TAG = "compendium:"
COMPENDIUM_APPROVAL_TAG = "compendium approval:"
_APPROVAL_RECORD = re.compile(rf"{re.escape(APPROVAL_TAG)}\s*(?P<who>[^;\n]*?)\s*;\s*(?P<when>[^;\s]*)")
_APPROVAL_DIGEST = re.compile(r"\s*;?\s*sha256=[0-9a-f]*\s*$")


@dataclass(frozen=True)
class Compendium:
    """A compendium given to ``update``: its path as shown (relative to the project), its
    language (the ``Language`` header, as a language key) and its messages."""

    shown: str
    language: str
    entries: list[polib.POEntry]


def _language_key(code: str) -> str:
    return code.strip().replace("-", "_").lower()


def _shown_path(project: Project, path: Path) -> str:
    """A file as shown in messages and origin comments: relative to the project, even outside it."""
    shown = project.relative(path)
    if Path(shown).is_absolute():
        shown = Path(os.path.relpath(Path(path).resolve(), project.root)).as_posix()
    return shown


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(needle):
            return number
    return None


def load_compendia(project: Project, paths: list[Path], languages: list[str]) -> list[Compendium]:
    """Read and check the compendia given to ``update`` for the catalogs of ``languages``.

    Each is read as a catalog is (errors name the file and line); it must name its language in a
    ``Language`` header, and one of ``languages`` must be that language: a compendium fills only
    catalogs of its own language, and one that would fill none is refused, so that a compendium of
    the wrong language never passes unnoticed."""
    compendia = []
    keys = {_language_key(code): code for code in languages}
    for path in paths:
        shown = _shown_path(project, path)
        if not Path(path).exists():
            raise CatalogError("no such file (given with --compendium)", shown)
        text = read_text(Path(path), shown, CatalogError)
        po = read_po(text, shown, strict=False)  # read as msgmerge --compendium reads it
        language = po.metadata.get("Language", "").strip()
        if not language:
            raise CatalogError('the compendium names no language: add a "Language: <code>\\n" header field, so '
                               "that it fills only the catalogs of that language", shown,
                               _line_of(text, 'msgid ""') or 1)
        if _language_key(language) not in keys:
            updating = ", ".join(languages) or "none"
            raise CatalogError(f"the compendium is in {language!r} (its Language header), but no catalog being "
                               f"updated is in that language (updating: {updating})", shown,
                               _line_of(text, '"Language:'))
        compendia.append(Compendium(shown, _language_key(language), list(po)))
    return compendia


def compendium_comment(tcomment: str, shown: str) -> str:
    """The translator comments of an entry taken from the compendium ``shown``: first the
    origin (``compendium: <file>``), then the compendium entry's own comments -- but an approval
    record among them becomes a plain note, ``compendium approval: <who>; <when>``, which
    :func:`pipeline.model.read_approval` does not read (the approval digest covers context,
    source and translation, not the catalog, so a copied record would otherwise pass for an
    approval given here); an origin line it had gives way to the new one."""
    lines = tcomment.split("\n") if tcomment else []
    kept = [f"{ORIGIN_TAG} {shown}"]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(ORIGIN_TAG):
            i += 1
            continue
        if line.strip().startswith(APPROVAL_TAG):
            # a record may span up to three lines (Babel wraps long comments): up to its digest
            end = i
            for last in range(i, min(i + 3, len(lines))):
                if "sha256=" in lines[last]:
                    end = last
                    break
            record = " ".join(part.strip() for part in lines[i:end + 1])
            match = _APPROVAL_RECORD.match(record)
            if match:
                note = f"{match['who']}; {match['when']}"
            else:
                note = _APPROVAL_DIGEST.sub("", record[len(APPROVAL_TAG):]).strip()
            kept.append(f"{COMPENDIUM_APPROVAL_TAG} {note}".rstrip())
            i = end + 1
            continue
        kept.append(line)
        i += 1
    return "\n".join(kept)


# -- updating every catalog -----------------------------------------------------------------------

PARALLEL_BYTES = 512 * 1024  # catalogs (in all) from which a pool of processes pays for starting
_SHARED: tuple[Project, polib.POFile, list[Compendium]] | None = None  # what the pool's workers inherit


@dataclass(frozen=True)
class Outcome:
    """One catalog's update: its path as shown, and whether it changed -- or the error."""

    language: str
    shown: str
    changed: bool = False
    error: PipelineError | None = None
    warnings: tuple[str, ...] = ()  # path:line: warning: ... (form_count_warnings)


def _update_one(language: str) -> Outcome:
    assert _SHARED is not None
    project, template, compendia = _SHARED
    try:
        shown = LanguageCatalog(project, language).shown
        warnings: list[str] = []
        changed = update_catalog(project, language, template=template, compendia=compendia, warnings=warnings)
        return Outcome(language, shown, changed, warnings=tuple(warnings))
    except PipelineError as exc:
        return Outcome(language, exc.path or language, error=exc)


def update_catalogs(project: Project, languages: list[str], compendium_paths: list[Path] | None = None,
                    jobs: int | None = None) -> Iterator[Outcome]:
    """Update the catalogs of ``languages``, yielding each outcome in ``languages``' order.

    The template (and every compendium) is read and checked once, before any catalog is touched.
    Catalogs are then merged in a pool of ``jobs`` processes (default: one per core), each under
    its own lock, when there are several and enough text for the pool to pay off; else one after
    another.  A catalog that fails does not stop the others."""
    global _SHARED
    template = _template(project)
    compendia = load_compendia(project, list(compendium_paths or ()), languages)
    jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    size = 0
    for language in languages:
        try:
            size += LanguageCatalog(project, language).path.stat().st_size
        except OSError:
            pass
    parallel = jobs > 1 and len(languages) > 1 and size >= PARALLEL_BYTES \
        and "fork" in multiprocessing.get_all_start_methods()
    _SHARED = (project, template, compendia)
    try:
        if not parallel:
            yield from map(_update_one, languages)
            return
        # forked workers inherit the template and compendia already read (nothing is pickled but
        # the language codes and the outcomes)
        with multiprocessing.get_context("fork").Pool(min(jobs, len(languages))) as pool:
            yield from pool.imap(_update_one, languages)
    finally:
        _SHARED = None


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


def merged_text(catalog: polib.POFile, template: polib.POFile, where: str,
                compendia: list[Compendium] | None = None, *, warnings: list[str] | None = None) -> str:
    """``catalog`` updated to ``template``, as GNU ``msgmerge --previous`` writes it (with
    ``--compendium`` for each of ``compendia``; entries taken from one are marked with
    :func:`compendium_comment`).  A plural entry keeps its forms as msgmerge keeps them, however
    many the header says; ``warnings`` (if given) receives :func:`form_count_warnings` of the
    text when some live entry's count differs from the header's."""
    with gc_paused():
        result = merge_entries(catalog, template, compendia=[c.entries for c in compendia or ()])
        for position, number in result.origins.items():
            entry = result.entries[position]
            entry.tcomment = compendium_comment(entry.tcomment, (compendia or [])[number].shown)
        text = gnu_text(result.header, result.header_fuzzy, result.fields, result.entries)
        if text is None:
            text = canonical_text(catalog_text(result.header, result.header_fuzzy, result.fields, result.entries),
                                  where)
        if warnings is not None and has_odd_form_counts(result):
            warnings.extend(form_count_warnings(text, where))
        return text


def has_odd_form_counts(result: MergeResult) -> bool:
    """Whether a live plural entry of the merge has another number of forms than the header's
    nplurals (cheap; the rare catalog that has one is read again for its lines)."""
    nplurals = plural_count((result.fields or {}).get("Plural-Forms"))
    if nplurals is None:
        return False
    return any(e.msgid_plural and not e.obsolete and len(e.msgstr_plural) != nplurals for e in result.entries)


def merge_template(catalog_path: Path, template_path: Path, where: str,
                   compendia: list[Compendium] | None = None, *, warnings: list[str] | None = None) -> str:
    """The catalog at ``catalog_path`` updated to the template at ``template_path`` (its text);
    both are read leniently, as ``update`` reads them."""
    with gc_paused():
        catalog = load_po(catalog_path, where, strict=False)
        template = load_po(template_path, str(template_path), strict=False)
        return merged_text(catalog, template, where, compendia, warnings=warnings)
