"""The tiny Argos package builder (tests/tiny_argos.py): the archive's layout and metadata,
installation and tokenization through argostranslate's own API, translation with CTranslate2,
and reproducibility. Offline; everything is built under pytest's temporary folders.

argostranslate reads its settings, and creates its folders, when it is imported, so it is only
ever imported in a subprocess whose environment points every one of those folders into a
temporary home; never in this process.
"""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

from .tiny_argos import OUTPUT_LENGTH, SPECIAL_PIECES, build_tiny_package

CORPUS = [
    "Exosomes are tiny particles that cells release.",
    "Some clinics sell exosome treatments for joint pain, hair loss and ageing skin.",
    "The FDA has not approved any exosome product for these uses.",
    "Ask your doctor before you agree to any treatment.\n\nKeep this handout.",
    "Call 911 if you have trouble breathing after a treatment.",
]
SENTENCE = "Ask your doctor about exosome treatments."
STEM = "translate-en_es-1_0"

# Run in a subprocess with a private argostranslate home: install the package with
# argostranslate's own API, list what is installed, and for each package tokenize SENTENCE with
# the package's tokenizer, translate it twice with CTranslate2, and once more through
# argostranslate's translation function (with a one-sentence splitter, since its default one
# downloads a model). Prints a JSON report.
INSTALL_AND_TRANSLATE = """
import json, sys
import ctranslate2
from argostranslate import package, settings, translate

archive, sentence = sys.argv[1], sys.argv[2]
package.install_from_path(archive)

class OneSentence:
    def split_sentences(self, text):
        return [text]

report = {
    "package_dirs": [str(folder) for folder in settings.package_dirs],
    "languages": sorted(language.code for language in translate.get_installed_languages()),
    "packages": [],
}
for pkg in package.get_installed_packages():
    tokens = pkg.tokenizer.encode(sentence)
    translator = ctranslate2.Translator(str(pkg.package_path / "model"), device="cpu")
    first, second = (
        translator.translate_batch([tokens], beam_size=1, max_decoding_length=32)[0].hypotheses[0]
        for _ in range(2)
    )
    report["packages"].append({
        "from_code": pkg.from_code,
        "to_code": pkg.to_code,
        "package_version": pkg.package_version,
        "from_name": pkg.from_name,
        "to_name": pkg.to_name,
        "path": str(pkg.package_path),
        "tokenizer": type(pkg.tokenizer).__name__,
        "readme": pkg.get_readme(),
        "tokens": tokens,
        "first": first,
        "second": second,
        "decoded": pkg.tokenizer.decode(first),
        "argos": translate.apply_packaged_translation(
            pkg, sentence, translator, OneSentence(), num_hypotheses=1
        )[0].value,
    })
print(json.dumps(report))
"""


def argos_environment(home: Path) -> dict[str, str]:
    """This process's environment, with every folder argostranslate uses inside ``home``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ARGOS_", "SNAP"))}
    env.update(
        ARGOS_PACKAGES_DIR=str(home / "packages"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        HOME=str(home),
    )
    return env


def install_and_translate(archive: Path, home: Path) -> dict:
    """Run INSTALL_AND_TRANSLATE on ``archive`` in a fresh argostranslate home; its report."""
    home.mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-c", INSTALL_AND_TRANSLATE, str(archive), SENTENCE],
        env=argos_environment(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def unpack(archive: Path, destination: Path) -> Path:
    """Extract ``archive`` into ``destination``; the package's folder."""
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(destination)
    return destination / archive.stem


