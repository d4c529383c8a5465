"""Quality checks on translations, modelled on Translate Toolkit's pofilter and Weblate's checks.

Each check looks at one entry (source, translation, language, glossary) and returns findings.
*Errors* break the page or change what a patient is told; the gate refuses them in release
languages.  *Warnings* are for the reviewer's eye.

===================  ========  ==============================================================
check                severity  what it finds
===================  ========  ==============================================================
placeholders         error     ``%(name)s``, ``%s``, ``{name}`` placeholders added, lost or renamed
markup               error     inline Markdown not balanced with the source: emphasis, strong,
                               code, links (count and targets)
unsafe-markup        error     HTML tags, event-handler attributes or ``javascript:`` links that
                               the source does not have
invisible            error     invisible or bidi control characters the source does not have:
                               bidi embeddings, overrides, isolates and marks, zero-width and
                               other format characters, control characters, line separators
urls                 error     a URL or e-mail address of the source missing from the
                               translation, or one the translation adds (written out as text)
numbers              error     a number of the source missing, changed or added (any script's
                               digits and the language's separators count); a deliberate
                               difference is explained in a ``# numbers:`` note
do-not-translate     error     a glossary do-not-translate term (FDA, MSCs, ...) not kept verbatim
glossary             warning   a glossary term not translated as the glossary prescribes
identical            warning   translation identical to the source
end-punctuation      warning   sentence-final punctuation differs (CJK and Arabic forms accepted)
double-space         warning   doubled spaces, or leading/trailing spaces, not in the source
length               warning   translation much shorter or longer than usual for the script
===================  ========  ==============================================================

The glossary is ``locales/glossary.toml``::

    [do-not-translate]
    terms = ["FDA", "MSCs"]

    [terms."stem cell"]        # matched in the source case-insensitively
    es = "célula madre"        # must appear in the translation (case-insensitively)
"""

from __future__ import annotations

import functools
import html
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .document import markdown_parser
from .errors import ConfigError
from .files import read_text
from .model import char_label, form_sources, numbers_note, translation_forms

ERROR, WARNING = "error", "warning"
_MD = markdown_parser()

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcu]")
_BRACES = re.compile(r"\{[A-Za-z_][\w.]*\}")
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w-]*)[^>]*>")
_EVENT = re.compile(r"\bon[a-z]+\s*=", re.I)
_JS = re.compile(r"(?:java|vb)script\s*:", re.I)
END_PUNCTUATION = {
    ".": ".。｡۔",
    "?": "?？؟",
    "!": "!！",
    ":": ":：",
    ";": ";；؛",
}
_TRAILING_WRAPPERS = "*_)]}\"'”’»」』）"


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    message: str


@dataclass
class Glossary:
    do_not_translate: list[str] = field(default_factory=list)
    terms: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Glossary":
        if not path.exists():
            return cls()
        try:
            data = tomllib.loads(read_text(path, None, ConfigError))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(exc), str(path)) from None
        dnt = data.get("do-not-translate", {}).get("terms", [])
        terms = data.get("terms", {})
        if not all(isinstance(t, str) and t for t in dnt):
            raise ConfigError("[do-not-translate] terms must be a list of texts", str(path))
        for term, targets in terms.items():
            if not isinstance(targets, dict) or not all(isinstance(v, str) and v for v in targets.values()):
                raise ConfigError(f"[terms.{term!r}] must map language codes to texts", str(path))
        return cls(list(dnt), dict(terms))

    def source_terms(self, source: str) -> list[str]:
        folded = source.casefold()
        return [term for term in self.terms if term.casefold() in folded]


@dataclass(frozen=True)
class Entry:
    """What a check sees of a catalog entry."""

    source: str
    translation: str
    language: str
    glossary: Glossary
    numbers_note: str | None = None  # the entry's "# numbers:" note (pipeline.model.numbers_note)

    @property
    def shown(self) -> str:
        """The translation as a reader sees it: character references (``&#x202E;``, ``&#50;``)
        decoded, as the Markdown renderer decodes them.  The checks of what a reader is told
        (invisible characters, numbers, addresses) look at this, so an entity cannot hide one."""
        return _decoded(self.translation)

    @property
    def shown_source(self) -> str:
        return _decoded(self.source)


