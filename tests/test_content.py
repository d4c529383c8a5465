"""The clinic's content, judged as it stands: whatever documents, catalogs and languages the project
has, never a count or a string of them.  Every catalog is well formed for the GNU tools and in
their layout, the template and catalogs are current, every document reads and marks what is
required, and a document made from one of the clinic's seeds keeps its words.

Whether the content is ready for release (translated, approved, checked) is the release gate's
question (`make check`, which CI runs after the tests), not these tests'.

The project judged is the repository, or the folder that ``HANDOUTS_PROJECT_ROOT`` names
(tests/test_adding_content.py points it at a copy to which a document and a language were added
the README's way).  Run them alone with ``pytest -m content``; ``make test`` runs them with the rest.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from pipeline.catalog import load_po, po_to_text
from pipeline.checks import Glossary
from pipeline.cli import run
from pipeline.config import Project
from pipeline.document import read_document

from .fixture import copy_content

pytestmark = pytest.mark.content

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("HANDOUTS_PROJECT_ROOT") or REPO).resolve()
PROJECT = Project.load(ROOT)
DOCUMENTS = PROJECT.document_paths()
CATALOGS = [PROJECT.template_path] + [PROJECT.catalog_path(language) for language in PROJECT.languages()]
# The clinic's own texts, beside the repository when it travels with them (../shared/seeds).
SEEDS = REPO.parent / "shared" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def shown(path: Path) -> str:
    return PROJECT.relative(path)


def test_there_is_content_to_judge():
    assert DOCUMENTS, f"no document in {shown(PROJECT.documents)}"
    assert PROJECT.template_path.is_file(), f"no template: run 'handouts extract' in {ROOT}"


@pytest.mark.parametrize("path", CATALOGS, ids=shown)
def test_catalog_passes_msgfmt_check(path):
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=shown)
def test_catalog_is_in_gnu_layout(path):
    """``msgcat FILE`` reproduces the file byte for byte, and so does the pipeline's load-and-save."""
    data = path.read_bytes()
    assert subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout == data
    assert po_to_text(load_po(path), str(path)).encode("utf-8") == data


@pytest.mark.parametrize("path", DOCUMENTS, ids=shown)
def test_document_reads_and_marks_a_required_block(path):
    document = read_document(path.read_text(encoding="utf-8"), shown(path))
    assert document.slug == path.stem
    assert document.blocks and any(block.required for block in document.blocks)


def test_template_and_catalogs_are_current(tmp_path):
    """On a copy, `handouts extract` and `handouts update` change no byte: every document's text is in the
    template, and every catalog has every entry of the template (nobody forgot `make update`)."""
    copy = copy_content(PROJECT, tmp_path / "copy")
    files = [copy.template_path] + [copy.catalog_path(language) for language in copy.languages()]
    before = {copy.relative(path): path.read_bytes() for path in files}
    assert run(["--root", str(copy.root), "extract"]) == 0
    assert run(["--root", str(copy.root), "update"]) == 0
    changed = [name for name, data in before.items() if (copy.root / name).read_bytes() != data]
    assert changed == [], "not current: run 'make update' (handouts extract, then handouts update)"
    template = [(e.msgctxt, e.msgid) for e in load_po(copy.template_path)]
    for language in copy.languages():
        live = [(e.msgctxt, e.msgid) for e in load_po(copy.catalog_path(language)) if not e.obsolete]
        assert sorted(live, key=str) == sorted(template, key=str), language


def test_the_pipeline_reads_every_document_catalog_and_the_glossary(tmp_path, capsys):
    Glossary.load(PROJECT.glossary_path)
    copy = copy_content(PROJECT, tmp_path / "copy")
    assert run(["--root", str(copy.root), "status"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    for language in PROJECT.languages():
        assert language in out


@pytest.mark.skipif(not SEED_FILES, reason="shared/seeds is not beside the repository")
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.name)
def test_a_document_made_from_a_clinic_seed_has_its_words_word_for_word(seed):
    """Every line of the clinic's seed is one block of the document that names it (in its front
    matter: ``shared/seeds/<file>``), unchanged, in order, after the title."""
    citing = [path for path in DOCUMENTS
              if re.search(rf"shared/seeds/{re.escape(seed.name)}\b", path.read_text(encoding="utf-8"))]
    if not citing:
        pytest.skip(f"no document names {seed.name}")
    assert len(citing) == 1, f"{seed.name} is named by {[shown(p) for p in citing]}"
    document = read_document(citing[0].read_text(encoding="utf-8"), shown(citing[0]))
    expected = [line.removeprefix("- ").strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert document.texts()[1:] == expected


@pytest.fixture(scope="module")
def content_build(tmp_path_factory) -> Path:
    """Whatever the project releases and previews, built once (pages and PDFs)."""
    output = tmp_path_factory.mktemp("content-build")
    assert run(["--root", str(ROOT), "build", "-q", "--skip-incomplete", "--output", str(output)]) == 0
    return output


def test_every_pdf_says_where_it_came_from(content_build):
    """Each PDF's colophon, read back with pdftotext: the source revision, and for a translation
    the catalog state it was built from -- the values the release manifest records -- and for a
    release the approving reviewers' names as recorded."""
    import json

    manifest = json.loads((content_build / "release.json").read_text(encoding="utf-8"))
    pdfs = {rel: record for rel, record in manifest["outputs"].items() if record["kind"] == "pdf"}
    assert pdfs, "the project builds no PDF"
    for rel, record in pdfs.items():
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(content_build / rel), "-"],
                              capture_output=True, text=True, check=True).stdout
        flat = re.sub(r"[\s\u202a-\u202e]+", "", text)  # lines wrap; right-to-left runs carry bidi marks
        assert record["source_revision"] in flat, rel
        if record["catalog_sha256"]:
            assert record["catalog_sha256"][:12] in flat, rel
        for reviewer in (record["approvals"] or {}).get("reviewers", []):
            assert re.sub(r"\s+", "", reviewer) in flat, (rel, reviewer)
