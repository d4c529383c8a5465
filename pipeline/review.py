"""Entry states and approval records, stored in the ``.po`` file itself.

An approval is a translator comment on the entry::

    # approved-by: Ana Ruiz; 2026-11-25T14:02Z; sha256=3f1c0a9e5b7d2c4e6a81

The digest covers the entry's context, source (singular and plural) and every translation form,
and the entry's ``# numbers:`` note when it has one (see below).  Any later change to the source
or the translation -- by this tool, Poedit, a text editor or a ``msgmerge`` -- leaves the
recorded digest different from the entry's, and the record is *stale*: no tool has to remember to
revoke it.  Translator comments are kept by ``msgmerge``, ``msgcat``,
Babel and Poedit, so the record travels with the entry.

Two more translator comments are read here:

``# machine-draft: argos-translate translate-en_es 1.0; text-sha256=9f2c4e6a81b3``
    written by drafting (:mod:`pipeline.draft`): the engine, package and version, and a digest
    of the translation forms as drafted.  While the entry's text still has that digest, the text
    is the machine's; once anybody changes it -- in Poedit, a text editor, the terminal review or
    the workspace -- the digest no longer matches and the text counts as a person's ("machine
    draft, since edited by a person"), with no tool having to update the line.  A line without a
    digest (written before digests were recorded) counts as machine text, to be safe.
``# numbers: 100.4 °F left out, Celsius only``
    a reviewable explanation of a deliberate difference between the numbers of the source and of
    the translation (see :func:`pipeline.checks._numbers`).  It is part of the approval digest
    when present, so adding or changing it after an approval makes the approval stale; entries
    without one keep the digest they always had.

States, in the order they are decided:

=============  ================================================================
untranslated   no translation
draft          fuzzy, with a ``# machine-draft: ...`` comment, and the text still the machine's
stale          an approval record whose digest no longer matches
fuzzy          fuzzy (a merge changed the source, a translator is unsure, or a person
               edited a machine draft without confirming it)
approved       not fuzzy, with a matching approval record
review         translated, not fuzzy, no record: awaiting review
=============  ================================================================
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import polib

from .checks import ERROR, Finding, Glossary, char_label, check_entry
from .errors import PipelineError
from .extract import SECTION_TAG, is_required

APPROVAL_TAG = "approved-by:"
DRAFT_TAG = "machine-draft:"
NUMBERS_TAG = "numbers:"
DRAFT_DIGEST_TAG = "text-sha256="
DRAFT_DIGEST_LENGTH = 12  # hex digits: 48 bits, ample to notice an edit, short enough for one line
DIGEST_LENGTH = 20  # hex digits of SHA-256 kept: 80 bits, ample to notice any edit
_RECORD = re.compile(
    rf"{re.escape(APPROVAL_TAG)} (?P<who>[^;\n]+); (?P<when>[0-9T:\-Z+]+); sha256=(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})"
)
_DIGEST_END = re.compile(rf"sha256=[0-9a-f]{{{DIGEST_LENGTH}}}")
_DRAFT_RECORD = re.compile(
    rf"{re.escape(DRAFT_TAG)}\s*(?P<provenance>.*?)"
    rf"(?:;\s*{re.escape(DRAFT_DIGEST_TAG)}(?P<digest>[0-9a-f]{{{DRAFT_DIGEST_LENGTH}}}))?"
)
_DRAFT_DIGEST_END = re.compile(rf"{re.escape(DRAFT_DIGEST_TAG)}[0-9a-f]{{{DRAFT_DIGEST_LENGTH}}}")

STATES = ("untranslated", "draft", "fuzzy", "review", "approved", "stale")
PUBLISHABLE = "approved"


@dataclass(frozen=True)
class Approval:
    who: str
    when: str
    digest: str

    def line(self) -> str:
        return f"{APPROVAL_TAG} {self.who}; {self.when}; sha256={self.digest}"


def _forms(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def entry_digest(entry: polib.POEntry) -> str:
    """Digest of (context, source, plural source, every translation form), and of the
    ``# numbers:`` note when the entry has one (an entry without a note keeps the digest it had
    before notes existed, so older approval records stay valid)."""
    fields = [entry.msgctxt, entry.msgid, entry.msgid_plural or None, _forms(entry)]
    note = numbers_note(entry)
    if note is not None:
        fields.append({"numbers": note})
    payload = json.dumps(fields, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def _comment_lines(entry: polib.POEntry) -> list[str]:
    return entry.tcomment.splitlines() if entry.tcomment else []


def numbers_note(entry: polib.POEntry) -> str | None:
    """The entry's ``# numbers: ...`` note (several such lines are joined), or ``None``."""
    if not entry.tcomment or NUMBERS_TAG not in entry.tcomment:
        return None
    notes = [line.strip()[len(NUMBERS_TAG):].strip() for line in _comment_lines(entry)
             if line.strip().startswith(NUMBERS_TAG)]
    return " ".join(notes) if notes else None


