"""Every web page the build makes, judged by axe-core against WCAG 2.1 A and AA in a real browser:
Debian's Chromium driven headless by Playwright, axe-core as axe-playwright-python bundles it (the
version is in README, "Accessibility of the web pages").

Two builds of the tests' own project (tests/fixture.py), made once for the module:

* ``scripts``: Spanish, Simplified Chinese and Vietnamese released (Latin, CJK, Latin with stacked
  diacritics), Arabic a draft (the preview pages, right to left, with the banner, the watermark and
  every block outlined and flagged), both documents, large print asked for every language (so the
  index pages link large-print PDFs too);
* ``rtl``: Spanish and Arabic released, the Arabic title and one optional paragraph not approved:
  right-to-left release pages, with English shown in them (the title, a paragraph, the index entry).

The PDFs are not printed here (a stand-in printer writes a placeholder; the pages do not depend on
it): tests/test_pdf_accessibility.py prints and reads them.  Large print is a PDF only, no page
(checked below).

axe runs with the rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa, and its best-practice rules
too (one main landmark, all content in landmarks, one h1, headings in order ...), at 1200 and at
400 CSS pixels wide.  Reflow (WCAG 1.4.10) is checked by measuring: no horizontal scrolling at 400
and 320 pixels, also with WCAG 1.4.12's text spacing.  The negative controls show that each kind of
check can fail.
"""

from __future__ import annotations

import functools
import itertools
import json
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.config import Project

from .fixture import DOCUMENT, SCRIPTS, SECOND_DOCUMENT, make_project, set_entry

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDE, NARROW, NARROWEST = 1200, 400, 320
DOCUMENTS = ("knee-care", "wound-care")
RTL = {"es": "release", "ar": "release"}
#: The English shown in the Arabic release (optional blocks whose Arabic is left unapproved).
ENGLISH_IN_ARABIC = ("Caring for Your Knee After an Injection", "Some stiffness is normal.")

#: Every page each build makes (test_every_page_the_build_makes_is_checked holds the builds to this list).
PAGES = {
    "scripts": ["site/index.html",
                *(f"site/{code}/{name}.html" for code in ("en", "es", "vi", "zh_Hans") for name in ("index", *DOCUMENTS)),
                *(f"preview/site/ar/{name}.html" for name in ("index", *DOCUMENTS))],
    "rtl": ["site/index.html", *(f"site/{code}/{name}.html" for code in ("en", "es", "ar") for name in ("index", "knee-care"))],
}
ALL_PAGES = [(build_name, path) for build_name, paths in PAGES.items() for path in paths]
PREVIEW = ("scripts", "preview/site/ar/knee-care.html")
SPANISH = ("scripts", "site/es/knee-care.html")

#: WCAG 1.4.12's text spacing, as the usual bookmarklet sets it.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
                " p, li { margin-block-end: 2em !important; }")
#: The watermark as it was drawn on screen before (faint diagonal letters): the negative control.
FORMER_WATERMARK = (".watermark { position: fixed; inset-inline: 0; top: 38%; text-align: center; font-size: 34pt;"
                    " font-weight: bold; color: rgba(176, 0, 32, 0.13); transform: rotate(-30deg); z-index: 10;"
                    " white-space: nowrap; background: none; padding: 0; margin: 0; }")


def _stand_in_printer(html: str, assets: str) -> tuple[bytes, list[str]]:
    return b"%PDF-1.7\n% not printed: tests/test_page_accessibility.py checks the pages\n", []


