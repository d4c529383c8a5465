"""Plural entries carried end to end: merged as GNU msgmerge merges them, drafted, checked, edited
and rendered form by form."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.catalog import LanguageCatalog, canonical_text, load_po
from pipeline.cli import run
from pipeline.config import Project
from pipeline.model import (
    DRAFT_TAG,
    State,
    entry_state,
    is_fuzzy,
    is_machine_text,
    machine_draft,
    plural_examples,
    read_approval,
    view_digest,
)
from pipeline.update import merge_template

from .fixture import find_entry, make_project, set_entry

MERGE_CASES = Path(__file__).parent / "golden" / "merge-plurals"
CASES = sorted(p.name for p in MERGE_CASES.iterdir() if p.is_dir())


def msgmerge(old: Path, template: Path) -> str:
    """The real GNU ``msgmerge --previous``, written back by msgcat as the pipeline writes."""
    merged = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(old), str(template)],
                            capture_output=True, text=True, check=True).stdout
    return canonical_text(merged, "msgmerge")


# -- merge ----------------------------------------------------------------------------------------


def test_every_language_and_case_is_there():
    assert len(CASES) == 15, CASES
    assert {case.rsplit("-", 1)[1] for case in CASES} == {"es", "ru", "vi"}


@pytest.mark.parametrize("case", CASES)
def test_merge_matches_msgmerge_byte_for_byte(case):
    """A new plural entry; a plural entry fuzzy-matching a singular one; a singular that became
    plural and a plural that became singular (same msgid); a changed msgid_plural, a plural entry
    with an empty first form (no fuzzy candidate), a fuzzy entry without a previous source -- in
    languages with 2, 3 and 1 plural forms (tests/golden/merge-plurals/make.py writes them)."""
    folder = MERGE_CASES / case
    ours = merge_template(folder / "old.po", folder / "new.pot", "old.po")
    gnu = msgmerge(folder / "old.po", folder / "new.pot")
    assert ours == gnu
    assert ours.encode("utf-8") == (folder / "expected.po").read_bytes()


def test_a_new_plural_entry_gets_one_empty_form_per_plural_form():
    for language, count in (("es", 2), ("ru", 3), ("vi", 1)):
        folder = MERGE_CASES / f"new-plural-{language}"
        text = merge_template(folder / "old.po", folder / "new.pot", "old.po")
        assert [f'msgstr[{k}] ""' in text for k in range(count + 1)] == [True] * count + [False]


# -- the fixture project with plural template strings ------------------------------------------------

HANDOUTS = "%(count)s handout in this language"  # source/templates/index.html, in every fixture project
SPANISH = {0: "%(count)s folleto en este idioma", 1: "%(count)s folletos en este idioma"}


def cli(project: Project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def add_template_strings(project: Project, markup: str) -> None:
    """Put more strings on the fixture's index page, then extract and update as a project would."""
    index = project.templates / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("</main>", markup + "\n</main>"), encoding="utf-8")
    assert cli(project, "extract") == 0
    assert cli(project, "update") == 0


def plural_entries(project: Project, language: str) -> dict[str, object]:
    return {e.msgid: e for e in load_po(project.catalog_path(language)) if e.msgid_plural and not e.obsolete}


def test_the_fixture_has_the_index_plural_in_every_catalog(tmp_path):
    project = make_project(tmp_path / "p")
    for language, count in (("es", 2), ("fr", 2), ("ar", 6)):
        entry = find_entry(project, language, HANDOUTS)
        assert entry.msgid_plural == "%(count)s handouts in this language"
        assert len(entry.msgstr_plural) == count


# -- drafting, form by form, with the tiny Argos package ------------------------------------------

