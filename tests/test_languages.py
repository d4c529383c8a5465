"""Languages: what the pipeline knows about each (Project.language), languages Babel's locale data
(CLDR) lacks defined in pyproject.toml, names readers recognise in the language switcher, and an
unknown catalog folder that is a warning, never a stop.  Every language of the US §1557 taglines
is built on the tests' own project (tests/fixture.py), as HTML (one PDF for a language CLDR lacks;
fonts are not judged here)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from pipeline.catalog import load_po
from pipeline.cli import run
from pipeline.config import NAME_OVERRIDES, Project, language_info, read_definitions
from pipeline.errors import ConfigError
from pipeline.models import argos_code
from pipeline.render import language_name
from pipeline.status import project_status
from pipeline.update import template_to_catalog
from pipeline.workspace import Workspace

from .fixture import (
    DEFINITIONS,
    DOCUMENT,
    SECTION_1557,
    definitions_toml,
    find_entry,
    make_project,
    make_skeleton,
)

SLUG = DOCUMENT.stem

#: The language switcher's label for every language of the §1557 list, as its speakers write it.
#: Babel's (CLDR's) native name, first letter capitalised as a list item starts, except where
#: pipeline.config.NAME_OVERRIDES says why not (tl, zh_Hans, zh_Hant, ht), and Hmong, which CLDR
#: lacks and the project defines.
SWITCHER_NAMES = {
    "es": "Español", "zh_Hans": "简体中文", "zh_Hant": "繁體中文", "vi": "Tiếng Việt", "ko": "한국어",
    "tl": "Tagalog", "ru": "Русский", "ar": "العربية", "ht": "Kreyòl ayisyen", "fr": "Français",
    "pl": "Polski", "pt": "Português", "pt_BR": "Português (Brasil)", "ja": "日本語", "fa": "فارسی",
    "hi": "हिन्दी", "bn": "বাংলা", "pa": "ਪੰਜਾਬੀ", "ur": "اردو", "gu": "ગુજરાતી", "am": "አማርኛ",
    "so": "Soomaali", "ne": "नेपाली", "th": "ไทย", "km": "ខ្មែរ", "hmn": "Hmoob", "my": "မြန်မာ",
    "uk": "Українська", "hy": "Հայերեն", "el": "Ελληνικά", "he": "עברית",
}
RIGHT_TO_LEFT = {"ar", "fa", "ur", "he"}
#: Kept in draft: they are built as watermarked previews (one per kind of script: Arabic,
#: Myanmar, Khmer, and a language only the project defines).
DRAFTS = {"ar", "my", "km", "chk"}

_HTML = re.compile(r'<html lang="([^"]*)" dir="([^"]*)">')
_SWITCHER = re.compile(r'<nav class="languages".*?</nav>', re.DOTALL)
_LINK = re.compile(r'<a href="[^"]*" hreflang="([^"]*)" lang="([^"]*)"[^>]*>([^<]*)</a>')


def switcher(html: str) -> dict[str, str]:
    """The language switcher of a page: BCP 47 tag -> name shown (each link's lang is its tag)."""
    nav = _SWITCHER.search(html)
    assert nav, "the page has no language switcher"
    links = _LINK.findall(nav.group(0))
    assert all(hreflang == lang for hreflang, lang, _name in links)
    return {hreflang: name for hreflang, _lang, name in links}


def section_1557(tmp_path) -> Project:
    """The fixture project with every §1557 language (and Chuukese and Marshallese, which CLDR
    lacks too): pseudo-translated, approved where released."""
    languages = {code: "draft" if code in DRAFTS else "release" for code in (*SECTION_1557, "chk", "mh")}
    return make_project(tmp_path / "p", languages=languages, definitions=DEFINITIONS)


def stderr_of(capsys, argv: list[str]) -> tuple[int, str]:
    code = run(argv)
    return code, capsys.readouterr().err


# -- what the pipeline knows about a language ------------------------------------------------------


def test_language_info_from_babel_with_the_names_readers_recognise():
    es = language_info("es")
    assert (es.code, es.tag, es.english_name, es.native_name, es.script, es.direction) == (
        "es", "es", "Spanish", "Español", "Latn", "ltr")
    assert es.locale is not None and es.plural_forms is None and not es.defined
    assert language_info("zh_Hant").tag == "zh-Hant" and language_info("zh_Hant").script == "Hant"
    assert language_info("pa").script == "Guru" and language_info("pa_Arab").direction == "rtl"
    assert language_info("ur").direction == "rtl" and language_info("he").script == "Hebr"
    tagalog = language_info("tl")  # Babel reads tl as Filipino (fil_PH)
    assert (tagalog.english_name, tagalog.native_name, tagalog.tag) == ("Tagalog", "Tagalog", "tl")
    assert language_info("bn").english_name == "Bengali" and language_info("bn").native_name == "বাংলা"
    with pytest.raises(ConfigError, match="language-definitions.hmn"):
        language_info("hmn")  # CLDR lacks it, and no definition here
    with pytest.raises(ConfigError, match="not a language code"):
        language_info("../es")


def test_every_name_override_corrects_something_babel_says_of_a_code_it_knows():
    from babel import Locale

    for code, fields in NAME_OVERRIDES.items():
        locale = Locale.parse(code)
        babel = {"native_name": locale.get_display_name(locale), "english_name": locale.english_name}
        assert set(fields) <= set(babel), code
        for key, value in fields.items():
            assert value != babel[key] and value != babel[key][:1].upper() + babel[key][1:], (code, key)


@pytest.mark.parametrize("code", sorted(SWITCHER_NAMES))
def test_the_switcher_name_of_every_1557_language(code):
    definitions = read_definitions(DEFINITIONS, "pyproject.toml")  # hmn: CLDR lacks it
    info = language_info(code, definitions)
    assert info.native_name == SWITCHER_NAMES[code]
    assert language_name(code, lambda c: language_info(c, definitions)) == SWITCHER_NAMES[code]
    assert info.direction == ("rtl" if code in RIGHT_TO_LEFT else "ltr")
    assert info.tag == code.replace("_", "-")


# -- languages CLDR lacks, defined in pyproject.toml -----------------------------------------------


def test_hmong_chuukese_and_marshallese_are_defined_and_initialised_from_their_definitions(tmp_path):
    project = make_project(tmp_path / "p", languages={"es": "release", "hmn": "release", "chk": "draft", "mh": "draft"},
                           definitions=DEFINITIONS)
    assert project.languages() == ["chk", "es", "hmn", "mh"]
    hmong = project.language("hmn")
    assert (hmong.english_name, hmong.native_name, hmong.script, hmong.direction, hmong.tag) == (
        "Hmong", "Hmoob", "Latn", "ltr", "hmn")
    assert hmong.locale is None and hmong.defined and hmong.plural_forms == "nplurals=1; plural=0;"
    assert project.language("mh").native_name == "Kajin M\u0327aje\u013c"
    for code, fields in DEFINITIONS.items():
        po = load_po(project.catalog_path(code))
        assert po.metadata["Plural-Forms"] == fields["plural_forms"]
        assert po.metadata["Language"] == code
        assert po.metadata["Language-Team"] == f"{fields['english_name']} <>"
        assert po.header.startswith(f"{fields['english_name']} translations")
        assert all(len(e.msgstr_plural) == 1 for e in po if e.msgid_plural)
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(project.catalog_path(code))], check=True)


