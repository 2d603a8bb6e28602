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
- A routine completed (at least 80 % of its timed length really done,
  :mod:`coach.step_fates`) counts as a break; a partial, skipped-through or
  stopped one does not. While a routine runs, a due prompt waits until it ends.
- The machine asleep or suspended (the boot clock, which runs on in suspend,
  moved ``suspend_gap`` or more beyond the monotonic clock, which does not)
  counts as a natural break. The wall clock plays no part: a step of the wall
  clock (NTP, a manual change) is never a break.
- Away (the screen locked, or idle by every source for ``away_after``; see
  :class:`Presence`): no prompt fires, an open prompt is withdrawn (not
  missed), and once the away period lasts ``away_after`` (five minutes when
  idle detection is off) it is one natural break; the bout that follows
  starts when they come back.
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
    NATURAL = "natural"  # the machine slept, or the person was away
    GAP = "gap"  # no Coach was running for a while: unknown, not a break


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
    away_after: int = 5 * 60  # 0: idle detection off (a lock still counts)
    away_sources: tuple[str, ...] | None = None  # None: every source found

    @property
    def away_break(self) -> int:
        """How long an away period (or a gap with no owner) lasts before it ends the bout."""
        return self.away_after or DEFAULT_AWAY_AFTER


DEFAULT_AWAY_AFTER = 5 * 60


@dataclass(frozen=True)
class Presence:
    """What the away sources say now: the screen is locked, and/or seconds since
    the last input by every source that could tell (None: nobody could tell)."""

    locked: bool = False
    idle: float | None = None


class Mode(str, Enum):
    """What the timer is doing."""

    SITTING = "sitting"  # counting towards the next break
    DUE = "due"  # the prompt is open
    IN_ROUTINE = "in-routine"  # a routine is playing
    PAUSED = "paused"
    OFF_HOURS = "off-hours"
    AWAY = "away"  # the screen is locked or nobody has touched anything for a while


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
    prompt_for: float | None = None  # seconds the prompt has been open
    away_for: float | None = None  # seconds since the person left


