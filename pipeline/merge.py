"""Merging a template into a catalog: GNU ``msgmerge --previous``, rule for rule.

The rules below are GNU gettext 0.21's (msgmerge.c ``match_domain``, ``message_merge`` and
``merge``; message.c ``fuzzy_search_goal_function``; msgl-fsearch.c; gnulib fstrcmp.c).  Every
template entry, in the template's order (the header first):

* **exact match**: the catalog entry (live or obsolete) with the same context and source keeps
  its translation, translator comments and ``fuzzy`` flag; extracted comments, references and
  flags (format flags, ``range:``, ``no-wrap``) come from the template.  The result becomes fuzzy
  when its plural source appeared, went away or changed, and when the template declares a format
  (``python-format``, ...) the old entry did not and the translation fails ``msgfmt -c`` for it.
* **fuzzy match** (no exact match; not the header): the catalog entry with the highest
  *weight*, if that is above 0.6.  The weight is ``fstrcmp`` -- 2 x common subsequence / total
  length, counted in **bytes** of UTF-8 -- plus 0.00001 when the candidate has no context or
  the same context (GNU's context bonus; there is no other context penalty).  Candidates are the
  catalog entries whose first form (``msgstr``, ``msgstr[0]``) is filled in, fuzzy and obsolete
  ones included, that share a 4-character substring (characters, not bytes) with the new source;
  among equal weights the one sharing the most 4-grams wins, then the earliest in the catalog.  A
  new source shorter than 4 characters is compared with every candidate whose byte length is in
  ``[ceil(l / 2.33), int(l * 2.33)]`` instead, shortest first.  The result is fuzzy; one catalog
  entry can be the fuzzy match of several template entries.
* otherwise the template's entry as it is; a plural one gets one empty form per plural form of
  the catalog (``Plural-Forms``; 2 without it).

Plural post-processing: a singular translation that became plural is copied into every form
(fuzzy); a plural translation that became singular keeps its first form (fuzzy).  The previous
source (``#|``) is the matched entry's source -- or, when that entry was fuzzy, *its* previous
source -- and is kept only on entries that end up fuzzy with a first form.  Catalog entries no
template entry used become obsolete with everything but references and extracted comments
(their own previous source included); those without a first form are not written.

The header is GNU's header merge: the catalog's fields, the ones GNU knows first in GNU's
order, then the others in the catalog's order; ``Report-Msgid-Bugs-To`` and
``POT-Creation-Date`` from the template.

Speed: the similarity of every new source to every candidate is computed at once by
rapidfuzz's C++ ``process.cdist`` (Indel, the measure of ``fstrcmp``) on all cores; only the
few best candidates of each source are then checked in Python for GNU's 4-gram rule and ties.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, field

import numpy as np
import polib
from rapidfuzz import process
from rapidfuzz.distance import Indel

from .model import FUZZY, is_fuzzy

FUZZY_THRESHOLD = 0.6  # GNU gettext's FUZZY_THRESHOLD: a weight must be above it
CONTEXT_BONUS = 0.00001  # GNU's bonus for a candidate without a context or with the same context
_SHORT_FACTOR = 2 / FUZZY_THRESHOLD - 1  # msgl-fsearch.c: length window of short strings
CHUNK = 256  # new sources scored per cdist call (bounds the memory of the score matrix)
PARALLEL_PAIRS = 1_000_000  # pairs scored in one cdist call from which its threads pay off

# GNU's header fields, in the order its header merge writes them (msgmerge.c, message_merge).
KNOWN_HEADER_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
                       "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
                       "Content-Transfer-Encoding")
TEMPLATE_HEADER_FIELDS = ("Report-Msgid-Bugs-To", "POT-Creation-Date")  # taken from the template

# Format flags in the order GNU 0.21 knows (and writes) them; other flags but range and no-wrap
# are not kept by GNU's reader.
FORMAT_LANGUAGES = ("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
                    "scheme", "lisp", "elisp", "librep", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt",
                    "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal",
                    "gfc-internal", "ycp")
_FORMAT_ORDER = {f"{lang}-format": i for i, lang in enumerate(FORMAT_LANGUAGES)}
_FORMAT_ORDER.update({f"no-{lang}-format": i for i, lang in enumerate(FORMAT_LANGUAGES)})
_RANGE = re.compile(r"^range: *(\d+) *\.\. *(\d+)$")


_GNU_FLAGS: dict[tuple[tuple[str, ...], bool], tuple[str, ...]] = {}


def gnu_flags(flags: list[str], fuzzy: bool) -> list[str]:
    """The flags GNU keeps, in GNU's order: fuzzy, format flags, ``range:``, ``no-wrap``."""
    if not flags:
        return [FUZZY] if fuzzy else []
    key = (tuple(flags), fuzzy)
    found = _GNU_FLAGS.get(key)
    if found is None:
        found = tuple(_gnu_flags(flags, fuzzy))
        if len(_GNU_FLAGS) < 4096:
            _GNU_FLAGS[key] = found
    return list(found)