PLAIN_CORPUS = [  # no digits, braces or markup: the tiny model's nonsense passes every check
    "Keep the dressing dry and clean.",
    "Rest your knee and raise it on a pillow.",
    "Call the clinic if the pain gets worse.",
    "Every handout in this language was reviewed.",
    "Several handouts are ready to print here.",
]
DRAFTED_PLURALS = (
    '<p>{% trans count=page["items"]|length %}One handout here{% pluralize %}Several handouts here{% endtrans %}</p>\n'
    # (unlike anything in the catalog: GNU's merge would otherwise give it a fuzzy match)
    '<p>{% trans count=page["items"]|length %}One stitch to remove{% pluralize %}{{ count }} stitches to remove'
    "{% endtrans %}</p>"
)


@pytest.fixture(scope="module")
def tiny_es(tmp_path_factory) -> Path:
    from .tiny_argos import build_tiny_package

    return build_tiny_package(tmp_path_factory.mktemp("argos"), PLAIN_CORPUS, "en", "es")


@pytest.fixture
def packages(tmp_path, tiny_es) -> Path:
    from pipeline.models import install_package

    folder = tmp_path / "packages"
    install_package(tiny_es, folder)
    return folder


def test_a_plural_entry_is_drafted_form_by_form_and_a_lost_placeholder_in_one_form_is_not_written(
        tmp_path, packages, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    add_template_strings(project, DRAFTED_PLURALS)
    assert cli(project, "draft", "--lang", "es", "--packages-dir", str(packages), "-q") == 0
    err = capsys.readouterr().err
    entries = plural_entries(project, "es")

    drafted = entries["One handout here"]
    forms = [drafted.msgstr_plural[k] for k in sorted(drafted.msgstr_plural)]
    assert len(forms) == 2 and all(text.strip() for text in forms), forms
    assert is_fuzzy(drafted) and entry_state(drafted) == State.DRAFT and is_machine_text(drafted)
    assert f"{DRAFT_TAG} argos-translate translate-en_es 1.0; text-sha256=" in drafted.tcomment
    assert machine_draft(drafted).digest is not None and not machine_draft(drafted).edited

    # the singular form has no placeholder and drafts; the plural form's %(count)s is lost by the
    # tiny model, so the whole entry stays untranslated and is reported
    broken = entries["One stitch to remove"]
    assert broken.msgstr_plural == {0: "", 1: ""} and not is_fuzzy(broken) and DRAFT_TAG not in broken.tcomment
    catalog = LanguageCatalog(project, "es").shown
    assert f"{catalog}:{broken.linenum}: warning: draft not written (" in err
    assert "placeholder '%(count)s' missing" in err
    # the index plural the fixture translated is a person's work: untouched
    assert find_entry(project, "es", HANDOUTS).msgstr_plural == {0: "ES: " + HANDOUTS, 1: "ES: %(count)s handouts in this language"}


class Labelled:
    """Stands in for a model: returns each sentence marked, tokens kept, so each form's source shows."""

    provenance = "identity test 0"

    def translate(self, sentences):
        return [f"«{s}»" for s in sentences]


def test_each_form_is_drafted_from_the_source_its_numbers_read():
    """Arabic uses form 1 for n = 1: that form is drafted from the singular, the five others from
    the plural (the form for n = 1 is not always form 0)."""
    import polib

    from pipeline.checks import Glossary
    from pipeline.draft import draft_catalog

    po = polib.POFile()
    po.metadata = {"Language": "ar", "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && "
                                   "n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);"}
    po.append(polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days", flags=["python-format"],
                            msgstr_plural={k: "" for k in range(6)}))
    report = draft_catalog(po, "ar", Labelled(), Glossary([], {}))
    assert not report.broken
    assert po[0].msgstr_plural == {0: "«%(n)s days»", 1: "«%(n)s day»", 2: "«%(n)s days»", 3: "«%(n)s days»",
                                   4: "«%(n)s days»", 5: "«%(n)s days»"}


# -- checked per form -------------------------------------------------------------------------------


