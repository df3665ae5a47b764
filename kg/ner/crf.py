"""Feature CRF (python-crfsuite) tagger for Arabic NER with BIO labels PERS / LOC / ORG / MISC."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

import pycrfsuite

from kg.errors import ModelError
from kg.ner.features import (
    FeatureConfig,
    Lexicons,
    batch_features,
)

MODEL_NAME = "ner-crf.crfsuite"


def gazetteer_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model's train-derived gazetteer lives: ``m.crfsuite`` → ``m.gazetteer.tsv``."""
    return Path(model_path).with_suffix(".gazetteer.tsv")


class CRFTagger:
    """Tag tokenised sentences with a trained CRF; lexicons are loaded once per instance."""

    name = "crf"

    def __init__(
        self, tagger: pycrfsuite.Tagger, lexicons: Lexicons, config: FeatureConfig | None = None
    ) -> None:
        self._tagger = tagger
        self._lexicons = lexicons
        self._config = config or FeatureConfig()
        self.labels: tuple[str, ...] = tuple(tagger.labels())

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> CRFTagger:
        """Load a model file (None: the shipped ``kg/data/ner-crf.crfsuite``).

        A ``<model>.gazetteer.tsv`` next to a custom model replaces the packaged train gazetteer.
        Raises :class:`ModelError` when the file is missing or not a crfsuite model.
        """
        with ExitStack() as stack:
            if path is None:
                model = stack.enter_context(
                    resources.as_file(resources.files("kg") / "data" / MODEL_NAME)
                )
                gazetteer = None
            else:
                model = Path(path)
                sidecar = gazetteer_sidecar(model)
                gazetteer = sidecar if sidecar.is_file() else None
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
            lexicons = Lexicons.load(train_gazetteer=gazetteer)
        return cls(tagger, lexicons)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels for each sentence of tokens (an empty sentence gives an empty list).

        Pass all sentences of one document in a single call: names mentioned with a title in one
        sentence are then recognised bare in the next ones."""
        feats = batch_features(sentences, self._lexicons, self._config)
        return [list(self._tagger.tag(pycrfsuite.ItemSequence(f))) if f else [] for f in feats]