def _decoded(text: str) -> str:
    return html.unescape(text) if "&" in text else text


Check = Callable[[Entry], list[Finding]]
CHECKS: dict[str, tuple[str, Check]] = {}


def check(name: str, severity: str):
    def register(func: Check) -> Check:
        CHECKS[name] = (severity, func)
        return func

    return register


_MARKUP_CHARS = frozenset("*_`[]<!&\\")


@functools.lru_cache(maxsize=8192)
def _inline_shape(text: str) -> tuple[Counter, list[str]]:
    if _MARKUP_CHARS.isdisjoint(text):  # plain text: no need to parse
        return Counter(), []
    tokens = _MD.parseInline(text)[0].children or []
    kinds = Counter(t.type for t in tokens if t.type in ("em_open", "strong_open", "code_inline", "link_open", "image"))
    # delimiters left as literal text: an emphasis or code marker that does not pair up
    kinds["stray"] = sum(t.content.count(c) for t in tokens if t.type == "text" for c in "*`")
    links = sorted(str(t.attrs.get("href", "")) for t in tokens if t.type == "link_open")
    return kinds, links


@check("placeholders", ERROR)
def _placeholders(e: Entry) -> list[str]:
    if not any(c in e.source or c in e.translation for c in "%{"):
        return []

    def found(text: str) -> Counter:
        return Counter(p for p in _PRINTF.findall(text) + _BRACES.findall(text) if p != "%%")

    src, dst = found(e.source), found(e.translation)
    problems = []
    if src - dst:
        problems.append(f"placeholder(s) missing: {', '.join(sorted(src - dst))}")
    if dst - src:
        problems.append(f"placeholder(s) not in the source: {', '.join(sorted(dst - src))}")
    return problems


@check("markup", ERROR)
def _markup(e: Entry) -> list[str]:
    (src_kinds, src_links), (dst_kinds, dst_links) = _inline_shape(e.source), _inline_shape(e.translation)
    names = {"em_open": "emphasis", "strong_open": "strong emphasis", "code_inline": "code", "link_open": "link",
             "image": "image", "stray": "unpaired * or ` marker"}
    problems = []
    for kind in sorted(set(src_kinds) | set(dst_kinds)):
        if src_kinds[kind] != dst_kinds[kind]:
            problems.append(f"{names[kind]}: {src_kinds[kind]} in the source, {dst_kinds[kind]} in the translation")
    if src_kinds["link_open"] == dst_kinds["link_open"] and src_links != dst_links:
        problems.append(f"link targets differ: {', '.join(dst_links)} instead of {', '.join(src_links)}")
    return problems


@check("unsafe-markup", ERROR)
def _unsafe(e: Entry) -> list[str]:
    if not any(c in e.translation for c in "<=:"):
        return []
    problems = []
    extra_tags = Counter(t.lower() for t in _TAG.findall(e.translation)) - Counter(t.lower() for t in _TAG.findall(e.source))
    if extra_tags:
        problems.append(f"HTML not in the source: <{'>, <'.join(sorted(extra_tags))}>")
    if _EVENT.search(e.translation) and not _EVENT.search(e.source):
        problems.append("event-handler attribute (on...=) not in the source")
    if _JS.search(e.translation) and not _JS.search(e.source):
        problems.append("script URL (javascript:) not in the source")
    return problems


