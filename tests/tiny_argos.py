"""Build a tiny but *real* Argos Translate package on the fly, for tests and benchmarks.

The package is a genuine ``.argosmodel`` zip that argostranslate installs and loads like a
downloaded one::

    translate-en_es-1_0/
        metadata.json           what argostranslate reads (codes, names, version)
        README.md               says that this is a generated test model
        sentencepiece.model     trained on the caller's corpus
        model/                  a CTranslate2 Transformer
            config.json
            model.bin
            shared_vocabulary.json

Nothing is downloaded and nothing needs torch or OpenNMT:

* the SentencePiece model is trained on the given corpus (the English handout text, say), with
  the special pieces laid out the way OpenNMT-py vocabularies are (``<unk>``, ``<blank>``,
  ``<s>``, ``</s>`` as ids 0-3), so its pieces, in id order, *are* the model's vocabulary;
* the CTranslate2 model is a one-layer encoder/decoder whose weights are drawn from
  ``numpy.random.default_rng(seed)`` and written by a small
  :class:`ctranslate2.converters.Converter` subclass.

The model translates into nonsense, but always the same nonsense: the same corpus and seed give
a byte-identical ``.argosmodel``, and the same input gives the same output. One thing is not
left to chance, the length of the output: an untrained model tends either to stop at once (an
empty translation) or never (hundreds of pieces per sentence, seconds per paragraph). So one
channel of the decoder is reserved as a clock, and every hypothesis is exactly
:data:`OUTPUT_LENGTH` pieces long unless the caller's ``max_decoding_length`` is shorter; see
:func:`_install_length_channel`.

Typical use::

    path = build_tiny_package(tmp_path, corpus=english_lines, seed=0)
    # argostranslate.package.install_from_path(path), in a process whose ARGOS_PACKAGES_DIR
    # (and XDG_* directories) point somewhere temporary: argostranslate reads its settings,
    # and creates its directories, when it is imported.

This module never imports argostranslate, for that reason.
"""

from __future__ import annotations

import io
import json
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import sentencepiece as spm
from babel import Locale, UnknownLocaleError
from ctranslate2.converters import Converter
from ctranslate2.specs import common_spec, model_spec, transformer_spec

# --- The model's shape -------------------------------------------------------------------------

#: Special pieces, in id order, as in an OpenNMT-py vocabulary. CTranslate2 needs the unknown,
#: start and end tokens its config names (``unk_token``, ``bos_token``, ``eos_token``); were
#: ``<unk>`` missing, it would append one, and the vocabulary would no longer match the
#: embedding matrices. ``<blank>`` is OpenNMT's padding token: CTranslate2 masks padding by
#: length and never looks the token up, but real Argos models have it, so this one does too.
SPECIAL_PIECES = ("<unk>", "<blank>", "<s>", "</s>")
UNK_ID, BLANK_ID, BOS_ID, EOS_ID = range(len(SPECIAL_PIECES))

D_MODEL = 32  #: Width of the model (embeddings, attention, residual stream).
FFN_DIM = 64  #: Width of the feed-forward sublayers.
NUM_HEADS = 2  #: Attention heads (so 16 dimensions per head).
NUM_LAYERS = (1, 1)  #: Encoder layers, decoder layers.

#: Every translation is this many pieces long (see :func:`_install_length_channel`).
OUTPUT_LENGTH = 12
#: Rows of the decoder's position table. CTranslate2 refuses to decode past the table's end
#: ("No position encodings are defined for positions >= ..."); decoding stops at OUTPUT_LENGTH
#: anyway, so that only matters to a caller forcing longer outputs with min_decoding_length.
#: The encoder keeps CTranslate2's built-in sinusoidal encodings, which have no length limit.
DECODER_POSITIONS = 1024

# The length channel: residual dimension 0 of the decoder is a clock that reads 0 until the
# decoder reaches position OUTPUT_LENGTH and _CLOCK_ALARM from there on; the end token's logit
# is _EOS_GAIN * (that dimension after the final layer norm) - _EOS_MARGIN. Before the alarm
# the normalized clock is a fraction of 1, so the end token scores about -12 against the others'
# few units; after it, the clock dominates the layer norm (about sqrt(D_MODEL) = 5.7) and the
# end token scores about +10 against others squeezed near 0.
_CLOCK_ALARM = 1000.0
_EOS_GAIN = 4.0
_EOS_MARGIN = 12.0
#: Output-projection bias of the special pieces that should never be generated.
_NEVER = -1.0e4

# --- The package's shape -----------------------------------------------------------------------

#: Timestamp of every zip entry (the earliest a zip can store), so that builds are reproducible.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644  # regular file, rw-r--r--
_DIR_MODE = 0o040755  # directory, rwxr-xr-x
_MSDOS_DIRECTORY = 0x10
_ZIP_LEVEL = 9

