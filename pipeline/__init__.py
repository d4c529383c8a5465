"""Localization pipeline for patient-education handouts.

One data type travels through the stages: a gettext catalog as :class:`polib.POFile`, written
in GNU gettext's own layout.  One module per stage:

* :mod:`pipeline.model`     -- the entry model: states, what "translated" means, the digests,
  required/section/provenance, approve, unapprove, send back.  No other module reads a flag or
  a comment of an entry by hand.
* :mod:`pipeline.files`     -- the one door to the project's files: regular files only, UTF-8
  errors with file and line, atomic writes only when the content changed.
* :mod:`pipeline.document`  -- English Markdown documents read into translatable blocks.
* :mod:`pipeline.extract`   -- the Babel extractor, ``documents_to_template`` and
  ``write_template`` (the ``.pot``).
* :mod:`pipeline.catalog`   -- reading (validated) and writing (GNU layout) catalogs, the one
  door to GNU gettext's tools, and :class:`~pipeline.catalog.LanguageCatalog`, the per-language
  catalog service every command goes through (locked, atomic changes; conflicts detected).
* :mod:`pipeline.merge`     -- msgmerge's semantics with an indexed fuzzy search;
  :mod:`pipeline.update` applies it and creates catalogs for new languages.
* :mod:`pipeline.draft`     -- offline Argos Translate drafts; :mod:`pipeline.models` installs
  and finds Argos packages.
* :mod:`pipeline.review`    -- choosing and approving entries (selections, the confirmation
  rule); :mod:`pipeline.checks` the quality checks; :mod:`pipeline.gate` the release gate and
  its report formats.
* :mod:`pipeline.release`  -- the one release decision: which entries are publishable, which
  (document, language) pairs are releasable; check, build, status and the workspace ask it.
* :mod:`pipeline.render` and :mod:`pipeline.build` -- web pages, PDF handouts, index pages, the
  release manifest (``build/release.json``) and ``verify``.
* :mod:`pipeline.workspace` -- the reviewer workspace (local web server);
  :mod:`pipeline.interactive` the terminal review; :mod:`pipeline.backtranslate` the
  back-translation aid; :mod:`pipeline.status` the per-state counts.
* :mod:`pipeline.cli`       -- the thin command line (``run(argv) -> int``): it parses
  arguments, calls one library function, prints, and maps the outcome to an exit code.
"""

__version__ = "0.1.0"