@check("invisible", ERROR)
def _invisible(e: Entry) -> list[str]:
    """Invisible and bidi control characters the source does not have.

    Flagged: bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) -- they
    reorder what the reader sees ("Trojan Source"); the implicit marks U+200E, U+200F, U+061C;
    every other format character (Unicode category Cf: zero-width space, word joiner, byte order
    mark, soft hyphen, tag characters, ...); control characters other than tab and newline
    (category Cc: carriage return, escape, NEXT LINE U+0085, ...); the line and paragraph
    separators U+2028 and U+2029.  They change what a text means to a program (a search, a
    check, a line break) without changing what a reviewer sees.  A code point the source itself
    holds is not flagged in the translation.

    Exception: ZERO WIDTH NON-JOINER U+200C and ZERO WIDTH JOINER U+200D are part of the
    orthography of Persian, Kurdish, Urdu, Hindi, Marathi, Bengali, Malayalam, Sinhala and other
    scripts (Persian "می‌خواهم", Sinhala "ශ්‍රී"), and of emoji sequences.  There they sit next to
    a character of that script, so they are accepted next to any non-ASCII character.  Between
    two ASCII characters or spaces (inside a URL, a number, an English term, between words) they
    have no orthographic role and only hide a difference, so there they are flagged.
    """
    text = e.shown
    if not _INVISIBLE_CANDIDATE.search(text):
        return []
    positions: dict[str, list[int]] = {}
    source = e.shown_source
    for match in _INVISIBLE_CANDIDATE.finditer(text):
        char, index = match.group(0), match.start()
        if char in source or not is_invisible(char):
            continue
        if char in _JOINERS and _joiner_in_script(text, index):
            continue
        positions.setdefault(char, []).append(index + 1)
    return [f"{char_label(char)} at character {', '.join(map(str, where))} (not in the source)"
            for char, where in positions.items()]


# A superset of the characters ``is_invisible`` accepts (checked against the whole Unicode range
# in the tests), so that most texts are passed over with one regular-expression search: the
# blocks holding every Cc, Cf, Zl and Zp character of Unicode 14-16.
_INVISIBLE_CANDIDATE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff0-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001345f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_JOINERS = frozenset("\u200c\u200d")
def is_invisible(char: str) -> bool:
    """A control (Cc, but tab and newline), format (Cf) or line/paragraph separator character."""
    category = unicodedata.category(char)
    return category in ("Cf", "Zl", "Zp") or (category == "Cc" and char not in "\t\n")


def _joiner_in_script(text: str, index: int) -> bool:
    """A ZWNJ/ZWJ next to a non-ASCII character: where the scripts that need it put it."""
    return any(0 <= i < len(text) and not text[i].isascii() and text[i] not in _JOINERS and not text[i].isspace()
               for i in (index - 1, index + 1))


_URL_CHARS = r"[^\s<>()\[\]{}\"'`\u3000-\u30ff\u3400-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uffef]"
_ADDRESS_CHARS = r"[0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f]"
_WEB_ADDRESS = re.compile(
    rf"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://{_URL_CHARS}+"       # scheme://...
    rf"|(?<![A-Za-z0-9.\-/])[Ww][Ww][Ww]\.{_URL_CHARS}+"                   # www....
    rf"|(?<![A-Za-z0-9._%+\-]){_ADDRESS_CHARS}(?:[._%+\-]?{_ADDRESS_CHARS})*"  # e-mail: local part
    rf"@{_ADDRESS_CHARS}(?:[\-]?{_ADDRESS_CHARS})*(?:\.{_ADDRESS_CHARS}(?:[\-]?{_ADDRESS_CHARS})*)+"
)
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<[A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*>|<[^<>\s@]+@[^<>\s]+>")


def web_addresses(text: str) -> list[str]:
    """URLs (``scheme://...``, ``www....``) and e-mail addresses written out in the text; link
    targets (``[text](target)``, ``<autolink>``) are left out: the markup check compares those."""
    if not ("://" in text or "@" in text or "ww." in text or "WW." in text):
        return []
    plain = _LINK_TARGET.sub(" ", text)
    return [found.rstrip(".,;:!?*_") for found in _WEB_ADDRESS.findall(plain)]


@check("urls", ERROR)
def _urls(e: Entry) -> list[str]:
    """URLs and e-mail addresses written out in the text: each of the source must be in the
    translation, and the translation may add none (plain text included: a patient can type it).
    Link targets are the markup check's (it compares them), so they are not reported twice."""
    source, translation = web_addresses(e.shown_source), web_addresses(e.shown)
    if not (source or translation):
        return []
    problems = [f"{_address_kind(u)} missing: {u}" for u in dict.fromkeys(source) if u not in e.shown]
    problems += [f"{_address_kind(u)} not in the source: {u}" for u in dict.fromkeys(translation) if u not in e.shown_source]
    return problems


def _address_kind(address: str) -> str:
    return "e-mail address" if "@" in address and "://" not in address else "URL"


# -- numbers ---------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # the source's (English) numbers
# a translation's numbers, digits already made ASCII: decimal marks and thousands separators of
# any language (. , Arabic ٫ ٬, full-width), and apostrophes or spaces before groups of three
_TRANSLATED_NUMBER = re.compile(
    r"\d+(?:[.,\u066b\u066c\uff0c\uff0e]\d+|['\u2019\u00a0\u202f\u2009 ]\d{3}(?!\d))*")
_DECIMAL_MARKS = ".,\u066b\uff0c\uff0e"
_GROUP_MARKS = ".,\u066c\uff0c\uff0e'\u2019\u00a0\u202f\u2009 "
_SEPARATOR = re.compile(r"\D")
_NOT_NUMBERS = [_PRINTF, _BRACES, _LINK_TARGET]  # digits in these are the other checks' business


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)


