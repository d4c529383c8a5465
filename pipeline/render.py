"""Rendering: a document and a language's translations to a web page, and a page to a PDF.

Every translation is untrusted text, wherever it is rendered:

* **Blocks** are parsed again as inline Markdown with the subset the source uses -- no raw HTML,
  no images -- and a link survives only when its target is one of the source block's own link
  targets; any other link is reduced to its text.  Everything else is escaped by markdown-it.
* **Template strings** (``_("Language")`` and friends) go through :func:`format_message`, not
  Jinja's newstyle gettext: Jinja marks a translation as safe HTML and formats it with ``%``,
  so a translation could inject markup, and a literal ``%`` or a renamed placeholder raised.
  Here the translation is escaped, ``%(name)s`` placeholders of the call are substituted
  (escaped), ``%%`` is a percent sign, and anything else is literal text.  It never raises.
* **CSS strings** built from translations (the PDF's running footer) hex-escape every character
  that is not a letter, digit or space (:func:`css_string`).
* **The PDF renderer** gets a URL fetcher (:func:`asset_fetcher`) that serves files from the
  project's template folder only and refuses every other URL or file, so nothing a translation
  names is fetched or embedded (no images, stylesheets or attachments from anywhere else).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import jinja2
from babel.dates import format_date
from babel.lists import format_list
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import __version__, textlayer
from .config import LanguageInfo, html_lang, language_info
from .document import Document
from .files import read_text
from .fonts import page_css
from .model import PUBLISHABLE, State, plural_rule

_COUNTER_MARK = "\ue000"  # private-use character: brackets a CSS counter name inside a string
_COUNTER = re.compile(f"{_COUNTER_MARK}(\\w+){_COUNTER_MARK}")
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")


def inline_parser() -> MarkdownIt:
    """Inline Markdown as translations may use it: CommonMark without raw HTML or images."""
    return MarkdownIt("commonmark", {"html": False}).disable("image")


_INLINE = inline_parser()


class Shown(Protocol):
    """What the renderer needs of a language (pipeline.release.LanguageRelease)."""

    language: str
    plural_forms: str | None

    @property
    def preview(self) -> bool: ...

    def shown(self, msgid: str, msgctxt: str | None = None) -> str | None: ...
    def shown_plural(self, singular: str, plural: str, index: int, msgctxt: str | None = None) -> str | None: ...
    def state(self, msgid: str, msgctxt: str | None = None) -> State: ...


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str
    name: str
    current: bool


#: Where the renderer asks about a language: :meth:`pipeline.config.Project.language` (Babel's
#: locale data and the project's definitions), or Babel's alone (:func:`pipeline.config.language_info`).
Languages = Callable[[str], LanguageInfo]


def language_name(code: str, languages: Languages | None = None) -> str:
    """A language's name as its speakers write it, the language switcher's label: ``es`` ->
    ``Español``, ``tl`` -> ``Tagalog``, ``hmn`` -> ``Hmoob`` (from its definition)."""
    return (languages or language_info)(code).native_name


def text_direction(code: str, languages: Languages | None = None) -> str:
    """``rtl`` or ``ltr``."""
    return (languages or language_info)(code).direction


def css_string(text: str) -> str:
    """A CSS string literal; everything but letters, digits and spaces hex-escaped.

    Each escape is six hex digits plus the space that ends it: CSS swallows one whitespace
    character after an escape, so without that terminator "revision: abc" lost its space.
    """
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text) + '"'


def css_counter(name: str) -> Markup:
    """Stands for ``counter(name)`` in a string given to :func:`css_content`."""
    return Markup(f"{_COUNTER_MARK}{name}{_COUNTER_MARK}")


def css_content(text: str) -> Markup:
    """A CSS ``content:`` value from (translated) text: ``"Página " counter(page) " de " ...``.

    Used in the template as ``_("Page %(page)s", page=css_counter("page")) | css_content``.
    The text arrives HTML-escaped from :func:`format_message`; CSS needs the characters.
    """
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    parts = []
    for index, piece in enumerate(_COUNTER.split(plain)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts) or '""')


def format_message(text: str, variables: dict) -> Markup:
    """Escaped ``text`` with the call's ``%(name)s`` placeholders filled in (escaped too).

    ``%%`` is a percent sign; any other ``%`` -- a lone one, a placeholder the call does not
    supply, another conversion -- is literal text.  Never raises.
    """
    out: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(escape(text[position:match.start()]))
        name = match.group(1)
        if name is None:
            out.append("%")
        elif name in variables:
            out.append(escape(variables[name]))
        else:
            out.append(escape(match.group(0)))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("".join(out))


def template_callables(language: Shown) -> dict[str, Callable]:
    """``gettext``/``ngettext``/``pgettext``/``npgettext`` and ``_`` for the page templates,
    with the signature of Jinja's newstyle gettext (so ``{% trans %}`` blocks work)."""
    rule = plural_rule(language.plural_forms)

    def pgettext(context: str | None, message: str, **variables) -> Markup:
        return format_message(language.shown(message, context) or message, variables)

    def npgettext(context: str | None, singular: str, plural: str, num: int, **variables) -> Markup:
        variables.setdefault("num", num)
        index = rule(num)
        text = language.shown_plural(singular, plural, index, context)
        if text is None:
            text = singular if num == 1 else plural
        return format_message(text, variables)

    def gettext(message: str, **variables) -> Markup:
        return pgettext(None, message, **variables)

    def ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
        return npgettext(None, singular, plural, num, **variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


def _block_opener(tokens: list, inline_index: int) -> int:
    """Index of the token that opens a block's element (a tight list's paragraph is hidden:
    its list item is used instead)."""
    at = inline_index - 1
    while tokens[at].hidden:
        at -= 1
    return at


def _set_attrs(tokens: list, at: int, **attrs: str) -> None:
    opener = tokens[at].copy()
    merged = dict(opener.attrs)
    for name, value in attrs.items():
        name = name.replace("_", "-")
        if name == "class" and merged.get("class"):
            value = f"{merged['class']} {value}"
        merged[name] = value
    opener.attrs = merged
    tokens[at] = opener


@functools.lru_cache(maxsize=4096)
def source_links(text: str) -> frozenset[str]:
    """The link targets of a source block (a translation may link to these and no others)."""
    return frozenset(str(t.attrs.get("href", "")) for t in _INLINE.parseInline(text)[0].children or ()
                     if t.type == "link_open")


def untrusted_inline(text: str, allowed_links: frozenset[str]) -> list:
    """Inline tokens of a translation: links to targets other than ``allowed_links`` (the
    source block's own) are reduced to their text."""
    children = _INLINE.parseInline(text)[0].children or []
    kept, dropping = [], 0
    for token in children:
        if token.type == "link_open":
            if token.attrs.get("href") not in allowed_links or dropping:
                dropping += 1
                continue
        elif token.type == "link_close" and dropping:
            dropping -= 1
            continue
        kept.append(token)
    return kept


def translate_tokens(document: Document, language: Shown, fallback_lang: str | None) -> list:
    """The document's token stream with each block's inline content translated.

    Blocks without a translation to show keep the English text, marked ``lang="en"`` so
    browsers, screen readers and the PDF's fonts treat it as English.  In a preview build,
    every block whose text is not approved is marked with the ``unreviewed`` class and its
    state (``data-state``), so a reader can never take it for reviewed text.  A block marked
    ``.disclaimer`` gets ``role="note"``.
    """
    tokens = list(document.tokens)
    for block in document.blocks:
        if block.token_index is None:
            continue
        translated = language.shown(block.text)
        source = tokens[block.token_index]
        inline = source.copy()
        text = translated if translated is not None else block.text
        inline.content = text
        inline.children = untrusted_inline(text, source_links(block.text))
        tokens[block.token_index] = inline
        at = _block_opener(tokens, block.token_index)
        if "disclaimer" in str(tokens[at].attrs.get("class", "")).split():
            # a notice in a box: "note" to screen readers on the web; a P of its own in the tagged PDF
            _set_attrs(tokens, at, role="note")
        if translated is None and fallback_lang:
            _set_attrs(tokens, at, lang=fallback_lang, dir="ltr")
        if language.preview:
            state = language.state(block.text)
            if state not in PUBLISHABLE:
                _set_attrs(tokens, at, **{"class": "unreviewed", "data_state": state})
    return tokens


@dataclass(frozen=True)
class Colophon:
    """Where a printed handout came from, shown at its end in its own language: the English
    source's revision, the catalog state it was built from, who approved the translation and
    when -- the same data the release manifest records for the output."""

    kind: str  # "source" (the source language's own page), "release" or "preview"
    revision: str
    catalog: str | None = None  # a short digest of the catalog file
    reviewers: tuple[str, ...] = ()
    latest: str | None = None  # the newest approval's time, as recorded (2026-11-25T09:22Z)
    sample: bool = False  # an approval says it is a sample, not a medical review


def format_list_for(items: Iterable[str], language: LanguageInfo) -> str:
    """Names joined as the language joins a list ("A, B y C"); plain commas without CLDR data."""
    items = list(items)
    if language.locale is None:
        return ", ".join(items)
    return format_list(items, locale=language.locale)


def reviewed_date(date: dt.date, language: LanguageInfo) -> str:
    """A date as the language writes it (Babel's long format); ISO 8601 (``2026-01-02``) for a
    language CLDR lacks, which every reader can read."""
    return format_date(date, format="long", locale=language.locale) if language.locale else date.isoformat()


class Renderer:
    """Holds the Jinja2 environment (templates parsed once) and the stylesheet."""

    def __init__(self, templates: Path, paper: str, source_language: str = "en", languages: Languages | None = None):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            keep_trailing_newline=True,
        )
        # {% trans %} blocks call gettext(..., **variables), which format_message handles.
        self.env.newstyle_gettext = True  # type: ignore[attr-defined]
        self.env.filters["css_content"] = css_content
        self.env.globals["css_counter"] = css_counter
        self.template = self.env.get_template("handout.html")
        self.index_template = self.env.get_template("index.html")
        self.stylesheet = Markup(read_text(templates / "handout.css"))
        self.paper = paper
        self.source_language = source_language
        self.languages: Languages = languages or language_info  # Project.language: definitions too

    def _common(self, language: Shown) -> dict:
        code = language.language
        info = self.languages(code)
        return {
            "preview": language.preview,
            "lang_tag": info.tag,
            "direction": text_direction(code, self.languages),
            "generator_version": __version__,
            # the stylesheet, then the fonts of the page's script (custom properties it applies)
            "stylesheet": self.stylesheet + Markup(page_css(info)),
            "paper": self.paper,
        }

    def document_to_html(
        self,
        document: Document,
        language: Shown,
        *,
        alternates: list[Alternate],
        default_href: str,
        revision: str,
        large_print: bool = False,
        colophon: Colophon | None = None,
    ) -> str:
        """The web page (and PDF source) of ``document`` in ``language``; with ``large_print``,
        the source of the large-print PDF (the same page, ``<html class="large-print">``)."""
        code = language.language
        fallback = html_lang(self.source_language) if code != self.source_language else None
        tokens = translate_tokens(document, language, fallback)
        body = Markup(_INLINE.renderer.render(tokens, _INLINE.options, {}))
        page = {
            **self._common(language),
            "title": language.shown(document.title) or document.title,
            "reviewed": reviewed_date(document.last_reviewed, self.languages(code)),
            "reviewed_iso": document.last_reviewed.isoformat(),
            "alternates": alternates,
            "default_href": default_href,
            "body": body,
            "revision": revision,
            "large_print": large_print,
            "colophon": self._colophon(colophon or Colophon("preview" if language.preview else "source", revision),
                                       self.languages(code)),
        }
        return self.template.render(page=page, **template_callables(language))

    @staticmethod
    def _colophon(colophon: Colophon, info: LanguageInfo) -> dict:
        latest = None
        if colophon.latest:
            try:
                day = dt.datetime.strptime(colophon.latest[:10], "%Y-%m-%d").date()
                latest = reviewed_date(day, info)
            except ValueError:
                latest = colophon.latest
        return {"kind": colophon.kind, "revision": colophon.revision, "catalog": colophon.catalog,
                "reviewers": format_list_for(colophon.reviewers, info) if colophon.reviewers else None,
                "latest": latest, "sample": colophon.sample}

    def index_to_html(self, language: Shown, items: list[dict], alternates: list[Alternate], *,
                      of_languages: bool = False) -> str:
        """A language's index page: ``items`` are ``{"title", "href", "pdf", "large_pdf"}`` per
        document (``large_pdf``: the large-print PDF, or None).  With ``of_languages``, the index
        of languages: its items are languages, so it counts no handouts."""
        page = {**self._common(language), "items": items, "alternates": alternates, "of_languages": of_languages}
        return self.index_template.render(page=page, **template_callables(language))


