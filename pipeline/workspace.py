"""The reviewer workspace: a local web page to review, edit and approve translations.

``handouts review-server`` (``make review-web``) serves it on 127.0.0.1, on a free port, and
prints the address.  Nothing leaves the machine.  Every write goes through the same library
functions as the command line (approval records, the catalog lock, atomic writes), and is
refused when the entry changed on disk since the page showed it: the page sends the digest of
the entry as it was shown, the server compares it with the entry as it is now.

Safety: loopback only; every write needs the page's CSRF token (a random value made when the
server starts) and a same-origin request; every translation is rendered escaped (Jinja2
autoescaping on the server, ``textContent`` in the script).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jinja2
import polib

from .backtranslate import DEFAULT_THRESHOLD, BackTranslator
from .build import source_revision
from .catalog import Conflict, LanguageCatalog
from .checks import ERROR, Glossary, check_entry
from .config import Project
from .errors import PipelineError
from .release import DRAFT, judge_language, read_documents
from .render import Alternate, Renderer
from .model import (
    PENDING,
    PUBLISHABLE,
    State,
    approve,
    check_reviewer,
    entry_documents,
    entry_section,
    entry_state,
    form_sources,
    is_required,
    live_entries,
    plural_examples,
    send_back,
    set_text,
    tally,
    translation_forms,
    view_digest,
)
from .model import origin as entry_origin

WEB = Path(__file__).parent / "web"
FILTERS = {"pending": PENDING, **{str(s): {s} for s in State if s not in PUBLISHABLE}, "all": set(State)}


@dataclass
class Workspace:
    """The server's state: the project, the CSRF token, the back-translators."""

    project: Project
    packages_dir: Path | None = None
    threshold: float = DEFAULT_THRESHOLD
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def __post_init__(self):
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(WEB)), autoescape=True,
                                      undefined=jinja2.StrictUndefined)
        self.glossary = Glossary.load(self.project.glossary_path)
        self._back: dict[str, BackTranslator] = {}
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------------

    def back_translator(self, language: str) -> BackTranslator | None:
        if self.packages_dir is None:
            return None
        with self._lock:
            if language not in self._back:
                self._back[language] = BackTranslator(self.packages_dir, self.project.source_language, language,
                                                      self.project.output / ".cache")
            back = self._back[language]
        return back if back.available else None

    def entry_view(self, entry: polib.POEntry, language: str, back=None) -> dict:
        folder = self.project.relative(self.project.documents)
        terms = []
        for term in self.glossary.source_terms(entry.msgid):
            terms.append({"term": term, "translation": self.glossary.terms[term].get(language, "")})
        terms += [{"term": t, "translation": "(keep as written)"} for t in self.glossary.do_not_translate if t in entry.msgid]
        state = entry_state(entry)
        findings = check_entry(entry, language, self.glossary)
        texts = translation_forms(entry)
        labels = (plural_examples(self.plural_forms(language), len(texts)) if entry.msgid_plural else [""])
        view = {
            "msgctxt": entry.msgctxt,
            "msgid": entry.msgid,
            "msgstr": entry.msgstr,
            "forms": [{"text": text, "label": label, "source": source}
                      for text, label, source in zip(texts, labels, form_sources(entry))],
            "previous": entry.previous_msgid,
            "state": state,
            "required": is_required(entry),
            "documents": entry_documents(entry, folder),
            "section": entry_section(entry),
            "line": entry.linenum,
            "warnings": [f"{f.severity}: [{f.check}] {f.message}" for f in findings],
            "published": state in PUBLISHABLE and not any(f.severity == ERROR for f in findings),
            "terms": terms,
            "origin": entry_origin(entry),
            "digest": view_digest(entry),
            "back": None,
        }
        if back is not None:
            view["back"] = {"text": back.text, "chrf": back.chrf, "low": back.chrf < self.threshold}
        return view

    def entries(self, language: str, document: str, filter_name: str) -> tuple[list[dict], dict]:
        po = LanguageCatalog(self.project, language).load()
        folder = self.project.relative(self.project.documents)
        mine = [e for e in live_entries(po) if document in entry_documents(e, folder)]
        counts = tally(entry_state(e) for e in mine)
        wanted = FILTERS.get(filter_name, FILTERS["pending"])
        required_only = filter_name == "required"
        chosen = [e for e in mine if (is_required(e) if required_only else entry_state(e) in wanted)]
        chosen.sort(key=lambda e: not is_required(e))  # required first
        backs = {}
        translator = self.back_translator(language)
        if translator is not None:
            backs = translator.translate([(e.msgid, e.msgstr) for e in chosen if e.msgstr])
        return [self.entry_view(e, language, backs.get((e.msgid, e.msgstr))) for e in chosen], counts

    # -- writing ---------------------------------------------------------------------------------

    def act(self, language: str, request: dict) -> dict:
        action = request.get("action")
        if action not in ("save", "approve", "save-approve", "send-back"):
            raise PipelineError(f"unknown action {action!r}")
        reviewer = str(request.get("reviewer") or "")
        if action in ("approve", "save-approve"):
            check_reviewer(reviewer)
        texts = request.get("forms")
        if texts is None:
            texts = [request.get("msgstr", "")]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise PipelineError("forms must be a list of texts")

        def change(fresh: polib.POEntry) -> polib.POEntry:
            if action in ("save", "save-approve"):
                set_text(fresh, texts)
            if action in ("approve", "save-approve"):
                errors = [f for f in check_entry(fresh, language, self.glossary) if f.severity == ERROR]
                if errors:  # never published (pipeline.release), so never approved from the page
                    raise PipelineError("Not approved, nothing written: an entry with check errors is never "
                                        "published. Fix it first: " + "; ".join(f"[{f.check}] {f.message}" for f in errors))
                approve(fresh, reviewer, dt.datetime.now(dt.timezone.utc))
            if action == "send-back":
                send_back(fresh)
            return fresh

        msgctxt, msgid = request.get("msgctxt"), request.get("msgid")
        if not isinstance(msgid, str) or not (msgctxt is None or isinstance(msgctxt, str)):
            raise PipelineError("msgid must be a text, msgctxt a text or null")
        catalog = LanguageCatalog(self.project, language)
        entry = catalog.modify_entry((msgctxt, msgid), str(request.get("digest")), change)
        return self.view_with_back(entry, language)

    def plural_forms(self, language: str) -> str | None:
        return LanguageCatalog(self.project, language).load().metadata.get("Plural-Forms")

    def view_with_back(self, entry: polib.POEntry, language: str) -> dict:
        translator = self.back_translator(language)
        backs = translator.translate([(entry.msgid, entry.msgstr)]) if translator and entry.msgstr else {}
        return self.entry_view(entry, language, backs.get((entry.msgid, entry.msgstr)))

    # -- pages -----------------------------------------------------------------------------------

    def index_page(self) -> str:
        from .status import project_status

        data = project_status(self.project)
        return self.env.get_template("index.html").render(data=data, token=self.token)

    def review_page(self, language: str, document: str, filter_name: str) -> str:
        info = self.project.language(language)
        entries, counts = self.entries(language, document, filter_name)
        return self.env.get_template("review.html").render(
            language=language, language_name=info.native_name, lang_tag=info.tag,
            document=document, filter=filter_name, filters=list(FILTERS) + ["required"], entries=entries,
            counts=counts, total=sum(counts.values()), token=self.token,
            back_available=self.back_translator(language) is not None, threshold=self.threshold,
        )

    def preview_page(self, language: str, document: str) -> str:
        """The document in that language as it stands: drafts shown and marked, watermark."""
        judged = dataclasses.replace(judge_language(self.project, language, self.glossary), status=DRAFT)
        doc = next((d for d in read_documents(self.project) if d.slug == document), None)
        if doc is None:
            raise PipelineError(f"no document {document!r}")
        renderer = Renderer(self.project.templates, self.project.paper, self.project.source_language,
                            self.project.language)
        info = self.project.language(language)
        return renderer.document_to_html(
            doc, judged,
            alternates=[Alternate(info.tag, f"/preview/{language}/{document}", info.native_name, True)],
            default_href=f"/preview/{language}/{document}",
            revision=source_revision(self.project, self.project.root / doc.path),
        )