def translate(package_folder: Path, text: str, **options) -> list[str]:
    """Tokenize and translate ``text`` with an unpacked package, without argostranslate."""
    processor = spm.SentencePieceProcessor(model_file=str(package_folder / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package_folder / "model"), device="cpu")
    tokens = processor.encode(text, out_type=str)
    return translator.translate_batch([tokens], **options)[0].hypotheses[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_tiny_package(tmp_path_factory.mktemp("build"), CORPUS)


@pytest.fixture(scope="module")
def installed(archive, tmp_path_factory) -> tuple[Path, dict]:
    """The argostranslate home the package was installed into, and the subprocess's report."""
    home = tmp_path_factory.mktemp("argos") / "home"
    return home, install_and_translate(archive, home)


# --- The archive -------------------------------------------------------------------------------


def test_archive_layout(archive):
    assert archive.name == f"{STEM}.argosmodel"
    assert [path.name for path in archive.parent.iterdir()] == [archive.name], "staging left behind"
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert names == sorted(names)
    assert all(name.startswith(f"{STEM}/") for name in names)
    files = {name.removeprefix(f"{STEM}/") for name in names if not name.endswith("/")}
    assert files == {
        "README.md",
        "metadata.json",
        "sentencepiece.model",
        "model/config.json",
        "model/model.bin",
        "model/shared_vocabulary.json",
    }


def test_metadata_and_readme(archive, tmp_path):
    folder = unpack(archive, tmp_path)
    assert json.loads((folder / "metadata.json").read_text(encoding="utf-8")) == {
        "package_version": "1.0",
        "argos_version": "1.0",
        "from_code": "en",
        "from_name": "English",
        "to_code": "es",
        "to_name": "Spanish",
        "type": "translate",
        "code": "translate-en_es",
    }
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "generated" in readme and "nonsense" in readme


def test_vocabulary_is_the_sentencepiece_pieces(archive, tmp_path):
    folder = unpack(archive, tmp_path)
    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocabulary = json.loads((folder / "model" / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert vocabulary == pieces
    assert tuple(vocabulary[:4]) == SPECIAL_PIECES == ("<unk>", "<blank>", "<s>", "</s>")
    assert len(vocabulary) > len(SPECIAL_PIECES) + 20, "the corpus should give more than characters"
    config = json.loads((folder / "model" / "config.json").read_text(encoding="utf-8"))
    assert (config["unk_token"], config["bos_token"], config["eos_token"]) == ("<unk>", "<s>", "</s>")


# --- argostranslate ----------------------------------------------------------------------------


def test_argostranslate_installs_the_package(installed):
    home, report = installed
    assert report["package_dirs"] == [str(home / "packages")]
    assert report["languages"] == ["en", "es"]
    [package] = report["packages"]
    assert (package["from_code"], package["to_code"], package["package_version"]) == ("en", "es", "1.0")
    assert (package["from_name"], package["to_name"]) == ("English", "Spanish")
    assert package["path"] == str(home / "packages" / STEM)
    assert (home / "packages" / STEM / "model" / "model.bin").is_file()
    assert package["tokenizer"] == "SentencePieceTokenizer"
    assert "nonsense" in package["readme"]


def test_installed_package_translates_deterministically(installed):
    _, report = installed
    [package] = report["packages"]
    assert package["tokens"] and package["tokens"][0].startswith("▁")
    assert package["first"] == package["second"]
    assert len(package["first"]) == OUTPUT_LENGTH
    assert not set(package["first"]) & set(SPECIAL_PIECES)
    assert package["decoded"].strip()
    assert package["argos"].strip()


def test_rebuild_with_the_same_seed_translates_the_same(installed, tmp_path):
    _, report = installed
    rebuilt = build_tiny_package(tmp_path / "build", CORPUS, seed=0)
    [again] = install_and_translate(rebuilt, tmp_path / "home")["packages"]
    [package] = report["packages"]
    for key in ("tokens", "first", "decoded", "argos"):
        assert again[key] == package[key], key


# --- Reproducibility ---------------------------------------------------------------------------


def test_same_inputs_give_identical_archives(archive, tmp_path):
    again = build_tiny_package(tmp_path / "again", CORPUS, seed=0)
    assert again.read_bytes() == archive.read_bytes()
    # Building over an existing archive rewrites the same bytes and leaves nothing else.
    assert build_tiny_package(tmp_path / "again", CORPUS, seed=0).read_bytes() == archive.read_bytes()
    assert [path.name for path in (tmp_path / "again").iterdir()] == [archive.name]


def test_seed_changes_the_weights_only(archive, tmp_path):
    other = build_tiny_package(tmp_path / "seed1", CORPUS, seed=1)
    assert other.name == archive.name
    zero, one = unpack(archive, tmp_path / "zero"), unpack(other, tmp_path / "one")
    for same in ("sentencepiece.model", "model/shared_vocabulary.json", "model/config.json", "metadata.json"):
        assert (zero / same).read_bytes() == (one / same).read_bytes(), same
    assert (zero / "model/model.bin").read_bytes() != (one / "model/model.bin").read_bytes()
    assert translate(zero, SENTENCE) != translate(one, SENTENCE)


def test_translation_is_stable_across_calls_and_options(archive, tmp_path):
    folder = unpack(archive, tmp_path)
    greedy = translate(folder, SENTENCE, beam_size=1, max_decoding_length=32)
    assert greedy == translate(folder, SENTENCE, beam_size=1, max_decoding_length=32)
    assert len(greedy) == OUTPUT_LENGTH
    # argostranslate's own settings: beam search, no length limit; still OUTPUT_LENGTH pieces.
    beam = translate(folder, SENTENCE, beam_size=4, length_penalty=0.2, replace_unknowns=True)
    assert len(beam) == OUTPUT_LENGTH
    assert translate(folder, SENTENCE, beam_size=1, max_decoding_length=5) == greedy[:5]


# --- Odd inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("corpus", "vocab_size"),
    [
        (["Hi."], 256),  # fewer pieces than asked for
        ([string.printable + "äöüßéèàç€½ﬁ"], 8),  # more characters than asked for
    ],
    ids=["one-word", "many-characters"],
)
def test_small_corpora_still_give_a_working_model(tmp_path, corpus, vocab_size):
    archive = build_tiny_package(tmp_path, corpus, seed=3, vocab_size=vocab_size)
    output = translate(unpack(archive, tmp_path / "unpacked"), corpus[0][:20])
    assert len(output) == OUTPUT_LENGTH
    assert not set(output) & set(SPECIAL_PIECES)


def test_codes_and_version_name_the_package(tmp_path):
    archive = build_tiny_package(tmp_path, CORPUS, "de", "fr", version="2.1.3")
    assert archive.name == "translate-de_fr-2_1_3.argosmodel"
    metadata = json.loads(unpack(archive, tmp_path / "unpacked").joinpath("metadata.json").read_text())
    assert metadata["code"] == "translate-de_fr"
    assert (metadata["from_name"], metadata["to_name"], metadata["package_version"]) == ("German", "French", "2.1.3")


def test_an_empty_corpus_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="corpus"):
        build_tiny_package(tmp_path, ["", "  \n\t"])