def test_init_takes_the_plural_rule_from_the_definition_first(tmp_path, capsys):
    definitions = {"hmn": {**DEFINITIONS["hmn"], "plural_forms": "nplurals=2; plural=(n != 1);"},
                   # a code Babel and msginit know: the definition still comes first
                   "vi": {"plural_forms": "nplurals=2; plural=(n != 1);"}}
    project = make_skeleton(tmp_path / "p", languages={}, definitions=definitions)
    assert run(["--root", str(project.root), "extract"]) == 0
    assert run(["--root", str(project.root), "init", "hmn", "vi", "ja"]) == 0
    for code, nplurals in (("hmn", 2), ("vi", 2), ("ja", 1)):  # ja: msginit's rule, no definition
        po = load_po(project.catalog_path(code))
        assert po.metadata["Plural-Forms"].startswith(f"nplurals={nplurals};")
        plural_entries = [e for e in po if e.msgid_plural]
        assert plural_entries and all(len(e.msgstr_plural) == nplurals for e in plural_entries)
    assert load_po(project.catalog_path("vi")).metadata["Language-Team"] == "Vietnamese <>"
    capsys.readouterr()
    # the definition's count is the language's count for the gate too: no plural-forms warning
    assert run(["--root", str(project.root), "check", "--format", "json"]) == 0
    problems = [p for lang in json.loads(capsys.readouterr().out)["languages"] for p in lang["problems"]]
    assert not [p for p in problems if p["check"] == "plural-forms"]


