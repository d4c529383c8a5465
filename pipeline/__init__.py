"""Localization pipeline for patient-education handouts.

One data type travels through the stages: a gettext catalog as :class:`polib.POFile`, written
in GNU gettext's own layout.  One module per stage:

* :mod:`pipeline.document`  -- English Markdown documents read into translatable blocks.
* :mod:`pipeline.extract`   -- the Babel extractor and ``documents_to_template`` (the ``.pot``).
* :mod:`pipeline.catalog`   -- reading (validated) and writing (GNU layout, atomic, locked).
* :mod:`pipeline.merge`     -- msgmerge's semantics with an indexed fuzzy search;
  :mod:`pipeline.update` applies it and creates catalogs for new languages.
* :mod:`pipeline.draft`     -- offline Argos Translate drafts; :mod:`pipeline.models` installs
  and finds Argos packages.
* :mod:`pipeline.review`    -- entry states and approval records; :mod:`pipeline.checks` the
  quality checks; :mod:`pipeline.gate` the release gate and its report formats.
* :mod:`pipeline.release`  -- the one release decision: which entries are publishable, which
  (document, language) pairs are releasable; check, build, status and the workspace ask it.
* :mod:`pipeline.render` and :mod:`pipeline.build` -- web pages, PDF handouts, index pages, the
  release manifest (``build/release.json``) and ``verify``.
* :mod:`pipeline.workspace` -- the reviewer workspace (local web server);
  :mod:`pipeline.interactive` the terminal review; :mod:`pipeline.backtranslate` the
  back-translation aid; :mod:`pipeline.status` the per-state counts.
* :mod:`pipeline.cli`       -- the thin command line (``run(argv) -> int``).
"""

__version__ = "0.1.0"