def _gnu_flags(flags: list[str], fuzzy: bool) -> list[str]:
    formats: dict[int, str] = {}
    range_flag = None
    no_wrap = False
    for flag in flags:
        if flag in _FORMAT_ORDER:
            formats[_FORMAT_ORDER[flag]] = flag  # the last of "x-format" / "no-x-format" wins
        elif (m := _RANGE.match(flag)) and int(m[1]) <= int(m[2]):
            range_flag = f"range: {int(m[1])}..{int(m[2])}"
        elif flag == "no-wrap":
            no_wrap = True
        elif flag == "wrap":
            no_wrap = False
    out = [FUZZY] if fuzzy else []
    out += [formats[i] for i in sorted(formats)]
    if range_flag:
        out.append(range_flag)
    if no_wrap:
        out.append("no-wrap")
    return out


def _range(flags: list[str]) -> tuple[int, int] | None:
    for flag in flags:
        if (m := _RANGE.match(flag)) and int(m[1]) <= int(m[2]):
            return int(m[1]), int(m[2])
    return None


def _possible_formats(flags: list[str]) -> set[str]:
    return {flag for flag in flags if flag in _FORMAT_ORDER and not flag.startswith("no-")}


class Entry(polib.POEntry):
    """A polib entry made with every attribute given, in polib's order, without polib's
    keyword-argument constructor: what the reader (:mod:`pipeline.gnupo`) and the merge make.
    Python keeps such instances' attributes compactly (one key table shared by all), which makes
    a catalog of them about twice as fast to build as polib's own entries."""

    def __init__(self, msgid: str, msgstr: str, msgid_plural: str, msgstr_plural: dict, msgctxt: str | None,
                 obsolete: int, encoding: str, comment: str, tcomment: str, occurrences: list, flags: list,
                 previous_msgctxt: str | None, previous_msgid: str | None, previous_msgid_plural: str | None,
                 linenum: int | None) -> None:
        self.msgid = msgid
        self.msgstr = msgstr
        self.msgid_plural = msgid_plural
        self.msgstr_plural = msgstr_plural
        self.msgctxt = msgctxt
        self.obsolete = obsolete
        self.encoding = encoding
        self.comment = comment
        self.tcomment = tcomment
        self.occurrences = occurrences
        self.flags = flags
        self.previous_msgctxt = previous_msgctxt
        self.previous_msgid = previous_msgid
        self.previous_msgid_plural = previous_msgid_plural
        self.linenum = linenum


def _copy(entry: polib.POEntry) -> polib.POEntry:
    """A copy of an entry (its lists and forms copied too)."""
    return Entry(entry.msgid, entry.msgstr, entry.msgid_plural, dict(entry.msgstr_plural), entry.msgctxt,
                 entry.obsolete, entry.encoding, entry.comment, entry.tcomment, list(entry.occurrences),
                 list(entry.flags), entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural,
                 entry.linenum)


def first_form(entry: polib.POEntry) -> str:
    """``msgstr``, or ``msgstr[0]`` of a plural entry: what GNU calls "translated"."""
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0, "") if entry.msgstr_plural else ""
    return entry.msgstr


def _forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def nplurals_of(header_fields: dict[str, str]) -> int:
    """GNU's ``extract_plural_expression``: nplurals of the Plural-Forms field, else 2."""
    plural = header_fields.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", plural)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else 2


