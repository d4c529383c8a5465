"""Tagged PDFs and large print, read back from real PDFs built from the tests' own project.

What is checked (there is no veraPDF here; README, "Accessibility of the PDFs"): the PDF is
tagged (``/MarkInfo /Marked true``, a ``/StructTreeRoot``), identifies itself as PDF/UA-1 in its
XMP metadata, carries ``/Lang`` and the page's title with ``DisplayDocTitle``, has an outline
from the headings; its structure holds H1, H2, L/LI/Lbl/LBody and the disclaimer's P in document
order; every marked-content sequence of every page carries an MCID that a structure element in
the tree holds, or is an ``/Artifact`` (the running footer, the preview's watermark); no text is
drawn outside marked content; and the structure, read in order, gives the page's text in its
logical order -- right-to-left Arabic included.  Large print: 18 pt body text, tagged the same,
the same words as the standard PDF.

Structure is read with pikepdf, text runs are decoded through each font's ``/ToUnicode`` map,
font sizes come from pypdf, and words from poppler's pdftotext.
"""

from __future__ import annotations

import collections
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from pipeline.build import build, output_paths, read_manifest, source_revision, verify
from pipeline.cli import run
from pipeline.config import Project
from pipeline.render import html_to_pdf

from .fixture import DISCLAIMER, SCRIPTS, find_entry, make_project, set_entry
from .pdfcheck import to_unicode

SLUG = "knee-care"
ALL_LANGUAGES = ("en", *SCRIPTS)
PREVIEWED = [lang for lang in SCRIPTS if SCRIPTS[lang] == "draft"]
RELEASED = [lang for lang in ALL_LANGUAGES if lang not in PREVIEWED]
KINDS = ("pdf", "large_pdf")
FLAG = "\u2691"  # the preview marks each unreviewed block with CSS generated content: " ⚑ state"


def with_large_print(project: Project, setting: str) -> Project:
    """The project with ``large_print = <setting>`` in its ``[tool.handouts]`` table."""
    path = project.root / "pyproject.toml"
    text = re.sub(r"(?m)^large_print = .*\n", "", path.read_text(encoding="utf-8"))
    path.write_text(text.replace("[tool.handouts]\n", f"[tool.handouts]\nlarge_print = {setting}\n", 1), encoding="utf-8")
    return Project.load(project.root)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Project, Path]:
    """The fixture project in every script, every language also in large print (``large_print =
    true``), built once."""
    project = make_project(tmp_path_factory.mktemp("tagged") / "p", languages=SCRIPTS)
    project = with_large_print(project, "true")
    report = build(project)
    assert not report.held and not report.refused
    return project, project.output


def built(output: Path, language: str, kind: str) -> Path:
    return output_paths(output, language, SLUG, language in PREVIEWED)[kind]


# -- reading the HTML page: what a reader of the printed page reads, in logical order -------------


class PageText(HTMLParser):
    """The page as printed: its title, language, headings, list items and text in document order,
    leaving out what print hides (the language switcher, the web footer) and what is
    ``aria-hidden`` (the preview's watermark)."""

    SKIPPED = ("languages",)  # not printed (the page footer holds the colophon, which is)

    def __init__(self, html: str):
        super().__init__()
        self.lang = ""
        self.title = ""
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []  # (h1|h2, text)
        self.items: list[str] = []  # every li's text
        self.lists = 0
        self.disclaimer = ""
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._open: dict[str, list[str]] = {}
        self.feed(html)

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag in ("meta", "link", "br", "img", "input"):
            return
        classes = (attrs.get("class") or "").split()
        skipped = (tag in ("head", "nav") or attrs.get("aria-hidden") == "true"
                   or any(name in classes for name in self.SKIPPED))
        self._stack.append((tag, skipped))
        if not self._skipping():
            if tag in ("ul", "ol"):
                self.lists += 1
            if tag in ("h1", "h2", "li") or "disclaimer" in classes:
                self._open["disclaimer" if "disclaimer" in classes else tag] = []

    def handle_endtag(self, tag):
        if not self._stack or self._stack[-1][0] != tag:
            return
        skipping = self._skipping()
        self._stack.pop()
        if skipping:
            return
        if tag in ("h1", "h2") and tag in self._open:
            self.headings.append((tag, squeeze("".join(self._open.pop(tag)))))
        elif tag == "li" and "li" in self._open:
            self.items.append(squeeze("".join(self._open.pop("li"))))
        elif tag == "p" and "disclaimer" in self._open:
            self.disclaimer = squeeze("".join(self._open.pop("disclaimer")))

    def handle_data(self, data):
        if self._stack and self._stack[-1][0] == "title":
            self.title += data
        if self._skipping():
            return
        self.text.append(data)
        for parts in self._open.values():
            parts.append(data)


