"""The sit timer: how long you have sat, when a break is due, what you did.

Pure: it reads two injected clocks, a monotonic one for durations and a wall
one (aware, local) for work hours, pauses "until 14:00" and the history. The
app calls :meth:`SitTimer.poll` about once a second and stores the
:class:`BreakEvent` values it returns; the prompt's keys call the answer
methods. Nothing here counts ticks, so a late or skipped poll changes nothing.

Rules (issue 4; the article "Back Spasms": get up after sitting 20-30 minutes):
- A break is due ``limit`` after the sitting bout began.
- ``snooze`` puts it off by ``snooze``, at most ``max_snoozes`` times in a row.
- ``skip`` says no to this one; the next comes ``limit`` later.
- ``already`` ("I already took a break") counts as a break.
- A routine completed, or stopped after ``min_routine_break``, counts as a
  break; while a routine runs, a due prompt waits until it ends.
- The machine asleep or suspended (the wall clock moved ``suspend_gap`` or
  more beyond the monotonic clock) counts as a natural break.
- An unanswered prompt nudges every ``nudge_every`` and after ``missed_after``
  counts as missed; the next prompt then comes ``snooze`` later.
- Outside work hours, or while paused, the timer rests; it starts a fresh
  bout when they begin again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import Enum

Monotonic = Callable[[], float]
Wall = Callable[[], datetime]


class Answer(str, Enum):
    """What became of a sitting bout or a prompt (stored in the history)."""

    TAKEN = "taken"  # a break routine, done (or stopped after a minute)
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    ALREADY = "already"  # "I already took a break"
    MISSED = "missed"  # the prompt went unanswered
    NATURAL = "natural"  # the machine slept: the person was away



@dataclass(frozen=True)
class WorkHours:
    """Days (0 = Monday) and a daily window in local time; outside, the timer rests."""

    days: frozenset[int] = frozenset(range(5))
    start: time = time(9, 0)
    end: time = time(17, 30)

    def contains(self, moment: datetime) -> bool:
        return moment.weekday() in self.days and self.start <= moment.time().replace(tzinfo=None) < self.end


@dataclass(frozen=True)
class SitSettings:
    """The sit timer's settings (``sitting:`` in config.yaml)."""

    limit: int = 30 * 60
    snooze: int = 5 * 60
    max_snoozes: int = 2
    break_routine: str = "desk-break"
    work_hours: WorkHours | None = None
    nudge_every: int = 60
    missed_after: int = 5 * 60
    suspend_gap: int = 2 * 60
    min_routine_break: int = 60


class Mode(str, Enum):
    """What the timer is doing."""

    SITTING = "sitting"  # counting towards the next break
    DUE = "due"  # the prompt is open
    IN_ROUTINE = "in-routine"  # a routine is playing
    PAUSED = "paused"
    OFF_HOURS = "off-hours"


@dataclass(frozen=True)
class BreakEvent:
    """One answer or break, with the length of the sitting bout at that moment."""

    answer: Answer
    bout_seconds: int
    at: datetime  # wall clock, aware
    prompted: bool  # whether a prompt was open (or answered) for it


@dataclass(frozen=True)
class SitStatus:
    """What the status line shows."""

    mode: Mode
    sitting: float  # seconds in the current bout (0 when resting)
    due_in: float | None  # seconds until the prompt; None when not counting
    snoozes: int
    can_snooze: bool
    nudges: int  # nudges due since the prompt opened
    paused_until: datetime | None = None
    prompt_pending: bool = False  # due during a routine: shows when it ends


