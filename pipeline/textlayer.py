"""The PDF's text layer: what a PDF reader gets back from the glyphs it draws.

A PDF draws glyphs, not characters.  What the text "is" -- for search, copy, ``pdftotext`` and
screen readers that read the page rather than the tags -- comes from each font's ``/ToUnicode``
map (one text per glyph), or from an ``/ActualText`` that replaces a marked-content sequence's
glyphs with their text.  WeasyPrint 70 gets this wrong for shaped scripts, in two ways:

* **One text per glyph, the first one seen.**  For a glyph it draws for the first time,
  WeasyPrint maps the glyph to the text of the glyph's *cluster* (the characters HarfBuzz shaped
  together) from the glyph to the next glyph's cluster.  In a cluster of several glyphs -- a
  Bengali consonant with a vowel sign drawn before it (নে), an Arabic letter with its damma (أُ),
  a Khmer subscript consonant -- every glyph but one gets an empty text, and one gets the whole
  cluster, though the glyph is the consonant alone, or the damma alone; and since the map is
  written once per glyph, the next time the same glyph is drawn it reads as whatever it was first
  (the damma over another letter reads as the first letter it sat on).
  :func:`hooked` repairs the map: in a cluster of several glyphs, a glyph that is the font's own
  glyph for one of the cluster's characters (its ``cmap`` glyph) stands for that character, and
  the cluster's other characters go to its other glyph.

* **Glyph order is not text order.**  In Bengali, Devanagari, Gurmukhi, Khmer, Myanmar and
  Thai, vowel signs and subscripts are drawn before, above or around the consonant they follow,
  so even a right map reads them out of order.  Such a run gets its text, in logical order, as
  ``/ActualText`` on its marked content (``/Span <</MCID n /ActualText (...)>> BDC``, the PDF
  specification's replacement text, section 14.9.4), which poppler's ``pdftotext`` reads instead
  of the glyphs (:func:`actual_text_in_content`; other readers were not tried here).
  Right-to-left runs are left to the map: poppler reads an ``/ActualText`` of several words as if
  it were drawn left to right and reverses it again, so a right-to-left run reads correctly in
  ``pdftotext`` only from its glyphs.  Nastaliq (Urdu) is the exception that cannot be read from
  its glyphs at all -- one skeleton glyph stands for several letters, whose dots are glyphs of
  their own -- and gets ``/ActualText`` too: the text in logical order, as the specification has
  it, which ``pdftotext`` reverses (README, "Fonts and scripts").

The structure tree's own ``/ActualText`` (``pipeline.render._Structure``) is written for every
run drawn out of order, right to left included: screen readers reading the tags get the text.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import unicodedata

#: Faces whose glyphs cannot spell their text, even with a repaired map (see the module's text).
UNSPELLABLE_FACES = frozenset({"Noto Nastaliq Urdu"})


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _shaped(text: str) -> bool:
    """Whether a text's glyphs may not follow its characters one for one: it has a combining
    mark (vowel signs, viramas, harakat, tone marks) or a right-to-left letter."""
    return any(unicodedata.category(c).startswith("M") or unicodedata.bidirectional(c) in ("R", "AL", "AN")
               for c in text)


def actual_text_in_content(text: str, families: tuple[str, ...] = ()) -> bool:
    """Whether a text run drawn in ``families`` (its CSS font-family list) gets its text as
    ``/ActualText`` on its marked content: left-to-right runs with combining marks, and runs set
    in a face whose glyphs cannot spell their text (:data:`UNSPELLABLE_FACES`)."""
    if not _shaped(text):
        return False
    if families and families[0] in UNSPELLABLE_FACES:
        return True
    return not _right_to_left(text)


@functools.cache
def _nominal_glyph():
    """HarfBuzz's ``hb_font_get_nominal_glyph`` (the font's ``cmap`` glyph of a character), declared
    once on WeasyPrint's own cffi interface."""
    from weasyprint.text.ffi import ffi, harfbuzz

    ffi.cdef("hb_bool_t hb_font_get_nominal_glyph (hb_font_t *font, hb_codepoint_t unicode, "
             "hb_codepoint_t *glyph);")
    out = ffi.new("hb_codepoint_t *")
    function = harfbuzz.hb_font_get_nominal_glyph

    def nominal(hb_font, char: str) -> int | None:
        return out[0] if function(hb_font, ord(char), out) else None

    return nominal


def _repair_line(stream, textbox, decided: dict[int, set[int]]) -> None:
    """Repairs the ``to_unicode`` map of every font of ``textbox``'s first line (as drawn), cluster
    by cluster; ``decided`` holds, per font, the glyphs already given a text here."""
    from weasyprint.text.ffi import ffi

    nominal = _nominal_glyph()
    line, _ = textbox.pango_layout.get_first_line()
    data = textbox.pango_layout.text.encode()
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        count = item.glyphs.num_glyphs
        if count < 2:
            continue
        starts = [item.glyphs.log_clusters[i] for i in range(count)]
        if len(set(starts)) == count:
            continue  # one glyph per cluster: WeasyPrint's map is right
        font, _size = stream.add_font(item.item.analysis.font)
        done = decided.setdefault(id(font), set())
        offset, length = item.item.offset, item.item.length
        bounds = sorted(set(starts)) + [length]
        glyphs = [item.glyphs.glyphs[i].glyph for i in range(count)]
        rtl = item.item.analysis.level % 2
        for start, end in itertools.pairwise(bounds):
            members = [g for g, s in zip(glyphs, starts) if s == start]
            if len(members) < 2:
                continue
            if rtl:
                members.reverse()  # drawn right to left: logical order is the reverse
            text = data[offset + start:offset + end].decode(errors="replace")
            given: dict[int, str] = {}
            rest = []
            for char in text:
                glyph = nominal(font.hb_font, char)
                if glyph is not None and glyph in members and glyph not in given:
                    given[glyph] = char
                else:
                    rest.append(char)
            others = [g for g in members if g not in given]
            if others:
                given[others[0]] = "".join(rest)
                for glyph in others[1:]:
                    given[glyph] = ""
            elif rest and given:
                last = next(g for g in reversed(members) if g in given)
                given[last] += "".join(rest)
            for glyph, value in given.items():
                if glyph in done or glyph not in font.to_unicode:
                    continue  # decided in an earlier cluster (a glyph has one text), or not drawn
                if value:
                    font.to_unicode[glyph] = value
                    done.add(glyph)  # the first text found for a glyph holds
                elif not font.to_unicode[glyph]:
                    font.to_unicode[glyph] = value  # no text here: may get one in another cluster


@contextlib.contextmanager
def hooked():
    """For one ``write_pdf``: repair WeasyPrint's glyph-to-text map of shaped runs as they are
    drawn (``weasyprint.draw.text.draw_first_line`` wrapped; WeasyPrint 70)."""
    import weasyprint
    from weasyprint.draw import text as draw

    original = getattr(draw, "draw_first_line", None)
    if original is None:
        raise RuntimeError(f"WeasyPrint {weasyprint.__version__} draws text otherwise than WeasyPrint 70, which "
                           "the text-layer repairs of pipeline/textlayer.py are made for")
    decided: dict[int, set[int]] = {}

    def draw_first_line(stream, textbox, *args, **kwargs):
        emojis = original(stream, textbox, *args, **kwargs)
        if _shaped(textbox.text):
            _repair_line(stream, textbox, decided)
        return emojis

    draw.draw_first_line = draw_first_line
    try:
        yield
    finally:
        draw.draw_first_line = original
