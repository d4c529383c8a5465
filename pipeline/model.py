"""The entry model: what a catalog entry *is* to this pipeline, decided in one place.

The ``.po`` file is the single source of truth, so everything here is read from (and written
to) the entry's own fields and comments -- no other module spells a state name, reads a flag or
parses a comment by hand.

States (:class:`State`), in the order they are decided by :func:`entry_state`:

=============  ================================================================
untranslated   not every translation form is filled in (see :func:`is_translated`)
draft          fuzzy, with a ``# machine-draft: ...`` comment, and the text still the machine's
stale          an approval record whose digest no longer matches (or the entry is fuzzy)
fuzzy          fuzzy (a merge changed the source, a translator is unsure, or a person
               edited a machine draft without confirming it)
approved       not fuzzy, with a matching approval record
review         translated, not fuzzy, no record: awaiting review
=============  ================================================================

What the entry carries, and where:

``# approved-by: Ana Ruiz; 2026-11-25T14:02Z; sha256=3f1c0a9e5b7d2c4e6a81``
    the approval record (a translator comment): who, when (UTC, to the minute), and the
    :func:`approval_digest` of the entry as approved.  Any later change to the source or the
    translation -- by this tool, Poedit, a text editor or ``msgmerge`` -- leaves the digests
    different, and the record is *stale*: no tool has to remember to revoke it.  ``msgmerge``,
    ``msgcat``, Babel and Poedit keep translator comments, so the record travels with the entry.
``# machine-draft: argos-translate translate-en_es 1.0; text-sha256=9f2c4e6a81b3``
    written by drafting (:mod:`pipeline.draft`): the engine, package and version, and the
    :func:`text_digest` of the forms as drafted.  While the text still has that digest it is the
    machine's; once anybody changes it the text counts as a person's ("machine draft, since
    edited by a person").  A line without a digest (older drafts) counts as machine text.
``# numbers: 100.4 °F left out, Celsius only``
    a reviewable explanation of a deliberate difference between the numbers of the source and
    of the translation (:func:`pipeline.checks._numbers`); part of the approval digest when
    present.
``#. REQUIRED: translate and approve before release.`` / ``#. Section: <heading>``
    extracted comments written by :mod:`pipeline.extract`: the block is legally or clinically
    required; the heading it sits under.

Digests.  Every digest is :func:`sha256_digest` -- SHA-256 of a JSON list, cut to a length chosen for
its purpose -- over a documented payload:

=====================  ======  ==========================================================
:func:`approval_digest` 20 hex  context, source, plural source, every form (+ numbers note)
:func:`text_digest`     12 hex  "machine-draft", every form (fits one comment line)
:func:`view_digest`     32 hex  context, sources, forms, flags, translator comments: what a
                               reviewer was shown (any change by anyone is a conflict)
:func:`pair_digest`     24 hex  a source and a translation (the back-translation cache key)
=====================  ======  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import polib

from .errors import PipelineError

FUZZY = "fuzzy"
APPROVAL_TAG = "approved-by:"
DRAFT_TAG = "machine-draft:"
NUMBERS_TAG = "numbers:"
DRAFT_DIGEST_TAG = "text-sha256="
REQUIRED_TAG = "REQUIRED"
# Short enough that msgcat never wraps it (GNU wraps comment lines at 79 columns).
REQUIRED_COMMENT = f"{REQUIRED_TAG}: translate and approve before release."
SECTION_TAG = "Section:"
TEMPLATES = "(templates)"  # the "document" of the page templates' strings

APPROVAL_DIGEST_LENGTH = 20  # hex digits of SHA-256 kept: 80 bits, ample to notice any edit
TEXT_DIGEST_LENGTH = 12  # 48 bits: ample to notice an edit, short enough for one comment line
VIEW_DIGEST_LENGTH = 32
PAIR_DIGEST_LENGTH = 24


class State(StrEnum):
    UNTRANSLATED = "untranslated"
    DRAFT = "draft"
    FUZZY = "fuzzy"
    REVIEW = "review"
    APPROVED = "approved"
    STALE = "stale"


STATES = tuple(State)  # report order
PENDING = frozenset({State.DRAFT, State.FUZZY, State.REVIEW, State.STALE})  # a reviewer's queue
BULK_APPROVABLE = PENDING  # bulk approval looks at these, and approves those needing no confirmation
PUBLISHABLE = frozenset({State.APPROVED})  # the state a release needs (plus: no error-level finding)
UNCONFIRMED = frozenset({State.DRAFT, State.FUZZY})  # a translator has not confirmed the text
SHOWN_IN_PREVIEW = frozenset(State) - {State.UNTRANSLATED}
AWAITING_PUBLICATION = frozenset({State.REVIEW, State.APPROVED, State.STALE})  # confirmed text

_RECORD = re.compile(
    rf"{re.escape(APPROVAL_TAG)} (?P<who>[^;\n]+); (?P<when>[0-9T:\-Z+]+); "
    rf"sha256=(?P<digest>[0-9a-f]{{{APPROVAL_DIGEST_LENGTH}}})"
)
_DIGEST_END = re.compile(rf"sha256=[0-9a-f]{{{APPROVAL_DIGEST_LENGTH}}}")
_DRAFT_RECORD = re.compile(
    rf"{re.escape(DRAFT_TAG)}\s*(?P<provenance>.*?)"
    rf"(?:;\s*{re.escape(DRAFT_DIGEST_TAG)}(?P<digest>[0-9a-f]{{{TEXT_DIGEST_LENGTH}}}))?"
)
_DRAFT_DIGEST_END = re.compile(rf"{re.escape(DRAFT_DIGEST_TAG)}[0-9a-f]{{{TEXT_DIGEST_LENGTH}}}")


# -- text and forms -------------------------------------------------------------------------------


def translation_forms(entry: polib.POEntry) -> list[str]:
    """The translation forms: ``[msgstr]``, or ``msgstr[0..n]`` of a plural entry."""
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def form_sources(entry: polib.POEntry) -> list[str]:
    """The source text each form translates: ``msgid`` for form 0, ``msgid_plural`` for the rest."""
    if not entry.msgid_plural:
        return [entry.msgid]
    return [entry.msgid if k == 0 else entry.msgid_plural for k in sorted(entry.msgstr_plural)]


def is_translated(entry: polib.POEntry) -> bool:
    """Every form filled in: what a state, a review or a release calls translated."""
    values = translation_forms(entry)
    return bool(values) and all(values)


def has_translation(entry: polib.POEntry) -> bool:
    """Some form filled in: what a merge keeps (and msgmerge offers as a fuzzy match)."""
    return any(translation_forms(entry))


def is_fuzzy(entry: polib.POEntry) -> bool:
    return FUZZY in entry.flags


def set_fuzzy(entry: polib.POEntry, fuzzy: bool = True) -> None:
    if fuzzy and FUZZY not in entry.flags:
        entry.flags.append(FUZZY)
    elif not fuzzy and FUZZY in entry.flags:
        entry.flags.remove(FUZZY)


def live_entries(po: Iterable[polib.POEntry]) -> list[polib.POEntry]:
    """The entries that are not obsolete (``#~``)."""
    return [e for e in po if not e.obsolete]


def entry_key(entry: polib.POEntry) -> tuple[str | None, str]:
    """An entry's identity in its catalog: (context, source)."""
    return entry.msgctxt, entry.msgid


def find_entry(po: Iterable[polib.POEntry], wanted: tuple[str | None, str]) -> polib.POEntry | None:
    """The live entry with that (context, source), or ``None``."""
    return next((e for e in po if not e.obsolete and entry_key(e) == wanted), None)


# -- plural forms -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def plural_rule(plural_forms: str | None) -> Callable[[int], int]:
    """A catalog's ``Plural-Forms`` header as a function of n (English's rule when the header is
    absent or broken)."""
    match = re.search(r"plural\s*=\s*([^;]+)", plural_forms or "")
    if match:
        try:
            return gettext.c2py(match.group(1).strip())
        except (ValueError, SyntaxError):
            pass
    return lambda n: int(n != 1)


PLURAL_CHECK_LIMIT = 1000  # the numbers 0..1000 a Plural-Forms expression is tried on


def plural_count(plural_forms: str | None) -> int | None:
    """A ``Plural-Forms`` header's ``nplurals`` (``None`` when it has none)."""
    match = re.search(r"\bnplurals\s*=\s*(\d+)", plural_forms or "")
    return int(match.group(1)) if match else None


@functools.lru_cache(maxsize=64)
def plural_forms_problem(plural_forms: str) -> str | None:
    """What makes a ``Plural-Forms`` header unusable, in words, or ``None`` when it is sound: no
    ``nplurals``; no ``plural=`` expression; an expression that does not parse; one that divides
    by zero, or gives a form below 0 or at or above ``nplurals``, for some n in 0..1000 -- the
    faults GNU ``msgfmt --check`` refuses, judged here without running it."""
    nplurals = plural_count(plural_forms)
    if nplurals is None:
        return "Plural-Forms has no nplurals"
    match = re.search(r"\bplural\s*=\s*([^;]*)", plural_forms)
    if not match or not match.group(1).strip():
        return "Plural-Forms has no plural expression (plural=...;)"
    expression = match.group(1).strip()
    try:
        rule = gettext.c2py(expression)
    except (ValueError, SyntaxError) as exc:
        return f"Plural-Forms: the plural expression {expression!r} does not parse ({exc})"
    for n in range(PLURAL_CHECK_LIMIT + 1):
        try:
            index = rule(n)
        except ZeroDivisionError:
            return f"Plural-Forms: the plural expression {expression!r} divides by zero for n = {n}"
        if not 0 <= index < nplurals:
            allowed = "no form" if nplurals == 0 else "form 0 only" if nplurals == 1 else f"forms 0 to {nplurals - 1}"
            return (f"Plural-Forms: the plural expression {expression!r} gives form {index} for n = {n}, "
                    f"but nplurals={nplurals} allows {allowed}")
    return None


def plural_examples(plural_forms: str | None, nplurals: int, limit: int = 1000) -> list[str]:
    """For each plural form, the numbers it is used for, as a translator reads them:
    ``["n = 1", "n = 2–4, 22–24, …", "n = 0, 5–20, …"]``."""
    if nplurals == 1:
        return ["any n"]
    rule = plural_rule(plural_forms)
    found: list[list[int]] = [[] for _ in range(nplurals)]
    for n in range(limit):
        index = rule(n)
        if 0 <= index < nplurals and len(found[index]) < 12:
            found[index].append(n)
    out = []
    for numbers in found:
        if not numbers:
            out.append("no number")
            continue
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        shown = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs[:3])
        out.append("n = " + shown + (", …" if len(runs) > 3 or len(numbers) == 12 else ""))
    return out


