"""The exception hierarchy of kg: every error says what went wrong and, where it can, what to do."""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose; the CLI prints it as one line."""


class InputError(KGError):
    """An input file cannot be used: missing, empty, binary, not UTF-8 or malformed.

    Errors about one input document also carry where it is (``path``, 1-based ``line`` for
    JSONL), the ``problem`` alone and the document id when known, so a build can list every bad
    document in its report instead of stopping at the first.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        problem: str | None = None,
        doc_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.problem = problem if problem is not None else message
        self.doc_id = doc_id


class ModelError(KGError):
    """An NER model is missing, corrupt or of the wrong kind."""


class ConfigError(KGError):
    """An option has an unknown or invalid value (e.g. an unknown NER backend name)."""


class QueryError(KGError):
    """A SPARQL query is invalid, or tries to modify the graph."""


class GraphError(KGError):
    """A built graph (graph.trig) is missing or cannot be parsed."""


class OutputError(KGError):
    """An output cannot be written (disk full, folder not writable); old outputs are kept."""


class BusyError(KGError):
    """Another kg process is writing the same output folder."""


def check_top(top: int | None) -> None:
    """:class:`ConfigError` unless ``top`` (how many entities a view keeps) is None, for all, or
    at least 1: a view of no entities is never what was asked for.

    >>> try:
    ...     check_top(0)
    ... except ConfigError as error:
    ...     print(error)
    --top must be at least 1, got 0
    """
    if top is not None and top < 1:
        raise ConfigError(f"--top must be at least 1, got {top}")
