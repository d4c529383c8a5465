"""Helpers shared by the reviewer workspace's tests: a server in a thread, raw HTTP requests, and a
fixture project under git."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.workspace import Workspace, serve

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@contextmanager
def running(workspace: Workspace, *, timeout: float | None = None) -> Iterator[int]:
    """The workspace served on a free port of 127.0.0.1 in a thread of this process; yields the port."""
    httpd = serve(workspace) if timeout is None else serve(workspace, timeout=timeout)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def raw(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
        host: str | None = "own", length: str | None = "auto") -> tuple[int, dict, str]:
    """One request with exactly these headers (Host defaults to the server's own; Content-Length
    to the body's length, or as given, or none); returns status, headers, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", f"127.0.0.1:{port}" if host == "own" else host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if length == "auto" and body is not None:
            conn.putheader("Content-Length", str(len(body)))
        elif length not in (None, "auto"):
            conn.putheader("Content-Length", length)
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def api_headers(workspace: Workspace, port: int) -> dict:
    return {"Content-Type": "application/json", "X-CSRF-Token": workspace.token, "Origin": f"http://127.0.0.1:{port}"}


def post_entry(workspace: Workspace, port: int, payload: dict, language: str = "es") -> tuple[int, dict]:
    status, _, text = raw(port, "POST", f"/api/{language}/entry", body=json.dumps(payload).encode("utf-8"),
                          headers=api_headers(workspace, port))
    return status, json.loads(text)


def git(root: Path, *args: str, author: str = "Test Author") -> str:
    name, email = author, author.lower().replace(" ", ".") + "@example.org"
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def commit_all(root: Path, message: str, author: str) -> None:
    git(root, "add", "-A", author=author)
    git(root, "commit", "-q", "-m", message, author=author)
