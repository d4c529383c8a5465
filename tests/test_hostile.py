"""Every translation is hostile until escaped, in every place it is rendered.

A local HTTP server on 127.0.0.1 records every request, and a secret file sits on disk.  Hostile
catalogs (markup, images, attachments, stylesheets, attribute break-outs, broken placeholders)
are built -- as a release, as a preview, and through the renderer with every entry forced
publishable (as if a check had missed something).  Afterwards the server must have seen no
request and no output may contain the secret.
"""

from __future__ import annotations

import dataclasses
import http.server
import subprocess
import threading
import uuid
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from pipeline.catalog import load_po, save_po
from pipeline.cli import run
from pipeline.model import State
from pipeline.release import DRAFT, RELEASE, decide
from pipeline.render import Alternate, Renderer, css_content, format_message, html_to_pdf
from pipeline.model import approve

from .fixture import APPROVED_AT, REVIEWER, make_project


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret(tmp_path) -> tuple[Path, str]:
    value = f"SECRET-{uuid.uuid4().hex}"
    path = tmp_path / "secret.txt"
    path.write_text(value, encoding="utf-8")
    return path, value


def hostile_texts(port: int, secret: Path) -> list[str]:
    web = f"http://127.0.0.1:{port}"
    return [
        f"![x]({web}/markdown-image.png) and ![y](file://{secret})",
        f'<img src="{web}/img-tag.png"> <img src="file://{secret}">',
        f'<link rel="attachment" href="file://{secret}"> <a rel="attachment" href="file://{secret}">a</a>',
        f"<style>@import url({web}/import.css); body {{ background: url({web}/bg.png) }}</style>",
        f'" onmouseover="alert(1)" style="background:url({web}/attribute.png)',
        f"<object data=\"file://{secret}\"></object><iframe src=\"{web}/iframe\"></iframe>",
        f"[a link]({web}/link) and <{web}/autolink>",
        f"<a href={web}/unclosed",
        "100 % sure, %(renamed)s, %d, %(",
        "<script>window.pwned = 1</script>",
    ]


def make_hostile(project, language: str, texts: list[str], approved: bool) -> None:
    """Every entry of the catalog (template strings included) gets every hostile text."""
    path = project.catalog_path(language)
    po = load_po(path)
    for entry in po:
        entry.msgstr = f"{entry.msgid} {' '.join(texts)}"
        if approved:
            approve(entry, REVIEWER, APPROVED_AT)
    save_po(po, path, str(path))


def pdf_bytes(path: Path) -> bytes:
    """The PDF's bytes plus every stream decompressed (fonts, page contents, any attachment)."""
    data = path.read_bytes()
    parts = [data]
    reader = PdfReader(str(path))
    for generation, numbers in reader.xref.items():
        for number in numbers:
            try:
                obj = reader.get_object(number)
            except Exception:  # noqa: BLE001 (free or broken entries are not what we look for)
                continue
            if hasattr(obj, "get_data"):
                parts.append(obj.get_data())
    for start in range(len(data)):
        if data.startswith(b"stream", start):
            try:
                parts.append(zlib.decompressobj().decompress(data[start + 7:start + 200000].lstrip(b"\r\n")))
            except zlib.error:
                pass
    return b"\n".join(parts)


def assert_nothing_leaked(output: Path, secret_value: str) -> None:
    files = [p for p in output.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files) and any(p.suffix == ".html" for p in files)
    for path in files:
        data = pdf_bytes(path) if path.suffix == ".pdf" else path.read_bytes()
        assert secret_value.encode() not in data, path
        if path.suffix == ".pdf":
            reader = PdfReader(str(path))
            names = reader.trailer["/Root"].get("/Names", {})
            assert "/EmbeddedFiles" not in names, path
            for page in reader.pages:
                for annotation in page.get("/Annots", []) or []:
                    assert annotation.get_object().get("/Subtype") != "/FileAttachment", path