_DIGIT = re.compile(r"\d")
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f\D]")


def _grouped(groups: list[str]) -> bool:
    """Thousands groups (1,000,000) or the Indian lakh/crore groups (10,00,000)."""
    first, rest = groups[0], groups[1:]
    if not rest or len(rest[-1]) != 3 or not 1 <= len(first) <= 3:
        return False
    middle = rest[:-1]
    return all(len(g) == 3 for g in middle) or all(len(g) == 2 for g in middle)


def _readings(token: str) -> list[tuple[Decimal, ...]]:
    """What a translation's number may mean, most likely first: one number with thousands
    separators; one number with a decimal mark (and thousands separators before it); or several
    numbers (a list, a date, a time) -- each reading a tuple of values."""
    seps = _SEPARATOR.findall(token)
    groups = _SEPARATOR.split(token)
    if not seps:
        return [(Decimal(token),)]
    readings: list[tuple[Decimal, ...]] = []
    if len(set(seps)) == 1 and seps[0] in _GROUP_MARKS and _grouped(groups):
        readings.append((Decimal("".join(groups)),))
    *grouping, decimal = seps
    if decimal in _DECIMAL_MARKS and (not grouping or (len(set(grouping)) == 1 and grouping[0] != decimal
                                                       and grouping[0] in _GROUP_MARKS and _grouped(groups[:-1]))):
        readings.append((Decimal("".join(groups[:-1]) + "." + groups[-1]),))
    readings.append(tuple(Decimal(g) for g in groups))
    return readings


def _source_numbers(text: str) -> list[tuple[Decimal, str]]:
    """(value, as written) of each number of an English text: ``,`` groups thousands and ``.``
    marks decimals; anything else (1.2.3, 2026.01.05, 1,5) is read as separate numbers."""
    found = []
    for token in _NUMBER.findall(_strip_non_numbers(text)):
        match = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", token)
        if match:
            value = match[1].replace(",", "") + ("." + match[2] if match[2] else "")
            found.append((Decimal(value), token))
        else:
            found.extend((Decimal(g), g) for g in _SEPARATOR.split(token))
    return found


def _strip_non_numbers(text: str) -> str:
    for pattern in _NOT_NUMBERS:
        if pattern.search(text):
            text = pattern.sub(" ", text)
    for address in web_addresses(text):
        text = text.replace(address, " ")
    return text


def _translated_tokens(text: str) -> list[tuple[str, list[tuple[Decimal, ...]]]]:
    """(as written, readings) of each number of a translation."""
    plain = _strip_non_numbers(text)
    ascii_text = _ascii_digits(plain)
    tokens = []
    for match in _TRANSLATED_NUMBER.finditer(ascii_text):
        token = match.group(0).rstrip(" \u00a0\u202f\u2009'\u2019")
        tokens.append((plain[match.start():match.start() + len(token)], _readings(token)))
    return tokens


