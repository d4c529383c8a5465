"""Entry states and approval records, stored in the ``.po`` file itself.

An approval is a translator comment on the entry::

    # approved-by: Ana Ruiz; 2026-11-25T14:02Z; sha256=3f1c0a9e5b7d2c4e6a81

The digest covers the entry's context, source (singular and plural) and every translation form,
and the entry's ``# numbers:`` note when it has one (see below).  Any later change to the source
or the translation -- by this tool, Poedit, a text editor or a ``msgmerge`` -- leaves the
recorded digest different from the entry's, and the record is *stale*: no tool has to remember to
revoke it.  Translator comments are kept by ``msgmerge``, ``msgcat``,
Babel and Poedit, so the record travels with the entry.

Another translator comment is read here:

``# numbers: 100.4 °F left out, Celsius only``
    a reviewable explanation of a deliberate difference between the numbers of the source and of
    the translation (see :func:`pipeline.checks._numbers`).  It is part of the approval digest
    when present, so adding or changing it after an approval makes the approval stale; entries
    without one keep the digest they always had.

States, in the order they are decided:

=============  ================================================================
untranslated   no translation
draft          fuzzy, with a ``# machine-draft: ...`` provenance comment
stale          an approval record whose digest no longer matches
fuzzy          fuzzy (a merge changed the source, or a translator is unsure)
approved       not fuzzy, with a matching approval record
review         translated, not fuzzy, no record: awaiting review
=============  ================================================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

import polib

from .errors import PipelineError
from .extract import SECTION_TAG, is_required

APPROVAL_TAG = "approved-by:"
DRAFT_TAG = "machine-draft:"
NUMBERS_TAG = "numbers:"
DIGEST_LENGTH = 20  # hex digits of SHA-256 kept: 80 bits, ample to notice any edit
_RECORD = re.compile(
    rf"{re.escape(APPROVAL_TAG)} (?P<who>[^;\n]+); (?P<when>[0-9T:\-Z+]+); sha256=(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})"
)
_DIGEST_END = re.compile(rf"sha256=[0-9a-f]{{{DIGEST_LENGTH}}}")

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


def _record_lines(lines: list[str]) -> tuple[int, int] | None:
    """(first, last+1) of the comment lines holding the record.  Babel's writer wraps long
    comments at 76 columns, so a record with a long name may span two lines."""
    for start, line in enumerate(lines):
        if line.strip().startswith(APPROVAL_TAG):
            for end in range(start, min(start + 3, len(lines))):
                if _DIGEST_END.search(lines[end]):
                    return start, end + 1
            return start, start + 1
    return None


def read_approval(entry: polib.POEntry) -> Approval | None:
    lines = _comment_lines(entry)
    span = _record_lines(lines)
    if span is None:
        return None
    match = _RECORD.fullmatch(" ".join(line.strip() for line in lines[span[0]:span[1]]))
    return Approval(match["who"].strip(), match["when"], match["digest"]) if match else None


def is_machine_draft(entry: polib.POEntry) -> bool:
    return any(line.startswith(DRAFT_TAG) for line in _comment_lines(entry))


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def entry_state(entry: polib.POEntry) -> str:
    if not is_translated(entry):
        return "untranslated"
    record = read_approval(entry)
    fuzzy = "fuzzy" in entry.flags
    if fuzzy and is_machine_draft(entry):
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
    if not name or not name.strip() or ";" in name or "\n" in name:
        raise PipelineError(f"reviewer name must be non-empty and hold no ';' or line break: {name!r}")


class Translations:
    """A catalog's translations as a build uses them, looked up by source text.

    A release build publishes approved entries only.  A preview build (for a draft language)
    shows every translation, drafts included, and :meth:`state` lets the page mark the ones
    that are not approved.  Calling the object returns the text to show, or ``None``.
    """

    def __init__(self, po: polib.POFile, preview: bool):
        self.path = po.path
        self.preview = preview
        self._table: dict[str, str] = {}
        self._lines: dict[str, int] = {}
        self._states: dict[str, str] = {}
        for entry in po:
            if entry.obsolete or entry.msgctxt is not None or entry.msgid_plural:
                continue
            state = entry_state(entry)
            self._lines[entry.msgid] = entry.linenum
            self._states[entry.msgid] = state
            if state == PUBLISHABLE or (preview and state != "untranslated"):
                self._table[entry.msgid] = entry.msgstr

    def __call__(self, text: str) -> str | None:
        return self._table.get(text)

    def line(self, text: str) -> int | None:
        """Line of the entry in the catalog; ``None`` if the catalog has no such entry."""
        return self._lines.get(text)

    def state(self, text: str) -> str:
        return self._states.get(text, "untranslated")


class SourceText:
    """The source language's own "translations": every text is itself, and approved."""

    path = None
    preview = False

    def __call__(self, text: str) -> str:
        return text

    def line(self, text: str) -> None:
        return None

    def state(self, text: str) -> str:
        return PUBLISHABLE


# -- where an entry comes from --------------------------------------------------------------


def entry_documents(entry: polib.POEntry, documents_folder: str) -> list[str]:
    """Slugs of the documents an entry appears in; ``(templates)`` for page-template strings."""
    slugs = []
    prefix = documents_folder.rstrip("/") + "/"
    for path, _line in entry.occurrences:
        slug = path[len(prefix):].removesuffix(".md") if path.startswith(prefix) else "(templates)"
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
]


# -- choosing and approving entries -----------------------------------------------------------

BULK_STATES = ("review", "stale")  # what "approve everything pending" may touch: never drafts


@dataclass
class Selection:
    """Which entries of a catalog a command acts on.

    ``refs`` are source references (``source/documents/exosomes.md:61``), ``msgids`` exact
    source texts: both name entries one by one.  ``documents`` (slugs) and ``pending`` select in
    bulk, and bulk selections only ever take entries awaiting review -- never a fuzzy draft.
    """

    refs: tuple[str, ...] = ()
    msgids: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    pending: bool = False

    @property
    def explicit(self) -> bool:
        return bool(self.refs or self.msgids)

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
        if self.documents or self.pending:
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


def approve_selected(entries: list[polib.POEntry], selection: Selection, reviewer: str, when: dt.datetime) -> list[Outcome]:
    """Approve what may be approved; say why for the rest.

    A fuzzy entry (a machine draft, or a translation whose source changed) is approved only when
    it was named alone, one entry at a time: the reviewer has looked at that very entry.
    """
    check_reviewer(reviewer)
    outcomes = []
    single = selection.explicit and len(entries) == 1 and not (selection.documents or selection.pending)
    for entry in entries:
        state = entry_state(entry)
        if state == "untranslated":
            outcomes.append(Outcome(entry, False, "not translated"))
        elif state == "approved":
            outcomes.append(Outcome(entry, False, "already approved"))
        elif "fuzzy" in entry.flags and not single:
            outcomes.append(Outcome(entry, False, f"{state}: approve fuzzy entries one at a time, by reference or text"))
        else:
            approve(entry, reviewer, when)
            outcomes.append(Outcome(entry, True, f"approved ({state})"))
    return outcomes