# -- digests --------------------------------------------------------------------------------------


def sha256_digest(payload: list, length: int) -> str:
    """SHA-256 of the payload as JSON, ``length`` hex digits: every digest of this module."""
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:length]


def approval_digest(entry: polib.POEntry) -> str:
    """What an approval binds: context, source, plural source, every form -- and the numbers
    note when the entry has one (an entry without a note keeps the digest it had before notes
    existed, so older approval records stay valid)."""
    payload: list = [entry.msgctxt, entry.msgid, entry.msgid_plural or None, translation_forms(entry)]
    note = numbers_note(entry)
    if note is not None:
        payload.append({"numbers": note})
    return sha256_digest(payload, APPROVAL_DIGEST_LENGTH)


def text_digest(entry: polib.POEntry) -> str:
    """The translation forms alone: what a machine-draft record keeps of its text."""
    return sha256_digest(["machine-draft", translation_forms(entry)], TEXT_DIGEST_LENGTH)


def view_digest(entry: polib.POEntry) -> str:
    """Everything a reviewer is shown of an entry (texts, flags, translator comments, records):
    a write is refused when this changed since the reviewer saw it."""
    payload = [entry.msgctxt, entry.msgid, entry.msgid_plural or None, translation_forms(entry), sorted(entry.flags),
               entry.tcomment or ""]
    return sha256_digest(payload, VIEW_DIGEST_LENGTH)


