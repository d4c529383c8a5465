"""The I/O boundary: an operating-system error or undecodable file is one `path: error: ...`
line and exit code 2, never a traceback and never exit 1 (reserved for a failed gate); nothing
is half-written; a bug is exit 3 with one line, the traceback only with --debug."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys

import pytest

from pipeline.cli import run

from .fixture import REPO


def cli(project, *args):
    return run(["--root", str(project.root), *args])


def no_traceback(text: str) -> None:
    assert "Traceback" not in text, text


def test_a_catalog_that_is_a_folder(fixture_project, capsys):
    path = fixture_project.catalog_path("es")
    path.unlink()
    path.mkdir()
    assert cli(fixture_project, "check") == 2
    err = capsys.readouterr().err
    assert err.strip() == "locales/es/LC_MESSAGES/handouts.po: error: is a folder, not a file"


def test_a_catalog_that_is_a_pipe_is_refused_not_opened(fixture_project):
    path = fixture_project.catalog_path("es")
    path.unlink()
    os.mkfifo(path)
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(fixture_project.root), "status"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 2
    assert "locales/es/LC_MESSAGES/handouts.po: error: not a regular file (a pipe, socket or device): refused" in proc.stderr
    no_traceback(proc.stderr)


def test_a_read_only_catalog_is_not_changed(fixture_project, capsys):
    path = fixture_project.catalog_path("es")
    before = path.read_bytes()
    path.chmod(0o444)
    assert cli(fixture_project, "unapprove", "--lang", "es", "--all") == 2
    assert capsys.readouterr().err.strip() == "locales/es/LC_MESSAGES/handouts.po: error: the file is read-only: not changed"
    assert path.read_bytes() == before


def test_a_read_only_folder(fixture_project, capsys, monkeypatch):
    """(As root the kernel lets every write through, so the refusal is simulated where the
    temporary file is made.)"""
    import tempfile

    folder = fixture_project.catalog_path("es").parent

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert cli(fixture_project, "unapprove", "--lang", "es", "--all") == 2
    assert capsys.readouterr().err.strip() == "locales/es/LC_MESSAGES/handouts.po: error: cannot write: Permission denied"


def test_a_full_disk_leaves_the_catalog_as_it_was(fixture_project, capsys, monkeypatch):
    path = fixture_project.catalog_path("es")
    before = path.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert cli(fixture_project, "unapprove", "--lang", "es", "--all") == 2
    err = capsys.readouterr().err.strip()
    assert err == ("locales/es/LC_MESSAGES/handouts.po: error: cannot write: No space left on device; "
                   "the file was left as it was")
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")], "no temporary file left behind"


def test_a_lock_path_that_is_a_folder(fixture_project, capsys):
    path = fixture_project.catalog_path("es")
    lock = path.parent / f"{path.name}.lock"
    lock.unlink(missing_ok=True)  # a lock file an earlier command left (filelock keeps it)
    lock.mkdir()
    assert cli(fixture_project, "unapprove", "--lang", "es", "--all") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("locales/es/LC_MESSAGES/handouts.po: error: cannot take the lock ")
    no_traceback(err)


def test_a_document_that_is_not_utf8_names_its_line(fixture_project, capsys):
    document = fixture_project.documents / "knee-care.md"
    lines = document.read_bytes().split(b"\n")
    lines[11] = lines[11] + b" caf\xe9"
    document.write_bytes(b"\n".join(lines))
    assert cli(fixture_project, "extract") == 2
    assert capsys.readouterr().err.strip().startswith(
        "source/documents/knee-care.md:12: error: not valid UTF-8 (invalid continuation byte at byte ")
    assert cli(fixture_project, "build", "-q") == 2


def test_a_busy_port_is_one_line(fixture_project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(fixture_project.root), "workspace",
                               "--port", str(port)], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"error: cannot listen on 127.0.0.1:{port}: Address already in use "
                                   "(choose another --port, or leave it out for a free one)")


def test_another_projects_pyproject(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "something-else"\n', encoding="utf-8")
    assert run(["--root", str(tmp_path), "status"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("pyproject.toml: error: this pyproject.toml has no [tool.handouts] table: it is not a "
                        "handouts project (run from the project's folder, or pass --root)")


def test_a_bug_is_exit_3_in_one_line_and_the_traceback_only_with_debug(fixture_project, capsys, monkeypatch):
    import pipeline.status

    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(pipeline.status, "project_status", broken)
    assert cli(fixture_project, "status") == 3
    err = capsys.readouterr().err
    assert err == ("internal error: RuntimeError: something unexpected (a bug in handouts; run again with "
                   "--debug for the traceback)\n")
    assert run(["--root", str(fixture_project.root), "--debug", "status"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "RuntimeError: something unexpected" in err


@pytest.mark.parametrize("command", [["check"], ["status"], ["build", "-q", "--format", "html"], ["update"]])
def test_no_command_meets_an_unreadable_catalog_with_a_traceback(fixture_project, capsys, command):
    fixture_project.catalog_path("fr").write_bytes(b'msgid ""\nmsgstr "\xff"\n')
    assert cli(fixture_project, *command) == 2
    err = capsys.readouterr().err
    assert "locales/fr/LC_MESSAGES/handouts.po:2: error: not valid UTF-8" in err
    no_traceback(err)
