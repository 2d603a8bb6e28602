"""``coach watch``: the sit timer without the full screen (no Textual).

The same rules as the app (``coach.sitclock``): it owns the timer when no
other Coach does, or stands by and takes over when the owner ends. Prompts
come as a desktop notification, a terminal bell (when stdout is a terminal)
and, when cues.voice is on, a spoken line. Every event is one line on stdout,
fit for a service log. Answers come from any shell: ``coach break ...``.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from coach.clocks import boot_clock, boot_id
from coach.config import LoadedConfig
from coach.desktop import notify_desktop
from coach.paths import Paths
from coach.sitclock import SitClock, SitNews
from coach.sitting import BreakEvent, Presence

TICK = 1.0


class Watcher:
    """The headless loop: tick once a second, log and alert."""

    def __init__(self, paths: Paths, config: LoadedConfig, out: TextIO, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], datetime] | None = None,
                 boottime: Callable[[], float] | None = None,
                 presence: Callable[[], Presence | None] | None = None,
                 alert: Callable[[SitNews], None] | None = None) -> None:
        self.paths = paths
        self.config = config.config
        self.out = out
        self.wall = wall or (lambda: datetime.now().astimezone())
        self.stop = threading.Event()
        self._store = None
        self._store_failed = False
        self.alert = alert or self._alert
        self._voice: tuple[str, ...] | None = None
        self._voice_checked = False
        for problem in config.problems:
            self.log("settings", problem)
        self.sit = SitClock("watch", paths, self.config.sitting, monotonic=monotonic, wall=self.wall,
                            boottime=boottime if boottime is not None or monotonic is not time.monotonic
                            else boot_clock(),
                            boot_id=boot_id(), record=self.record, presence=presence)

    def log(self, kind: str, text: str) -> None:
        """One line per event: local time, kind, text."""
        from coach.sanitize import printable

        try:
            self.out.write(f"{self.wall():%Y-%m-%d %H:%M:%S} {kind}: {printable(text)}\n")
            self.out.flush()
        except (OSError, ValueError):
            pass  # the log went away; the timer goes on

    def record(self, event: BreakEvent) -> None:
        from coach.store import StoreError, open_store

        try:
            if self._store is None:
                self._store = open_store(self.paths.history_file)
            self._store.record_break(event.answer.value, event.bout_seconds, event.at, event.prompted)
            self._store_failed = False
        except (StoreError, ValueError, OSError) as err:
            if not self._store_failed:
                self.log("history", f"cannot record a break: {err}")
            self._store_failed = True

    def run(self, monotonic: Callable[[], float] = time.monotonic) -> int:
        """Until stopped (SIGTERM, SIGINT, SIGHUP or :attr:`stop`)."""
        standby_said = False
        try:
            while not self.stop.is_set():
                view, news = self.sit.tick()
                if self.sit.lock_problem is not None:
                    self.log("error", f"cannot keep the sit timer: {self.sit.lock_problem}")
                    return 1
                if not self.sit.is_owner and not standby_said:
                    owner = f"the {view.owner}" if view.owner else "another Coach"
                    self.log("standby", f"{owner} keeps the sit timer; this watch takes over when it ends")
                    standby_said = True
                for item in news:
                    self.log(item.kind, item.text)
                    if self.sit.is_owner and item.kind in ("prompt", "nudge"):
                        self.alert(item)
                    if item.kind == "owner":
                        standby_said = False
                # Wake on the next whole second of the monotonic clock: no drift, no busy loop.
                self.stop.wait(TICK - (monotonic() % TICK) + 0.001)
        finally:
            self.sit.close()
            if self._store is not None:
                self._store.close()
            self.log("stopped", "the sit timer is free for another Coach to keep")
        return 0

    def _alert(self, item: SitNews) -> None:
        if item.kind == "prompt" and self.config.desktop_notifications:
            notify_desktop("Time for a break", f"{item.text[0].upper()}{item.text[1:]}. "
                           "Answer with: coach break snooze | skip | already")
        if self.config.bell and self.out.isatty():
            try:
                self.out.write("\a")
                self.out.flush()
            except (OSError, ValueError):
                pass
        if self.config.voice:
            from coach.voice import find_voice_command, speak, voice_missing

            if not self._voice_checked:
                self._voice_checked = True
                self._voice = find_voice_command(self.config.voice_command)
                missing = voice_missing(True, self.config.voice_command)
                if missing is not None:
                    self.log("voice", missing)
            if self._voice is not None:
                speak(self._voice, "Time for a break." if item.kind == "prompt" else "Still time for a break.")


def run_watch(paths: Paths, config: LoadedConfig, presence: Callable[[], Presence | None] | None = None) -> int:
    """``coach watch`` from the command line: stop cleanly on SIGTERM, SIGINT, SIGHUP."""
    watcher = Watcher(paths, config, sys.stdout, presence=presence)

    def stop(signum: int, frame: object) -> None:
        watcher.stop.set()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    watcher.log("started", f"coach watch (pid {watcher.sit.pid}); state in {paths.state_file}")
    return watcher.run()
