"""The reviewer workspace: a local web page to review, edit and approve translations.

``handouts workspace`` (``make review``) serves it on 127.0.0.1, on a free port, and prints the
address.  Nothing leaves the machine.  Every write goes through the same library functions as the
command line (approval records, the catalog lock, atomic writes), and is refused when the entry
changed on disk since the page showed it: the page sends the digest of the entry as it was shown,
the server compares it with the entry as it is now.  The last write of a session can be undone
under the same rule.

Safety: loopback only; every request must name this server as its ``Host`` (no DNS rebinding);
every API request needs the page's CSRF token (a random value made when the server starts) and a
same-origin request; request bodies are JSON objects of known, typed fields, of bounded size,
read under a timeout; every translation is rendered escaped (Jinja2 autoescaping on the server,
``textContent`` in the script).

The HTTP layer is Werkzeug's (routing, request parsing, error responses, the threaded server on
the standard library's ``http.server``); README, "The reviewer workspace", says why.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import re
import secrets
import socket
import subprocess
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import polib
from werkzeug.exceptions import (
    BadRequest,
    ClientDisconnected,
    Forbidden,
    HTTPException,
    NotFound,
    RequestTimeout,
)
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .backtranslate import DEFAULT_THRESHOLD, BackTranslation, BackTranslator
from .build import source_revision
from .catalog import Conflict, LanguageCatalog, read_po
from .checks import Glossary
from .config import Project
from .errors import CatalogError, PipelineError
from .model import (
    PENDING,
    PUBLISHABLE,
    State,
    approve,
    check_reviewer,
    entry_documents,
    entry_section,
    entry_state,
    find_entry,
    form_sources,
    is_required,
    live_entries,
    pair_digest,
    plural_examples,
    send_back,
    set_text,
    set_translator_notes,
    tally,
    translation_forms,
    translator_notes,
    view_digest,
)
from .model import origin as entry_origin
from .release import DRAFT, judge_language, read_documents
from .render import Alternate, Renderer
from .review import approval_confirmation, diff_words, source_changed

WEB = Path(__file__).parent / "web"
FILTERS = {"pending": PENDING, **{str(s): {s} for s in State if s not in PUBLISHABLE}, "all": set(State)}
FILTER_NAMES = [*FILTERS, "required"]
MAX_BODY = 1_000_000  # bytes of a request body
REQUEST_TIMEOUT = 15.0  # seconds a client has to send its request (line, headers, body)
UNDO_KEPT = 200  # snapshots kept for undo (each page undoes only its own last action)
GIT_TIMEOUT = 20.0  # seconds for one entry's history
BACK_BATCH = 8  # back-translations made per step of the background batch


@dataclass
class Workspace:
    """The server's state: the project, the CSRF token, the back-translations, the undo snapshots."""

    project: Project
    packages_dir: Path | None = None
    threshold: float = DEFAULT_THRESHOLD
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def __post_init__(self):
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(WEB)), autoescape=True,
                                      undefined=jinja2.StrictUndefined)
        self.glossary = Glossary.load(self.project.glossary_path)
        self._back: dict[str, BackJob] = {}
        self._lock = threading.Lock()
        self._undo: OrderedDict[str, tuple[str, tuple[str | None, str], dict]] = OrderedDict()

    # -- languages and documents ---------------------------------------------------------------

    def language(self, code: str) -> dict:
        """A language of the project (404 for any other): its code, tag, names and direction."""
        if code not in self.project.languages(warn=False):
            raise NotFound(f"This project has no catalog for the language {code!r}.")
        info = self.project.language(code)  # Babel's locale data and the project's definitions
        return {"code": code, "tag": info.tag, "name": info.native_name, "dir": info.direction,
                "english": info.english_name}

    # -- back-translations -----------------------------------------------------------------------

    def back_translator(self, language: str) -> BackTranslator | None:
        job = self.back_job(language)
        return job.translator if job else None

    def back_job(self, language: str) -> BackJob | None:
        """The language's background back-translation batch (``None`` without a reverse package)."""
        if self.packages_dir is None:
            return None
        with self._lock:
            if language not in self._back:
                self._back[language] = BackJob(BackTranslator(self.packages_dir, self.project.source_language, language,
                                                              self.project.output / ".cache"), self.threshold)
            job = self._back[language]
        return job if job.translator.available else None

    # -- reading ---------------------------------------------------------------------------------

    def entry_view(self, entry: polib.POEntry, language: str, plural_forms: str | None,
                   back: dict[tuple[str, str], BackTranslation] | None = None) -> dict:
        folder = self.project.relative(self.project.documents)
        terms: list[dict[str, str | None]] = [{"term": term, "translation": self.glossary.terms[term].get(language, "")}
                 for term in self.glossary.source_terms(entry.msgid)]
        terms += [{"term": t, "translation": None} for t in self.glossary.do_not_translate if t in entry.msgid]
        state = entry_state(entry)
        confirmation = approval_confirmation(entry, language, self.glossary)
        errors = [f"[{f.check}] {f.message}" for f in confirmation.errors]
        texts = translation_forms(entry)
        labels = plural_examples(plural_forms, len(texts)) if entry.msgid_plural else [""]
        pair = (entry.msgid, entry.msgstr)
        found = (back or {}).get(pair)
        return {
            "msgctxt": entry.msgctxt,
            "msgid": entry.msgid,
            "msgid_plural": entry.msgid_plural or None,
            "forms": [{"text": text, "label": label, "source": source}
                      for text, label, source in zip(texts, labels, form_sources(entry))],
            "previous": entry.previous_msgid,
            "diff": [list(piece) for piece in diff_words(entry.previous_msgid, entry.msgid)]
                    if source_changed(entry) else None,
            "state": state,
            "required": is_required(entry),
            "documents": entry_documents(entry, folder),
            "section": entry_section(entry),
            "line": entry.linenum,
            "warnings": [f"{f.severity}: [{f.check}] {f.message}" for f in confirmation.findings],
            "errors": errors,
            "confirm": [] if errors else list(confirmation.reasons),
            "published": state in PUBLISHABLE and not errors,
            "terms": terms,
            "notes": "\n".join(translator_notes(entry)),
            "origin": entry_origin(entry),
            "digest": view_digest(entry),
            "back_key": pair_digest(*pair) if entry.msgstr else None,
            "back": _back_view(found, self.threshold) if found else None,
        }

    def entries(self, language: str, document: str, filter_name: str = "pending", *, query: str = "",
                section: str | None = None) -> tuple[list[dict], dict]:
        """The entries of a document shown for a filter (state), a search (over source and
        translation, any case) and a section, required first; and the document's counts by state."""
        po = LanguageCatalog(self.project, language).load()
        folder = self.project.relative(self.project.documents)
        mine = [e for e in live_entries(po) if document in entry_documents(e, folder)]
        if not mine:
            raise NotFound(f"No entry of the {language} catalog belongs to a document {document!r}.")
        counts = tally(entry_state(e) for e in mine)
        if filter_name not in FILTER_NAMES:
            raise BadRequest(f"unknown filter {filter_name!r}: one of {', '.join(FILTER_NAMES)}")
        wanted = FILTERS.get(filter_name, set(State))
        needle = query.strip().casefold()
        chosen = [e for e in mine
                  if (is_required(e) if filter_name == "required" else entry_state(e) in wanted)
                  and (section is None or entry_section(e) == section)
                  and (not needle or any(needle in text.casefold() for text in
                                         [e.msgid, e.msgid_plural or "", e.msgctxt or "", *translation_forms(e)]))]
        chosen.sort(key=lambda e: not is_required(e))  # required first
        job = self.back_job(language)
        backs = job.request([(e.msgid, e.msgstr) for e in chosen if e.msgstr]) if job else {}
        plural_forms = po.metadata.get("Plural-Forms")
        return [self.entry_view(e, language, plural_forms, backs) for e in chosen], counts

    def sections(self, language: str, document: str) -> list[str]:
        folder = self.project.relative(self.project.documents)
        po = LanguageCatalog(self.project, language).load()
        found = [entry_section(e) for e in live_entries(po) if document in entry_documents(e, folder)]
        return list(dict.fromkeys(s for s in found if s))

    def view_with_back(self, entry: polib.POEntry, language: str) -> dict:
        """The entry as the page shows it: a back-translation from the cache, else one is queued."""
        job = self.back_job(language)
        backs = job.request([(entry.msgid, entry.msgstr)]) if job and entry.msgstr else {}
        return self.entry_view(entry, language, self.plural_forms(language), backs)

    def plural_forms(self, language: str) -> str | None:
        return LanguageCatalog(self.project, language).load().metadata.get("Plural-Forms")

    def history(self, language: str, key: tuple[str | None, str]) -> dict:
        """When the entry's text, flags and approval changed, and by whom, from git."""
        return entry_history(self.project, language, key)

    # -- writing ---------------------------------------------------------------------------------

    def act(self, language: str, request: dict) -> dict:
        """One action on one entry -- save, approve, save-approve, send-back, comment, undo -- if
        the entry is still what the page showed (``digest``).  Returns the entry as it is now, with
        the id that undoes this action (``undo``)."""
        request = typed_request(request)
        action = request["action"]
        if action == "undo":
            return self.undo(language, request)
        reviewer = request.get("reviewer", "")
        if action in ("approve", "save-approve"):
            check_reviewer(reviewer)
        texts = request.get("forms", [request["msgstr"]] if "msgstr" in request else None)
        if action in ("save", "save-approve") and texts is None:
            raise PipelineError("a save needs the text: forms (a list of texts) or msgstr")
        if action == "comment" and "notes" not in request:
            raise PipelineError("a comment needs notes (a text, one comment per line)")
        before: list[dict] = []

        def change(fresh: polib.POEntry) -> polib.POEntry:
            before.append(_snapshot(fresh))
            if texts is not None and action in ("save", "save-approve"):
                set_text(fresh, texts)
            if action in ("approve", "save-approve"):
                confirmation = approval_confirmation(fresh, language, self.glossary)
                if confirmation.errors:  # never published (pipeline.release), so never approved from the page
                    raise PipelineError("Not approved, nothing written: an entry with check errors is never published. "
                                        "Fix it first: " + "; ".join(f"[{f.check}] {f.message}" for f in confirmation.errors))
                if confirmation.needed and not request.get("confirmed"):
                    raise NeedsConfirmation(confirmation.reasons)
                approve(fresh, reviewer, dt.datetime.now(dt.UTC))
            if action == "send-back":
                send_back(fresh)
            if action == "comment":
                set_translator_notes(fresh, _note_lines(request["notes"]))
            return fresh

        key = (request.get("msgctxt"), request["msgid"])
        entry = LanguageCatalog(self.project, language).modify_entry(key, request["digest"], change)
        view = self.view_with_back(entry, language)
        view["undo"] = self._remember(language, key, before[0])
        return view

    def _remember(self, language: str, key: tuple[str | None, str], snapshot: dict) -> str:
        undo = secrets.token_urlsafe(12)
        with self._lock:
            self._undo[undo] = (language, key, snapshot)
            while len(self._undo) > UNDO_KEPT:
                self._undo.popitem(last=False)
        return undo

    def undo(self, language: str, request: dict) -> dict:
        """Put back the entry as it was before the action ``undo`` (its text, flags and comments:
        the approval and draft records as they were), if it is still as that action left it."""
        with self._lock:
            found = self._undo.get(request.get("undo", ""))
        if found is None or found[0] != language or found[1] != (request.get("msgctxt"), request["msgid"]):
            raise PipelineError("nothing to undo: this action is not known to the server (was it restarted?)")
        _language, key, snapshot = found
        entry = LanguageCatalog(self.project, language).modify_entry(key, request["digest"],
                                                                     lambda fresh: _restore(fresh, snapshot))
        with self._lock:
            self._undo.pop(request["undo"], None)
        return self.view_with_back(entry, language)

    # -- pages -----------------------------------------------------------------------------------

    def index_page(self) -> str:
        """Every language and document; a catalog that cannot be read is one row with its error."""
        from .status import project_status

        rows = []
        for code in self.project.languages(warn=False):
            try:
                rows.append({**project_status(self.project, [code])["languages"][0], "error": None})
            except PipelineError as exc:
                rows.append({"language": code, "status": self.project.status(code), "documents": [], "error": str(exc)})
            rows[-1]["info"] = self.language(code)
        return self.env.get_template("index.html").render(languages=rows, states=[str(s) for s in State])

    def review_page(self, language: str, document: str, filter_name: str = "pending", query: str = "",
                    section: str | None = None) -> str:
        info = self.language(language)
        entries, counts = self.entries(language, document, filter_name, query=query, section=section)
        job = self.back_job(language)
        return self.env.get_template("review.html").render(
            lang=info, document=document, filter=filter_name, filters=FILTER_NAMES, query=query, section=section,
            sections=self.sections(language, document), entries=entries, counts=counts, total=sum(counts.values()),
            token=self.token, back_available=job is not None, threshold=self.threshold,
        )

    def preview_page(self, language: str, document: str) -> str:
        """The document in that language as it stands: drafts shown and marked, watermark."""
        info = self.language(language)
        doc = next((d for d in read_documents(self.project) if d.slug == document), None)
        if doc is None:
            raise NotFound(f"This project has no document {document!r}.")
        judged = dataclasses.replace(judge_language(self.project, language, self.glossary), status=DRAFT)
        renderer = Renderer(self.project.templates, self.project.paper, self.project.source_language,
                            self.project.language)
        return renderer.document_to_html(
            doc, judged,
            alternates=[Alternate(info["tag"], f"/preview/{language}/{document}", info["name"], True)],
            default_href=f"/preview/{language}/{document}",
            revision=source_revision(self.project, self.project.root / doc.path),
        )


