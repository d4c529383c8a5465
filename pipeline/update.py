"""Update: merge the template into each language's catalog, with gettext's own semantics.

The merge (:mod:`pipeline.merge`) does what GNU ``msgmerge --previous`` does -- an entry whose
English source changed keeps its translation, becomes ``#, fuzzy`` and shows the previous source
as ``#| msgid``; an entry whose source disappeared becomes obsolete (``#~``) with its translation
kept, so nothing a translator wrote is ever dropped; translator comments and approval records
survive -- with an indexed similarity search instead of msgmerge's all-pairs comparison.  Tests
compare its output with the real msgmerge's, byte for byte.  Output is GNU layout, and unchanged
input gives unchanged bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.plurals import get_plural

from .catalog import canonical_text, load_po, po_to_text, read_po
from .merge import merge
from .config import parse_language


def template_to_catalog(template: str, language: str, where: str, now: dt.datetime | None = None) -> str:
    """A new, empty catalog for ``language`` from the template's text."""
    locale = parse_language(language)
    po = read_po(template, where)
    plural = get_plural(locale)
    now = now or dt.datetime.now(dt.timezone.utc)
    po.metadata.update(
        {
            "PO-Revision-Date": now.strftime("%Y-%m-%d %H:%M%z"),
            "Last-Translator": "",
            "Language-Team": f"{locale.english_name} <>",
            "Language": language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
        }
    )
    po.metadata_is_fuzzy = False
    po.header = (
        f"{locale.english_name} translations of the patient handouts.\n"
        "This file is distributed under the same license as the handouts."
    )
    return canonical_text(str(po), where)


def merge_template(catalog_path: Path, template_path: Path, where: str) -> str:
    """The catalog at ``catalog_path`` updated to the template at ``template_path`` (its text)."""
    catalog = load_po(catalog_path, where)
    template = load_po(template_path, str(template_path))
    return po_to_text(merge(catalog, template), where)
