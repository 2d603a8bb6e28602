"""The sit timer's state as a small file: what viewers show, what the next owner continues.

The owner of the sit timer (the app or ``coach watch``; see
``coach.sitclock``) writes it when the state changes and, as a heartbeat,
every :data:`HEARTBEAT` seconds. Moments are stored as wall-clock times, so a
reader can work out "sitting 23:10 - break in 6:50" at any moment on its own;
the owner rewrites the file when the wall clock steps, because its anchors
move. The timer's own state (:meth:`SitTimer.export`) rides along in
``timer``, with the moment it was written on the boot clock, so the next owner
knows how long nobody kept the timer. Whether an owner is running at all comes
from the instance lock, not from this file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from coach.durations import format_clock
from coach.fileio import atomic_write, read_regular
from coach.sitting import Mode, SitStatus

VERSION = 2
ANCHOR_JITTER = 2  # seconds an anchor may wander before the file is rewritten
HEARTBEAT = 10.0  # seconds between rewrites when nothing changes
MAX_BYTES = 16 * 1024


@dataclass(frozen=True)
class SitSnapshot:
    """Where the sit timer stood, in wall-clock terms, and who kept it."""

    mode: Mode
    bout_started: datetime | None = None
    due_at: datetime | None = None
    paused_until: datetime | None = None
    prompt_since: datetime | None = None
    away_since: datetime | None = None
    can_snooze: bool = False
    snoozes: int = 0
    prompt_pending: bool = False
    owner: str | None = None  # "app" or "watch"
    pid: int | None = None
    seen: datetime | None = None  # when the owner wrote it
    boot_id: str | None = None
    boot: float | None = None  # the boot clock when written
    timer: dict[str, object] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, status: SitStatus, now: datetime) -> SitSnapshot:
        counting = status.mode in (Mode.SITTING, Mode.DUE, Mode.IN_ROUTINE, Mode.AWAY)
        return cls(
            mode=status.mode,
            bout_started=_utc(now - timedelta(seconds=status.sitting)) if counting else None,
            due_at=_utc(now + timedelta(seconds=status.due_in)) if counting and status.due_in is not None else None,
            paused_until=status.paused_until,
            prompt_since=None if status.prompt_for is None else _utc(now - timedelta(seconds=status.prompt_for)),
            away_since=None if status.away_for is None else _utc(now - timedelta(seconds=status.away_for)),
            can_snooze=status.can_snooze,
            snoozes=status.snoozes,
            prompt_pending=status.prompt_pending,
        )

    def signed(self, owner: str, pid: int, seen: datetime, boot_id: str | None, boot: float | None,
               timer: dict[str, object]) -> SitSnapshot:
        """The same state with who wrote it, when, and the timer's own state."""
        return replace(self, owner=owner, pid=pid, seen=seen, boot_id=boot_id, boot=boot, timer=timer)

    def moved_since(self, old: SitSnapshot | None) -> bool:
        """Whether the file needs rewriting: a new mode, or an anchor moved.

        The anchors are derived from "now" each second, so they jitter by a
        second; only a real move (a snooze, a new bout) counts.
        """
        if (old is None or old.mode is not self.mode or old.paused_until != self.paused_until
                or old.can_snooze != self.can_snooze or old.snoozes != self.snoozes
                or old.prompt_pending != self.prompt_pending):
            return True
        for before, after in ((old.bout_started, self.bout_started), (old.due_at, self.due_at),
                              (old.prompt_since, self.prompt_since), (old.away_since, self.away_since)):
            if (before is None) != (after is None):
                return True
            if before is not None and after is not None and abs((after - before).total_seconds()) > ANCHOR_JITTER:
                return True
        return False

    def sitting(self, now: datetime) -> float:
        """Seconds in the current bout at ``now`` (0 when not counting)."""
        if self.mode is Mode.AWAY:
            end = self.away_since or now
            return max(0.0, (end - self.bout_started).total_seconds()) if self.bout_started else 0.0
        if self.bout_started is None or self.mode in (Mode.PAUSED, Mode.OFF_HOURS):
            return 0.0
        return max(0.0, (now - self.bout_started).total_seconds())


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


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
        "prompt_since": _text(snapshot.prompt_since),
        "away_since": _text(snapshot.away_since),
        "can_snooze": snapshot.can_snooze,
        "snoozes": snapshot.snoozes,
        "prompt_pending": snapshot.prompt_pending,
        "owner": snapshot.owner,
        "pid": snapshot.pid,
        "seen": _text(snapshot.seen),
        "boot_id": snapshot.boot_id,
        "boot": snapshot.boot,
        "timer": snapshot.timer,
    }
    atomic_write(path, json.dumps(data) + "\n", mode=0o600, durable=False)


def read_snapshot(path: Path) -> SitSnapshot | None:
    """The last snapshot, or None if there is none or it cannot be read."""
    try:
        data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None

        def when(key: str) -> datetime | None:
            value = data.get(key)
            if value is None:
                return None
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("a time without a zone")
            return moment

        boot = data.get("boot")
        if boot is not None and not (isinstance(boot, (int, float)) and math.isfinite(boot)):
            raise ValueError("bad boot clock")
        timer = data.get("timer") or {}
        pid = data.get("pid")
        return SitSnapshot(
            Mode(data["mode"]), when("bout_started"), when("due_at"), when("paused_until"),
            when("prompt_since"), when("away_since"), bool(data.get("can_snooze")), int(data.get("snoozes") or 0),
            bool(data.get("prompt_pending")),
            owner=data.get("owner") if data.get("owner") in ("app", "watch") else None,
            pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
            seen=when("seen"), boot_id=str(data["boot_id"])[:64] if data.get("boot_id") else None, boot=boot,
            timer=timer if isinstance(timer, dict) else {},
        )
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
    if snapshot.mode is Mode.IN_ROUTINE:
        return "in a routine"
    if snapshot.mode is Mode.AWAY:
        since = snapshot.away_since.astimezone(now.tzinfo).strftime("%H:%M") if snapshot.away_since else "a while"
        return f"away since {since}"
    sitting = snapshot.sitting(now)
    left = (snapshot.due_at - now).total_seconds() if snapshot.due_at else 0.0
    if snapshot.mode is Mode.DUE or left <= 0:
        return f"sitting {format_clock(sitting)} - break due"
    return f"sitting {format_clock(sitting)} - break in {format_clock(left)}"