class NeedsConfirmation(PipelineError):
    """Approving this entry needs the reviewer's confirmation (``confirmed: true``), and why."""

    def __init__(self, reasons: tuple[str, ...]):
        super().__init__("Not approved, nothing written: confirm the approval first (" + "; ".join(reasons) + ")")
        self.reasons = list(reasons)


# -- requests --------------------------------------------------------------------------------------

ACTIONS = ("save", "approve", "save-approve", "send-back", "comment", "undo")
FIELDS: dict[str, Callable[[object], bool]] = {
    "action": lambda v: v in ACTIONS,
    "msgid": lambda v: isinstance(v, str),
    "msgctxt": lambda v: v is None or isinstance(v, str),
    "digest": lambda v: isinstance(v, str),
    "forms": lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v),
    "msgstr": lambda v: isinstance(v, str),
    "reviewer": lambda v: isinstance(v, str),
    "notes": lambda v: isinstance(v, str),
    "confirmed": lambda v: isinstance(v, bool),
    "undo": lambda v: isinstance(v, str),
}
REQUIRED = ("action", "msgid", "digest")
FIELD_WORDS = {"action": f"one of {', '.join(ACTIONS)}", "msgctxt": "a text or null", "forms": "a list of texts",
               "confirmed": "true or false"}


