"""Plural-Forms as translators' tools have them.

``handouts init`` writes the ``Plural-Forms`` GNU ``msginit`` writes (gettext's own table), and
Babel's where gettext's table has no rule; a catalog whose header is sound but whose count is
not the language's usual one loads, and the gate warns about it without failing; a header that
is really broken (an expression that does not parse, or gives a form beyond nplurals) is refused
as GNU ``msgfmt --check`` refuses it (tests/golden/catalog-errors/plural-*.po, run by
tests/test_reliability.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import get_plural

from pipeline.catalog import (
    load_po,
    msginit_plural_forms,
    plural_forms_warning,
    read_po,
    save_po,
)
from pipeline.cli import run
from pipeline.config import Project
from pipeline.errors import CatalogError
from pipeline.model import approve, plural_count, plural_forms_problem

from .fixture import APPROVED_AT, REVIEWER, make_project

GOLDEN = Path(__file__).parent / "golden"
GNU_ENV = {**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": ""}

# es fr ru ar zh_Hans vi ja pl cs as asked; "is" (Icelandic) is a code CLDR knows that gettext
# 0.21's table does not list; "hu" is one where gettext's table (2 forms) and Babel's (1) differ.
LANGUAGES = ["es", "fr", "ru", "ar", "zh_Hans", "vi", "ja", "pl", "cs", "is", "hu"]


def cli(project: Project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def real_msginit(template: Path, language: str) -> polib.POFile:
    """What the real GNU msginit makes of the project's template for ``language``."""
    proc = subprocess.run(["msginit", "--no-translator", "-l", language, "-i", str(template), "-o", "-"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=GNU_ENV, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return polib.pofile(proc.stdout, wrapwidth=0)


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True,
                          env=GNU_ENV, check=False)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> Project:
    """The fixture project (no catalogs of its own) with ``handouts init`` run for every language."""
    project = make_project(tmp_path_factory.mktemp("plural-forms") / "p", languages={})
    assert cli(project, "init", *LANGUAGES) == 0
    return project


# -- init: the header msginit writes ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_init_writes_the_plural_forms_msginit_writes(initialised, language):
    path = initialised.catalog_path(language)
    ours = load_po(path)
    gnu = real_msginit(initialised.template_path, language)
    gnu_header = gnu.metadata.get("Plural-Forms", "")
    if "INTEGER" in gnu_header or not gnu_header:  # gettext's table has no rule: Babel's, as before
        expected = str(get_plural(language))
    else:
        expected = gnu_header
        # msginit's own plural entries have as many forms as ours
        assert {len(e.msgstr_plural) for e in gnu if e.msgid_plural} <= {int(expected.split("=")[1].split(";")[0])}
    assert ours.metadata["Plural-Forms"] == expected
    nplurals = int(expected.split("=")[1].split(";")[0])
    plurals = [e for e in ours if e.msgid_plural]
    assert plurals, "the fixture's index page has a plural template string"
    assert all(e.msgstr_plural == {k: "" for k in range(nplurals)} for e in plurals)
    checked = msgfmt_check(path)
    assert checked.returncode == 0, checked.stderr
    assert plural_forms_warning(language, ours.metadata["Plural-Forms"]) is None  # init's own header never warns


def test_the_languages_gettext_knows_and_does_not():
    """What the tests above rely on, as the installed gettext has it: its table knows Polish and
    Hungarian; for Icelandic (and, in 0.21, Arabic and Chinese) it writes no rule, and Babel's
    is taken."""
    assert msginit_plural_forms("pl") == (
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);")
    assert msginit_plural_forms("hu") == "nplurals=2; plural=(n != 1);"  # Babel's table: nplurals=1
    assert msginit_plural_forms("is") is None
    assert msginit_plural_forms("../x") is None  # never handed to msginit as an option or a path


def test_msginit_never_asks_for_the_translator(tmp_path):
    """msginit is fed the template on stdin and told --no-translator: with no terminal, no HOME,
    no e-mail settings, it still answers at once."""
    script = ("from pipeline.catalog import msginit_plural_forms; "
              "print(msginit_plural_forms('ru'))")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "nowhere")}
    proc = subprocess.run([sys.executable, "-c", script], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env=env, cwd=Path(__file__).parent.parent, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 :")


# -- a sound header with an unusual count: a warning, never a refusal ------------------------------


def chinese_with_two_forms(root: Path, status: str = "release") -> Project:
    """The fixture project in Simplified Chinese, every entry translated and approved, with the
    header many projects ship: ``nplurals=2; plural=(n != 1);`` and two forms per plural entry."""
    project = make_project(root, languages={"zh_Hans": status})
    path = project.catalog_path("zh_Hans")
    po = load_po(path)
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: f"ZH_HANS: {entry.msgid}", 1: f"ZH_HANS: {entry.msgid_plural}"}
            approve(entry, REVIEWER, APPROVED_AT)
    save_po(po, path, str(path))
    return project


