"""Choosing and approving entries: what ``approve``, the terminal review and the workspace do
with the entry model (:mod:`pipeline.model`).

* :func:`approval_confirmation` -- the one decision whether approving an entry needs the
  reviewer's explicit confirmation, and why;
* :func:`entry_summary` -- what a reviewer is shown before approving (a word diff of a changed
  source, the translation, its origin, the findings);
* :class:`Selection` and :func:`approve_selected` -- which entries a command acts on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

import polib

from .checks import ERROR, Finding, Glossary, check_entry
from .errors import PipelineError
from .model import (
    BULK_APPROVABLE,
    State,
    approve,
    check_reviewer,
    entry_documents,
    entry_state,
    is_fuzzy,
    live_entries,
    machine_draft,
    origin,
    translation_forms,
    unapprove,
)


# -- choosing and approving entries -----------------------------------------------------------

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
    if is_fuzzy(entry):
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


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` turned into ``new``, word by word, as (mark, text) pieces: ``" "`` kept, ``"-"``
    removed, ``"+"`` added (the workspace shows them as struck-through and inserted text)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append((" ", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def word_diff(old: str, new: str) -> str:
    """``old`` turned into ``new``, word by word: ``Local soreness[- or-]{+, redness or+} swelling``."""
    marks = {" ": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return "".join(marks[mark].format(text) for mark, text in diff_words(old, new))


def source_changed(entry: polib.POEntry) -> bool:
    """A fuzzy entry whose English changed since it was translated (its previous source kept)."""
    return is_fuzzy(entry) and entry.previous_msgid is not None and entry.previous_msgid != entry.msgid


def entry_summary(entry: polib.POEntry, confirmation: Confirmation | None = None) -> list[tuple[str, str]]:
    """(label, text) lines that show a reviewer what they approve: the source (and, for a fuzzy
    entry, how it changed since it was translated), the translation, where it comes from, the
    check findings and why confirmation is needed."""
    lines = [("source", entry.msgid)]
    if entry.msgid_plural:
        lines.append(("plural", entry.msgid_plural))
    if source_changed(entry):
        lines.append(("changed", word_diff(entry.previous_msgid, entry.msgid)
                      + "   ([-removed-] {+added+} since it was translated)"))
    if entry.msgid_plural:
        lines += [(f"translation[{k}]", text) for k, text in enumerate(translation_forms(entry))]
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

    def choose(self, po: polib.POFile, documents_folder: str,
               states: frozenset[State] | None = BULK_APPROVABLE) -> list[polib.POEntry]:
        """The named entries, plus -- for a bulk selection -- every entry of the chosen documents
        (or of the catalog) in one of ``states`` (``None``: in any state)."""
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
                if (states is None or entry_state(entry) in states) and entry not in chosen:
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
        if state == State.UNTRANSLATED:
            outcomes.append(Outcome(entry, False, "not translated"))
            continue
        if state == State.APPROVED:
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


def unapprove_selected(po: polib.POFile, selection: Selection, documents_folder: str) -> int:
    """Remove the approval records of the selected entries (a bulk selection takes entries in
    any state); return how many there were."""
    return sum(unapprove(entry) for entry in selection.choose(po, documents_folder, states=None))