def typed_request(request: object) -> dict:
    """The request if it is a JSON object of known fields of the right types; else a 400."""
    if not isinstance(request, dict):
        raise PipelineError("the request must be a JSON object")
    unknown = sorted(set(request) - set(FIELDS))
    if unknown:
        raise PipelineError(f"unknown field(s): {', '.join(unknown)}")
    missing = [name for name in REQUIRED if name not in request]
    if missing:
        raise PipelineError(f"missing field(s): {', '.join(missing)}")
    for name, value in request.items():
        if not FIELDS[name](value):
            raise PipelineError(f"{name} must be {FIELD_WORDS.get(name, 'a text')}")
    return request


def _note_lines(notes: str) -> list[str]:
    lines = [line.rstrip() for line in notes.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


SNAPSHOT = ("msgstr", "msgstr_plural", "flags", "tcomment", "previous_msgctxt", "previous_msgid", "previous_msgid_plural")


def _snapshot(entry: polib.POEntry) -> dict:
    return {name: copy.deepcopy(getattr(entry, name)) for name in SNAPSHOT}


def _restore(entry: polib.POEntry, snapshot: dict) -> polib.POEntry:
    for name, value in snapshot.items():
        setattr(entry, name, copy.deepcopy(value))
    return entry


# -- back-translations in the background -----------------------------------------------------------

def _back_view(found: BackTranslation, threshold: float) -> dict:
    return {"text": found.text, "chrf": found.chrf, "low": found.chrf < threshold}


class BackJob:
    """One language's back-translations, made by a background thread in small batches so that no
    page waits for them: pages show what the cache has and ask for the rest as it is done."""

    def __init__(self, translator: BackTranslator, threshold: float):
        self.translator = translator
        self.threshold = threshold
        self.lock = threading.Lock()
        self.queue: list[tuple[str, str]] = []
        self.finished: list[tuple[str, dict]] = []  # (pair key, view), in the order made
        self.error: str | None = None
        self.thread: threading.Thread | None = None

    def request(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], BackTranslation]:
        """The back-translations the cache has now; the others are queued."""
        cached = self.translator.cached(pairs)
        with self.lock:
            missing = [p for p in dict.fromkeys(pairs) if p[1] and p not in cached and p not in self.queue]
            self.queue += missing
            if missing and self.thread is None and self.error is None:
                self.thread = threading.Thread(target=self._run, name=f"back-{self.translator.language}", daemon=True)
                self.thread.start()
        return cached

    def _run(self) -> None:
        while True:
            with self.lock:
                batch = self.queue[:BACK_BATCH]
                if not batch:
                    self.thread = None
                    return
            try:
                made = self.translator.translate(batch)
            except Exception as exc:  # noqa: BLE001 (a broken package: say so on the page, keep serving)
                with self.lock:
                    self.error, self.queue, self.thread = f"{type(exc).__name__}: {exc}", [], None
                return
            with self.lock:
                self.queue = [p for p in self.queue if p not in batch]
                self.finished += [(pair_digest(*p), _back_view(made[p], self.threshold)) for p in batch if p in made]

    def progress(self, since: int) -> dict:
        with self.lock:
            return {"running": self.thread is not None, "queued": len(self.queue), "error": self.error,
                    "next": len(self.finished), "results": dict(self.finished[since:])}