@functools.lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # late: loading Pango is slow

    class AssetFetcher(URLFetcher):
        """Serves regular files under the allowed folders; refuses every other URL."""

        def __init__(self, roots: Iterable[Path]):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.roots = [Path(root).resolve() for root in roots]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            self.refused.append(url)
            raise ValueError(f"refused: a handout may use only the project's own assets, not {url}")

    return AssetFetcher


def asset_fetcher(roots: Iterable[Path]):
    """A WeasyPrint URL fetcher limited to files under ``roots``; ``.refused`` lists the rest."""
    return _fetcher_class()(roots)


#: How handouts are printed: ``"pdf/ua-1"`` (tagged PDF/UA-1: structure tree, /Lang, the title
#: shown in the title bar, XMP metadata with dc:title and pdfuaid:part), ``"tagged"`` (the same
#: structure without the PDF/UA identification) or ``"untagged"`` (as before; for comparison in
#: benchmarks/bench_build.py).  README: "Accessibility of the PDFs".
TAGGING = ("pdf/ua-1", "tagged", "untagged")
PDF_TAGGING = "pdf/ua-1"


def html_to_pdf(html: str, assets: Path, *, tagging: str = PDF_TAGGING,
                text_layer: bool = True) -> tuple[bytes, list[str]]:
    """Print a page to PDF with WeasyPrint (fonts embedded as subsets); only files under
    ``assets`` may be loaded.  Returns the PDF and the URLs that were refused.

    Tagged (the default), the PDF gets WeasyPrint's structure tree with corrections
    (:class:`_Structure`): the running footer (CSS margin boxes) and ``aria-hidden`` content (the
    preview's watermark) are artifacts instead of marked content that no structure element
    holds; an element's ``lang`` (English shown where a translation is missing) becomes the
    ``/Lang`` of its structure element; and a right-to-left run gets its text in logical order
    as ``/ActualText``.  With ``text_layer`` (the default; off only for comparison in
    benchmarks/bench_build.py), the text layer is repaired too (:mod:`pipeline.textlayer`): the
    glyph-to-text map of shaped clusters, and ``/ActualText`` on the marked content of runs whose
    glyphs do not follow their text (Bengali, Khmer, Myanmar ...)."""
    import weasyprint

    if tagging not in TAGGING:
        raise ValueError(f"tagging must be one of {', '.join(TAGGING)}, not {tagging!r}")
    fetcher = asset_fetcher([assets])
    document = weasyprint.HTML(string=html, base_url=str(assets) + "/", url_fetcher=fetcher, media_type="print")
    if tagging == "untagged":
        return document.write_pdf(attachments=[]), fetcher.refused
    options = {"pdf_variant": "pdf/ua-1"} if tagging == "pdf/ua-1" else {"pdf_tags": True}
    structure = _Structure(text_layer)
    with structure.hooked(), (textlayer.hooked() if text_layer else contextlib.nullcontext()):
        pdf = document.write_pdf(attachments=[], finisher=structure.finish, **options)
    return pdf, fetcher.refused