def pair_digest(source: str, translation: str) -> str:
    """A (source, translation) pair: the key of cached work on it (back-translations)."""
    return sha256_digest([source, translation], PAIR_DIGEST_LENGTH)


# -- comments -------------------------------------------------------------------------------------


def _comment_lines(entry: polib.POEntry) -> list[str]:
    return entry.tcomment.splitlines() if entry.tcomment else []


def _record_lines(lines: list[str], tag: str = APPROVAL_TAG, end: re.Pattern = _DIGEST_END) -> tuple[int, int] | None:
    """(first, last+1) of the comment lines holding a record.  Babel's writer wraps long
    comments at 76 columns, so a record with a long name may span two lines."""
    for start, line in enumerate(lines):
        if line.strip().startswith(tag):
            for last in range(start, min(start + 3, len(lines))):
                if end.search(lines[last]):
                    return start, last + 1
            return start, start + 1
    return None


def _replace_record(entry: polib.POEntry, tag: str, end: re.Pattern, line: str | None) -> None:
    lines = _comment_lines(entry)
    span = _record_lines(lines, tag, end)
    while span is not None:
        del lines[span[0]:span[1]]
        span = _record_lines(lines, tag, end)
    if line:
        lines.append(line)
    entry.tcomment = "\n".join(lines)


