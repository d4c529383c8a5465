"""English source documents: Markdown with YAML front matter, read into translatable blocks.

One block per heading, paragraph, list item or table cell -- the unit a translator sees as one
catalog entry.  Inline Markdown (``*emphasis*``, ``**strong**``, ``[links](https://...)``, ``code``)
stays in the block's text: translators move it with the words, and the build parses it again.

Required blocks are marked with a block attribute on the line before them (markdown-it's
``attrs_block`` syntax, as in Pandoc and MyST)::

    {.required}
    ## Safety Considerations

On a heading the mark covers the whole section (everything until the next heading of the same or
a higher level); on a paragraph, list or quote it covers that block and everything inside it.

Nothing of the source is lost without a word: every non-blank line must end up in a block the
handout shows (front matter, a block mark, a heading, paragraph, table or thematic break, or a
line of bare list or quote markers).  A line the parser drops -- nested deeper than markdown-it's
``maxNesting``, a link reference definition, a mark above nothing, a table cell beyond the header's
columns -- is a ``path:line`` error, as are images (the build fetches nothing a document names)
and HTML comments (they would reach patients as text).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .errors import SourceError

REQUIRED_CLASS = "required"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER_KEYS = {"title": str, "slug": str, "last_reviewed": dt.date}


def markdown_parser() -> MarkdownIt:
    """The one Markdown dialect of the project: CommonMark, tables, no raw HTML."""
    return (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .use(front_matter_plugin)
        .use(attrs_block_plugin)
    )


_MARKS = "handouts.block_marks"  # env key: (map, attrs, applied) of each block mark, in order


def _record_block_marks(state) -> None:
    """Core rule, run just before the attrs plugin moves each mark onto the block after it:
    note every mark's line and whether it will reach a block (the plugin drops, without a word,
    a mark followed by the end of a list item, a quote or the document)."""
    tokens = state.tokens
    marks = []
    reaches_block = False  # for the token after the one looked at, when it is a mark
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token.type != "attrs_block":
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None or following.nesting < 0:
            reaches_block = False
        elif following.type != "attrs_block":
            reaches_block = True
        # else: merged into the next mark, which reaches a block exactly when this one does
        marks.append((token.map, dict(token.attrs), reaches_block))
    if marks:
        state.env.setdefault(_MARKS, []).extend(reversed(marks))


def _reader() -> MarkdownIt:
    """The project's parser, plus the bookkeeping :func:`read_document` needs to account for
    every line of a document."""
    md = markdown_parser()
    md.core.ruler.before("attr", "handouts_block_marks", _record_block_marks)
    return md


_MD = _reader()
_MAX_NESTING = _MD.options["maxNesting"]


@dataclass(frozen=True)
class Block:
    """One translatable unit of a document."""

    text: str  # inline Markdown, on one line
    line: int  # 1-based line in the source file
    kind: str  # "title", "heading", "paragraph", "list item", "table cell"
    required: bool
    section: str | None  # text of the heading the block sits under
    token_index: int | None  # index of the inline token in Document.tokens (None for the title)


@dataclass
class Document:
    path: str
    slug: str
    title: str
    title_line: int
    last_reviewed: dt.date
    tokens: list[Token]
    blocks: list[Block] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [b.text for b in self.blocks]


def normalize_inline(content: str) -> str:
    """Join the lines of a paragraph into the single line a catalog entry holds."""
    return " ".join(part.strip() for part in content.splitlines() if part.strip())


def _classes(token: Token) -> set[str]:
    return set(str(token.attrs.get("class", "")).split())


def read_document(text: str, path: str) -> Document:
    """Parse a document.  ``path`` is only used in messages and references."""
    if text.startswith("\ufeff"):
        text = text[1:]
    env: dict = {}
    tokens = _MD.parse(text, env)
    if not tokens or tokens[0].type != "front_matter":
        raise SourceError("missing front matter: the file must start with '---', then title, slug, last_reviewed", path, 1)
    meta = _read_front_matter(tokens[0], path)
    lines = source_lines(text)

    blocks: list[Block] = [
        Block(meta["title"], meta["_title_line"], "title", False, None, None)
    ]
    problems: list[tuple[int, str]] = []  # (1-based line, message): the first one is raised
    kinds = {"heading_open": "heading", "paragraph_open": "paragraph", "th_open": "table cell", "td_open": "table cell"}
    open_stack: list[tuple[Token, bool]] = []  # (open token, required)
    section_required_level: int | None = None
    section: str | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            if section_required_level is not None and level <= section_required_level:
                section_required_level = None
            if REQUIRED_CLASS in _classes(token) and section_required_level is None:
                section_required_level = level
        if token.type == "table_open":
            quotes = sum(1 for t, _ in open_stack if t.type == "blockquote_open")
            problems.extend(_table_problems(tokens, index, lines, quotes))
        if token.nesting == 1:
            inherited = bool(open_stack and open_stack[-1][1])
            open_stack.append((token, inherited or REQUIRED_CLASS in _classes(token)))
        elif token.nesting == -1:
            open_stack.pop()
        elif token.type == "inline":
            problems.extend(_inline_problems(token))
            parent = open_stack[-1][0] if open_stack else None
            text_ = normalize_inline(token.content)
            if not text_:
                continue
            kind = kinds.get(parent.type if parent else "", "paragraph")
            if kind == "paragraph" and any(t.type == "list_item_open" for t, _ in open_stack):
                kind = "list item"
            required = open_stack[-1][1] or section_required_level is not None
            line = (token.map[0] if token.map else (parent.map[0] if parent and parent.map else 0)) + 1
            if kind == "heading":
                section = text_
            blocks.append(Block(text_, line, kind, required, section if kind != "heading" else None, index))
        elif token.type in ("fence", "code_block", "html_block"):
            line = token.map[0] + 1 if token.map else 1
            problems.append((line, f"{token.type.replace('_', ' ')} is not supported in handouts"))
    problems.extend(_mark_problems(env))
    lost = _first_lost_line(lines, tokens, env)
    if lost is not None:
        problems.append(lost)
    if problems:
        line, message = min(problems, key=lambda problem: problem[0])
        raise SourceError(message, path, line)
    _check_marks(lines, tokens, path)
    for block in blocks:
        if block.token_index is not None and _RAW_HTML.search(block.text):
            raise SourceError("raw HTML is not supported in handouts: use Markdown (*emphasis*, [link](url))", path, block.line)
    if not any(block.required for block in blocks):
        raise SourceError(
            "no block is marked required: put {.required} above the disclaimer and the safety sections", path, 1
        )
    return Document(
        path=path,
        slug=meta["slug"],
        title=meta["title"],
        title_line=meta["_title_line"],
        last_reviewed=meta["last_reviewed"],
        tokens=tokens,
        blocks=blocks,
    )


# -- every line accounted for ----------------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n?|\n")  # markdown-it's own line endings (CommonMark)
# Blocks whose map covers exactly the source lines they show.  Code and HTML blocks are refused
# with their own message, so their lines count as accounted for here.
_LEAF_BLOCKS = frozenset(
    {"front_matter", "paragraph_open", "heading_open", "table_open", "hr", "fence", "code_block", "html_block"}
)
_CONTAINERS = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"})
# A line of nothing but quote markers and list markers (an empty item, a blank line inside a quote).
_MARKERS_ONLY = re.compile(r"[ \t]*(?:(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$))[ \t]*)+")
_REFERENCE_LINE = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*\[[^\]]+\]:")
_QUOTE_MARKER = re.compile(r"^[ \t]*>[ \t]?")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_LINE_BREAKS = ("softbreak", "hardbreak")

_NESTED_TOO_DEEPLY = (
    "lists or quotes nested too deeply: markdown-it reads at most {limit} levels (each list level "
    "counts two, each quote level one) and would drop {lost}; nest them less deeply"
)
_REFERENCE = (
    "link reference definitions ([label]: url) are not supported in handouts: each translation "
    "is read on its own, without them; write the link inline, [text](url)"
)
_IMAGE = (
    "images are not supported in handouts: the build never fetches a file or URL a document "
    "names; describe the picture in words, or link to it with [text](url)"
)
_COMMENT = (
    "HTML comments are not supported in handouts: the comment would reach patients as text; "
    "delete it, or keep notes in the front matter as YAML comments (# ...)"
)
_STRAY_MARK = (
    "block attributes {mark} are not followed by a block "
    "(put them on the line directly above a heading, paragraph or list)"
)
_LOST = (
    "this line is not part of any block the handout can show and would be lost: "
    "write it as a heading, paragraph, list item or table row"
)


def source_lines(text: str) -> list[str]:
    """The lines of a document as markdown-it numbers them (token maps index this list)."""
    return _NEWLINE.split(text)


def _first_lost_line(lines: list[str], tokens: list[Token], env: dict) -> tuple[int, str] | None:
    """The first non-blank line no shown block accounts for, with why it is lost; None if none.

    Only leaf blocks count: a list item's or quote's map also spans nested content that the
    parser may have dropped.  Linear in the number of lines and tokens.
    """
    covered = bytearray(len(lines))
    for token in tokens:
        if token.map and token.type in _LEAF_BLOCKS:
            start, end = token.map
            covered[start:end] = b"\x01" * (end - start)
    for (start, end), _attrs, reaches_block in env.get(_MARKS, ()):
        if reaches_block:
            covered[start:end] = b"\x01" * (end - start)
    for number, line in enumerate(lines):
        if covered[number] or not line.strip() or _MARKERS_ONLY.fullmatch(line):
            continue
        return number + 1, _why_lost(number, lines, tokens, env)
    return None


def _why_lost(number: int, lines: list[str], tokens: list[Token], env: dict) -> str:
    """Why line ``number`` (0-based) reached no block."""
    references = list(env.get("references", {}).values()) + list(env.get("duplicate_refs", ()))
    for reference in references:
        span = reference.get("map")
        if span and span[0] <= number < span[1]:
            return _REFERENCE
    if references and _REFERENCE_LINE.match(lines[number]):  # markdown-it without maps
        return _REFERENCE
    for span, _attrs, reaches_block in env.get(_MARKS, ()):
        if span and span[0] == number and not reaches_block:
            return _STRAY_MARK.format(mark=lines[number].strip())
    for token in tokens:
        # The parser stops reading inside a container opened at the last level it allows, and
        # drops the rest of that container's lines: here, to the end of the enclosing block.
        if (
            token.nesting == 1
            and token.type in _CONTAINERS
            and token.level + 1 >= _MAX_NESTING
            and token.map
            and token.map[0] <= number < token.map[1]
        ):
            last = max(n for n in range(number, token.map[1]) if lines[n].strip())
            lost = "this line" if last == number else f"lines {number + 1} to {last + 1}"
            return _NESTED_TOO_DEEPLY.format(limit=_MAX_NESTING, lost=lost)
    return _LOST


def _inline_problems(token: Token) -> list[tuple[int, str]]:
    """Images and HTML comments in one block's inline content, each with its line."""
    problems = []
    first, end = token.map if token.map else (0, 1)
    if "<!--" in token.content:
        offset = next(n for n, part in enumerate(token.content.split("\n")) if "<!--" in part)
        problems.append((min(first + offset, end - 1) + 1, _COMMENT))
    breaks = 0
    for child in token.children or ():
        if child.type in _LINE_BREAKS:
            breaks += 1
        elif child.type == "image":
            problems.append((min(first + breaks, end - 1) + 1, _IMAGE))
            break
    return problems


