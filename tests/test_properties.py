"""Property-based round trips (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import shutil
from html.parser import HTMLParser

import polib
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from pipeline.build import build
from pipeline.catalog import load_po, po_to_text, read_po, save_po
from pipeline.cli import run
from pipeline.config import Project
from pipeline.model import approve

from .fixture import make_project, make_skeleton

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- any catalog loaded and saved unchanged is byte-identical -------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85") | st.sampled_from("\n\t\"\\ "),
    min_size=1,
    max_size=90,
)
_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40).map(str.strip)


def _like(msgid: str, text: str) -> str:
    """GNU msgfmt requires a translation to begin and end with a newline exactly when the
    source does."""
    if not text:
        return text
    core = text.strip("\n") or "x"
    return ("\n" if msgid.startswith("\n") else "") + core + ("\n" if msgid.endswith("\n") else "")


@st.composite
def catalogs(draw) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "p 1",
        "Language": "es",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen = set()
    for _ in range(draw(st.integers(1, 8))):
        msgctxt = draw(st.none() | _TEXT)
        msgid = draw(_TEXT)
        if (msgctxt, msgid) in seen:
            continue
        seen.add((msgctxt, msgid))
        entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, tcomment=draw(_LINE), comment=draw(_LINE))
        if draw(st.booleans()):
            entry.msgid_plural = _like(msgid, draw(_TEXT))
            entry.msgstr_plural = {0: _like(msgid, draw(_TEXT)), 1: _like(msgid, draw(_TEXT))}
        else:
            entry.msgstr = _like(msgid, draw(st.just("") | _TEXT))
        if draw(st.booleans()) and (entry.msgstr or entry.msgid_plural):
            entry.flags = ["fuzzy"]
        if draw(st.booleans()):
            entry.occurrences = [(draw(st.from_regex(r"[a-z]{1,8}/[a-z]{1,8}\.md", fullmatch=True)), str(draw(st.integers(1, 999))))]
        # GNU gettext drops obsolete entries with no translation: only translated ones are kept
        entry.obsolete = draw(st.booleans()) and not entry.msgid_plural and bool(entry.msgstr)
        po.append(entry)
    return po


@SLOW
@given(catalogs())
def test_any_catalog_loaded_and_saved_unchanged_is_byte_identical(po):
    note(repr(str(po)))
    text = po_to_text(po, "generated.po")
    again = po_to_text(read_po(text, "generated.po"), "generated.po")
    assert again == text
    reread = read_po(text, "generated.po")
    # nothing lost; GNU gettext writes obsolete entries last
    content = lambda entries: [(e.obsolete, e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural, "fuzzy" in e.flags, (e.tcomment or "").rstrip())
                               for e in sorted(entries, key=lambda e: e.obsolete)]
    assert content(reread) == content(po)


def test_comment_ending_in_a_backslash_stays_readable_by_gnu_tools():
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="a", msgstr="b", comment="Section: C:\\", tcomment="ends in \\"))
    text = po_to_text(po, "x.po")
    assert "#. Section: C:\\ \n" in text and "# ends in \\ \n" in text  # GNU would join the next line
    again = read_po(text, "x.po")  # msgfmt accepts it
    assert again[0].comment == "Section: C:\\" and again[0].msgid == "a"
    assert po_to_text(again, "x.po") == text


# -- any document -> catalog -> build with identity translations gives back the source text ---------

_WORD = st.from_regex(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž\u4e00-\u4e80\u0627-\u064a]{1,9}", fullmatch=True)
_SENTENCE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(_WORD, min_size=1, max_size=12),
    st.sampled_from(["", ".", "?", "!", ":"]),
)


@st.composite
def documents(draw) -> list[tuple[str, str]]:
    blocks = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["h1", "h2", "h3", "p", "p", "li"]))
        blocks.append((kind, draw(_SENTENCE)))
    return blocks


def markdown(blocks) -> str:
    lines = ["---", "title: Generated", "slug: generated", "last_reviewed: 2026-01-01", "---", ""]
    previous = None
    for kind, text in blocks:
        if kind == "li":
            if previous != "li":
                lines.append("")
            lines.append(f"- {text}")
        else:
            lines += ["", f"{'#' * int(kind[1])} {text}" if kind.startswith("h") else text]
        previous = kind
    lines += ["", "{.required}", "Required closing note."]
    return "\n".join(lines) + "\n"


class _Blocks(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.blocks, self._open, self._main = [], None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._main = True
        elif self._main and tag in ("h1", "h2", "h3", "p", "li") and dict(attrs).get("class") != "reviewed":
            self._open = tag
            self.blocks.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "main":
            self._main = False
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open:
            self.blocks[-1][1] += data


@pytest.fixture(scope="module")
def generated_project(tmp_path_factory):
    project = make_skeleton(tmp_path_factory.mktemp("prop") / "p", documents=(), glossary=False)
    project.mapping.write_text("[handout: source/documents/**.md]\n", encoding="utf-8")
    return project


@SLOW
@given(documents())
def test_identity_translations_give_back_the_source_text(generated_project, blocks):
    project = generated_project
    (project.documents / "generated.md").write_text(markdown(blocks), encoding="utf-8")
    shutil.rmtree(project.locales)
    project.locales.mkdir()
    assert run(["--root", str(project.root), "extract"]) == 0
    assert run(["--root", str(project.root), "init", "es"]) == 0
    path = project.catalog_path("es")
    po = load_po(path)
    for entry in po:
        entry.msgstr = entry.msgid
        approve(entry, "Identity", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    save_po(po, path, "es")
    out = project.root / "out"
    report = build(Project.load(project.root), ["es"], formats=["html"], output=out)
    assert report.held == []
    page = _Blocks((out / "site" / "es" / "generated.html").read_text(encoding="utf-8")).blocks
    expected = [[kind, text] for kind, text in blocks] + [["p", "Required closing note."]]
    got = [[tag, " ".join(text.split())] for tag, text in page if tag in ("h1", "h2", "h3", "p", "li")]
    assert got == expected


# -- random mutations of a valid catalog never crash ------------------------------------------------


@pytest.fixture(scope="module")
def mutable_project(tmp_path_factory):
    """The tests' own project; its Spanish catalog (approved, as a release catalog is) is what
    gets mutated."""
    project = make_project(tmp_path_factory.mktemp("mut") / "p", languages={"es": "release"})
    return project, project.catalog_path("es").read_text(encoding="utf-8")


_NOISE = st.sampled_from(['"', "\\", "\n", "\r", "\ufeff", "#", "msgid ", "msgstr[", "%", "\x00", "é", "]", " "])


@st.composite
def mutations(draw, text: str):
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "insert", "dup-line", "drop-line", "swap", "truncate"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and lines[i]:
            a = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:a] + lines[i][a + draw(st.integers(1, 5)):]
        elif op == "insert":
            a = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:a] + draw(_NOISE) + lines[i][a:]
        elif op == "dup-line":
            lines.insert(i, lines[i])
        elif op == "drop-line":
            del lines[i]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[:i]
    return "".join(lines)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_catalog_never_crashes(mutable_project, capsys, data):
    mutable_project, valid = mutable_project
    mutated = data.draw(mutations(valid), label="mutated")
    path = mutable_project.catalog_path("es")
    path.write_bytes(mutated.encode("utf-8", "surrogatepass"))
    for command in (["check", "--lang", "es"], ["status", "--lang", "es"],
                    ["build", "--lang", "es", "--format", "html", "--output", str(mutable_project.root / "out")]):
        code = run(["--root", str(mutable_project.root), *command])
        assert code in (0, 1, 2)
        err = capsys.readouterr().err
        if code == 2:
            assert "error:" in err and "Traceback" not in err
