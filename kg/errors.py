"""The exception hierarchy of kg: every error says what went wrong and, where it can, what to do."""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose; the CLI prints it as one line."""


class InputError(KGError):
    """An input file cannot be used: missing, empty, binary, not UTF-8 or malformed."""


class ModelError(KGError):
    """An NER model is missing, corrupt or of the wrong kind."""


class ConfigError(KGError):
    """An option has an unknown or invalid value (e.g. an unknown NER backend name)."""


class QueryError(KGError):
    """A SPARQL query is invalid, or tries to modify the graph."""


class GraphError(KGError):
    """A built graph (graph.trig) is missing or cannot be parsed."""
