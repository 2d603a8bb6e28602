"""Noticing that a folder changed, for the cost of a stat every few seconds.

The app reloads the routine library when a file in the user's folder is added,
changed or removed. Asking "did it change?" every two seconds through a new
worker each time (a thread started, its state changes posted to the app) cost
more than the question: about a sixth of the player's CPU. A
:class:`FolderWatch` is one thread for the app's life that only compares
signatures (:func:`coach.library.folder_signature`: a stat per file, nothing
read) and says so when one differs; the reading is left to the caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable


class FolderWatch:
    """Calls ``changed()`` from its own thread when ``signature()`` differs
    from the last one seen (or from ``seen``, the one the caller started
    with), checking every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, signature: Callable[[], Hashable], changed: Callable[[], None], interval: float,
                 *, seen: Hashable = None) -> None:
        self._signature = signature
        self._changed = changed
        self.interval = interval
        self._seen = seen
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coach-folder-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """No more checks; returns at once (a check under way finishes on its own)."""
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                seen = self._signature()
            except Exception:  # a signature never raises for a missing or odd folder; anything else: next time
                continue
            if seen != self._seen:
                self._seen = seen
                if not self._stopped.is_set():
                    self._changed()
