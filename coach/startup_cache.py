"""What start-up read and checked last time, kept until a file it came from changes.

Reading the routines (YAML with line numbers, then every check) and the
settings costs about 20 ms, and importing the YAML reader and the checker
about 30 ms more: a sixth of the app's first frame. Both give the same result
for the same files and the same Coach, so the result is kept in the cache
folder (``Paths.cache_dir``) with a key made of everything it depends on:

- each file read: its name, inode, size, mode and modification and change
  times (so an edit, a rename over it, a chmod or a file added or removed to
  the folder all change the key; the change time cannot be set back);
- Coach itself: its version and the same stat of every file of the
  ``coach`` package (an edited checker is a new key), and Python's version.

A result is only kept when it is certain to come out the same next time
(the caller decides: a library with a broken file is not kept, since "could
not read it in 3 s" may not be true next time).

The cache is a pickle (as Black's cache is), in a folder only its user can
write; a file that is not a regular file owned by the user, or is writable by
others, is never loaded. Anything wrong with it (missing, unreadable, from an
older Coach, truncated) means the result is worked out again and written
anew: the cache can only make start-up faster, never different.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path
from typing import TypeVar

from coach import __version__

T = TypeVar("T")

#: Bigger than this is not a cache of ours: not read.
MAX_CACHE_BYTES = 4 * 1024 * 1024


def file_key(path: Path) -> Hashable:
    """What changes when ``path`` is edited, replaced, removed or its mode changes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return (path.name, "absent")
    except OSError as err:
        return (path.name, "error", err.errno)
    return (path.name, info.st_ino, info.st_size, info.st_mode, info.st_mtime_ns, info.st_ctime_ns)


def folder_key(folder: Path, suffixes: tuple[str, ...]) -> Hashable:
    """The key of every file in ``folder`` whose name ends with one of ``suffixes``
    (hidden ones too: a cache must not miss a file the reader would see)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(suffixes))
    except FileNotFoundError:
        return (str(folder), "absent")
    except OSError as err:
        return (str(folder), "error", err.errno)
    return (str(folder), file_key(folder), tuple(file_key(folder / name) for name in names))


@cache
def code_key() -> Hashable:
    """Coach's version, Python's, and each file of the ``coach`` package
    (once a process: the code running does not change under it)."""
    package = Path(__file__).parent
    return (__version__, sys.version_info[:2], folder_key(package, (".py", ".yaml")))


def cached(cache_file: Path | None, key: Hashable, build: Callable[[], T], keep: Callable[[T], bool]) -> T:
    """The value stored under ``key`` in ``cache_file``; else ``build()``,
    stored there when ``keep(value)`` says it will come out the same next time.
    ``cache_file`` None: no cache (always built)."""
    if cache_file is None:
        return build()
    full_key = (code_key(), key)
    found = _load(cache_file)
    if found is not None and found[0] == full_key:
        return found[1]  # type: ignore[no-any-return]
    value = build()
    if keep(value):
        _store(cache_file, full_key, value)
    return value


def _load(cache_file: Path) -> tuple[Hashable, object] | None:
    try:
        fd = os.open(cache_file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES or info.st_mode & 0o022
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
            return None  # not a cache this user wrote
        with os.fdopen(fd, "rb", closefd=False) as stream:
            found = pickle.load(stream)
    except Exception:  # truncated, from another version, anything: worked out again
        return None
    finally:
        os.close(fd)
    if isinstance(found, tuple) and len(found) == 2:
        return found
    return None


def _store(cache_file: Path, key: Hashable, value: object) -> None:
    """Write the cache (private, atomically); a cache that cannot be written is no cache."""
    folder = cache_file.parent
    temp = cache_file.with_name(f".{cache_file.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)  # whatever the umask
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temp, cache_file)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        try:
            temp.unlink()
        except OSError:
            pass
