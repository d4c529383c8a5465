"""Built outputs read back: PDF text with pdftotext, PDF fonts with pypdf and fontTools, pages
with an HTML parser.  All on the tests' own project (tests/fixture.py), in one language per kind
of script: Latin, CJK, Vietnamese and Arabic (right to left, a draft)."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.dates import format_date
from pypdf import PdfReader

from pipeline.build import build, output_paths, source_revision
from pipeline.cli import run
from pipeline.config import Project
from pipeline.document import read_document

from .fixture import DISCLAIMER, DOCUMENT, SCRIPTS, find_entry, make_project, set_entry
from .pdfcheck import coverage_problems

SLUG = "knee-care"
ALL_LANGUAGES = ("en", *SCRIPTS)
RELEASED = [lang for lang in ALL_LANGUAGES if lang == "en" or SCRIPTS[lang] == "release"]
PREVIEWED = [lang for lang in ALL_LANGUAGES if lang not in RELEASED]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Project, Path]:
    """The fixture project in every script, built once, HTML and PDF, every language."""
    project = make_project(tmp_path_factory.mktemp("scripts") / "p", languages=SCRIPTS)
    report = build(project)
    assert not report.held, [(pair.document.slug, pair.language.language) for pair in report.held]
    return project, project.output


def built(output: Path, language: str, kind: str) -> Path:
    return output_paths(output, language, SLUG, language in PREVIEWED)[kind]


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


def catalog_text(project: Project, language: str, msgid_prefix: str) -> str:
    return find_entry(project, language, msgid_prefix).msgstr


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_every_language_gets_a_page_and_a_pdf(site):
    _, output = site
    assert PREVIEWED, "at least one fixture language stays in draft, so the preview path is exercised"
    for language in ALL_LANGUAGES:
        assert built(output, language, "html").is_file()
        assert built(output, language, "pdf").is_file()
    for language in PREVIEWED:
        assert not (output / "site" / language).exists()
        assert built(output, language, "pdf").name.endswith(".preview.pdf")


@pytest.mark.parametrize("language", [lang for lang in RELEASED if lang != "en"])
def test_release_pdf_carries_the_translated_required_disclaimer(site, language):
    project, output = site
    disclaimer = catalog_text(project, language, DISCLAIMER)
    english = find_entry(project, language, DISCLAIMER).msgid
    assert squeeze(disclaimer) != squeeze(english)  # the catalog really holds a translation
    text = pdftotext(built(output, language, "pdf"))
    assert squeeze(disclaimer) in squeeze(text)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_pdf_fonts_are_embedded_and_cover_every_character(site, language):
    assert coverage_problems(built(site[1], language, "pdf")) == []


def test_the_fixture_pages_carry_real_text_in_each_script(site):
    """The font checks above mean something only if the pages hold the scripts: CJK ideographs,
    Vietnamese stacked diacritics, Arabic letters and Arabic-Indic digits."""
    project, output = site
    samples = {"zh_Hans": "\u819d", "vi": "\u1ed1", "ar": "\u0627"}  # 膝, ố, ا
    for language, char in samples.items():
        page = built(output, language, "html").read_text(encoding="utf-8")
        assert char in page, language
    assert "\u0662\u0664" in built(output, "ar", "html").read_text(encoding="utf-8")  # ٢٤ hours


def test_font_check_catches_a_missing_glyph():
    """The coverage check can fail: a character no installed font has is reported."""
    import weasyprint

    pdf = weasyprint.HTML(string='<html lang="en"><p>dose \U000F0000 mg</p></html>').write_pdf()
    assert any("U+F0000" in problem for problem in coverage_problems(pdf))


def test_scripts_use_fonts_made_for_them(site):
    from .pdfcheck import font_reports

    names = {lang: " ".join(r.name for r in font_reports(built(site[1], lang, "pdf"))) for lang in ("zh_Hans", "ar")}
    assert "CJK-SC" in names["zh_Hans"]
    assert "Arabic" in names["ar"]


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_pdf_footer_has_page_numbers_and_source_revision(site, language):
    project, output = site
    path = built(output, language, "pdf")
    pages = len(PdfReader(str(path)).pages)
    text = squeeze(pdftotext(path))
    label = "Page %(page)s of %(pages)s"
    if language != "en":
        label = catalog_text(project, language, label)
        assert label != "Page %(page)s of %(pages)s"
    if language != "ar":
        assert squeeze(label % {"page": 1, "pages": pages}) in text
    else:  # pdftotext reorders right-to-left runs: the label's words are read in the PDF, its place in the page
        words = label.replace("%(page)s", " ").replace("%(pages)s", " ").split()
        plain = re.sub(r"[\u202a-\u202e]", "", pdftotext(path))
        assert words and all(word in plain for word in words)
        html = built(output, language, "html").read_text(encoding="utf-8")
        footer = next(line for line in html.splitlines() if "counter(pages)" in line)
        assert footer.strip().startswith("@bottom-left") and all(word in footer for word in words)  # mirrored
    revision = source_revision(project, project.documents / f"{SLUG}.md")
    assert revision in text


def test_arabic_page_is_right_to_left(site):
    output = site[1]
    page = Page(built(output, "ar", "html").read_text(encoding="utf-8"))
    assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
    for language, tag in (("es", "es"), ("zh_Hans", "zh-Hans"), ("vi", "vi"), ("en", "en")):
        other = Page(built(output, language, "html").read_text(encoding="utf-8"))
        assert other.html_attrs == {"lang": tag, "dir": "ltr"}


def test_language_switcher_and_alternates(site):
    output = site[1]
    page = Page(built(output, "es", "html").read_text(encoding="utf-8"))
    names = dict(page.switcher)
    assert names["es"] == "Español"
    assert names["vi"] == "Tiếng Việt"
    assert names["zh-Hans"] == "简体中文"  # the name Chinese readers know, not CLDR's "中文 (简体)"
    assert names["en"] == "English"
    assert "ar" not in names, "a release page never links to a preview"
    assert page.alternates == {
        "en": f"../en/{SLUG}.html",
        "es": f"../es/{SLUG}.html",
        "vi": f"../vi/{SLUG}.html",
        "zh-Hans": f"../zh_Hans/{SLUG}.html",
        "x-default": f"../en/{SLUG}.html",
    }
    preview = Page(built(output, "ar", "html").read_text(encoding="utf-8"))
    assert dict(preview.switcher)["ar"] == "العربية"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_last_reviewed_date_is_formatted_for_the_locale(site, language):
    document = read_document(DOCUMENT.read_text(encoding="utf-8"), "x")
    page = Page(built(site[1], language, "html").read_text(encoding="utf-8"))
    assert format_date(document.last_reviewed, format="long", locale=language) in page.text


def test_paper_size_is_configurable(fixture_project, tmp_path):
    root = str(fixture_project.root)
    out = tmp_path / "letter"
    assert run(["--root", root, "build", "--lang", "es", "--paper", "Letter", "--output", str(out), "-q"]) == 0
    box = PdfReader(str(out / "handouts" / f"{SLUG}.es.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    out = tmp_path / "a4"
    assert run(["--root", root, "build", "--lang", "es", "--output", str(out), "-q"]) == 0
    box = PdfReader(str(out / "handouts" / f"{SLUG}.es.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


REASONS = {"untranslated": "not translated", "review": "not approved yet",
           "stale": "its approval is stale: the source or translation changed since it was approved"}


@pytest.mark.parametrize(
    "change, state",
    [({"msgstr": ""}, "untranslated"), ({"flags": ["fuzzy"]}, "stale"), ({"msgstr": "ES: Aviso cambiado."}, "stale"),
     ({"tcomment": ""}, "review")],
    ids=["untranslated", "fuzzy", "edited-after-approval", "never-approved"],
)
def test_release_language_missing_an_approved_required_block_is_not_built(fixture_project, tmp_path, capsys, change, state):
    project = fixture_project
    line = set_entry(project, "es", DISCLAIMER, **change)
    out = tmp_path / "out"
    args = ["--root", str(project.root), "build", "--lang", "es", "--lang", "fr", "--format", "html", "--output", str(out)]
    assert run(args) == 1
    err = capsys.readouterr().err
    assert f"error: {SLUG} (es) is held back: 1 required entry is not publishable" in err
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: {REASONS[state]}: '{DISCLAIMER}" in err
    assert not (out / "site" / "es" / f"{SLUG}.html").exists()
    assert (out / "site" / "fr" / f"{SLUG}.html").exists()

    assert run([*args, "--skip-incomplete"]) == 0
    assert f"warning: {SLUG} (es) is held back" in capsys.readouterr().err
    assert not (out / "site" / "es" / f"{SLUG}.html").exists()


def test_incomplete_language_is_left_out_of_the_switcher(fixture_project, tmp_path):
    set_entry(fixture_project, "es", DISCLAIMER, msgstr="")
    out = tmp_path / "out"
    build(fixture_project, ["fr"], formats=["html"], output=out)
    page = Page((out / "site" / "fr" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert "fr" in page.alternates and "es" not in page.alternates and "es" not in dict(page.switcher)


OPTIONAL = "Rest the knee for 24 hours."


def test_untranslated_optional_block_falls_back_to_marked_english(fixture_project, tmp_path):
    translation = find_entry(fixture_project, "es", OPTIONAL).msgstr
    set_entry(fixture_project, "es", OPTIONAL, msgstr="")
    out = tmp_path / "out"
    assert build(fixture_project, ["es"], formats=["html"], output=out).held == []
    page = Page((out / "site" / "es" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert translation not in page.text
    assert OPTIONAL in [text.strip() for text in page.fallbacks]


def test_translation_markup_is_text_not_code(fixture_project, tmp_path):
    set_entry(fixture_project, "es", OPTIONAL, approved=True,
              msgstr='<script>alert(1)</script> *Descanse* 24 <img src=x onerror=alert(1)>')
    out = tmp_path / "out"
    build(fixture_project, ["es"], formats=["html"], output=out)
    html = (out / "site" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    page = Page(html)
    assert page.scripts == 0
    # approved, but unsafe-markup is an error-level finding: not publishable, English instead
    assert "alert(1)" not in html and OPTIONAL in page.fallbacks[0]


def test_second_build_writes_nothing(fixture_project, tmp_path):
    out = tmp_path / "out"
    first = build(fixture_project, ["es"], output=out)
    assert len(first.written) == 7  # es and en (always built): page, PDF, index; the index of languages
    second = build(fixture_project, ["es"], output=out)
    assert second.written == [] and len(second.unchanged) == 7


def test_help_and_usage_errors(fixture_project):
    assert run(["--help"]) == 0
    assert run(["build", "--help"]) == 0
    assert run(["no-such-command"]) == 2
    assert run(["build", "--format", "docx", "--root", str(fixture_project.root)]) == 2
