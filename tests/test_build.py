"""Built outputs read back: PDF text with pdftotext, PDF fonts with pypdf and fontTools, pages
with an HTML parser."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.dates import format_date
from pypdf import PdfReader

from pipeline.build import build, output_paths, source_revision
from pipeline.catalog import load_po
from pipeline.cli import run
from pipeline.config import Project
from pipeline.document import read_document

from .conftest import REPO, SHIPPED_LANGUAGES, edit_entry
from .pdfcheck import coverage_problems

ALL_LANGUAGES = ("en", *SHIPPED_LANGUAGES)
DISCLAIMER_PREFIX = "FDA Disclaimer:"
SHIPPED = Project.load(REPO)
RELEASED = [lang for lang in ALL_LANGUAGES if lang == "en" or SHIPPED.status(lang) == "release"]
PREVIEWED = [lang for lang in ALL_LANGUAGES if lang not in RELEASED]


def built(output: Path, language: str, kind: str) -> Path:
    return output_paths(output, language, "exosomes", language in PREVIEWED)[kind]


class Page(HTMLParser):
    """The parts of a built page the tests look at."""

    def __init__(self, text: str):
        super().__init__()
        self.html_attrs: dict = {}
        self.alternates: dict[str, str] = {}
        self.switcher: list[tuple[str, str]] = []
        self.scripts = 0
        self.fallbacks: list[str] = []
        self._in_link: str | None = None
        self._fallback_tag: str | None = None
        self.text_parts: list[str] = []
        self.feed(text)
        self.text = " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and "hreflang" in attrs:
            self._in_link = attrs["hreflang"]
        elif tag == "script":
            self.scripts += 1
        if attrs.get("lang") == "en" and tag != "a" and tag != "html":
            self._fallback_tag = tag
            self.fallbacks.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_link = None
        if tag == self._fallback_tag:
            self._fallback_tag = None

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._in_link:
            self.switcher.append((self._in_link, data.strip()))
        if self._fallback_tag:
            self.fallbacks[-1] += data


def catalog_text(language: str, msgid_prefix: str) -> str:
    po = load_po(REPO / "locales" / language / "LC_MESSAGES" / "handouts.po")
    return next(e.msgstr for e in po if e.msgid.startswith(msgid_prefix))


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_every_language_gets_a_page_and_a_pdf(shipped_build):
    assert PREVIEWED, "at least one shipped language stays in draft, so the preview path is exercised"
    for language in ALL_LANGUAGES:
        assert built(shipped_build, language, "html").is_file()
        assert built(shipped_build, language, "pdf").is_file()
    for language in PREVIEWED:
        assert not (shipped_build / "site" / language).exists()
        assert built(shipped_build, language, "pdf").name.endswith(".preview.pdf")


def test_spanish_pdf_carries_the_spanish_disclaimer(shipped_build):
    text = pdftotext(shipped_build / "handouts" / "exosomes.es.pdf")
    disclaimer = catalog_text("es", DISCLAIMER_PREFIX)
    assert disclaimer.startswith("Aviso")  # the catalog really is Spanish
    assert " ".join(disclaimer.split()) in " ".join(text.split())


def test_chinese_pdf_carries_the_chinese_disclaimer(shipped_build):
    text = pdftotext(shipped_build / "handouts" / "exosomes.zh_Hans.pdf")
    assert squeeze(catalog_text("zh_Hans", DISCLAIMER_PREFIX)) in squeeze(text)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_pdf_fonts_are_embedded_and_cover_every_character(shipped_build, language):
    assert coverage_problems(built(shipped_build, language, "pdf")) == []


def test_font_check_catches_a_missing_glyph():
    """The coverage check can fail: a character no installed font has is reported."""
    import weasyprint

    pdf = weasyprint.HTML(string='<html lang="en"><p>dose \U000F0000 mg</p></html>').write_pdf()
    assert any("U+F0000" in problem for problem in coverage_problems(pdf))


def test_scripts_use_fonts_made_for_them(shipped_build):
    from .pdfcheck import font_reports

    names = {lang: " ".join(r.name for r in font_reports(built(shipped_build, lang, "pdf"))) for lang in ("zh_Hans", "ar")}
    assert "CJK-SC" in names["zh_Hans"]
    assert "Arabic" in names["ar"]


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_pdf_footer_has_page_numbers_and_source_revision(shipped_build, language):
    path = built(shipped_build, language, "pdf")
    pages = len(PdfReader(str(path)).pages)
    text = squeeze(pdftotext(path))
    if language == "en":
        label = "Page %(page)s of %(pages)s"
    else:
        label = catalog_text(language, "Page %(page)s of %(pages)s")
    if language != "ar":  # pdftotext reorders right-to-left runs; the Arabic label is checked in the HTML
        assert squeeze(label % {"page": 1, "pages": pages}) in text
    revision = source_revision(Project.load(REPO), REPO / "source" / "documents" / "exosomes.md")
    assert revision in text


def test_arabic_page_is_right_to_left(shipped_build):
    page = Page(built(shipped_build, "ar", "html").read_text(encoding="utf-8"))
    assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
    for language, tag in (("es", "es"), ("zh_Hans", "zh-Hans"), ("en", "en")):
        other = Page(built(shipped_build, language, "html").read_text(encoding="utf-8"))
        assert other.html_attrs == {"lang": tag, "dir": "ltr"}


def test_language_switcher_and_alternates(shipped_build):
    page = Page(built(shipped_build, "es", "html").read_text(encoding="utf-8"))
    names = dict(page.switcher)
    assert names["es"] == "Español"
    assert names["vi"] == "Tiếng Việt"
    assert names["zh-Hans"].startswith("中文")
    assert names["en"] == "English"
    assert "ar" not in names, "a release page never links to a preview"
    assert page.alternates == {
        "en": "../en/exosomes.html",
        "es": "../es/exosomes.html",
        "vi": "../vi/exosomes.html",
        "zh-Hans": "../zh_Hans/exosomes.html",
        "x-default": "../en/exosomes.html",
    }
    preview = Page(built(shipped_build, "ar", "html").read_text(encoding="utf-8"))
    assert dict(preview.switcher)["ar"] == "العربية"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_last_reviewed_date_is_formatted_for_the_locale(shipped_build, language):
    document = read_document((REPO / "source" / "documents" / "exosomes.md").read_text(encoding="utf-8"), "x")
    page = Page(built(shipped_build, language, "html").read_text(encoding="utf-8"))
    assert format_date(document.last_reviewed, format="long", locale=language) in page.text


def test_paper_size_is_configurable(project, tmp_path):
    out = tmp_path / "letter"
    assert run(["--root", str(project.root), "build", "--lang", "es", "--paper", "Letter", "--output", str(out), "-q"]) == 0
    box = PdfReader(str(out / "handouts" / "exosomes.es.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    out = tmp_path / "a4"
    assert run(["--root", str(project.root), "build", "--lang", "es", "--output", str(out), "-q"]) == 0
    box = PdfReader(str(out / "handouts" / "exosomes.es.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


edit_catalog = edit_entry
REASONS = {"untranslated": "not translated", "review": "not approved yet",
           "stale": "its approval is stale: the source or translation changed since it was approved"}


@pytest.mark.parametrize(
    "change, state",
    [({"msgstr": ""}, "untranslated"), ({"flags": ["fuzzy"]}, "stale"), ({"msgstr": "Aviso cambiado."}, "stale"),
     ({"tcomment": ""}, "review")],
    ids=["untranslated", "fuzzy", "edited-after-approval", "never-approved"],
)
def test_release_language_missing_an_approved_required_block_is_not_built(project, tmp_path, capsys, change, state):
    line = edit_catalog(project, "es", DISCLAIMER_PREFIX, **change)
    out = tmp_path / "out"
    args = ["--root", str(project.root), "build", "--lang", "es", "--lang", "vi", "--format", "html", "--output", str(out)]
    assert run(args) == 1
    err = capsys.readouterr().err
    assert "error: exosomes (es) is held back: 1 required entry is not publishable" in err
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: {REASONS[state]}: 'FDA Disclaimer:" in err
    assert not (out / "site" / "es" / "exosomes.html").exists()
    assert (out / "site" / "vi" / "exosomes.html").exists()

    assert run([*args, "--skip-incomplete"]) == 0
    assert "warning: exosomes (es) is held back" in capsys.readouterr().err
    assert not (out / "site" / "es" / "exosomes.html").exists()


def test_incomplete_language_is_left_out_of_the_switcher(project, tmp_path):
    edit_catalog(project, "es", DISCLAIMER_PREFIX, msgstr="")
    out = tmp_path / "out"
    build(project, ["vi"], formats=["html"], output=out)
    page = Page((out / "site" / "vi" / "exosomes.html").read_text(encoding="utf-8"))
    assert "es" not in page.alternates and "es" not in dict(page.switcher)


def test_untranslated_optional_block_falls_back_to_marked_english(project, tmp_path):
    source = "Help regulate inflammation"
    edit_catalog(project, "es", source, msgstr="")
    out = tmp_path / "out"
    assert build(project, ["es"], formats=["html"], output=out).held == []
    page = Page((out / "site" / "es" / "exosomes.html").read_text(encoding="utf-8"))
    assert "Ayudar a regular la inflamación" not in page.text
    assert source in [text.strip() for text in page.fallbacks]


def test_translation_markup_is_text_not_code(project, tmp_path):
    edit_catalog(project, "es", "Help regulate inflammation", approved=True,
                 msgstr='<script>alert(1)</script> *Ayudar* <img src=x onerror=alert(1)>')
    out = tmp_path / "out"
    build(project, ["es"], formats=["html"], output=out)
    html = (out / "site" / "es" / "exosomes.html").read_text(encoding="utf-8")
    page = Page(html)
    assert page.scripts == 0
    # approved, but unsafe-markup is an error-level finding: not publishable, English instead
    assert "alert(1)" not in html and "Help regulate inflammation" in page.fallbacks[0]


def test_second_build_writes_nothing(project, tmp_path):
    out = tmp_path / "out"
    first = build(project, ["es"], output=out)
    assert len(first.written) == 7  # es and en (always built): page, PDF, index; the index of languages
    second = build(project, ["es"], output=out)
    assert second.written == [] and len(second.unchanged) == 7


def test_help_and_usage_errors():
    assert run(["--help"]) == 0
    assert run(["build", "--help"]) == 0
    assert run(["no-such-command"]) == 2
    assert run(["build", "--format", "docx", "--root", str(REPO)]) == 2