@pytest.mark.parametrize(("forms", "finding"), [
    ({0: SPANISH[0], 1: "folletos en este idioma"}, "[placeholders] placeholder(s) missing: %(count)s"),
    ({0: SPANISH[0], 1: "%(count)s folletos en este idioma (2)"}, "[numbers] number not in the source: 2"),
], ids=["placeholder-lost-in-form-1", "number-added-in-form-1"])
def test_a_broken_second_form_fails_the_gate_in_a_release_language(tmp_path, capsys, forms, finding):
    project = make_project(tmp_path / "p")
    line = set_entry(project, "es", HANDOUTS, msgstr_plural=forms, approved=True)
    capsys.readouterr()
    assert cli(project, "check") == 1
    out = capsys.readouterr().out
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: error: {finding}" in out
    assert "check: FAILED: es" in out


def test_a_good_plural_passes_and_a_form_too_many_is_an_error_naming_the_line(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    line = set_entry(project, "es", HANDOUTS, msgstr_plural=SPANISH, approved=True)
    assert cli(project, "check") == 0
    path = project.catalog_path("es")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'msgstr[1] "{SPANISH[1]}"\n', f'msgstr[1] "{SPANISH[1]}"\nmsgstr[2] "{SPANISH[1]}"\n'),
                    encoding="utf-8")
    capsys.readouterr()
    assert cli(project, "check") == 2
    err = capsys.readouterr().err
    assert f"handouts.po:{line}: error: entry has 3 plural forms; the header says nplurals=2" in err


# -- edited per form: the terminal review -----------------------------------------------------------


def pending_plural(tmp_path, forms=None) -> Project:
    """The fixture project with its Spanish index plural awaiting review (no approval record)."""
    project = make_project(tmp_path / "p")
    set_entry(project, "es", HANDOUTS, msgstr_plural=forms or {0: "ES: uno", 1: "ES: varios"}, tcomment="")
    assert entry_state(find_entry(project, "es", HANDOUTS)) == State.REVIEW
    return project


def test_the_terminal_review_edits_each_plural_form_then_approves(tmp_path, monkeypatch, capsys):
    import io

    project = pending_plural(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"e\n{SPANISH[0]}\n{SPANISH[1]}\na\n"))
    assert cli(project, "review", "es", "--document", "(templates)", "--reviewer", "Ana Ruiz") == 0
    out = capsys.readouterr().out
    assert "New form [0] (used for n = 1) (empty line keeps it): " in out
    assert "New form [1] (used for n = 0, 2–12, …) (empty line keeps it): " in out
    entry = find_entry(project, "es", HANDOUTS)
    assert entry.msgstr_plural == SPANISH
    assert entry_state(entry) == State.APPROVED and read_approval(entry).who == "Ana Ruiz"
    assert "1 approved; 1 reviewed" in out


def test_the_terminal_review_keeps_a_form_left_empty_and_edits_with_the_editor(tmp_path, monkeypatch, capsys):
    import io

    project = pending_plural(tmp_path, dict(SPANISH))
    # an empty answer keeps form [0]; form [1] is edited
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("e\n\n%(count)s hojas en este idioma\ns\n"))
    assert cli(project, "review", "es", "--document", "(templates)", "--reviewer", "Ana Ruiz") == 0
    assert find_entry(project, "es", HANDOUTS).msgstr_plural == {0: SPANISH[0], 1: "%(count)s hojas en este idioma"}
    # $VISUAL opens each form in turn, with the form's numbers and source as comments
    monkeypatch.setenv("VISUAL", "sed -i s/hojas/folletos/")
    monkeypatch.setattr("sys.stdin", io.StringIO("e\nq\n"))
    assert cli(project, "review", "es", "--document", "(templates)", "--reviewer", "Ana Ruiz") == 0
    entry = find_entry(project, "es", HANDOUTS)
    assert entry.msgstr_plural == SPANISH and entry_state(entry) == State.REVIEW


