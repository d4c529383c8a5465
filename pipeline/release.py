"""The release decision: the one place that says what may be published.

For every catalog entry, a :class:`Verdict`: its state, its check findings, and whether it is
*publishable* -- approved with a valid record **and** free of error-level findings.  For every
(document, language) pair, a :class:`Pair`: whether it is *releasable* -- every required block
of the document publishable -- and, if not, the entries that hold it back.

``handouts check`` (the gate), ``handouts build``, ``handouts status`` and the reviewer workspace
all ask :func:`decide` (or :func:`judge_language` for one language), so they cannot disagree:
nothing the gate rejects reaches ``build/site`` or ``build/handouts``.  An approved entry with an
error-level finding is treated like an unapproved one: a required block holds its document back,
an optional one falls back to English.

The decision holds plain data (strings, numbers, findings), not parsed catalogs, so languages can
be judged in separate processes and the result passed back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import polib

from .catalog import load_po
from .checks import ERROR, Finding, Glossary, check_entry
from .config import Project
from .document import Block, Document, read_document
from .errors import SourceError
from .files import file_sha256, read_text
from .model import (
    PUBLISHABLE,
    TEMPLATES,
    State,
    entry_documents,
    entry_state,
    is_required,
    is_sample_approval,
    read_approval,
    translation_forms,
)

RELEASE, DRAFT, SOURCE = "release", "draft", "source"
NOT_PUBLISHABLE = {
    State.UNTRANSLATED: "not translated",
    State.DRAFT: "a machine draft: it needs a translator and a reviewer",
    State.FUZZY: "fuzzy: a translator must confirm it, then a reviewer approve it",
    State.REVIEW: "not approved yet",
    State.STALE: "its approval is stale: the source or translation changed since it was approved",
}


@dataclass(frozen=True)
class Verdict:
    """One catalog entry as the release sees it."""

    msgid: str
    msgctxt: str | None
    msgid_plural: str | None
    forms: tuple[str, ...]  # msgstr, or msgstr[0..n]
    line: int | None
    state: State
    required: bool
    documents: tuple[str, ...]
    findings: tuple[Finding, ...]
    approved_by: str | None = None
    approved_at: str | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def publishable(self) -> bool:
        return self.state in PUBLISHABLE and not self.errors

    @property
    def reason(self) -> str:
        """Why the entry is not publishable ("" when it is)."""
        if self.state not in PUBLISHABLE:
            return NOT_PUBLISHABLE[self.state]
        if self.errors:
            names = ", ".join(sorted({f.check for f in self.errors}))
            return f"approved, but fails error-level checks ({names})"
        return ""

    @property
    def text(self) -> str:
        return self.forms[0] if self.forms else ""


@dataclass
class LanguageRelease:
    """One language's catalog, judged entry by entry."""

    language: str
    status: str  # release, draft or source
    path: str | None  # the catalog as shown in messages; None for the source language
    digest: str = ""  # sha256 of the catalog file's bytes
    plural_forms: str | None = None
    verdicts: list[Verdict] = field(default_factory=list)

    def __post_init__(self):
        self._by_key = {(v.msgctxt, v.msgid): v for v in self.verdicts}

    @property
    def preview(self) -> bool:
        return self.status == DRAFT

    def verdict(self, msgid: str, msgctxt: str | None = None) -> Verdict | None:
        return self._by_key.get((msgctxt, msgid))

    def shown(self, msgid: str, msgctxt: str | None = None) -> str | None:
        """The translation a build shows for ``msgid``: publishable ones in a release, any
        translated one in a preview; ``None`` means "show the source text"."""
        if self.status == SOURCE:
            return msgid
        verdict = self._by_key.get((msgctxt, msgid))
        if verdict is None or verdict.state == State.UNTRANSLATED:
            return None
        if verdict.publishable or self.preview:
            return verdict.text
        return None

    def shown_plural(self, singular: str, plural: str, index: int, msgctxt: str | None = None) -> str | None:
        if self.status == SOURCE:
            return singular if index == 0 else plural
        verdict = self._by_key.get((msgctxt, singular))
        if verdict is None or verdict.msgid_plural is None or verdict.state == State.UNTRANSLATED:
            return None
        if not (verdict.publishable or self.preview) or index >= len(verdict.forms):
            return None
        return verdict.forms[index]

    def state(self, msgid: str, msgctxt: str | None = None) -> State:
        if self.status == SOURCE:
            return State.APPROVED
        verdict = self._by_key.get((msgctxt, msgid))
        return verdict.state if verdict else State.UNTRANSLATED


@dataclass(frozen=True)
class Blocker:
    """A required block that holds a (document, language) pair back."""

    path: str
    line: int | None  # None: the catalog has no entry for it (run update)
    state: State
    reason: str
    source: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: no entry (run 'handouts update'): {self.source[:60]!r}"
        return f"{self.path}:{self.line}: {self.reason}: {self.source[:60]!r}"


@dataclass(frozen=True)
class Approvals:
    count: int
    reviewers: tuple[str, ...]
    latest: str | None

    @property
    def sample(self) -> bool:
        """Some approval says it is a sample, not a medical review (:func:`is_sample_approval`)."""
        return any(is_sample_approval(who) for who in self.reviewers)

    def as_dict(self) -> dict:
        return {"count": self.count, "reviewers": list(self.reviewers), "latest": self.latest,
                "sample": self.sample}


