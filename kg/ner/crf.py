"""The default offline NER tagger: a feature CRF (python-crfsuite), then document-level label
consistency (:mod:`kg.ner.consistency`). BIO labels PERS / LOC / ORG / MISC.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, fields
from importlib import resources
from pathlib import Path

import pycrfsuite

from kg.cache import compiled
from kg.errors import ModelError
from kg.ner.consistency import WINDOW, propagate
from kg.ner.decode import CRFDecoder, CRFWeights
from kg.ner.features import (
    FeatureConfig,
    Lexicons,
)

MODEL_NAME = "ner-crf.crfsuite"


def gazetteer_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model's train-derived gazetteer lives: ``m.crfsuite`` → ``m.gazetteer.tsv``."""
    return Path(model_path).with_suffix(".gazetteer.tsv")


def clusters_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model's word classes live: ``m.crfsuite`` → ``m.clusters.tsv``."""
    return Path(model_path).with_suffix(".clusters.tsv")


def features_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model trained with other feature settings than the defaults records them:
    ``m.crfsuite`` → ``m.features.json`` (absent: the defaults, as the shipped model)."""
    return Path(model_path).with_suffix(".features.json")


def write_features(config: FeatureConfig, model_path: str | os.PathLike[str]) -> None:
    """Record ``config`` beside the model when it is not the default (and clear a stale one)."""
    path = features_sidecar(model_path)
    if config == FeatureConfig():
        path.unlink(missing_ok=True)
        return
    path.write_text(json.dumps(asdict(config), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_features(model_path: str | os.PathLike[str]) -> FeatureConfig:
    """The feature settings a model was trained with (see :func:`write_features`).

    Raises :class:`ModelError` naming the file when it is not a feature record of this kg."""
    path = features_sidecar(model_path)
    if not path.is_file():
        return FeatureConfig()
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(FeatureConfig)}
        if not isinstance(recorded, dict) or not set(recorded) <= known:
            raise ValueError(f"unknown settings {sorted(set(recorded) - known)}")
        if not all(isinstance(value, bool) for value in recorded.values()):
            raise ValueError("every setting is true or false")
        return FeatureConfig(**recorded)
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(f"{path}: not a feature record of this kg ({exc})") from exc


class CRFTagger:
    """Tag tokenised sentences with a trained CRF, then document consistency."""

    name = "crf"

    def __init__(
        self,
        tagger: pycrfsuite.Tagger,
        lexicons: Lexicons,
        config: FeatureConfig | None = None,
        *,
        window: int = WINDOW,
        weights: CRFWeights | None = None,
    ) -> None:
        self._lexicons = lexicons
        self._config = config or FeatureConfig()
        self._window = window
        self.labels: tuple[str, ...] = tuple(tagger.labels())
        # The model's weights, to tag without building feature strings (kg.ner.decode).
        self._decoder = CRFDecoder(weights or CRFWeights.of(tagger), lexicons, self._config)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> CRFTagger:
        """Load a model file (None: the shipped ``kg/data/ner-crf.crfsuite``).

        A ``<model>.gazetteer.tsv`` next to a custom model replaces the packaged train gazetteer
        (and ``<model>.clusters.tsv`` its word classes). Raises :class:`ModelError` when the file
        is missing or not a crfsuite model.
        """
        with ExitStack() as stack:
            if path is None:
                data = stack.enter_context(resources.as_file(resources.files("kg") / "data"))
                model = data / MODEL_NAME
                gazetteer = classes = None
            else:
                model = Path(path)
                sidecar = gazetteer_sidecar(model)
                gazetteer = sidecar if sidecar.is_file() else None
                classes = clusters_sidecar(model) if clusters_sidecar(model).is_file() else None
            if not model.is_file():
                raise ModelError(
                    f"{model}: NER model file not found (train one with `kg ner train`)"
                )
            tagger = pycrfsuite.Tagger()
            try:
                tagger.open(str(model))
            except Exception as exc:  # crfsuite raises bare ValueError/OSError on bad files
                raise ModelError(f"{model}: not a valid CRFsuite model ({exc})") from exc
            if not tagger.labels():
                raise ModelError(f"{model}: CRFsuite model has no labels")
            lexicons = Lexicons.load(train_gazetteer=gazetteer, clusters=classes)
            # A model trained with --off/--on tags with the same features, or it tags wrongly.
            config = read_features(model)
            weights = compiled(f"crf-weights-{model.stem}", [model], lambda: CRFWeights.of(tagger))
        return cls(tagger, lexicons, config, weights=weights)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels for each sentence of tokens (an empty sentence gives an empty list).

        Pass all sentences of one document in a single call: names found in one sentence are then
        also tagged where they recur bare in the others (within ``window`` sentences)."""
        out, stems = self._decoder.tag_with_stems(sentences)
        if self._window > 0:
            out = propagate(sentences, out, window=self._window, stems=stems)
        return out