def header_line(path: Path) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith('"Plural-Forms:'))


WARNING = ("warning: [plural-forms] Plural-Forms says nplurals=2, but 'zh_Hans' has 1 plural form in Babel's "
           "locale data (CLDR): the catalog works as its header says; check that its forms are the ones this "
           "language's translators expect")


def test_a_chinese_catalog_with_two_forms_loads_and_passes_the_gate_with_a_warning(tmp_path, capsys):
    project = chinese_with_two_forms(tmp_path / "p")
    path = project.catalog_path("zh_Hans")
    assert msgfmt_check(path).returncode == 0  # GNU gettext accepts it too
    po = load_po(path)
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    capsys.readouterr()

    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    assert f"locales/zh_Hans/LC_MESSAGES/handouts.po:{header_line(path)}: {WARNING}" in out.splitlines()
    assert "zh_Hans: 0 errors, " in out
    assert out.endswith("check: passed\n")

    assert cli(project, "check", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    [language] = data["languages"]
    assert data["passed"] and language["errors"] == 0
    assert [p for p in language["problems"] if p["check"] == "plural-forms"] == [{
        "language": "zh_Hans", "path": "locales/zh_Hans/LC_MESSAGES/handouts.po", "line": header_line(path),
        "severity": "warning", "check": "plural-forms", "message": WARNING.split("] ", 1)[1],
        "msgid": None, "document": None,
    }]

    assert cli(project, "check", "--format", "junit") == 0
    junit = capsys.readouterr().out
    assert "[plural-forms]" in junit and "<failure" not in junit  # reported in the catalog's own case

    assert cli(project, "check", "--format", "github") == 0
    github = capsys.readouterr().out
    assert f"::warning file=locales/zh_Hans/LC_MESSAGES/handouts.po,line={header_line(path)}," in github


def test_status_and_build_work_on_it(tmp_path, capsys):
    project = chinese_with_two_forms(tmp_path / "p")
    capsys.readouterr()
    assert cli(project, "status") == 0
    out = capsys.readouterr().out
    assert "zh_Hans (release)" in out and "released" in out
    assert cli(project, "status", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["languages"][0]["language"] == "zh_Hans"
    assert cli(project, "build", "--lang", "zh_Hans", "--format", "html") == 0
    index = (project.output / "site" / "zh_Hans" / "index.html").read_text(encoding="utf-8")
    assert "ZH_HANS: 1 handout in this language" in index  # form 0, for n = 1


def test_in_a_draft_language_it_is_the_same_warning(tmp_path, capsys):
    project = chinese_with_two_forms(tmp_path / "p", status="draft")
    capsys.readouterr()
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    assert f":{header_line(project.catalog_path('zh_Hans'))}: {WARNING}" in out


def test_a_spanish_catalog_with_one_form_is_a_warning_not_an_error(tmp_path, capsys):
    """Once a golden error case (nplurals-wrong-for-language): a Spanish catalog whose header says
    nplurals=1, its plural entry with one form -- self-consistent, and accepted by msgfmt --check."""
    case = GOLDEN / "plural-forms" / "nplurals-differs-from-language.po"
    assert msgfmt_check(case).returncode == 0
    read_po(case.read_text(encoding="utf-8"), "es.po")  # loads
    project = make_project(tmp_path / "p", languages={"es": "draft"})
    shutil.copy(case, project.catalog_path("es"))
    capsys.readouterr()
    assert cli(project, "check") == 0
    lines = capsys.readouterr().out.splitlines()
    expected = case.with_suffix(".expect")
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text("".join(line + "\n" for line in lines if "[plural-forms]" in line), encoding="utf-8")
    assert expected.read_text(encoding="utf-8").strip() in lines


@pytest.mark.parametrize(("language", "header", "warned"), [
    ("zh_Hans", "nplurals=1; plural=0;", False),
    ("zh_CN", "nplurals=2; plural=(n != 1);", True),
    ("ar", ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
            "n%100>=0 && n%100<=2 ? 4 : 5);"), False),  # the shipped Arabic catalog's (Babel's) rule
    ("ar", ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
            "n%100>=11 ? 4 : 5;"), False),  # gettext's conventional Arabic formula
    ("hu", "nplurals=2; plural=(n != 1);", False),  # gettext's count
    ("hu", "nplurals=1; plural=0;", False),  # Babel's count
    ("hu", "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);", True),  # neither
    ("pl", "nplurals=2; plural=(n != 1);", True),
    ("id", "nplurals=1; plural=0;", False),  # neither table has a rule for Indonesian: nothing to compare
    ("es", None, False),  # no Plural-Forms at all (a catalog without plural entries)
])
def test_the_warning_is_given_when_no_table_has_the_count(language, header, warned):
    assert (plural_forms_warning(language, header) is not None) is warned


