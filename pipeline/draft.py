"""Machine drafts for untranslated entries, offline, with Argos Translate.

``draft_catalog`` gives every untranslated entry of a catalog a machine translation, marked
``#, fuzzy`` with a ``# machine-draft: argos-translate <package> <version>; text-sha256=<digest>``
comment, the digest being that of the text as drafted: once a person changes the text, the entry
is no longer a machine draft but their work (:func:`pipeline.review.machine_draft`).  It never
touches an entry a person translated -- fuzzy or not, edited draft or not -- and redrafts earlier
machine drafts only when asked.  Drafts can never reach a release: they are fuzzy, hence not
approved (see :mod:`pipeline.review`).

Protection.  Before the model sees a text, everything it must not change is replaced by a
numbered token ``{0}``, ``{1}``, ...: placeholders, inline Markdown markers, link targets, code,
URLs, numbers, do-not-translate terms, and glossary terms (whose token is restored as the
glossary's translation, so they end up as prescribed).  A draft that comes back with a token
missing or repeated, or that fails one of the error-level checks, is not written: the entry stays
untranslated and is reported.

Speed.  The package's CTranslate2 model and tokenizer are loaded once; every sentence of a run
goes through ``translate_batch`` together.  Long blocks are split into sentences here: the stock
argostranslate splitter fetches a model on first use, which fails offline.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polib

from .checks import ERROR_CHECKS, Glossary, check_entry
from .models import PackageInfo, argos
from .model import State, copy_draft, entry_key, entry_state, live_entries, plural_rule, set_draft, set_text, translation_forms

SENTINEL = "{%d}"
_SENTINEL_RE = re.compile(r"\{(\d+)\}")
BATCH = 64  # max_batch_size given to CTranslate2
CHUNK = 1024  # sentences per translate_batch call: CTranslate2 sorts a call's sentences by length
# into batches, so large calls pad less; small enough for a live progress bar
BEAM_SIZE = 2
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "vs", "e.g", "i.e", "etc", "no", "approx", "u.s", "fig"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(\[{]*[A-Z0-9{])")


# -- protection ---------------------------------------------------------------------------------


@dataclass
class Protected:
    text: str  # what the model sees
    spans: list[tuple[str, str]]  # per token: (kind, text to restore)


def _protection_patterns(glossary: Glossary, language: str) -> list[tuple[str, re.Pattern, Callable[[re.Match], str]]]:
    keep = lambda m: m.group(0)
    patterns = [
        ("code", re.compile(r"`[^`]+`"), keep),
        ("link target", re.compile(r"\]\([^)\s]*\)"), keep),
        ("link", re.compile(r"\["), keep),
        ("URL", re.compile(r"<https?://[^>]+>|https?://[^\s<>)\]]+[^\s<>)\].,;:!?]"), keep),
        ("placeholder", re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcu]|\{[A-Za-z_][\w.]*\}"), keep),
        ("markup", re.compile(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)"), keep),
    ]
    for term in sorted(glossary.do_not_translate, key=len, reverse=True):
        patterns.append((f"term {term}", re.compile(rf"(?<!\w){re.escape(term)}(?!\w)"), keep))
    for term in sorted(glossary.terms, key=len, reverse=True):
        target = glossary.terms[term].get(language)
        if target:
            patterns.append((f"glossary {term}", re.compile(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)", re.I),
                             functools.partial(_restore_term, target=target)))
    patterns.append(("number", re.compile(r"\d+(?:[.,]\d+)*"), keep))
    return patterns


def _restore_term(match: re.Match, target: str) -> str:
    return _same_case(match.group(0), target)


def _same_case(source: str, target: str) -> str:
    return target[:1].upper() + target[1:] if source[:1].isupper() else target


def protect(text: str, patterns) -> Protected:
    spans: list[tuple[str, str]] = []
    pieces = [(text, False)]  # (piece, already a token)
    for kind, pattern, restore in patterns:
        next_pieces = []
        for piece, frozen in pieces:
            if frozen:
                next_pieces.append((piece, True))
                continue
            last = 0
            for match in pattern.finditer(piece):
                next_pieces.append((piece[last:match.start()], False))
                next_pieces.append((SENTINEL % len(spans), True))
                spans.append((kind, restore(match)))
                last = match.end()
            next_pieces.append((piece[last:], False))
        pieces = next_pieces
    # number the tokens in reading order: models keep "{0} ... {1}" better than "{3} ... {0}"
    ordered: list[tuple[str, str]] = []
    out: list[str] = []
    for piece, frozen in pieces:
        if frozen:
            out.append(SENTINEL % len(ordered))
            ordered.append(spans[int(piece[1:-1])])
        else:
            out.append(piece)
    return Protected("".join(out), ordered)


def restore(translated: str, protected: Protected) -> tuple[str | None, str]:
    """The draft with tokens restored, or (None, why) when the model lost or repeated one."""
    found = [int(n) for n in _SENTINEL_RE.findall(translated)]
    problems = []
    for index, (kind, value) in enumerate(protected.spans):
        count = found.count(index)
        if count != 1:
            problems.append(f"{kind} {value!r} {'missing' if count == 0 else 'repeated'}")
    extra = sorted({n for n in found if n >= len(protected.spans)})
    if extra:
        problems.append(f"unknown token(s) {extra}")
    if problems:
        return None, "; ".join(problems)
    return _SENTINEL_RE.sub(lambda m: protected.spans[int(m.group(1))][1], translated), ""


def split_sentences(text: str) -> list[str]:
    """Sentences of a block (after protection, so numbers and URLs hold no dots)."""
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start()].rstrip("\"'”’)")
        last_word = re.split(r"\s", before.rstrip(".!?"))[-1].lower()
        if before.endswith(".") and (last_word in _ABBREVIATIONS or len(last_word) == 1):
            continue
        parts.append(text[start:match.start()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


# -- the translator -----------------------------------------------------------------------------


class ArgosTranslator:
    """One Argos package, loaded once: its tokenizer and its CTranslate2 model."""

    def __init__(self, package: PackageInfo, *, beam_size: int = BEAM_SIZE, threads: int = 0):
        import ctranslate2

        loaded = argos(package.path.parent).Package(package.path)
        self.tokenizer = loaded.tokenizer
        self.target_prefix = loaded.target_prefix or ""
        self.model = ctranslate2.Translator(str(package.path / "model"), device="cpu", inter_threads=1, intra_threads=threads)
        self.beam_size = beam_size
        self.provenance = package.provenance
        self.joiner = ""

    def translate(self, sentences: Sequence[str]) -> list[str]:
        tokens = [self.tokenizer.encode(s) for s in sentences]
        longest = max((len(t) for t in tokens), default=1)
        results = self.model.translate_batch(
            tokens,
            beam_size=self.beam_size,
            max_batch_size=BATCH,
            max_decoding_length=min(512, 2 * longest + 16),
            target_prefix=[[self.target_prefix]] * len(tokens) if self.target_prefix else None,
        )
        out = []
        for result in results:
            hypothesis = result.hypotheses[0]
            if self.target_prefix and hypothesis[:1] == [self.target_prefix]:
                hypothesis = hypothesis[1:]
            out.append(self.tokenizer.decode(hypothesis).strip())
        return out


# -- drafting a catalog -------------------------------------------------------------------------


@dataclass
class DraftReport:
    drafted: list[polib.POEntry] = field(default_factory=list)
    broken: list[tuple[polib.POEntry, str]] = field(default_factory=list)


def candidates(po: polib.POFile, redraft: bool) -> list[polib.POEntry]:
    """Untranslated entries, and with ``redraft`` earlier machine drafts; never a person's work."""
    chosen = []
    for entry in live_entries(po):
        state = entry_state(entry)
        if state == State.UNTRANSLATED or (redraft and state == State.DRAFT):
            chosen.append(entry)
    return chosen