#: English names for codes Babel does not know (Argos uses a few codes of its own).
_LANGUAGE_NAMES = {"pb": "Portuguese (Brazil)", "zt": "Chinese (traditional)"}


def build_tiny_package(
    workdir: Path,
    corpus: list[str],
    from_code: str = "en",
    to_code: str = "es",
    *,
    seed: int = 0,
    version: str = "1.0",
    vocab_size: int = 256,
) -> Path:
    """Return the path of a .argosmodel zip built under workdir.

    Args:
        workdir: Folder that receives the package, created if missing. The build leaves
            nothing else there: it stages the package in a temporary folder under ``workdir``,
            which it removes.
        corpus: Text to train the SentencePiece model on: sentences, lines or paragraphs (they
            are split at line breaks and blank lines are dropped). A handful of words is
            enough.
        from_code: Source language code, as Argos spells it (``"en"``).
        to_code: Target language code (``"es"``).
        seed: Seed of ``numpy.random.default_rng`` for the model weights. The SentencePiece
            model depends on the corpus only, so two seeds give the same vocabulary and
            different weights.
        version: The package version, written to ``metadata.json`` and to the file name.
        vocab_size: Wanted SentencePiece vocabulary size, special pieces included. It is a
            soft limit: a small corpus gives fewer pieces, and a corpus with more distinct
            characters than ``vocab_size`` raises it to fit them all.

    Returns:
        ``workdir / "translate-{from_code}_{to_code}-{version, dots as underscores}.argosmodel"``,
        a zip whose entries all sit in one folder named like the file's stem. Building again
        with the same arguments rewrites it with the same bytes.

    Raises:
        ValueError: If the corpus has no text, or a code or the version is empty.
    """
    if not from_code or not to_code or not version:
        raise ValueError("from_code, to_code and version must not be empty")
    lines = _corpus_lines(corpus)
    if not lines:
        raise ValueError("the corpus has no text to train SentencePiece on")

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    stem = package_stem(from_code, to_code, version)
    sentencepiece_model = train_sentencepiece(lines, vocab_size)
    vocabulary = sentencepiece_pieces(sentencepiece_model)

    with tempfile.TemporaryDirectory(prefix=".tiny-argos-", dir=workdir) as staging:
        root = Path(staging) / stem
        root.mkdir()
        TinyTransformerConverter(vocabulary, seed=seed).convert(str(root / "model"), force=True)
        (root / "sentencepiece.model").write_bytes(sentencepiece_model)
        metadata = package_metadata(from_code, to_code, version)
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        (root / "README.md").write_text(
            _readme(metadata, seed=seed, vocabulary_size=len(vocabulary), corpus_lines=len(lines)),
            encoding="utf-8",
        )

        archive = workdir / f"{stem}.argosmodel"
        partial = Path(staging) / archive.name
        write_deterministic_zip(root, partial)
        partial.replace(archive)
    return archive


def package_stem(from_code: str, to_code: str, version: str) -> str:
    """The package's file stem and top-level folder, e.g. ``translate-en_es-1_0``."""
    return f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"


def package_metadata(from_code: str, to_code: str, version: str) -> dict[str, str]:
    """The ``metadata.json`` of a translation package, in the layout argostranslate reads."""
    return {
        "package_version": version,
        "argos_version": "1.0",
        "from_code": from_code,
        "from_name": language_name(from_code),
        "to_code": to_code,
        "to_name": language_name(to_code),
        "type": "translate",
        "code": f"translate-{from_code}_{to_code}",
    }


def language_name(code: str) -> str:
    """English name of a language code (``"es"`` → ``"Spanish"``); the code itself if unknown."""
    if code in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[code]
    try:
        return Locale.parse(code.replace("-", "_")).english_name or code
    except (ValueError, UnknownLocaleError):
        return code


# --- SentencePiece -----------------------------------------------------------------------------


def _corpus_lines(corpus: list[str]) -> list[str]:
    """The corpus as non-blank, stripped lines (SentencePiece trains on one sentence per line)."""
    return [line.strip() for text in corpus for line in text.splitlines() if line.strip()]


def train_sentencepiece(lines: list[str], vocab_size: int = 256) -> bytes:
    """Train a unigram SentencePiece model on ``lines``; return the serialized model.

    Ids 0-3 are :data:`SPECIAL_PIECES`. Training is deterministic (one thread, every sentence,
    in the given order: no sampling, no shuffling), so the same lines give the same bytes; the
    model records no file path, since it is trained from an iterator into memory.
    ``vocab_size`` is a soft limit (``hard_vocab_limit=False``), raised if needed so that
    every character of the corpus gets a piece (``character_coverage=1.0``).
    """
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        vocab_size=max(vocab_size, _minimum_vocab_size(lines)),
        hard_vocab_limit=False,
        character_coverage=1.0,
        unk_id=UNK_ID,
        pad_id=BLANK_ID,
        pad_piece="<blank>",
        bos_id=BOS_ID,
        eos_id=EOS_ID,
        num_threads=1,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        max_sentence_length=1 << 16,
        minloglevel=2,
    )
    return model.getvalue()


