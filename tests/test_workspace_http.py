"""The reviewer workspace over raw HTTP (http.client and plain sockets), on the tests' own fixture
project: strict request parsing, timeouts, error answers, 404s, a broken catalog, a busy port, and
the review features' server side (confirmation, undo, comments, search, sections, history)."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import quote

import pytest

from pipeline.catalog import load_po
from pipeline.model import entry_state, read_approval, translator_notes, view_digest
from pipeline.workspace import Workspace

from .fixture import find_entry, make_project, set_entry
from .workspace_helpers import api_headers, commit_all, git, post_entry, raw, running

TARGET = "Rest the knee for 24 hours."
DOCUMENT = "knee-care"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One fixture project and server for the read-only and refused-request tests of this module."""
    project = make_project(tmp_path_factory.mktemp("ws") / "p")
    workspace = Workspace(project, packages_dir=None)
    with running(workspace, timeout=1.0) as port:
        yield workspace, port


@pytest.fixture
def fresh(tmp_path):
    """A fixture project of its own, with the Spanish TARGET awaiting review, and its server."""
    project = make_project(tmp_path / "p")
    set_entry(project, "es", TARGET, tcomment="")
    workspace = Workspace(project, packages_dir=None)
    with running(workspace) as port:
        yield workspace, port


def entry_payload(project, action: str, prefix: str = TARGET, language: str = "es", **extra) -> dict:
    entry = find_entry(project, language, prefix)
    return {"action": action, "msgctxt": entry.msgctxt, "msgid": entry.msgid, "digest": view_digest(entry), **extra}


# -- strict request parsing ------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "words"), [
    (b"[]", "must be a JSON object"),
    (b'"approve"', "must be a JSON object"),
    (b"1", "must be a JSON object"),
    (b"null", "must be a JSON object"),
    (b"{", "Failed to decode JSON"),
    (b"\xff\xfe{}", "Failed to decode JSON"),
    (b'{"action": "approve"}', "missing field(s): msgid, digest"),
    (b'{"action": "burn", "msgid": "x", "digest": "d"}', "action must be one of"),
    (b'{"action": "save", "msgid": 1, "digest": "d"}', "msgid must be a text"),
    (b'{"action": "save", "msgid": "x", "msgctxt": 2, "digest": "d"}', "msgctxt must be a text or null"),
    (b'{"action": "save", "msgid": "x", "digest": "d", "forms": "text"}', "forms must be a list of texts"),
    (b'{"action": "save", "msgid": "x", "digest": "d", "forms": [1]}', "forms must be a list of texts"),
    (b'{"action": "approve", "msgid": "x", "digest": "d", "confirmed": "yes"}', "confirmed must be true or false"),
    (b'{"action": "save", "msgid": "x", "digest": "d", "admin": true}', "unknown field(s): admin"),
    (b'{"action": "save", "msgid": "x", "digest": "d"}', "a save needs the text"),
])
def test_a_malformed_body_gets_a_400_json_error(made, body, words):
    workspace, port = made
    before = workspace.project.catalog_path("es").read_bytes()
    status, headers, text = raw(port, "POST", "/api/es/entry", body=body, headers=api_headers(workspace, port))
    assert status == 400, text
    assert headers["Content-Type"].startswith("application/json")
    assert words in json.loads(text)["error"]
    assert "Traceback" not in text
    assert workspace.project.catalog_path("es").read_bytes() == before


@pytest.mark.parametrize(("length", "status"), [
    ("-1", 400), ("-100", 400), ("abc", 400), ("1e3", 400), ("+5", 400), ("5 5", 400), ("0x10", 400), (None, 400),
    ("1000001", 413), ("99999999999", 413),
])
def test_content_length_must_be_a_bounded_whole_number(made, length, status):
    workspace, port = made
    started = time.monotonic()
    answer, _, text = raw(port, "POST", "/api/es/entry", body=b"{}", headers=api_headers(workspace, port), length=length)
    assert answer == status, text
    assert "error" in json.loads(text)
    assert time.monotonic() - started < 0.9  # answered at once, never waiting for a body that is not coming