def _join(sentences: list[str], language: str) -> str:
    cjk = language.split("_")[0] in ("zh", "ja", "ko") and not language.startswith("ko")
    return ("" if cjk else " ").join(sentences)


def form_texts(entry: polib.POEntry, plural_forms: str | None) -> list[str]:
    """The source text to draft each translation form from: the singular for the form the
    language uses for n = 1, the plural for the others."""
    if not entry.msgid_plural:
        return [entry.msgid]
    rule = plural_rule(plural_forms)
    return [entry.msgid if rule(1) == k else entry.msgid_plural for k in range(len(translation_forms(entry)))]


def draft_catalog(
    po: polib.POFile,
    language: str,
    translator,
    glossary: Glossary,
    *,
    redraft: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> DraftReport:
    """Draft every candidate entry of ``po`` in place, form by form for plural entries; return
    what was drafted and what not."""
    report = DraftReport()
    patterns = _protection_patterns(glossary, language)
    plural_forms = po.metadata.get("Plural-Forms")
    jobs = []  # (entry, [(protected, sentence slice) per form])
    sentences: list[str] = []
    for entry in candidates(po, redraft):
        parts = []
        for source in form_texts(entry, plural_forms):
            protected = protect(source, patterns)
            pieces = split_sentences(protected.text)
            parts.append((protected, slice(len(sentences), len(sentences) + len(pieces))))
            sentences.extend(pieces)
        jobs.append((entry, parts))
    translated: list[str] = []
    for start in range(0, len(sentences), CHUNK):
        translated.extend(translator.translate(sentences[start:start + CHUNK]))
        progress(len(translated), len(sentences))
    for entry, parts in jobs:
        texts, problems = [], []
        for protected, part in parts:
            text, problem = restore(_join(translated[part], language), protected)
            texts.append(text)
            if text is None:
                problems.append(problem)
            elif not text.strip():
                problems.append("empty draft")
        if problems:
            report.broken.append((entry, "; ".join(problems)))
            continue
        trial = copy.copy(entry)
        set_text(trial, [t or "" for t in texts])
        errors = check_entry(trial, language, glossary, only=ERROR_CHECKS)
        if errors:
            report.broken.append((entry, "; ".join(f"[{f.check}] {f.message}" for f in errors)))
            continue
        set_draft(entry, [t or "" for t in texts], translator.provenance)  # fuzzy, with a digest of the text as drafted
        report.drafted.append(entry)
    return report


def apply_drafts(po: polib.POFile, drafted: list[polib.POEntry], *, redraft: bool = False) -> int:
    """Copy drafts made on a snapshot into ``po`` (the catalog as it is now), only into entries
    that are still candidates; return how many were applied."""
    still = {entry_key(e): e for e in candidates(po, redraft)}
    applied = 0
    for draft in drafted:
        entry = still.get(entry_key(draft))
        if entry is None:
            continue
        copy_draft(entry, draft)
        applied += 1
    return applied


@dataclass
class DraftSummary:
    """What ``draft_language`` did, for the command line: lines as the catalog now stands."""

    catalog: str
    provenance: str
    drafted: int
    broken: list[tuple[int | None, str, str]]  # (line, source, why)


def draft_language(project, language: str, translator, glossary: Glossary, *, redraft: bool = False,
                   progress: Callable[[int, int], None] = lambda done, total: None) -> DraftSummary:
    """Draft a language's catalog: translate a snapshot without holding the catalog's lock (it
    can take minutes), then apply the drafts under the lock to the catalog as it stands by then,
    so an entry someone translated meanwhile is left alone."""
    from .catalog import LanguageCatalog

    catalog = LanguageCatalog(project, language)
    report = draft_catalog(catalog.load(), language, translator, glossary, redraft=redraft, progress=progress)
    applied = catalog.modify(lambda fresh: apply_drafts(fresh, report.drafted, redraft=redraft))
    lines = {entry_key(e): e.linenum for e in catalog.load()}
    broken = [(lines.get(entry_key(entry)), entry.msgid, why) for entry, why in report.broken]
    return DraftSummary(catalog.shown, translator.provenance, applied, broken)
