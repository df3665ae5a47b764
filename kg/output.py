"""Writing outputs atomically: a crash never leaves a half-written output.

One file is written to a temporary name and renamed; several (a build's graph, index, table and
view) are staged, listed in a journal, and renamed together, so an interrupted commit is
finished by the next build (:func:`finish_interrupted_commit`) and its leftovers swept
(:func:`remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from kg.errors import OutputError

JOURNAL_NAME = "commit.json"  # lists the renames of a multi-file write in progress


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file and rename.

    Readers see either the old file or the complete new one, never a half-written file.
    """
    atomic_write_many({Path(path): text})


# An output's content: the text itself, or a function that writes it (to stream large files).
Content = str | Callable[[TextIO], None]


def atomic_write_many(outputs: Mapping[Path, Content], *, temp_prefix: str = "") -> None:
    """Write several files so that a failure before the end leaves every old file untouched.

    All contents are written (and fsynced) to temporary files in the target folders first; only
    when every one succeeded are they renamed into place. A full disk or an unwritable folder is
    an :class:`~kg.errors.OutputError`; temporary files are removed. ``temp_prefix`` names the
    temporary files (``.{prefix}{name}.*.tmp``) so that a locked writer can sweep up those of a
    killed run (:func:`remove_stale_temporaries`).
    """
    staged: list[tuple[Path, Path]] = []
    target = Path()
    try:
        for target, content in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{temp_prefix}{target.name}.", suffix=".tmp"
            )
            staged.append((Path(temp_name), target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                if isinstance(content, str):
                    stream.write(content)
                else:
                    content(stream)
                stream.flush()
                # mkstemp makes 0600 files; outputs get the mode a plain open() would give.
                os.fchmod(stream.fileno(), _file_mode(target))
                os.fsync(stream.fileno())
        journal = _write_journal(staged, temp_prefix) if temp_prefix and len(staged) > 1 else None
        for temp, target in staged:
            os.replace(temp, target)
        for folder in {target.parent for _, target in staged}:
            _fsync_folder(folder)
        if journal is not None:
            journal.unlink()
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(
            f"{target}: cannot write ({reason}); the previous outputs were left as they were"
        ) from error
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _write_journal(staged: list[tuple[Path, Path]], temp_prefix: str) -> Path:
    """Record the renames about to happen, so a kill between them can be rolled forward.

    Several renames are not one atomic step; with this journal a later locked writer finishes
    an interrupted set (every temporary file is complete once the journal exists), so the
    outputs are never left half old and half new.
    """
    journal = staged[0][1].parent / f".{temp_prefix}{JOURNAL_NAME}"
    pending = journal.with_name(journal.name + ".part")
    pending.write_text(json.dumps([[str(t), str(g)] for t, g in staged]), encoding="utf-8")
    with open(pending, "rb") as stream:
        os.fsync(stream.fileno())
    os.replace(pending, journal)
    _fsync_folder(journal.parent)
    return journal


def finish_interrupted_commit(folder: Path, temp_prefix: str) -> bool:
    """Roll forward a set of renames a killed writer started (caller holds the lock)."""
    journal = folder / f".{temp_prefix}{JOURNAL_NAME}"
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        with contextlib.suppress(FileNotFoundError):
            journal.unlink()  # unreadable: it was never completed, so nothing was renamed
        return False
    for temp, target in pairs:
        if Path(temp).exists():
            os.replace(temp, target)
    _fsync_folder(folder)
    journal.unlink()
    return True


def remove_stale_temporaries(folder: Path, temp_prefix: str) -> list[Path]:
    """Delete the temporary files a killed :func:`atomic_write_many` left (caller holds a lock).

    An interrupted commit is finished first, so its complete temporary files are not lost.
    """
    finish_interrupted_commit(folder, temp_prefix)
    with contextlib.suppress(FileNotFoundError):
        (folder / f".{temp_prefix}{JOURNAL_NAME}.part").unlink()
    removed: list[Path] = []
    for temp in folder.glob(f".{temp_prefix}*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
            removed.append(temp)
    return removed


def _file_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        pass
    # The only portable way to read the umask is to set it; put it straight back.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    # Makes the renames durable across a power cut; not possible (nor needed) everywhere.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
