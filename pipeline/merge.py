"""Merging a template into a catalog with GNU msgmerge's semantics, at library scale.

What ``msgmerge --previous`` does, entry by entry, in the template's order:

* an entry whose context and source are in the catalog (live or obsolete) keeps its
  translation, translator comments, approval records and ``fuzzy`` flag; its extracted
  comments, references and format flags come from the template;
* an entry that is new gets the translation of the most similar translated entry of the catalog,
  if one is similar enough (GNU's ``fstrcmp`` >= 0.6; a different context costs a factor 0.99),
  marked ``fuzzy`` -- or stays untranslated (a new plural entry gets one empty ``msgstr[i]`` per
  plural form of the catalog's ``Plural-Forms``);
* "translated" for a fuzzy match is GNU's: the first form (``msgstr``, ``msgstr[0]``) is filled in;
* plurals (GNU's ``message_merge`` and the post-processing of ``match_domain``): an entry whose
  plural source changed, appeared or went away is ``fuzzy``; a singular translation that became
  plural is copied into every form; a plural translation that became singular keeps its first
  form;
* the previous source (``#| msgid``, ``#| msgid_plural``, ``#| msgctxt``) is the matched entry's
  source -- or, when that entry was fuzzy itself, *its* previous source, if any -- and is kept
  only on an entry that ends up fuzzy with its first form filled in;
* translated entries of the catalog that no template entry used become obsolete (``#~``); an
  untranslated one is dropped, as GNU does.

Finding the most similar entry is where msgmerge and Babel spend their time: they compare every
new entry with every old one.  Here an inverted index proposes candidates: keys are pairs of
consecutive words (character trigrams for one- or two-word texts).  A lightly edited sentence
keeps most of its word pairs, in particular some of its *rarest* ones, so the candidates are the
entries holding the query's rarest keys.  Only those are scored, with rapidfuzz's Indel
similarity -- the same measure as GNU's ``fstrcmp``, 2 * common characters / total characters --
restricted to lengths that can reach the threshold.  What this gives up: a new text that shares
no word pair with any old one gets no fuzzy match, where msgmerge may still find one that is 60%
similar character by character.  The benchmark reports the agreement with msgmerge.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict

import polib
from rapidfuzz.distance import Indel

from .model import FUZZY, has_translation, is_fuzzy, set_fuzzy

FUZZY_THRESHOLD = 0.6  # GNU gettext's FUZZY_THRESHOLD
CONTEXT_PENALTY = 0.99  # GNU's weight for a candidate in another msgctxt
RAREST_KEYS = 8  # a query's rarest index keys used to find candidates
MAX_CANDIDATES = 64  # candidates scored per query, those sharing the most rare trigrams
TEMPLATE_HEADER_FIELDS = ("Report-Msgid-Bugs-To", "POT-Creation-Date")  # msgmerge takes these from the template
_FORMAT_FLAG = re.compile(r"^(no-)?[\w+-]+-format$")


_WORD = re.compile(r"\w+")
MIN_WORDS = 3  # texts with at least this many words are indexed by word pairs, others by trigrams


def _keys(text: str) -> set[str]:
    """Index keys of a text: pairs of consecutive words, which are rare enough to keep posting
    lists short as a catalog grows (character trigrams repeat across most sentences of a large
    catalog); character trigrams for texts of one or two words."""
    words = _WORD.findall(text.lower())
    if len(words) >= MIN_WORDS:
        return {f"{a} {b}" for a, b in zip(words, words[1:])}
    padded = f"\x02{text}\x03"
    return {"\x01" + padded[i:i + 3] for i in range(len(padded) - 2)}


class FuzzyIndex:
    """The translated entries of a catalog, searchable by similarity of their source."""

    def __init__(self, entries: list[polib.POEntry]):
        self.entries = entries
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            for gram in _keys(entry.msgid):
                self.postings[gram].append(index)
        self.lengths = [len(e.msgid) for e in entries]

    def best(self, msgctxt: str | None, msgid: str) -> polib.POEntry | None:
        """The most similar entry at or above the threshold (the earliest on a tie), or None."""
        if not self.entries:
            return None
        grams = sorted((g for g in _keys(msgid) if g in self.postings), key=lambda g: len(self.postings[g]))
        rare = grams[:RAREST_KEYS]
        shared: Counter[int] = Counter()
        for gram in rare:
            shared.update(self.postings[gram])
        length = len(msgid)
        best_score, best_index = 0.0, -1
        for index, _count in shared.most_common(MAX_CANDIDATES):
            other = self.lengths[index]
            # 2*min/(sum) bounds the ratio: skip lengths that cannot reach the threshold
            if 2 * min(length, other) < FUZZY_THRESHOLD * (length + other):
                continue
            candidate = self.entries[index]
            cutoff = max(best_score, FUZZY_THRESHOLD)
            score = Indel.normalized_similarity(msgid, candidate.msgid, score_cutoff=cutoff * CONTEXT_PENALTY)
            if candidate.msgctxt != msgctxt:
                score *= CONTEXT_PENALTY
            if score >= FUZZY_THRESHOLD and (score > best_score or (score == best_score and index < best_index)):
                best_score, best_index = score, index
        return self.entries[best_index] if best_index >= 0 else None


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _new_entry(ref: polib.POEntry, nplurals: int) -> polib.POEntry:
    """The template's entry, untranslated: one empty form per plural form of the catalog."""
    return polib.POEntry(
        msgctxt=ref.msgctxt,
        msgid=ref.msgid,
        msgid_plural=ref.msgid_plural,
        msgstr_plural={i: "" for i in range(nplurals)} if ref.msgid_plural else {},
        comment=ref.comment,
        occurrences=list(ref.occurrences),
        flags=[f for f in ref.flags if f != FUZZY],
    )