def _minimum_vocab_size(lines: list[str]) -> int:
    """Pieces SentencePiece insists on: the special ones, "▁", and each distinct character.

    SentencePiece fails ("Vocabulary size is smaller than required_chars") below this.
    NFKC is close to its default normalization (nmt_nfkc).
    """
    characters = {c for line in lines for c in unicodedata.normalize("NFKC", line) if not c.isspace()}
    return len(SPECIAL_PIECES) + 1 + len(characters)


def sentencepiece_pieces(model: bytes) -> list[str]:
    """All pieces of a serialized SentencePiece model, in id order."""
    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


# --- CTranslate2 -------------------------------------------------------------------------------


class TinyTransformerConverter(Converter):
    """Convert "nothing" into a CTranslate2 Transformer with seeded random weights.

    A :class:`~ctranslate2.converters.Converter` normally reads a trained checkpoint in
    ``_load()``; this one builds the specification (see :data:`D_MODEL` and friends), fills
    every variable it needs with float32 draws from ``numpy.random.default_rng(seed)``, and
    registers ``vocabulary`` as both the source and target vocabulary. ``convert(output_dir)``
    then validates and saves it like any converted model.
    """

    def __init__(self, vocabulary: list[str], *, seed: int = 0):
        if tuple(vocabulary[: len(SPECIAL_PIECES)]) != SPECIAL_PIECES:
            raise ValueError(f"the vocabulary must start with {SPECIAL_PIECES}, not {vocabulary[:4]}")
        self.vocabulary = list(vocabulary)
        self.seed = seed

    def _load(self) -> transformer_spec.TransformerSpec:
        spec = transformer_spec.TransformerSpec.from_config(NUM_LAYERS, NUM_HEADS)
        _fill_random(spec, len(self.vocabulary), np.random.default_rng(self.seed))
        _install_length_channel(spec)
        spec.register_source_vocabulary(self.vocabulary)
        spec.register_target_vocabulary(self.vocabulary)
        return spec


def _fill_random(spec: model_spec.LayerSpec, vocab_size: int, rng: np.random.Generator) -> None:
    """Give every weight of ``spec`` that the model needs a random float32 value.

    Walks the specification's variables: a required variable is one still ``None``; optional
    ones hold the marker ``model_spec.OPTIONAL``. The optional biases of linear layers are
    filled too, as OpenNMT models have them; other optional variables (quantization scales,
    position tables, ...) stay unset. Variables are drawn in sorted-name order so that the
    weights depend on the seed alone. Any required variable this function does not know how to
    shape is an error, rather than a silently broken model.
    """
    d = D_MODEL
    # (output, input) features of each linear layer, by the last two parts of its scope.
    linear_shapes = {
        "self_attention/linear_0": (3 * d, d),  # fused query, key, value
        "self_attention/linear_1": (d, d),  # output
        "attention/linear_0": (d, d),  # encoder-decoder attention: query
        "attention/linear_1": (2 * d, d),  # fused key, value (of the encoder output)
        "attention/linear_2": (d, d),  # output
        "ffn/linear_0": (FFN_DIM, d),
        "ffn/linear_1": (d, FFN_DIM),
        "decoder/projection": (vocab_size, d),  # logits over the target vocabulary
    }

    wanted: list[tuple[str, model_spec.LayerSpec]] = []

    def collect(layer, name, value):
        is_bias = isinstance(layer, common_spec.LinearSpec) and name.endswith("/bias")
        if value is None or is_bias:
            wanted.append((name, layer))

    model_spec.visit_spec(spec, collect)

    for name, layer in sorted(wanted, key=lambda item: item[0]):
        scope, attribute = name.rsplit("/", 1)
        if isinstance(layer, common_spec.EmbeddingsSpec) and attribute == "weight":
            value = rng.standard_normal((vocab_size, d)) / np.sqrt(d)
        elif isinstance(layer, common_spec.LayerNormSpec) and attribute in ("gamma", "beta"):
            value = (1.0 if attribute == "gamma" else 0.0) + 0.1 * rng.standard_normal(d)
        elif isinstance(layer, common_spec.LinearSpec) and attribute in ("weight", "bias"):
            key = "/".join(scope.split("/")[-2:])
            if key not in linear_shapes:
                raise ValueError(f"no shape known for the linear layer {scope}")
            outputs, inputs = linear_shapes[key]
            if attribute == "weight":
                value = rng.standard_normal((outputs, inputs)) / np.sqrt(inputs)
            else:
                value = 0.1 * rng.standard_normal(outputs)
        else:
            raise ValueError(f"no random value known for the model variable {name}")
        setattr(layer, attribute, value.astype(np.float32))


