"""BERT token-classification NER through camel-tools' ``NERecognizer`` (the ``camel`` backend).

``CamelTagger.load()`` loads camel-tools' pretrained AraBERT NER model (installed with
``camel_data -i ner-arabert``); ``CamelTagger.load(DIR)`` loads any local
``BertForTokenClassification`` directory whose ``id2label`` uses BIO labels with ``O``.

camel-tools, torch and transformers are imported only inside :meth:`CamelTagger.load`: importing
``camel_tools.data`` (which ``camel_tools.ner`` does) downloads a data catalogue when none is
installed, with no timeout, so this module checks the files itself before letting it import.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, ModelError
from kg.model import EntityType

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install it with `camel_data -i ner-arabert` on a connected machine (then copy its data "
    "directory here and set CAMELTOOLS_DATA), or pass --ner-model DIR with a local BERT "
    "token-classification model"
)
STUB_CATALOGUE = {"version": "1.6", "packages": {}, "components": {}}
NER_COMPONENT = "NamedEntityRecognition"

# camel-tools' predict() pads every segment to 256 word pieces ([CLS] and [SEP] included) and
# splits a sentence only *between* words, so one word of more pieces than this crashes the batch.
_MAX_WORD_PIECES = 256 - 2
# predict() keeps the logits of every segment of a call in memory (256 x labels floats each):
# feeding it bounded chunks of sentences keeps a large corpus from holding all of them at once.
_SENTENCES_PER_CALL = 1024
# The label id camel-tools gives word-piece positions that carry no word label (torch's
# CrossEntropyLoss ignore_index, which it reads from a fresh loss object each time).
_IGNORED_LABEL_ID = -100


class CamelTagger:
    """Tag tokenised sentences with a BERT token-classification model via camel-tools."""

    name = "camel"

    def __init__(self, recognizer: Any, *, batch_size: int = 32, source: str = "") -> None:
        if batch_size < 1:
            raise ConfigError(f"NER batch size must be at least 1, got {batch_size}")
        self._recognizer = recognizer
        self._tokenizer = recognizer.tokenizer
        self.batch_size = batch_size
        self.source = source
        id2label: dict[int, str] = {int(k): str(v) for k, v in recognizer.labels_map.items()}
        self.labels: tuple[str, ...] = tuple(id2label[i] for i in sorted(id2label))

    @classmethod
    def load(
        cls, path: str | os.PathLike[str] | None = None, *, batch_size: int = 32
    ) -> CamelTagger:
        """Load a local model directory, or (``None``) camel-tools' installed AraBERT NER model.

        Raises :class:`~kg.errors.ModelError` when the model is missing, incomplete or cannot be
        loaded; never downloads anything.
        """
        if path is None:
            model_dir = _pretrained_model_dir()
        else:
            model_dir = Path(path).expanduser().absolute()
            _check_model_dir(model_dir)
        recognizer_class = _import_recognizer()
        try:
            with _quiet_progress_bars():
                recognizer = recognizer_class(str(model_dir))
        except Exception as exc:  # transformers/torch raise many kinds on bad or corrupt files
            raise ModelError(
                f"{model_dir}: cannot load a BERT token-classification model "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        _check_recognizer(recognizer, model_dir)
        _install_fast_alignment(recognizer)
        return cls(recognizer, batch_size=batch_size, source=str(model_dir))

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """One BIO label per token of each sentence (an empty sentence gives an empty list).

        Tokens the BERT tokenizer reduces to nothing (empty strings, bidi marks, zero-width
        characters) are labelled ``O``; camel-tools would silently drop them and shift the
        labels of the rest of the sentence.
        """
        out: list[list[str]] = []
        for first in range(0, len(sentences), _SENTENCES_PER_CALL):
            out.extend(self._tag_chunk(sentences[first : first + _SENTENCES_PER_CALL]))
        return out

    def _tag_chunk(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        piece_counts: dict[str, int] = {}  # tokenise each distinct word once per call
        model_inputs: list[list[str]] = []
        kept_positions: list[list[int]] = []
        for tokens in sentences:
            words: list[str] = []
            positions: list[int] = []
            for index, token in enumerate(tokens):
                count = piece_counts.get(token)
                if count is None:
                    count = piece_counts[token] = len(self._tokenizer.tokenize(token))
                if count == 0:
                    continue  # no word piece: camel-tools would drop it without a label
                words.append(token if count <= _MAX_WORD_PIECES else self._stand_in(token))
                positions.append(index)
            model_inputs.append(words)
            kept_positions.append(positions)
        if not any(model_inputs):
            return [["O"] * len(tokens) for tokens in sentences]
        predicted: list[list[str]] = self._recognizer.predict(
            model_inputs, batch_size=self.batch_size
        )
        out: list[list[str]] = []
        for tokens, positions, labels in zip(sentences, kept_positions, predicted, strict=True):
            if len(labels) != len(positions):  # guards against a camel-tools behaviour change
                log.warning(
                    "camel-tools returned %d labels for %d tokens; padding with O",
                    len(labels),
                    len(positions),
                )
                labels = [*labels[: len(positions)], *["O"] * (len(positions) - len(labels))]
            full = ["O"] * len(tokens)
            for position, label in zip(positions, labels, strict=True):
                full[position] = str(label)
            out.append(full)
        return out

    def _stand_in(self, token: str) -> str:
        """A one-piece substitute for a word too long for one BERT segment.

        Its first word piece is what carries the word's label, so it keeps the most signal.
        """
        first = str(self._tokenizer.tokenize(token)[0])
        return (
            first if len(self._tokenizer.tokenize(first)) == 1 else str(self._tokenizer.unk_token)
        )


def camel_data_dir() -> Path:
    """The directory camel-tools reads its catalogue and data from.

    camel-tools fixes it when ``camel_tools.data`` is first imported, so once imported its value
    wins over the current environment.
    """
    catalogue_module = sys.modules.get("camel_tools.data.catalogue")
    if catalogue_module is not None:
        return Path(catalogue_module.CT_DATA_DIR)
    env = os.environ.get("CAMELTOOLS_DATA")
    # Mirror camel-tools exactly (it tests `is not None`, so an empty value means the cwd).
    if env is not None:
        return Path(env).expanduser().absolute()
    return Path.home() / ".camel_tools"


def stub_data_dir() -> Path:
    """kg's own camel-tools data directory holding an empty catalogue (under XDG_CACHE_HOME)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser().absolute() / "kg" / "camel-stub"


