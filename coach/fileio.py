"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def atomic_write(path: Path, data: str | bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Write via a temp file in the same folder, fsync, then ``os.replace``.

    ``durable=False`` skips the fsyncs for files that are rewritten often and
    worthless after a crash (the sit-timer state): still never half-written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with _atomic(path, "wb", mode=mode, durable=durable) as handle:
        handle.write(payload)


@contextmanager
def atomic_stream(path: Path, *, mode: int = 0o600) -> Iterator[IO[str]]:
    """A text file to write bit by bit, that appears at ``path`` whole when the
    block ends (and not at all if it raises). The folder must exist. Private
    (0600) by default: what is streamed here is the user's history.

    A symlink is followed; a target that exists and is not a regular file (a
    FIFO, ``/dev/stdout``) is written to directly, never replaced."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8", newline="") as handle:
            yield handle
        return
    with _atomic(target, "w", mode=mode, durable=True) as handle:
        yield handle


@contextmanager
def _atomic(path: Path, how: str, *, mode: int, durable: bool) -> Iterator[IO]:  # type: ignore[type-arg]
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, how, **({} if "b" in how else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    if durable:
        _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Opened without
    blocking (a FIFO put in its place never hangs the reader) and refused
    unless it is a regular file; OSError or ValueError otherwise."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data
