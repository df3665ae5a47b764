"""What a build did with its inputs: the documents it built and every bad one, machine-readable.

``kg build`` prints the problems as ``FILE[:LINE]: problem`` lines and, with ``--report FILE``,
writes :meth:`BuildReport.to_json` — one record per bad document, so nothing is dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kg import __version__
from kg.errors import InputError

REPORT_FORMAT = 1


@dataclass
class BuildReport:
    """Filled in by :func:`kg.pipeline.build_directory` as it reads and builds documents."""

    inputs: list[str]
    out: str
    documents: int = 0  # good documents read (new, changed or unchanged)
    problems: list[InputError] = field(default_factory=list)
    written: bool = False  # whether graph.trig / entities.csv / graph.html were (re)written

    def add(self, error: InputError) -> None:
        """Record one bad input (the ``on_error`` hook of the readers)."""
        self.problems.append(error)

    @property
    def ok(self) -> bool:
        """No bad input at all."""
        return not self.problems

    def lines(self) -> list[str]:
        """One ``FILE[:LINE]: problem`` line per bad input, in input order."""
        return [str(error) for error in self.problems]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (format documented in the README)."""
        return {
            "format": REPORT_FORMAT,
            "kg_version": __version__,
            "inputs": self.inputs,
            "out": self.out,
            "status": "ok" if self.ok else "bad-input",
            "documents_built": self.documents,
            "bad_inputs": len(self.problems),
            "outputs_written": self.written,
            "problems": [
                {
                    "file": error.path,
                    "line": error.line,
                    "id": error.doc_id,
                    "problem": error.problem,
                    "message": str(error),
                }
                for error in self.problems
            ],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as indented UTF-8 JSON text (Arabic kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"