def allowed_host(header: str | None, port: int) -> bool:
    """Whether a request's ``Host`` names this server: exactly ``127.0.0.1:PORT`` or
    ``localhost:PORT`` (host name case-insensitive).  Anything else -- another name pointed at
    127.0.0.1 by DNS rebinding, another port, no port -- is refused."""
    return header is not None and header.lower() in (f"127.0.0.1:{port}", f"localhost:{port}")


def make_handler(workspace: Workspace):
    class Handler(BaseHTTPRequestHandler):
        server_version = "handouts-review"

        def log_message(self, fmt, *args):  # quiet: the terminal shows the address and errors only
            pass

        def parse_request(self) -> bool:
            """Every request, whatever its method or path, passes the Host check before routing."""
            if not super().parse_request():
                return False
            hosts = self.headers.get_all("Host") or []
            if len(hosts) != 1 or not allowed_host(hosts[0], self.server.server_address[1]):  # type: ignore[index,arg-type]
                self.close_connection = True
                self._send(421, "Misdirected request: use http://127.0.0.1:PORT/ as printed by the server.\n",
                           "text/plain; charset=utf-8")
                return False
            return True

        def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Content-Security-Policy",
                             "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                             "script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, payload: dict) -> None:
            self._send(status, json.dumps(payload, ensure_ascii=False), "application/json; charset=utf-8")

        def do_GET(self):
            url = urlparse(self.path)
            parts = [p for p in url.path.split("/") if p]
            query = parse_qs(url.query)
            try:
                if not parts:
                    return self._send(200, workspace.index_page())
                if parts[0] == "static" and len(parts) == 2 and parts[1] in ("review.js", "review.css"):
                    kind = "text/javascript" if parts[1].endswith(".js") else "text/css"
                    return self._send(200, (WEB / parts[1]).read_text(encoding="utf-8"), f"{kind}; charset=utf-8")
                if parts[0] == "review" and len(parts) == 3:
                    filter_name = query.get("filter", ["pending"])[0]
                    return self._send(200, workspace.review_page(parts[1], parts[2], filter_name))
                if parts[0] == "preview" and len(parts) == 3:
                    return self._send(200, workspace.preview_page(parts[1], parts[2]))
                return self._send(404, "<h1>Not found</h1>")
            except PipelineError as exc:
                return self._send(400, f"<h1>Error</h1><pre>{html.escape(str(exc))}</pre>")

        def do_POST(self):
            url = urlparse(self.path)
            parts = [p for p in url.path.split("/") if p]
            if self.headers.get("X-CSRF-Token") != workspace.token:
                return self._json(403, {"error": "missing or wrong CSRF token: reload the page"})
            host = self.headers.get("Host", "")
            origin_header = self.headers.get("Origin")
            if origin_header and origin_header != f"http://{host}":
                return self._json(403, {"error": "cross-origin request refused"})
            if len(parts) != 3 or parts[0] != "api" or parts[2] != "entry":
                return self._json(404, {"error": "not found"})
            try:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(min(length, 1_000_000)).decode("utf-8"))
                return self._json(200, {"entry": workspace.act(parts[1], request)})
            except Conflict as conflict:
                fresh = workspace.view_with_back(conflict.fresh, parts[1]) if conflict.fresh is not None else None
                return self._json(409, {"error": "This entry changed on disk since the page was loaded (a translator "
                                                 "saved, or another reviewer acted). Nothing was written; here is "
                                                 "the current version.", "entry": fresh})
            except (PipelineError, ValueError, json.JSONDecodeError) as exc:
                return self._json(400, {"error": str(exc)})

    return Handler


def serve(workspace: Workspace, port: int = 0) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (a free port when ``port`` is 0); call ``serve_forever``."""
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(workspace))