# -- an entry's history in git ----------------------------------------------------------------------

def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=GIT_TIMEOUT, check=False)


def entry_history(project: Project, language: str, key: tuple[str | None, str]) -> dict:
    """The commits that changed the entry's lines (``git log -L`` on its block in the last
    commit), newest first, each with its author, date and what changed: the translation, the
    source, the fuzzy flag, the approval (by whom), the comments."""
    try:
        top = _git(project.root, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.TimeoutExpired):
        return {"available": False, "note": "git is not installed"}
    if top.returncode != 0:
        return {"available": False, "note": "the project is not a git repository"}
    root = Path(top.stdout.strip())
    catalog = LanguageCatalog(project, language)
    path = catalog.path.resolve().relative_to(root.resolve()).as_posix()
    head = _git(root, "show", f"HEAD:{path}")
    if head.returncode != 0:
        return {"available": True, "events": [], "note": "the catalog is not committed yet"}
    try:
        committed = find_entry(read_po(head.stdout, path), key)
    except PipelineError as exc:
        return {"available": True, "events": [], "note": f"the last commit's catalog cannot be read: {exc}"}
    if committed is None:
        return {"available": True, "events": [], "note": "the entry is not in the last commit yet"}
    lines = head.stdout.split("\n")
    start = end = committed.linenum
    while start > 1 and lines[start - 2].strip():
        start -= 1
    while end < len(lines) and lines[end].strip():
        end += 1
    log = _git(root, "log", "--no-color", f"-L{start},{end}:{path}", "--format=%x1e%h%x1f%an%x1f%aI%x1f%s")
    events = [_describe(chunk) for chunk in log.stdout.split("\x1e")[1:]]
    try:
        current = find_entry(catalog.load(), key)
    except PipelineError:
        current = None
    changed = current is not None and view_digest(current) != view_digest(committed)
    return {"available": True, "events": events,
            "note": "changed since the last commit (not committed yet)" if changed else None}