def _table_problems(tokens: list[Token], at: int, lines: list[str], quotes: int) -> list[tuple[int, str]]:
    """Body rows with more cells than the header: markdown-it drops the extra cells.

    ``at`` is the index of the ``table_open`` token, ``quotes`` the number of quotes around it
    (their markers begin each row's line).
    """
    columns = 0
    in_body = False
    problems = []
    for index in range(at + 1, len(tokens)):
        token = tokens[index]
        if token.type == "table_close":
            break
        if token.type == "th_open":
            columns += 1
        elif token.type in ("tbody_open", "tbody_close"):
            in_body = token.nesting == 1
        elif token.type == "tr_open" and in_body and token.map:
            row = lines[token.map[0]]
            for _ in range(quotes):
                row = _QUOTE_MARKER.sub("", row, count=1)
            cells = _CELL_SEPARATOR.split(row.strip(" \t"))
            if cells and cells[0] == "":
                cells.pop(0)
            if cells and cells[-1] == "":
                cells.pop()
            if len(cells) > columns:
                problems.append((
                    token.map[0] + 1,
                    f"table row has {len(cells)} cells but the header has {columns}: markdown-it would "
                    "drop the extra cells; add columns to the header and delimiter rows, or merge cells",
                ))
    return problems


def _mark_problems(env: dict) -> list[tuple[int, str]]:
    """Block marks may give an #id and classes only: any other attribute (``style``, ``src``)
    would reach the page as it is, and could make the PDF renderer fetch a URL."""
    problems = []
    for span, attrs, _reaches_block in env.get(_MARKS, ()):
        for name, value in attrs.items():
            if name not in ("id", "class"):
                problems.append((
                    span[0] + 1,
                    f"block attribute {name}={value!r} is not supported in handouts: "
                    "a mark gives an #id and .classes only, such as {.required}",
                ))
                break
    return problems


