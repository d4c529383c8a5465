"""The reviewer workspace answers only its own Host (no DNS rebinding): raw HTTP against the server
running on 127.0.0.1, with explicit Host and Origin headers, on the tests' own fixture project."""

from __future__ import annotations

import http.client
import json
import threading

import pytest

from pipeline.catalog import load_po
from pipeline.model import entry_state, read_approval, view_digest
from pipeline.workspace import Workspace, allowed_host, serve

from .fixture import make_project

DOCUMENT = "knee-care"


@pytest.fixture
def server(tmp_path):
    project = make_project(tmp_path / "p")
    workspace = Workspace(project, packages_dir=None)
    httpd = serve(workspace)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield workspace, httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def request(port: int, method: str, path: str, host: str | None, headers: dict | None = None,
            body: bytes | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def pending_entry(workspace: Workspace, language: str = "es"):
    """An entry of the document awaiting approval: its approval record removed."""
    from pipeline.catalog import save_po
    from pipeline.model import unapprove

    path = workspace.project.catalog_path(language)
    po = load_po(path)
    entry = next(e for e in po if not e.obsolete and e.msgstr and not e.msgid_plural)
    unapprove(entry)
    save_po(po, path, str(path))
    entry = next(e for e in load_po(path) if (e.msgctxt, e.msgid) == (entry.msgctxt, entry.msgid))
    assert entry_state(entry) != "approved"
    return entry


def approval(entry, reviewer: str = "Ana Ruiz") -> bytes:
    return json.dumps({"action": "approve", "msgctxt": entry.msgctxt, "msgid": entry.msgid, "msgstr": entry.msgstr,
                       "digest": view_digest(entry), "reviewer": reviewer}).encode("utf-8")


REFUSED = [
    None,  # no Host header at all
    "127.0.0.1",  # no port
    "localhost",
    "127.0.0.1:{other}",  # another port
    "localhost:{other}",
    "[::1]:{port}",
    "0.0.0.0:{port}",
    "evil.example:{port}",
    "127.0.0.1.evil.example:{port}",
    "localhost.evil.example:{port}",
    "127.0.0.1:{port}.evil.example",
    "127.0.0.1:0{port}",
    "",
]


@pytest.mark.parametrize("template", REFUSED, ids=lambda t: repr(t))
def test_a_foreign_host_is_refused_everywhere(server, template):
    workspace, port = server
    host = None if template is None else template.format(port=port, other=port + 1 if port < 65535 else port - 1)
    for path in ("/", f"/review/es/{DOCUMENT}", "/static/review.js", f"/preview/es/{DOCUMENT}", "/nowhere"):
        status, body = request(port, "GET", path, host)
        assert status == 421, (path, status)
        assert workspace.token not in body
        assert "<html" not in body.lower() and "function" not in body

    entry = pending_entry(workspace)
    catalog = workspace.project.catalog_path("es")
    before = catalog.read_bytes()
    headers = {"Content-Type": "application/json", "X-CSRF-Token": workspace.token}
    if host:
        headers["Origin"] = f"http://{host}"
    status, body = request(port, "POST", "/api/es/entry", host, headers, approval(entry))
    assert status == 421
    assert workspace.token not in body
    assert catalog.read_bytes() == before


def test_two_host_headers_are_refused(server):
    workspace, port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", "/", skip_host=True)
        conn.putheader("Host", f"127.0.0.1:{port}")
        conn.putheader("Host", f"evil.example:{port}")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 421
        assert workspace.token not in response.read().decode("utf-8")
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LocalHost"])
def test_the_own_host_is_served_and_can_approve(server, name):
    workspace, port = server
    host = f"{name}:{port}"
    status, body = request(port, "GET", "/", host)
    assert status == 200 and "knee-care" in body
    status, body = request(port, "GET", f"/review/es/{DOCUMENT}", host)
    assert status == 200 and workspace.token in body  # the review page carries the token (index.html does not)
    status, _ = request(port, "GET", "/static/review.js", host)
    assert status == 200

    entry = pending_entry(workspace)
    headers = {"Content-Type": "application/json", "X-CSRF-Token": workspace.token, "Origin": f"http://{host}"}
    status, body = request(port, "POST", "/api/es/entry", host, headers, approval(entry))
    assert status == 200, body
    assert json.loads(body)["entry"]["state"] == "approved"
    fresh = load_po(workspace.project.catalog_path("es")).find(entry.msgid, msgctxt=entry.msgctxt)
    assert entry_state(fresh) == "approved" and read_approval(fresh).who == "Ana Ruiz"


def test_a_foreign_origin_is_refused_on_the_own_host(server):
    workspace, port = server
    entry = pending_entry(workspace)
    catalog = workspace.project.catalog_path("es")
    before = catalog.read_bytes()
    host = f"127.0.0.1:{port}"
    for origin in (f"http://evil.example:{port}", f"http://localhost:{port}", f"https://{host}", "null"):
        headers = {"Content-Type": "application/json", "X-CSRF-Token": workspace.token, "Origin": origin}
        status, _ = request(port, "POST", "/api/es/entry", host, headers, approval(entry))
        assert status == 403, origin
    assert catalog.read_bytes() == before


def test_a_wrong_token_is_still_refused_on_the_own_host(server):
    workspace, port = server
    entry = pending_entry(workspace)
    catalog = workspace.project.catalog_path("es")
    before = catalog.read_bytes()
    host = f"127.0.0.1:{port}"
    headers = {"Content-Type": "application/json", "X-CSRF-Token": "wrong", "Origin": f"http://{host}"}
    status, _ = request(port, "POST", "/api/es/entry", host, headers, approval(entry))
    assert status == 403
    assert catalog.read_bytes() == before


def test_allowed_host():
    assert allowed_host("127.0.0.1:8123", 8123)
    assert allowed_host("LOCALHOST:8123", 8123)
    for header in (None, "", "127.0.0.1", "localhost:8124", "[::1]:8123", "0.0.0.0:8123", "evil.example:8123",
                   "127.0.0.1.evil.example:8123", " 127.0.0.1:8123", "127.0.0.1:8123 x"):
        assert not allowed_host(header, 8123), header


def test_an_entry_with_check_errors_cannot_be_approved_from_the_page(server):
    """The release never publishes it (pipeline.release), so the page never approves it."""
    from .fixture import set_entry

    workspace, port = server
    project = workspace.project
    set_entry(project, "es", "Rest the knee", msgstr="ES: Rest the knee for 24 hours <img src=x onerror=alert(1)>.")
    entry = next(e for e in load_po(project.catalog_path("es")) if e.msgid.startswith("Rest the knee"))
    before = project.catalog_path("es").read_bytes()
    host = f"127.0.0.1:{port}"
    headers = {"Content-Type": "application/json", "X-CSRF-Token": workspace.token, "Origin": f"http://{host}"}
    status, body = request(port, "POST", "/api/es/entry", host, headers, approval(entry))
    assert status == 400
    assert "Not approved, nothing written: an entry with check errors is never published" in json.loads(body)["error"]
    assert "[unsafe-markup]" in json.loads(body)["error"]
    assert project.catalog_path("es").read_bytes() == before
