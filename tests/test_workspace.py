"""The reviewer workspace, end to end in a real browser: Debian's Chromium driven headless by
Playwright, against the server running on 127.0.0.1 in a thread of this process, on the tests'
own project (tests/fixture.py).  axe-core (bundled by axe-playwright-python) judges the pages
against the WCAG 2.1 A and AA rules."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pipeline.backtranslate import BackTranslator
from pipeline.catalog import load_po
from pipeline.model import entry_state, read_approval, translator_notes
from pipeline.models import install_package
from pipeline.workspace import Workspace

from .fixture import REPO, find_entry, make_project, set_entry
from .tiny_argos import build_tiny_package
from .workspace_helpers import commit_all, git, running

TARGET = "Rest the knee for 24 hours."
DOCUMENT = "knee-care"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def reverse_packages(tmp_path_factory) -> Path:
    """Tiny real es -> en and ar -> en packages, trained on the fixture's catalogs: back-translations
    in nonsense, deterministically."""
    base = tmp_path_factory.mktemp("reverse")
    project = make_project(base / "p")
    folder = base / "packages"
    for language in ("es", "ar"):
        lines = [e.msgstr for e in load_po(project.catalog_path(language)) if e.msgstr]
        install_package(build_tiny_package(base / f"argos-{language}", lines, language, "en"), folder)
    return folder


@pytest.fixture
def project(tmp_path):
    project = make_project(tmp_path / "fixture")
    set_entry(project, "es", TARGET, tcomment="")  # awaiting review
    return project


@pytest.fixture
def server(project, reverse_packages):
    workspace = Workspace(project, packages_dir=reverse_packages)
    with running(workspace) as port:
        yield workspace, f"http://127.0.0.1:{port}"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def open_review(page, url: str, name: str | None = "Ana Ruiz", language: str = "es", query: str = ""):
    page.goto(f"{url}/review/{language}/{DOCUMENT}{query}")
    if name:
        page.fill("#reviewer-name", name)
        page.click("#reviewer-form button")
    return page.locator("article.entry").filter(has_text=TARGET)


def catalog_entry(workspace: Workspace, language: str = "es", msgid: str = TARGET):
    return load_po(workspace.project.catalog_path(language)).find(msgid)


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}): {v['nodes'][0]['html'][:200]}"
            for v in results.response["violations"]]


# -- editing, approving, conflicts ------------------------------------------------------------------

def test_edit_and_approve_in_the_browser(server, page):
    workspace, url = server
    card = open_review(page, url)
    assert card.count() == 1
    assert "review" in card.locator(".state").inner_text()
    card.locator("textarea.translation").fill("Descanse la rodilla durante 24 horas")
    card.locator("textarea.translation").press("Control+Enter")
    page.wait_for_selector("text=Saved and approved.")
    entry = catalog_entry(workspace)
    assert entry.msgstr == "Descanse la rodilla durante 24 horas"
    assert entry_state(entry) == "approved" and read_approval(entry).who == "Ana Ruiz"
    total = page.locator("body").get_attribute("data-total")
    assert page.locator("#progress").inner_text().startswith(f"{total} of {total} approved · 1 shown · 1 acted on")
    expect(card.locator(".back")).to_contain_text("Back-translation (chrF")  # made for the new text too


def test_the_name_is_asked_once_and_remembered(server, page):
    _, url = server
    open_review(page, url, name=None)
    card = page.locator("article.entry").filter(has_text=TARGET)
    card.locator("button[data-action=approve]").click()
    assert "Enter your name first" in card.locator(".message").inner_text()
    page.fill("#reviewer-name", "Li Wei")
    page.click("#reviewer-form button")
    page.reload()
    assert page.locator("#reviewer-form").is_hidden()
    assert page.locator("#reviewer-label").inner_text() == "Li Wei"


def test_a_change_on_disk_is_refused_and_the_fresh_entry_shown(server, page):
    workspace, url = server
    card = open_review(page, url)
    card.locator("textarea.translation").fill("Mi versión en el navegador")
    # meanwhile a translator saves the same entry in Poedit
    set_entry(workspace.project, "es", TARGET, msgstr="Versión guardada en Poedit")
    card.locator("button[data-action=save-approve]").click()
    page.wait_for_selector("text=changed on disk since the page was loaded")
    card = page.locator("article.entry").filter(has_text=TARGET)
    assert card.locator("textarea.translation").input_value() == "Versión guardada en Poedit"
    mine = card.locator(".mine span[lang=es][dir=ltr]")  # the conflict box marks the reviewer's Spanish as such
    assert mine.inner_text() == "Mi versión en el navegador"  # nothing the reviewer typed is lost
    entry = catalog_entry(workspace)
    assert entry.msgstr == "Versión guardada en Poedit" and read_approval(entry) is None


def test_keyboard_shortcuts_send_back(server, page):
    workspace, url = server
    card = open_review(page, url)
    card.locator("textarea.translation").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    page.wait_for_selector("text=Sent back to the translator")
    assert "fuzzy" in catalog_entry(workspace).flags


def test_a_translation_holding_script_is_shown_as_text_and_cannot_be_approved(server, page):
    workspace, url = server
    hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    set_entry(workspace.project, "es", TARGET, msgstr=hostile)
    before = workspace.project.catalog_path("es").read_bytes()
    card = open_review(page, url)
    assert card.locator("textarea.translation").input_value() == hostile
    assert page.evaluate("window.__pwned") is None
    assert "unsafe-markup" in card.locator(".warnings").inner_text()
    # the page says why it cannot be approved, up front, and offers no way to approve it
    why = card.locator(".cannot-approve")
    assert "Cannot be approved: it has check errors" in why.inner_text()
    for action in ("approve", "save-approve"):
        button = card.locator(f"button[data-action={action}]")
        assert button.is_disabled()
        assert button.get_attribute("aria-describedby") == why.get_attribute("id")
    card.locator("textarea.translation").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    expect(card.locator(".message")).to_contain_text("Cannot be approved")
    page.keyboard.press("Control+Enter")
    assert workspace.project.catalog_path("es").read_bytes() == before
    # a new text may fix it: Save & approve comes back, and the server judges the new text
    card.locator("textarea.translation").fill("Descanse la rodilla durante 24 horas.")
    assert card.locator("button[data-action=save-approve]").is_enabled()
    card.locator("button[data-action=save-approve]").click()
    page.wait_for_selector("text=Saved and approved.")
    page.goto(f"{url}/preview/es/{DOCUMENT}")
    assert page.evaluate("window.__pwned") is None


def test_preview_is_a_click_away_and_watermarked(server, page):
    _, url = server
    open_review(page, url)
    with page.context.expect_page() as opened:
        page.click("a.preview-link")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator(".watermark").count() == 1
    assert preview.locator(".unreviewed").filter(has_text="ES: Rest the knee").count() == 1


# -- safe review ----------------------------------------------------------------------------------

def test_the_last_action_can_be_undone(server, page):
    workspace, url = server
    catalog = workspace.project.catalog_path("es")
    before = catalog.read_bytes()
    card = open_review(page, url)
    card.focus()
    page.keyboard.press("a")
    page.wait_for_selector("text=Approved.")
    assert entry_state(catalog_entry(workspace)) == "approved"
    assert "Approved." in page.locator("#undo-bar").inner_text()
    page.keyboard.press("u")
    page.wait_for_selector("text=Undone: the entry is as it was before.")
    assert catalog.read_bytes() == before
    assert page.locator("#undo-bar").is_hidden()
    assert "review" in card.locator(".state").inner_text()


def test_editing_an_approved_entry_says_it_needs_approval_again(server, page):
    workspace, url = server
    set_entry(workspace.project, "es", TARGET, approved=True)
    card = open_review(page, url, query="?filter=all")
    note = card.locator(".restale")
    assert note.is_hidden()
    card.locator("textarea.translation").fill("Descanse la rodilla.")
    assert "it will need approval again" in note.inner_text()
    card.locator("button[data-action=save]").click()
    expect(card.locator(".message")).to_have_text("Saved. It was approved: it needs approval again.")
    assert entry_state(catalog_entry(workspace)) == "stale"
    assert "stale" in card.locator(".state").inner_text()


def test_a_fuzzy_entry_shows_the_word_diff_and_approving_asks_first(server, page):
    workspace, url = server
    set_entry(workspace.project, "es", TARGET, flags=["fuzzy"], previous_msgid="Rest the knee for 12 hours.")
    card = open_review(page, url)
    diff = card.locator(".diff").first
    assert diff.locator("del").all_inner_texts() == ["12"] and diff.locator("ins").all_inner_texts() == ["24"]
    card.focus()
    page.keyboard.press("a")
    box = card.locator(".confirm")
    expect(box).to_be_visible()
    assert "fuzzy: the English source changed since it was translated" in box.inner_text()
    assert box.locator("del").inner_text() == "12" and box.locator("ins").inner_text() == "24"
    page.keyboard.press("a")  # a second `a` approves nothing: only the button does
    box.locator(".confirm-no").click()
    assert entry_state(catalog_entry(workspace)) == "fuzzy"
    page.keyboard.press("a")
    box.locator(".confirm-yes").click()
    page.wait_for_selector("text=Approved.")
    assert entry_state(catalog_entry(workspace)) == "approved"


# -- what reviewers expect --------------------------------------------------------------------------

def test_search_and_section_filter(server, page):
    _, url = server
    open_review(page, url, query="?filter=all")
    page.fill("input[name=q]", "ES: REST the knee")  # the translation, any case
    with page.expect_navigation():
        page.click(".find button")
    assert page.locator("article.entry").count() == 1
    assert page.locator("#progress").inner_text().split(" · ")[1] == "1 shown"
    page.fill("input[name=q]", "")
    page.select_option("select[name=section]", "Follow-Up")
    with page.expect_navigation():
        page.click(".find button")
    sections = page.locator("article.entry header").all_inner_texts()
    assert sections and all("› Follow-Up" in s for s in sections)
    assert "filter=all" in page.url and page.locator(".filters a[aria-current]").inner_text() == "all"


def test_the_history_comes_from_git(server, page):
    workspace, url = server
    root = workspace.project.root
    git(root, "init", "-q")
    commit_all(root, "Add the handout", "Tia Translator")
    set_entry(workspace.project, "es", TARGET, approved=True)
    commit_all(root, "Approve the knee handout", "Rita Reviewer")
    card = open_review(page, url, query="?filter=all")
    card.locator(".history summary").click()
    items = card.locator(".history li")
    expect(items).to_have_count(2)
    assert "Rita Reviewer: approved by Test Reviewer (2026-01-02T09:30Z)" in items.nth(0).inner_text()
    assert "Tia Translator: entry added" in items.nth(1).inner_text()


def test_translator_comments_are_shown_and_edited_and_the_approval_stays(server, page):
    workspace, url = server
    set_entry(workspace.project, "es", TARGET, approved=True, tcomment="numbers: none differ")
    card = open_review(page, url, query="?filter=all")
    assert card.locator(".notes-text").inner_text() == "numbers: none differ"
    card.locator(".edit-notes").click()
    card.locator("textarea.comments").fill("numbers: none differ\nAsked Dr. Ruiz about 'rodilla'")
    card.locator("button[data-action=comment]").click()
    page.wait_for_selector("text=Comments saved.")
    entry = catalog_entry(workspace)
    assert translator_notes(entry) == ["numbers: none differ", "Asked Dr. Ruiz about 'rodilla'"]
    assert entry_state(entry) == "approved" and read_approval(entry).who == "Test Reviewer"
    assert card.locator(".notes-text li").count() == 2


def test_the_progress_line_is_right_when_everything_is_approved(server, page):
    workspace, url = server
    set_entry(workspace.project, "es", TARGET, approved=True)
    open_review(page, url)
    total = page.locator("body").get_attribute("data-total")
    assert page.locator("#progress").inner_text().startswith(f"{total} of {total} approved · 0 shown")
    assert page.locator("main").inner_text() == "Nothing to review with this filter."


# -- back-translations never hold the page ----------------------------------------------------------

def test_back_translations_fill_in_while_the_page_is_already_there(project, reverse_packages, page, monkeypatch):
    made = BackTranslator.translate

    def slow(self, pairs):  # a reverse model a hundred times slower than the tiny one
        time.sleep(0.4)
        return made(self, pairs)

    monkeypatch.setattr(BackTranslator, "translate", slow)
    workspace = Workspace(project, packages_dir=reverse_packages)
    with running(workspace) as port:
        started = time.monotonic()
        open_review(page, f"http://127.0.0.1:{port}", name=None, query="?filter=all")
        shown = time.monotonic() - started
        wanted = page.locator("article.entry").count()
        assert wanted > 16 and shown < 1.5  # 3 batches of 8, 0.4 s each at least: the page did not wait
        progress = page.locator("#back-progress")
        assert f"of {wanted} ready (in progress)" in progress.inner_text()
        assert page.locator(".back.pending").count() > 0
        expect(progress).to_have_text(f"· Back-translations: {wanted} of {wanted} ready", timeout=20_000)
        assert page.locator(".back.pending").count() == 0
        cache = project.output / ".cache" / "backtranslations.es.json"
        assert len(json.loads(cache.read_text(encoding="utf-8"))) >= wanted
        mtime = cache.stat().st_mtime_ns
        started = time.monotonic()
        page.reload()  # cached ones show at once, and nothing is translated again
        assert page.locator(".back.pending").count() == 0
        assert page.locator(".back").count() == wanted and time.monotonic() - started < 1.5
        assert cache.stat().st_mtime_ns == mtime


def test_back_translation_is_shown_scored_and_cached(server, page):
    workspace, url = server
    card = open_review(page, url)
    back = card.locator(".back")
    expect(back).to_contain_text("Back-translation (chrF")
    assert "low" in back.get_attribute("class")  # nonsense from the tiny model scores low
    cache = workspace.project.output / ".cache" / "backtranslations.es.json"
    assert len(json.loads(cache.read_text(encoding="utf-8"))) >= 1
    mtime = cache.stat().st_mtime_ns
    page.reload()
    expect(page.locator(".back").first).to_contain_text("Back-translation (chrF")
    assert cache.stat().st_mtime_ns == mtime, "unchanged entries are not translated again"


# -- any screen, any reader -------------------------------------------------------------------------

def test_no_horizontal_scroll_at_400_px(server, browser):
    _, url = server
    context = browser.new_context(viewport={"width": 400, "height": 800})
    try:
        page = context.new_page()
        for path in ("/", f"/review/es/{DOCUMENT}?filter=all", f"/review/ar/{DOCUMENT}"):
            page.goto(url + path)
            assert page.locator('meta[name=viewport]').get_attribute("content") == "width=device-width, initial-scale=1"
            assert page.evaluate("document.documentElement.scrollWidth") <= 400, path
        for name in ("all", "required"):  # the filters wrap: every one can be seen and clicked
            link = page.locator(".filters a", has_text=name)
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 400
    finally:
        context.close()


def test_the_sticky_header_never_covers_the_current_entry(server, browser):
    workspace, url = server
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        open_review(page, url, language="ar")
        header = page.locator("header.top")
        cards = page.locator("article.entry")
        assert cards.count() > 10
        assert header.bounding_box()["height"] < 800 / 3

        def uncovered(index: int) -> bool:
            return cards.nth(index).bounding_box()["y"] >= header.bounding_box()["y"] + header.bounding_box()["height"]

        for index in range(1, cards.count()):
            page.keyboard.press("j")
            assert uncovered(index), index
        for index in range(cards.count() - 2, -1, -1):
            page.keyboard.press("k")
            assert uncovered(index), index
        # scrolled away by hand, the current entry is brought into view before any key acts on it
        page.mouse.wheel(0, 2500)
        for _ in range(50):
            if page.evaluate("window.scrollY") > 1000:
                break
            time.sleep(0.05)
        assert not uncovered(0)
        before = workspace.project.catalog_path("ar").read_bytes()
        page.keyboard.press("a")
        expect(cards.nth(0).locator(".message")).to_contain_text("press the key again")
        assert uncovered(0)
        assert workspace.project.catalog_path("ar").read_bytes() == before
    finally:
        context.close()


def test_each_text_box_has_its_own_label_and_translated_text_its_language(server, page):
    workspace, url = server
    glossary = workspace.project.glossary_path
    glossary.write_text(glossary.read_text(encoding="utf-8").replace('fr = "genou"', 'fr = "genou"\nar = "الركبة"'),
                        encoding="utf-8")
    workspace.glossary = workspace.glossary.load(glossary)
    set_entry(workspace.project, "ar", TARGET, msgstr="أرح الركبه لمدة ٢٤ ساعة.")  # not the glossary's term
    open_review(page, url, language="ar")
    labels = page.locator("textarea.translation").evaluate_all("boxes => boxes.map(b => b.getAttribute('aria-label'))")
    assert len(labels) == len(set(labels)) > 10
    assert f"Arabic translation of: {TARGET}" in labels
    assert page.locator("h1 span[lang=ar][dir=rtl]").inner_text() == "العربية"
    assert page.locator("textarea.translation:not([lang=ar][dir=rtl])").count() == 0
    card = page.locator("article.entry").filter(has_text=TARGET)
    assert card.locator(".terms span[lang=ar][dir=rtl]").inner_text() == "الركبة"
    warning = card.locator(".warnings li", has_text="glossary")
    assert warning.get_attribute("lang") == "en"
    assert warning.locator("span[lang=ar][dir=rtl]").inner_text() == "الركبة"


def test_axe_finds_no_wcag_violations(server, page):
    workspace, url = server
    set_entry(workspace.project, "es", "Apply ice", flags=["fuzzy"], tcomment="numbers: none",
              previous_msgid="Apply ice for 10 minutes every 2 hours while awake.")
    page.goto(url + "/")
    assert axe_violations(page) == []
    open_review(page, url, query="?filter=all")
    fuzzy = page.locator("article.entry").filter(has_text="Apply ice")
    fuzzy.locator("button[data-action=approve]").click()  # the confirmation box, open
    fuzzy.locator(".history summary").click()
    fuzzy.locator(".edit-notes").click()
    expect(page.locator(".back").first).to_contain_text("chrF")
    assert axe_violations(page) == []
    # axe is awake: the REQUIRED badge in its former colour (3.99:1 on white text) is a violation
    page.evaluate("document.querySelectorAll('.badge.required').forEach(b => { b.style.background = '#b86e00'; })")
    assert [v for v in axe_violations(page) if v.startswith("color-contrast")]
    open_review(page, url, language="ar", name=None)
    assert axe_violations(page) == []


def test_a_broken_catalog_leaves_the_other_languages_usable_in_the_browser(server, page):
    workspace, url = server
    catalog = workspace.project.catalog_path("fr")
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "FR: Rest', 'msgstr "FR: Rest\nbroken', 1),
                       encoding="utf-8")
    page.goto(url + "/")
    row = page.locator(".catalog-error")
    assert row.count() == 1 and "locales/fr/LC_MESSAGES/handouts.po:" in row.inner_text()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.click(f'a[href="/review/es/{DOCUMENT}"]')
    assert page.locator("article.entry").filter(has_text=TARGET).count() == 1
    response = page.goto(f"{url}/review/es/no-such-document")
    assert response.status == 404 and "no-such-document" in page.locator("main").inner_text()


def test_a_malformed_request_from_the_page_gets_a_json_error(server, page):
    workspace, url = server
    before = workspace.project.catalog_path("es").read_bytes()
    open_review(page, url)
    answers = page.evaluate("""async (token) => {
        const answers = [];
        for (const body of ["[]", "{", '{"action": "approve", "msgid": 1, "digest": "x"}']) {
            const response = await fetch("/api/es/entry", { method: "POST", body,
                headers: { "Content-Type": "application/json", "X-CSRF-Token": token } });
            answers.push([response.status, (await response.json()).error]);
        }
        return answers;
    }""", workspace.token)
    assert answers == [[400, "the request must be a JSON object"],
                       [400, answers[1][1]], [400, "msgid must be a text"]]
    assert answers[1][1].startswith("Failed to decode JSON object")
    assert workspace.project.catalog_path("es").read_bytes() == before


def test_writes_need_the_csrf_token_and_loopback(server):
    workspace, url = server
    request = urllib.request.Request(f"{url}/api/es/entry", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
    forged = urllib.request.Request(f"{url}/api/es/entry", data=b"{}", method="POST",
                                    headers={"X-CSRF-Token": workspace.token, "Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as cross:
        urllib.request.urlopen(forged)
    assert cross.value.code == 403
    assert url.startswith("http://127.0.0.1:")


def test_check_reports_low_back_translations_as_warnings_only(tmp_path, reverse_packages, capsys):
    from pipeline.cli import run

    project = make_project(tmp_path / "approved")  # every release entry approved: the gate passes
    code = run(["--root", str(project.root), "check", "--lang", "es", "--back-translate",
                "--packages-dir", str(reverse_packages)])
    out = capsys.readouterr().out
    assert code == 0  # warnings never fail the gate
    assert "warning: [back-translation] chrF" in out


# -- the picture in the README ------------------------------------------------------------------------

def test_the_arabic_review_page_as_the_readme_shows_it(server, browser, tmp_path_factory):
    """docs/workspace.png: the fixture's Arabic draft under review (UPDATE_SCREENSHOT=1 writes it)."""
    workspace, url = server
    project = workspace.project
    glossary = project.glossary_path
    glossary.write_text(glossary.read_text(encoding="utf-8").replace('fr = "genou"', 'fr = "genou"\nar = "الركبة"'),
                        encoding="utf-8")
    workspace.glossary = workspace.glossary.load(glossary)
    set_entry(project, "ar", TARGET, flags=["fuzzy"], previous_msgid="Rest the knee for 12 hours.",
              tcomment="Checked the numerals with the clinic's Arabic interpreter")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        card = open_review(page, url, language="ar")
        page.locator("#progress").click()  # nothing: keeps the focus off the fields
        expect(page.locator("#back-progress")).not_to_contain_text("in progress", timeout=20_000)
        entries = page.locator("article.entry")
        card = entries.filter(has_text=TARGET)
        index = int(card.get_attribute("data-index"))
        for _ in range(index):
            page.keyboard.press("j")
        assert axe_violations(page) == []
        artefacts = tmp_path_factory.getbasetemp() / "artefacts"
        artefacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artefacts / "workspace.png"), full_page=False)
        if os.environ.get("UPDATE_SCREENSHOT"):
            shutil.copy(artefacts / "workspace.png", REPO / "docs" / "workspace.png")
    finally:
        context.close()
    assert find_entry(project, "ar", TARGET).msgstr  # the picture changed nothing