def test_a_chunked_body_and_a_wrong_type_are_refused(made):
    workspace, port = made
    headers = {**api_headers(workspace, port), "Transfer-Encoding": "chunked"}
    status, _, text = raw(port, "POST", "/api/es/entry", body=b"2\r\n{}\r\n0\r\n\r\n", headers=headers, length=None)
    assert status == 400 and "Content-Length" in json.loads(text)["error"]
    headers = {**api_headers(workspace, port), "Content-Type": "text/plain"}
    status, _, text = raw(port, "POST", "/api/es/entry", body=b"{}", headers=headers)
    assert status == 415 and "application/json" in json.loads(text)["error"]


def test_a_body_that_never_arrives_times_out(made):
    workspace, port = made  # served with a 1 s request timeout
    started = time.monotonic()
    status, _, text = raw(port, "POST", "/api/es/entry", body=b'{"a', headers=api_headers(workspace, port), length="500")
    assert status == 408 and "in time" in json.loads(text)["error"]
    assert time.monotonic() - started < 5


def test_a_request_that_never_ends_is_disconnected(made):
    _, port = made
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port)  # and never the blank line
        started = time.monotonic()
        assert sock.recv(1000) == b""  # closed by the server after its timeout
        assert time.monotonic() - started < 4


def test_errors_carry_the_security_headers_and_no_traceback(made):
    workspace, port = made
    for method, path, body in [("GET", "/nowhere", None), ("POST", "/", b"{}"), ("GET", "/review/xx/knee-care", None),
                               ("POST", "/api/es/entry", b"[]")]:
        headers = api_headers(workspace, port) if path.startswith("/api") else {}
        status, answer, text = raw(port, method, path, body=body, headers=headers)
        assert status in (400, 404, 405), (path, status)
        assert "default-src 'self'" in answer["Content-Security-Policy"]
        assert answer["X-Frame-Options"] == "DENY" and answer["X-Content-Type-Options"] == "nosniff"
        assert "Traceback" not in text and "Werkzeug" not in answer.get("Server", "")


def test_the_api_needs_the_token_for_reading_too(made):
    _, port = made
    for path in ("/api/es/back-translations", f"/api/es/history?msgid={quote(TARGET)}"):
        status, _, text = raw(port, "GET", path)
        assert status == 403 and "CSRF" in json.loads(text)["error"]


def test_the_server_listens_on_loopback_only(made):
    _, port = made
    with pytest.raises(OSError):
        socket.create_connection(("::1", port), timeout=1).close()


# -- 404s and a broken catalog ------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/review/de/knee-care", "/review/es/no-such-document", "/review/es/..", "/preview/de/knee-care",
    "/preview/es/no-such-document", "/static/secret.txt", "/static/../workspace.py", "/nowhere",
])
def test_unknown_languages_and_documents_are_404(made, path):
    _, port = made
    status, _, text = raw(port, "GET", path)
    assert status == 404, text
    assert "Nothing to review" not in text


def test_an_unknown_language_in_the_api_is_404(made):
    workspace, port = made
    status, _, text = raw(port, "POST", "/api/de/entry", body=b"{}", headers=api_headers(workspace, port))
    assert status == 404 and "de" in json.loads(text)["error"]


def test_an_unknown_filter_is_400(made):
    _, port = made
    status, _, text = raw(port, "GET", f"/review/es/{DOCUMENT}?filter=everything")
    assert status == 400 and "unknown filter" in text


def test_a_broken_catalog_is_one_row_and_the_others_stay_usable(tmp_path):
    project = make_project(tmp_path / "p")
    catalog = project.catalog_path("fr")
    lines = catalog.read_text(encoding="utf-8").split("\n")
    broken_line = next(k for k, line in enumerate(lines, start=1) if line.startswith("msgid") and k > 20)
    lines[broken_line - 1] = 'msgid "unterminated'
    catalog.write_text("\n".join(lines), encoding="utf-8")
    workspace = Workspace(project, packages_dir=None)
    with running(workspace) as port:
        status, _, page = raw(port, "GET", "/")
        assert status == 200
        assert f"locales/fr/LC_MESSAGES/handouts.po:{broken_line}: error:" in page
        assert page.count('class="catalog-error"') == 1
        assert f'href="/review/es/{DOCUMENT}"' in page and f'href="/review/ar/{DOCUMENT}"' in page
        assert f'href="/review/fr/{DOCUMENT}"' not in page
        assert raw(port, "GET", f"/review/es/{DOCUMENT}")[0] == 200
        status, _, page = raw(port, "GET", f"/review/fr/{DOCUMENT}")
        assert status == 500 and f"handouts.po:{broken_line}: error:" in page