def squeeze(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(text.split()))


def page_text(output: Path, language: str) -> PageText:
    return PageText(built(output, language, "html").read_text(encoding="utf-8"))


# -- reading the PDF: structure tree, marked content, text ----------------------------------------


@dataclass
class Marked:
    """A marked-content sequence of a page's content stream."""

    tag: str
    mcid: int | None
    properties: dict
    text: str = ""


@dataclass(eq=False)
class Element:
    """A structure element: its type, /Lang, /ActualText, and its content in order (elements and
    MCIDs)."""

    type: str
    lang: str | None
    actual: str | None = None
    kids: list = field(default_factory=list)  # Element | (page index, MCID)

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()

    def mcids(self, skip=()):
        for kid in self.kids:
            if isinstance(kid, Element):
                if kid.type not in skip:
                    yield from kid.mcids(skip)
            else:
                yield kid


class TaggedPdf:
    """A PDF's catalog, structure tree and marked content, read with pikepdf."""

    def __init__(self, path: Path):
        self.pdf = pikepdf.open(path)
        self.root = self.pdf.Root
        self.pages = list(self.pdf.pages)
        self.page_index = {page.obj.objgen: i for i, page in enumerate(self.pages)}
        self.marked: list[list[Marked]] = []  # per page, in content order
        self.outside: list[str] = []  # text drawn outside any marked-content sequence
        for page in self.pages:
            self._read_content(page)
        self.tree = self._element(self.root.StructTreeRoot, None) if "/StructTreeRoot" in self.root else None

    def _read_content(self, page) -> None:
        fonts = {str(name): to_unicode(font.ToUnicode.read_bytes().decode("latin-1")) if "/ToUnicode" in font else {}
                 for name, font in page.Resources.Font.items()}
        sequences: list[Marked] = []
        stack: list[Marked] = []
        font: dict[int, str] = {}
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf":
                font = fonts[str(operands[0])]
            elif op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" else {}
                properties = dict(properties) if isinstance(properties, pikepdf.Dictionary) else {}
                mcid = int(properties["/MCID"]) if "/MCID" in properties else None
                stack.append(Marked(str(operands[0]), mcid, {k: str(v) for k, v in properties.items()}))
                sequences.append(stack[-1])
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ", "'", '"'):
                strings = operands[-1] if op == "TJ" else [operands[-1]]
                text = "".join(font.get(int.from_bytes(bytes(s)[i:i + 2], "big"), "\ufffd")
                               for s in strings if isinstance(s, pikepdf.String) for i in range(0, len(bytes(s)), 2))
                if stack:
                    stack[-1].text += text
                else:
                    self.outside.append(text)
        self.marked.append(sequences)

    def _element(self, node, page: int | None) -> Element:
        if "/Pg" in node:
            page = self.page_index[node.Pg.objgen]
        element = Element(str(node.get("/S", "/StructTreeRoot"))[1:], str(node.Lang) if "/Lang" in node else None,
                          str(node.ActualText) if "/ActualText" in node else None)
        kids = node.get("/K")
        for kid in ([] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, int):
                element.kids.append((page, int(kid)))
            elif kid.get("/Type") == "/MCR":
                element.kids.append((self.page_index[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))
            elif kid.get("/Type") != "/OBJR":
                element.kids.append(self._element(kid, page))
        return element

    def text(self, mcid: tuple[int, int]) -> str:
        """The text a marked-content sequence draws, glyph by glyph, through /ToUnicode."""
        page, number = mcid
        return next(m.text for m in self.marked[page] if m.mcid == number)

    def runs(self, element: Element, skip=()):
        """The text runs of ``element`` in structure order, as assistive technology reads them:
        an element's /ActualText stands for its content."""
        if element.actual is not None:
            yield element.actual
            return
        for kid in element.kids:
            if isinstance(kid, Element):
                if kid.type not in skip:
                    yield from self.runs(kid, skip)
            else:
                yield self.text(kid)

    def element_text(self, element: Element, skip=("Lbl",)) -> str:
        return "".join(self.runs(element, skip))

    def outline(self) -> list[tuple[int, str]]:
        found = []
        with self.pdf.open_outline() as outline:
            def walk(items, depth):
                for item in items:
                    found.append((depth, squeeze(item.title)))
                    walk(item.children, depth + 1)
            walk(outline.root, 1)
        return found

    def parent_tree(self) -> dict[int, list]:
        nums = self.root.StructTreeRoot.ParentTree.Nums
        return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def every_pdf():
    return [(language, kind) for language in ALL_LANGUAGES for kind in KINDS]


# -- tagged PDFs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language, kind", every_pdf())
def test_pdf_is_tagged_pdf_ua_with_language_and_title(site, language, kind):
    output = site[1]
    page = page_text(output, language)
    pdf = TaggedPdf(built(output, language, kind))
    root = pdf.root
    assert root.MarkInfo.Marked is True
    assert pdf.tree is not None and [kid.type for kid in pdf.tree.kids] == ["Document"]
    assert str(root.Lang) == page.lang == {"zh_Hans": "zh-Hans"}.get(language, language)
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.pdf.docinfo.Title) == page.title and page.title
    if language in PREVIEWED:
        assert "[" in page.title and "]" in page.title  # "[Preview] %(title)s" as the language writes it
    with pdf.pdf.open_metadata() as xmp:
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["dc:title"] == page.title
    assert pdf.pdf.pdf_version == "1.7"
    assert all(str(p.Tabs) == "/S" for p in pdf.pages)  # annotations (the link) in structure order