_APPROVED = re.compile(r"approved-by:\s*(?P<who>[^;]+);\s*(?P<when>[^;\s]+)")


def _describe(chunk: str) -> dict:
    """One commit of ``git log -L``: its fields and the changes its diff makes to the entry."""
    header, _, diff = chunk.partition("\n")
    commit, author, date, subject = (header.split("\x1f") + ["", "", "", ""])[:4]
    changes: list[str] = []
    field_of = {"-": "", "+": ""}  # the keyword a continued string belongs to, per side
    added = "\n--- /dev/null" in "\n" + diff
    hunks = False
    for line in diff.split("\n"):
        if line.startswith("@@"):
            hunks = True
            continue
        if not hunks or not line or line[0] not in " +-":
            continue
        sign, body = line[0], line[1:]
        kind = _line_kind(body)
        if kind != "continued":
            for side in (("-", "+") if sign == " " else (sign,)):
                field_of[side] = kind
        if sign != " ":
            _note_change(changes, sign, field_of[sign], body, added)
    if added:
        changes.insert(0, "entry added")
    return {"commit": commit, "author": author, "date": date, "subject": subject, "changes": list(dict.fromkeys(changes))}


def _line_kind(body: str) -> str:
    if body.startswith('"'):
        return "continued"
    if body.startswith("msgstr"):
        return "translation"
    if body.startswith(("msgid", "msgctxt")):
        return "source"
    if body.startswith("#,"):
        return "flags"
    if body.startswith(("#.", "#:", "#|", "#~")):
        return "other"
    if body.startswith("#"):
        return "approval" if "approved-by:" in body else "draft" if "machine-draft:" in body else "comment"
    return "other"