@dataclass
class SitTimer:
    """The state machine. All times are read from the injected clocks."""

    settings: SitSettings
    monotonic: Monotonic
    wall: Wall
    _bout_start: float = field(init=False)
    _due_at: float = field(init=False)
    _prompt_since: float | None = field(init=False, default=None)
    _pending: bool = field(init=False, default=False)  # due while in a routine
    _snoozes: int = field(init=False, default=0)
    _paused_until: datetime | None = field(init=False, default=None)
    _resting: bool = field(init=False, default=False)  # outside work hours
    _in_routine: bool = field(init=False, default=False)
    _routine_prompted: bool = field(init=False, default=False)
    _last: tuple[float, datetime] = field(init=False)

    def __post_init__(self) -> None:
        now = self.monotonic()
        self._last = (now, self.wall())
        self._restart(now)
        self._resting = not self._in_hours(self._last[1])

    # --- the clock moves ------------------------------------------------------------

    def poll(self) -> list[BreakEvent]:
        """Bring the timer up to now; return the events that happened."""
        mono, wall = self.monotonic(), self.wall()
        last_mono, last_wall = self._last
        self._last = (mono, wall)
        events: list[BreakEvent] = []
        slept = (wall - last_wall).total_seconds() - (mono - last_mono)
        if slept >= self.settings.suspend_gap and self._counting():
            # Asleep or suspended: the person was away. The bout ended when we slept.
            events.append(self._event(Answer.NATURAL, last_mono, prompted=self._prompt_open()))
            self._restart(mono)
        if self._paused_until is not None and wall >= self._paused_until:
            self._paused_until = None
            self._restart(mono)
        in_hours = self._in_hours(wall)
        if not in_hours and not self._resting:
            self._resting = True
            self._close_prompt()
        elif in_hours and self._resting:
            self._resting = False
            self._restart(mono)
        if not self._counting():
            return events
        if self._prompt_since is None and mono >= self._due_at:
            if self._in_routine:
                self._pending = True
            else:
                self._prompt_since = self._due_at  # exactly when due, not when polled
        if self._prompt_since is not None and mono - self._prompt_since >= self.settings.missed_after:
            events.append(self._event(Answer.MISSED, self._prompt_since + self.settings.missed_after, prompted=True))
            self._close_prompt()
            self._due_at = mono + self.settings.snooze
        return events

    def status(self) -> SitStatus:
        """The state at the last poll (call :meth:`poll` first for now)."""
        mono = self._last[0]
        if self._paused_until is not None:
            return SitStatus(Mode.PAUSED, 0.0, None, self._snoozes, False, 0, self._paused_until)
        if self._resting:
            return SitStatus(Mode.OFF_HOURS, 0.0, None, self._snoozes, False, 0)
        sitting = max(0.0, mono - self._bout_start)
        due_in = self._due_at - mono
        if self._in_routine:
            return SitStatus(Mode.IN_ROUTINE, sitting, due_in, self._snoozes, False, 0, prompt_pending=self._pending)
        if self._prompt_since is not None:
            nudges = int((mono - self._prompt_since) // self.settings.nudge_every)
            return SitStatus(Mode.DUE, sitting, due_in, self._snoozes, self.can_snooze, nudges)
        return SitStatus(Mode.SITTING, sitting, due_in, self._snoozes, self.can_snooze, 0)

    @property
    def can_snooze(self) -> bool:
        return self._snoozes < self.settings.max_snoozes

    @property
    def prompt_open(self) -> bool:
        """Whether the break prompt should be on screen."""
        return self._prompt_open()

    # --- answers -------------------------------------------------------------------------

    def snooze(self) -> BreakEvent | None:
        """Put the break off by ``snooze``; None when the snoozes are used up."""
        if not self._prompt_open() or not self.can_snooze:
            return None
        mono = self.monotonic()
        event = self._event(Answer.SNOOZED, mono, prompted=True)
        self._snoozes += 1
        self._close_prompt()
        self._due_at = mono + self.settings.snooze
        return event

    def skip(self) -> BreakEvent | None:
        """No break this time; the next comes a full ``limit`` from now."""
        if not self._prompt_open():
            return None
        mono = self.monotonic()
        event = self._event(Answer.SKIPPED, mono, prompted=True)
        self._snoozes = 0
        self._close_prompt()
        self._due_at = mono + self.settings.limit
        return event

    def already(self) -> BreakEvent:
        """"I already took a break": it counts, and a new bout begins."""
        mono = self.monotonic()
        event = self._event(Answer.ALREADY, mono, prompted=self._prompt_open())
        self._restart(mono)
        return event

    def routine_started(self) -> None:
        """A routine began (from the prompt or not): the prompt waits for its end."""
        self._routine_prompted = self._prompt_open() or self._pending
        if self._prompt_open():
            self._close_prompt()
            self._pending = True
        self._in_routine = True

    def routine_ended(self, active_seconds: float, completed: bool) -> BreakEvent | None:
        """A routine ended; it is a break if completed or long enough."""
        self._in_routine = False
        mono = self.monotonic()
        if completed or active_seconds >= self.settings.min_routine_break:
            event = self._event(Answer.TAKEN, mono - active_seconds, prompted=self._routine_prompted)
            self._restart(mono)
            return event
        if self._pending and self._counting():
            self._prompt_since = mono  # the prompt that waited for the routine
            self._pending = False
        return None

    def pause(self, until: datetime) -> None:
        """Rest until a wall-clock moment; a fresh bout starts then."""
        self._paused_until = until
        self._close_prompt()

    def resume(self) -> None:
        """End a pause now."""
        if self._paused_until is not None:
            self._paused_until = None
            self._restart(self.monotonic())

    # --- internals ---------------------------------------------------------------------------

    def _counting(self) -> bool:
        return self._paused_until is None and not self._resting

    def _prompt_open(self) -> bool:
        return self._prompt_since is not None

    def _close_prompt(self) -> None:
        self._prompt_since = None
        self._pending = False

    def _restart(self, mono: float) -> None:
        self._bout_start = mono
        self._due_at = mono + self.settings.limit
        self._snoozes = 0
        self._close_prompt()

    def _in_hours(self, moment: datetime) -> bool:
        hours = self.settings.work_hours
        return hours is None or hours.contains(moment)

    def _event(self, answer: Answer, at_mono: float, prompted: bool) -> BreakEvent:
        bout = max(0, round(at_mono - self._bout_start))
        at = self.wall() - timedelta(seconds=max(0.0, self.monotonic() - at_mono))
        return BreakEvent(answer, bout, at, prompted)


def pause_choices(now: datetime) -> list[tuple[str, datetime]]:
    """The pause menu: 30 min, 1 h, 2 h, the rest of the day (to local midnight)."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        ("30 minutes", now + timedelta(minutes=30)),
        ("1 hour", now + timedelta(hours=1)),
        ("2 hours", now + timedelta(hours=2)),
        ("the rest of the day", midnight),
    ]