def _record_lines(lines: list[str], tag: str = APPROVAL_TAG, end: re.Pattern = _DIGEST_END) -> tuple[int, int] | None:
    """(first, last+1) of the comment lines holding the record.  Babel's writer wraps long
    comments at 76 columns, so a record with a long name may span two lines."""
    for start, line in enumerate(lines):
        if line.strip().startswith(tag):
            for last in range(start, min(start + 3, len(lines))):
                if end.search(lines[last]):
                    return start, last + 1
            return start, start + 1
    return None


def read_approval(entry: polib.POEntry) -> Approval | None:
    lines = _comment_lines(entry)
    span = _record_lines(lines)
    if span is None:
        return None
    match = _RECORD.fullmatch(" ".join(line.strip() for line in lines[span[0]:span[1]]))
    return Approval(match["who"].strip(), match["when"], match["digest"]) if match else None


# -- machine drafts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MachineDraft:
    """What the ``# machine-draft:`` line says, and whether the text is still what was drafted."""

    provenance: str  # engine, package, version: "argos-translate translate-en_es 1.0"
    digest: str | None  # of the translation forms as drafted; None on a line written before digests
    edited: bool  # a person changed the text since (never for a line without a digest)

    def describe(self) -> str:
        return f"machine draft ({self.provenance})" + (", since edited by a person" if self.edited else "")