@pytest.mark.parametrize("language, kind", every_pdf())
def test_outline_follows_the_headings(site, language, kind):
    output = site[1]
    headings = page_text(output, language).headings
    assert [h for h, _ in headings] == ["h1", "h2", "h2", "h2"]
    outline = TaggedPdf(built(output, language, kind)).outline()
    assert outline == [(int(h[1]), text) for h, text in headings]


@pytest.mark.parametrize("language, kind", every_pdf())
def test_headings_lists_and_disclaimer_are_structure_in_document_order(site, language, kind):
    output = site[1]
    page = page_text(output, language)
    pdf = TaggedPdf(built(output, language, kind))
    marks = ("NonStruct",) if language in PREVIEWED else ()  # a preview's " ⚑ state" after each block
    elements = list(pdf.tree.walk())
    headings = [e for e in elements if e.type in ("H1", "H2")]
    assert [(e.type.lower(), squeeze(pdf.element_text(e, skip=marks))) for e in headings] == page.headings
    # every list is an L of LI, each with a label (the bullet) and a body
    lists = [e for e in elements if e.type == "L"]
    items = [e for e in elements if e.type == "LI"]
    assert len(lists) >= page.lists == 2  # a list split by a page break is an L on each page
    assert all([kid.type for kid in item.kids] == ["Lbl", "LBody"] for item in items)
    assert all(kid.type == "LI" for element in lists for kid in element.kids)
    assert all(squeeze(pdf.element_text(item.kids[0])) == "\u2022" for item in items)  # the bullet
    bodies = [squeeze(pdf.element_text(item.kids[1], skip=marks)) for item in items]
    assert "".join(bodies) == "".join(page.items)  # an item split by a page break is an LI on each page
    # the order of headings and lists is the page's: H1, H2, L, H2 (the table), H2, L
    order = [e.type for e in elements if e.type in ("H1", "H2", "L")]
    joined = [t for i, t in enumerate(order) if not (t == "L" and i and order[i - 1] == "L")]  # split lists
    assert joined == ["H1", "H2", "L", "H2", "H2", "L"]
    # the disclaimer is a paragraph of its own, inside the main part, after the last list
    disclaimer = [e for e in elements if e.type == "P" and squeeze(pdf.element_text(e, skip=marks)) == page.disclaimer]
    assert len(disclaimer) == 1 and page.disclaimer
    parts = [e for e in elements if e.type == "Part"]  # <main>, one per page
    assert any(disclaimer[0] in list(part.walk()) for part in parts)
    assert elements.index(disclaimer[0]) > elements.index(lists[-1])
    if language != "en":
        assert page.disclaimer == squeeze(find_entry(site[0], language, DISCLAIMER).msgstr)


