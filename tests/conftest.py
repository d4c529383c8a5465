"""Shared fixtures.  Tests never write into the repository: they copy what they need into a
temporary folder, or build the shipped project into a temporary output folder."""

from __future__ import annotations

import os
import shutil
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
SHIPPED_LANGUAGES = ("es", "zh_Hans", "vi", "ar")


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01


def copy_project(target: Path, *, locales: bool = True) -> Project:
    """A private copy of the shipped project (sources, templates, catalogs, configuration)."""
    shutil.copytree(REPO / "source", target / "source")
    if locales:
        shutil.copytree(REPO / "locales", target / "locales")
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    return Project.load(target)


@pytest.fixture
def project(tmp_path) -> Project:
    return copy_project(tmp_path / "project")


@pytest.fixture
def bare_project(tmp_path) -> Project:
    """A project with the shipped templates and configuration but no documents or catalogs."""
    root = tmp_path / "bare"
    project = copy_project(root, locales=False)
    shutil.rmtree(root / "source" / "documents")
    (root / "source" / "documents").mkdir()
    (root / "locales").mkdir()
    return project


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> Path:
    """The shipped project built once, HTML and PDF, every language, into a temporary folder."""
    from pipeline.build import build

    output = tmp_path_factory.mktemp("build")
    report = build(Project.load(REPO), output=output)
    assert not report.held, [(pair.document.slug, pair.language.language) for pair in report.held]
    return output


def edit_entry(project: Project, language: str, msgid_prefix: str, approved: bool = False, **fields) -> int:
    """Change one entry of a project's catalog (approving the result if asked, as reviewer
    "Test Reviewer"); return the entry's line in the rewritten catalog."""
    import datetime as dt

    from pipeline.catalog import load_po, save_po
    from pipeline.model import approve

    path = project.catalog_path(language)
    po = load_po(path)
    entry = next(e for e in po if e.msgid.startswith(msgid_prefix))
    for name, value in fields.items():
        setattr(entry, name, value)
    if approved:
        approve(entry, "Test Reviewer", dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))
    save_po(po, path, str(path))
    return next(e for e in load_po(path) if e.msgid.startswith(msgid_prefix)).linenum


@pytest.fixture
def fixture_project(tmp_path) -> Project:
    """The tests' own project (tests/fixture.py): es and fr released and approved, ar a draft."""
    from .fixture import make_project

    return make_project(tmp_path / "fixture")
