"""Reading PDFs back: which fonts are embedded, whether they cover what they print, and the text
layer as ``pdftotext`` reads it.

A PDF's text is shown with glyphs of fonts.  A composite (Type 0) font's content-stream codes
become CIDs through its ``/Encoding`` (``/Identity-H``: the code is the CID; or an embedded CMap),
and a CIDFontType2 (TrueType) descendant's CIDs become glyph numbers through its
``/CIDToGIDMap`` (``/Identity``, or a stream of two-byte glyph numbers indexed by CID).  The
font's ``/ToUnicode`` map says which text each code stands for.  A character is covered when the
glyph that prints it exists in the embedded font program and has an outline.  (Checking the
subset's ``cmap`` instead would fail on Arabic, whose letters are printed with contextual forms
the ``cmap`` does not list.)  A glyph the fonts lack shows up as glyph 0 (``.notdef``), a glyph
number past the end of the font, or an empty glyph that takes up room (an empty box).  An empty
glyph without advance is no missing glyph: Nastaliq's shaping leaves zero-width placeholders
(Noto Nastaliq Urdu's ``NullMk``, ``sp0``) in a cluster whose letters its other glyphs draw.

A ``/ToUnicode`` entry may map a code to no text at all (``<0c1f> <>``): WeasyPrint writes that for
a glyph that is part of a cluster whose text another glyph carries (a vowel sign drawn before its
consonant).  Such a glyph prints no character.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.DOTALL)
_CIDCHAR = re.compile(r"begincidchar(.*?)endcidchar", re.DOTALL)
_CIDRANGE = re.compile(r"begincidrange(.*?)endcidrange", re.DOTALL)
# one source code and its destination, which may be empty (<>), in a bfchar block
_PAIR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
# a bfrange line: <lo> <hi> then <first destination> or [<dst> <dst> ...]
_RANGE = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(?:<([0-9a-fA-F]*)>|\[([^\]]*)\])")
_HEX = re.compile(r"<([0-9a-fA-F]*)>")


def _decode_utf16(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")


def to_unicode(cmap_text: str) -> dict[int, str]:
    """A ``/ToUnicode`` CMap: character code -> text (``""`` for a code mapped to no text)."""
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap_text):
        for code, text in _PAIR.findall(block):
            mapping[int(code, 16)] = _decode_utf16(text)
    for block in _BFRANGE.findall(cmap_text):
        for low, high, first, array in _RANGE.findall(block):
            codes = range(int(low, 16), int(high, 16) + 1)
            if array:
                for code, text in zip(codes, _HEX.findall(array)):
                    mapping[code] = _decode_utf16(text)
            else:
                base = _decode_utf16(first)
                for offset, code in enumerate(codes):
                    mapping[code] = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
    return mapping


def _encoding(font) -> Callable[[int], int]:
    """Code -> CID for a Type 0 font: ``/Identity-H`` (or V), or an embedded CMap's cidchar and
    cidrange entries (a code it does not list is CID 0, ``.notdef``)."""
    encoding = font.get("/Encoding")
    if encoding is None or not hasattr(encoding.get_object(), "get_data"):
        return lambda code: code
    text = encoding.get_object().get_data().decode("latin-1")
    cids: dict[int, int] = {}
    for block in _CIDCHAR.findall(text):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block):
            cids[int(code, 16)] = int(cid)
    for block in _CIDRANGE.findall(text):
        for low, high, first in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                cids[code] = int(first) + offset
    return lambda code: cids.get(code, 0)


def _cid_to_gid(descendant) -> Callable[[int], int]:
    """CID -> glyph number: a CIDFontType2's ``/CIDToGIDMap`` (``/Identity`` or absent: the same
    number; a stream: the two-byte big-endian glyph number at 2 x CID, 0 past its end).  Other
    descendants (CIDFontType0, CFF outlines) number glyphs by CID."""
    if str(descendant.get("/Subtype")) != "/CIDFontType2":
        return lambda cid: cid
    mapping = descendant.get("/CIDToGIDMap")
    if mapping is None or not hasattr(mapping.get_object(), "get_data"):
        return lambda cid: cid
    data = mapping.get_object().get_data()
    return lambda cid: int.from_bytes(data[2 * cid:2 * cid + 2], "big") if 2 * cid + 2 <= len(data) else 0


@dataclass
class FontReport:
    name: str
    embedded: bool
    printed: set[str] = field(default_factory=set)
    uncovered: set[str] = field(default_factory=set)


def font_reports(pdf: Path | bytes) -> list[FontReport]:
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    reports: dict[str, FontReport] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            if name in reports:
                continue
            composite = "/DescendantFonts" in font
            descendant = font["/DescendantFonts"][0].get_object() if composite else font
            descriptor = descendant["/FontDescriptor"].get_object()
            program = next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor), None)
            report = reports[name] = FontReport(name, program is not None)
            if "/ToUnicode" not in font:
                continue
            mapping = to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
            report.printed = {ch for text in mapping.values() for ch in text}
            if program is None:
                report.uncovered = set(report.printed)
                continue
            ttfont = TTFont(io.BytesIO(program.get_object().get_data()), fontNumber=0)
            order = ttfont.getGlyphOrder()
            glyphs = ttfont.getGlyphSet()
            advances = ttfont["hmtx"].metrics
            cid_of = _encoding(font) if composite else (lambda code: code)
            gid_of = _cid_to_gid(descendant) if composite else (lambda cid: cid)
            for code, text in mapping.items():
                if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
                    continue  # no text, or only spaces and format characters: nothing to draw
                gid = gid_of(cid_of(code))
                if gid == 0 or gid >= len(order) or (not _has_outline(glyphs, order[gid])
                                                      and advances[order[gid]][0] > 0):
                    report.uncovered.update(text)
    return list(reports.values())


def _has_outline(glyphs, name: str) -> bool:
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    return pen.bounds is not None


def coverage_problems(pdf: Path | bytes) -> list[str]:
    """Empty when every font is embedded and every printed character is in its font."""
    problems = []
    for report in font_reports(pdf):
        if not report.embedded:
            problems.append(f"{report.name}: not embedded")
        if report.uncovered:
            chars = " ".join(f"U+{ord(c):04X}" for c in sorted(report.uncovered))
            problems.append(f"{report.name}: no glyph for {chars}")
    return problems


def embedded_families(pdf: Path | bytes) -> set[str]:
    """The families of the embedded fonts, as WeasyPrint names them (``/ABCDEF+Noto-Sans-Bengali-Bold``
    -> ``Noto Sans Bengali Bold``: the family with its style, spaces for hyphens)."""
    return {report.name.split("+", 1)[-1].replace("-", " ") for report in font_reports(pdf)}


# -- the text layer, as pdftotext reads it -------------------------------------------------------

_RLE, _LRE, _PDF = "\u202b", "\u202a", "\u202c"
_EMBEDDINGS = re.compile("[\u202a-\u202e]")


def _strong(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("L", "EN", "AN")


def _edges(run: str) -> list[str]:
    """A left-to-right run of pdftotext's output as items in the order they stand on the line:
    each neutral character at its edges (spaces, punctuation) alone, its core in one piece."""
    strong = [i for i, char in enumerate(run) if _strong(char)]
    if not strong:
        return list(run)
    first, last = strong[0], strong[-1] + 1
    return [*run[:first], run[first:last], *run[last:]]


def _runs(line: str) -> list[str | tuple[str, list]]:
    """pdftotext's line as a tree: text, and (RLE or LRE, [its contents]) for each embedding."""
    top: list = []
    stack = [top]
    for char in line:
        if char in (_RLE, _LRE, "\u202d", "\u202e"):
            run: tuple[str, list] = (char, [])
            stack[-1].append(run)
            stack.append(run[1])
        elif char == _PDF:
            if len(stack) > 1:
                stack.pop()
        elif stack[-1] and isinstance(stack[-1][-1], str):
            stack[-1][-1] += char
        else:
            stack[-1].append(char)
    return top