def numbers_note(entry: polib.POEntry) -> str | None:
    """The entry's ``# numbers: ...`` note (several such lines are joined), or ``None``."""
    if not entry.tcomment or NUMBERS_TAG not in entry.tcomment:
        return None
    notes = [line.strip()[len(NUMBERS_TAG):].strip() for line in _comment_lines(entry)
             if line.strip().startswith(NUMBERS_TAG)]
    return " ".join(notes) if notes else None


def translator_notes(entry: polib.POEntry) -> list[str]:
    """Translator comments that are not records of this pipeline (approval, machine draft)."""
    lines = _comment_lines(entry)
    for tag, end in ((APPROVAL_TAG, _DIGEST_END), (DRAFT_TAG, _DRAFT_DIGEST_END)):
        span = _record_lines(lines, tag, end)
        while span is not None:
            del lines[span[0]:span[1]]
            span = _record_lines(lines, tag, end)
    return lines


def set_translator_notes(entry: polib.POEntry, notes: list[str]) -> None:
    """Replace the translator comments that are not records of this pipeline with ``notes``,
    keeping the approval and machine-draft records as they are (after the notes, where the
    writers put them).  A note may not look like a record: that would forge one."""
    for note in notes:
        if note.strip().startswith((APPROVAL_TAG, DRAFT_TAG)) or "\n" in note or "\r" in note:
            raise PipelineError(f"a translator comment line may not be a record or hold a line break: {note[:60]!r}")
    lines = _comment_lines(entry)
    kept = translator_notes(entry)
    records, k = [], 0
    for line in lines:  # the lines translator_notes left out, in their order: the records
        if k < len(kept) and line == kept[k]:
            k += 1
        else:
            records.append(line)
    entry.tcomment = "\n".join([*notes, *records])


def is_required(entry: polib.POEntry) -> bool:
    """Whether the entry carries the required mark (an extracted comment)."""
    return any(line.startswith(REQUIRED_TAG + ":") for line in (entry.comment or "").splitlines())


def entry_section(entry: polib.POEntry) -> str | None:
    """The heading the entry's block sits under (an extracted comment), if any."""
    for line in (entry.comment or "").splitlines():
        if line.startswith(SECTION_TAG):
            return line[len(SECTION_TAG):].strip()
    return None


def entry_documents(entry: polib.POEntry, documents_folder: str) -> list[str]:
    """Slugs of the documents an entry appears in; ``(templates)`` for page-template strings."""
    slugs = []
    prefix = documents_folder.rstrip("/") + "/"
    for path, _line in entry.occurrences:
        slug = path[len(prefix):].removesuffix(".md") if path.startswith(prefix) else TEMPLATES
        if slug not in slugs:
            slugs.append(slug)
    return slugs or ["(unknown)"]