@dataclass
class SitTimer:
    """The state machine. All times are read from the injected clocks."""

    settings: SitSettings
    monotonic: Monotonic
    wall: Wall
    boottime: Monotonic | None = None  # runs on in suspend; None: suspend is not noticed
    _bout_start: float = field(init=False)
    _due_at: float = field(init=False)
    _prompt_since: float | None = field(init=False, default=None)
    _pending: bool = field(init=False, default=False)  # due while in a routine
    _snoozes: int = field(init=False, default=0)
    _paused_until: datetime | None = field(init=False, default=None)
    _resting: bool = field(init=False, default=False)  # outside work hours
    _in_routine: bool = field(init=False, default=False)
    _routine_prompted: bool = field(init=False, default=False)
    _away_since: float | None = field(init=False, default=None)
    _away_recorded: bool = field(init=False, default=False)
    _last: tuple[float, datetime] = field(init=False)
    _last_boot: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        now = self.monotonic()
        self._last = (now, self.wall())
        self._last_boot = self.boottime() if self.boottime is not None else None
        self._restart(now)
        self._resting = not self._in_hours(self._last[1])

    # --- the clock moves ------------------------------------------------------------

    def poll(self, presence: Presence | None = None) -> list[BreakEvent]:
        """Bring the timer up to now; return the events that happened.

        ``presence`` is the away sources' latest word (None: no news, keep
        what was known)."""
        mono, wall = self.monotonic(), self.wall()
        last_mono, _ = self._last
        self._last = (mono, wall)
        events: list[BreakEvent] = []
        slept = 0.0
        if self.boottime is not None:
            boot = self.boottime()
            if self._last_boot is not None:
                slept = (boot - self._last_boot) - (mono - last_mono)
            self._last_boot = boot
        if slept >= self.settings.suspend_gap and self._counting():
            # Asleep or suspended: the person was away. The bout ended when we slept.
            if not self._away_recorded:
                end = self._away_since if self._away_since is not None else last_mono
                events.append(self._event(Answer.NATURAL, end, prompted=self._prompt_open()))
            self._away_since, self._away_recorded = None, False
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
            self._away_since, self._away_recorded = None, False
            return events
        if presence is not None:
            events += self._presence(presence, mono)
        if self._away_since is not None:
            return events  # no prompt while away, and nothing goes missed
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
        if self._away_since is not None:
            sat = 0.0 if self._away_recorded else max(0.0, self._away_since - self._bout_start)
            return SitStatus(Mode.AWAY, sat, None, self._snoozes, False, 0, away_for=mono - self._away_since)
        sitting = max(0.0, mono - self._bout_start)
        due_in = self._due_at - mono
        if self._in_routine:
            return SitStatus(Mode.IN_ROUTINE, sitting, due_in, self._snoozes, False, 0, prompt_pending=self._pending)
        if self._prompt_since is not None:
            nudges = int((mono - self._prompt_since) // self.settings.nudge_every)
            return SitStatus(Mode.DUE, sitting, due_in, self._snoozes, self.can_snooze, nudges,
                             prompt_for=mono - self._prompt_since)
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
        """A routine ended; it is a break only if completed (``active_seconds``
        dates the break's start: the bout ended when the routine began)."""
        self._in_routine = False
        mono = self.monotonic()
        if completed:
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

    @property
    def away(self) -> bool:
        """Whether the person is away (locked, or idle by every source)."""
        return self._away_since is not None

    # --- away ---------------------------------------------------------------------------------

    def _presence(self, presence: Presence, mono: float) -> list[BreakEvent]:
        threshold = self.settings.away_after
        idle = presence.idle if presence.idle is not None and presence.idle >= 0 else None
        idle_away = threshold > 0 and idle is not None and idle >= threshold
        if presence.locked or idle_away:
            if self._away_since is None:
                left = mono - idle if idle is not None else mono
                self._away_since = max(left, self._bout_start)
                self._close_prompt()  # withdrawn: they are not there to answer it
            if not self._away_recorded and mono - self._away_since >= self.settings.away_break:
                self._away_recorded = True
                return [self._event(Answer.NATURAL, self._away_since, prompted=False)]
            return []
        if self._away_since is not None:
            back = mono - min(idle, mono - self._away_since) if idle is not None else mono
            if self._away_recorded:
                self._restart(back)  # a fresh bout from when they came back
            elif mono >= self._due_at:
                self._prompt_since = mono  # the prompt that was withdrawn comes back, afresh
            self._away_since, self._away_recorded = None, False
        return []

    # --- kept across restarts and handoffs -----------------------------------------------------

    def export(self) -> dict[str, object]:
        """The state as of the last poll, in seconds relative to that moment
        (never in clock values, which mean nothing to another process)."""
        mono = self._last[0]

        def ago(moment: float | None) -> float | None:
            return None if moment is None else round(mono - moment, 3)

        return {
            "bout": ago(self._bout_start),
            "due_in": round(self._due_at - mono, 3),
            "prompt_for": ago(self._prompt_since),
            "pending": self._pending,
            "snoozes": self._snoozes,
            "paused_until": None if self._paused_until is None else self._paused_until.isoformat(),
            "routine_prompted": self._routine_prompted,
            "away_for": ago(self._away_since),
            "away_recorded": self._away_recorded,
        }

    def restore(self, saved: dict[str, object], gap: float | None, gap_end: datetime | None = None) -> BreakEvent | None:
        """Carry on from :meth:`export`, saved ``gap`` seconds ago by an owner
        that has since ended (None: unknown). A gap longer than ``away_break``
        starts a fresh bout and returns a GAP event: unknown activity, not a break.
        Garbage leaves the fresh bout alone and returns None."""
        try:
            bout = _seconds(saved["bout"])
            due_in = float(saved["due_in"])  # type: ignore[arg-type]
            prompt_for = _seconds_or_none(saved.get("prompt_for"))
            away_for = _seconds_or_none(saved.get("away_for"))
            snoozes = int(saved.get("snoozes", 0))  # type: ignore[call-overload]
            paused = saved.get("paused_until")
            paused_until = datetime.fromisoformat(paused) if isinstance(paused, str) else None
            if paused_until is not None and paused_until.tzinfo is None:
                raise ValueError("naive time")
        except (KeyError, TypeError, ValueError):
            return None
        if not (abs(due_in) < 10 * 86400 and 0 <= snoozes <= 100):
            return None
        mono = self.monotonic()
        if paused_until is not None and paused_until > self.wall():
            self.pause(paused_until)
            return None
        if gap is None or not 0 <= gap <= self.settings.away_break:
            self._restart(mono)
            at = (gap_end or self.wall()) - timedelta(seconds=gap or 0)
            return BreakEvent(Answer.GAP, round(bout), at, False)
        shift = mono - gap
        if away_for is not None:
            self._bout_start = shift - bout
            self._away_since = shift - away_for
            self._away_recorded = bool(saved.get("away_recorded"))
        else:
            self._bout_start = shift - bout
        self._due_at = shift + due_in
        self._snoozes = snoozes
        self._routine_prompted = bool(saved.get("routine_prompted"))
        # A routine dies with the owner that played it: its prompt waits no longer.
        if prompt_for is not None or saved.get("pending"):
            self._prompt_since = shift - prompt_for if prompt_for is not None else mono
        return None

    # --- internals ---------------------------------------------------------------------------

    def _counting(self) -> bool:
        return self._paused_until is None and not self._resting

    def _prompt_open(self) -> bool:
        return self._prompt_since is not None

    def _close_prompt(self) -> None:
        self._prompt_since = None
        self._pending = False

    def _restart(self, mono: float) -> None:
        self._away_since, self._away_recorded = None, False
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


def _seconds(value: object) -> float:
    number = float(value)  # type: ignore[arg-type]
    if not 0 <= number < 10 * 86400:
        raise ValueError("out of range")
    return number


def _seconds_or_none(value: object) -> float | None:
    return None if value is None else _seconds(value)


def pause_choices(now: datetime) -> list[tuple[str, datetime]]:
    """The pause menu: 30 min, 1 h, 2 h, the rest of the day (to local midnight)."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        ("30 minutes", now + timedelta(minutes=30)),
        ("1 hour", now + timedelta(hours=1)),
        ("2 hours", now + timedelta(hours=2)),
        ("the rest of the day", midnight),
    ]
