"""One release decision: the build publishes exactly what the gate passes, the release tree is
exactly the current release (manifest, index pages, switchers, removal of what no longer
qualifies), and `handouts verify` re-checks it.  All on the tests' own fixture project."""

from __future__ import annotations

import hashlib
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from pipeline.build import MANIFEST, build
from pipeline.cli import run
from pipeline.config import Project
from pipeline.release import decide

from .fixture import REVIEWER, find_entry, make_project, set_entry

REQUIRED = "FDA Notice:"  # the fixture's required disclaimer
OPTIONAL = "Some stiffness is normal."  # an optional paragraph with a link


def cli(project: Project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


class Links(HTMLParser):
    """Every href (a, link) and src of a page, and the languages of its switcher."""

    def __init__(self, text: str):
        super().__init__()
        self.targets: list[str] = []
        self.alternates: dict[str, str] = {}
        self.switcher: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.targets.append(attrs[name])
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "a" and "hreflang" in attrs:
            self.switcher.append(attrs["hreflang"])


def tree(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for sub in ("site", "handouts", "preview")
            for p in (output / sub).rglob("*") if p.is_file()}


def broken_links(output: Path) -> list[str]:
    """Relative links of every page that point at no file of the tree."""
    broken = []
    for page in output.rglob("*.html"):
        for target in Links(page.read_text(encoding="utf-8")).targets:
            if urlsplit(target).scheme:
                continue
            path = (page.parent / urldefrag(target)[0]).resolve()
            if not path.is_file():
                broken.append(f"{page.relative_to(output)} -> {target}")
    return broken


@pytest.fixture
def built(fixture_project):
    out = fixture_project.output
    assert cli(fixture_project, "build", "-q") == 0
    return fixture_project, out


# -- the decision ---------------------------------------------------------------------------------


def test_gate_build_and_status_share_one_decision(fixture_project, capsys):
    set_entry(fixture_project, "es", REQUIRED, approved=True, msgstr="ES: FDA Notice: *Este tratamiento no está aprobado por la FDA.")
    release = decide(fixture_project)
    pair = release.pair("knee-care", "es")
    assert pair.kind == "held" and [b.state for b in pair.blocking] == ["approved"]
    assert "fails error-level checks (markup)" in pair.blocking[0].reason
    assert release.pair("knee-care", "fr").kind == "release"
    assert release.pair("knee-care", "ar").kind == "preview"

    assert cli(fixture_project, "check") == 1
    out = capsys.readouterr().out
    assert "[required] required entry is approved, but fails error-level checks (markup): it is not published" in out
    assert "es: held back: knee-care" in out and "fr: released: knee-care" in out
    assert cli(fixture_project, "status", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    builds = {(l["language"], d["document"]): d["build"] for l in data["languages"] for d in l["documents"]}
    assert builds[("es", "knee-care")] == "held" and builds[("fr", "knee-care")] == "release"
    assert cli(fixture_project, "build", "-q") == 1
    assert not (fixture_project.output / "site" / "es" / "knee-care.html").exists()
    assert (fixture_project.output / "site" / "fr" / "knee-care.html").exists()


def test_an_approved_optional_entry_with_an_error_falls_back_to_english(fixture_project, capsys):
    line = set_entry(fixture_project, "es", "Rest the knee", approved=True, msgstr="ES: Rest the *knee for 24 hours.")
    assert cli(fixture_project, "build", "--format", "html") == 0
    err = capsys.readouterr().err
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: approved, but fails error-level checks (markup)" in err
    page = (fixture_project.output / "site" / "es" / "knee-care.html").read_text(encoding="utf-8")
    assert "*knee" not in page
    assert '<li lang="en" dir="ltr">Rest the knee for 24 hours.</li>' in page
    manifest = json.loads((fixture_project.output / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["outputs"]["site/es/knee-care.html"]["source_fallbacks"] == 1


# -- the release tree -----------------------------------------------------------------------------


def test_release_tree_holds_exactly_the_releasable_pairs(built):
    project, out = built
    assert tree(out) == {
        "site/index.html", "site/en/index.html", "site/es/index.html", "site/fr/index.html",
        "site/en/knee-care.html", "site/es/knee-care.html", "site/fr/knee-care.html",
        "handouts/knee-care.en.pdf", "handouts/knee-care.es.pdf", "handouts/knee-care.fr.pdf",
        "preview/site/ar/index.html", "preview/site/ar/knee-care.html", "preview/handouts/knee-care.ar.preview.pdf",
    }
    assert broken_links(out) == []
    preview = Links((out / "preview" / "site" / "ar" / "knee-care.html").read_text(encoding="utf-8"))
    assert preview.alternates["es"] == "../../../site/es/knee-care.html"
    release = Links((out / "site" / "es" / "knee-care.html").read_text(encoding="utf-8"))
    assert set(release.alternates) == {"en", "es", "fr", "x-default"} and "ar" not in release.switcher


def test_what_no_longer_qualifies_is_removed_and_every_page_agrees(built, capsys):
    project, out = built
    line = set_entry(project, "es", REQUIRED, msgstr="ES: FDA Notice: changed after approval by the FDA.")
    assert cli(project, "build", "-q") == 1
    err = capsys.readouterr().err
    assert "error: knee-care (es) is held back: 1 required entry is not publishable" in err
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: its approval is stale" in err
    files = tree(out)
    assert not {f for f in files if "/es/" in f or ".es." in f}, files
    for page in ("site/en/knee-care.html", "site/fr/knee-care.html", "site/fr/index.html",
                 "preview/site/ar/knee-care.html"):
        links = Links((out / page).read_text(encoding="utf-8"))
        assert "es" not in links.alternates and "es" not in links.switcher, page
    assert broken_links(out) == []
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["held_back"] == [{
        "document": "knee-care", "language": "es",
        "blocking": [{"catalog": "locales/es/LC_MESSAGES/handouts.po", "line": line, "state": "stale",
                      "reason": "its approval is stale: the source or translation changed since it was approved",
                      "source": find_entry(project, "es", REQUIRED).msgid}],
    }]
    assert cli(project, "verify") == 0

    set_entry(project, "es", REQUIRED, approved=True)  # approved again: back in every switcher
    assert cli(project, "build", "-q", "--skip-incomplete") == 0
    assert (out / "site" / "es" / "knee-care.html").is_file()
    assert "es" in Links((out / "site" / "fr" / "knee-care.html").read_text(encoding="utf-8")).alternates


def test_a_changed_english_source_holds_the_language_back_until_approved_again(built, capsys):
    project, out = built
    document = project.documents / "knee-care.md"
    text = document.read_text(encoding="utf-8")
    document.write_text(text.replace("for every use described here", "for any use described here"), encoding="utf-8")
    assert cli(project, "extract") == 0 and cli(project, "update") == 0
    capsys.readouterr()
    assert cli(project, "build", "-q") == 1
    assert "knee-care (es) is held back" in capsys.readouterr().err
    assert not (out / "handouts" / "knee-care.es.pdf").exists() and not (out / "site" / "es").exists()
    assert (out / "handouts" / "knee-care.en.pdf").exists()


def test_skip_incomplete_builds_the_rest_and_exits_0(fixture_project, capsys):
    set_entry(fixture_project, "es", REQUIRED, msgstr="")
    assert cli(fixture_project, "build", "-q", "--format", "html", "--skip-incomplete") == 0
    assert "warning: knee-care (es) is held back" in capsys.readouterr().err
    assert (fixture_project.output / "site" / "fr" / "knee-care.html").exists()


def test_manifest_records_digests_revision_catalog_and_approvals(built):
    project, out = built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    catalog = project.catalog_path("es")
    record = manifest["outputs"]["handouts/knee-care.es.pdf"]
    assert record["sha256"] == hashlib.sha256((out / "handouts" / "knee-care.es.pdf").read_bytes()).hexdigest()
    assert record["catalog_sha256"] == hashlib.sha256(catalog.read_bytes()).hexdigest()
    assert record["source_revision"].startswith("sha256-")  # the fixture is not a git repository
    approvals = record["approvals"]
    assert approvals["reviewers"] == [REVIEWER] and approvals["latest"] == "2026-01-02T09:30Z"
    shown = [e for e in decide(project).languages["es"].verdicts
             if {"knee-care", "(templates)"} & set(e.documents)]  # the page: its blocks and the template's strings
    assert approvals["count"] == len(shown)
    assert manifest["catalogs"]["es"] == {"path": "locales/es/LC_MESSAGES/handouts.po", "status": "release",
                                          "sha256": record["catalog_sha256"]}
    assert manifest["outputs"]["preview/handouts/knee-care.ar.preview.pdf"]["release"] == "preview"
    for rel, item in manifest["outputs"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == item["sha256"], rel


def test_verify_finds_tampering_strays_and_changed_sources(built, capsys):
    project, out = built
    assert cli(project, "verify") == 0
    assert "verify: the release tree matches build/release.json" in capsys.readouterr().out
    pdf = out / "handouts" / "knee-care.fr.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%tampered\n")
    (out / "site" / "es" / "old-handout.html").write_text("stale", encoding="utf-8")
    assert cli(project, "verify") == 1
    report = capsys.readouterr().out
    assert "build/handouts/knee-care.fr.pdf: changed since the build (SHA-256 differs from the manifest)" in report
    assert "build/site/es/old-handout.html: not part of the release (not in the manifest)" in report
    assert cli(project, "build", "-q") == 0  # a build restores the tree
    assert not (out / "site" / "es" / "old-handout.html").exists()
    assert cli(project, "verify") == 0
    set_entry(project, "fr", "Rest the knee", msgstr="FR: Reposez le genou pendant 24 heures.")
    capsys.readouterr()
    assert cli(project, "verify") == 1
    assert "locales/fr/LC_MESSAGES/handouts.po: changed since the release was built: build again" in capsys.readouterr().out


def test_verify_without_a_manifest_is_a_usage_error(fixture_project, capsys):
    assert cli(fixture_project, "verify") == 2
    assert "build/release.json: error: no release manifest: run 'handouts build' first" in capsys.readouterr().err


def test_a_second_build_writes_nothing_and_a_catalog_edit_reprints_only_its_pdf(built):
    project, out = built
    report = build(project)
    assert report.written == [] and report.removed == []
    set_entry(project, "fr", "Rest the knee", approved=True, msgstr="FR: Reposez le genou pendant 24 heures.")
    report = build(project)
    written = {p.relative_to(out).as_posix() for p in report.written}
    assert written == {"site/fr/knee-care.html", "handouts/knee-care.fr.pdf"}


def test_a_second_document_and_language_are_indexed(tmp_path):
    from .fixture import DOCUMENT, SECOND_DOCUMENT

    project = make_project(tmp_path / "p", languages={"de": "release", "pt_BR": "release"},
                           documents=[DOCUMENT, SECOND_DOCUMENT])
    assert cli(project, "build", "-q", "--format", "html") == 0
    out = project.output
    index = Links((out / "site" / "pt_BR" / "index.html").read_text(encoding="utf-8"))
    assert {"knee-care.html", "wound-care.html"} <= set(index.targets)
    assert set(Links((out / "site" / "index.html").read_text(encoding="utf-8")).targets) >= {
        "en/index.html", "de/index.html", "pt_BR/index.html"}
    assert broken_links(out) == []


# -- make ----------------------------------------------------------------------------------------


def test_make_handouts_builds_the_rest_and_fails_while_a_language_is_held_back(fixture_project):
    import os
    import shutil

    from .fixture import REPO

    root = fixture_project.root
    shutil.copy2(REPO / "Makefile", root / "Makefile")
    os.symlink(REPO / ".venv", root / ".venv")
    set_entry(fixture_project, "es", REQUIRED, msgstr="")
    make = lambda *args: subprocess.run(["make", "-C", str(root), "-o", ".venv/.installed", "-o", "system-deps",
                                         "handouts", *args], capture_output=True, text=True)
    first = make()
    assert first.returncode != 0
    assert "knee-care (es) is held back" in first.stderr
    assert "locales/es/LC_MESSAGES/handouts.po:" in first.stderr
    assert (root / "build" / "handouts" / "knee-care.fr.pdf").exists()
    assert not (root / "build" / "handouts" / "knee-care.es.pdf").exists()
    assert make("SKIP_INCOMPLETE=1").returncode == 0
    assert make().returncode != 0, "skipping once does not make a held-back language pass later"
    set_entry(fixture_project, "es", REQUIRED, approved=True, msgstr="ES: FDA Notice: aviso de la FDA.")
    assert make().returncode == 0
    assert (root / "build" / "handouts" / "knee-care.es.pdf").exists()
    again = make()
    assert again.returncode == 0 and "handouts build" not in again.stdout, again.stdout
