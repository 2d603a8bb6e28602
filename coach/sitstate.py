"""The sit timer's state as a small file, for ``coach status`` (tmux, prompts).

The running app writes it when the state changes (not every second): the
bout's start and the due moment are stored as wall-clock times, so a reader
can work out "sitting 23:10 - break in 6:50" at any moment on its own. Whether
an app is running at all comes from the instance lock, not from this file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from coach.durations import format_clock
from coach.fileio import atomic_write
from coach.sitting import Mode, SitStatus

VERSION = 1
ANCHOR_JITTER = 2  # seconds an anchor may wander before the file is rewritten


@dataclass(frozen=True)
class SitSnapshot:
    """Where the sit timer stood, in wall-clock terms."""

    mode: Mode
    bout_started: datetime | None = None
    due_at: datetime | None = None
    paused_until: datetime | None = None

    @classmethod
    def of(cls, status: SitStatus, now: datetime) -> SitSnapshot:
        counting = status.mode in (Mode.SITTING, Mode.DUE, Mode.IN_ROUTINE)
        return cls(
            mode=status.mode,
            bout_started=_whole(now - timedelta(seconds=status.sitting)) if counting else None,
            due_at=_whole(now + timedelta(seconds=status.due_in)) if counting and status.due_in is not None else None,
            paused_until=status.paused_until,
        )


    def moved_since(self, old: SitSnapshot | None) -> bool:
        """Whether the file needs rewriting: a new mode, or an anchor moved.

        The anchors are derived from "now" each second, so they jitter by a
        second; only a real move (a snooze, a new bout) counts.
        """
        if old is None or old.mode is not self.mode or old.paused_until != self.paused_until:
            return True
        for before, after in ((old.bout_started, self.bout_started), (old.due_at, self.due_at)):
            if (before is None) != (after is None):
                return True
            if before is not None and after is not None and abs((after - before).total_seconds()) > ANCHOR_JITTER:
                return True
        return False


def _whole(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).isoformat()


def write_snapshot(path: Path, snapshot: SitSnapshot) -> None:
    """Write atomically, so a reader never sees half a file."""
    data = {
        "version": VERSION,
        "mode": snapshot.mode.value,
        "bout_started": _text(snapshot.bout_started),
        "due_at": _text(snapshot.due_at),
        "paused_until": _text(snapshot.paused_until),
    }
    atomic_write(path, json.dumps(data) + "\n", mode=0o600, durable=False)


def read_snapshot(path: Path) -> SitSnapshot | None:
    """The last snapshot, or None if there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None

        def when(key: str) -> datetime | None:
            value = data.get(key)
            return None if value is None else datetime.fromisoformat(value)

        return SitSnapshot(Mode(data["mode"]), when("bout_started"), when("due_at"), when("paused_until"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def status_line(snapshot: SitSnapshot | None, running: bool, now: datetime) -> str:
    """One short line: "sitting 23:10 - break in 6:50", or why there is no timer."""
    if not running:
        return "coach: not running"
    if snapshot is None:
        return "coach: starting"
    if snapshot.mode is Mode.PAUSED:
        until = snapshot.paused_until.astimezone(now.tzinfo).strftime("%H:%M") if snapshot.paused_until else "later"
        return f"sit timer paused until {until}"
    if snapshot.mode is Mode.OFF_HOURS:
        return "outside work hours"
    sitting = (now - snapshot.bout_started).total_seconds() if snapshot.bout_started else 0.0
    if snapshot.mode is Mode.IN_ROUTINE:
        return "in a routine"
    left = (snapshot.due_at - now).total_seconds() if snapshot.due_at else 0.0
    if snapshot.mode is Mode.DUE or left <= 0:
        return f"sitting {format_clock(sitting)} - break due"
    return f"sitting {format_clock(sitting)} - break in {format_clock(left)}"