def _pretrained_model_dir() -> Path:
    """Where the installed camel-tools NER model lives, read from the catalogue without importing
    camel-tools (the import would try to download a missing catalogue)."""
    data_dir = camel_data_dir()
    catalogue = data_dir / "catalogue.json"
    if not catalogue.is_file():
        raise ModelError(
            f"camel-tools NER model not installed (no data catalogue at {catalogue}): "
            + INSTALL_HINT
        )
    try:
        entries = json.loads(catalogue.read_text(encoding="utf-8"))
        component = entries["components"][NER_COMPONENT]
        relative = component["datasets"][component["default"]]["path"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"camel-tools NER model not installed ({catalogue} lists no {NER_COMPONENT} model): "
            + INSTALL_HINT
        ) from exc
    model_dir = data_dir / "data" / str(relative)
    if not (model_dir / "config.json").is_file():
        raise ModelError(
            f"camel-tools NER model not installed ({model_dir} has no config.json): " + INSTALL_HINT
        )
    return model_dir


def _check_model_dir(model_dir: Path) -> None:
    if not model_dir.is_dir():
        raise ModelError(f"{model_dir}: NER model directory not found")
    if not (model_dir / "config.json").is_file():
        raise ModelError(f"{model_dir}: not a BERT model directory (config.json is missing)")
    # Without a vocabulary transformers 5 silently builds a 5-token tokenizer: every word [UNK].
    if not any((model_dir / name).is_file() for name in ("vocab.txt", "tokenizer.json")):
        raise ModelError(
            f"{model_dir}: tokenizer vocabulary missing (no vocab.txt or tokenizer.json)"
        )


def _import_recognizer() -> Any:
    """Import camel-tools' NERecognizer without ever letting camel-tools download its catalogue."""
    if "camel_tools.data" not in sys.modules:
        catalogue = camel_data_dir() / "catalogue.json"
        if not catalogue.is_file():
            stub = _write_stub_catalogue()
            log.info(
                "no camel-tools catalogue at %s; using the empty stub at %s so importing "
                "camel_tools.ner does not try to download one",
                catalogue,
                stub,
            )
            with _environment("CAMELTOOLS_DATA", str(stub.parent)):
                return _import_camel_ner()
    return _import_camel_ner()


