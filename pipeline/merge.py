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


def gnu_flags(flags: list[str], fuzzy: bool) -> list[str]:
    """The flags GNU keeps, in GNU's order: fuzzy, format flags, ``range:``, ``no-wrap``."""
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

    def _short_best(self, msgctxt: str | None, msgid: str) -> int | None:
        key = _latin1(msgid)
        length = len(key)
        best, best_weight = None, FUZZY_THRESHOLD
        for size in range(math.ceil(length / _SHORT_FACTOR), int(length * _SHORT_FACTOR) + 1):
            for index in self.short.get(size, ()):
                total = length + size
                weight = (total - Indel.distance(key, self.keys[index])) / total + self._bonus(index, msgctxt)
                if weight > best_weight:
                    best, best_weight = index, weight
        return best

    def best_all(self, queries: list[tuple[str | None, str]]) -> list[polib.POEntry | None]:
        """For each (context, source), GNU's fuzzy match or None."""
        results: list[polib.POEntry | None] = [None] * len(queries)
        if not self.entries:
            return results
        long_queries = []
        for position, (msgctxt, msgid) in enumerate(queries):
            if len(msgid) < 4:
                if msgid:
                    found = self._short_best(msgctxt, msgid)
                    results[position] = None if found is None else self.entries[found]
            else:
                long_queries.append(position)
        keys = [_latin1(queries[p][1]) for p in long_queries]
        same_context_none = np.array([c is None for c in self.contexts])
        contexts = np.array(self.contexts, dtype=object)
        workers = -1 if (os.cpu_count() or 1) > 1 else 1
        for start in range(0, len(long_queries), CHUNK):
            chunk = keys[start:start + CHUNK]
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

    def _pick(self, msgid: str, hits: np.ndarray, weights: np.ndarray) -> polib.POEntry | None:
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
                return self.entries[min(group)[1]]
            i = j
        return None


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
    ordered = {name: merged[name] for name in KNOWN_HEADER_FIELDS if name in merged}
    ordered.update(unknown)
    return ordered


def _copy(entry: polib.POEntry) -> polib.POEntry:
    new = polib.POEntry.__new__(polib.POEntry)
    new.__dict__.update(entry.__dict__)
    new.flags = list(entry.flags)
    new.occurrences = list(entry.occurrences)
    new.msgstr_plural = dict(entry.msgstr_plural)
    return new


def _message_merge(ref: polib.POEntry, old: polib.POEntry, fuzzy_match: bool, nplurals: int,
                   format_check: list) -> polib.POEntry:
    """GNU ``message_merge`` plus the plural post-processing of ``match_domain``."""
    entry = polib.POEntry.__new__(polib.POEntry)
    entry.__dict__.update(ref.__dict__)
    entry.occurrences = list(ref.occurrences)
    entry.tcomment = old.tcomment
    entry.obsolete = ref.obsolete
    fuzzy = is_fuzzy(old) or fuzzy_match
    if not fuzzy and (ref.msgid_plural or None) != (old.msgid_plural or None):
        fuzzy = True
    if is_fuzzy(old):
        entry.previous_msgctxt, entry.previous_msgid = old.previous_msgctxt, old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    else:
        entry.previous_msgctxt, entry.previous_msgid = old.msgctxt, old.msgid
        entry.previous_msgid_plural = old.msgid_plural or None
    forms = _forms(old)
    if ref.msgid_plural and not old.msgid_plural:  # became plural: the translation in every form
        forms = forms * nplurals
        fuzzy = True
    elif old.msgid_plural and not ref.msgid_plural:  # no longer plural: the first form
        if len(forms) > 1:
            fuzzy = True
        forms = forms[:1]
    if not fuzzy:
        # a format the template declares and the old entry did not: fuzzy if msgfmt -c fails
        added = _possible_formats(ref.flags) - _possible_formats(old.flags)
        if added:
            format_check.append((entry, sorted(added, key=_FORMAT_ORDER.__getitem__), forms))
        old_range, new_range = _range(old.flags), _range(ref.flags)
        if old_range and not (new_range and new_range[0] >= old_range[0] and new_range[1] <= old_range[1]):
            fuzzy = True
    if ref.msgid_plural:
        entry.msgstr, entry.msgstr_plural = "", dict(enumerate(forms))
    else:
        entry.msgstr, entry.msgstr_plural = forms[0], {}
    entry.flags = gnu_flags(ref.flags, fuzzy)
    return entry


def _untranslated(ref: polib.POEntry, nplurals: int) -> polib.POEntry:
    """GNU's copy of a template entry nothing matched."""
    entry = _copy(ref)
    if ref.msgid_plural and not any(_forms(ref)):
        entry.msgstr_plural = {i: "" for i in range(nplurals)}
    entry.flags = gnu_flags(ref.flags, is_fuzzy(ref))
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
    entries (live ones in the template's order, then the obsolete ones)."""

    header: str
    header_fuzzy: bool
    fields: dict[str, str] | None  # None: the catalog had no header entry
    entries: list[polib.POEntry]

    def to_pofile(self) -> polib.POFile:
        po = polib.POFile(wrapwidth=0)
        po.header = self.header
        po.metadata = dict(self.fields or {})
        po.metadata_is_fuzzy = self.header_fuzzy
        po.extend(self.entries)
        return po


def merge_entries(old: polib.POFile, template: polib.POFile, *, fuzzy_matching: bool = True,
                  has_header: bool = True) -> MergeResult:
    """``old`` updated to ``template``, entry by entry, as GNU msgmerge --previous does it."""
    nplurals = nplurals_of(old.metadata)
    by_key: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in old:
        by_key.setdefault((entry.msgctxt, entry.msgid), entry)
    used: set[int] = set()
    refs = [e for e in template if e.msgid or e.msgctxt is not None]
    found: list[polib.POEntry | None] = [by_key.get((ref.msgctxt, ref.msgid)) for ref in refs]
    fuzzy: list[polib.POEntry | None] = [None] * len(refs)
    if fuzzy_matching:
        missing = [i for i, f in enumerate(found) if f is None]
        if missing:
            search = FuzzySearch([e for e in old if first_form(e) and e.msgid])
            for i, match in zip(missing, search.best_all([(refs[i].msgctxt, refs[i].msgid) for i in missing])):
                fuzzy[i] = match
    format_check: list = []
    result: list[polib.POEntry] = []
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
    for entry in result:  # previous source only on fuzzy entries with a first form
        if not is_fuzzy(entry) or not first_form(entry):
            entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    result += [_obsolete(e) for e in old if id(e) not in used]
    return MergeResult(old.header, old.metadata_is_fuzzy, merge_header(old, template) if has_header else None,
                       result)


def _check_formats(pending: list, old: polib.POFile) -> None:
    """Entries whose template added a format: GNU makes them fuzzy when ``msgfmt -c`` would
    reject the kept translation for that format.  Judged by GNU msgfmt itself, in one run."""
    from .catalog import gettext_process

    plural = old.metadata.get("Plural-Forms")
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"']
    if plural:
        lines.append(_quote(f"Plural-Forms: {plural}\n"))
    starts: list[int] = []
    for entry, formats, forms in pending:
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
        entry = pending[number][0]
        entry.flags = gnu_flags(entry.flags, True)


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
