"""Rendering: a document and a language's translations to a web page, and a page to a PDF.

``document_to_html`` swaps every block's inline content for its translation (parsed again as
inline Markdown, with raw HTML disabled, so a translation can carry emphasis and links but never
markup of its own) and renders the Jinja2 page template with autoescaping on.  ``html_to_pdf``
hands that page to WeasyPrint with the print stylesheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from . import __version__
from .config import html_lang, parse_language
from .document import Block, Document, markdown_parser

_MD = markdown_parser()
_COUNTER_MARK = "\ue000"  # private-use character: brackets a CSS counter name inside a string
_COUNTER = re.compile(f"{_COUNTER_MARK}(\\w+){_COUNTER_MARK}")

# What the renderer needs of a language's translations (pipeline.review.Translations):
# calling it gives the text to show or None; .state(text) tells whether that text is approved;
# .preview says whether this is a preview build.
Lookup = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str
    name: str
    current: bool


def language_name(code: str) -> str:
    """A language's name in itself, from Babel's locale data: ``es`` -> ``Español``."""
    locale = parse_language(code)
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def text_direction(code: str) -> str:
    return "rtl" if parse_language(code).character_order == "right-to-left" else "ltr"


def css_string(text: str) -> str:
    """A CSS string literal; everything but letters, digits and spaces hex-escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in text) + '"'


def css_counter(name: str) -> Markup:
    """Stands for ``counter(name)`` in a string given to :func:`css_content`."""
    return Markup(f"{_COUNTER_MARK}{name}{_COUNTER_MARK}")


def css_content(text: str) -> Markup:
    """A CSS ``content:`` value from (translated) text: ``"Página " counter(page) " de " ...``.

    Used in the template as ``_("Page %(page)s", page=css_counter("page")) | css_content``.
    """
    parts = []
    for index, piece in enumerate(_COUNTER.split(str(text))):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts) or '""')


def missing_required(document: Document, lookup: Lookup) -> list[Block]:
    return [block for block in document.blocks if block.required and lookup(block.text) is None]


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


def translate_tokens(document: Document, lookup: Lookup, fallback_lang: str | None) -> list:
    """The document's token stream with each block's inline content translated.

    Blocks without a translation to show keep the English text, marked ``lang="en"`` so
    browsers, screen readers and the PDF's fonts treat it as English.  In a preview build,
    every block whose text is not approved is marked with the ``unreviewed`` class and its
    state (``data-state``), so a reader can never take it for reviewed text.
    """
    tokens = list(document.tokens)
    preview = getattr(lookup, "preview", False)
    for block in document.blocks:
        if block.token_index is None:
            continue
        translated = lookup(block.text)
        source = tokens[block.token_index]
        inline = source.copy()
        text = translated if translated is not None else block.text
        inline.content = text
        inline.children = _MD.parseInline(text)[0].children
        tokens[block.token_index] = inline
        at = _block_opener(tokens, block.token_index)
        if translated is None and fallback_lang:
            _set_attrs(tokens, at, lang=fallback_lang, dir="ltr")
        if preview:
            state = lookup.state(block.text)
            if state != "approved":
                _set_attrs(tokens, at, **{"class": "unreviewed", "data_state": state})
    return tokens


class Renderer:
    """Holds the Jinja2 environment (templates parsed once) and the stylesheet."""

    def __init__(self, templates: Path, paper: str, source_language: str = "en"):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            keep_trailing_newline=True,
        )
        self.env.filters["css_content"] = css_content
        self.env.globals["css_counter"] = css_counter
        self.template = self.env.get_template("handout.html")
        self.stylesheet = Markup((templates / "handout.css").read_text(encoding="utf-8"))
        self.paper = paper
        self.source_language = source_language

    def document_to_html(
        self,
        document: Document,
        language: str,
        lookup: Lookup,
        *,
        alternates: list[Alternate],
        default_href: str,
        revision: str,
    ) -> str:
        """The web page (and PDF source) of ``document`` in ``language``."""
        locale = parse_language(language)

        def gettext(message: str) -> str:
            translated = lookup(message)
            return message if translated is None else translated

        def ngettext(singular: str, plural: str, n: int) -> str:
            return singular if n == 1 else plural

        self.env.install_gettext_callables(gettext, ngettext, newstyle=True)
        fallback = self.source_language if language != self.source_language else None
        tokens = translate_tokens(document, lookup, html_lang(fallback) if fallback else None)
        body = Markup(_MD.renderer.render(tokens, _MD.options, {}))
        title = lookup(document.title) or document.title
        preview = getattr(lookup, "preview", False)
        page = {
            "preview": preview,
            "lang_tag": html_lang(language),
            "direction": text_direction(language),
            "title": title,
            "generator_version": __version__,
            "reviewed": format_date(document.last_reviewed, format="long", locale=locale),
            "reviewed_iso": document.last_reviewed.isoformat(),
            "alternates": alternates,
            "default_href": default_href,
            "stylesheet": self.stylesheet,
            "paper": self.paper,
            "body": body,
            "revision": revision,
        }
        return self.template.render(page=page)


def html_to_pdf(html: str, base_url: str) -> bytes:
    """Print a page to PDF with WeasyPrint; fonts are embedded (subsets) by WeasyPrint."""
    import weasyprint  # imported late: loading Pango is slow and only the PDF step needs it

    return weasyprint.HTML(string=html, base_url=base_url, media_type="print").write_pdf()
