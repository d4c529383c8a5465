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
urls                 error     a URL of the source missing from the translation
do-not-translate     error     a glossary do-not-translate term (FDA, MSCs, ...) not kept verbatim
glossary             warning   a glossary term not translated as the glossary prescribes
numbers              warning   a number of the source missing (any script's digits count)
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
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .document import markdown_parser
from .errors import ConfigError

ERROR, WARNING = "error", "warning"
_MD = markdown_parser()

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcu]")
_BRACES = re.compile(r"\{[A-Za-z_][\w.]*\}")
_URL = re.compile(r"https?://[^\s<>)\]]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
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
            data = tomllib.loads(path.read_text(encoding="utf-8"))
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


@check("urls", ERROR)
def _urls(e: Entry) -> list[str]:
    """URLs written out in the text (link targets are the markup check's)."""
    if "://" not in e.source:
        return []
    targets = set(_inline_shape(e.source)[1])
    found = [u.rstrip(".,;:") for u in _URL.findall(e.source)]
    missing = [u for u in found if u not in targets and u not in e.translation]
    return [f"URL missing: {u}" for u in missing]


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


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)


_DIGIT = re.compile(r"\d")
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f\D]")


@check("numbers", WARNING)
def _numbers(e: Entry) -> list[str]:
    if not _DIGIT.search(e.source):
        return []
    target = re.sub(r"[.,\s\u066b\u066c]", "", _ascii_digits(e.translation))
    missing = [n for n in _NUMBER.findall(e.source) if re.sub(r"[.,]", "", n) not in target]
    return [f"number missing: {n}" for n in missing]


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


def run_checks(entry: Entry, only: set[str] | None = None) -> list[Finding]:
    findings = []
    for name, (severity, func) in CHECKS.items():
        if only is not None and name not in only:
            continue
        findings.extend(Finding(name, severity, message) for message in func(entry))
    return findings


ERROR_CHECKS = frozenset(name for name, (severity, _) in CHECKS.items() if severity == ERROR)


def check_entry(po_entry, language: str, glossary: Glossary, only: set[str] | frozenset[str] | None = None) -> list[Finding]:
    """Run every check on each translation form of a polib entry (nothing for untranslated)."""
    if po_entry.msgid_plural:
        pairs = [
            (po_entry.msgid if index == 0 else po_entry.msgid_plural, text)
            for index, text in sorted(po_entry.msgstr_plural.items())
            if text
        ]
    else:
        pairs = [(po_entry.msgid, po_entry.msgstr)] if po_entry.msgstr else []
    findings: list[Finding] = []
    for source, translation in pairs:
        for finding in run_checks(Entry(source, translation, language, glossary), only):
            if finding not in findings:
                findings.append(finding)
    return findings