def _text(node) -> str:
    """The logical text of a run inside a right-to-left run: its text as written, a left-to-right
    run's edges reversed (its core stays as it is)."""
    if isinstance(node, str):
        return node
    opened, contents = node
    inner = "".join(_text(child) for child in contents)
    return "".join(reversed(_edges(inner))) if opened == _LRE else inner


def _logical_line(line: str) -> str:
    """A line of pdftotext's output in logical order.

    pdftotext writes each line left to right as it stands on the page, each right-to-left run in
    logical order between RLE and PDF (U+202B ... U+202C), a left-to-right run inside it between
    LRE and PDF, so that the output *displays* as the page does.  A line holding a right-to-left
    run belongs to a right-to-left paragraph, whose runs stand on the page last first: reversing
    the order of the line's runs gives the text in the order it is read.  A neutral character at
    the edge of a left-to-right run belongs to the paragraph's direction, not to the run (the
    colon of "إشعار FDA:" stands left of FDA, that is after it), so it is reversed alone."""
    if _RLE not in line:
        return line
    items: list[str] = []  # the line's pieces as they stand, left to right
    for node in _runs(line):
        if isinstance(node, tuple) and node[0] == _RLE:
            items.append(_text(node))
        else:
            items.extend(_edges(_text(node) if isinstance(node, tuple) else node))
    return "".join(reversed(items))


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def flat(text: str) -> str:
    """Text compared without its whitespace, bidi embedding marks and hyphens, in NFC.  (pdftotext
    joins a word broken after a hyphen at the end of a line and drops the hyphen: cell-/based is
    read "cellbased".)"""
    return unicodedata.normalize("NFC", "".join(_EMBEDDINGS.sub("", text).replace("-", "").replace("\u2010", "").split()))


def text_layer(pdf: Path) -> str:
    """What pdftotext reads from ``pdf``, in logical order (:func:`_logical_line`), flattened
    (:func:`flat`).  Diagonal text -- the preview's watermark -- is left out (``-nodiag``)."""
    return flat("\n".join(_logical_line(line) for line in pdftotext(pdf, "-nodiag").splitlines()))