_RAW_HTML = re.compile(r"<(?!https?://|mailto:)/?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_ATTRS_LINE = re.compile(r"^\{[^{}]*\}\s*$")


def _check_marks(lines: list[str], tokens: list[Token], path: str) -> None:
    """Block attributes must sit directly above a block: a stray ``{...}`` line would either be
    dropped silently (at the end of the file) or reach patients as text."""
    for number, line in enumerate(lines, start=1):
        if _ATTRS_LINE.match(line) and (number == len(lines) or not lines[number].strip()):
            raise SourceError(_STRAY_MARK.format(mark=line.strip()), path, number)
    for token in tokens:
        if token.type == "inline" and re.fullmatch(r"\{[^{}]*\}", token.content.strip()):
            raise SourceError(
                _STRAY_MARK.format(mark=token.content.strip()),
                path,
                token.map[0] + 1 if token.map else None,
            )


def _read_front_matter(token: Token, path: str) -> dict:
    try:
        meta = yaml.safe_load(token.content) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 1-based, +1 for the opening '---'
        raise SourceError(f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}", path, line) from None
    if not isinstance(meta, dict):
        raise SourceError("front matter must be a mapping of keys to values", path, 2)
    lines = token.content.splitlines()

    def line_of(key: str) -> int:
        for number, text in enumerate(lines, start=2):
            if text.startswith(f"{key}:"):
                return number
        return 1

    for key, kind in FRONT_MATTER_KEYS.items():
        if key not in meta:
            raise SourceError(f"front matter lacks {key!r}", path, 1)
        if not isinstance(meta[key], kind) or (kind is str and not meta[key].strip()):
            expected = "a date (YYYY-MM-DD)" if kind is dt.date else "a non-empty text"
            raise SourceError(f"front matter {key!r} must be {expected}", path, line_of(key))
    if not SLUG_RE.match(meta["slug"]):
        raise SourceError(
            f"slug {meta['slug']!r} must be lower-case letters, digits and single hyphens", path, line_of("slug")
        )
    meta["title"] = normalize_inline(meta["title"])
    meta["_title_line"] = line_of("title")
    return meta