def _note_change(changes: list[str], sign: str, kind: str, body: str, added: bool) -> None:
    if kind == "approval":
        found = _APPROVED.search(body)
        if sign == "+" and found:
            changes.append(f"approved by {found['who'].strip()} ({found['when']})")
        elif sign == "-" and not any(c.startswith("approved by") for c in changes):
            changes.append("approval removed")
    elif kind == "flags":
        if "fuzzy" in body:
            changes.append("marked fuzzy" if sign == "+" else "fuzzy mark removed")
    elif added:
        return
    elif kind == "translation":
        changes.append("translation changed")
    elif kind == "source":
        changes.append("English source changed")
    elif kind == "draft":
        changes.append("machine draft recorded" if sign == "+" else "machine-draft record removed")
    elif kind == "comment":
        changes.append("translator comment changed")


# -- HTTP ----------------------------------------------------------------------------------------

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
}
URLS = Map([
    Rule("/", endpoint="index", methods=["GET"]),
    Rule('/static/<any("review.js", "review.css"):name>', endpoint="static", methods=["GET"]),
    Rule("/review/<language>/<document>", endpoint="review", methods=["GET"]),
    Rule("/preview/<language>/<document>", endpoint="preview", methods=["GET"]),
    Rule("/api/<language>/entry", endpoint="act", methods=["POST"]),
    Rule("/api/<language>/history", endpoint="history", methods=["GET"]),
    Rule("/api/<language>/back-translations", endpoint="back", methods=["GET"]),
])


def allowed_host(header: str | None, port: int) -> bool:
    """Whether a request's ``Host`` names this server: exactly ``127.0.0.1:PORT`` or
    ``localhost:PORT`` (host name case-insensitive).  Anything else -- another name pointed at
    127.0.0.1 by DNS rebinding, another port, no port, two Host headers -- is refused."""
    return header is not None and header.lower() in (f"127.0.0.1:{port}", f"localhost:{port}")


class _Request(Request):
    max_content_length = MAX_BODY  # a longer body is refused (413) before it is read


def read_json(request: Request) -> object:
    """The body as JSON: a Content-Length of 0 or more bytes (none, a negative one or a chunked
    body is refused), at most MAX_BODY (413), application/json (415), all of it in time (408)."""
    if not re.fullmatch(r"[0-9]{1,12}", request.headers.get("Content-Length", "")):
        raise BadRequest("a Content-Length of 0 or more bytes is required (and no Transfer-Encoding)")
    try:
        return request.get_json()
    except ClientDisconnected:  # the body stopped short of its Content-Length: the socket timed out
        raise RequestTimeout("the body did not arrive in time") from None


def _page(workspace: Workspace, request: Request, endpoint: str, args: Mapping[str, str]) -> Response:
    if endpoint == "index":
        return Response(workspace.index_page(), mimetype="text/html")
    if endpoint == "static":
        kind = "text/javascript" if args["name"].endswith(".js") else "text/css"
        return Response((WEB / args["name"]).read_bytes(), content_type=f"{kind}; charset=utf-8")
    if endpoint == "review":
        html = workspace.review_page(args["language"], args["document"], request.args.get("filter", "pending"),
                                     request.args.get("q", ""), request.args.get("section") or None)
        return Response(html, mimetype="text/html")
    return Response(workspace.preview_page(args["language"], args["document"]), mimetype="text/html")