def test_edit_forms_labels_every_arabic_form_with_its_numbers(monkeypatch):
    import io

    import polib

    from pipeline.interactive import edit_forms

    header = ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
              "n%100>=0 && n%100<=2 ? 4 : 5);")
    entry = polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr_plural={k: "" for k in range(6)})
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    answers = [f"%(n)s form{k}" for k in range(6)]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(a + "\n" for a in answers)))
    assert edit_forms(entry, header) == answers
    assert plural_examples(header, 6)[:3] == ["n = 0", "n = 1", "n = 2"]


# -- edited per form: the workspace -----------------------------------------------------------------


def test_the_workspace_saves_every_form_and_refuses_a_wrong_count(tmp_path):
    from pipeline.errors import PipelineError
    from pipeline.workspace import Workspace

    project = pending_plural(tmp_path)
    workspace = Workspace(project, packages_dir=None)
    entries, _counts = workspace.entries("es", "(templates)", "pending")
    (shown,) = [e for e in entries if e["msgid"] == HANDOUTS]
    assert [(f["label"], f["source"], f["text"]) for f in shown["forms"]] == [
        ("n = 1", HANDOUTS, "ES: uno"), ("n = 0, 2–12, …", "%(count)s handouts in this language", "ES: varios")]
    request = {"action": "save", "msgctxt": None, "msgid": HANDOUTS, "digest": shown["digest"]}
    with pytest.raises(PipelineError, match="this entry has 2 plural forms, not 1"):
        workspace.act("es", {**request, "forms": [SPANISH[0]]})
    assert find_entry(project, "es", HANDOUTS).msgstr_plural == {0: "ES: uno", 1: "ES: varios"}
    saved = workspace.act("es", {**request, "forms": [SPANISH[0], SPANISH[1]]})
    assert [f["text"] for f in saved["forms"]] == [SPANISH[0], SPANISH[1]] and saved["state"] == State.REVIEW
    assert find_entry(project, "es", HANDOUTS).msgstr_plural == SPANISH
    approved = workspace.act("es", {"action": "approve", "msgctxt": None, "msgid": HANDOUTS, "digest": saved["digest"],
                                    "reviewer": "Ana Ruiz"})
    assert approved["state"] == State.APPROVED and approved["published"]


def test_the_workspace_over_http_saves_every_form(tmp_path):
    import http.client
    import json
    import threading

    from pipeline.workspace import Workspace, serve

    project = pending_plural(tmp_path)
    workspace = Workspace(project, packages_dir=None)
    httpd = serve(workspace)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        host = f"127.0.0.1:{httpd.server_address[1]}"
        digest = view_digest(find_entry(project, "es", HANDOUTS))
        body = json.dumps({"action": "save-approve", "msgctxt": None, "msgid": HANDOUTS, "digest": digest,
                           "forms": [SPANISH[0], SPANISH[1]], "reviewer": "Ana Ruiz"}).encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", httpd.server_address[1], timeout=10)
        conn.request("POST", "/api/es/entry", body=body, headers={
            "Host": host, "Origin": f"http://{host}", "X-CSRF-Token": workspace.token,
            "Content-Type": "application/json"})
        response = conn.getresponse()
        answer = json.loads(response.read().decode("utf-8"))
        conn.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert response.status == 200, answer
    assert [f["text"] for f in answer["entry"]["forms"]] == [SPANISH[0], SPANISH[1]]
    entry = find_entry(project, "es", HANDOUTS)
    assert entry.msgstr_plural == SPANISH and read_approval(entry).who == "Ana Ruiz"


# -- rendered ---------------------------------------------------------------------------------------

ANKLE = """---
title: Ankle care
slug: ankle-care
last_reviewed: 2026-01-15
---

# Ankle care

Rest the ankle and keep it raised.

{.required}
Call the clinic if the swelling gets worse.
"""
ARABIC_MARKED = {k: f"AR form {k}: %(count)s" for k in range(6)}


