"""The disk cache of compiled tables: same tables as compiling, and never in the way."""

from __future__ import annotations

import gc
import os
import pickle
from pathlib import Path

import pytest

from kg import cache
from kg.ner.features import Lexicons
from kg.ner.places import PlaceNames


def test_cache_gives_the_tables_compiling_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    first = Lexicons.load()  # compiled and stored
    assert any(tmp_path.glob("ner-lexicons-*.pickle"))
    again = Lexicons.load()  # read back
    fresh = Lexicons._read(None, None, None)
    assert again.phrases == fresh.phrases == first.phrases
    assert again.train_types == fresh.train_types
    assert again.clusters == fresh.clusters
    assert again.demonym_suffixes == fresh.demonym_suffixes
    assert again.frequency.get("القاهره") == fresh.frequency.get("القاهره") > 0


def test_cache_compiles_again_when_a_source_changes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "names.txt"
    source.write_text("غزة\n", encoding="utf-8")

    def read() -> list[str]:
        return source.read_text(encoding="utf-8").split()

    assert cache.compiled("names", [source], read) == ["غزة"]
    source.write_text("غزة\nجنين\n", encoding="utf-8")
    os.utime(source, ns=(1, 1))  # a different time too, whatever the clock's resolution
    assert cache.compiled("names", [source], read) == ["غزة", "جنين"]
    assert len(list((tmp_path / "cache").glob("names-*.pickle"))) == 1  # the stale one is gone


def test_cache_damaged_entry_is_compiled_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    source = tmp_path / "list.txt"
    source.write_text("x", encoding="utf-8")
    cache.compiled("demo", [source], lambda: ["first"])
    (entry,) = tmp_path.glob("demo-*.pickle")
    entry.write_bytes(b"\x80\x05not a pickle")
    assert cache.compiled("demo", [source], lambda: ["again"]) == ["again"]
    assert pickle.loads(entry.read_bytes()) == ["again"]


def test_cache_unwritable_or_off_still_compiles(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    assert len(PlaceNames.default().phrases) > 1000
    monkeypatch.setenv("KG_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert cache.compiled("demo", [blocker], lambda: 42) == 42
    assert not list(tmp_path.glob("**/*.pickle"))


# What the collector was doing each time a _Probe was unpickled.
_COLLECTOR_ON_AT_LOAD: list[bool] = []


def _probe_loaded() -> None:
    _COLLECTOR_ON_AT_LOAD.append(gc.isenabled())


class _Probe:
    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_probe_loaded, ())


def test_reading_an_entry_pauses_the_collector_and_gives_it_back(tmp_path: Path) -> None:
    source = tmp_path / "list.txt"
    source.write_text("أ ب", encoding="utf-8")
    cache.compiled("probe", [source], lambda: [_Probe()], directory=tmp_path)  # stored
    _COLLECTOR_ON_AT_LOAD.clear()
    cache.compiled("probe", [source], list, directory=tmp_path)  # read back
    assert _COLLECTOR_ON_AT_LOAD == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        cache.compiled("probe", [source], list, directory=tmp_path)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