@dataclass
class Pair:
    """One document in one language."""

    document: Document
    language: LanguageRelease
    blocking: list[Blocker]
    fallbacks: list[tuple[Block, Verdict | None]]  # optional blocks a release shows in English

    @property
    def releasable(self) -> bool:
        """Every required block publishable (always true for the source language)."""
        return self.language.status != DRAFT and not self.blocking

    @property
    def kind(self) -> str:
        """What a build makes of the pair: a release, a preview, or nothing ("held")."""
        if self.language.preview:
            return "preview"
        return "release" if not self.blocking else "held"

    def approvals(self) -> Approvals:
        """The approvals a release of this pair publishes: its blocks, its title and the page
        template's strings."""
        seen: dict[tuple, Verdict] = {}
        for block in self.document.blocks:
            verdict = self.language.verdict(block.text)
            if verdict is not None and verdict.publishable:
                seen[(verdict.msgctxt, verdict.msgid)] = verdict
        for verdict in self.language.verdicts:
            if TEMPLATES in verdict.documents and verdict.publishable:
                seen[(verdict.msgctxt, verdict.msgid)] = verdict
        reviewers = sorted({v.approved_by for v in seen.values() if v.approved_by})
        dates = [v.approved_at for v in seen.values() if v.approved_at]
        return Approvals(len(seen), tuple(reviewers), max(dates) if dates else None)


@dataclass
class Release:
    """The decision for a whole project (or the languages asked for)."""

    source_language: str
    documents: list[Document]
    languages: dict[str, LanguageRelease]

    def pair(self, slug: str, language: str) -> Pair:
        document = next(d for d in self.documents if d.slug == slug)
        return judge_pair(document, self.languages[language])


def judge_pair(document: Document, language: LanguageRelease) -> Pair:
    blocking: list[Blocker] = []
    fallbacks: list[tuple[Block, Verdict | None]] = []
    if language.status == SOURCE:
        return Pair(document, language, blocking, fallbacks)
    for block in document.blocks:
        verdict = language.verdict(block.text)
        if verdict is not None and verdict.publishable:
            continue
        if block.required:
            if verdict is None:
                blocking.append(Blocker(language.path or "", None, State.UNTRANSLATED, "no entry", block.text))
            else:
                blocking.append(Blocker(language.path or "", verdict.line, verdict.state, verdict.reason, block.text))
        else:
            fallbacks.append((block, verdict))
    return Pair(document, language, blocking, fallbacks)


def _approval_fields(entry: polib.POEntry) -> tuple[str | None, str | None]:
    record = read_approval(entry)
    return (record.who, record.when) if record else (None, None)


def judge_language(project: Project, language: str, glossary: Glossary) -> LanguageRelease:
    """Parse one language's catalog and judge every live entry."""
    path = project.catalog_path(language)
    shown = project.relative(path)
    po = load_po(path, shown)
    folder = project.relative(project.documents)
    verdicts = []
    for entry in po:
        if entry.obsolete:
            continue
        state = entry_state(entry)
        who, when = _approval_fields(entry) if state in PUBLISHABLE else (None, None)
        verdicts.append(Verdict(
            msgid=entry.msgid, msgctxt=entry.msgctxt, msgid_plural=entry.msgid_plural or None, forms=tuple(translation_forms(entry)),
            line=entry.linenum, state=state, required=is_required(entry),
            documents=tuple(entry_documents(entry, folder)),
            findings=tuple(check_entry(entry, language, glossary)),
            approved_by=who, approved_at=when,
        ))
    digest = file_sha256(path, shown)
    status = RELEASE if project.status(language) == RELEASE else DRAFT
    return LanguageRelease(language, status, shown, digest, po.metadata.get("Plural-Forms"), verdicts)


def source_text(project: Project) -> LanguageRelease:
    """The source language as a "translation" of itself: every text shown as written."""
    return LanguageRelease(project.source_language, SOURCE, None)


def read_documents(project: Project) -> list[Document]:
    return [read_document(read_text(path, project.relative(path), SourceError), project.relative(path))
            for path in project.document_paths()]


def judge_languages(project: Project, languages: Iterable[str], glossary: Glossary,
                    jobs: int | None = None) -> dict[str, LanguageRelease]:
    """Judge the languages, ``jobs`` at a time in separate processes (default: one per core)."""
    selected = list(languages)
    jobs = min(jobs or os.cpu_count() or 1, len(selected))
    if jobs <= 1:
        return {lang: judge_language(project, lang, glossary) for lang in selected}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {lang: pool.submit(judge_language, project, lang, glossary) for lang in selected}
        return {lang: future.result() for lang, future in futures.items()}


def decide(project: Project, languages: Iterable[str] | None = None, *, jobs: int | None = None,
           glossary: Glossary | None = None) -> Release:
    """The release decision for the source language and the given catalog languages (default:
    every catalog)."""
    glossary = glossary if glossary is not None else Glossary.load(project.glossary_path)
    selected = [lang for lang in (languages if languages is not None else project.languages())
                if lang != project.source_language]
    judged = judge_languages(project, selected, glossary, jobs)
    table = {project.source_language: source_text(project), **judged}
    return Release(project.source_language, read_documents(project), table)