@pytest.mark.parametrize("language, kind", every_pdf())
def test_every_text_run_is_in_the_structure_or_an_artifact(site, language, kind):
    pdf = TaggedPdf(built(site[1], language, kind))
    assert pdf.outside == []  # no text outside marked content
    in_tree = set(pdf.tree.mcids())
    parents = pdf.parent_tree()
    for index, (page, sequences) in enumerate(zip(pdf.pages, pdf.marked)):
        slots = parents[int(page.StructParents)]
        numbered = [m for m in sequences if m.mcid is not None]
        assert numbered, "every page has tagged content"
        for marked in sequences:
            if marked.tag == "/Artifact":
                assert marked.mcid is None
                continue
            # anything else is a sequence with an MCID that an element in the tree holds,
            # and the page's ParentTree entry points back at that element
            assert marked.mcid is not None, marked
            assert (index, marked.mcid) in in_tree, marked
            assert slots[marked.mcid].get("/S") is not None
        assert len({m.mcid for m in numbered}) == len(numbered)
    assert in_tree == {(i, m.mcid) for i, seq in enumerate(pdf.marked) for m in seq if m.mcid is not None}


@pytest.mark.parametrize("language, kind", every_pdf())
def test_running_footer_and_watermark_are_artifacts(site, language, kind):
    project, output = site
    pdf = TaggedPdf(built(output, language, kind))
    footers = [m for seq in pdf.marked for m in seq if m.tag == "/Artifact" and m.properties.get("/Subtype") == "/Footer"]
    assert all(m.properties["/Type"] == "/Pagination" for m in footers)
    revision = source_revision(project, project.documents / f"{SLUG}.md")
    assert revision in squeeze("".join(m.text for m in footers))
    assert len(footers) == 2 * len(pdf.pages)  # revision and page number, on every page
    tagged = "".join(pdf.text(m) for m in pdf.tree.mcids())
    # the running footer is not read as part of the handout; the colophon (printed once) is
    assert squeeze(tagged).count(revision) == 1
    watermarks = [m for seq in pdf.marked for m in seq if m.properties.get("/Subtype") == "/Watermark"]
    if language in PREVIEWED:
        assert all(m.tag == "/Artifact" for m in watermarks)  # one run per language of the watermark
        assert all(any(m.properties.get("/Subtype") == "/Watermark" for m in seq) for seq in pdf.marked)  # every page
        assert "NOTREVIEWED" in squeeze("".join(m.text for m in watermarks))
        # said once, by the preview banner, in the language and in English
        assert squeeze("Preview: this translation has not been reviewed.") in squeeze(tagged)
    else:
        assert watermarks == []


@pytest.mark.parametrize("language, kind", every_pdf())
def test_structure_reads_in_the_logical_order_of_the_text(site, language, kind):
    """The structure, read in order, is the page's text in the order it is written -- for
    Arabic right to left, not the order its glyphs are drawn in.  List bullets (Lbl) and the
    preview's ⚑ marks are generated, not in the page's text."""
    output = site[1]
    expected = squeeze("".join(page_text(output, language).text))
    pdf = TaggedPdf(built(output, language, kind))
    read = squeeze("".join(run for run in pdf.runs(pdf.tree, skip=("Lbl",)) if FLAG not in run))
    assert read == expected


def test_arabic_is_drawn_in_visual_order_and_read_in_logical_order(site):
    """The check above means something for Arabic: the glyphs of an Arabic run are drawn in
    visual order, so the text /ToUnicode gives back is reversed (and a mark shared by several
    letters reads as one of them); the run's /ActualText has it as written."""
    output = site[1]
    pdf = TaggedPdf(built(output, "ar", "pdf"))
    h1 = next(e for e in pdf.tree.walk() if e.type == "H1")
    span = h1.kids[0]
    written = page_text(output, "ar").headings[0][1]
    drawn = squeeze(pdf.text(next(span.mcids())))
    assert squeeze(span.actual) == written and drawn == written[::-1]
    # Latin runs need no /ActualText: their glyphs give their text back as it is
    english = TaggedPdf(built(output, "en", "pdf"))
    assert all(e.actual is None for e in english.tree.walk())


