"""Every handout says where it came from (its colophon), in its own language, from the same data
the release manifest records; a sample approval and a preview say so.  And no template puts
punctuation or spacing around a translated string: labels are whole messages."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.catalog import LanguageCatalog
from pipeline.cli import run
from pipeline.model import approve, entry_documents, is_sample_approval, live_entries

from .fixture import APPROVED_AT, REPO, make_project


class Colophon(HTMLParser):
    """The text of the page's colophon, and of its warning lines."""

    def __init__(self, html: str):
        super().__init__()
        self.depth = 0
        self.warning = False
        self.text: list[str] = []
        self.warnings: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "colophon":
            self.depth = 1
        elif self.depth:
            self.depth += 1
            self.warning = attrs.get("class") == "colophon-warning"

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.warning = False

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.warning:
                self.warnings.append(data.strip())


def colophon(path: Path) -> Colophon:
    return Colophon(path.read_text(encoding="utf-8"))


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def reapprove(project, language: str, reviewer: str) -> None:
    """Approve every entry of the document and the templates again, in another reviewer's name."""
    folder = project.relative(project.documents)

    def change(po):
        for entry in live_entries(po):
            if set(entry_documents(entry, folder)) & {"knee-care", "(templates)"}:
                approve(entry, reviewer, APPROVED_AT)

    LanguageCatalog(project, language).modify(change)


def test_the_sample_rule_reads_the_record():
    assert is_sample_approval("Project maintainers, sample approval without medical review")
    assert is_sample_approval("Clinic staff (not a medical review)")
    assert is_sample_approval("Front desk, without medical review")
    assert not is_sample_approval("Ana Ruiz, RN")
    assert not is_sample_approval("Dr. Samples")  # a name, not the word "sample"


def test_a_release_says_who_approved_it_and_when_and_what_it_was_built_from(tmp_path):
    project = make_project(tmp_path / "p", languages={"es": "release", "ar": "draft"})
    assert run(["--root", str(project.root), "build", "-q"]) == 0
    manifest = json.loads((project.output / "release.json").read_text(encoding="utf-8"))
    record = manifest["outputs"]["handouts/knee-care.es.pdf"]
    page = colophon(project.output / "site" / "es" / "knee-care.html")
    text = " ".join(" ".join(page.text).split())
    assert "ES: Translation approved by Test Reviewer; latest approval on 2 de enero de 2026." in text
    assert f"ES: Translation catalog: {record['catalog_sha256'][:12]}" in text
    assert f"ES: Source revision: {record['source_revision']}" in text
    assert page.warnings == [], "a reviewer's approval is no sample"
    pdf = " ".join(pdftotext(project.output / "handouts" / "knee-care.es.pdf").split())
    assert f"ES: Translation catalog: {record['catalog_sha256'][:12]}" in pdf  # the colophon is printed too

    english = colophon(project.output / "site" / "en" / "knee-care.html")
    assert " ".join(" ".join(english.text).split()) == f"Source revision: {record['source_revision']}"

    preview = colophon(project.output / "preview" / "site" / "ar" / "knee-care.html")
    assert preview.warnings == ["لم تتم المراجعة: هذه معاينة لمسودة ترجمة."]  # tests/data/translations/ar.po


def test_a_sample_approval_is_said_visibly_on_the_page_and_in_the_pdf(tmp_path):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    reapprove(project, "es", "Clinic volunteers, sample approval")
    assert run(["--root", str(project.root), "build", "-q"]) == 0
    page = colophon(project.output / "site" / "es" / "knee-care.html")
    warning = ("ES: This approval is a sample, not a medical review: have the translation reviewed by a qualified "
               "medical translator before giving it to patients.")
    assert page.warnings == [warning]
    assert "Clinic volunteers, sample approval" in " ".join(page.text)
    assert warning in " ".join(pdftotext(project.output / "handouts" / "knee-care.es.pdf").split())
    manifest = json.loads((project.output / "release.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]["handouts/knee-care.es.pdf"]["approvals"]["sample"] is True


def test_reviewers_are_listed_as_the_language_lists(tmp_path):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    folder = project.relative(project.documents)

    def two_reviewers(po):
        for index, entry in enumerate(e for e in live_entries(po) if "knee-care" in entry_documents(e, folder)):
            approve(entry, "Ana Ruiz" if index % 2 else "Li Wei", APPROVED_AT)

    LanguageCatalog(project, "es").modify(two_reviewers)
    assert run(["--root", str(project.root), "build", "-q", "--format", "html"]) == 0
    text = " ".join(" ".join(colophon(project.output / "site" / "es" / "knee-care.html").text).split())
    assert "approved by Ana Ruiz, Li Wei y Test Reviewer;" in text  # Babel's Spanish list: "A, B y C"


# -- punctuation belongs to the translation ----------------------------------------------------------

# A translated string in a template: {{ _("...") }} (with filters) or a {% trans %} block.
CALL = re.compile(r"\{\{-?\s*_\((?:[^{}]|\{[^{}]*\})*?\)\s*(?:\|[^{}]*)?-?\}\}"
                  r"|\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
# Punctuation a language writes its own way (ASCII quotes and braces are HTML and Jinja syntax).
PUNCTUATION = set(":;,.!?·-–—[]()«»“”")


def separators(template: str) -> list[str]:
    """Punctuation a template writes right before or after a translated string."""
    found = []
    for match in CALL.finditer(template):
        if "css_content" in match.group(0):  # a CSS value: its ':' and ';' are CSS syntax
            continue
        before = template[:match.start()].rstrip(" \t")
        after = template[match.end():].lstrip(" \t")
        if before and before[-1] in PUNCTUATION:
            found.append(before[-1] + match.group(0)[:20])
        if after and after[0] in PUNCTUATION:
            found.append(match.group(0)[-20:] + after[0])
    return found


TEMPLATES = sorted((REPO / "source" / "templates").glob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_puts_punctuation_around_a_translated_string(path):
    assert separators(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("bad", [
    '<span>{{ _("Language") }}:</span>',
    '<title>[{{ _("Preview") }}] {{ page.title }}</title>',
    '<li>{{ item.title }} · {{ _("Printable handout (PDF)") }}</li>',
    '<p>{% trans %}Page{% endtrans %}: 1</p>',
])
def test_the_punctuation_check_can_fail(bad):
    assert separators(bad) != []
