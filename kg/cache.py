"""A disk cache for the tables kg compiles from its shipped data at start-up.

Every ``kg`` process reads the same lexicons and name lists (~200,000 entries) and turns them
into look-up tables; that takes a third of a second, a third of a one-document build. The
compiled tables are pickled once into a cache folder and loaded from there afterwards (ten times
quicker). An entry is keyed by kg's version, the Python version, kg's own code files and the
size and modification time of every source file, so a changed list (or the code that compiles
it) is compiled anew; a missing, unreadable or unwritable cache only means compiling again,
never an error. Writing a table's entry removes its older ones, so the folder holds one per table.

The folder is ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``;
``KG_CACHE_DIR=off`` turns the cache off. Old entries are never read again and may be deleted at
any time.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from kg import __version__

T = TypeVar("T")
OFF = "off"


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cache folder (not created here), or None when ``KG_CACHE_DIR=off``.

    >>> cache_dir({"KG_CACHE_DIR": "off"}) is None
    True
    >>> cache_dir({"XDG_CACHE_HOME": "/var/cache/me"})
    PosixPath('/var/cache/me/kg')
    """
    chosen = environ.get("KG_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in (OFF, "") else Path(chosen)
    base = environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kg"


def compiled(
    name: str,
    sources: Iterable[Path],
    build: Callable[[], T],
    *,
    directory: Path | Literal["default"] | None = "default",
) -> T:
    """``build()``, or its result as cached for exactly these ``sources`` (files as they are now)
    in ``directory`` (default: :func:`cache_dir`; None: no cache).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> source = folder / "list.txt"
    >>> _ = source.write_text("a b", encoding="utf-8")
    >>> compiled("demo", [source], lambda: source.read_text().split(), directory=folder)
    ['a', 'b']
    >>> compiled("demo", [source], lambda: "not called: read from the cache", directory=folder)
    ['a', 'b']
    """
    if directory == "default":
        directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}-{_stamp(sources)}.pickle"
    try:
        value: T = _load(path)
        return value
    except Exception:  # not there yet, or damaged: compile again and (re)write it
        pass
    value = build()
    _store(path, value)
    for older in directory.glob(f"{name}-*.pickle"):  # one entry per table: the others are stale
        if older != path:
            older.unlink(missing_ok=True)
    return value


def recall(name: str, sources: Iterable[Path]) -> dict[Any, Any]:
    """What :func:`remember` kept under ``name`` for these ``sources`` (an empty dict when
    nothing was, or the cache is off): results a process worked out one by one, such as
    the English names it spelled, for the next process to reuse."""
    directory = cache_dir()
    if directory is None:
        return {}
    try:
        value = _load(directory / f"{name}-{_stamp(sources)}.pickle")
    except Exception:  # nothing kept yet, or damaged
        return {}
    return value if isinstance(value, dict) else {}


def remember(name: str, sources: Iterable[Path], value: Mapping[Any, Any]) -> None:
    """Keep ``value`` under ``name`` for :func:`recall` (replacing what was kept; stale entries
    of other sources go)."""
    directory = cache_dir()
    if directory is None:
        return
    path = directory / f"{name}-{_stamp(sources)}.pickle"
    _store(path, dict(value))
    for older in directory.glob(f"{name}-*.pickle"):
        if older != path:
            older.unlink(missing_ok=True)


def _load(path: Path) -> Any:
    """A cache entry, unpickled with the cyclic garbage collector paused: a table is hundreds
    of thousands of new objects and no garbage, and at Python's default rate the collector
    would walk them over and over while they load (half of the load time)."""
    with open(path, "rb") as stream, collector_paused():
        return pickle.load(stream)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration, for work that makes many objects and
    no cycles (loading tables, a build). What was made goes to the oldest generation unwalked
    (frozen, then handed back there, unless the process froze objects itself): switched on
    again, the collector would otherwise walk all of it at the next allocation, as one young
    generation.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _stamp(sources: Iterable[Path]) -> str:
    digest = hashlib.sha256(f"{__version__}|{sys.version}|{_code_stamp()}".encode())
    for source in sources:
        stat = source.stat()
        digest.update(f"|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    # The code that compiles a table is part of its key: an edited kg module (a checkout, an
    # editable install) must not be served a table its old code made. Its files' sizes and
    # times stand for it (stat of some 60 files: a fraction of a millisecond).
    package = Path(__file__).parent
    stats = [(str(p.relative_to(package)), p.stat()) for p in sorted(package.rglob("*.py"))]
    return ";".join(f"{name}:{stat.st_size}:{stat.st_mtime_ns}" for name, stat in stats)


def _store(path: Path, value: object) -> None:
    # Written under a temporary name and renamed: a parallel process never reads half a file.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass  # a read-only home or a full disk: the table is simply compiled next time too
