"""The history file itself: private permissions, only regular files, moved aside when broken.

Coach never deletes a history it cannot read; it moves it aside with the
moment in its name and says where. The file and its -wal/-shm/-journal
companions are 0600, the folder 0700, whatever the umask.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from coach.saferead import regular_or_absent
from coach.store_errors import StoreError


def private_folder(folder: Path) -> None:
    """Create the data folder 0700; tighten it if it is ours and too open."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
        return
    # An existing folder is tightened only when this user owns it and it is not
    # their home (COACH_HOME may point anywhere); someone else's stays as is.
    info = folder.stat()
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    home = Path(os.path.expanduser("~")).resolve()
    if owned and folder.resolve() != home and info.st_mode & 0o077:
        os.chmod(folder, 0o700)


def private_file(path: Path) -> None:
    """Create the history 0600 before SQLite does (its -wal and -shm copy
    the main file's mode), or tighten one of ours that is more open; the
    umask and the folder's mode do not matter."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for suffix in ("", "-wal", "-shm", "-journal"):
            side = path.with_name(path.name + suffix)
            try:
                info = side.stat()
                if (not hasattr(os, "getuid") or info.st_uid == os.getuid()) and info.st_mode & 0o077:
                    os.chmod(side, 0o600)
            except OSError:
                pass  # absent, or not ours to change: left as it is
        return
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def regular_files_only(path: Path) -> None:
    """Refuse a history (or -wal/-shm/-journal) that is a FIFO, a device or a
    folder: SQLite would block on a FIFO forever or read /dev/zero without
    end. Only a stat, so this cannot block either."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        why = regular_or_absent(side)
        if why is not None:
            raise StoreError(f"{side} {why}; move it away and Coach starts a new history")


def move_aside(path: Path, moment: datetime) -> Path:
    """Rename a broken file (and its -wal/-shm/-journal) out of the way."""
    base = f"{path.name}.broken-{moment.strftime('%Y%m%d-%H%M%S')}"
    target, n = path.with_name(base), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{base}-{n}")
    os.replace(path, target)
    # Same suffixes, so sqlite3 on the moved file still finds its WAL.
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def is_read_only_error(exc: BaseException) -> bool:
    """Whether SQLite (or the system) refused because nothing may be written here."""
    cause = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ is not None else exc
    if isinstance(cause, PermissionError):
        return True
    text = str(cause).lower()
    return any(words in text for words in ("readonly", "read-only", "unable to open database file"))