def _import_camel_ner() -> Any:
    try:
        from camel_tools.ner import NERecognizer
    except Exception as exc:  # DownloaderError, a corrupt catalogue, an unwritable home, ...
        raise ModelError(
            f"cannot import camel-tools NER (catalogue in {camel_data_dir()}): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    return NERecognizer


def _write_stub_catalogue() -> Path:
    path = stub_data_dir() / "catalogue.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            # Write then rename, so a concurrent kg process never reads a half-written file.
            partial = path.with_name(f"catalogue.json.{os.getpid()}.tmp")
            partial.write_text(json.dumps(STUB_CATALOGUE), encoding="utf-8")
            partial.replace(path)
    except OSError as exc:
        raise ModelError(f"cannot write a camel-tools stub catalogue at {path}: {exc}") from exc
    return path


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """Set an environment variable for the duration of the block only.

    camel-tools reads CAMELTOOLS_DATA once, at import; restoring it keeps the stub from leaking
    into subprocesses or other libraries.
    """
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@contextmanager
def _quiet_progress_bars() -> Iterator[None]:
    """Hide transformers 5's "Loading weights" progress bar, which would clutter CLI output."""
    # Typed as Any: transformers ships partial annotations, and these helpers have none.
    hf_logging: Any = import_module("transformers.utils.logging")
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def _check_recognizer(recognizer: Any, model_dir: Path) -> None:
    labels = [str(label) for label in recognizer.labels_map.values()]
    # camel-tools labels every input word with a dummy "O" and looks its id up in id2label.
    if "O" not in labels:
        raise ModelError(
            f"{model_dir}: not a BIO NER model (config.json id2label has no 'O' label: "
            f"{', '.join(labels[:10])})"
        )
    bad = [label for label in labels if label != "O" and label[:2] not in ("B-", "I-")]
    if bad:
        raise ModelError(f"{model_dir}: id2label has non-BIO labels: {', '.join(bad)}")
    unknown = sorted(
        {label[2:] for label in labels if label != "O" and not _is_entity_type(label[2:])}
    )
    if unknown:
        log.warning(
            "%s: entity types %s have no kg entity class; the graph pipeline cannot use them",
            model_dir,
            ", ".join(unknown),
        )
    size = len(recognizer.tokenizer)
    if size <= 5:
        raise ModelError(f"{model_dir}: tokenizer has only {size} tokens (vocab.txt unreadable?)")
    # A lower-casing/accent-stripping tokenizer turns «أ» into «ا»: hamza words become [UNK].
    normalizer = getattr(
        getattr(recognizer.tokenizer, "backend_tokenizer", None), "normalizer", None
    )
    if normalizer is not None and normalizer.normalize_str("أ") != "أ":
        log.warning(
            "%s: the tokenizer strips Arabic hamza (set do_lower_case and strip_accents to false "
            "in tokenizer_config.json)",
            model_dir,
        )


def _install_fast_alignment(recognizer: Any) -> None:
    """Replace camel-tools' per-instance label alignment with an equivalent vectorised one.

    camel-tools 1.6 builds a new ``nn.CrossEntropyLoss()`` for each of the 256 positions of every
    segment just to read its ``ignore_index``: measured at ~70 % of ``predict()`` time for a small
    model on CPU. Same inputs, same output; only bound when camel-tools has the method.
    """
    if not callable(getattr(recognizer, "_align_predictions", None)):
        return
    labels_map = recognizer.labels_map

    def align(predictions: Any, label_ids: Any, sent_ids: Any) -> list[list[str]]:
        predicted = predictions.argmax(axis=2)
        keep = label_ids != _IGNORED_LABEL_ID
        ids = [int(sentence) for sentence in sent_ids]
        out: list[list[str]] = [[] for _ in range(len(set(ids)))]
        for row, sentence in enumerate(ids):
            out[sentence].extend(labels_map[index] for index in predicted[row][keep[row]].tolist())
        return out

    recognizer._align_predictions = align


def _is_entity_type(kind: str) -> bool:
    try:
        EntityType.from_label(kind)
    except ValueError:
        return False
    return True