def _with_large_print(project: Project) -> Project:
    path = project.root / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[tool.handouts]\n", "[tool.handouts]\nlarge_print = true\n", 1),
                    encoding="utf-8")
    return Project.load(project.root)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The two builds, each made once: the output folder of each."""
    base = tmp_path_factory.mktemp("pages")
    scripts = _with_large_print(make_project(base / "scripts", languages=SCRIPTS, documents=(DOCUMENT, SECOND_DOCUMENT)))
    rtl = make_project(base / "rtl", languages=RTL)
    for prefix in ENGLISH_IN_ARABIC:
        set_entry(rtl, "ar", prefix, tcomment="")  # the approval record removed: English shown instead
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipeline.build._print_pdf", _stand_in_printer)
        for project in (scripts, rtl):
            report = build(project, jobs=1)
            assert not report.held and not report.refused
    return {"scripts": scripts.output, "rtl": rtl.output}


@pytest.fixture(scope="module")
def page(browser):
    """One tab for the module: each test opens its page afresh (:func:`open_page`)."""
    context = browser.new_context(viewport={"width": WIDE, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def open_page(page, builds: dict[str, Path], which: tuple[str, str]):
    """Open one of the built pages, wide, on screen (whatever the test before left)."""
    build_name, path = which
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto((builds[build_name] / path).as_uri())
    return page


@functools.cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe(page, tags: list[str] = WCAG) -> list[str]:
    """axe's violations of the rules with these tags, one line each: rule, its tags, help, how many
    elements, the first element."""
    results = _axe().run(page, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]})
    return [f"{v['id']} [{' '.join(t for t in v['tags'] if t in tags)}]: {v['help']} ({len(v['nodes'])}): "
            f"{v['nodes'][0]['html'][:200]}" for v in results.response["violations"]]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                         " - document.documentElement.clientWidth")


def page_id(which: tuple[str, str]) -> str:
    return ":".join(which)


# -- what is checked ------------------------------------------------------------------------------


def test_every_page_the_build_makes_is_checked(builds):
    """The pages below are every page of both builds, and large print makes PDFs only, no page."""
    for build_name, output in builds.items():
        made = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
        assert made == sorted(PAGES[build_name])
        outputs = json.loads((output / "release.json").read_text(encoding="utf-8"))["outputs"]
        assert sorted(path for path, record in outputs.items() if record["kind"] in ("page", "index")) == made
    large = {path: record["kind"] for path, record in
             json.loads((builds["scripts"] / "release.json").read_text(encoding="utf-8"))["outputs"].items()
             if record.get("large_print")}
    assert large and set(large.values()) == {"pdf"}
    # the index pages link them
    assert "knee-care.es.large.pdf" in (builds["scripts"] / "site/es/index.html").read_text(encoding="utf-8")


# -- axe ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ALL_PAGES, ids=page_id)
def test_axe_finds_no_wcag_violation(builds, page, which):
    """No violation of a WCAG 2.1 A or AA rule, nor of a best-practice rule, wide and narrow."""
    open_page(page, builds, which)
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        found = axe(page, WCAG + ["best-practice"])
        assert found == [], f"at {width} px"


@pytest.mark.parametrize("which", ALL_PAGES, ids=page_id)
def test_pages_reflow_without_horizontal_scrolling(builds, page, which):
    """WCAG 1.4.10: at 400 and 320 CSS pixels nothing scrolls sideways, with WCAG 1.4.12's text
    spacing too (line height 1.5, letter spacing 0.12em, word spacing 0.16em, 2em after paragraphs)."""
    open_page(page, builds, which)
    for width in (NARROW, NARROWEST):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0, f"at {width} px"
    page.add_style_tag(content=TEXT_SPACING)
    for width in (NARROW, NARROWEST):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0, f"at {width} px with text spacing"


# -- what the pages are made of -------------------------------------------------------------------


@pytest.mark.parametrize("which", ALL_PAGES, ids=page_id)
def test_one_h1_headings_in_order_landmarks_and_labelled_navigation(builds, page, which):
    open_page(page, builds, which)
    levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels)), levels
    assert page.locator("main").count() == 1 and page.locator("body > header").count() == 1
    for nav in page.locator("nav").all():
        assert (nav.get_attribute("aria-label") or "").strip()


@pytest.mark.parametrize("which", ALL_PAGES, ids=page_id)
def test_every_language_link_says_its_language_and_direction(builds, page, which):
    """Each language's name in the switcher (and in the index of languages) carries its own
    ``lang``, and is laid out in its own direction in a page of the other direction."""
    open_page(page, builds, which)
    links = page.evaluate("""[...document.querySelectorAll('nav.languages a, a[lang]')].map(a => ({
        lang: a.lang, hreflang: a.getAttribute('hreflang'), direction: getComputedStyle(a).direction}))""")
    page_lang = page.evaluate("document.documentElement.lang")
    for link in links:
        assert link["lang"], link
        if link["hreflang"] is not None:
            assert link["lang"] == link["hreflang"]
        assert link["direction"] == ("rtl" if link["lang"] == "ar" else "ltr"), (page_lang, link)


def test_english_in_a_right_to_left_release_is_marked_english(builds, page):
    """The Arabic release shows English where its Arabic is not approved: marked ``lang="en"`` and
    laid out left to right, on the page and in the index."""
    open_page(page, builds, ("rtl", "site/ar/knee-care.html"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    english = page.locator("main [lang=en]")
    assert english.count() == len(ENGLISH_IN_ARABIC)
    for at, prefix in enumerate(ENGLISH_IN_ARABIC):
        assert english.nth(at).inner_text().startswith(prefix)
        assert english.nth(at).get_attribute("dir") == "ltr"
        assert english.nth(at).evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.locator("h1").get_attribute("lang") == "en"
    open_page(page, builds, ("rtl", "site/ar/index.html"))
    title = page.locator("ul.handouts a[lang=en]")
    assert title.inner_text() == ENGLISH_IN_ARABIC[0]
    assert title.evaluate("e => getComputedStyle(e).direction") == "ltr"


def test_the_preview_watermark_is_hidden_from_screen_readers_and_stays_in_view(builds, page):
    """The watermark is ``aria-hidden`` (the banner says it in words).  On screen it is a strip at
    the top of the window wherever the page is scrolled (at the top of the page only, in a short
    window); printed, it is the PDF's diagonal watermark."""
    open_page(page, builds, PREVIEW)
    watermark = page.locator(".watermark")
    assert watermark.get_attribute("aria-hidden") == "true"
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 600})
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        assert page.evaluate("window.scrollY") > 200
        box = watermark.bounding_box()
        assert box is not None and box["y"] == 0 and box["width"] <= width
    page.set_viewport_size({"width": NARROW, "height": 300})  # short: scrolls away with the page
    assert watermark.evaluate("e => getComputedStyle(e).position") == "static"
    page.emulate_media(media="print")
    style = watermark.evaluate("e => { const s = getComputedStyle(e); return [s.position, s.transform, s.fontSize]; }")
    assert style[0] == "fixed" and style[1] != "none" and style[2] == "45.3333px"  # 34pt