def _api(workspace: Workspace, request: Request, endpoint: str, language: str) -> Response:
    if not secrets.compare_digest(request.headers.get("X-CSRF-Token", ""), workspace.token):
        raise Forbidden("missing or wrong CSRF token: reload the page")
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"http://{request.environ.get('HTTP_HOST')}":
        raise Forbidden("cross-origin request refused")
    workspace.language(language)
    if endpoint == "history":
        if "msgid" not in request.args:
            raise BadRequest("msgid is required")
        return _json(200, workspace.history(language, (request.args.get("msgctxt"), request.args["msgid"])))
    if endpoint == "back":
        job = workspace.back_job(language)
        since = request.args.get("since", "0")
        if not since.isdigit():
            raise BadRequest("since must be a whole number")
        return _json(200, job.progress(int(since)) if job else {"running": False, "queued": 0, "error": None,
                                                                "next": 0, "results": {}})
    try:
        return _json(200, {"entry": workspace.act(language, read_json(request))})  # type: ignore[arg-type]
    except Conflict as conflict:
        fresh = workspace.view_with_back(conflict.fresh, language) if conflict.fresh is not None else None
        return _json(409, {"error": "This entry changed on disk since the page was loaded (a translator saved, or "
                                    "another reviewer acted). Nothing was written; here is the current version.",
                           "entry": fresh})
    except NeedsConfirmation as needed:
        return _json(400, {"error": str(needed.message), "confirm": needed.reasons})


def _json(status: int, payload: dict) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


def _error(status: int, message: str, api: bool) -> Response:
    if api:
        return _json(status, {"error": message})
    template = jinja2.Template('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                               'content="width=device-width, initial-scale=1"><title>{{ status }}</title></head>'
                               '<body><main><h1>{{ status }}</h1><p>{{ message }}</p><p><a href="/">Start page'
                               '</a></p></main></body></html>', autoescape=True)
    return Response(template.render(status=status, message=message), status=status, mimetype="text/html")


def make_app(workspace: Workspace, port: int) -> Callable:
    """The WSGI application: the Host check first, then routing, then the endpoint; every error
    an answer (JSON under /api/), never a traceback."""

    def respond(request: Request) -> Response:
        api = request.path.startswith("/api/")
        if not allowed_host(request.environ.get("HTTP_HOST"), port):
            return Response("Misdirected request: use http://127.0.0.1:PORT/ as printed by the server.\n", status=421,
                            mimetype="text/plain")
        try:
            endpoint, args = URLS.bind_to_environ(request.environ).match()
            if api:
                return _api(workspace, request, endpoint, args["language"])
            return _page(workspace, request, endpoint, args)
        except HTTPException as exc:
            return _error(exc.code or 500, exc.description or exc.name, api)
        except CatalogError as exc:  # a catalog that cannot be read (or is locked): the file's fault, not the request's
            return _error(500, f"The catalog cannot be used: {exc}", api)
        except PipelineError as exc:  # the request asks what cannot be done: why, in words (with the file if any)
            return _error(400, str(exc) if exc.path else exc.message, api)
        except Exception:  # noqa: BLE001 (a bug: the terminal gets the traceback, the page one line)
            traceback.print_exc()
            return _error(500, "Internal error in the workspace (the terminal that runs it has the details).", api)

    def app(environ, start_response):
        response = respond(_Request(environ))
        response.headers.update(SECURITY_HEADERS)
        return response(environ, start_response)

    return app


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: a refused body is never read as the next request
    timeout = REQUEST_TIMEOUT  # a client that does not send its request in time is disconnected

    def version_string(self) -> str:
        return "handouts-review"

    def log(self, type: str, message: str, *args) -> None:  # quiet: the terminal shows the address and errors
        pass


def serve(workspace: Workspace, port: int = 0, *, timeout: float = REQUEST_TIMEOUT) -> BaseWSGIServer:
    """A threaded server bound to 127.0.0.1 (a free port when ``port`` is 0); call
    ``serve_forever``.  A busy port raises ``OSError`` here, for the caller to word."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        handler = type("Handler", (_Handler,), {"timeout": timeout})
        bound = listener.getsockname()[1]
        return make_server("127.0.0.1", bound, make_app(workspace, bound), threaded=True, request_handler=handler,
                           fd=listener.fileno())
    finally:
        listener.close()