@pytest.mark.parametrize(("documents", "spanish", "english", "arabic"), [
    (1, "1 folleto en este idioma", "1 handout in this language", "AR form 1: 1"),
    (2, "2 folletos en este idioma", "2 handouts in this language", "AR form 2: 2"),
])
def test_the_index_page_shows_the_form_for_the_number_of_documents(tmp_path, documents, spanish, english, arabic):
    from pipeline.build import build

    from .fixture import DOCUMENT

    ankle = tmp_path / "ankle-care.md"
    ankle.write_text(ANKLE, encoding="utf-8")
    project = make_project(tmp_path / "p", documents=[DOCUMENT, ankle][:documents])
    set_entry(project, "es", HANDOUTS, msgstr_plural=SPANISH, approved=True)
    # French (a release language) has a translation nobody approved yet: not publishable
    set_entry(project, "fr", HANDOUTS, tcomment="",
              msgstr_plural={0: "%(count)s fiche dans cette langue", 1: "%(count)s fiches dans cette langue"})
    set_entry(project, "ar", HANDOUTS, msgstr_plural=ARABIC_MARKED)  # a draft: shown in its preview
    output = tmp_path / "out"
    report = build(project, ["es", "fr", "ar"], formats=["html"], output=output)
    assert not report.held

    def count_line(page: Path) -> str:
        html = page.read_text(encoding="utf-8")
        start = html.index('<p class="handout-count">') + len('<p class="handout-count">')
        return html[start:html.index("</p>", start)]

    assert count_line(output / "site" / "es" / "index.html") == spanish
    assert count_line(output / "site" / "fr" / "index.html") == english
    assert "fiche" not in (output / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert count_line(output / "preview" / "site" / "ar" / "index.html") == arabic
    assert len(list((output / "site" / "es").glob("*.html"))) == documents + 1  # the pages and the index


# -- edited per form: in the browser ----------------------------------------------------------------


def test_the_browser_shows_one_labelled_box_per_form_and_saves_both(tmp_path, browser):
    """Debian's Chromium, headless, driven by Playwright against the workspace on 127.0.0.1."""
    import threading

    from pipeline.workspace import Workspace, serve

    project = pending_plural(tmp_path)
    httpd = serve(Workspace(project, packages_dir=None))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/review/es/(templates)")
        card = page.locator("article.entry").filter(has_text=HANDOUTS)
        assert card.count() == 1
        assert card.locator(".form-label").all_inner_texts() == [
            f"Form [0], used for n = 1: {HANDOUTS}",
            "Form [1], used for n = 0, 2–12, …: %(count)s handouts in this language"]
        boxes = card.locator("textarea")
        assert boxes.count() == 2
        assert [boxes.nth(k).get_attribute("aria-label") for k in range(2)] == [
            f"Spanish translation of: {HANDOUTS}, form 0 (n = 1)",
            f"Spanish translation of: {HANDOUTS}, form 1 (n = 0, 2–12, …)"]
        assert [boxes.nth(k).input_value() for k in range(2)] == ["ES: uno", "ES: varios"]
        boxes.nth(0).fill(SPANISH[0])
        boxes.nth(1).fill(SPANISH[1])
        card.locator("button[data-action=save]").click()
        page.wait_for_selector("text=Saved.")
        card = page.locator("article.entry").filter(has_text=HANDOUTS)
        assert [card.locator("textarea").nth(k).input_value() for k in range(2)] == [SPANISH[0], SPANISH[1]]
    finally:
        page.close()
        httpd.shutdown()
        httpd.server_close()
    entry = find_entry(project, "es", HANDOUTS)
    assert entry.msgstr_plural == SPANISH and entry_state(entry) == State.REVIEW
    text = project.catalog_path("es").read_text(encoding="utf-8")
    assert f'msgstr[0] "{SPANISH[0]}"\nmsgstr[1] "{SPANISH[1]}"\n' in text