def _overlap(reading: tuple[Decimal, ...], wanted: Counter[Decimal]) -> int:
    """How many of a reading's numbers the source still wants."""
    return sum(min(count, wanted[value]) for value, count in Counter(reading).items())


def number_differences(source: str, translation: str) -> tuple[list[tuple[Decimal, str]], list[tuple[Decimal, str]]]:
    """(missing, added): numbers of the source the translation lacks, and numbers the translation
    has that the source does not, each as (value, as written), counting repeats.

    Each number of the translation takes the reading that best matches the source's numbers:
    ``1,5`` and ``1.5`` match 1.5; ``1.000``, ``1 000`` and ``1,000`` match 1000; ``٢٫٥`` matches
    2.5; ``25/11/2026`` matches 2026-11-25 (dates and times are read as separate numbers).
    """
    wanted: Counter[Decimal] = Counter()
    shown: dict[Decimal, str] = {}
    for value, text in _source_numbers(source):
        wanted[value] += 1
        shown.setdefault(value, text)
    added: list[tuple[Decimal, str]] = []
    for text, readings in _translated_tokens(translation):
        best = max(readings, key=lambda reading: _overlap(reading, wanted))
        left = Counter(best)
        for value in list(left):
            taken = min(left[value], wanted[value])
            wanted[value] -= taken
            left[value] -= taken
        for value, count in left.items():
            added.extend([(value, text if len(best) == 1 else _plain(value))] * count)
    missing = [(value, shown[value]) for value, count in wanted.items() for _ in range(count)]
    return missing, added


def _plain(value: Decimal) -> str:
    return format(value, "f")


def note_numbers(note: str) -> set[Decimal]:
    """Every value a ``# numbers:`` note names, in any script and with any separators."""
    return {value for _text, readings in _translated_tokens(note) for reading in readings for value in reading}


@check("numbers", ERROR)
def _numbers(e: Entry) -> list:
    """Numbers of the source missing, changed or added in the translation (see
    :func:`number_differences`).  A deliberate difference -- a unit conversion, a date written
    with the month as a number -- is explained in a translator comment on the entry::

        # numbers: 100.4 °F left out, Celsius only

    The note must name every number that is missing or added (written in any script); then the
    difference is a warning that shows the note.  A number it does not name is still an error,
    so a later, different change is not covered by an old note.  The note is part of what an
    approval covers (:func:`pipeline.review.entry_digest`).
    """
    if not (_DIGIT.search(e.shown_source) or _DIGIT.search(e.shown)):
        return []
    missing, added = number_differences(e.shown_source, e.shown)
    if not (missing or added):
        return []
    named = note_numbers(e.numbers_note) if e.numbers_note else set()
    uncovered_missing = [text for value, text in missing if value not in named]
    uncovered_added = [text for value, text in added if value not in named]
    if e.numbers_note is not None and not (uncovered_missing or uncovered_added):
        differences = [f"missing {text}" for _, text in missing] + [f"added {text}" for _, text in added]
        return [Finding("numbers", WARNING, f"numbers differ from the source ({', '.join(differences)}), "
                        f"as the note says: {e.numbers_note!r}")]
    unnamed = " (the '# numbers:' note does not name it)" if e.numbers_note is not None else ""
    return ([f"number missing: {text}{unnamed}" for text in dict.fromkeys(uncovered_missing)]
            + [f"number not in the source: {text}{unnamed}" for text in dict.fromkeys(uncovered_added)])


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


@check("do-not-translate", ERROR)
def _dnt(e: Entry) -> list[str]:
    problems = []
    for term in e.glossary.do_not_translate:
        if term not in e.source:
            continue
        wanted = len(_term_pattern(term).findall(e.source))
        if wanted and e.translation.count(term) < wanted:
            problems.append(f"{term!r} must stay as written (do-not-translate term)")
    return problems


