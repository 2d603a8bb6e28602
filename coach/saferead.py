"""Reading a file Coach did not write, without ever hanging on it.

Every file Coach reads (routines, ``config.yaml``, the editor's file) goes
through :func:`read_bounded`:

- it is opened with ``O_NONBLOCK``, so a FIFO (named pipe) or a device opens
  at once instead of waiting for a writer;
- ``fstat`` on the open descriptor (links already followed) must say it is a
  regular file; a FIFO, a device such as ``/dev/zero``, a folder or a socket
  is refused;
- at most ``limit`` bytes are read: a larger file is refused, even one that
  grows while it is read;
- the whole read has a time bound (:data:`READ_TIMEOUT`): a file on a
  network drive that stopped answering is refused after it, not waited for.

A refusal is a :class:`ReadRefused`, an ``OSError`` whose ``strerror`` is one
short line (``is a named pipe (FIFO), not a regular file``), so every caller
that already reports ``err.strerror`` with the file's name gets a located
message for free. A missing file is still ``FileNotFoundError``.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

#: Seconds a whole read may take before the file is given up on.
READ_TIMEOUT = 3.0

_CHUNK = 64 * 1024


class ReadRefused(OSError):
    """The file was not read: not a regular file, too large or too slow."""


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def size_text(limit: int) -> str:
    """``256 KiB`` for a limit in bytes."""
    return f"{limit // 1024} KiB" if limit >= 1024 else f"{limit} bytes"


def _refuse(code: int, message: str) -> ReadRefused:
    return ReadRefused(code, message)


def _read(path: Path, limit: int) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(errno.EINVAL, f"is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise _refuse(errno.EFBIG, f"is {size_text(info.st_size)}; at most {size_text(limit)} is read")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise _refuse(errno.EFBIG, f"is more than {size_text(limit)}; at most that is read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_bounded(path: Path | str, limit: int, *, timeout: float = READ_TIMEOUT) -> bytes:
    """The bytes of the regular file at ``path`` (at most ``limit``), read
    within ``timeout`` seconds; raises :class:`ReadRefused` otherwise, or the
    ``OSError`` that opening it gave (``FileNotFoundError``, permission)."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["data"] = _read(Path(path), limit)
        except BaseException as err:  # handed to the caller's thread below
            outcome["error"] = err

    # The read runs in a thread of its own so that a file that never answers
    # (a hung network mount) costs the caller `timeout`, not forever. A daemon
    # thread stuck in the kernel does not stop the process from exiting.
    reader = threading.Thread(target=work, name="coach-read", daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        raise _refuse(errno.ETIMEDOUT, f"did not answer within {timeout:g} s (a network drive that stopped answering?)")
    error = outcome.get("error")
    if error is not None:
        raise error  # type: ignore[misc]
    return outcome["data"]  # type: ignore[return-value]


def regular_or_absent(path: Path) -> str | None:
    """Why ``path`` may not be opened as a file (it exists after links and is
    not a regular file), or None when it is a regular file or absent. Only a
    ``stat``: nothing is opened, so nothing can block."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        return err.strerror or str(err)
    if stat.S_ISREG(info.st_mode):
        return None
    return f"is {kind_of(info.st_mode)}, not a regular file"