def test_english_shown_in_another_language_is_marked_english(fixture_project, tmp_path):
    """An optional block without a publishable translation is shown in English: its structure
    element says so (/Lang en), as the preview banner's English line does."""
    project = fixture_project
    optional = "Rest the knee for 24 hours."
    set_entry(project, "es", optional, msgstr="")
    out = tmp_path / "out"
    assert build(project, ["es"], formats=["pdf"], output=out).held == []
    pdf = TaggedPdf(out / "handouts" / f"{SLUG}.es.pdf")
    assert str(pdf.root.Lang) == "es"
    english = [e for e in pdf.tree.walk() if e.lang == "en"]
    assert [(e.type, squeeze(pdf.element_text(e))) for e in english] == [("LI", squeeze(optional))]


def test_preview_banner_english_line_is_marked_english(site):
    pdf = TaggedPdf(built(site[1], "ar", "pdf"))
    english = [squeeze(pdf.element_text(e)) for e in pdf.tree.walk() if e.lang == "en"]
    assert squeeze("Preview: this translation has not been reviewed. Do not give it to patients.") in english


def test_the_checks_catch_an_untagged_pdf_and_weasyprints_detached_footer(site):
    """The structure checks can fail: an untagged PDF has no tree, and WeasyPrint's own tagging
    (without the pipeline's corrections) leaves the footer's text as marked content with MCIDs
    that no element of the tree holds."""
    import weasyprint

    project, output = site
    html = built(output, "es", "html").read_text(encoding="utf-8")
    untagged, _ = html_to_pdf(html, project.templates, tagging="untagged")
    path = output.parent / "untagged.pdf"
    path.write_bytes(untagged)
    assert TaggedPdf(path).tree is None and "/MarkInfo" not in TaggedPdf(path).root
    raw = weasyprint.HTML(string=html, base_url=str(project.templates) + "/").write_pdf(pdf_tags=True)
    path.write_bytes(raw)
    pdf = TaggedPdf(path)
    detached = {(i, m.mcid) for i, seq in enumerate(pdf.marked) for m in seq if m.mcid is not None} - set(pdf.tree.mcids())
    assert len(detached) == 2 and all("sha256" in pdf.text(m) or "1" in pdf.text(m) for m in detached)


# -- large print ----------------------------------------------------------------------------------


def font_sizes(path: Path) -> collections.Counter:
    """Characters drawn per effective font size in points (the size in Tf scaled by the text and
    current transformation matrices)."""
    sizes: collections.Counter = collections.Counter()

    def visit(text, cm, tm, font, size):
        if text.strip():
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes[round(size * (c * c + d * d) ** 0.5, 2)] += len(text.strip())

    for page in PdfReader(str(path)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_large_print_body_text_is_18_pt(site, language):
    output = site[1]
    standard, large = font_sizes(built(output, language, "pdf")), font_sizes(built(output, language, "large_pdf"))
    assert standard.most_common(1)[0][0] == 10.5
    assert large.most_common(1)[0][0] == 18.0
    body = {size for size in large if size != 34.0}  # 34 pt: the preview's watermark
    assert min(body) >= 12.0  # nothing smaller than the 12 pt footer
    assert max(body) > 18.0  # headings larger still
    assert len(PdfReader(str(built(output, language, "large_pdf"))).pages) > len(
        PdfReader(str(built(output, language, "pdf"))).pages)


def body_text(path: Path) -> str:
    """pdftotext of every page without its bottom margin (the running footer, whose page numbers
    differ between a one-page and a two-page PDF)."""
    pages = []
    for number, page in enumerate(PdfReader(str(path)).pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        pages.append(subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-x", "0", "-y", "0",
             "-W", str(int(width)), "-H", str(int(height - 45)), str(path), "-"],
            capture_output=True, text=True, check=True).stdout)
    return "\n".join(pages)


