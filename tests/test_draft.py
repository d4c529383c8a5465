"""Argos drafts with a tiny real package built on the fly (tests/tiny_argos.py): installing,
refusing hostile archives, the package index over a local HTTP server, and drafting."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import stat
import threading
import zipfile
from pathlib import Path

import pytest

from pipeline.catalog import load_po, save_po
from pipeline.checks import Glossary
from pipeline.cli import run
from pipeline.draft import _protection_patterns, draft_catalog, protect, restore, split_sentences
from pipeline.models import ModelError, find_package, install_package, installed_packages, validate_archive
from pipeline.model import DRAFT_TAG, entry_state, mark_machine_draft

from .fixture import DOCUMENT
from .tiny_argos import build_tiny_package

DOC = """---
title: Aftercare
slug: aftercare
last_reviewed: 2026-01-15
---

# Aftercare

Keep the dressing dry.

Rest at home and drink water.

{.required}
## Safety

Call the clinic if the pain gets worse.

Take 2 tablets every 8 hours.

Read the [FDA page](https://www.fda.gov/) on *injected* products.
"""


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    """What the tiny model's tokenizer is trained on: the fixture's handout and DOC."""
    lines = DOCUMENT.read_text(encoding="utf-8").splitlines()
    return [l for l in lines if l.strip() and not l.startswith(("---", "#", "{"))] + DOC.splitlines()


@pytest.fixture(scope="session")
def tiny_es(tmp_path_factory, corpus) -> Path:
    return build_tiny_package(tmp_path_factory.mktemp("argos"), corpus, "en", "es")


@pytest.fixture
def packages(tmp_path, tiny_es) -> Path:
    folder = tmp_path / "packages"
    install_package(tiny_es, folder)
    return folder


@pytest.fixture
def aftercare(bare_project):
    """A small project whose Spanish catalog is untranslated but for one entry a person wrote."""
    bare_project.mapping.write_text("[handout: source/documents/**.md]\n", encoding="utf-8")
    (bare_project.documents / "aftercare.md").write_text(DOC, encoding="utf-8")
    assert run(["--root", str(bare_project.root), "extract"]) == 0
    assert run(["--root", str(bare_project.root), "init", "es"]) == 0
    path = bare_project.catalog_path("es")
    po = load_po(path)
    po.find("Aftercare").msgstr = "Cuidados posteriores"
    human_fuzzy = po.find("Rest at home and drink water.")
    human_fuzzy.msgstr, human_fuzzy.flags = "Descanse en casa y beba agua.", ["fuzzy"]
    save_po(po, path, str(path))
    return bare_project


def draft(project, packages, *extra) -> int:
    return run(["--root", str(project.root), "draft", "--lang", "es", "--packages-dir", str(packages), *extra])


# -- models ---------------------------------------------------------------------------------------


def test_install_list_and_find(packages, capsys):
    (info,) = installed_packages(packages)
    assert (info.from_code, info.to_code, info.version) == ("en", "es", "1.0")
    assert find_package(packages, "en", "es") == info
    assert run(["models", "list", "--packages-dir", str(packages)]) == 0
    assert "en -> es" in capsys.readouterr().out


def test_missing_package_names_the_command_that_installs_it(packages, capsys, aftercare):
    with pytest.raises(ModelError, match=r"handouts models install"):
        find_package(packages, "en", "vi")
    assert run(["--root", str(aftercare.root), "draft", "--lang", "vi", "--packages-dir", str(packages)]) == 2


def test_cli_installs_a_local_file(tmp_path, tiny_es, capsys):
    folder = tmp_path / "pk"
    assert run(["models", "install", str(tiny_es), "--packages-dir", str(folder)]) == 0
    assert "installed translate-en_es 1.0" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == [tiny_es.stem]


def _rewrite(source: Path, target: Path, edit) -> Path:
    """A copy of an archive with its member list changed by ``edit(list of (ZipInfo, bytes))``."""
    with zipfile.ZipFile(source) as zin:
        members = [(info, zin.read(info)) for info in zin.infolist()]
    members = edit(members)
    with zipfile.ZipFile(target, "w") as zout:
        for info, data in members:
            zout.writestr(info, data)
    return target


def _named(name: str, data: bytes = b"x", mode: int = 0o100644) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    return info, data


HOSTILE = {
    "parent-path": (lambda m: m + [_named(m[0][0].filename.split("/")[0] + "/../../escaped.txt")], "outside the package folder"),
    "absolute-path": (lambda m: m + [_named("/tmp/escaped.txt")], "outside the package folder"),
    "symlink": (lambda m: m + [_named(m[0][0].filename.split("/")[0] + "/link", b"/etc/passwd", stat.S_IFLNK | 0o777)], "symbolic link"),
    "no-metadata": (lambda m: [x for x in m if not x[0].filename.endswith("metadata.json")], "no metadata.json"),
    "two-folders": (lambda m: m + [_named("other/file.txt")], "one top-level folder"),
    "bad-metadata": (lambda m: [(i, b"{not json" if i.filename.endswith("metadata.json") else d) for i, d in m], "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archive_is_refused_and_nothing_is_installed(tmp_path, tiny_es, case, capsys):
    edit, message = HOSTILE[case]
    archive = _rewrite(tiny_es, tmp_path / f"{case}.argosmodel", edit)
    folder = tmp_path / "pk"
    folder.mkdir()
    assert run(["models", "install", str(archive), "--packages-dir", str(folder)]) == 2
    assert message in capsys.readouterr().err
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "escaped.txt").exists()


def test_not_a_zip_is_refused(tmp_path):
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("hello")
    with pytest.raises(ModelError, match="not a zip archive"):
        validate_archive(bogus)


def test_failed_extraction_leaves_no_half_package(tmp_path, tiny_es, monkeypatch):
    folder = tmp_path / "pk"
    original = zipfile.ZipFile.extractall

    def crash(self, path=None, members=None, pwd=None):
        names = self.namelist()
        original(self, path, names[: len(names) // 2])  # half the files land, then the disk "fills"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "extractall", crash)
    with pytest.raises(ModelError, match="No space left"):
        install_package(tiny_es, folder)
    assert list(folder.iterdir()) == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def index_server(tmp_path, tiny_es):
    """A package index and the package, served on 127.0.0.1 by a real HTTP server."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(tiny_es, root / tiny_es.name)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    metadata = json.loads(zipfile.ZipFile(tiny_es).read(f"{tiny_es.stem}/metadata.json"))
    (root / "index.json").write_text(json.dumps([{**metadata, "links": [url + tiny_es.name]}]), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield url
    server.shutdown()


def test_install_from_the_package_index(tmp_path, index_server, bare_project, capsys):
    folder = tmp_path / "pk"
    assert run(["--root", str(bare_project.root), "models", "install", "--lang", "es", "--index", index_server,
                "--packages-dir", str(folder)]) == 0
    assert [(p.from_code, p.to_code) for p in installed_packages(folder)] == [("en", "es")]
    assert not list((folder.parent / ".handouts-argos" / "downloads").iterdir()), "the download is removed"


def test_unreachable_index_is_a_clear_error(tmp_path, bare_project, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert run(["--root", str(bare_project.root), "models", "install", "--lang", "es", "--index",
                f"http://127.0.0.1:{port}/", "--packages-dir", str(tmp_path / "pk")]) == 2
    assert "cannot fetch the package index" in capsys.readouterr().err


# -- drafting -------------------------------------------------------------------------------------


def test_drafts_land_fuzzy_with_provenance_and_people_are_untouched(aftercare, packages, capsys):
    path = aftercare.catalog_path("es")
    assert draft(aftercare, packages, "-q") == 0
    err = capsys.readouterr().err
    po = load_po(path)
    drafted = [e for e in po if entry_state(e) == "draft"]
    assert drafted, err
    for entry in drafted:
        assert "fuzzy" in entry.flags and entry.msgstr
        assert f"{DRAFT_TAG} argos-translate translate-en_es 1.0" in entry.tcomment
    assert po.find("Aftercare").msgstr == "Cuidados posteriores" and entry_state(po.find("Aftercare")) == "review"
    person = po.find("Rest at home and drink water.")
    assert person.msgstr == "Descanse en casa y beba agua." and entry_state(person) == "fuzzy"


def test_a_draft_that_loses_a_protected_token_is_not_written(aftercare, packages, capsys):
    """The tiny model translates into nonsense: every protected token is lost."""
    path = aftercare.catalog_path("es")
    assert draft(aftercare, packages, "-q") == 0
    err = capsys.readouterr().err
    po = load_po(path)
    for prefix in ("Take 2 tablets", "Read the [FDA page]"):
        entry = next(e for e in po if e.msgid.startswith(prefix))
        assert entry.msgstr == "" and "fuzzy" not in entry.flags
        assert f"{aftercare.relative(path)}:{entry.linenum}: warning: draft not written (" in err
    assert "number '2' missing" in err


def test_gate_refuses_drafts(aftercare, packages, capsys):
    assert draft(aftercare, packages, "-q") == 0
    assert run(["--root", str(aftercare.root), "check", "--lang", "es"]) == 1
    assert "required entry is a machine draft" in capsys.readouterr().out


def test_second_run_translates_nothing_and_output_is_deterministic(aftercare, packages, tmp_path, bare_project):
    path = aftercare.catalog_path("es")
    assert draft(aftercare, packages, "-q") == 0
    first = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    assert draft(aftercare, packages, "-q") == 0
    assert path.read_bytes() == first and path.stat().st_mtime_ns == mtime
    twin = tmp_path / "twin"
    shutil.copytree(aftercare.root, twin)
    (twin / "locales" / "es" / "LC_MESSAGES" / "handouts.po").write_bytes(first)
    po = load_po(twin / "locales" / "es" / "LC_MESSAGES" / "handouts.po")
    for entry in po:
        if entry_state(entry) == "draft":
            entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    save_po(po, twin / "locales" / "es" / "LC_MESSAGES" / "handouts.po", "twin")
    assert run(["--root", str(twin), "draft", "--lang", "es", "--packages-dir", str(packages), "-q"]) == 0
    assert (twin / "locales" / "es" / "LC_MESSAGES" / "handouts.po").read_bytes() == first


def test_redraft_replaces_machine_drafts_only(aftercare, packages):
    path = aftercare.catalog_path("es")
    assert draft(aftercare, packages, "-q") == 0
    po = load_po(path)
    older, edited = [e for e in po if entry_state(e) == "draft"][:2]
    older.msgstr = "borrador viejo"  # what an older package drafted: still a machine's text
    mark_machine_draft(older, "argos-translate translate-en_es 0.9")
    edited.msgstr = "corregido por una persona"  # a person edited a draft: their work now
    save_po(po, path, str(path))
    assert entry_state(load_po(path).find(older.msgid)) == "draft"
    assert entry_state(load_po(path).find(edited.msgid)) == "fuzzy"
    assert draft(aftercare, packages, "-q") == 0
    assert load_po(path).find(older.msgid).msgstr == "borrador viejo"
    assert draft(aftercare, packages, "-q", "--redraft") == 0
    after = load_po(path)
    assert after.find(older.msgid).msgstr != "borrador viejo"
    assert "translate-en_es 1.0" in after.find(older.msgid).tcomment
    assert after.find(edited.msgid).msgstr == "corregido por una persona"
    assert after.find("Rest at home and drink water.").msgstr == "Descanse en casa y beba agua."


def test_drafting_never_touches_the_network(aftercare, packages, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network is unreachable (test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert draft(aftercare, packages, "-q") == 0
    assert any(entry_state(e) == "draft" for e in load_po(aftercare.catalog_path("es")))


# -- protection -----------------------------------------------------------------------------------

GLOSSARY = Glossary(["FDA", "MSCs"], {"stem cell": {"es": "células madre"}})


class Identity:
    """Stands in for a model that keeps every token (the tiny model keeps none)."""

    provenance = "identity test 0"

    def translate(self, sentences):
        return list(sentences)


def test_protected_tokens_round_trip_and_glossary_terms_end_up_as_prescribed():
    patterns = _protection_patterns(GLOSSARY, "es")
    source = "Ask the FDA about *Stem cells*: see [page %(n)s](https://www.fda.gov/) or call 555-0100."
    protected = protect(source, patterns)
    assert "FDA" not in protected.text and "https" not in protected.text and "555" not in protected.text
    text, problem = restore(protected.text, protected)
    assert problem == ""
    assert text == "Ask the FDA about *Células madre*: see [page %(n)s](https://www.fda.gov/) or call 555-0100."
    assert restore(protected.text.replace("{0}", ""), protected)[0] is None


def test_identity_model_drafts_every_entry(aftercare):
    po = load_po(aftercare.catalog_path("es"))
    report = draft_catalog(po, "es", Identity(), GLOSSARY)
    assert not report.broken
    assert po.find("Take 2 tablets every 8 hours.").msgstr == "Take 2 tablets every 8 hours."


def test_sentences_are_split_without_a_model():
    assert split_sentences("Dr. Smith agrees. Take it at 8 p.m. daily. Then rest!") == [
        "Dr. Smith agrees.", "Take it at 8 p.m. daily.", "Then rest!"]