def _first_form(entry: polib.POEntry) -> str:
    """``msgstr``, or ``msgstr[0]`` of a plural entry: what GNU calls "translated"."""
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def _merged(ref: polib.POEntry, old: polib.POEntry, nplurals: int, *, fuzzy_match: bool) -> polib.POEntry:
    """The template's entry ``ref`` with the translation of the catalog's ``old``: GNU
    ``message_merge`` and its post-processing of plural changes."""
    entry = _new_entry(ref, nplurals)
    entry.tcomment = old.tcomment
    fuzzy = is_fuzzy(old) or fuzzy_match or (ref.msgid_plural or None) != (old.msgid_plural or None)
    if ref.msgid_plural and old.msgid_plural:
        entry.msgstr_plural = dict(old.msgstr_plural)
    elif ref.msgid_plural:  # became plural: the singular translation in every form
        entry.msgstr_plural = {i: old.msgstr for i in range(nplurals)}
    elif old.msgid_plural:  # no longer plural: the first form
        entry.msgstr = _first_form(old)
    else:
        entry.msgstr = old.msgstr
    set_fuzzy(entry, fuzzy)
    if fuzzy and _first_form(entry):
        if is_fuzzy(old):  # what led to the old translation: the old entry's own previous source
            entry.previous_msgctxt = old.previous_msgctxt
            entry.previous_msgid = old.previous_msgid
            entry.previous_msgid_plural = old.previous_msgid_plural or None
        else:
            entry.previous_msgctxt = old.msgctxt
            entry.previous_msgid = old.msgid
            entry.previous_msgid_plural = old.msgid_plural or None
    # flags the translator set that are not format flags (e.g. "no-wrap") follow the old entry
    for flag in old.flags:
        if flag != FUZZY and not _FORMAT_FLAG.match(flag) and flag not in entry.flags:
            entry.flags.append(flag)
    return entry


def merge(old: polib.POFile, template: polib.POFile, *, fuzzy_matching: bool = True) -> polib.POFile:
    """``old`` updated to ``template`` (neither is changed)."""
    result = polib.POFile(wrapwidth=0)
    result.header = old.header
    result.metadata = dict(old.metadata)
    result.metadata_is_fuzzy = old.metadata_is_fuzzy
    for name in TEMPLATE_HEADER_FIELDS:  # GNU's header merge (polib writes the fields in GNU's order)
        if name in template.metadata:
            result.metadata[name] = template.metadata[name]
    nplurals = _nplurals(old)

    by_key = {(e.msgctxt, e.msgid): e for e in old if e.obsolete}
    by_key.update({(e.msgctxt, e.msgid): e for e in old if not e.obsolete})  # a live entry wins
    used: set[int] = set()
    index = None
    for ref in template:
        if ref.obsolete:
            continue
        previous = by_key.get((ref.msgctxt, ref.msgid))
        if previous is not None:
            entry = _merged(ref, previous, nplurals, fuzzy_match=False)
            used.add(id(previous))
        else:
            match = None
            if fuzzy_matching:
                if index is None:
                    index = FuzzyIndex([e for e in old if not e.obsolete and _first_form(e) and e.msgid])
                match = index.best(ref.msgctxt, ref.msgid)
            if match is not None:
                entry = _merged(ref, match, nplurals, fuzzy_match=True)
                used.add(id(match))
            else:
                entry = _new_entry(ref, nplurals)
        result.append(entry)
    for entry in old:
        if id(entry) in used or not has_translation(entry) or not entry.msgid:
            continue
        gone = copy.copy(entry)
        gone.obsolete = True
        gone.occurrences = []
        gone.previous_msgid = gone.previous_msgid_plural = gone.previous_msgctxt = None
        result.append(gone)
    return result
