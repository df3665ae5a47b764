"""The query page ``kg serve`` shows at ``/``: YASGUI, bundled, with kg's queries as examples.

YASGUI (``@zazuko/yasgui`` from npm; ``make yasgui`` refreshes the copy in ``kg/data/sparql``)
is served by kg itself, so the page works offline and loads nothing from another host (its
Content-Security-Policy says so to the browser). The examples are the ``.rq`` files of a folder
(``kg serve --examples``; the repository's ``queries/`` by default), each with the ``PREFIX``
lines of the kg prefixes it uses, so the editor checks it like any other query.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kg.errors import InputError
from kg.query import without_literals
from kg.vocab import prefix_iris

__all__ = ["CONTENT_SECURITY_POLICY", "STATIC_FILES", "Example", "default_examples", "page_html"]

#: The files under ``/ui/``, with their media types: nothing else is served from the package.
STATIC_FILES = {
    "yasgui.min.js": "text/javascript",
    "yasgui.min.css": "text/css",
    "page.js": "text/javascript",
    "page.css": "text/css",
}
#: Everything the page loads comes from this server ('self'); YASGUI styles elements inline
#: and draws its icons as data: URIs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_PREFIXED = re.compile(r"(?<![\w:])([A-Za-z][\w-]*):")


@dataclass(frozen=True)
class Example:
    """A query offered on the page: its file name, first comment line and text."""

    name: str
    title: str
    query: str

    @classmethod
    def read(cls, path: Path) -> Example:
        """The example of one ``.rq`` file (its kg prefixes declared)."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read the example query ({error})") from error
        lines = text.splitlines()
        title = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
        return cls(path.stem, title, with_prefixes(text))


def with_prefixes(sparql: str) -> str:
    """``sparql`` with a ``PREFIX`` line for each kg prefix it uses and does not declare.

    >>> print(with_prefixes("SELECT ?p WHERE { ?p a schema:Person }"))
    PREFIX schema: <https://schema.org/>
    <BLANKLINE>
    SELECT ?p WHERE { ?p a schema:Person }
    """
    known = prefix_iris()
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", sparql))
    body = without_literals(sparql)  # a "p:" in an IRI, a string or a comment is no prefix
    used = {name for name in _PREFIXED.findall(body) if name in known} - declared
    if not used:
        return sparql
    header = "".join(f"PREFIX {name}: <{known[name]}>\n" for name in sorted(used))
    return f"{header}\n{sparql}"


def default_examples() -> list[Example]:
    """The examples of the repository's ``queries/`` folder, when kg runs from a clone."""
    folder = Path(__file__).resolve().parent.parent / "queries"
    return read_examples(folder) if folder.is_dir() else []


def read_examples(folder: Path) -> list[Example]:
    """The ``.rq`` files of ``folder`` as examples, by file name."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of .rq queries")
    return [Example.read(path) for path in sorted(folder.glob("*.rq"))]


def page_html(examples: list[Example]) -> str:
    """The page, its examples embedded as JSON with every ``<`` escaped (``\\u003c``), so no
    text of a query can end or change the script block that holds them.

    >>> "'</script>'" in page_html([Example("x", "", "SELECT * WHERE { ?s ?p '</script>' }")])
    False
    """
    data = [{"name": e.name, "title": e.title, "query": e.query} for e in examples]
    embedded = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return _template().replace("{examples}", embedded)


def static_file(name: str) -> bytes:
    """The bytes of one of :data:`STATIC_FILES`."""
    if name not in STATIC_FILES:
        raise KeyError(name)
    return _read(name)


@cache
def _read(name: str) -> bytes:
    return resources.files("kg").joinpath("data", "sparql", name).read_bytes()


def _template() -> str:
    return _read("page.html").decode("utf-8")
