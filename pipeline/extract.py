"""Extraction: English documents and templates to the gettext template (``.pot``).

Extraction runs through Babel's own machinery (``babel.messages.extract.extract_from_dir`` with
the project's mapping file), so the documents' extractor is an ordinary Babel extractor,
registered under the ``babel.extractors`` entry point as ``handout``: ``pybabel extract -F
source/babel.cfg .`` finds it too.  The templates' strings come from Jinja2's Babel extractor.

How the *required* mark travels
-------------------------------
A required block's entry carries the extracted comment ``#. REQUIRED: ...``.  Extracted comments
are the one per-entry annotation every tool in the chain keeps and shows: ``msgmerge`` takes them
from the template, ``msgcat`` and Babel round-trip them, and Poedit shows them to the translator
as "Notes for translators".  A custom ``#,`` flag would be dropped by GNU gettext, which keeps only
the flags it knows; a ``msgctxt`` would change the entry's identity and split entries that share
a text.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po as babel_write_po

from . import __version__
from .catalog import canonical_text
from .config import Project
from .document import read_document
from .errors import ConfigError, PipelineError, SourceError
from .files import decode, read_text
from .model import REQUIRED_COMMENT, SECTION_TAG

TEMPLATE_HEADER = (
    "# English source text of the patient handouts, extracted from source/.\n"
    "# Written by 'handouts extract'; edits here are overwritten."
)


def extract_handout(fileobj, keywords, comment_tags, options: dict[str, Any]) -> Iterator[tuple]:
    """Babel extractor for handout documents: one message per block.

    Yields Babel's ``(lineno, funcname, message, comments)`` tuples; the comments become the
    entry's extracted comments (``#.``).
    """
    name = getattr(fileobj, "name", "<document>")
    if isinstance(name, bytes):
        name = name.decode()
    shown = os.path.relpath(name)
    document = read_document(decode(fileobj.read(), shown, SourceError), shown)  # documents are UTF-8
    for block in document.blocks:
        comments = []
        if block.required:
            comments.append(REQUIRED_COMMENT)
        if block.section:
            comments.append(f"{SECTION_TAG} {block.section}")
        yield block.line, None, block.text, comments


def _creation_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def documents_to_template(project: Project) -> str:
    """Extract every document and template into the text of a ``.pot`` file (GNU layout)."""
    mapping = read_text(project.mapping, project.relative(project.mapping), ConfigError)
    method_map, options_map = parse_mapping_cfg(io.StringIO(mapping), filename=str(project.mapping))
    catalog = Catalog(
        project="Patient handouts",
        version=__version__,
        header_comment=TEMPLATE_HEADER,
        msgid_bugs_address="",
        creation_date=_creation_date(),
        charset="utf-8",
        fuzzy=True,
    )
    check_slugs(project)
    cwd = os.getcwd()
    os.chdir(project.root)  # Babel reports paths relative to the folder it walks
    try:
        for filename, lineno, message, comments, context in extract_from_dir(
            ".", method_map, options_map, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    except PipelineError:
        raise
    except Exception as exc:  # Jinja2/Babel syntax errors carry their own file and line
        raise SourceError(f"extraction failed: {exc}", getattr(exc, "filename", None), getattr(exc, "lineno", None)) from exc
    finally:
        os.chdir(cwd)
    buffer = io.BytesIO()
    babel_write_po(buffer, catalog, width=0, omit_header=False)
    return canonical_text(buffer.getvalue().decode("utf-8"), "<template>")


def check_slugs(project: Project) -> None:
    """Each document's slug names its output files: it must be its file's name, hence unique."""
    seen: dict[str, str] = {}
    for path in project.document_paths():
        name = project.relative(path)
        text = read_text(path, name, SourceError)
        document = read_document(text, name)
        line = next((n for n, l in enumerate(text.splitlines(), start=1) if l.startswith("slug:")), None)
        if document.slug in seen:
            raise SourceError(f"slug {document.slug!r} is already used by {seen[document.slug]}", name, line)
        seen[document.slug] = name
    for path in project.document_paths():
        name = project.relative(path)
        slug = next(s for s, n in seen.items() if n == name)
        if slug != path.stem:
            raise SourceError(f"slug {slug!r} must match the file name {path.stem!r}", name)


def write_template(project: Project) -> bool:
    """Extract into ``project.template_path``; return whether it was written.  A template that
    differs only in its POT-Creation-Date is left alone: writing would only churn the file."""
    from .files import write_if_changed

    text = documents_to_template(project)
    path = project.template_path
    if path.exists() and same_template(read_text(path, project.relative(path)), text):
        return False
    return write_if_changed(path, text)


def same_template(old: str, new: str) -> bool:
    """Templates equal but for their POT-Creation-Date: writing would only churn the file."""
    def strip(text: str) -> str:
        return "\n".join(l for l in text.splitlines() if not l.startswith('"POT-Creation-Date:'))
    return strip(old) == strip(new)

