"""One writer per output folder: an advisory lock file that the OS releases if the process dies.

``kg build`` holds :func:`folder_lock` on its ``--out`` folder from before it reads the old graph
until after the new files are renamed into place, so two builds cannot interleave their writes
(the second one fails at once with a :class:`~kg.errors.BusyError` naming the folder). The lock is
``flock`` on Linux and macOS: a ``kill -9`` or a crash releases it, so a stale lock file never
blocks the next build.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from kg.errors import BusyError, OutputError

LOCK_FILE = ".kg-build.lock"


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the write lock of ``folder`` (created if missing) for the ``with`` block.

    On leaving, the lock file is removed, and so is the folder if this call created it and
    nothing else was written there (a build whose every input was bad leaves no empty folder).
    """
    folder = Path(folder)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{folder}: cannot create the output folder ({error.strerror})"
        ) from error
    lock_path = folder / LOCK_FILE
    fd = _acquire(lock_path, folder)
    try:
        yield lock_path
    finally:
        # Unlink while still holding the lock: a waiting process then finds the path gone or
        # replaced and retries (see _acquire), so two processes never hold different inodes.
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty


def _acquire(lock_path: Path, folder: Path) -> int:
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OutputError(
                f"{folder}: output folder is not writable ({error.strerror})"
            ) from error
        try:
            _lock(fd)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise BusyError(
                f"{folder}: another kg build{holder} is writing this folder; "
                "wait for it to finish, or choose another --out"
            ) from None
        except OSError as error:
            os.close(fd)
            raise OutputError(f"{folder}: cannot lock the output folder ({error})") from error
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            _write_holder(fd)
            return fd
        os.close(fd)  # the previous holder removed the file between our open and lock


def _lock(fd: int) -> None:
    if sys.platform == "win32":  # lock the first byte; released when the process ends
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            raise BlockingIOError(str(error)) from error
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _write_holder(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid = os.read(fd, 32).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