def _drawn_out_of_order(text: str) -> bool:
    """Whether a text run holds right-to-left characters or combining marks (see :class:`_Structure`)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL", "AN") or unicodedata.category(c).startswith("M")
               for c in text)


class _Structure:
    """Corrections to WeasyPrint's structure tree, made while it is built.

    WeasyPrint (70) builds the tree in ``weasyprint.pdf.tags._build_box_tree``, one call per box,
    in document (logical) order.  :meth:`hooked` wraps that function for the duration of one
    ``write_pdf``; the wrapper sees each box with the structure elements made for it:

    * a page-margin box (the running footer) and an element with ``aria-hidden="true"`` (the
      preview's watermark) keep their structure elements out of the tree (WeasyPrint already
      does so for margin boxes, but leaves their text as marked content with an MCID that only
      a detached element holds); their MCIDs are noted, and :meth:`finish` turns those
      marked-content sequences into ``/Artifact`` (pagination footer, header or watermark) and
      removes them from the page's ParentTree entry;
    * an element with a ``lang`` attribute gets ``/Lang`` on its structure elements;
    * a text run whose glyphs do not give its text back in order -- right to left (glyphs are
      drawn in visual order) or with combining marks (the ``/ToUnicode`` map gives one text per
      glyph, so a mark shared by several letters reads as the first letter it was seen with) --
      gets its text, in logical order, as the ``/ActualText`` of its structure element;
    * a run whose glyphs cannot be read in order even with a right map (vowel signs drawn before
      their consonant in Bengali, Khmer, Myanmar ...; Nastaliq) gets it on its marked content as
      well, ``/Span <</MCID n /ActualText (...)>> BDC``, which ``pdftotext``, copy and search read
      (:func:`pipeline.textlayer.actual_text_in_content` says which runs; :meth:`finish` writes it).
    """

    def __init__(self, text_layer: bool = True) -> None:
        self.artifacts: dict[int, dict[int, dict[str, str]]] = {}  # page number -> MCID -> properties
        self.langs: dict[int, str] = {}  # id of a structure element -> the /Lang it was given
        self.text_layer = text_layer  # whether runs get /ActualText on their marked content (see finish)
        self.spoken: dict[int, dict[int, str]] = {}  # page number -> MCID -> the run's text (/ActualText)

    @contextlib.contextmanager
    def hooked(self):
        import weasyprint
        from weasyprint.pdf import tags

        original = getattr(tags, "_build_box_tree", None)
        if original is None:
            raise RuntimeError(f"WeasyPrint {weasyprint.__version__} builds its structure tree otherwise than "
                               "WeasyPrint 70, which the tagging corrections of pipeline/render.py are made for")
        tags._build_box_tree = self._wrap(original)
        try:
            yield
        finally:
            tags._build_box_tree = original

    def _wrap(self, original):
        import pydyf
        from weasyprint.formatting_structure.boxes import LineBox, MarginBox, TextBox

        def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
            element = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None) or ""
            if isinstance(box, MarginBox):  # running header or footer (side boxes: no subtype)
                properties = {"Type": "/Pagination"}
                if box.at_keyword.startswith(("@top", "@bottom")):
                    properties["Subtype"] = "/Header" if box.at_keyword.startswith("@top") else "/Footer"
            elif element is not None and element.get("aria-hidden") == "true":
                watermark = "watermark" in (element.get("class") or "").split()
                properties = {"Type": "/Pagination", "Subtype": "/Watermark"} if watermark else {"Type": "/Layout"}
            else:
                lang = element.get("lang") if element is not None and tag.split(":")[0] not in ("html", "body") else None
                runs = [(tags[child]["mcid"], child.text, tuple(child.style["font_family"]))
                        for line in getattr(box, "children", ())
                        for child in (line.children if isinstance(line, LineBox) else [line])
                        if isinstance(child, TextBox) and child in tags]
                for made in original(box, parent, pdf, page_number, nums, annotations, tags):
                    if lang:  # on the outermost element made for the element, not again below it
                        made["Lang"] = pydyf.String(lang)
                        self.langs[id(made)] = lang
                        for kid in made["K"]:
                            below = pdf.objects[int(kid.split()[0])] if isinstance(kid, bytes) else None
                            if isinstance(below, dict) and self.langs.get(id(below)) == lang:
                                del below["Lang"]
                    yield made
                actual: dict[bytes, str] = {}  # the element holding each run (a Span, or a Link for several)
                for mcid, text, families in runs:
                    actual[nums[mcid]] = actual.get(nums[mcid], "") + text
                    if self.text_layer and textlayer.actual_text_in_content(text, families):
                        self.spoken.setdefault(page_number, {})[mcid] = text
                for reference, text in actual.items():
                    if _drawn_out_of_order(text):
                        pdf.objects[int(reference.split()[0])]["ActualText"] = pydyf.String(text)
                return
            before = set(nums)
            for _ in original(box, parent, pdf, page_number, nums, annotations, tags):
                pass  # built (WeasyPrint pops each text's MCID as it goes) but left out of the tree
            page = self.artifacts.setdefault(page_number, {})
            for mcid in set(nums) - before:
                page.setdefault(mcid, properties)

        return build_box_tree

    def finish(self, document, pdf) -> None:
        """Artifacts: ``/Span <</MCID n>> BDC`` becomes ``/Artifact <</Type /Pagination ...>> BDC``
        in the page's content stream, and ParentTree's slot for MCID n becomes null.  A run noted
        for it gets ``/ActualText`` in its ``/Span <</MCID n>>`` property list."""
        import pydyf

        def get(reference):
            return pdf.objects[int(bytes(reference).split()[0])]

        root = get(pdf.catalog["StructTreeRoot"])
        nums = get(root["ParentTree"])["Nums"]
        parents = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
        for page_number, spoken in self.spoken.items():
            page = pdf.objects[pdf.pages["Kids"][3 * page_number]]
            for item in get(page["Contents"]).stream:
                if isinstance(item, pydyf.Dictionary) and item.get("MCID") in spoken:
                    item["ActualText"] = pydyf.String(spoken[item["MCID"]])
        for page_number, marked in self.artifacts.items():
            page = pdf.objects[pdf.pages["Kids"][3 * page_number]]  # Kids: number, 0, R per page
            stream = get(page["Contents"]).stream
            for at, item in enumerate(stream):
                if isinstance(item, pydyf.Dictionary) and item.get("MCID") in marked and stream[at + 1] == b"BDC":
                    parents[page_number][item["MCID"]] = b"null"
                    stream[at - 1], stream[at] = "/Artifact", pydyf.Dictionary(marked[item["MCID"]])
