"""A build runs the cyclic garbage collector on its own schedule, and gives it back as it was."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from kg import extract
from kg.cli import main
from kg.extract import BuildCollections
from tests.conftest import SEEDS


class _Node:
    """An object that can sit in a reference cycle (only the collector frees those)."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_cycles_are_collected_every_so_many_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "COLLECT_EVERY_DOCUMENTS", 3)
    before = _Node()  # alive when the build starts: frozen out of its collections
    with BuildCollections() as collections:
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
        garbage = _cycle()
        collections.documents_done(2)
        assert garbage() is not None  # not yet: two documents
        collections.documents_done(1)
        assert garbage() is None  # the third: collected
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert before.other is None


def test_objects_the_process_froze_itself_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with BuildCollections():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_build_from_the_command_line_gives_the_collector_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(SEEDS), "--out", str(out), "--store", "none"]) == 0
    assert (out / "graph.trig").is_file()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    garbage = _cycle()
    gc.collect()
    assert garbage() is None