# -- negative controls: each check can fail ---------------------------------------------------------


def test_axe_reports_a_violation_it_is_shown(builds, page):
    open_page(page, builds, SPANISH)
    assert axe(page) == []
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'Low contrast text';
                             p.style.color = '#aaaaaa'; document.querySelector('main').append(p); }""")
    assert [v for v in axe(page) if v.startswith("color-contrast ")]
    open_page(page, builds, SPANISH)
    page.evaluate("document.documentElement.removeAttribute('lang')")
    assert [v for v in axe(page) if v.startswith("html-has-lang ")]
    open_page(page, builds, SPANISH)
    page.evaluate("document.querySelector('nav.languages a').lang = 'not a language'")
    assert [v for v in axe(page) if v.startswith("valid-lang ")]
    open_page(page, builds, SPANISH)
    page.evaluate("document.querySelector('nav.languages a').textContent = ''")
    assert [v for v in axe(page) if v.startswith("link-name ")]
    open_page(page, builds, SPANISH)
    page.evaluate("document.querySelector('main h2').outerHTML = '<h4>Skipped</h4>'")
    assert [v for v in axe(page, WCAG + ["best-practice"]) if v.startswith("heading-order ")]


def test_the_former_watermark_is_a_contrast_violation(builds, page):
    """The watermark drawn on screen as it was (faint diagonal letters, 1.27:1) is what axe
    reported on the preview pages before: the strip is the fix, not a blind spot."""
    open_page(page, builds, PREVIEW)
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert axe(page) == []
    page.add_style_tag(content=FORMER_WATERMARK)
    assert [v for v in axe(page) if v.startswith("color-contrast ") and "NOT REVIEWED" in v]


def test_the_reflow_check_sees_a_page_too_wide(builds, page):
    open_page(page, builds, SPANISH)
    page.set_viewport_size({"width": NARROW, "height": 900})
    page.evaluate("""() => { const d = document.createElement('div'); d.style.width = '600px';
                             d.textContent = 'x'; document.querySelector('main').append(d); }""")
    assert horizontal_overflow(page) > 0
