"""The default offline NER tagger: a feature CRF (python-crfsuite), optionally averaged with a small
char-CNN/BiLSTM (:mod:`kg.ner.neural`, numpy at run time), then document-level label consistency
(:mod:`kg.ner.consistency`). BIO labels PERS / LOC / ORG / MISC.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

import numpy as np
import pycrfsuite

from kg.errors import ModelError
from kg.ner.consistency import WINDOW, propagate
from kg.ner.features import (
    FeatureConfig,
    Lexicons,
    batch_features,
)
from kg.ner.neural import NeuralTagger, bio_viterbi

MODEL_NAME = "ner-crf.crfsuite"
NEURAL_NAME = "ner-crf.neural.npz"  # = neural_sidecar(MODEL_NAME)
# Weight of the CRF's marginals in the CRF + neural average (tuned on dev; the rest is neural).
CRF_WEIGHT = 0.5


def gazetteer_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model's train-derived gazetteer lives: ``m.crfsuite`` → ``m.gazetteer.tsv``."""
    return Path(model_path).with_suffix(".gazetteer.tsv")


def clusters_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model's word classes live: ``m.crfsuite`` → ``m.clusters.tsv``."""
    return Path(model_path).with_suffix(".clusters.tsv")


def neural_sidecar(model_path: str | os.PathLike[str]) -> Path:
    """Where a model's companion neural tagger lives: ``m.crfsuite`` → ``m.neural.npz``."""
    return Path(model_path).with_suffix(".neural.npz")


class CRFTagger:
    """Tag tokenised sentences with a trained CRF (+ neural companion, + document consistency)."""

    name = "crf"

    def __init__(
        self,
        tagger: pycrfsuite.Tagger,
        lexicons: Lexicons,
        config: FeatureConfig | None = None,
        *,
        neural: NeuralTagger | None = None,
        crf_weight: float = CRF_WEIGHT,
        window: int = WINDOW,
    ) -> None:
        self._tagger = tagger
        self._lexicons = lexicons
        self._config = config or FeatureConfig()
        self._neural = neural
        self._crf_weight = crf_weight
        self._window = window
        self.labels: tuple[str, ...] = tuple(tagger.labels())

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> CRFTagger:
        """Load a model file (None: the shipped ``kg/data/ner-crf.crfsuite``).

        A ``<model>.gazetteer.tsv`` next to a custom model replaces the packaged train gazetteer,
        and a ``<model>.neural.npz`` there is ensembled with it (the shipped one:
        ``kg/data/ner-crf.neural.npz``). Raises :class:`ModelError` when the file is missing or
        not a crfsuite model.
        """
        with ExitStack() as stack:
            if path is None:
                data = stack.enter_context(resources.as_file(resources.files("kg") / "data"))
                model = data / MODEL_NAME
                gazetteer = classes = None
                neural_path: Path | None = data / NEURAL_NAME
            else:
                model = Path(path)
                sidecar = gazetteer_sidecar(model)
                gazetteer = sidecar if sidecar.is_file() else None
                classes = clusters_sidecar(model) if clusters_sidecar(model).is_file() else None
                neural_path = neural_sidecar(model)
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
            neural = None
            if neural_path is not None and neural_path.is_file():
                try:
                    neural = NeuralTagger.load(neural_path, lexicons)
                except Exception as exc:  # numpy raises assorted errors on a damaged archive
                    raise ModelError(
                        f"{neural_path}: not a valid neural NER model ({exc})"
                    ) from exc
        return cls(tagger, lexicons, neural=neural)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels for each sentence of tokens (an empty sentence gives an empty list).

        Pass all sentences of one document in a single call: names found in one sentence are then
        also tagged where they recur bare in the others (within ``window`` sentences)."""
        feats = batch_features(sentences, self._lexicons, self._config)
        if self._neural is None:
            out = [list(self._tagger.tag(pycrfsuite.ItemSequence(f))) if f else [] for f in feats]
        else:
            out = self._ensemble(sentences, feats)
        if self._window > 0:
            out = propagate(sentences, out, window=self._window)
        return out

    def _ensemble(
        self, sentences: Sequence[Sequence[str]], feats: Sequence[Sequence[Sequence[str]]]
    ) -> list[list[str]]:
        assert self._neural is not None
        labels = self._neural.labels
        crf_labels = set(self.labels)
        a = self._crf_weight
        out: list[list[str]] = []
        for f, lp in zip(feats, self._neural.log_probs(sentences), strict=True):
            if not f:
                out.append([])
                continue
            self._tagger.set(pycrfsuite.ItemSequence(f))
            marg = np.array(
                [
                    [self._tagger.marginal(y, t) if y in crf_labels else 0.0 for y in labels]
                    for t in range(len(f))
                ]
            )
            out.append(bio_viterbi(np.log(a * marg + (1 - a) * np.exp(lp) + 1e-9), labels))
        return out
