"""Shared fixtures.  Tests never write into the repository, and never read the clinic's content
(documents, catalogs, glossary, languages): they build their own project in a temporary folder
(tests/fixture.py).  The shipped content is judged by the release gate and by the content tests
(tests/test_content.py), which iterate over whatever exists."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# No example database in the working tree: tests never write into the repository.
hypothesis_settings.register_profile("handouts", database=None)
hypothesis_settings.load_profile("handouts")

from pipeline.config import Project

REPO = Path(__file__).resolve().parent.parent

# argostranslate creates its data, config and cache folders when first imported, and Hypothesis
# keeps a cache: keep both out of the user's home and the working tree during tests.
_ARGOS_HOME = tempfile.mkdtemp(prefix="handouts-tests-argos-")
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_ARGOS_HOME, _name.lower())
os.environ["ARGOS_PACKAGES_DIR"] = os.path.join(_ARGOS_HOME, "packages")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(_ARGOS_HOME, "hypothesis")


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01


@pytest.fixture
def bare_project(tmp_path) -> Project:
    """The tests' own project before anything is in it: templates, mapping and configuration
    (es and fr released, ar a draft), no documents, no glossary, no template, no catalogs."""
    from .fixture import make_skeleton

    return make_skeleton(tmp_path / "bare", documents=(), glossary=False)


@pytest.fixture
def fixture_project(tmp_path) -> Project:
    """The tests' own project (tests/fixture.py): es and fr released and approved, ar a draft."""
    from .fixture import make_project

    return make_project(tmp_path / "fixture")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright: one per test module."""
    import shutil

    from playwright.sync_api import sync_playwright

    from .workspace_helpers import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                              headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