def _install_length_channel(spec: transformer_spec.TransformerSpec) -> None:
    """Make every translation exactly :data:`OUTPUT_LENGTH` pieces long, and never special.

    Residual dimension 0 of the decoder becomes a clock: nothing writes to it (its column in
    the target embeddings and its row in each sublayer's output projection are zero) except
    the position table, which puts 0 there up to position ``OUTPUT_LENGTH - 1`` and
    :data:`_CLOCK_ALARM` from ``OUTPUT_LENGTH`` on. Before the alarm the decoder is the
    untouched random network; from the alarm on, the clock dominates the final layer norm,
    whose output the end token's projection row reads (and reads alone). Beam search agrees,
    since no hypothesis can end early at a tolerable score.

    The output projection also gives ``<unk>``, ``<blank>`` and ``<s>`` a prohibitive bias, so
    that translations are made of text pieces only.
    """
    decoder = spec.decoder
    decoder.embeddings.weight[:, 0] = 0.0
    for layer in decoder.layer:
        for output in (layer.self_attention.linear[-1], layer.attention.linear[-1], layer.ffn.linear_1):
            output.weight[0, :] = 0.0
            output.bias[0] = 0.0
    decoder.layer_norm.gamma[0] = 1.0
    decoder.layer_norm.beta[0] = 0.0

    positions = _sinusoidal_encodings(DECODER_POSITIONS, D_MODEL - 1)
    clock = np.where(np.arange(DECODER_POSITIONS) >= OUTPUT_LENGTH, _CLOCK_ALARM, 0.0)
    decoder.position_encodings.encodings = np.column_stack([clock, positions]).astype(np.float32)

    projection = decoder.projection
    projection.weight[EOS_ID, :] = 0.0
    projection.weight[EOS_ID, 0] = _EOS_GAIN
    projection.bias[EOS_ID] = -_EOS_MARGIN
    projection.bias[[UNK_ID, BLANK_ID, BOS_ID]] = _NEVER


def _sinusoidal_encodings(positions: int, depth: int) -> np.ndarray:
    """The Transformer's sinusoidal position encodings: sines, then cosines, as CTranslate2."""
    half = (depth + 1) // 2
    frequencies = np.exp(-np.log(10000.0) * np.arange(half) / max(half - 1, 1))
    angles = np.arange(positions)[:, None] * frequencies[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)[:, :depth]


# --- The package -------------------------------------------------------------------------------


def _readme(metadata: dict[str, str], *, seed: int, vocabulary_size: int, corpus_lines: int) -> str:
    return (
        f"# Tiny test model: {metadata['from_name']} → {metadata['to_name']}\n"
        "\n"
        "This package was generated by `tests/tiny_argos.py` for tests and benchmarks. It is a\n"
        "real Argos Translate package, but its model was never trained: it **translates into\n"
        f"nonsense**, always {OUTPUT_LENGTH} SentencePiece pieces long, the same nonsense for the\n"
        "same input. Never use it to translate anything.\n"
        "\n"
        f"- SentencePiece: unigram, {vocabulary_size} pieces, trained on {corpus_lines} lines\n"
        f"- CTranslate2 Transformer: {NUM_LAYERS[0]} encoder and {NUM_LAYERS[1]} decoder layer,\n"
        f"  {NUM_HEADS} heads, d_model {D_MODEL}, ffn {FFN_DIM}, random weights (seed {seed})\n"
    )


def write_deterministic_zip(folder: Path, archive: Path) -> None:
    """Zip ``folder`` (as a top-level folder of the same name) with reproducible bytes.

    Entries are sorted, each directory has its own entry, and every entry has the same
    timestamp (:data:`ZIP_DATE_TIME`), Unix permissions and compression settings (the bytes
    are the same for the same zlib).
    """
    folder = Path(folder)
    paths = sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix())
    with zipfile.ZipFile(archive, "w") as zf:
        for path in [folder, *paths]:
            name = (Path(folder.name) / path.relative_to(folder)).as_posix()
            info = zipfile.ZipInfo(name + "/" if path.is_dir() else name, date_time=ZIP_DATE_TIME)
            info.create_system = 3  # Unix, so that external_attr holds permissions
            if path.is_dir():
                info.external_attr = (_DIR_MODE << 16) | _MSDOS_DIRECTORY
                zf.writestr(info, b"")
            else:
                info.external_attr = _FILE_MODE << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes(), compresslevel=_ZIP_LEVEL)
