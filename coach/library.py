"""The routine library: the built-in routines plus the user's folder.

A user routine with the same ``id`` as a built-in one replaces it, and the
library says so. A broken file is kept as an entry with its problems, so one
bad file never stops the rest from loading.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from typing import TYPE_CHECKING

from coach.model import Routine

if TYPE_CHECKING:
    from coach.routines import Problem

# The reader and checker (coach.routines, and YAML under it) are imported when
# a file is read: a start-up served from the cache (load_library_cached) never needs them.

BUILTIN = "built-in"
USER = "user"
ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LibraryEntry:
    """One routine file: its routine if it is valid, else its problems."""

    id: str
    origin: str  # BUILTIN or USER
    path: str  # as shown to the user
    routine: Routine | None
    problems: tuple[Problem, ...] = ()
    replaces_builtin: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file holds a usable routine."""
        return self.routine is not None and not self.problems


@dataclass(frozen=True)
class Library:
    """Every routine Coach knows about, valid or broken, sorted by id."""

    entries: tuple[LibraryEntry, ...]
    notices: tuple[str, ...] = field(default=())

    @property
    def routines(self) -> tuple[Routine, ...]:
        """The usable routines."""
        return tuple(e.routine for e in self.entries if e.ok and e.routine is not None)

    @property
    def broken(self) -> tuple[LibraryEntry, ...]:
        """The files that could not be used, with their problems."""
        return tuple(e for e in self.entries if not e.ok)

    def get(self, routine_id: str) -> LibraryEntry | None:
        """The usable entry with this id, or the broken one, or None."""
        found = [e for e in self.entries if e.id == routine_id]
        for entry in found:
            if entry.ok:
                return entry
        return found[0] if found else None


def builtin_entries() -> list[LibraryEntry]:
    """The routines shipped with Coach (read with importlib.resources)."""
    from coach.routines import RoutineError, parse_routine

    entries = []
    folder = resources.files("routines")
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if not item.name.endswith(".yaml"):
            continue
        shown = f"<built-in>/{item.name}"
        stem = item.name[: -len(".yaml")]
        try:
            routine = parse_routine(item.read_bytes(), shown, expect_id=stem)
            entries.append(LibraryEntry(routine.id, BUILTIN, shown, routine))
        except RoutineError as err:
            entries.append(LibraryEntry(stem, BUILTIN, shown, None, err.problems))
    return entries


def user_entries(folder: Path) -> list[LibraryEntry]:
    """The routines in the user's folder; a missing folder is simply empty."""
    from coach.routines import Problem, RoutineError, read_routine_file

    try:
        files = sorted(p for p in folder.iterdir() if p.suffix in ROUTINE_SUFFIXES and not p.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        problem = Problem(str(folder), 1, 1, "", f"cannot read the routine folder: {err.strerror or err}")
        return [LibraryEntry(folder.name, USER, str(folder), None, (problem,))]
    entries = []
    for path in files:
        if path.is_dir():
            continue
        try:
            routine = read_routine_file(path)
            entries.append(LibraryEntry(routine.id, USER, str(path), routine))
        except RoutineError as err:
            entries.append(LibraryEntry(path.stem, USER, str(path), None, err.problems))
    return _mark_duplicate_ids(entries)


def _mark_duplicate_ids(entries: list[LibraryEntry]) -> list[LibraryEntry]:
    from coach.routines import Problem

    by_id: dict[str, list[LibraryEntry]] = {}
    for entry in entries:
        by_id.setdefault(entry.id, []).append(entry)
    result = []
    for entry in entries:
        twins = [e for e in by_id[entry.id] if e is not entry]
        if not twins:
            result.append(entry)
            continue
        others = ", ".join(t.path for t in twins)
        problem = Problem(entry.path, 1, 1, "id", f"'{entry.id}' is also the id of {others}; each routine needs its own id")
        result.append(LibraryEntry(entry.id, USER, entry.path, None, entry.problems + (problem,)))
    return result


def folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a routine file in ``folder`` is added, changed or
    removed: (name, mtime in ns, size) of each, sorted. Cheap enough to poll
    every couple of seconds (a stat per file, nothing read)."""
    found = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.name.endswith(ROUTINE_SUFFIXES):
                    continue
                try:
                    info = entry.stat()
                except OSError:  # removed between the listing and the stat
                    continue
                found.append((entry.name, info.st_mtime_ns, info.st_size))
    except OSError:
        return ()
    return tuple(sorted(found))


def load_library(user_folder: Path | None) -> Library:
    """Load the built-in routines and, if given, the user's folder."""
    builtins = {e.id: e for e in builtin_entries()}
    users = user_entries(user_folder) if user_folder is not None else []
    notices = []
    merged: dict[str, LibraryEntry] = dict(builtins)
    extra: list[LibraryEntry] = []
    for entry in users:
        if entry.id in builtins and entry.ok:
            notices.append(f"your routine {entry.path} replaces the built-in '{entry.id}'")
            merged[entry.id] = LibraryEntry(entry.id, USER, entry.path, entry.routine, (), replaces_builtin=True)
        elif entry.id in builtins or entry.id in merged:
            extra.append(entry)  # broken: listed beside the built-in it meant to replace
        else:
            merged[entry.id] = entry
    ordered = sorted(list(merged.values()) + extra, key=lambda e: (e.id, e.origin))
    return Library(tuple(ordered), tuple(notices))


def load_library_cached(user_folder: Path | None, cache_file: Path | None) -> Library:
    """:func:`load_library`, or what it gave last time for the same files
    and the same Coach (:mod:`coach.startup_cache`). A library with a broken
    file is not kept: why it broke (a slow disk, a locked file) may not hold
    next time, and the person is fixing it anyway."""
    from coach.startup_cache import cached, folder_key

    builtin_folder = resources.files("routines")
    if not isinstance(builtin_folder, Path):  # inside a zip: no stat to key on
        return load_library(user_folder)
    key = ("library", folder_key(builtin_folder, (".yaml",)),
           folder_key(user_folder, ROUTINE_SUFFIXES) if user_folder is not None else None)
    return cached(cache_file, key, lambda: load_library(user_folder), keep=lambda library: not library.broken)