class Elements(HTMLParser):
    """Tags and attributes of a page, to prove no markup came from a translation."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    elements = Elements(html)
    tags = [tag for tag, _ in elements.tags]
    for tag in ("img", "script", "object", "iframe"):
        assert tag not in tags, tag
    assert tags.count("style") == 1  # the page's own stylesheet
    assert not [a for _, a in elements.tags if any(name.startswith("on") for name in a)]
    assert not [a for tag, a in elements.tags if tag in ("a", "link") and a.get("rel") == "attachment"]
    hrefs = [a.get("href", "") for tag, a in elements.tags if tag == "a"]
    assert not [h for h in hrefs if "127.0.0.1" in h], hrefs
    styles = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "127.0.0.1" not in styles and "@import" not in styles


def test_hostile_catalogs_fetch_nothing_and_leak_nothing(tmp_path, recorder, secret):
    secret_path, secret_value = secret
    texts = hostile_texts(recorder, secret_path)
    project = make_project(tmp_path / "p", languages={"es": "release", "ar": "draft"})
    make_hostile(project, "es", texts, approved=True)
    make_hostile(project, "ar", texts, approved=False)
    code = run(["--root", str(project.root), "build", "-q", "--skip-incomplete"])
    assert code == 0
    assert Recorder.requests == []
    assert_nothing_leaked(project.output, secret_value)
    preview = (project.output / "preview" / "site" / "ar" / "knee-care.html").read_text(encoding="utf-8")
    assert_inert(preview)
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in preview  # shown as text, not run
    assert "100 % sure, %(renamed)s, %d, %(" in preview  # a literal % is text
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(project.output / "preview" / "handouts" /
                          "knee-care.ar.preview.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "window.pwned = 1" in text  # (in a right-to-left paragraph pdftotext mirrors the brackets)


def test_the_renderer_escapes_even_what_the_checks_would_let_through(tmp_path, recorder, secret):
    """Every entry forced publishable: the release page and PDF still show text, fetch nothing."""
    secret_path, secret_value = secret
    texts = hostile_texts(recorder, secret_path)
    project = make_project(tmp_path / "p", languages={"es": "release"})
    make_hostile(project, "es", texts, approved=True)
    release = decide(project)
    spanish = release.languages["es"]
    forced = dataclasses.replace(spanish, status=RELEASE, verdicts=[
        dataclasses.replace(v, state=State.APPROVED, findings=()) for v in spanish.verdicts])
    assert all(v.publishable for v in forced.verdicts)
    renderer = Renderer(project.templates, "A4")
    document = release.documents[0]
    html = renderer.document_to_html(document, forced, alternates=[Alternate("es", "x.html", "Español", True)],
                                     default_href="x.html", revision="r1")
    assert_inert(html)
    index = renderer.index_to_html(forced, [{"title": texts[1], "lang": None, "href": "a.html", "pdf": "a.pdf"}], [])
    assert_inert(index)
    pdf, refused = html_to_pdf(html, project.templates)
    out = tmp_path / "forced"
    out.mkdir()
    (out / "page.html").write_text(html, encoding="utf-8")
    (out / "page.pdf").write_bytes(pdf)
    assert Recorder.requests == []
    assert_nothing_leaked(out, secret_value)
    preview = dataclasses.replace(forced, status=DRAFT)
    assert_inert(renderer.document_to_html(document, preview, alternates=[], default_href="x", revision="r"))


def test_the_pdf_renderer_refuses_every_url_but_the_projects_assets(tmp_path, recorder, secret):
    """Markup a translation cannot produce any more, given to the renderer directly: WeasyPrint
    still fetches nothing, and the refused URLs are reported."""
    secret_path, secret_value = secret
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
    web = f"http://127.0.0.1:{recorder}"
    html = (f'<html><head><link rel="stylesheet" href="{web}/style.css"><link rel="attachment" href="file://{secret_path}">'
            f'</head><body><img src="{web}/a.png"><img src="file://{secret_path}"><img src="logo.svg">'
            f'<a rel="attachment" href="{web}/attached.txt">x</a></body></html>')
    pdf, refused = html_to_pdf(html, assets)
    assert Recorder.requests == []
    assert secret_value.encode() not in pdf
    assert f"{web}/a.png" in refused and f"file://{secret_path}" in refused
    assert not [url for url in refused if url.endswith("logo.svg")], "the project's own asset is served"
    import weasyprint  # negative control: WeasyPrint's own fetcher does reach the server

    weasyprint.HTML(string=html, base_url=str(assets) + "/").write_pdf()
    assert "/a.png" in Recorder.requests


def test_formatting_a_translation_never_raises():
    assert format_message("100 %", {}) == "100 %"
    assert format_message("%(date)s – 50 %%", {"date": "<b>"}) == "&lt;b&gt; – 50 %"
    assert format_message("%(fecha)s", {"date": "x"}) == "%(fecha)s"
    assert format_message('<img src=x onerror="y">', {}) == "&lt;img src=x onerror=&#34;y&#34;&gt;"


@given(st.text(), st.dictionaries(st.sampled_from(["date", "page", "x"]), st.text()))
def test_format_message_is_total_and_escapes(text, variables):
    result = format_message(text, variables)
    assert "<" not in result and ">" not in result and '"' not in result


def test_css_strings_keep_the_space_after_an_escaped_character():
    assert css_content(format_message("Revisión: %(r)s", {"r": "abc"})) == '"Revisión\\00003a  abc"'


def test_pdf_footer_keeps_the_space_after_its_colon(tmp_path):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    assert run(["--root", str(project.root), "build", "-q"]) == 0
    for name, label in (("knee-care.en.pdf", "Source revision: sha256-"), ("knee-care.es.pdf", "ES: Source revision: sha256-")):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(project.output / "handouts" / name), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert label in text, text[-300:]


def test_a_literal_percent_in_a_released_template_string_is_text(tmp_path):
    from .fixture import set_entry

    project = make_project(tmp_path / "p", languages={"es": "release"})
    set_entry(project, "es", "Page %(page)s of %(pages)s", approved=True,
              msgstr="Página %(page)s de %(pages)s (%)")
    assert run(["--root", str(project.root), "check", "--lang", "es"]) == 0  # no check objects to it
    assert run(["--root", str(project.root), "build", "-q"]) == 0  # and the build does not crash on it
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(project.output / "handouts" / "knee-care.es.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Página 1 de 1 (%)" in text
