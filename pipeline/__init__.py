"""Localization pipeline for patient-education handouts.

Stages (one module each), all passing gettext catalogs as :class:`polib.POFile`:

* :mod:`pipeline.document` -- read an English Markdown document into blocks.
* :mod:`pipeline.extract`  -- Babel extractor + ``documents_to_template`` (the ``.pot``).
* :mod:`pipeline.catalog`  -- read/write ``.po`` text in GNU gettext's own layout.
* :mod:`pipeline.update`   -- merge the template into each language's catalog.
* :mod:`pipeline.render`   -- ``document_to_html`` and ``html_to_pdf``.
* :mod:`pipeline.cli`      -- the thin command line (``run(argv) -> int``).
"""

__version__ = "0.1.0"