@check("glossary", WARNING)
def _glossary(e: Entry) -> list[str]:
    problems = []
    for term in e.glossary.source_terms(e.source):
        target = e.glossary.terms[term].get(e.language)
        if target and target.casefold() not in e.translation.casefold():
            problems.append(f"glossary: {term!r} should be translated as {target!r}")
    return problems


@check("identical", WARNING)
def _identical(e: Entry) -> list[str]:
    if e.translation.strip() != e.source.strip():
        return []
    rest = e.source
    for term in e.glossary.do_not_translate:
        rest = rest.replace(term, "")
    return ["translation is identical to the source"] if re.search(r"[^\W\d_]{2,}", rest) else []


def _last_char(text: str) -> str:
    stripped = text.rstrip().rstrip(_TRAILING_WRAPPERS).rstrip()
    return stripped[-1:] if stripped else ""


@check("end-punctuation", WARNING)
def _end_punctuation(e: Entry) -> list[str]:
    src, dst = _last_char(e.source), _last_char(e.translation)
    accepted = END_PUNCTUATION.get(src)
    all_marks = "".join(END_PUNCTUATION.values())
    if accepted and dst not in accepted:
        return [f"source ends with {src!r}, translation with {dst!r}"]
    if not accepted and dst and dst in all_marks:
        return [f"translation ends with {dst!r}, the source has no end punctuation"]
    return []


@check("double-space", WARNING)
def _spaces(e: Entry) -> list[str]:
    problems = []
    if "  " in e.translation and "  " not in e.source:
        problems.append("doubled space")
    if e.translation != e.translation.strip() and e.source == e.source.strip():
        problems.append("leading or trailing whitespace")
    return problems


_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\U00020000-\U0003fffd]")
_LETTER = re.compile(r"[^\W\d_]")


def _is_cjk(text: str) -> bool:
    """Mostly wide (East Asian) letters."""
    if text.isascii():
        return False
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_WIDE.findall(text)) / letters > 0.3


LENGTH_RATIO = {"cjk": (0.12, 1.2), "other": (0.45, 2.6)}  # translation/source characters
LENGTH_MIN_SOURCE = 20  # shorter sources vary too much to judge


@check("length", WARNING)
def _length(e: Entry) -> list[str]:
    if len(e.source) < LENGTH_MIN_SOURCE:
        return []
    low, high = LENGTH_RATIO["cjk" if _is_cjk(e.translation) else "other"]
    ratio = len(e.translation) / len(e.source)
    if ratio < low:
        return [f"translation is unusually short ({ratio:.2f}x the source)"]
    if ratio > high:
        return [f"translation is unusually long ({ratio:.2f}x the source)"]
    return []


def run_checks(entry: Entry, only: set[str] | frozenset[str] | None = None) -> list[Finding]:
    """Findings of every check (or those named in ``only``).  A check returns messages, found at
    its registered severity, or a :class:`Finding` of its own (``numbers`` lowers a difference
    its note explains to a warning)."""
    findings: list[Finding] = []
    for name, (severity, func) in CHECKS.items():
        if only is not None and name not in only:
            continue
        messages = func(entry)
        if messages:
            findings.extend(m if isinstance(m, Finding) else Finding(name, severity, m) for m in messages)
    return findings


ERROR_CHECKS = frozenset(name for name, (severity, _) in CHECKS.items() if severity == ERROR)


def check_entry(po_entry, language: str, glossary: Glossary, only: set[str] | frozenset[str] | None = None) -> list[Finding]:
    """Run every check on each translation form of a polib entry against the source it
    translates (``msgid`` for form 0, ``msgid_plural`` for the others; nothing for an empty
    form), with the entry's ``# numbers:`` note (:func:`pipeline.model.numbers_note`)."""
    pairs = [(source, text) for source, text in zip(form_sources(po_entry), translation_forms(po_entry)) if text]
    note = numbers_note(po_entry) if pairs else None
    findings: list[Finding] = []
    for source, translation in pairs:
        for finding in run_checks(Entry(source, translation, language, glossary, note), only):
            if finding not in findings:
                findings.append(finding)
    return findings
