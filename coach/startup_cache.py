"""What start-up read and checked last time, kept until a file it came from changes.

Reading the routines (YAML with line numbers, then every check) and the
settings costs about 20 ms, and importing the YAML reader and the checker
more: together a twentieth of the app's first frame. Both give the same
result for the same files and the same code, so the result is kept in the
cache folder (``Paths.cache_dir``) with a key made of everything it depends on:

- each file read: its full path, device, inode, size, mode and modification
  and change times (so an edit, a rename over it, a chmod, or a file added to
  or removed from the folder all change the key; the change time cannot be
  set back);
- the code that reads them: Coach's version, the same stat of every file of
  the ``coach`` package (an edited checker is a new key) and of PyYAML's, and
  Python's version.

A result is kept only when it will come out the same next time: the caller
says so (a library with a broken file is not kept, since "could not read it
in 3 s" may not be true next time), and nothing is kept while a file it came
from was changed in the last seconds (an edit in the same clock tick as the
one before, with the same size, would otherwise look unchanged).

The cache is a pickle (as Black's cache is), read with an unpickler that
builds nothing but Coach's own dataclasses and enums and a few plain
standard types: a cache file copied from elsewhere (a shared ``COACH_HOME``
on a USB stick, an unpacked archive) can make start-up slower, never run
code. The key is stored first and compared before the value is read. A file
that is not a regular file owned by the user, or that others can write, is
not read at all. Anything wrong with it (missing, from an older Coach,
truncated, refused) means the result is worked out again and written anew:
the cache can only make start-up faster, never different.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import importlib.util
import io
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path
from typing import TypeVar

from coach import __version__
from coach.saferead import read_bounded

T = TypeVar("T")

#: Bigger than this is not a cache of ours: neither written nor read.
MAX_CACHE_BYTES = 4 * 1024 * 1024
#: A file changed more recently than this is not trusted to look changed next time.
SETTLE_NS = 2_000_000_000
#: What a changing file puts in its key: the value built from it is not kept.
CHANGING = "changing"
#: Where the dataclasses and enums of a cached library or settings are defined.
OWN_MODULES = frozenset({"coach.model", "coach.library", "coach.poses", "coach.config", "coach.sitting"})
#: Standard classes a cached value may hold, besides those dataclasses and enums.
PLAIN_CLASSES = frozenset({
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"),
    ("datetime", "time"), ("datetime", "date"), ("datetime", "timedelta"),
    ("builtins", "frozenset"), ("builtins", "set"),
})


def file_key(path: Path, now_ns: int | None = None) -> Hashable:
    """What changes when ``path`` is edited, replaced, removed or its mode changes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return (str(path), "absent")
    except OSError as err:
        return (str(path), "error", err.errno)
    now = time.time_ns() if now_ns is None else now_ns
    if now - info.st_mtime_ns < SETTLE_NS:  # (a chmod is in the mode; a rename, in the inode)
        return (str(path), CHANGING)
    return (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mode, info.st_mtime_ns, info.st_ctime_ns)


def folder_key(folder: Path, suffixes: tuple[str, ...]) -> Hashable:
    """The key of every file in ``folder`` whose name ends with one of ``suffixes``
    (hidden ones too: a cache must not miss a file the reader would see)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(suffixes))
    except FileNotFoundError:
        return (str(folder), "absent")
    except OSError as err:
        return (str(folder), "error", err.errno)
    now = time.time_ns()
    return (str(folder), file_key(folder, now), tuple(file_key(folder / name, now) for name in names))


@cache
def code_key() -> Hashable:
    """Coach's version, Python's, and each file of the ``coach`` package and of
    PyYAML (once a process: the code running does not change under it)."""
    yaml = importlib.util.find_spec("yaml")  # found, not imported
    yaml_folder = Path(yaml.origin).parent if yaml is not None and yaml.origin else None
    return (__version__, sys.version_info[:2],
            folder_key(Path(__file__).parent, (".py", ".yaml")),
            folder_key(yaml_folder, (".py", ".so", ".pyd")) if yaml_folder is not None else None)


def settled(key: Hashable) -> bool:
    """No file in ``key`` was changing when it was taken."""
    if key == CHANGING:
        return False
    if isinstance(key, tuple):
        return all(settled(part) for part in key)
    return True


def cached(cache_file: Path | None, key: Hashable, build: Callable[[], T], keep: Callable[[T], bool]) -> T:
    """The value stored under ``key`` in ``cache_file``; else ``build()``,
    stored there when ``keep(value)`` says it will come out the same next time
    and no file in the key was changing. ``cache_file`` None: no cache."""
    if cache_file is None:
        return build()
    full_key = (code_key(), key)
    found = _load(cache_file, full_key)
    if found is not None:
        return found[0]  # type: ignore[no-any-return]
    value = build()
    if keep(value) and settled(full_key):
        _store(cache_file, full_key, value)
    return value


class _OwnClassesOnly(pickle.Unpickler):
    """Builds the dataclasses and enums of :data:`OWN_MODULES` and
    :data:`PLAIN_CLASSES`, nothing else: a pickle can name any callable, and
    one from elsewhere must not run."""

    def find_class(self, module: str, name: str) -> type:
        if (module, name) in PLAIN_CLASSES:
            return super().find_class(module, name)  # type: ignore[no-any-return]
        if module in OWN_MODULES and "." not in name:
            found = getattr(sys.modules.get(module) or importlib.import_module(module), name, None)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not something a cache of Coach holds")


def _load(cache_file: Path, key: Hashable) -> tuple[object] | None:
    """The value stored under ``key`` in ``cache_file``, in a 1-tuple; None if
    there is none, another key, or anything is wrong with the file."""
    try:
        info = os.lstat(cache_file)  # lstat: a symbolic link is not a cache of ours either
        if (not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
            return None  # not a cache this user wrote
        data = io.BytesIO(read_bounded(cache_file, MAX_CACHE_BYTES))  # regular, capped, never hangs
        # Two pickles, each with its own unpickler (each has its own memo).
        if _OwnClassesOnly(data).load() != key:
            return None  # another Coach, other files: the value is not even read
        return (_OwnClassesOnly(data).load(),)
    except Exception:  # truncated, refused, from another version, anything: worked out again
        return None


def _store(cache_file: Path, key: Hashable, value: object) -> None:
    """Write the cache (private, atomically); a cache that cannot be written is no cache."""
    import tempfile

    folder = cache_file.parent
    temp: str | None = None
    try:
        data = pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL) + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > MAX_CACHE_BYTES:
            return  # would never be read
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{cache_file.name}.", suffix=".tmp", dir=folder)  # 0600, its own name
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temp, cache_file)
        temp = None
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