# -- fuzzy search ---------------------------------------------------------------------------------


def _latin1(text: str) -> str:
    """The UTF-8 bytes of ``text`` as one character each: rapidfuzz then counts bytes, as fstrcmp."""
    return text.encode("utf-8").decode("latin-1")


def _grams(text: str) -> list[str]:
    return [text[i:i + 4] for i in range(len(text) - 3)]


@dataclass
class FuzzySearch:
    """The catalog entries a new source can be fuzzy-matched to, in the catalog's order."""

    entries: list[polib.POEntry]
    _gram_sets: dict[int, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.keys = [_latin1(e.msgid) for e in self.entries]
        self.lengths = np.array([len(k) for k in self.keys], dtype=np.int64)
        self.contexts = [e.msgctxt for e in self.entries]
        self.short: dict[int, list[int]] = {}
        for index, length in enumerate(self.lengths.tolist()):
            if length <= 28:  # SHORT_MSG_MAX
                self.short.setdefault(length, []).append(index)

    def _gram_set(self, index: int) -> set[str]:
        found = self._gram_sets.get(index)
        if found is None:
            found = self._gram_sets[index] = set(_grams(self.entries[index].msgid))
        return found

    def _bonus(self, index: int, msgctxt: str | None) -> float:
        context = self.contexts[index]
        return CONTEXT_BONUS if context is None or context == msgctxt else 0.0

    def _short_best(self, msgctxt: str | None, msgid: str,
                    lower_bound: float = FUZZY_THRESHOLD) -> tuple[int, float] | None:
        """msgl-fsearch.c for a source of fewer than 4 characters: every candidate of a near
        byte length, shortest first, then in the catalog's order; the first best above
        ``lower_bound`` wins."""
        key = _latin1(msgid)
        length = len(key)
        best, best_weight = None, lower_bound
        for size in range(math.ceil(length / _SHORT_FACTOR), int(length * _SHORT_FACTOR) + 1):
            for index in self.short.get(size, ()):
                total = length + size
                weight = (total - Indel.distance(key, self.keys[index])) / total + self._bonus(index, msgctxt)
                if weight > best_weight:
                    best, best_weight = index, weight
        return None if best is None else (best, best_weight)

    def best_all(self, queries: list[tuple[str | None, str]]) -> list[polib.POEntry | None]:
        """For each (context, source), GNU's fuzzy match or None."""
        return [found for found, _weight in self.best_all_weighted(queries)]

    def best_all_weighted(self, queries: list[tuple[str | None, str]]) -> list[tuple[polib.POEntry | None, float]]:
        """For each (context, source), GNU's fuzzy match (or None) and its weight."""
        results: list[tuple[polib.POEntry | None, float]] = [(None, 0.0)] * len(queries)
        if not self.entries:
            return results
        long_queries = []
        for position, (msgctxt, msgid) in enumerate(queries):
            if len(msgid) < 4:
                if msgid:
                    short = self._short_best(msgctxt, msgid)
                    if short is not None:
                        results[position] = (self.entries[short[0]], short[1])
            else:
                long_queries.append(position)
        keys = [_latin1(queries[p][1]) for p in long_queries]
        same_context_none = np.array([c is None for c in self.contexts])
        contexts = np.array(self.contexts, dtype=object)
        for start in range(0, len(long_queries), CHUNK):
            chunk = keys[start:start + CHUNK]
            # every core for a large matrix; one thread for a small one (starting threads costs more)
            workers = -1 if len(chunk) * len(self.keys) >= PARALLEL_PAIRS and (os.cpu_count() or 1) > 1 else 1
            similarity = process.cdist(chunk, self.keys, scorer=Indel.normalized_similarity,
                                       score_cutoff=FUZZY_THRESHOLD - 0.001, dtype=np.float64, workers=workers)
            for row, key in enumerate(chunk):
                position = long_queries[start + row]
                msgctxt, msgid = queries[position]
                hits = np.nonzero(similarity[row])[0]
                if hits.size == 0:
                    continue
                totals = self.lengths[hits] + len(key)
                distances = np.rint((1.0 - similarity[row, hits]) * totals).astype(np.int64)
                weights = (totals - distances) / totals  # IEEE division, as fstrcmp's
                bonus = same_context_none[hits] | (contexts[hits] == msgctxt)
                weights = weights + np.where(bonus, CONTEXT_BONUS, 0.0)
                keep = weights > FUZZY_THRESHOLD
                hits, weights = hits[keep], weights[keep]
                if hits.size == 0:
                    continue
                results[position] = self._pick(msgid, hits, weights)
        return results

    def _pick(self, msgid: str, hits: np.ndarray, weights: np.ndarray) -> tuple[polib.POEntry | None, float]:
        """Among the candidates above the threshold, the one GNU's search keeps: the highest
        weight among those sharing a 4-gram with the source; on a tie the most shared 4-grams
        (counted over the source's 4-grams, repeats included), then the earliest."""
        order = np.argsort(-weights, kind="stable")
        grams = None
        i = 0
        while i < order.size:
            weight = weights[order[i]]
            j = i
            while j < order.size and weights[order[j]] == weight:
                j += 1
            if grams is None:
                grams = _grams(msgid)
                gram_set = set(grams)
            group = []
            for k in order[i:j]:
                index = int(hits[k])
                shared = gram_set & self._gram_set(index)
                if shared:
                    group.append((-sum(g in shared for g in grams), index))
            if group:
                return self.entries[min(group)[1]], float(weight)
            i = j
        return None, 0.0


class CompendiumSearch:
    """GNU's fuzzy index of the compendia, searched as msgmerge searches it: all compendia's
    messages as one list (``definitions_init_comp_findex``), and the *heuristic* search of
    msgl-fsearch.c -- of the candidates sharing a 4-gram with the new source, sorted by the
    number of shared 4-grams (the source's, repeats included; then the earliest), only the first
    ``max(10, sqrt(number of messages))`` are scored; a source of fewer than 4 characters is
    compared with every candidate of a near byte length.  A match must weigh more than the
    lower bound: the weight of the old catalog's own fuzzy match, if it has one."""

    def __init__(self, compendia: list[list[polib.POEntry]]):
        self.entries: list[polib.POEntry] = []
        self.number: list[int] = []  # which compendium each message comes from
        count = 0
        for number, messages in enumerate(compendia):
            count += len(messages) + 1  # GNU's message list holds the header entry too
            for entry in messages:
                if first_form(entry) and entry.msgid:
                    self.entries.append(entry)
                    self.number.append(number)
        self.firstfew = max(10, int(math.sqrt(count)))
        self.short = FuzzySearch(self.entries)  # the short-source search (and the byte keys)
        grams: dict[str, list[int]] = {}
        for index, entry in enumerate(self.entries):
            for gram in dict.fromkeys(_grams(entry.msgid)):
                grams.setdefault(gram, []).append(index)
        self.grams = {gram: np.array(found, dtype=np.int64) for gram, found in grams.items()}

    def best(self, msgctxt: str | None, msgid: str, lower_bound: float) -> tuple[polib.POEntry, int] | None:
        """The compendium message GNU takes for (context, source), and its compendium's number;
        None when none weighs more than ``lower_bound``."""
        if not self.entries or not msgid:
            return None
        if len(msgid) < 4:
            short = self.short._short_best(msgctxt, msgid, lower_bound)
            return None if short is None else (self.entries[short[0]], self.number[short[0]])
        lists = [found for gram in _grams(msgid) if (found := self.grams.get(gram)) is not None]
        if not lists:
            return None
        counts = np.bincount(np.concatenate(lists), minlength=len(self.entries))
        candidates = np.nonzero(counts)[0]
        order = candidates[np.lexsort((candidates, -counts[candidates]))][:self.firstfew]
        key = _latin1(msgid)
        best, best_weight = None, lower_bound
        for index in order.tolist():
            other = self.short.keys[index]
            total = len(key) + len(other)
            weight = (total - Indel.distance(key, other)) / total + self.short._bonus(index, msgctxt)
            if weight > best_weight:
                best, best_weight = index, weight
        return None if best is None else (self.entries[best], self.number[best])


def _weight_of_exact(entry: polib.POEntry) -> int:
    """``message_list_list_search``'s weight: 1 for an entry whose translation is one empty
    string (a singular entry, or a plural one of a single form), else 2."""
    if entry.msgid_plural:
        return 1 if len(entry.msgstr_plural) == 1 and not entry.msgstr_plural.get(0) else 2
    return 1 if not entry.msgstr else 2


# -- the merge ------------------------------------------------------------------------------------


def header_fields(po: polib.POFile) -> dict[str, str]:
    return dict(po.metadata)


def merge_header(old: polib.POFile, template: polib.POFile) -> dict[str, str]:
    """GNU's header merge of the catalog's fields with the template's."""
    fields = dict(old.metadata)
    known = {name.lower(): name for name in KNOWN_HEADER_FIELDS}
    merged: dict[str, str] = {}
    unknown: dict[str, str] = {}
    for name, value in fields.items():
        if name.lower() in known:
            merged[known[name.lower()]] = value
        else:
            unknown[name] = value
    for name in TEMPLATE_HEADER_FIELDS:
        if name in template.metadata:
            merged[name] = template.metadata[name]
    if "Language" not in merged and "Language-Team" in merged:
        # GNU adds the Language field (gettext 0.18) to a catalog without one, from the English
        # name in Language-Team; empty when its table does not know the name
        merged["Language"] = language_from_team(merged["Language-Team"])
    ordered = {name: merged[name] for name in KNOWN_HEADER_FIELDS if name in merged}
    ordered.update(unknown)
    return ordered


@functools.lru_cache(maxsize=64)
def language_from_team(team: str) -> str:
    """The ``Language`` GNU msgmerge derives from a ``Language-Team`` value (its English name of
    the language, an address after it dropped), asked of msgmerge itself: its tables of language
    names are the reference, and a catalog without a Language field is rare."""
    import tempfile

    from .catalog import gettext_process

    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    with tempfile.TemporaryDirectory(prefix="handouts-language-") as folder:
        old, template = os.path.join(folder, "old.po"), os.path.join(folder, "new.pot")
        with open(old, "w", encoding="utf-8") as handle:
            handle.write(header + _quote(f"Language-Team: {team}\n") + "\n")
        with open(template, "w", encoding="utf-8") as handle:
            handle.write(header)
        proc = gettext_process(["msgmerge", "--quiet", "--force-po", "-o", "-", old, template], None)
    found = re.search(r'^"Language:(.*)\\n"$', proc.stdout, re.MULTILINE) if proc.returncode == 0 else None
    return found.group(1).strip() if found else ""


def _message_merge(ref: polib.POEntry, old: polib.POEntry, fuzzy_match: bool, nplurals: int,
                   format_check: list) -> polib.POEntry:
    """GNU ``message_merge`` plus the plural post-processing of ``match_domain``.  The previous
    source is set only where it is kept: on a fuzzy result with a first form (an entry that the
    format check may make fuzzy later carries it in ``format_check``)."""
    old_flags = old.flags
    ref_plural, old_plural = ref.msgid_plural, old.msgid_plural
    if not fuzzy_match and not old_flags and not ref.flags and not ref_plural and not old_plural:
        # the common case: the same singular source, no flags on either side
        return Entry(ref.msgid, old.msgstr, ref_plural, {}, ref.msgctxt, ref.obsolete, ref.encoding, ref.comment,
                     old.tcomment, list(ref.occurrences), [], None, None, None, ref.linenum)
    old_fuzzy = FUZZY in old_flags
    fuzzy = old_fuzzy or fuzzy_match
    if not fuzzy and (ref_plural or None) != (old_plural or None):
        fuzzy = True
    if old_fuzzy:
        previous = (old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural)
    else:
        previous = (old.msgctxt, old.msgid, old_plural or None)
    if old_plural:
        forms = [old.msgstr_plural[k] for k in sorted(old.msgstr_plural)]
    else:
        forms = [old.msgstr]
    if ref_plural and not old_plural:  # became plural: the translation in every form
        forms = forms * nplurals
        fuzzy = True
    elif old_plural and not ref_plural:  # no longer plural: the first form
        if len(forms) > 1:
            fuzzy = True
        forms = forms[:1]
    ref_flags = ref.flags
    pending = None
    if not fuzzy and (ref_flags or old_flags):
        # a format the template declares and the old entry did not: fuzzy if msgfmt -c fails
        added = _possible_formats(ref_flags) - _possible_formats(old_flags)
        if added:
            pending = (sorted(added, key=_FORMAT_ORDER.__getitem__), forms, previous)
        old_range, new_range = _range(old_flags), _range(ref_flags)
        if old_range and not (new_range and new_range[0] >= old_range[0] and new_range[1] <= old_range[1]):
            fuzzy = True
    if not fuzzy or not forms[0]:
        previous = (None, None, None)
    entry = Entry(ref.msgid, "" if ref_plural else forms[0], ref_plural, dict(enumerate(forms)) if ref_plural else {},
                  ref.msgctxt, ref.obsolete, ref.encoding, ref.comment, old.tcomment, list(ref.occurrences),
                  gnu_flags(ref_flags, fuzzy), *previous, ref.linenum)
    if pending is not None and not fuzzy:
        format_check.append((entry, *pending))
    return entry


def _untranslated(ref: polib.POEntry, nplurals: int) -> polib.POEntry:
    """GNU's copy of a template entry nothing matched."""
    entry = _copy(ref)
    if ref.msgid_plural and not any(_forms(ref)):
        entry.msgstr_plural = {i: "" for i in range(nplurals)}
    entry.flags = gnu_flags(ref.flags, is_fuzzy(ref))
    if not is_fuzzy(entry) or not first_form(entry):  # the previous source only where GNU keeps it
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    return entry


def _obsolete(old: polib.POEntry) -> polib.POEntry:
    entry = _copy(old)
    entry.obsolete = True
    entry.occurrences = []
    entry.comment = ""
    entry.flags = gnu_flags(old.flags, is_fuzzy(old))
    return entry


@dataclass
class MergeResult:
    """A merged catalog: header comment, header fuzziness, header fields (in GNU's order) and
    entries (live ones in the template's order, then the obsolete ones), and which came from a
    compendium."""

    header: str
    header_fuzzy: bool
    fields: dict[str, str] | None  # None: the catalog had no header entry
    entries: list[polib.POEntry]
    # entries taken from a compendium: position in ``entries`` -> the compendium's number
    origins: dict[int, int] = field(default_factory=dict)

    def to_pofile(self) -> polib.POFile:
        po = polib.POFile(wrapwidth=0)
        po.header = self.header
        po.metadata = dict(self.fields or {})
        po.metadata_is_fuzzy = self.header_fuzzy
        po.extend(self.entries)
        return po


def merge_entries(old: polib.POFile, template: polib.POFile, *, fuzzy_matching: bool = True,
                  has_header: bool = True, compendia: list[list[polib.POEntry]] | None = None) -> MergeResult:
    """``old`` updated to ``template``, entry by entry, as GNU msgmerge --previous does it --
    with ``--compendium`` for each of ``compendia`` (their messages, in order), as msgmerge
    searches them: an exact match is the first translated one of the old catalog and the
    compendia, in that order (an untranslated one only if none is translated); a fuzzy match
    from the compendia only if it weighs more than the old catalog's own.  A message taken from
    a compendium brings its translation, translator comments and fuzziness, as any old entry."""
    nplurals = nplurals_of(old.metadata)
    by_key: dict[tuple[str | None, str], polib.POEntry] = {(e.msgctxt, e.msgid): e for e in reversed(old)}
    refs = [e for e in template if e.msgid or e.msgctxt is not None]
    found: list[polib.POEntry | None] = [by_key.get((ref.msgctxt, ref.msgid)) for ref in refs]
    origins: dict[int, int] = {}
    if compendia:
        keyed = [{(e.msgctxt, e.msgid): e for e in reversed(messages)} for messages in compendia]
        for position, ref in enumerate(refs):
            exact = found[position]
            best = 0 if exact is None else _weight_of_exact(exact)
            if best == 2:
                continue
            key = (ref.msgctxt, ref.msgid)
            for number, messages in enumerate(keyed):
                candidate = messages.get(key)
                if candidate is not None and _weight_of_exact(candidate) > best:
                    found[position], origins[position] = candidate, number
                    best = _weight_of_exact(candidate)
                    if best == 2:
                        break
    fuzzy: list[polib.POEntry | None] = [None] * len(refs)
    if fuzzy_matching:
        missing = [i for i, f in enumerate(found) if f is None]
        if missing:
            search = FuzzySearch([e for e in old if first_form(e) and e.msgid])
            queries = [(refs[i].msgctxt, refs[i].msgid) for i in missing]
            weighted = search.best_all_weighted(queries)
            compendium_search = CompendiumSearch(compendia) if compendia else None
            for i, (msgctxt, msgid), (match, weight) in zip(missing, queries, weighted):
                if compendium_search is not None:
                    better = compendium_search.best(msgctxt, msgid, weight if match is not None else FUZZY_THRESHOLD)
                    if better is not None:
                        match, origins[i] = better
                fuzzy[i] = match
    format_check: list = []
    result: list[polib.POEntry] = []
    used: set[int] = set()
    for ref, exact, match in zip(refs, found, fuzzy):
        if exact is not None:
            entry = _message_merge(ref, exact, False, nplurals, format_check)
            used.add(id(exact))
        elif match is not None:
            entry = _message_merge(ref, match, True, nplurals, format_check)
            used.add(id(match))
        else:
            entry = _untranslated(ref, nplurals)
        result.append(entry)
    if format_check:
        _check_formats(format_check, old)
    result += [_obsolete(e) for e in old if id(e) not in used]
    return MergeResult(old.header, old.metadata_is_fuzzy, merge_header(old, template) if has_header else None,
                       result, origins)


def _check_formats(pending: list, old: polib.POFile) -> None:
    """Entries whose template added a format: GNU makes them fuzzy when ``msgfmt -c`` would
    reject the kept translation for that format.  Judged by GNU msgfmt itself, in one run."""
    from .catalog import gettext_process

    plural = old.metadata.get("Plural-Forms")
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"']
    if plural:
        lines.append(_quote(f"Plural-Forms: {plural}\n"))
    starts: list[int] = []
    for entry, formats, forms, _previous in pending:
        lines.append("")
        starts.append(len(lines) + 1)
        lines.append("#, " + ", ".join(formats))
        if entry.msgctxt is not None:
            lines.append("msgctxt " + _quote(entry.msgctxt))
        lines.append("msgid " + _quote(entry.msgid))
        if entry.msgid_plural:
            lines.append("msgid_plural " + _quote(entry.msgid_plural))
            lines += [f"msgstr[{i}] {_quote(form)}" for i, form in enumerate(forms)]
        else:
            lines.append("msgstr " + _quote(forms[0]))
    proc = gettext_process(["msgfmt", "--check-format", "-o", os.devnull, "-"], "\n".join(lines) + "\n")
    if proc.returncode == 0:
        return
    bad: set[int] = set()
    for match in re.finditer(r"^[^:\n]*:(\d+):", proc.stderr, re.MULTILINE):
        line = int(match.group(1))
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else 1 << 60
            if start <= line < end:
                bad.add(number)
    for number in bad:
        entry, _formats, forms, previous = pending[number]
        entry.flags = gnu_flags(entry.flags, True)
        if forms[0]:  # fuzzy now, with a first form: the previous source is kept
            entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural = previous


def _quote(text: str) -> str:
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
                  .replace("\r", "\\r")) + '"'


def merge(old: polib.POFile, template: polib.POFile, *, fuzzy_matching: bool = True) -> polib.POFile:
    """``old`` updated to ``template`` (neither is changed), as a polib catalog."""
    return merge_entries(old, template, fuzzy_matching=fuzzy_matching).to_pofile()


class FuzzyIndex:
    """One catalog's fuzzy candidates, searched one source at a time (GNU's rules)."""

    def __init__(self, entries: list[polib.POEntry]):
        self.search = FuzzySearch([e for e in entries if first_form(e) and e.msgid])

    def best(self, msgctxt: str | None, msgid: str) -> polib.POEntry | None:
        """GNU's fuzzy match for (context, source), or None."""
        return self.search.best_all([(msgctxt, msgid)])[0]