def test_template_to_catalog_names_tagalog_tagalog():
    template = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr ""\n'
    text = template_to_catalog(template, "tl", "t.pot")
    assert '"Language-Team: Tagalog <>\\n"' in text and text.startswith("# Tagalog translations")


def test_a_project_names_a_language_babel_knows_its_own_way(tmp_path):
    definitions = {"pt_BR": {"native_name": "Português do Brasil", "english_name": "Brazilian Portuguese"}}
    project = make_project(tmp_path / "p", languages={"pt": "release", "pt_BR": "release"}, definitions=definitions)
    info = project.language("pt_BR")
    assert (info.native_name, info.english_name, info.script, info.direction) == (
        "Português do Brasil", "Brazilian Portuguese", "Latn", "ltr")
    assert info.locale is not None and info.defined  # Babel's dates and the rest stay
    assert load_po(project.catalog_path("pt_BR")).metadata["Language-Team"] == "Brazilian Portuguese <>"
    assert run(["--root", str(project.root), "build", "--format", "html", "--quiet"]) == 0
    names = switcher((project.output / "site" / "pt" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert names == {"en": "English", "pt": "Português", "pt-BR": "Português do Brasil"}


BAD_DEFINITIONS = [
    ({"hmn": {"english_name": "Hmong", "native_name": "Hmoob"}},
     ("language-definitions.hmn]: Babel's locale data (CLDR) does not know 'hmn', so its definition needs script, "
      "direction, plural_forms too")),
    ({"hmn": {**DEFINITIONS["hmn"], "name": "Hmong"}}, "language-definitions.hmn]: unknown key name"),
    ({"hmn": {**DEFINITIONS["hmn"], "script": "latin"}}, "script must be an ISO 15924 code"),
    ({"hmn": {**DEFINITIONS["hmn"], "direction": "left"}}, 'direction must be "ltr"'),
    ({"hmn": {**DEFINITIONS["hmn"], "plural_forms": "nplurals=1; plural=n;"}},
     "plural_forms 'nplurals=1; plural=n;': Plural-Forms: the plural expression 'n' gives form 1 for n = 1"),
    ({"hmn": {**DEFINITIONS["hmn"], "plural_forms": "plural=0;"}}, "Plural-Forms has no nplurals"),
    ({"hmn": {**DEFINITIONS["hmn"], "native_name": ""}}, "native_name must be a non-empty string"),
    ({"hmn": {**DEFINITIONS["hmn"], "native_name": "Hmoob\nLus"}}, "native_name 'Hmoob\\nLus' has a line break"),
    ({"Hmong": DEFINITIONS["hmn"]}, "'Hmong' is not a language code"),
    ({"../hmn": DEFINITIONS["hmn"]}, "'../hmn' is not a language code"),
    ({"es": {"native_name": "Castellano", "direction": "sideways"}}, "language-definitions.es]: direction must be"),
]


@pytest.mark.parametrize("definitions, message", BAD_DEFINITIONS)
def test_a_wrong_definition_is_a_pyproject_error(tmp_path, capsys, definitions, message):
    root = tmp_path / "p"
    make_skeleton(root, languages={"es": "release"})
    with open(root / "pyproject.toml", "a", encoding="utf-8") as file:
        file.write(definitions_toml(definitions))
    code, err = stderr_of(capsys, ["--root", str(root), "status"])
    assert code == 2
    assert "pyproject.toml: error: " in err and message in err, err
    with pytest.raises(ConfigError):
        Project.load(root)


def test_a_definition_that_is_not_a_table_is_a_pyproject_error(tmp_path, capsys):
    root = tmp_path / "p"
    make_skeleton(root, languages={})
    with open(root / "pyproject.toml", "a", encoding="utf-8") as file:
        file.write('\n[tool.handouts.language-definitions]\nhmn = "Hmong"\n')
    code, err = stderr_of(capsys, ["--root", str(root), "status"])
    assert code == 2 and "pyproject.toml: error: [tool.handouts.language-definitions.hmn] must be a table" in err


def test_a_listed_language_nobody_defines_is_a_pyproject_error_that_says_how_to_define_it(tmp_path, capsys):
    root = tmp_path / "p"
    with pytest.raises(ConfigError, match=r"unknown language code 'hmn'.*language-definitions\.hmn"):
        make_skeleton(root, languages={"es": "release", "hmn": "draft"})


def test_init_refuses_the_source_language(tmp_path, capsys):
    project = make_skeleton(tmp_path / "p", languages={})
    assert run(["--root", str(project.root), "extract"]) == 0
    code, err = stderr_of(capsys, ["--root", str(project.root), "init", "en"])
    assert code == 2
    assert "pyproject.toml: error: 'en' is the source language" in err and "needs no catalog" in err
    assert not (project.locales / "en").exists()


def test_defined_languages_work_with_status_check_build_and_the_workspace(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release", "hmn": "release", "chk": "draft", "mh": "release"},
                           definitions=DEFINITIONS)
    root = str(project.root)
    assert run(["--root", root, "update"]) == 0
    assert run(["--root", root, "status", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [lang["language"] for lang in status["languages"]] == ["chk", "es", "hmn", "mh"]
    assert run(["--root", root, "check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] and {lang["language"]: lang["documents"] for lang in report["languages"]}["hmn"] == {
        SLUG: "release"}
    assert run(["--root", root, "build", "--lang", "hmn", "--lang", "es", "--lang", "chk", "--lang", "mh",
                "--format", "html,pdf", "--quiet"]) == 0
    page = (project.output / "site" / "hmn" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert _HTML.search(page).groups() == ("hmn", "ltr")
    assert switcher(page) == {"en": "English", "es": "Español", "hmn": "Hmoob", "mh": "Kajin M\u0327aje\u013c"}
    assert "2026-01-15" in page  # the review date in ISO 8601: CLDR has no Hmong date format
    preview = (project.output / "preview" / "site" / "chk" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert _HTML.search(preview).groups() == ("chk", "ltr") and switcher(preview)["chk"] == "Kapasen Chuuk"
    index = (project.output / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="hmn/index.html" lang="hmn" dir="auto">Hmoob</a>' in index
    pdf = project.output / "handouts" / f"{SLUG}.hmn.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "HMN: Caring for Your Knee" in text
    assert run(["--root", root, "verify"]) == 0
    workspace = Workspace(project)
    assert "hmn" in workspace.index_page()
    review = workspace.review_page("mh", SLUG, "all")
    assert "Kajin M\u0327aje\u013c" in review and 'data-lang-tag="mh"' in review
    assert _HTML.search(workspace.preview_page("hmn", SLUG)).groups() == ("hmn", "ltr")
    assert argos_code("hmn") == "hmn" and argos_code("tl") == "tl"


def test_a_defined_right_to_left_language(tmp_path):
    """A language CLDR lacks written right to left: Dari, defined with its own code (CLDR has
    it only as Persian in Afghanistan, fa_AF)."""
    definitions = {"prs": {"english_name": "Dari", "native_name": "دری", "script": "Arab", "direction": "rtl",
                           "plural_forms": "nplurals=2; plural=(n > 1);"}}
    project = make_project(tmp_path / "p", languages={"prs": "release"}, definitions=definitions)
    assert run(["--root", str(project.root), "build", "--format", "html", "--quiet"]) == 0
    page = (project.output / "site" / "prs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert _HTML.search(page).groups() == ("prs", "rtl")
    assert switcher(page)["prs"] == "دری"


# -- an unknown catalog folder -----------------------------------------------------------------------


def test_an_unknown_catalog_folder_is_a_warning_that_stops_nothing(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release", "fr": "release"})
    for folder in ("hmn", "sr@latin"):  # msginit or Weblate made them; nothing defines them
        (project.locales / folder / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(project.catalog_path("es"), project.locales / folder / "LC_MESSAGES" / "handouts.po")
    root = str(project.root)
    assert project.languages(warn=False) == ["es", "fr"]
    assert [u.folder for u in project.unknown_languages()] == ["hmn", "sr@latin"]

    for argv in (["status"], ["update"], ["build", "--format", "html", "--quiet"], ["verify"]):
        code, err = stderr_of(capsys, ["--root", root, *argv])
        assert code == 0, (argv, err)
        assert err.count("locales/hmn: warning: unknown language code 'hmn'") == 1, (argv, err)
        assert "define the language under [tool.handouts.language-definitions.hmn]" in err
        assert err.count("locales/sr@latin: warning: unknown language code 'sr@latin'") == 1
        assert "name the folder with a language code" in err
    assert (project.output / "site" / "fr" / f"{SLUG}.html").exists()
    assert not (project.output / "site" / "hmn").exists()

    assert run(["--root", root, "check"]) == 0
    out, err = capsys.readouterr()
    assert "warning" not in err  # the report says it, once
    assert ("locales/hmn/LC_MESSAGES/handouts.po: warning: [language] unknown language code 'hmn'" in out)
    assert "check: passed" in out
    github = "::warning file=locales/hmn/LC_MESSAGES/handouts.po,title=language (hmn)::"
    for fmt, expected in (("json", '"check": "language"'), ("github", github), ("junit", 'name="handouts.hmn"')):
        assert run(["--root", root, "check", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert expected in out, (fmt, out)
    assert run(["--root", root, "check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    unknown = {lang["language"]: lang for lang in data["languages"]}["hmn"]
    assert unknown["status"] == "unknown" and unknown["warnings"] == 1 and unknown["errors"] == 0 and data["passed"]

    code, err = stderr_of(capsys, ["--root", root, "check", "--lang", "hmn"])  # asked for by name: an error
    assert code == 2 and "unknown language code 'hmn'" in err and "language-definitions.hmn" in err
    assert [lang["language"] for lang in project_status(project)["languages"]] == ["es", "fr"]
    assert 'href="/review/fr/' in Workspace(project).index_page()  # the workspace lists the others


# -- every language of the §1557 taglines --------------------------------------------------------------


def test_every_1557_language_builds_with_its_own_name_lang_and_dir(tmp_path, capsys):
    project = section_1557(tmp_path)
    root = str(project.root)
    assert set(project.languages()) == set(SWITCHER_NAMES) | {"chk", "mh"}
    assert run(["--root", root, "check"]) == 0
    assert run(["--root", root, "build", "--format", "html", "--quiet"]) == 0
    capsys.readouterr()
    released = sorted(code for code in SWITCHER_NAMES if code not in DRAFTS) + ["mh"]
    expected = {"en": "English", **{code.replace("_", "-"): SWITCHER_NAMES.get(code, "Kajin M\u0327aje\u013c")
                                    for code in released}}
    for code, name in SWITCHER_NAMES.items():
        tag = code.replace("_", "-")
        if code in DRAFTS:
            page = (project.output / "preview" / "site" / code / f"{SLUG}.html").read_text(encoding="utf-8")
            assert switcher(page) == {**expected, tag: name}, code
        else:
            page = (project.output / "site" / code / f"{SLUG}.html").read_text(encoding="utf-8")
            assert switcher(page) == expected, code
        assert _HTML.search(page).groups() == (tag, "rtl" if code in RIGHT_TO_LEFT else "ltr"), code
        title = find_entry(project, code, "Caring for Your Knee").msgstr  # pseudo, or written for the tests
        assert html.escape(title, quote=False) in page, code
    index = (project.output / "site" / "index.html").read_text(encoding="utf-8")
    for code in released:
        tag = code.replace("_", "-")
        assert f'<a href="{code}/index.html" lang="{tag}" dir="auto">{expected[tag]}</a>' in index, code