# -- approvals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    who: str
    when: str
    digest: str

    def line(self) -> str:
        return f"{APPROVAL_TAG} {self.who}; {self.when}; sha256={self.digest}"


def read_approval(entry: polib.POEntry) -> Approval | None:
    lines = _comment_lines(entry)
    span = _record_lines(lines)
    if span is None:
        return None
    match = _RECORD.fullmatch(" ".join(line.strip() for line in lines[span[0]:span[1]]))
    return Approval(match["who"].strip(), match["when"], match["digest"]) if match else None


_CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED",
    0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
    0x7F: "DELETE", 0x85: "NEXT LINE",
}


def char_label(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point and its name."""
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code) or (
        "CONTROL CHARACTER" if unicodedata.category(char) == "Cc" else "UNNAMED CHARACTER")
    return f"U+{code:04X} {name}"


SAMPLE_APPROVAL = re.compile(r"\bsample\b|\b(?:not|without)\s+(?:a\s+)?medical\s+review\b", re.I)


def is_sample_approval(who: str) -> bool:
    """Whether an approval record says of itself that it is a sample and not a medical review:
    its reviewer field holds the word "sample", or "not a medical review" / "without medical
    review" ("Project maintainers, sample approval without medical review").  The rule reads the
    record; it never compares against a list of names.  Handouts whose approvals include one say
    so visibly (the colophon)."""
    return bool(SAMPLE_APPROVAL.search(who))


def check_reviewer(name: str) -> None:
    """Refuse a name that is empty, holds ``;`` (the record's separator), or holds a control
    character (Cc: ``\\n``, ``\\t``, ``\\r``, ``\\v``, ``\\f``, U+0085 ...), a format character
    (Cf: bidi controls, zero-width characters ...) or a line or paragraph separator (U+2028,
    U+2029): any of these would break the record's line in the catalog or hide what the name
    says.  (A Persian name written with a ZERO WIDTH NON-JOINER must be typed without it.)"""
    if not name or not name.strip() or ";" in name:
        raise PipelineError(f"reviewer name must be non-empty and hold no ';': {name!r}")
    bad = [char for char in dict.fromkeys(name) if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        raise PipelineError(f"reviewer name must hold no control, format or line-break character: {name!r} "
                            f"holds {', '.join(char_label(char) for char in bad)}")


def approve(entry: polib.POEntry, reviewer: str, when: dt.datetime) -> Approval:
    """Confirm the entry (drop ``fuzzy`` and the previous source) and record the approval."""
    check_reviewer(reviewer)
    if not is_translated(entry):
        raise PipelineError(f"cannot approve an untranslated entry: {entry.msgid[:60]!r}")
    set_fuzzy(entry, False)
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    record = Approval(reviewer, when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"), approval_digest(entry))
    _replace_record(entry, APPROVAL_TAG, _DIGEST_END, record.line())
    return record


def unapprove(entry: polib.POEntry) -> bool:
    """Remove the approval record; return whether there was one."""
    had = read_approval(entry) is not None
    _replace_record(entry, APPROVAL_TAG, _DIGEST_END, None)
    return had


def send_back(entry: polib.POEntry) -> None:
    """Back to the translator: no approval, marked fuzzy."""
    unapprove(entry)
    set_fuzzy(entry, True)


def set_text(entry: polib.POEntry, texts: list[str]) -> bool:
    """Replace the translation forms (one text, or one per plural form); return whether
    anything changed.  A changed text leaves an approval stale by itself (its digest)."""
    if entry.msgid_plural:
        if len(texts) != len(entry.msgstr_plural):
            raise PipelineError(f"this entry has {len(entry.msgstr_plural)} plural forms, not {len(texts)}")
        new = dict(zip(sorted(entry.msgstr_plural), texts))
        changed = new != entry.msgstr_plural
        entry.msgstr_plural = new
        return changed
    if len(texts) != 1:
        raise PipelineError(f"this entry has one translation, not {len(texts)}")
    changed = texts[0] != entry.msgstr
    entry.msgstr = texts[0]
    return changed


# -- machine drafts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MachineDraft:
    """What the ``# machine-draft:`` line says, and whether the text is still what was drafted."""

    provenance: str  # engine, package, version: "argos-translate translate-en_es 1.0"
    digest: str | None  # of the translation forms as drafted; None on a line written before digests
    edited: bool  # a person changed the text since (never for a line without a digest)

    def describe(self) -> str:
        return f"machine draft ({self.provenance})" + (", since edited by a person" if self.edited else "")


def machine_draft(entry: polib.POEntry) -> MachineDraft | None:
    """The entry's machine-draft record, or ``None`` when a machine never drafted it.

    This is the one place that tells whether a drafted entry's text is still the machine's.
    """
    if not entry.tcomment or DRAFT_TAG not in entry.tcomment:
        return None
    lines = _comment_lines(entry)
    span = _record_lines(lines, DRAFT_TAG, _DRAFT_DIGEST_END)
    if span is None:
        return None
    match = _DRAFT_RECORD.fullmatch(" ".join(line.strip() for line in lines[span[0]:span[1]]))
    if match is None:  # a digest that is not ours: keep the words, treat the text as the machine's
        return MachineDraft(" ".join(lines[span[0]].split()[1:]), None, False)
    found = match["digest"]
    return MachineDraft(match["provenance"].strip(), found, found is not None and found != text_digest(entry))


def mark_machine_draft(entry: polib.POEntry, provenance: str) -> None:
    """Record that the entry's present text was drafted by ``provenance`` (replacing an older
    record): ``# machine-draft: <provenance>; text-sha256=<digest of the forms>``."""
    if ";" in provenance or "\n" in provenance:
        raise PipelineError(f"a machine-draft provenance holds no ';' or line break: {provenance!r}")
    line = f"{DRAFT_TAG} {provenance}; {DRAFT_DIGEST_TAG}{text_digest(entry)}"
    _replace_record(entry, DRAFT_TAG, _DRAFT_DIGEST_END, line)


def set_draft(entry: polib.POEntry, texts: list[str], provenance: str) -> None:
    """Give the entry a machine draft: the text, ``fuzzy``, no approval, the provenance record."""
    unapprove(entry)
    set_text(entry, texts)
    set_fuzzy(entry, True)
    mark_machine_draft(entry, provenance)


def copy_draft(target: polib.POEntry, draft: polib.POEntry) -> None:
    """Carry a draft made on a copy of the catalog onto the entry as it is now."""
    target.msgstr, target.msgstr_plural = draft.msgstr, dict(draft.msgstr_plural)
    target.flags, target.tcomment = list(draft.flags), draft.tcomment


def is_machine_text(entry: polib.POEntry) -> bool:
    """Whether the entry's text is still a machine's draft, unedited by a person."""
    record = machine_draft(entry)
    return record is not None and not record.edited


def origin(entry: polib.POEntry) -> str:
    """Where the text comes from, for a reviewer: "machine draft (argos-translate ...)", with
    ", since edited by a person" once someone changed it; else a translator."""
    record = machine_draft(entry)
    if record is not None:
        return record.describe()
    return "translator (no machine-draft record)" if has_translation(entry) else "none"


# -- the state --------------------------------------------------------------------------------------


def entry_state(entry: polib.POEntry) -> State:
    if not is_translated(entry):
        return State.UNTRANSLATED
    record = read_approval(entry)
    fuzzy = is_fuzzy(entry)
    if fuzzy and is_machine_text(entry):
        return State.DRAFT
    if record and (fuzzy or record.digest != approval_digest(entry)):
        return State.STALE
    if fuzzy:
        return State.FUZZY
    return State.APPROVED if record else State.REVIEW


def tally(states: Iterable[State]) -> dict[State, int]:
    """Counts of each state, every state present (zero included), in report order."""
    counts = Counter(states)
    return {s: counts.get(s, 0) for s in STATES}