@pytest.mark.parametrize("language", RELEASED)
def test_large_print_has_the_same_words_as_the_standard_pdf(site, language):
    output = site[1]
    standard, large = body_text(built(output, language, "pdf")), body_text(built(output, language, "large_pdf"))
    assert squeeze(standard) == squeeze(large) and len(squeeze(standard)) > 200
    if language != "zh_Hans":  # Chinese has no spaces between words: lines break anywhere
        assert standard.split() == large.split()


def test_large_print_preview_has_the_same_text_as_the_standard_preview(site):
    """pdftotext cannot compare the Arabic preview (the watermark's letters land among the words,
    once per page), so its tagged text is compared."""
    output = site[1]
    standard, large = TaggedPdf(built(output, "ar", "pdf")), TaggedPdf(built(output, "ar", "large_pdf"))
    assert squeeze("".join(standard.runs(standard.tree))) == squeeze("".join(large.runs(large.tree)))


def test_large_print_follows_the_setting_and_is_removed_when_no_longer_asked_for(fixture_project, capsys):
    """``large_print = ["es", "ar"]``: Spanish and the Arabic preview get a large-print PDF
    (recorded in the manifest, linked from their index pages), English and French do not; taken
    out of the setting, it is removed; ``build --large-print`` makes it for every language."""
    project = with_large_print(fixture_project, '["es", "ar"]')
    assert project.large_print == ("es", "ar") and project.wants_large_print("es") and not project.wants_large_print("fr")
    output = project.output
    build(project)
    large = {lang: output_paths(output, lang, SLUG, lang == "ar")["large_pdf"] for lang in ("en", "es", "fr", "ar")}
    assert {lang for lang, path in large.items() if path.is_file()} == {"es", "ar"}
    assert large["es"].name == f"{SLUG}.es.large.pdf" and large["ar"].name == f"{SLUG}.ar.large.preview.pdf"
    manifest = read_manifest(output)["outputs"]
    record = manifest[f"handouts/{SLUG}.es.large.pdf"]
    assert record["kind"] == "pdf" and record["large_print"] is True and record["language"] == "es"
    assert record["sha256"] and "pdf/ua-1" in record["renderer"]
    assert manifest[f"preview/handouts/{SLUG}.ar.large.preview.pdf"]["release"] == "preview"
    assert "large_print" not in manifest[f"handouts/{SLUG}.es.pdf"]
    index = (output / "site" / "es" / "index.html").read_text(encoding="utf-8")
    label = find_entry(project, "es", "Large print (PDF)").msgstr
    assert f'href="../../handouts/{SLUG}.es.large.pdf" type="application/pdf">{label}</a>' in index
    assert "large.pdf" not in (output / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert f"{SLUG}.ar.large.preview.pdf" in (output / "preview" / "site" / "ar" / "index.html").read_text(encoding="utf-8")
    assert verify(project) == []

    project = with_large_print(project, '["ar"]')
    report = build(project)
    assert large["es"] in report.removed and not large["es"].exists() and large["ar"].is_file()
    assert f"handouts/{SLUG}.es.large.pdf" not in read_manifest(output)["outputs"]
    assert "large.pdf" not in (output / "site" / "es" / "index.html").read_text(encoding="utf-8")
    assert verify(project) == []

    assert run(["--root", str(project.root), "build", "--large-print", "-q"]) == 0
    assert all(path.is_file() for path in large.values())
    assert run(["--root", str(project.root), "build", "-q"]) == 0  # the setting alone again
    assert {lang for lang, path in large.items() if path.is_file()} == {"ar"}
    capsys.readouterr()


@pytest.mark.parametrize("setting, message", [
    ('"yes"', "large_print must be true, false or a list of language codes"),
    ("[1]", "large_print must be true, false or a list of language codes"),
    ('["../x"]', "not a language code"),
])
def test_large_print_setting_is_checked(fixture_project, capsys, setting, message):
    with_large_print_text = (fixture_project.root / "pyproject.toml").read_text(encoding="utf-8").replace(
        "[tool.handouts]\n", f"[tool.handouts]\nlarge_print = {setting}\n", 1)
    (fixture_project.root / "pyproject.toml").write_text(with_large_print_text, encoding="utf-8")
    assert run(["--root", str(fixture_project.root), "build", "-q"]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml" in err and message in err