# -- a broken header: refused, as msgfmt --check refuses it ----------------------------------------


@pytest.mark.parametrize("case", ["plural-index-out-of-range", "plural-expression-does-not-parse"])
def test_the_golden_error_cases_are_what_msgfmt_check_refuses(case):
    path = GOLDEN / "catalog-errors" / f"{case}.po"
    checked = msgfmt_check(path)
    assert checked.returncode != 0
    assert "plural expression" in checked.stderr
    with pytest.raises(CatalogError) as raised:
        read_po(path.read_text(encoding="utf-8"), "locales/es/LC_MESSAGES/handouts.po")
    assert f"{raised.value}" in (GOLDEN / "catalog-errors" / f"{case}.expect").read_text(encoding="utf-8")


HEADERS = [
    "nplurals=2; plural=(n != 1);",
    "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "nplurals=1; plural=0;",
    "nplurals=2; plural=n>1;",
    "nplurals=2; plural=(n==1 ? 0 : n==0 ? 2 : 1);",  # form 2 for n = 0
    "nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : n>=2 && n%10<=4 ? 1 : 3;",  # form 3 for n = 0
    "nplurals=2; plural=n - 1;",  # a negative form for n = 0
    "nplurals=2; plural=n / (n - n);",  # divides by zero
    "nplurals=2; plural=(n != 1;",  # unbalanced
    "nplurals=2; plural=n %% 2;",
    "nplurals=2; plural=n ** 2;",
    "nplurals=2; plural=foo;",
    "nplurals=2; plural=;",
    "nplurals=2;",
    "plural=(n != 1);",
]


@pytest.mark.parametrize("header", HEADERS)
def test_a_header_is_refused_exactly_when_msgfmt_check_refuses_it(tmp_path, header):
    """In a catalog with a plural entry (msgfmt asks for nplurals and plural= only then; the
    pipeline asks for them in any Plural-Forms header)."""
    forms = "".join(f'msgstr[{k}] "b{k}"\n' for k in range(plural_count(header) or 2))
    text = ('msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            f'"Plural-Forms: {header}\\n"\n\nmsgid "a"\nmsgid_plural "as"\n{forms}')
    path = tmp_path / "es.po"
    path.write_text(text, encoding="utf-8")
    refused_by_gnu = msgfmt_check(path).returncode != 0
    assert (plural_forms_problem(header) is not None) is refused_by_gnu
    if refused_by_gnu:
        with pytest.raises(CatalogError) as raised:
            read_po(text, "es.po")
        assert raised.value.line == 5
        assert "the rule for 'es' is \"nplurals=2; plural=(n != 1);\"" in str(raised.value)
    else:
        read_po(text, "es.po")


def test_every_rule_in_gettexts_table_is_sound():
    """Every header msginit writes for the languages its table lists passes our own judgement."""
    for language in ("ja", "vi", "ko", "en", "de", "es", "pt", "pt_BR", "fr", "lv", "ga", "ro", "lt", "ru", "uk",
                     "be", "sr", "hr", "cs", "sk", "pl", "sl", "hu", "tr", "he"):
        header = msginit_plural_forms(language)
        assert header is not None, language
        assert plural_forms_problem(header) is None, (language, header)
