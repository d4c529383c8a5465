"""Reading PDFs back: which fonts are embedded, and whether they cover what they print.

A PDF's text is shown with glyphs of fonts; each font's ``/ToUnicode`` map says which character
each glyph (CID) stands for.  A character is covered when the glyph that prints it exists in the
embedded font program and has an outline.  (Checking the subset's ``cmap`` instead would fail on
Arabic, whose letters are printed with contextual forms the ``cmap`` does not list.)  A glyph the
fonts lack shows up as glyph 0 (``.notdef``), a glyph number past the end of the font, or an
empty glyph.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import unicodedata

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(r"<([0-9a-fA-F]+)>")


def _decode_utf16(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")


def to_unicode(cmap_text: str) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap_text):
        pairs = _HEX.findall(block)
        for cid, uni in zip(pairs[::2], pairs[1::2]):
            mapping[int(cid, 16)] = _decode_utf16(uni)
    for block in _BFRANGE.findall(cmap_text):
        for line in block.strip().splitlines():
            values = _HEX.findall(line)
            if len(values) == 3:
                start, end, first = int(values[0], 16), int(values[1], 16), values[2]
                base = _decode_utf16(first)
                for offset, cid in enumerate(range(start, end + 1)):
                    mapping[cid] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


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
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
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
            for cid, text in mapping.items():
                if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
                    continue
                if cid == 0 or cid >= len(order) or not _has_outline(glyphs, order[cid]):
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