def text_digest(entry: polib.POEntry) -> str:
    """Digest of the translation forms alone: what a machine draft records of its text."""
    payload = json.dumps(["machine-draft", _forms(entry)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:DRAFT_DIGEST_LENGTH]


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
    digest = match["digest"]
    return MachineDraft(match["provenance"].strip(), digest, digest is not None and digest != text_digest(entry))


def mark_machine_draft(entry: polib.POEntry, provenance: str) -> None:
    """Record that the entry's present text was drafted by ``provenance`` (replacing an older
    record): ``# machine-draft: <provenance>; text-sha256=<digest of the forms>``."""
    if ";" in provenance or "\n" in provenance:
        raise PipelineError(f"a machine-draft provenance holds no ';' or line break: {provenance!r}")
    lines = _comment_lines(entry)
    span = _record_lines(lines, DRAFT_TAG, _DRAFT_DIGEST_END)
    while span is not None:
        del lines[span[0]:span[1]]
        span = _record_lines(lines, DRAFT_TAG, _DRAFT_DIGEST_END)
    lines.append(f"{DRAFT_TAG} {provenance}; {DRAFT_DIGEST_TAG}{text_digest(entry)}")
    entry.tcomment = "\n".join(lines)


def is_machine_draft(entry: polib.POEntry) -> bool:
    """Whether a machine drafted the entry (edited since or not)."""
    return machine_draft(entry) is not None


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
    return "translator (no machine-draft record)" if is_translated(entry) else "none"


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def entry_state(entry: polib.POEntry) -> str:
    if not is_translated(entry):
        return "untranslated"
    record = read_approval(entry)
    fuzzy = "fuzzy" in entry.flags
    if fuzzy and is_machine_text(entry):
        return "draft"
    if record and (fuzzy or record.digest != entry_digest(entry)):
        return "stale"
    if fuzzy:
        return "fuzzy"
    return "approved" if record else "review"


def approve(entry: polib.POEntry, reviewer: str, when: dt.datetime) -> Approval:
    """Confirm the entry (drop ``fuzzy`` and the previous source) and record the approval."""
    check_reviewer(reviewer)
    if not is_translated(entry):
        raise PipelineError(f"cannot approve an untranslated entry: {entry.msgid[:60]!r}")
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    record = Approval(reviewer, when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"), entry_digest(entry))
    _set_record(entry, record.line())
    return record


def unapprove(entry: polib.POEntry) -> bool:
    """Remove the approval record; return whether there was one."""
    had = read_approval(entry) is not None
    _set_record(entry, None)
    return had


def _set_record(entry: polib.POEntry, line: str | None) -> None:
    lines = _comment_lines(entry)
    span = _record_lines(lines)
    while span is not None:
        del lines[span[0]:span[1]]
        span = _record_lines(lines)
    if line:
        lines.append(line)
    entry.tcomment = "\n".join(lines)


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


# -- where an entry comes from --------------------------------------------------------------


TEMPLATES = "(templates)"  # the "document" of the page templates' strings


def entry_documents(entry: polib.POEntry, documents_folder: str) -> list[str]:
    """Slugs of the documents an entry appears in; ``(templates)`` for page-template strings."""
    slugs = []
    prefix = documents_folder.rstrip("/") + "/"
    for path, _line in entry.occurrences:
        slug = path[len(prefix):].removesuffix(".md") if path.startswith(prefix) else TEMPLATES
        if slug not in slugs:
            slugs.append(slug)
    return slugs or ["(unknown)"]


def entry_section(entry: polib.POEntry) -> str | None:
    for line in (entry.comment or "").splitlines():
        if line.startswith(SECTION_TAG):
            return line[len(SECTION_TAG):].strip()
    return None


def tally(states) -> dict[str, int]:
    """Counts of each state, every state present (zero included), in STATES order."""
    counts = Counter(states)
    return {state: counts.get(state, 0) for state in STATES}


def count_states(entries) -> dict[str, int]:
    return tally(entry_state(e) for e in entries)


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


__all__ = [
    "Approval",
    "approve",
    "unapprove",
    "entry_state",
    "entry_digest",
    "read_approval",
    "is_required",
    "STATES",
    "numbers_note",
    "machine_draft",
    "mark_machine_draft",
    "is_machine_text",
    "origin",
    "approval_confirmation",
    "entry_summary",
    "check_reviewer",
]


# -- choosing and approving entries -----------------------------------------------------------

PENDING_STATES = ("draft", "fuzzy", "review", "stale")
BULK_STATES = PENDING_STATES  # what bulk approval looks at; it approves only what needs no confirmation


@dataclass(frozen=True)
class Confirmation:
    """Whether approving an entry needs the reviewer's explicit confirmation, and why.

    ``reasons`` is empty when a plain approval will do.  ``findings`` are every check finding of
    the entry, to show with it; ``errors`` the error-level ones among them.
    """

    reasons: tuple[str, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def needed(self) -> bool:
        return bool(self.reasons)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)


def approval_confirmation(entry: polib.POEntry, language: str, glossary: Glossary | None = None) -> Confirmation:
    """Does approving this entry need explicit confirmation, and why?  The one decision the
    command line (``approve --confirm``), the terminal review and the workspace share.

    It does for a fuzzy entry (its source changed since it was translated, or a translator was
    unsure), for a machine draft whose text is still the machine's (fuzzy or not), and for an
    entry with error-level check findings.
    """
    reasons = []
    record = machine_draft(entry)
    if record is not None and not record.edited:
        reasons.append(f"machine draft: the text is still {record.provenance}'s, not edited by a person")
    if "fuzzy" in entry.flags:
        if entry.previous_msgid is not None and entry.previous_msgid != entry.msgid:
            reasons.append("fuzzy: the English source changed since it was translated")
        elif record is not None and record.edited:
            reasons.append("fuzzy: a machine draft edited by a person, not confirmed yet")
        elif record is None:
            reasons.append("fuzzy: marked as not confirmed by a translator")
    findings = tuple(check_entry(entry, language, glossary or Glossary()))
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        checks = ", ".join(dict.fromkeys(f.check for f in errors))
        reasons.append(f"{len(errors)} check error{'s' if len(errors) > 1 else ''} ({checks})")
    return Confirmation(tuple(reasons), findings)


_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


def word_diff(old: str, new: str) -> str:
    """``old`` turned into ``new``, word by word: ``Local soreness[- or-]{+, redness or+} swelling``."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def entry_summary(entry: polib.POEntry, confirmation: Confirmation | None = None) -> list[tuple[str, str]]:
    """(label, text) lines that show a reviewer what they approve: the source (and, for a fuzzy
    entry, how it changed since it was translated), the translation, where it comes from, the
    check findings and why confirmation is needed."""
    lines = [("source", entry.msgid)]
    if entry.msgid_plural:
        lines.append(("plural", entry.msgid_plural))
    if "fuzzy" in entry.flags and entry.previous_msgid is not None and entry.previous_msgid != entry.msgid:
        lines.append(("changed", word_diff(entry.previous_msgid, entry.msgid)
                      + "   ([-removed-] {+added+} since it was translated)"))
    if entry.msgid_plural:
        lines += [(f"translation[{k}]", entry.msgstr_plural[k]) for k in sorted(entry.msgstr_plural)]
    else:
        lines.append(("translation", entry.msgstr))
    lines.append(("origin", origin(entry)))
    if confirmation is not None:
        lines += [(f.severity, f"[{f.check}] {f.message}") for f in confirmation.findings]
        if confirmation.needed:
            lines.append(("confirm", "; ".join(confirmation.reasons)))
    return lines


@dataclass
class Selection:
    """Which entries of a catalog a command acts on.

    ``refs`` are source references (``source/documents/exosomes.md:61``), ``msgids`` exact
    source texts: both name entries one by one.  ``documents`` (slugs) and ``pending`` select in
    bulk every pending entry; bulk approval approves only those that need no confirmation (see
    :func:`approval_confirmation`) and reports the others as skipped.
    """

    refs: tuple[str, ...] = ()
    msgids: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    pending: bool = False

    @property
    def explicit(self) -> bool:
        return bool(self.refs or self.msgids)

    @property
    def bulk(self) -> bool:
        return bool(self.documents or self.pending)

    def choose(self, po: polib.POFile, documents_folder: str) -> list[polib.POEntry]:
        live = live_entries(po)
        chosen: list[polib.POEntry] = []
        for ref in self.refs:
            path, _, line = ref.rpartition(":")
            matches = [e for e in live if (path, line) in [(p, str(l)) for p, l in e.occurrences]]
            if not matches:
                raise PipelineError(f"no entry has the reference {ref!r}", po.path)
            chosen.extend(m for m in matches if m not in chosen)
        for msgid in self.msgids:
            matches = [e for e in live if e.msgid == msgid]
            if not matches:
                raise PipelineError(f"no entry has the source text {msgid[:60]!r}", po.path)
            chosen.extend(m for m in matches if m not in chosen)
        if self.bulk:
            for entry in live:
                if self.documents and not set(entry_documents(entry, documents_folder)) & set(self.documents):
                    continue
                if entry_state(entry) in BULK_STATES and entry not in chosen:
                    chosen.append(entry)
        return chosen


@dataclass
class Outcome:
    entry: polib.POEntry
    done: bool
    reason: str
    skipped: bool = False  # left out of a bulk approval: it needs to be approved on its own
    shown: list[tuple[str, str]] = field(default_factory=list)  # the entry as it was judged (entry_summary)


def approve_selected(entries: list[polib.POEntry], selection: Selection, reviewer: str, when: dt.datetime, *,
                     language: str = "", glossary: Glossary | None = None, confirm: bool = False) -> list[Outcome]:
    """Approve what may be approved; say why for the rest.

    An entry that needs confirmation (:func:`approval_confirmation`: fuzzy, a machine's text,
    check errors) is approved only when it was named alone, one entry at a time, and ``confirm``
    says the reviewer has read it as shown.  Bulk selections skip such entries.
    """
    check_reviewer(reviewer)
    glossary = glossary or Glossary()
    outcomes = []
    single = selection.explicit and len(entries) == 1 and not selection.bulk
    for entry in entries:
        state = entry_state(entry)
        if state == "untranslated":
            outcomes.append(Outcome(entry, False, "not translated"))
            continue
        if state == "approved":
            outcomes.append(Outcome(entry, False, "already approved"))
            continue
        confirmation = approval_confirmation(entry, language, glossary)
        shown = entry_summary(entry, confirmation)
        why = "; ".join(confirmation.reasons)
        if confirmation.needed and selection.bulk:
            outcomes.append(Outcome(entry, False, f"{state}, skipped: {why}; approve it on its own "
                                    "(--entry or --msgid, then --confirm)", skipped=True, shown=shown))
        elif confirmation.needed and not single:
            outcomes.append(Outcome(entry, False, f"{state}, not approved: {why}; approve such entries one at "
                                    "a time, by reference or text", shown=shown))
        elif confirmation.needed and not confirm:
            outcomes.append(Outcome(entry, False, f"{state}, not approved: {why}; read the entry above, then "
                                    "approve it with --confirm", shown=shown))
        else:
            approve(entry, reviewer, when)
            outcomes.append(Outcome(entry, True, f"approved ({state})"
                                    + (f" after confirmation: {why}" if confirmation.needed else ""), shown=shown))
    return outcomes