def test_a_busy_port_is_one_line_from_the_cli(tmp_path, capsys):
    from pipeline.cli import run

    project = make_project(tmp_path / "p")
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        code = run(["--root", str(project.root), "workspace", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [(f"error: cannot listen on 127.0.0.1:{port}: Address already in use "
                                        "(choose another --port, or leave it out for a free one)")]


# -- review safety, on the server ---------------------------------------------------------------

def test_approving_a_fuzzy_entry_needs_confirmation(fresh):
    workspace, port = fresh
    project = workspace.project
    set_entry(project, "es", TARGET, flags=["fuzzy"], previous_msgid="Rest the knee for 12 hours.")
    status, answer = post_entry(workspace, port, entry_payload(project, "approve", reviewer="Ana Ruiz"))
    assert status == 400
    assert answer["confirm"] == ["fuzzy: the English source changed since it was translated"]
    assert entry_state(find_entry(project, "es", TARGET)) == "fuzzy"
    status, answer = post_entry(workspace, port, entry_payload(project, "approve", reviewer="Ana Ruiz", confirmed=True))
    assert status == 200 and answer["entry"]["state"] == "approved"


def test_the_entry_view_says_why_it_cannot_be_approved(fresh):
    workspace, _ = fresh
    set_entry(workspace.project, "es", TARGET, msgstr="ES: Rest the knee for 24 hours <img src=x onerror=alert(1)>.")
    (view,), _ = workspace.entries("es", DOCUMENT, "all", query="onerror")
    assert view["errors"] and view["errors"][0].startswith("[unsafe-markup]")
    assert view["confirm"] == []  # nothing to confirm: it cannot be approved at all


def test_the_last_action_is_undone_text_and_record(fresh):
    workspace, port = fresh
    project = workspace.project
    catalog = project.catalog_path("es")
    set_entry(project, "es", TARGET, approved=True)
    approved = catalog.read_bytes()
    status, answer = post_entry(workspace, port, entry_payload(project, "save", forms=["Descanse la rodilla."]))
    assert status == 200 and answer["entry"]["state"] == "stale"
    saved = answer["entry"]
    status, answer = post_entry(workspace, port, {"action": "undo", "undo": saved["undo"], "msgctxt": None,
                                                  "msgid": TARGET, "digest": saved["digest"]})
    assert status == 200 and answer["entry"]["state"] == "approved"
    assert catalog.read_bytes() == approved  # text and approval record as they were, byte for byte
    status, answer = post_entry(workspace, port, {"action": "undo", "undo": saved["undo"], "msgctxt": None,
                                                  "msgid": TARGET, "digest": answer["entry"]["digest"]})
    assert status == 400 and "nothing to undo" in answer["error"]


def test_undo_follows_the_conflict_rule(fresh):
    workspace, port = fresh
    project = workspace.project
    status, answer = post_entry(workspace, port, entry_payload(project, "approve", reviewer="Ana Ruiz"))
    assert status == 200
    set_entry(project, "es", TARGET, msgstr="Versión guardada en Poedit")  # a translator saves meanwhile
    before = project.catalog_path("es").read_bytes()
    status, answer = post_entry(workspace, port, {"action": "undo", "undo": answer["entry"]["undo"], "msgctxt": None,
                                                  "msgid": TARGET, "digest": answer["entry"]["digest"]})
    assert status == 409 and answer["entry"]["forms"][0]["text"] == "Versión guardada en Poedit"
    assert project.catalog_path("es").read_bytes() == before


def test_comments_are_edited_without_touching_the_records(fresh):
    workspace, port = fresh
    project = workspace.project
    set_entry(project, "es", TARGET, approved=True,
              tcomment="machine-draft: argos-translate translate-en_es 1.0; text-sha256=0123456789ab\nold note")
    approval = read_approval(find_entry(project, "es", TARGET))
    status, answer = post_entry(workspace, port, entry_payload(project, "comment", notes="Checked with Dr. Ruiz\nsecond"))
    assert status == 200 and answer["entry"]["state"] == "approved" and answer["entry"]["notes"] == "Checked with Dr. Ruiz\nsecond"
    entry = find_entry(project, "es", TARGET)
    assert translator_notes(entry) == ["Checked with Dr. Ruiz", "second"]
    assert read_approval(entry) == approval and "machine-draft: argos-translate" in entry.tcomment
    # a record cannot be forged through a comment
    status, answer = post_entry(workspace, port, entry_payload(project, "comment", notes="approved-by: Eve; x"))
    assert status == 400 and "may not be a record" in answer["error"]


def test_a_concurrent_comment_edit_is_a_conflict(fresh):
    workspace, port = fresh
    project = workspace.project
    payload = entry_payload(project, "comment", notes="mine")
    set_entry(project, "es", TARGET, tcomment="a translator's note, saved in Poedit")  # changes no approval digest
    before = project.catalog_path("es").read_bytes()
    status, answer = post_entry(workspace, port, payload)
    assert status == 409 and answer["entry"]["notes"] == "a translator's note, saved in Poedit"
    assert project.catalog_path("es").read_bytes() == before


# -- what reviewers expect ------------------------------------------------------------------------

def test_search_covers_source_and_translation_and_sections_filter(fresh):
    workspace, port = fresh
    project = workspace.project
    set_entry(project, "es", TARGET, msgstr="Descanse la RODILLA durante 24 horas.")
    by_translation, counts = workspace.entries("es", DOCUMENT, "all", query="rodilla")
    assert [v["msgid"] for v in by_translation] == [TARGET]
    assert sum(counts.values()) > 1  # the counts are the document's, whatever is shown
    by_source, _ = workspace.entries("es", DOCUMENT, "all", query="REST THE KNEE")
    assert [v["msgid"] for v in by_source] == [TARGET]
    section, _ = workspace.entries("es", DOCUMENT, "all", section="The First Two Days")
    assert TARGET in [v["msgid"] for v in section] and all(v["section"] == "The First Two Days" for v in section)
    status, _, page = raw(port, "GET", f"/review/es/{DOCUMENT}?filter=all&q=rodilla&section=The+First+Two+Days")
    assert status == 200 and "1 shown" in page and '<option selected>The First Two Days</option>' in page


def test_the_progress_line_counts_the_document(made):
    _, port = made
    status, _, page = raw(port, "GET", f"/review/es/{DOCUMENT}")  # every entry approved, nothing pending
    assert status == 200
    total = len([e for e in load_po(made[0].project.catalog_path("es")) if not e.obsolete
                 and any(p.endswith("knee-care.md") for p, _ in e.occurrences)])
    assert f"{total} of {total} approved · 0 shown" in page


def test_history_from_git_names_who_changed_and_approved(fresh):
    workspace, port = fresh
    project = workspace.project
    root = project.root
    git(root, "init", "-q")
    commit_all(root, "Add the fixture project", "Tia Translator")
    set_entry(project, "es", TARGET, msgstr="Descanse la rodilla 24 horas.")
    commit_all(root, "Better Spanish", "Tia Translator")
    set_entry(project, "es", TARGET, approved=True)
    commit_all(root, "Approve knee care", "Rita Reviewer")
    set_entry(project, "es", "Apply ice", msgstr="ES: other entry changed")
    commit_all(root, "Another entry", "Olaf Other")
    status, _, text = raw(port, "GET", f"/api/es/history?msgid={quote(TARGET)}",
                          headers={"X-CSRF-Token": workspace.token})
    assert status == 200, text
    history = json.loads(text)
    events = history["events"]
    assert [e["author"] for e in events] == ["Rita Reviewer", "Tia Translator", "Tia Translator"]
    assert events[0]["changes"] == ["approved by Test Reviewer (2026-01-02T09:30Z)"]
    assert events[1]["changes"] == ["translation changed"] and events[1]["subject"] == "Better Spanish"
    assert events[2]["changes"][0] == "entry added"
    assert history["note"] is None
    set_entry(project, "es", TARGET, msgstr="Uncommitted")
    assert "not committed yet" in workspace.history("es", (None, TARGET))["note"]


def test_history_outside_git_says_so(made):
    workspace, _ = made
    assert workspace.history("es", (None, TARGET)) == {"available": False, "note": "the project is not a git repository"}
