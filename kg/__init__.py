"""kg — Arabic news text to an entity knowledge graph.

The Python API in three calls (heavy modules load on first use, so ``import kg`` stays fast)::

    >>> import kg
    >>> graph = kg.build(["seeds/"])                     # doctest: +SKIP
    >>> graph.query("SELECT ?label WHERE { ?e rdfs:label ?label }")  # doctest: +SKIP
    >>> graph.to_networkx(), graph.dataset                # doctest: +SKIP
    >>> graph.view()                                      # inline in Jupyter  # doctest: +SKIP

``kg.build`` takes files or folders (``.txt``/``.jsonl``) or :class:`~kg.model.Document` objects;
``kg.load`` opens a graph built by ``kg build``:

>>> from kg.model import Document
>>> graph = kg.build([Document("d1", "زار وزير الخارجية القاهرة.")], ner="crf")
>>> type(graph).__name__
'KnowledgeGraph'
>>> list(graph.query("ASK { ?s ?p ?o }").columns)
['ask']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.errors import (
    BusyError,
    ConfigError,
    GraphError,
    InputError,
    KGError,
    ModelError,
    OutputError,
    QueryError,
)

if TYPE_CHECKING:
    from kg.io import read_documents
    from kg.model import Document, Entity, EntityType, Event, Mention, Relation
    from kg.pipeline import BuildConfig, KnowledgeGraph, build_directory

__version__ = "0.2.0"
# The public API: what the README and the notebook use. Other modules are kg's inside and may
# change between versions.
__all__ = [
    "BuildConfig",
    "BusyError",
    "ConfigError",
    "Document",
    "Entity",
    "EntityType",
    "Event",
    "GraphError",
    "InputError",
    "KGError",
    "KnowledgeGraph",
    "Mention",
    "ModelError",
    "OutputError",
    "QueryError",
    "Relation",
    "__version__",
    "build",
    "build_directory",
    "load",
    "read_documents",
]

# Names served lazily from their modules by __getattr__ (PEP 562): importing kg does not import
# rdflib, networkx or camel-tools until one of them is asked for.
_LAZY = {
    "KnowledgeGraph": "kg.pipeline",
    "BuildConfig": "kg.pipeline",
    "build_directory": "kg.pipeline",
    "Document": "kg.model",
    "Entity": "kg.model",
    "EntityType": "kg.model",
    "Event": "kg.model",
    "Mention": "kg.model",
    "Relation": "kg.model",
    "read_documents": "kg.io",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def build(
    inputs: Iterable[str | os.PathLike[str] | Document] | str | os.PathLike[str],
    *,
    ner: str = "crf",
    ner_model: str | None = None,
    config: BuildConfig | None = None,
) -> KnowledgeGraph:
    """Build a knowledge graph from files, folders or Documents (in memory; nothing is written).

    ``ner`` names the NER backend (``crf``, ``camel`` …); ``config`` overrides every option.
    Write the outputs of ``kg build`` with :func:`kg.pipeline.build_directory` instead.
    """
    from kg.io import read_documents
    from kg.model import Document
    from kg.pipeline import BuildConfig
    from kg.pipeline import build as build_documents

    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    items = list(inputs)
    documents = [item for item in items if isinstance(item, Document)]
    paths = [item for item in items if not isinstance(item, Document)]
    if paths:
        documents.extend(read_documents(paths))
    return build_documents(documents, config or BuildConfig(ner=ner, ner_model=ner_model))


def load(path: str | os.PathLike[str]) -> KnowledgeGraph:
    """Open a graph written by ``kg build`` (``DIR`` or ``DIR/graph.trig``)."""
    from kg.pipeline import load as load_graph

    return load_graph(path)
