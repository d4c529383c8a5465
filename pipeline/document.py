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


_MD = markdown_parser()


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
    tokens = _MD.parse(text)
    if not tokens or tokens[0].type != "front_matter":
        raise SourceError("missing front matter: the file must start with '---', then title, slug, last_reviewed", path, 1)
    meta = _read_front_matter(tokens[0], path)

    blocks: list[Block] = [
        Block(meta["title"], meta["_title_line"], "title", False, None, None)
    ]
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
        if token.nesting == 1:
            inherited = bool(open_stack and open_stack[-1][1])
            open_stack.append((token, inherited or REQUIRED_CLASS in _classes(token)))
        elif token.nesting == -1:
            open_stack.pop()
        elif token.type == "inline":
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
            line = token.map[0] + 1 if token.map else None
            raise SourceError(f"{token.type.replace('_', ' ')} is not supported in handouts", path, line)
    _check_marks(text, tokens, path)
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


_RAW_HTML = re.compile(r"<(?!https?://|mailto:)/?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_ATTRS_LINE = re.compile(r"^\{[^{}]*\}\s*$")


def _check_marks(text: str, tokens: list[Token], path: str) -> None:
    """Block attributes must sit directly above a block: a stray ``{...}`` line would either be
    dropped silently (at the end of the file) or reach patients as text."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if _ATTRS_LINE.match(line) and (number == len(lines) or not lines[number].strip()):
            raise SourceError(
                f"block attributes {line.strip()} are not followed by a block "
                "(put them on the line directly above a heading, paragraph or list)",
                path,
                number,
            )
    for token in tokens:
        if token.type == "inline" and re.fullmatch(r"\{[^{}]*\}", token.content.strip()):
            raise SourceError(
                f"block attributes {token.content.strip()} are not followed by a block "
                "(put them on the line directly above a heading, paragraph or list)",
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
