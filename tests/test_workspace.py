"""The reviewer workspace, end to end in a real browser: Debian's Chromium driven headless by
Playwright, against the server running on 127.0.0.1, on the tests' own project (tests/fixture.py)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline.catalog import load_po
from pipeline.models import install_package
from pipeline.model import entry_state, read_approval
from pipeline.workspace import Workspace, serve

from .fixture import REPO, set_entry
from .tiny_argos import build_tiny_package

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
TARGET = "Rest the knee for 24 hours."
DOCUMENT = "knee-care"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reverse_packages(tmp_path, fixture_project) -> Path:
    """A tiny real es -> en package, trained on the fixture's Spanish catalog: back-translations
    in nonsense, deterministically."""
    lines = [e.msgstr for e in load_po(fixture_project.catalog_path("es")) if e.msgstr]
    archive = build_tiny_package(tmp_path / "argos", lines, "es", "en")
    folder = tmp_path / "packages"
    install_package(archive, folder)
    return folder


@pytest.fixture
def server(fixture_project, reverse_packages):
    set_entry(fixture_project, "es", TARGET, tcomment="")  # awaiting review
    workspace = Workspace(fixture_project, packages_dir=reverse_packages)
    httpd = serve(workspace)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield workspace, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def open_review(page, url: str, name: str | None = "Ana Ruiz"):
    page.goto(f"{url}/review/es/{DOCUMENT}")
    if name:
        page.fill("#reviewer-name", name)
        page.click("#reviewer-form button")
    return page.locator("article.entry").filter(has_text=TARGET)


def test_edit_and_approve_in_the_browser(server, page, tmp_path_factory):
    workspace, url = server
    card = open_review(page, url)
    assert card.count() == 1
    assert "review" in card.locator(".state").inner_text()
    card.locator("textarea").fill("Descanse la rodilla durante 24 horas")
    card.locator("textarea").press("Control+Enter")
    page.wait_for_selector("text=Saved and approved.")
    entry = load_po(workspace.project.catalog_path("es")).find(TARGET)
    assert entry.msgstr == "Descanse la rodilla durante 24 horas"
    assert entry_state(entry) == "approved" and read_approval(entry).who == "Ana Ruiz"
    assert "approved" in page.locator("#progress").inner_text()
    assert "Back-translation (chrF" in card.locator(".back").inner_text()  # shown after the write too
    artefacts = tmp_path_factory.getbasetemp() / "artefacts"
    artefacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artefacts / "workspace.png"), full_page=False)
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(artefacts / "workspace.png", REPO / "docs" / "workspace.png")


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
    card.locator("textarea").fill("Mi versión en el navegador")
    # meanwhile a translator saves the same entry in Poedit
    set_entry(workspace.project, "es", TARGET, msgstr="Versión guardada en Poedit")
    card.locator("button[data-action=save-approve]").click()
    page.wait_for_selector("text=changed on disk since the page was loaded")
    card = page.locator("article.entry").filter(has_text=TARGET)
    assert card.locator("textarea").input_value() == "Versión guardada en Poedit"
    assert "Mi versión en el navegador" in card.locator(".mine").inner_text()  # nothing the reviewer typed is lost
    entry = load_po(workspace.project.catalog_path("es")).find(TARGET)
    assert entry.msgstr == "Versión guardada en Poedit" and read_approval(entry) is None


def test_keyboard_shortcuts_send_back(server, page):
    workspace, url = server
    card = open_review(page, url)
    card.locator("textarea").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    page.wait_for_selector("text=Sent back to the translator")
    entry = load_po(workspace.project.catalog_path("es")).find(TARGET)
    assert "fuzzy" in entry.flags


def test_a_translation_holding_script_is_shown_as_text(server, page):
    workspace, url = server
    hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    set_entry(workspace.project, "es", TARGET, msgstr=hostile)
    card = open_review(page, url)
    assert card.locator("textarea").input_value() == hostile
    assert page.evaluate("window.__pwned") is None
    assert "unsafe-markup" in card.locator(".warnings").inner_text()
    page.goto(f"{url}/preview/es/{DOCUMENT}")
    assert page.evaluate("window.__pwned") is None
    assert "<script>window.__pwned" in page.locator("main").inner_text()


def test_preview_is_a_click_away_and_watermarked(server, page):
    _, url = server
    open_review(page, url)
    with page.context.expect_page() as opened:
        page.click("a.preview-link")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator(".watermark").count() == 1
    assert preview.locator(".unreviewed").filter(has_text="ES: Rest the knee").count() == 1


def test_back_translation_is_shown_scored_and_cached(server, page):
    workspace, url = server
    card = open_review(page, url)
    back = card.locator(".back")
    assert "Back-translation (chrF" in back.inner_text()
    assert "low" in back.get_attribute("class")  # nonsense from the tiny model scores low
    cache = workspace.project.output / ".cache" / "backtranslations.es.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert len(data) >= 1
    mtime = cache.stat().st_mtime_ns
    page.reload()
    assert cache.stat().st_mtime_ns == mtime, "unchanged entries are not translated again"


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


def test_check_reports_low_back_translations_as_warnings_only(fixture_project, reverse_packages, capsys):
    from pipeline.cli import run

    code = run(["--root", str(fixture_project.root), "check", "--lang", "es", "--back-translate",
                "--packages-dir", str(reverse_packages)])
    out = capsys.readouterr().out
    assert code == 0  # warnings never fail the gate
    assert "warning: [back-translation] chrF" in out
