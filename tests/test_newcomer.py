"""What a newcomer meets: messages that say what was skipped and why, on the tests' own project."""

from __future__ import annotations

import pytest

from pipeline.cli import run

from .fixture import find_entry, make_project, set_entry


def test_bulk_approval_names_the_required_drafts_it_skipped(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release"}, approve=[])
    set_entry(project, "es", "FDA Notice:", flags=["fuzzy"], tcomment="machine-draft: argos-translate x 1.0")
    capsys.readouterr()
    assert run(["--root", str(project.root), "approve", "--lang", "es", "--document", "knee-care",
                "--reviewer", "Ana Ruiz"]) == 0
    captured = capsys.readouterr()
    line = find_entry(project, "es", "FDA Notice:").linenum  # as the catalog stands after the approvals
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: REQUIRED, draft, skipped: machine draft" in captured.out
    assert ("(1 skipped: they need to be approved one at a time); required entries among them keep knee-care "
            "held back in es until they are") in captured.err


@pytest.mark.parametrize("typed, meant", [("pt-BR", "pt_BR"), ("ES", "es"), ("zh-hans", "zh_Hans"), ("es_mx", "es_MX")])
def test_init_suggests_gettexts_spelling_and_creates_nothing(tmp_path, capsys, typed, meant):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    before = sorted(p.name for p in project.locales.iterdir())
    capsys.readouterr()
    assert run(["--root", str(project.root), "init", typed]) == 2
    assert f"error: write the language code as {meant!r}" in capsys.readouterr().err
    assert sorted(p.name for p in project.locales.iterdir()) == before


def test_a_hyphenated_code_elsewhere_names_the_spelling(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    capsys.readouterr()
    assert run(["--root", str(project.root), "build", "--lang", "pt-BR"]) == 2
    assert "not a language code: 'pt-BR'; catalog folders use gettext's spelling, 'pt_BR'" in capsys.readouterr().err


def test_status_columns_stay_aligned_with_a_long_document_name_and_say_what_required_counts(tmp_path, capsys):
    from .fixture import DATA

    long_name = tmp_path / "aftercare-for-a-knee-injection-with-platelet-rich-plasma.md"
    long_name.write_text((DATA / "knee-care.md").read_text(encoding="utf-8").replace(
        "slug: knee-care", f"slug: {long_name.stem}"), encoding="utf-8")
    project = make_project(tmp_path / "p", languages={"es": "release"}, documents=[long_name])
    capsys.readouterr()
    assert run(["--root", str(project.root), "status", "--lang", "es"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("document"))
    rows = [line for line in lines if line.startswith(f"  {long_name.stem}") and ("(required)" in line or "released" in line)]
    assert len(rows) == 2
    end = header.index("entries") + len("entries") - 1
    for row in rows:  # each count ends where its column's heading ends, however long the name
        assert row[end] != " " and row[end + 1] == " ", (header, row)
    assert any("counts all its entries, the required ones included" in line for line in lines)


def test_the_threshold_error_names_the_entries_behind_it(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    line = set_entry(project, "es", "Rest the knee", msgstr="ES: Descanse la rodilla 24 horas.")
    capsys.readouterr()
    assert run(["--root", str(project.root), "check", "--lang", "es"]) == 1
    out = capsys.readouterr().out
    assert f"must be; not approved, by line: {line} (stale)" in out


def test_a_long_unbroken_word_wraps_inside_the_pdf_page(tmp_path):
    """Every word pdftotext finds lies inside the page (without the wrap, the word ran past the
    right edge: measured 598 pt on a 595 pt A4 page)."""
    import re
    import subprocess

    word = "Pseudo" + "x" * 150 + "word"
    project = make_project(tmp_path / "p", languages={"es": "release"})
    set_entry(project, "es", "Some stiffness is normal.", approved=True,
              msgstr=f"ES: {word}. See the [FDA safety page](https://www.fda.gov/safety) for general advice.")
    assert run(["--root", str(project.root), "build", "-q", "--lang", "es"]) == 0
    pdf = str(project.output / "handouts" / "knee-care.es.pdf")
    boxes = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right < width - 30, (right, width)  # inside the right margin (16 mm, about 45 pt)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert word in "".join(text.split()), "every letter is still there, across lines"


def test_the_index_of_languages_counts_no_handouts(tmp_path):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    assert run(["--root", str(project.root), "build", "-q", "--format", "html"]) == 0
    top = (project.output / "site" / "index.html").read_text(encoding="utf-8")
    spanish = (project.output / "site" / "es" / "index.html").read_text(encoding="utf-8")
    assert 'class="handout-count"' not in top  # its items are languages
    assert 'class="handout-count"' in spanish
