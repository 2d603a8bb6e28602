"""What can go wrong with the history, as exceptions: importable without SQLite or the records.

The screens catch these around every read; they live apart from the store so
that the app's first frame does not wait for the store's code to load (the
history opens on its own thread, after that frame).
"""

from __future__ import annotations


class StoreError(Exception):
    """The history could not be read or written; the message is one line."""


class StoreNewerError(StoreError):
    """The history file has a schema newer than this version of Coach knows."""


class StoreForeignError(StoreError):
    """The file at the history's path is another program's SQLite database."""


class StoreNotYet(StoreError):
    """There is no history to read yet, or it is still being made (its file is
    there but not yet migrated): the app's writer makes it after the first frame."""
